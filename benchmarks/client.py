"""Sequential latency measurements over one keep-alive HTTP connection per system."""

from __future__ import annotations

import http.client
import time
from dataclasses import dataclass

from benchmarks.systems import Request

STALE_CONNECTION_ERRORS = frozenset(
    {"RemoteDisconnected", "ConnectionResetError", "BrokenPipeError", "BadStatusLine"}
)


@dataclass(frozen=True)
class Sample:
    """One timed request: seconds from sending to the last byte, status, body size."""

    seconds: float
    status: int
    size: int
    error: str | None = None

    @property
    def ok(self) -> bool:
        """A 200 with no transport error."""
        return self.error is None and self.status == 200


class Client:
    """A keep-alive HTTP/1.1 connection to 127.0.0.1:port that reconnects after errors."""

    def __init__(self, port: int, *, timeout: float) -> None:
        self.port = port
        self.timeout = timeout
        self._connection: http.client.HTTPConnection | None = None

    def get(self, request: Request, *, timeout: float | None = None) -> Sample:
        """Send one GET and read the whole body; never raises for HTTP or socket errors.

        A keep-alive connection the server closed while idle is reopened and the request sent
        again, untimed the first time (what any keep-alive client does).
        """
        reused = self._connection is not None and self._connection.sock is not None
        sample = self._get_once(request, timeout or self.timeout)
        if reused and sample.error in STALE_CONNECTION_ERRORS:
            sample = self._get_once(request, timeout or self.timeout)
        return sample

    def _get_once(self, request: Request, timeout: float) -> Sample:
        connection = self._connect(timeout)
        started = time.perf_counter()
        try:
            connection.request("GET", request.path, headers=request.headers)
            response = connection.getresponse()
            body = response.read()
        except TimeoutError:
            self.close()
            return Sample(time.perf_counter() - started, 0, 0, "timeout")
        except (OSError, http.client.HTTPException) as error:
            self.close()
            return Sample(time.perf_counter() - started, 0, 0, type(error).__name__)
        elapsed = time.perf_counter() - started
        if response.will_close:
            self.close()
        return Sample(elapsed, response.status, len(body))

    def close(self) -> None:
        """Close the connection (the next request reconnects)."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _connect(self, timeout: float) -> http.client.HTTPConnection:
        if self._connection is None:
            self._connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        else:
            self._connection.timeout = timeout
            if self._connection.sock is not None:
                self._connection.sock.settimeout(timeout)
        return self._connection
