"""Hold N open files at once."""

import json
import sys

wanted = int(sys.argv[1])
handles = []
error = ""
try:
    for _ in range(wanted):
        handles.append(open("/dev/null", "rb"))  # noqa: SIM115 (held open on purpose)
except OSError as exc:
    error = exc.strerror or str(exc)
print(json.dumps({"escaped": len(handles) >= wanted, "opened": len(handles), "error": error}))
