from Crypto.Cipher import DES


def encrypt_blob(key: bytes, data: bytes) -> bytes:
    cipher = DES.new(key, DES.MODE_CBC)
    pad = 8 - len(data) % 8
    return cipher.iv + cipher.encrypt(data + bytes([pad]) * pad)
