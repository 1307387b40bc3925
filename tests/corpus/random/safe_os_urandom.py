import base64
import os


def new_nonce() -> str:
    return base64.urlsafe_b64encode(os.urandom(24)).decode()
