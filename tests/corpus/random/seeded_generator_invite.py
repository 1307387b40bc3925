import random
import time

rng = random.Random(int(time.time()))


def invite_code() -> str:
    return "".join(str(rng.randint(0, 9)) for _ in range(8))
