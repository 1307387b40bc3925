import socket
import ssl


def fetch_banner(host: str) -> bytes:
    context = ssl.SSLContext(ssl.PROTOCOL_TLSv1)
    with socket.create_connection((host, 443)) as sock:
        with context.wrap_socket(sock, server_hostname=host) as tls:
            return tls.recv(256)
