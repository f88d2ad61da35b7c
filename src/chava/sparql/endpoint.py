"""The endpoint's core: from a protocol request to a result, through screening, cache and pool.

One QueryService per web application (so per web worker process): it owns the worker pool, the
result cache and the cross-process per-client slots. The order of the checks is the order of
their cost: size, lexical screening and negotiation first, then the cache, then a slot and a
worker.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyoxigraph as ox

from chava import namespaces
from chava.building.builds import Build
from chava.config import Settings
from chava.errors import (
    ClientGoneError,
    ConfigError,
    EngineTimeoutError,
    EngineUnreachableError,
    QueryError,
)
from chava.formats import Format, results_carrier, results_formats
from chava.lru_cache import BoundedLRU
from chava.negotiate import negotiate
from chava.publication_iris import publication_iris
from chava.sparql import sandbox, worker
from chava.sparql.clients import ClientLedger, ClientSlots, slots_directory
from chava.sparql.contract import QueryJob
from chava.sparql.pool import QueryOutcome, QueryPool, outcome_of
from chava.sparql.protocol import QueryRequest
from chava.sparql.screen import ScreenedQuery, check_size, screen_query
from chava.sparql.sizing import query_sizing

if TYPE_CHECKING:  # imported when the store is an external engine: no HTTP client otherwise
    from chava.stores.remote_engines.transport import EngineClient
    from chava.stores.remote_store import RemoteConfig

logger = logging.getLogger(__name__)

INLINE_BYTES = 1024 * 1024
"""Most bytes of a lookup's result written in the web process (more: run in a worker)."""


def _check_graph_iris(request: QueryRequest) -> None:
    """Refuse a default-graph-uri or named-graph-uri that is not an absolute IRI."""
    for parameter, iris in (
        ("default-graph-uri", request.default_graph_uris),
        ("named-graph-uri", request.named_graph_uris),
    ):
        for iri in iris:
            try:
                ox.NamedNode(iri)
            except ValueError as error:
                raise QueryError(f"{parameter} {iri[:100]!r} is not an absolute IRI") from error


def published_default_graphs(build: Build) -> tuple[str, ...] | None:
    """The graphs forming the default graph of public queries when the build withholds some
    (quarantined harvests: reachable by name only), '' standing for the default graph; None
    when nothing is withheld (the union of every graph)."""
    withheld = set(build.manifest.get("withheld_graphs") or ())
    if not withheld:
        return None
    graphs = build.manifest.get("graphs") or {}
    return tuple(sorted(str(name) for name in graphs if str(name) not in withheld))


@dataclass(frozen=True)
class PreparedQuery:
    """A screened query with its chosen format, its worker job and its cache identity."""

    screened: ScreenedQuery
    format: Format
    """What the client gets: a machine format, or a page (rendered from the job's format)."""
    job: QueryJob
    etag: str
    """Derived from the build and the request: equal ETags mean equal answers."""
    cacheable: bool


class QueryService:
    """Screens, caches and runs public queries for one build."""

    def __init__(
        self,
        settings: Settings,
        build: Build,
        *,
        remote: RemoteConfig | None = None,
        local: ox.Store | None = None,
    ) -> None:
        for name in ("sparql_default_graphs", "sparql_service_allowlist"):
            for iri in getattr(settings, name):
                try:
                    ox.NamedNode(iri)
                except ValueError as error:
                    raise ConfigError(f"{name}: {iri!r} is not an absolute IRI") from error
        self.settings = settings
        self.build = build
        self.published_graphs = published_default_graphs(build)
        """The default graph when the build withholds graphs ('' is the default graph)."""
        # `chava serve` probed the kernel at start-up (sandbox.check); each worker isolates
        # itself, and under "require" one that cannot exits instead of serving.
        sandbox.check_mode(settings.sparql_worker_isolation)
        self.sizing = query_sizing(settings)
        logger.info(
            "query workers: up to %d per web worker, %d MB of address space each, isolation %s",
            self.sizing.workers,
            self.sizing.memory_mb,
            settings.sparql_worker_isolation,
        )
        prefixes = publication_iris(settings).prefixes
        self.pool = QueryPool(
            build.store_path,
            size=self.sizing.workers,
            timeout=settings.sparql_timeout,
            memory_mb=self.sizing.memory_mb,
            remote=remote,
            isolation=settings.sparql_worker_isolation,
            egress=settings.sparql_service_allowlist,
            connect_timeout=settings.remote_connect_timeout,
            max_result_bytes=settings.sparql_max_result_bytes,
            known_prefixes={**namespaces.PREFIXES, **prefixes},
            idle_timeout=settings.sparql_worker_idle_timeout,
        )
        shared = slots_directory(str(settings.build_path.resolve()))
        self.slots = ClientSlots(shared, settings.sparql_client_concurrency)
        self.ledger = ClientLedger.for_settings(settings)
        self.dropped = 0
        """Queries not run because their client had hung up (for tests and the log)."""
        self.local = local if remote is None and settings.sparql_inline_rows > 0 else None
        """The build's store as this web process opened it, for lookups (chava.sparql.lookups);
        None: every query runs in a worker."""
        self.inlined = 0
        """Queries answered in this process (for tests and the log)."""
        self.cache: BoundedLRU[QueryOutcome] = BoundedLRU(settings.sparql_cache_bytes)
        self.engine: EngineClient | None = None
        """The engine's circuit breaker, seen from here (`chava serve --store`): no query is
        sent to a worker while the engine is known to be down."""
        if remote is not None:
            from chava.stores.remote_engines.transport import EngineClient

            self.engine = EngineClient(
                remote.urls,
                remote.credentials,
                connect_timeout=remote.connect_timeout,
                read_timeout=remote.read_timeout,
                max_bytes=1024 * 1024,
                concurrency=1,
            )

    def prepare(
        self,
        request: QueryRequest,
        *,
        accept: str | None,
        requested_format: str | None,
        base_iri: str | None = None,
    ) -> PreparedQuery:
        """Check and screen the request's query and pick its format; raise the 4xx to report.

        Relative IRIs in the query resolve against *base_iri* (the endpoint's own URL).
        """
        assert request.query is not None
        settings = self.settings
        check_size(request.query, limit=settings.sparql_max_query_bytes, in_url=request.in_url)
        screened = screen_query(
            request.query,
            max_depth=settings.sparql_max_depth,
            service_allowlist=settings.sparql_service_allowlist,
            max_offset=settings.sparql_max_offset,
            base_iri=base_iri,
        )
        chosen = negotiate(results_formats(screened.form), accept, requested_format)
        default_graphs: tuple[str, ...] | None = None
        named_graphs: tuple[str, ...] | None = None
        union = False
        if request.names_dataset:
            _check_graph_iris(request)
            # The protocol's dataset wins over FROM / FROM NAMED (SPARQL 1.1 Protocol 2.1.4).
            default_graphs = request.default_graph_uris
            named_graphs = request.named_graph_uris
        elif not screened.has_dataset_clause:
            if settings.sparql_default_graphs:
                default_graphs = settings.sparql_default_graphs
            elif self.published_graphs is not None:
                default_graphs = self.published_graphs
            else:
                union = True
        graph_form = screened.form in ("CONSTRUCT", "DESCRIBE")
        job = QueryJob(
            query=screened.text,
            format=results_carrier(chosen, screened.form),
            limit=settings.sparql_max_results,
            max_bytes=settings.sparql_max_result_bytes,
            base_iri=base_iri,
            calls_service=bool(screened.services),
            # Turtle, TriG and RDF/XML results read better with them.
            prefixes=publication_iris(settings).prefixes if graph_form else {},
            default_graphs=default_graphs,
            named_graphs=named_graphs,
            union=union,
            # An engine is told to stop a little before the worker is killed (504, not 503).
            timeout=None if self.engine is None else max(0.5, settings.sparql_timeout - 0.5),
        )
        identity = "\x00".join(
            (
                self.build.build_id,
                screened.text,
                " ".join(request.default_graph_uris),
                " ".join(request.named_graph_uris),
                chosen.media_type,
                str(settings.sparql_max_results),
                str(settings.sparql_max_result_bytes),
                base_iri or "",
            )
        )
        etag = hashlib.sha256(identity.encode()).hexdigest()[:32]
        return PreparedQuery(screened, chosen, job, etag, screened.deterministic)

    def run(
        self,
        prepared: PreparedQuery,
        *,
        client: str,
        gone: Callable[[], bool] | None = None,
    ) -> QueryOutcome:
        """Answer from the cache, or run on a worker under the client's concurrency limit.

        *gone* tells whether the client has hung up: checked right before a worker is asked, so
        an abandoned request never runs (ClientGoneError). The query's time is charged to the
        client's budget (ClientLedger).
        """
        cached = self._cached(prepared)
        if cached is not None:
            return cached
        with self.slots.hold(client):
            self._check_gone(client, gone)
            if self.engine is not None:
                self.engine.ensure()
            started = time.monotonic()
            try:
                outcome = self._inline(prepared) or self.pool.execute(prepared.job)
            except (EngineUnreachableError, EngineTimeoutError) as error:
                if self.engine is not None:
                    self.engine.failed(error)
                raise
            finally:
                self.ledger.charge(client, time.monotonic() - started)
        return self._keep(prepared, outcome)

    async def run_async(
        self,
        prepared: PreparedQuery,
        *,
        client: str,
        gone: Callable[[], bool] | None = None,
        hang_up: Callable[[], Awaitable[object]] | None = None,
    ) -> QueryOutcome:
        """run, from an event loop (chava.web.gateway): the same checks, cache, slot and
        budget, with no thread waiting for the worker. *hang_up* completes when the client
        hangs up: a query still waiting for a worker then never runs (ClientGoneError)."""
        if self.engine is not None:  # its circuit breaker may probe the engine: on a thread
            return await asyncio.to_thread(self.run, prepared, client=client, gone=gone)
        cached = self._cached(prepared)
        if cached is not None:
            return cached
        with self.slots.hold(client):
            self._check_gone(client, gone)
            started = time.monotonic()
            try:
                outcome = self._inline(prepared) or await self.pool.execute_async(
                    prepared.job, hang_up=hang_up
                )
            except ClientGoneError:  # it waited for a worker and never ran: nothing to charge
                self.dropped += 1
                logger.info("client %s hung up: its query was not run", client)
                raise
            except BaseException:
                self.ledger.charge(client, time.monotonic() - started)
                raise
            self.ledger.charge(client, time.monotonic() - started)
        return self._keep(prepared, outcome)

    def _inline(self, prepared: PreparedQuery) -> QueryOutcome | None:
        """A lookup's result computed in this process, or None: then run it in a worker.

        Only a query the screen found to be a lookup (chava.sparql.lookups), whose work is
        bounded by its rows, and only up to sparql_inline_rows rows and INLINE_BYTES: the
        results writer stops the engine past them, and the query goes to a worker, which
        applies the endpoint's own caps. The same function as a worker's writes the result,
        so the bytes are the same.
        """
        if self.local is None or not prepared.screened.lookup:
            return None
        job = prepared.job
        inline = dataclasses.replace(
            job,
            limit=min(job.limit, self.settings.sparql_inline_rows),
            max_bytes=min(job.max_bytes, INLINE_BYTES),
        )
        reply, body = worker.run_job(self.local, inline)
        if reply.truncated and (inline.limit, inline.max_bytes) != (job.limit, job.max_bytes):
            return None  # cut at the inline caps: the worker writes it under the real ones
        self.inlined += 1
        return outcome_of(job, reply, body, self.pool.known_prefixes)

    def _cached(self, prepared: PreparedQuery) -> QueryOutcome | None:
        return self.cache.get(prepared.etag) if prepared.cacheable else None

    def _check_gone(self, client: str, gone: Callable[[], bool] | None) -> None:
        if gone is not None and gone():
            self.dropped += 1
            logger.info("client %s hung up: its query was not run", client)
            raise ClientGoneError("the client hung up before its query ran")

    def _keep(self, prepared: PreparedQuery, outcome: QueryOutcome) -> QueryOutcome:
        if prepared.cacheable:
            self.cache.put(prepared.etag, outcome, len(outcome.body))
        return outcome

    def close(self) -> None:
        """Stop the query workers."""
        self.pool.close()
        self.ledger.close()
        if self.engine is not None:
            self.engine.close()
