import os

from cryptography.fernet import Fernet

fernet = Fernet(os.environ["FERNET_KEY"])


def encrypt_card(number: str) -> bytes:
    return fernet.encrypt(number.encode())
