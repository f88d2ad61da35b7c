"""The one error tree: every failure the publisher reports, with its HTTP status and exit code.

Core code raises these; they are translated at exactly two edges: `chava.web.app` (HTTP) and
`chava.cli` (one line on stderr and the exit code). Subsystems add their own subclasses here,
next to their family, never a parallel hierarchy.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar


class PublisherError(Exception):
    """Base class: carries the HTTP status and CLI exit code to report it with."""

    http_status: ClassVar[int] = 500
    exit_code: ClassVar[int] = 2


# --- configuration and input files (CLI: exit 2) -------------------------------------------


class ConfigError(PublisherError):
    """A setting is missing, malformed or inconsistent."""


class PortInUseError(ConfigError):
    """`chava serve` cannot listen on its host and port (taken by another program, or denied)."""


class LoadError(PublisherError):
    """An RDF source (file, folder, URL) could not be read or parsed.

    Rendered as `path:line:col: reason` when the position is known, so editors can jump to it.
    """

    def __init__(
        self, path: Path | str, reason: str, *, line: int | None = None, column: int | None = None
    ) -> None:
        self.path = path
        self.reason = reason
        self.line = line
        self.column = column
        location = str(path)
        if line is not None:
            location += f":{line}"
            if column is not None:
                location += f":{column}"
        super().__init__(f"{location}: {reason}")


class UnsupportedFormatError(LoadError):
    """A file's extension names no RDF syntax we read."""


class InputRefusedError(LoadError):
    """An RDF source is refused before or while parsing: an entity declaration, nesting or a
    term beyond the limits, too many statements (`chava.loading.rdf_input`)."""


class RemoteImportError(LoadError):
    """A source asks for `owl:imports` of a remote document: refused, nothing is fetched."""


class ShaclEngineError(PublisherError):
    """The SHACL engine could not run (bad shapes graph, engine failure): not a data problem."""


class ValidationFailedError(PublisherError):
    """The data does not conform to the shapes, where conformance is required (e.g. build)."""

    http_status = 422
    exit_code = 1


class BuildError(PublisherError):
    """A build could not be written or swapped in."""


class StoreError(PublisherError):
    """The built store is missing, unreadable or unreachable."""

    http_status = 503


class DamagedBuildError(StoreError):
    """A build's files do not match its manifest (truncated, missing, altered): never served."""


# --- HTTP requests (4xx) -------------------------------------------------------------------


class BadRequestError(PublisherError):
    """The request is malformed: bad parameter, bad header, bad path."""

    http_status = 400


class ResourceNotFoundError(PublisherError):
    """No resource, page or file at that IRI or path."""

    http_status = 404


class GoneError(PublisherError):
    """The IRI was published once and is withdrawn (owl:deprecated, no successor)."""

    http_status = 410


class NotAcceptableError(PublisherError):
    """None of the representations the client accepts is offered."""

    http_status = 406

    def __init__(self, message: str, offered: Sequence[str] = ()) -> None:
        self.offered = tuple(offered)
        if self.offered:
            message = f"{message}; offered: {', '.join(self.offered)}"
        super().__init__(message)


class UnsupportedMediaTypeError(PublisherError):
    """The request body has a content type this route does not take."""

    http_status = 415


class MethodNotAllowedError(PublisherError):
    """The HTTP method is not allowed on this route."""

    http_status = 405

    def __init__(self, message: str, allowed: Sequence[str] = ()) -> None:
        self.allowed = tuple(allowed)
        super().__init__(message)


class PayloadTooLargeError(PublisherError):
    """A request (query text, body, URI) exceeds a configured size limit."""

    http_status = 413


class UnauthorizedError(PublisherError):
    """The request needs a signed-in steward (a session, or HTTP basic over loopback or TLS)."""

    http_status = 401


class ForbiddenError(PublisherError):
    """The request is refused whoever asks: a missing CSRF token, another origin, no role."""

    http_status = 403


class ConflictError(PublisherError):
    """The request conflicts with the resource's state (already accepted, not editable)."""

    http_status = 409


class PreconditionFailedError(PublisherError):
    """If-Match names a version that is no longer the current one (a stale edit)."""

    http_status = 412


class PreconditionRequiredError(PublisherError):
    """An edit without If-Match: it could overwrite a change it never saw."""

    http_status = 428


class URITooLongError(PublisherError):
    """The request path is longer than the configured limit."""

    http_status = 414


class TooManyRequestsError(PublisherError):
    """A client has too many requests under way; retry after `retry_after` seconds."""

    http_status = 429

    def __init__(self, message: str, retry_after: int = 1) -> None:
        self.retry_after = retry_after
        super().__init__(message)


class ServiceBusyError(PublisherError):
    """The server's queue for this kind of request is full; retry after `retry_after` seconds."""

    http_status = 503

    def __init__(self, message: str, retry_after: int = 1) -> None:
        self.retry_after = retry_after
        super().__init__(message)


class ClientGoneError(PublisherError):
    """The client hung up before its request ran; nothing was run and nobody reads the answer."""

    http_status = 503


# --- SPARQL --------------------------------------------------------------------------------


class QueryError(PublisherError):
    """A SPARQL request is malformed or refused (syntax error, update, SERVICE, too deep)."""

    http_status = 400


class QuerySyntaxError(QueryError):
    """The query does not parse: where (line, column), what stands there, what was expected."""

    def __init__(
        self,
        message: str,
        *,
        line: int | None = None,
        column: int | None = None,
        token: str | None = None,
        expected: Sequence[str] = (),
    ) -> None:
        self.line = line
        self.column = column
        self.token = token
        self.expected = tuple(expected)
        super().__init__(message)


class UpdateRefusedError(QueryError):
    """A SPARQL Update operation was sent: the endpoint is read-only."""

    http_status = 403


class QueryTimeoutError(PublisherError):
    """A query ran past its time limit and was stopped."""

    http_status = 503


class QueryEngineError(PublisherError):
    """The query worker died or failed for a reason that is not the query's fault."""

    http_status = 500


class QueryWorkerDiedError(QueryEngineError):
    """The worker running a query ended (memory limit, crash); it was replaced."""

    http_status = 503


# --- network sources (harvest, remote store) -------------------------------------------------


class RemoteSourceError(PublisherError):
    """A remote source (SPARQL endpoint, dump URL, graph store) failed or misbehaved."""

    http_status = 502


# --- external SPARQL engines (`chava serve --store`, `chava publish --to`) --------------------


class EngineUnreachableError(RemoteSourceError):
    """The engine holding the build cannot be reached (refused, reset, no connection): 502.

    `retry_after` is how long the circuit breaker keeps the engine closed to requests.
    """

    http_status = 502

    def __init__(self, message: str, retry_after: int = 1) -> None:
        self.retry_after = retry_after
        super().__init__(message)


class EngineTimeoutError(RemoteSourceError):
    """The engine did not answer in time, or said it stopped the query at its time limit: 504."""

    http_status = 504

    def __init__(self, message: str, retry_after: int = 1) -> None:
        self.retry_after = retry_after
        super().__init__(message)


class EngineBusyError(RemoteSourceError):
    """Every connection to the engine is in use (`store_concurrency`): 503, retry shortly."""

    http_status = 503

    def __init__(self, message: str, retry_after: int = 1) -> None:
        self.retry_after = retry_after
        super().__init__(message)


class EngineAnswerError(RemoteSourceError):
    """The engine answered, but not with something chava can use as complete (cut at its own
    result cap, an unknown syntax, an error status for a trusted query): 502."""

    http_status = 502
