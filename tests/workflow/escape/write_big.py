"""Write N bytes into the writable /tmp: as one file, or as many files of M bytes."""

import json
import os
import sys

total, per_file = int(sys.argv[1]), int(sys.argv[2])
chunk = b"\0" * (1024 * 1024)
written, files, error = 0, 0, ""
try:
    while written < total:
        with open(os.path.join("/tmp", f"big-{files}"), "wb") as handle:
            files += 1
            in_file = 0
            while in_file < per_file and written < total:
                handle.write(chunk)
                handle.flush()
                in_file += len(chunk)
                written += len(chunk)
except OSError as exc:
    error = exc.strerror or str(exc)
print(json.dumps({"escaped": written >= total, "written": written, "files": files,
                  "error": error}))
