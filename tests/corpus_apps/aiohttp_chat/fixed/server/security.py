import hashlib
import secrets
from urllib.parse import urlparse


def hash_password(password, salt=None):
    salt = salt or secrets.token_hex(8)
    return salt + ":" + hashlib.scrypt(password.encode(), salt=salt.encode(), n=2**14, r=8, p=1).hex()


def check_password(password, stored):
    salt, _ = stored.split(":", 1)
    return secrets.compare_digest(hash_password(password, salt), stored)


def allowed_redirect(target):
    parsed = urlparse(target)
    return (parsed.scheme == "" and parsed.netloc == "" and target.startswith("/")
            and not target.startswith("//") and "\\" not in target)


def etag(body):
    return hashlib.sha1(body, usedforsecurity=False).hexdigest()
