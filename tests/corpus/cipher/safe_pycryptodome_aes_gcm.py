from Crypto.Cipher import AES


def encrypt_token(key: bytes, token: bytes) -> tuple[bytes, bytes, bytes]:
    cipher = AES.new(key, AES.MODE_GCM)
    ciphertext, tag = cipher.encrypt_and_digest(token)
    return cipher.nonce, ciphertext, tag
