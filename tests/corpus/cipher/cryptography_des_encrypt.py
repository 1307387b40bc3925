import os

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

KEY = bytes.fromhex(os.environ["LEGACY_KEY"])


def encrypt_ssn(ssn: str) -> bytes:
    iv = os.urandom(8)
    cipher = Cipher(algorithms.TripleDES(KEY), modes.CBC(iv))
    enc = cipher.encryptor()
    padded = ssn.encode().ljust(16, b"\0")
    return iv + enc.update(padded) + enc.finalize()
