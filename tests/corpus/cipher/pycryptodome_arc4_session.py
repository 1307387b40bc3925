from Crypto.Cipher import ARC4


def obfuscate_session(key: bytes, session_id: str) -> bytes:
    return ARC4.new(key).encrypt(session_id.encode())
