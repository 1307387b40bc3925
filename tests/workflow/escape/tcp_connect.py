"""Open a TCP connection to a listener the test runs on the host's 127.0.0.1."""

import json
import socket
import sys

port = int(sys.argv[1])
try:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
        conn.sendall(b"escaped")
    result = {"escaped": True}
except OSError as exc:
    result = {"escaped": False, "error": exc.strerror or str(exc)}
print(json.dumps(result))
