"""The least work an HTTP server can do: a fixed answer to every request (the client's floor).

    python benchmarks/floor_server.py --port PORT            (a Python socket loop)
    python benchmarks/floor_server.py --port PORT --granian  (an empty app under granian)

Answers each HTTP/1.1 request on a keep-alive connection with the same small SPARQL JSON body,
without parsing more than the end of the request head. The harness times it with the client it
times the systems with: no server can answer faster than this, so a latency below a few times
this floor measures the client and the loopback, not the server. With `--granian` the same
answer comes from an RSGI app that does nothing, served by granian as `chava serve` runs its
front (2 worker processes, the RSGI interface, Rust tasks): what chava's HTTP stack costs
before chava does anything.
"""

from __future__ import annotations

import argparse
import socket
import threading
from typing import Any, Final

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


async def rsgi_app(_scope: Any, proto: Any) -> None:
    """The empty RSGI app: the fixed answer, whatever was asked."""
    proto.response_bytes(
        200,
        [("Content-Type", "application/sparql-results+json"), ("Content-Length", str(len(BODY)))],
        BODY,
    )


def serve_granian(host: str, port: int) -> None:
    """Serve rsgi_app with granian, configured as `chava serve` configures it by default."""
    from granian import Granian
    from granian.constants import Interfaces, TaskImpl
    from granian.log import LogLevels

    Granian(
        "benchmarks.floor_server:rsgi_app",
        address=host,
        port=port,
        interface=Interfaces.RSGI,
        task_impl=TaskImpl.rust,
        workers=2,
        websockets=False,
        log_level=LogLevels.warning,
    ).serve()


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
    parser.add_argument("--granian", action="store_true", help="an empty app under granian")
    arguments = parser.parse_args()
    if arguments.granian:
        serve_granian(arguments.host, arguments.port)
    else:
        serve(arguments.host, arguments.port)


if __name__ == "__main__":
    main()
