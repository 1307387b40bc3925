from cryptography.hazmat.primitives import hashes


def fingerprint(public_key_bytes: bytes) -> bytes:
    h = hashes.Hash(hashes.SHA256())
    h.update(public_key_bytes)
    return h.finalize()
