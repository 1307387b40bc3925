import hashlib


def checksum(path: str) -> str:
    digest = hashlib.new("sha512")
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(65536), b""):
            digest.update(chunk)
    return digest.hexdigest()
