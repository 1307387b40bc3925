import random


def new_nonce() -> str:
    return "%032x" % random.getrandbits(128)
