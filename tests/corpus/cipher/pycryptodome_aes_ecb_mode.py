from Crypto.Cipher import AES
from Crypto.Util.Padding import pad


def encrypt_token(key: bytes, token: bytes) -> bytes:
    cipher = AES.new(key, AES.MODE_ECB)
    return cipher.encrypt(pad(token, AES.block_size))
