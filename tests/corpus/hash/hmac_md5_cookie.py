import hashlib
import hmac
import os

KEY = os.environ["COOKIE_KEY"].encode()


def sign_cookie(value: str) -> str:
    mac = hmac.new(KEY, value.encode(), hashlib.md5).hexdigest()
    return f"{value}.{mac}"
