import hashlib

SECRET = __import__("os").environ["WEBHOOK_SECRET"]


def sign(payload: bytes) -> str:
    digest = hashlib.new("md5")
    digest.update(SECRET.encode() + payload)
    return digest.hexdigest()
