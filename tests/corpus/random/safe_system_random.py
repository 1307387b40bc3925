import random
import string

_sysrand = random.SystemRandom()


def temporary_password(length: int = 12) -> str:
    pool = string.ascii_letters + string.digits + "!@#$%"
    return "".join(_sysrand.choice(pool) for _ in range(length))
