import secrets
import string


def invite_code() -> str:
    return "".join(secrets.choice(string.digits) for _ in range(8))
