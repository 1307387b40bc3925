"""Fork N children that each allocate and touch SIZE bytes and hold them until all have,
then HOLD seconds more (default 0): long enough for a sampling watchdog to see them all."""

import json
import os
import sys
import time

wanted, size = int(sys.argv[1]), int(sys.argv[2])
hold = float(sys.argv[3]) if len(sys.argv) > 3 else 0.0
ready_read, ready_write = os.pipe()
go_read, go_write = os.pipe()
children = []
for _ in range(wanted):
    pid = os.fork()
    if pid == 0:
        try:
            block = bytearray(size)
            for offset in range(0, size, 4096):
                block[offset] = 1
        except MemoryError:
            os._exit(1)
        os.write(ready_write, b"x")
        os.read(go_read, 1)
        os._exit(0)
    children.append(pid)
os.close(ready_write)
ready = b""
while len(ready) < wanted:
    chunk = os.read(ready_read, wanted)
    if not chunk:
        break
    ready += chunk
time.sleep(hold)
os.write(go_write, b"x" * wanted)
codes = [os.waitpid(pid, 0)[1] for pid in children]
print(json.dumps({"escaped": codes == [0] * wanted, "held": len(ready) * size,
                  "codes": codes}))
