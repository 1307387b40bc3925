"""Write a file anywhere but the sandbox's /tmp: each directory given as an argument."""

import json
import os
import sys

results = {}
for directory in sys.argv[1:]:
    path = os.path.join(directory, "escape-write-marker")
    try:
        with open(path, "w") as handle:
            handle.write("escaped")
        results[directory] = "ok"
    except OSError as exc:
        results[directory] = exc.strerror or str(exc)
print(json.dumps({"escaped": "ok" in results.values(), "writes": results}))
