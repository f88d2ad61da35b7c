"""Requests to an engine: a bounded pool of connections, replicas, timeouts, a circuit breaker.

- **Bounded.** Each process holds at most `concurrency` connections to the engine (kept alive
  between requests). A caller that finds none free within ENGINE_WAIT seconds is told 503 with
  Retry-After (EngineBusyError): a hung engine holds at most that many of the web worker's
  threads, never those that serve cached pages.
- **Replicas.** Several read endpoints are used in turn; one that cannot be reached is skipped
  (its breaker opens) and the request goes to the next.
- **Classified failures.** No connection: EngineUnreachableError (502). No answer in time, or an
  engine saying it stopped the query at its time limit: EngineTimeoutError (504). Both carry a
  Retry-After. An engine answering 502/503/504 counts as unreachable.
- **Circuit breaker.** After BREAKER_FAILURES failures in a row an endpoint is left alone for a
  cool-down (doubling up to BREAKER_MAX_COOLDOWN); then one caller probes it with `ASK {}`
  before any request is sent again, and the others keep being told to come back later.
"""

from __future__ import annotations

import http.client
import itertools
import logging
import math
import queue
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlencode

import requests
import urllib3
from requests.structures import CaseInsensitiveDict

from chava.errors import (
    EngineBusyError,
    EngineTimeoutError,
    EngineUnreachableError,
    RemoteSourceError,
)
from chava.network.remote import body_snippet, failure_reason
from chava.stores.remote_engines.auth import Credentials

logger = logging.getLogger(__name__)

# Python's http.client refuses a response with more than 100 header lines; an engine may echo
# one header per graph of a request (Virtuoso's X-SPARQL-named-graph). chava never names
# hundreds of graphs in parameters, but a public query may: read such answers too.
http.client._MAXHEADERS = max(http.client._MAXHEADERS, 20_000)  # type: ignore[attr-defined]

USER_AGENT: Final = "chava (linked-data publisher)"
ENGINE_WAIT: Final = 0.25
"""Seconds a request waits for a free connection to the engine before 503."""
BREAKER_FAILURES: Final = 2
"""Failures in a row that open an endpoint's breaker."""
BREAKER_COOLDOWN: Final = 2.0
BREAKER_MAX_COOLDOWN: Final = 30.0
PROBE_TIMEOUT: Final = 3.0
CHUNK: Final = 64 * 1024
RETRY_STATUSES: Final = frozenset({502, 503, 504})


@dataclass(frozen=True)
class EngineReply:
    """A complete answer of the engine."""

    url: str
    status: int
    media_type: str
    headers: CaseInsensitiveDict[str]
    body: bytes


class Breaker:
    """One endpoint's circuit breaker (shared by every client of the endpoint in a process)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._lock = threading.Lock()
        self._failures = 0
        self._open_until = 0.0
        self._cooldown = BREAKER_COOLDOWN
        self._probing = False
        self._last: type[RemoteSourceError] = EngineUnreachableError
        self._reason = ""

    @property
    def open(self) -> bool:
        """True while requests are refused (cooling down, or a probe under way)."""
        with self._lock:
            return self._failures >= BREAKER_FAILURES

    def cooling(self) -> bool:
        """True while requests are refused without a probe (cool-down, or a probe under way)."""
        with self._lock:
            return self._failures >= BREAKER_FAILURES and (
                time.monotonic() < self._open_until or self._probing
            )

    def admit(self) -> bool:
        """May a request go now? False: refused; raises nothing. True with probe() due first
        when the cool-down is over (see must_probe)."""
        with self._lock:
            if self._failures < BREAKER_FAILURES:
                return True
            if time.monotonic() < self._open_until or self._probing:
                return False
            self._probing = True
            return True

    def must_probe(self) -> bool:
        """True for the one caller that took the probe's turn in admit()."""
        with self._lock:
            return self._probing and self._failures >= BREAKER_FAILURES

    def refusal(self) -> RemoteSourceError:
        """The error telling a caller the endpoint is left alone, with its Retry-After."""
        with self._lock:
            wait = max(1, math.ceil(self._open_until - time.monotonic()))
            reason = self._reason
        message = f"{self.url}: the engine is unavailable ({reason}); retry in {wait} s"
        if self._last is EngineTimeoutError:
            return EngineTimeoutError(message, retry_after=wait)
        return EngineUnreachableError(message, retry_after=wait)

    def succeeded(self) -> None:
        """A request (or the probe) went through: close the breaker."""
        with self._lock:
            if self._failures >= BREAKER_FAILURES:
                logger.warning("%s answers again", self.url)
            self._failures = 0
            self._cooldown = BREAKER_COOLDOWN
            self._probing = False

    def failed(self, error: RemoteSourceError) -> None:
        """A request failed for the engine's sake (not the query's)."""
        with self._lock:
            self._failures += 1
            self._last = type(error)
            self._reason = str(error).removeprefix(f"{self.url}: ")[:200]
            if self._failures >= BREAKER_FAILURES:
                if self._probing:  # the probe failed: wait longer
                    self._cooldown = min(BREAKER_MAX_COOLDOWN, self._cooldown * 2)
                self._open_until = time.monotonic() + self._cooldown
                self._probing = False
                logger.warning(
                    "%s: leaving the engine alone for %g s (%s)",
                    self.url,
                    self._cooldown,
                    self._reason,
                )

    def retry_after(self) -> int:
        """Seconds until the next probe (at least 1)."""
        with self._lock:
            return max(1, math.ceil(self._open_until - time.monotonic()))


_BREAKERS: dict[str, Breaker] = {}
_BREAKERS_LOCK = threading.Lock()


def _soonest_refusal(breakers: list[Breaker]) -> RemoteSourceError:
    """The refusal of the breaker that reopens first (the shortest Retry-After)."""
    return min(breakers, key=lambda breaker: breaker.retry_after()).refusal()


def breaker_for(url: str) -> Breaker:
    """The breaker of *url* in this process."""
    with _BREAKERS_LOCK:
        breaker = _BREAKERS.get(url)
        if breaker is None:
            breaker = _BREAKERS[url] = Breaker(url)
        return breaker


class EngineClient:
    """Requests to one engine's endpoint (or its replicas), bounded, timed and classified."""

    def __init__(
        self,
        urls: Sequence[str],
        credentials: Credentials,
        *,
        connect_timeout: float,
        read_timeout: float,
        max_bytes: int,
        concurrency: int,
        wait: float = ENGINE_WAIT,
    ) -> None:
        if not urls:
            raise ValueError("an engine needs at least one URL")
        self.urls = tuple(urls)
        self.credentials = credentials
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.max_bytes = max_bytes
        self.concurrency = max(1, concurrency)
        self.wait = wait
        self._idle: queue.LifoQueue[requests.Session] = queue.LifoQueue()
        self._made = 0
        self._lock = threading.Lock()
        self._turn = itertools.count()

    def breakers(self) -> list[Breaker]:
        """The breakers of this client's endpoints."""
        return [breaker_for(url) for url in self.urls]

    def available(self) -> None:
        """Raise the breaker's refusal when every endpoint is cooling down (fail fast)."""
        breakers = self.breakers()
        if all(breaker.cooling() for breaker in breakers):
            raise _soonest_refusal(breakers)

    def ensure(self) -> None:
        """Fail fast while every endpoint cools down; probe one whose cool-down is over."""
        breakers = self.breakers()
        if not all(breaker.open for breaker in breakers):
            return
        self.available()
        self.post_form(
            [("query", "ASK {}")], accept="application/sparql-results+json", timeout=PROBE_TIMEOUT
        )

    def failed(self, error: RemoteSourceError) -> None:
        """Count a failure reported from elsewhere (a query worker) on every endpoint."""
        for breaker in self.breakers():
            breaker.failed(error)

    def post_form(
        self,
        parameters: Sequence[tuple[str, str]],
        *,
        accept: str,
        timeout: float | None = None,
    ) -> EngineReply:
        """POST a SPARQL Protocol form to an endpoint (replicas in turn)."""
        body = urlencode(parameters).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept}
        return self.request("POST", body=body, headers=headers, timeout=timeout)

    def request(
        self,
        method: str,
        *,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
        suffix: str = "",
    ) -> EngineReply:
        """Send one request to the first endpoint that may be asked, skipping unreachable ones.

        *suffix* is appended to the endpoint URL (a query string). Raises EngineBusyError,
        EngineUnreachableError, EngineTimeoutError, or RemoteSourceError for an answer >= 400.
        """
        start = next(self._turn) % len(self.urls)
        order = [*self.urls[start:], *self.urls[:start]]
        refused: RemoteSourceError | None = None
        session = self._session()
        try:
            for url in order:
                breaker = breaker_for(url)
                if not breaker.admit():
                    refused = refused or breaker.refusal()
                    continue
                try:
                    if breaker.must_probe():
                        self._probe(session, url)
                    reply = self._send(session, method, url + suffix, body, headers, timeout)
                except EngineUnreachableError as error:
                    breaker.failed(error)
                    refused = error
                    continue  # the next replica, if any
                except EngineTimeoutError as error:
                    breaker.failed(error)
                    raise
                breaker.succeeded()
                return reply
        finally:
            self._idle.put(session)
        assert refused is not None
        raise refused

    def server(self) -> str:
        """The `Server` header of a plain GET on the first endpoint, whatever its status ('' if
        it cannot be reached): how an engine names itself."""
        session = self._session()
        try:
            response = session.get(
                self.urls[0],
                headers={"Accept": "text/turtle, */*;q=0.1"},
                timeout=(self.connect_timeout, min(self.read_timeout, PROBE_TIMEOUT)),
                allow_redirects=False,
            )
            response.close()
        except requests.exceptions.RequestException:
            return ""
        finally:
            self._idle.put(session)
        return str(response.headers.get("Server", ""))

    def close(self) -> None:
        """Close the idle connections."""
        while True:
            try:
                self._idle.get_nowait().close()
            except queue.Empty:
                return

    def _session(self) -> requests.Session:
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            pass
        with self._lock:
            if self._made < self.concurrency:
                self._made += 1
                return self._new_session()
        try:
            return self._idle.get(timeout=self.wait)
        except queue.Empty:
            raise EngineBusyError(
                f"all {self.concurrency} connections to the engine are busy; try again shortly"
            ) from None

    def _new_session(self) -> requests.Session:
        session = requests.Session()
        session.trust_env = False  # no proxy or .netrc from the environment: explicit only
        session.auth = self.credentials.auth()
        session.headers["User-Agent"] = USER_AGENT
        return session

    def _probe(self, session: requests.Session, url: str) -> None:
        """Ask the endpoint `ASK {}`; raises what a failed request raises."""
        logger.info("%s: probing the engine before sending requests again", url)
        self._send(
            session,
            "POST",
            url,
            urlencode([("query", "ASK {}")]).encode(),
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/sparql-results+json",
            },
            min(PROBE_TIMEOUT, self.read_timeout),
        )

    def _send(
        self,
        session: requests.Session,
        method: str,
        url: str,
        body: bytes | None,
        headers: Mapping[str, str] | None,
        timeout: float | None,
    ) -> EngineReply:
        read_timeout = self.read_timeout if timeout is None else timeout
        deadline = time.monotonic() + read_timeout
        try:
            response = session.request(
                method,
                url,
                data=body,
                headers=dict(headers or {}),
                timeout=(self.connect_timeout, read_timeout),
                allow_redirects=False,
                stream=True,
            )
        except requests.exceptions.ConnectTimeout as error:
            raise EngineUnreachableError(
                f"{url}: no connection within {self.connect_timeout:g} s"
            ) from error
        except requests.exceptions.ReadTimeout as error:
            raise EngineTimeoutError(f"{url}: no answer within {read_timeout:g} s") from error
        except requests.exceptions.RequestException as error:
            raise EngineUnreachableError(
                f"{url}: {failure_reason(error, peer='engine')}"
            ) from error
        with response:
            data = self._read(response, url, deadline, read_timeout)
            status = response.status_code
            if status in RETRY_STATUSES:
                wait = response.headers.get("Retry-After", "")
                message = (
                    f"{url}: the engine answered HTTP {status}: {body_snippet(data, length=300)}"
                )
                retry_after = int(wait) if wait.isdigit() else 1
                if status == 504:
                    raise EngineTimeoutError(message, retry_after=retry_after)
                raise EngineUnreachableError(message, retry_after=retry_after)
            if status >= 400:
                raise RemoteSourceError(
                    f"{url}: HTTP {status} {response.reason}: {body_snippet(data, length=300)}"
                )
            media_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
            return EngineReply(url, status, media_type, response.headers, data)

    def _read(
        self, response: requests.Response, url: str, deadline: float, read_timeout: float
    ) -> bytes:
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise RemoteSourceError(f"{url}: {declared} bytes announced, more than the cap")
        chunks: list[bytes] = []
        size = 0
        try:
            while True:
                chunk = response.raw.read1(CHUNK, decode_content=True)
                if not chunk:
                    break
                size += len(chunk)
                if size > self.max_bytes:
                    raise RemoteSourceError(f"{url}: more than {self.max_bytes} bytes: refused")
                if time.monotonic() > deadline + read_timeout:
                    raise EngineTimeoutError(f"{url}: the answer took over {read_timeout:g} s")
                chunks.append(chunk)
        except (requests.exceptions.RequestException, urllib3.exceptions.HTTPError) as error:
            if isinstance(error, urllib3.exceptions.ReadTimeoutError):
                raise EngineTimeoutError(f"{url}: no answer within {read_timeout:g} s") from error
            raise EngineUnreachableError(
                f"{url}: reading the answer failed: {failure_reason(error, peer='engine')}"
            ) from error
        return b"".join(chunks)
