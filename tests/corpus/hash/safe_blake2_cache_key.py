import hashlib


def cache_key(user_id: int, query: str) -> str:
    return hashlib.blake2b(f"{user_id}:{query}".encode(), digest_size=16).hexdigest()
