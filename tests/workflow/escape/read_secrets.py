"""Read /etc/shadow, list /root and read a secret file the test planted (if any)."""

import json
import os
import sys


def attempt(action):
    try:
        return {"ok": True, "value": action()}
    except OSError as exc:
        return {"ok": False, "error": exc.strerror or str(exc)}


def read(path):
    with open(path, "rb") as handle:
        return len(handle.read())


shadow = attempt(lambda: read("/etc/shadow"))
root_listing = attempt(lambda: sorted(os.listdir("/root")))
planted = {path: attempt(lambda path=path: read(path)) for path in sys.argv[1:]}
escaped = shadow["ok"] or any(result["ok"] for result in planted.values())
print(json.dumps({"escaped": escaped, "shadow": shadow, "root": root_listing,
                  "planted": planted}))
