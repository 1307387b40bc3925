"""List the processes visible in /proc (the host's must not be)."""

import json
import os

pids = sorted(int(entry) for entry in os.listdir("/proc") if entry.isdigit())
print(json.dumps({"escaped": len(pids) > 3, "pids": pids}))
