"""Resolve a host name, and send a DNS query to a resolver the test runs on 127.0.0.1."""

import json
import socket
import struct
import sys

name, port = sys.argv[1], int(sys.argv[2])
try:
    addresses = sorted({info[4][0] for info in socket.getaddrinfo(name, 80)})
    resolved = {"ok": True, "addresses": addresses}
except OSError as exc:
    resolved = {"ok": False, "error": str(exc)}

query = struct.pack(">HHHHHH", 0x4153, 0x0100, 1, 0, 0, 0)
query += b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0"
query += struct.pack(">HH", 1, 1)
try:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.sendto(query, ("127.0.0.1", port))
    sent = "sent"
except OSError as exc:
    sent = exc.strerror or str(exc)
print(json.dumps({"escaped": resolved["ok"], "resolved": resolved, "query": sent}))
