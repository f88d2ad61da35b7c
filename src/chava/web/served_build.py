"""The build a web worker serves, and its move to a new current build without a restart.

A ServedBuild is one build opened for serving: a lease on its folder (so no `chava build` prunes
it), its store opened read-only after a light verification (chava.building.build_check), its query
service (query workers, result cache) and its per-build caches. Every request pins the
ServedBuild current when it arrives (in the WSGI environ) and releases it when its response is
closed, body streamed included; a retired build is closed (query workers stopped, lease
dropped, old builds pruned) once its last request is done.

A BuildFollower checks the `current` link once a second (from a watcher thread under `chava
serve`; on a request, at most once a second, in an app without one). When it names another
build (or the same id rebuilt), the new build is opened and verified, and its query workers
started, before anything is swapped: new requests go to it, requests under way finish on the old
one, and no request ever fails for the switch. A build that fails verification is never served:
the worker keeps what it serves, and says why, loudly, in its log and on /health, until
`current` changes again.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, cast

import pyoxigraph as ox

from chava.building.build_check import choose_build, open_verified
from chava.building.build_leases import BuildLease, prune_if_idle
from chava.building.builds import CURRENT, MANIFEST, Build, read_build
from chava.config import Settings
from chava.errors import PublisherError, StoreError
from chava.publication_iris import publication_iris
from chava.search.build import add_class_instances, build_in_memory
from chava.search.index import CatalogueIndex
from chava.sparql.endpoint import QueryService
from chava.stores.store import PublishedStore
from chava.web.response_cache import BUILD_ID, ResponseCache

if TYPE_CHECKING:  # the engine's client is imported for `chava serve --store` only
    from chava.stores.remote_store import RemoteConfig

logger = logging.getLogger(__name__)

ENVIRON_KEY: Final = "chava.served_build"
"""WSGI environ key: the ServedBuild a request was pinned to."""
CHECK_SECONDS: Final = 1.0
"""How often a worker looks at the `current` link (at most once per interval)."""

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]
StoreOpener = Callable[[Settings, Build], PublishedStore]
"""Opens a verified build's store for serving (open_store; tests read builds from an engine)."""


class ServedBuild:
    """One build opened for serving; closed when retired and its last request is done."""

    def __init__(
        self,
        settings: Settings,
        build: Build,
        lease: BuildLease,
        store: PublishedStore,
        service: QueryService,
        index: CatalogueIndex | None = None,
    ) -> None:
        self.settings = settings
        self.build = build
        self.lease = lease
        self.store = store
        self.service = service
        self.index = index if index is not None else open_index(build, store, settings)
        """The catalogue index: API listings and search (chava.search), shared on disk."""
        self.caches: dict[str, Any] = {}
        """Per-build memos (pages, API indexes): they go with the build."""
        self._lock = threading.Lock()
        self._users = 0
        self._retired = False
        self._closed = False

    @classmethod
    def open(
        cls, settings: Settings, build: Build, opener: StoreOpener | None = None
    ) -> ServedBuild:
        """Lease, verify and open *build* (with *opener*, default open_store); raise StoreError
        (DamagedBuildError) if unusable."""
        lease = BuildLease(build.path)
        try:
            # Read again under the lease: the folder may have been rebuilt since it was listed.
            build = read_build(build.path)
            store = (opener or open_store)(settings, build)
            index = open_index(build, store, settings)
            remote = _engine_of(store.oxigraph)
            # Lookups (one triple pattern, a constant subject) are answered in this process,
            # on the store it opened; every other query runs in a killable worker.
            local = store.everything if remote is None else None
            service = QueryService(settings, build, remote=remote, local=local)
        except BaseException:
            lease.release()
            raise
        return cls(settings, build, lease, store, service, index)

    @property
    def closed(self) -> bool:
        """True once closed (query workers stopped, lease released)."""
        return self._closed

    def acquire(self) -> bool:
        """One more request uses this build; False (not acquired) once it is retired."""
        with self._lock:
            if self._retired:
                return False
            self._users += 1
            return True

    def release(self) -> None:
        """A request using this build is done."""
        with self._lock:
            self._users -= 1
            done = self._retired and self._users == 0
        if done:
            self.close()

    def retire(self) -> None:
        """No new request will use this build; close it once the last one is done."""
        with self._lock:
            self._retired = True
            done = self._users == 0
        if done:
            self.close()

    def close(self) -> None:
        """Stop the query workers, drop caches and the store, release the lease, then prune."""
        with self._lock:
            if self._closed:
                return
            self._closed = self._retired = True
        self.service.close()
        self.caches.clear()
        self.lease.release()
        logger.info("released build %s", self.build.build_id)
        build_path = self.build.path.parent.parent
        threading.Thread(
            target=prune_if_idle,
            args=(build_path,),
            kwargs={"attempts": 30},
            name="chava-prune",
            daemon=True,
        ).start()


def open_store(settings: Settings, build: Build) -> PublishedStore:
    """Verify *build* (light check) and open its store, or the engine of `store_url` holding it."""
    opened = open_verified(build, thorough=False, local_store=not settings.store_url)
    if opened is None:
        from chava.stores.remote_store import open_remote

        # RemoteStore offers the part of ox.Store that the readers use (chava.stores.remote_store).
        return PublishedStore(build, cast(ox.Store, open_remote(settings, build)))
    return PublishedStore(build, opened)


def _engine_of(store: object) -> RemoteConfig | None:
    """The engine *store* reads from; None for a local store (and no HTTP client imported)."""
    if isinstance(store, ox.Store):
        return None
    from chava.stores.remote_store import remote_config

    return remote_config(store)


def open_index(build: Build, store: PublishedStore, settings: Settings) -> CatalogueIndex:
    """The build's catalogue index file; a build written before it had one gets one built in
    memory from its store (once per worker, logged: `chava build` writes the file)."""
    if build.manifest.get("build_files", {}).get(build.index_path.name) is not None:
        try:
            index = CatalogueIndex.open(build.index_path)
        except StoreError as error:  # written by another version of chava
            logger.warning("%s", error)
        else:
            # The facets' bitmaps (a few MB at a million statements) are read beside start-up,
            # so the first search does not wait for them.
            threading.Thread(target=index.preload, name="chava-index", daemon=True).start()
            return index
    logger.warning(
        "build %s has no catalogue index this version reads: building one in memory "
        "(run `chava build`)",
        build.build_id,
    )
    metadata = build.manifest.get("metadata_graph")
    vocabulary_graphs = publication_iris(settings).vocabulary_graphs
    connection = build_in_memory(
        store.oxigraph,
        languages=settings.languages,
        excluded_graphs=[str(metadata)] if metadata else [],
        vocabulary_graphs=vocabulary_graphs,
    )
    if metadata:
        add_class_instances(
            connection,
            store.oxigraph.quads_for_pattern(None, None, None, ox.NamedNode(str(metadata))),
            vocabulary_graphs=vocabulary_graphs,
        )
    return CatalogueIndex.in_memory(connection)


@dataclass(frozen=True)
class Health:
    """What a worker serves and whether it is the current build (for /health and the log)."""

    serving: str
    current: str | None
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """True unless a damaged build was skipped (a switch under way for up to a second is ok)."""
        return not self.problems


class BuildFollower:
    """The ServedBuild of one app, following the `current` link of its build folder."""

    def __init__(
        self,
        settings: Settings,
        build: Build | None = None,
        *,
        opener: StoreOpener | None = None,
    ) -> None:
        self.settings = settings
        self.opener = opener
        """How builds are opened (None: open_store, the build's own store or `store_url`)."""
        self.link = settings.build_path / CURRENT
        key = self._link_key()  # before opening: a build made meanwhile is seen next check
        if build is None:
            served, problems = choose_build(
                settings.build_path, lambda chosen: ServedBuild.open(settings, chosen, opener)
            )
            self.follows = True
        else:
            served, problems = ServedBuild.open(settings, build, opener), []
            self.follows = _is_current(self.link, build)
        self._current = served
        self._problems: tuple[str, ...] = tuple(problems)
        self._served_key = None if problems else key
        self._rejected_key = key if problems else None
        self._state = threading.Lock()
        self._checking = threading.Lock()
        self._next_check = time.monotonic() + CHECK_SECONDS
        self._stopped = threading.Event()
        self._closed = False
        self._retired: list[ServedBuild] = []
        self._watching = False
        self.on_switch: Callable[[ServedBuild], None] | None = None
        """Called with the new build after a switch (create_app keeps app.extensions current)."""

    @property
    def current(self) -> ServedBuild:
        """The build new requests get."""
        return self._current

    def acquire(self) -> ServedBuild:
        """Pin the current build for a request (looking for a new one first, if due)."""
        if self.follows and not self._watching and time.monotonic() >= self._next_check:
            self.check()
        while True:  # a build retired meanwhile refuses: the new current one is set by then
            served = self._current
            if served.acquire():
                return served

    def check(self) -> None:
        """Switch to the build `current` names if it changed and verifies; never raises."""
        if not self._checking.acquire(blocking=False):
            return  # another thread is checking or switching: keep serving meanwhile
        try:
            self._next_check = time.monotonic() + CHECK_SECONDS
            if any(served.closed for served in self._retired):  # let their stores close
                with self._state:
                    self._retired = [served for served in self._retired if not served.closed]
            key = self._link_key()
            if key is None or key in (self._served_key, self._rejected_key) or self._closed:
                return
            self._switch(key)
        finally:
            self._checking.release()

    def health(self) -> Health:
        """What this worker serves, what `current` names, and why they differ."""
        return Health(self._current.build.build_id, _current_id(self.link), self._problems)

    def watch(self) -> None:
        """Check every CHECK_SECONDS from a daemon thread too (a worker with no requests)."""

        self._watching = True  # requests no longer check: switching never delays one

        def run() -> None:
            while not self._stopped.wait(CHECK_SECONDS):
                try:
                    self.check()
                except Exception:  # a bug must not end the watching: say it and go on
                    logger.exception("checking for a new build failed")

        threading.Thread(target=run, name="chava-build-watch", daemon=True).start()

    def close(self) -> None:
        """Stop watching and close every build this app opened (their query workers)."""
        self._stopped.set()
        with self._state:
            self._closed = True
            builds, self._retired = [*self._retired, self._current], []
        for served in builds:
            served.close()

    def _switch(self, key: tuple[str, int, int, int]) -> None:
        target = self.link.parent / key[0]
        try:
            new = ServedBuild.open(self.settings, read_build(target), self.opener)
        except (PublisherError, OSError) as error:  # StoreError above all: damaged, vanished
            self._rejected_key = key
            self._problems = (str(error),)
            logger.error(
                "NOT SWITCHING to the new current build: %s; still serving %s",
                error,
                self._current.build.build_id,
            )
            return
        new.service.pool.start()
        if not new.service.pool.wait_ready():  # queries go to the new build's workers
            logger.warning("the query workers of build %s are slow to start", new.build.build_id)
        with self._state:
            old, self._current = self._current, new
            self._served_key, self._problems = key, ()
            self._retired = [served for served in self._retired if not served.closed]
            self._retired.append(old)
            if self.on_switch is not None:
                self.on_switch(new)
        logger.warning("now serving build %s (was %s)", new.build.build_id, old.build.build_id)
        old.retire()

    def _link_key(self) -> tuple[str, int, int, int] | None:
        """What identifies the build `current` names: its folder, that folder and its manifest."""
        try:
            target = str(self.link.readlink())
            folder = self.link.stat()
            manifest = (self.link / MANIFEST).stat()
        except OSError:
            return None
        return (target, folder.st_ino, manifest.st_ino, manifest.st_mtime_ns)


def _is_current(link: Path, build: Build) -> bool:
    try:
        return link.resolve() == build.path.resolve()
    except OSError:
        return False


def _current_id(link: Path) -> str | None:
    try:
        return link.readlink().name
    except OSError:
        return None


class PinBuild:
    """The outermost WSGI layer: each request runs on the build current when it arrived."""

    def __init__(self, app: WSGIApp, follower: BuildFollower) -> None:
        self.app = app
        self.follower = follower

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        served = self.follower.acquire()
        environ[ENVIRON_KEY] = served
        environ[BUILD_ID] = served.build.build_id
        try:
            result = self.app(environ, start_response)
        except BaseException:
            served.release()
            raise
        if isinstance(result, list):  # bytes in memory (replayed, SPARQL): nothing left to read
            served.release()
            return result
        return _PinnedBody(result, served)

    async def answer_async(
        self, environ: dict[str, Any]
    ) -> tuple[str, list[tuple[str, str]], bytes]:
        """__call__ for the event loop's SPARQL answers (chava.web.gateway): pinned the same way."""
        served = self.follower.acquire()
        environ[ENVIRON_KEY] = served
        environ[BUILD_ID] = served.build.build_id
        try:
            answered: tuple[str, list[tuple[str, str]], bytes] = await self._cache().answer_async(
                environ
            )
            return answered
        finally:
            served.release()

    def lookup(self, environ: dict[str, Any]) -> Any:
        """The replay cache's stored answer for the build current now (no lease: bytes only)."""
        environ[BUILD_ID] = self.follower.current.build.build_id
        return self._cache().lookup(environ)

    def replay(self, *args: Any, **kwargs: Any) -> Iterable[bytes]:
        """Replay an entry found by lookup (chava.web.response_cache.ResponseCache.replay)."""
        return self._cache().replay(*args, **kwargs)

    def _cache(self) -> ResponseCache:
        if not isinstance(self.app, ResponseCache):
            raise TypeError("PinBuild replays only over a ResponseCache")
        return self.app


class _PinnedBody:
    """A response body closed and released once: when exhausted or closed, whichever first.

    WSGI servers call close(); a body read to its end is closed at once too, so a client that
    never closes it (a test client) holds neither its files nor its build.
    """

    def __init__(self, body: Iterable[bytes], served: ServedBuild) -> None:
        self._body = body
        self._iterator = iter(body)
        self._served: ServedBuild | None = served

    def __iter__(self) -> _PinnedBody:
        return self

    def __next__(self) -> bytes:
        try:
            return next(self._iterator)
        except StopIteration:
            self.close()
            raise

    def close(self) -> None:
        """Close the body below (once), then release the build."""
        served, self._served = self._served, None
        if served is None:
            return
        try:
            close = getattr(self._body, "close", None)
            if close is not None:
                close()
        finally:
            served.release()
