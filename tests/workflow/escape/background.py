"""Leave a process behind: a new session, detached from every stream, sleeping."""

import json
import subprocess
import sys

marker = sys.argv[1]
child = subprocess.Popen(
    [sys.executable, "-c", "import time; time.sleep(600)", marker],
    start_new_session=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
    stderr=subprocess.DEVNULL)
print(json.dumps({"escaped": None, "pid": child.pid}))
