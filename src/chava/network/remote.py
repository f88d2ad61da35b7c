"""Network-safe HTTP for remote sources: explicit http(s) URLs, timeouts, a size cap, same host.

Every read of a partner's endpoint, dump or graph store goes through `send`: connect and read
timeouts, a cap on the bytes read (decompressed), redirects followed only to the same scheme,
host and port, and every failure raised as one line (RemoteSourceError). Nothing here logs a
request's credentials.
"""

from __future__ import annotations

import logging
import time
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final
from urllib.parse import urljoin, urlsplit

import requests
import urllib3

from chava.config import Settings
from chava.errors import ConfigError, RemoteSourceError

logger = logging.getLogger(__name__)

MAX_REDIRECTS: Final = 5
CHUNK: Final = 64 * 1024
TRUNCATED_HEADER: Final = "X-Chava-Results-Truncated"
"""How a chava endpoint says it cut a result at its cap (`sparql_max_results`)."""
USER_AGENT: Final = "chava (linked-data publisher)"
RETRY_STATUSES: Final = frozenset({429, 503})
"""Answers meaning "not now": asked again after their Retry-After (chava's endpoint sends it)."""
MAX_RETRIES: Final = 5
MAX_RETRY_WAIT: Final = 30.0
"""Longest Retry-After honoured (seconds); a server asking for more fails the read."""


@dataclass(frozen=True)
class Limits:
    """How long to wait and how much to read from one remote source."""

    connect_timeout: float
    read_timeout: float
    max_bytes: int

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        """The limits the remote_* settings give."""
        return cls(
            settings.remote_connect_timeout, settings.remote_read_timeout, settings.remote_max_bytes
        )


@dataclass(frozen=True)
class Reply:
    """A successful response, read in full within the limits."""

    url: str
    status: int
    media_type: str
    """The Content-Type without parameters, lower-case ('' when absent)."""
    body: bytes
    truncated: bool = False
    """The server says it cut the result (chava's `X-Chava-Results-Truncated: true`)."""


def check_url(url: str) -> str:
    """Return *url* if it is an explicit http(s) URL with a host, else raise ConfigError."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{url!r} is not an explicit http(s) URL")
    return url


def send(
    method: str,
    url: str,
    limits: Limits,
    *,
    headers: Mapping[str, str] | None = None,
    data: bytes | None = None,
    auth: tuple[str, str] | None = None,
    budget: list[int] | None = None,
) -> Reply:
    """Send one request and read the reply within *limits*; raise RemoteSourceError on failure.

    *budget*, when given, is a one-item list of bytes still allowed across several requests
    (paging); it is decreased by what this reply read.
    """
    check_url(url)
    origin = _origin(url)
    all_headers = {"User-Agent": USER_AGENT, **(headers or {})}
    with requests.Session() as session:
        session.trust_env = False  # no proxy or .netrc from the environment: explicit only
        hops = retries = 0
        while hops <= MAX_REDIRECTS:
            response = _request(session, method, url, limits, all_headers, data, auth)
            with response:
                wait = _retry_after(response)
                if wait is not None and retries < MAX_RETRIES:
                    retries += 1
                    logger.info("%s: HTTP %d, retrying in %g s", url, response.status_code, wait)
                    time.sleep(wait)
                    continue
                hops += 1
                if response.is_redirect or response.status_code in (301, 302, 303, 307, 308):
                    target = urljoin(url, response.headers.get("Location", ""))
                    if _origin(target) != origin:
                        raise RemoteSourceError(
                            f"{url}: redirect to another host refused ({target})"
                        )
                    url = target
                    if response.status_code == 303:
                        method, data = "GET", None
                    continue
                allowance = limits.max_bytes if budget is None else min(budget[0], limits.max_bytes)
                body = _read(response, url, limits, allowance)
                if budget is not None:
                    budget[0] -= len(body)
                if response.status_code >= 400:
                    status = f"HTTP {response.status_code} {response.reason}"
                    raise RemoteSourceError(f"{url}: {status}: {body_snippet(body)}")
                media_type = response.headers.get("Content-Type", "").split(";")[0]
                truncated = response.headers.get(TRUNCATED_HEADER, "").lower() == "true"
                return Reply(url, response.status_code, media_type.strip().lower(), body, truncated)
    raise RemoteSourceError(f"{url}: more than {MAX_REDIRECTS} redirects")


def _retry_after(response: requests.Response) -> float | None:
    """Seconds to wait before asking again, for a 429 or 503 with a usable Retry-After."""
    if response.status_code not in RETRY_STATUSES:
        return None
    value = response.headers.get("Retry-After", "").strip()
    if not value.isdigit() or int(value) > MAX_RETRY_WAIT:
        return None  # an HTTP date, or longer than a harvest should stall: report the answer
    return max(0.1, float(value))


def gunzip(body: bytes, *, url: str, max_bytes: int) -> bytes:
    """Decompress a gzip body, refusing to inflate beyond *max_bytes* (a gzip bomb)."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(body, max_bytes + 1)
    except zlib.error as error:
        raise RemoteSourceError(f"{url}: not valid gzip: {error}") from error
    if len(out) > max_bytes or inflater.unconsumed_tail:
        raise RemoteSourceError(f"{url}: more than {max_bytes} bytes once decompressed: refused")
    return out


def _request(
    session: requests.Session,
    method: str,
    url: str,
    limits: Limits,
    headers: Mapping[str, str],
    data: bytes | None,
    auth: tuple[str, str] | None,
) -> requests.Response:
    try:
        return session.request(
            method,
            url,
            headers=dict(headers),
            data=data,
            auth=auth,
            timeout=(limits.connect_timeout, limits.read_timeout),
            allow_redirects=False,
            stream=True,
        )
    except requests.exceptions.ConnectTimeout as error:
        raise RemoteSourceError(
            f"{url}: no connection within {limits.connect_timeout:g} s"
        ) from error
    except requests.exceptions.ReadTimeout as error:
        raise RemoteSourceError(f"{url}: no answer within {limits.read_timeout:g} s") from error
    except requests.exceptions.RequestException as error:
        raise RemoteSourceError(f"{url}: {failure_reason(error)}") from error


def _read(response: requests.Response, url: str, limits: Limits, allowance: int) -> bytes:
    """Read the body in chunks: stop at *allowance* bytes, or when reading takes too long."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > allowance:
        raise RemoteSourceError(f"{url}: {declared} bytes announced, more than {allowance}")
    deadline = time.monotonic() + limits.read_timeout * 4  # a slow drip counts as no answer
    chunks: list[bytes] = []
    size = 0
    raw = response.raw
    try:
        while True:
            # read1 returns what has arrived (not a full chunk), so a slow drip meets the deadline.
            chunk = raw.read1(CHUNK, decode_content=True)
            if not chunk:
                break
            size += len(chunk)
            if size > allowance:
                raise RemoteSourceError(f"{url}: more than {allowance} bytes: refused")
            if time.monotonic() > deadline:
                raise RemoteSourceError(
                    f"{url}: reply too slow (over {limits.read_timeout * 4:g} s)"
                )
            chunks.append(chunk)
    except (requests.exceptions.RequestException, urllib3.exceptions.HTTPError) as error:
        if isinstance(error, urllib3.exceptions.ReadTimeoutError):
            raise RemoteSourceError(f"{url}: no answer within {limits.read_timeout:g} s") from error
        raise RemoteSourceError(
            f"{url}: reading the reply failed: {failure_reason(error)}"
        ) from error
    return b"".join(chunks)


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    return (parts.scheme, (parts.hostname or "").lower(), port)


def failure_reason(error: BaseException, *, peer: str = "server") -> str:
    """The innermost message of a failed HTTP exchange, on one line (requests nests urllib3's
    errors); *peer* names the other side in the message."""
    cause: BaseException = error
    while cause.__context__ is not None and not str(cause):
        cause = cause.__context__
    text = str(cause) or type(cause).__name__
    if "Connection refused" in text:
        return "connection refused"
    if "RemoteDisconnected" in text or "Connection aborted" in text or "reset" in text.lower():
        return f"the {peer} closed the connection without a reply"
    if "Name or service not known" in text or "nodename nor servname" in text:
        return "unknown host"
    return " ".join(text.split())[:300]


def body_snippet(body: bytes, *, length: int = 200) -> str:
    """The start of an error body, on one line."""
    return " ".join(body[:length].decode("utf-8", "replace").split()) or "(empty body)"
