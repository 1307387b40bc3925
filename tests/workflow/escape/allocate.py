"""Allocate N bytes of memory in one piece and touch every page of it."""

import json
import sys

size = int(sys.argv[1])
try:
    block = bytearray(size)
    for offset in range(0, size, 4096):
        block[offset] = 1
    result = {"escaped": True, "allocated": size}
except MemoryError:
    result = {"escaped": False, "error": "MemoryError"}
print(json.dumps(result))
