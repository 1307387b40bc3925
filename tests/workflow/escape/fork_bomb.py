"""Fork N processes that stay alive until all are forked (then all exit)."""

import json
import os
import sys

wanted = int(sys.argv[1])
read_end, write_end = os.pipe()
children = []
error = ""
for _ in range(wanted):
    try:
        pid = os.fork()
    except OSError as exc:
        error = exc.strerror or str(exc)
        break
    if pid == 0:
        os.close(write_end)
        os.read(read_end, 1)
        os._exit(0)
    children.append(pid)
os.close(write_end)
for pid in children:
    os.waitpid(pid, 0)
print(json.dumps({"escaped": len(children) >= wanted, "forked": len(children), "error": error}))
