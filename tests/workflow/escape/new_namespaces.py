"""Create a nested user namespace (and other namespaces) to regain capabilities."""

import json
import os

results = {}
for name in ("CLONE_NEWUSER", "CLONE_NEWNS", "CLONE_NEWNET"):
    try:
        os.unshare(getattr(os, name))
        results[name] = "ok"
    except OSError as exc:
        results[name] = exc.strerror or str(exc)
print(json.dumps({"escaped": "ok" in results.values(), "unshare": results}))
