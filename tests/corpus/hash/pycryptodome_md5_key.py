from Crypto.Hash import MD5


def derive_key(passphrase: str) -> bytes:
    return MD5.new(passphrase.encode()).digest()
