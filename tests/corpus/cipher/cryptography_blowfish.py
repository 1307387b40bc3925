import os

from cryptography.hazmat.decrepit.ciphers.algorithms import Blowfish
from cryptography.hazmat.primitives.ciphers import Cipher, modes


def encrypt_note(key: bytes, note: bytes) -> bytes:
    iv = os.urandom(8)
    enc = Cipher(Blowfish(key), modes.CBC(iv)).encryptor()
    return iv + enc.update(note) + enc.finalize()
