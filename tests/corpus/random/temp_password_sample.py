import random
import string


def temporary_password(length: int = 12) -> str:
    pool = string.ascii_letters + string.digits + "!@#$%"
    return "".join(random.sample(pool, length))
