"""The least work an HTTP server can do: a fixed answer to every request (the client's floor).

    python benchmarks/floor_server.py --port PORT

Answers each HTTP/1.1 request on a keep-alive connection with the same small SPARQL JSON body,
without parsing more than the end of the request head. The harness times it with the client it
times the systems with: no server can answer faster than this, so a latency below a few times
this floor measures the client and the loopback, not the server.
"""

from __future__ import annotations

import argparse
import socket
import threading
from typing import Final

BODY: Final = b'{"head":{},"boolean":true}'
ANSWER: Final = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
    b"Content-Length: " + str(len(BODY)).encode() + b"\r\n\r\n" + BODY
)


def answer_connection(connection: socket.socket) -> None:
    """Answer every request head arriving on *connection* until the client closes it."""
    pending = b""
    with connection:
        while True:
            try:
                data = connection.recv(65536)
            except OSError:
                return
            if not data:
                return
            pending += data
            while b"\r\n\r\n" in pending:  # GET requests only: no body follows the head
                _head, pending = pending.split(b"\r\n\r\n", 1)
                connection.sendall(ANSWER)


def serve(host: str, port: int) -> None:
    """Accept connections forever, one thread each."""
    with socket.create_server((host, port)) as server:
        while True:
            connection, _address = server.accept()
            connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            threading.Thread(target=answer_connection, args=(connection,), daemon=True).start()


def main() -> None:
    """Parse the arguments and serve until stopped."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    arguments = parser.parse_args()
    serve(arguments.host, arguments.port)


if __name__ == "__main__":
    main()
