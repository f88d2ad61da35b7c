"""The worker pool: answers, a crash or an overrun replaces only the worker concerned."""

from __future__ import annotations

import dataclasses
import os
import signal
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from chava import formats
from chava.building.builds import Build
from chava.config import Settings
from chava.errors import QueryEngineError, QueryError, QueryTimeoutError, QueryWorkerDiedError
from chava.formats import Format
from chava.sparql.contract import QueryJob, QueryReply
from chava.sparql.pool import QueryPool, QueryWorker
from tests.sparql_support import is_running

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture
def pool(bundled_build: tuple[Settings, Build]) -> Iterator[QueryPool]:
    _settings, build = bundled_build
    pool = QueryPool(build.store_path, size=2, timeout=1.0)
    # Started before the tests ask: the 1 s timeout bounds each wait for a free worker, which
    # on a loaded machine a worker's first start can take (one such test failed in CI at 0.5 s).
    pool.start()
    assert pool.wait_ready()
    yield pool
    pool.close()


def job(query: str, fmt: Format = formats.SPARQL_JSON) -> QueryJob:
    return QueryJob(query, fmt, limit=100, max_bytes=16 * 1024 * 1024, union=True)


def wait_for(pool: QueryPool, count: int) -> list[int]:
    deadline = time.monotonic() + 30
    while len(pool.worker_pids()) < count:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    return pool.worker_pids()


def test_workers_answer_queries(pool: QueryPool) -> None:
    outcome = pool.execute(job(COUNT))
    assert b'"n"' in outcome.body
    assert not outcome.truncated
    assert pool.execute(job("ASK { ?s ?p ?o }")).body == b'{"head":{},"boolean":true}'


def test_syntax_errors_come_back_with_their_position(pool: QueryPool) -> None:
    with pytest.raises(QueryError, match=r"at line 1, column \d+"):
        pool.execute(job("SELECT * WHERE { ?s ?p"))


def test_a_crashed_worker_is_replaced_without_affecting_the_other(pool: QueryPool) -> None:
    """A query the screen would refuse, sent straight to a worker, overflows its stack."""
    pool.execute(job(COUNT))
    before = set(wait_for(pool, 2))
    deep = "SELECT * WHERE " + "{" * 10_000 + " ?s ?p ?o " + "}" * 10_000
    with ThreadPoolExecutor(max_workers=2) as running:
        slow = running.submit(pool.execute, job(SLOW))  # busy on the other worker meanwhile
        time.sleep(0.1)
        with pytest.raises(QueryWorkerDiedError, match="died"):
            pool.execute(job(deep))
        with pytest.raises(QueryTimeoutError):
            slow.result()
    after = set(wait_for(pool, 2))
    assert not any(is_running(pid) for pid in before - after)
    assert len(before - after) == 2  # the crashed one and the overrun one
    assert b'"n"' in pool.execute(job(COUNT)).body


@pytest.mark.parametrize(("operator", "expected"), [(None, "2"), ("4", "4")])
def test_a_worker_keeps_few_malloc_arenas_unless_the_operator_chose(
    bundled_build: tuple[Settings, Build],
    monkeypatch: pytest.MonkeyPatch,
    operator: str | None,
    expected: str,
) -> None:
    """Each arena reserves 64 MB of the worker's capped address space (chava.sparql.pool)."""
    if operator is None:
        monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    else:
        monkeypatch.setenv("MALLOC_ARENA_MAX", operator)
    pool = QueryPool(bundled_build[1].store_path, size=1, timeout=5, memory_mb=1024)
    try:
        assert pool.execute(job("ASK {}")).body
        (pid,) = pool.worker_pids()
        environment = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
        assert f"MALLOC_ARENA_MAX={expected}".encode() in environment
    finally:
        pool.close()


def test_a_closed_pool_kills_its_workers(bundled_build: tuple[Settings, Build]) -> None:
    pool = QueryPool(bundled_build[1].store_path, size=1, timeout=5)
    pool.execute(job(COUNT))
    pids = wait_for(pool, 1)
    pool.close()
    assert not any(is_running(pid) for pid in pids)
    with pytest.raises(QueryEngineError):
        pool.execute(job(COUNT))


def test_a_worker_that_died_while_idle_is_replaced_before_use(pool: QueryPool) -> None:
    pool.execute(job(COUNT))
    pids = wait_for(pool, 2)
    for pid in pids:
        os.kill(pid, signal.SIGKILL)  # e.g. the kernel's OOM killer, between two queries
    # Dead once the kernel reports the exit (a killed leader shows Z in /proc while its other
    # threads are still exiting, and waitpid reports nothing until they are gone).
    processes = [worker.process for worker in pool._all]
    deadline = time.monotonic() + 5
    while any(process.poll() is None for process in processes):
        assert time.monotonic() < deadline
        time.sleep(0.01)
    for _attempt in range(3):
        assert b'"n"' in pool.execute(job(COUNT)).body
    assert not set(wait_for(pool, 2)) & set(pids)


def test_sequential_queries_stay_on_the_warmest_worker(
    pool: QueryPool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each worker has its own block cache: the worker that answered last answers next."""
    pool.execute(job(COUNT))
    wait_for(pool, 2)
    served: list[int] = []
    run = QueryWorker.run

    def recording(worker: QueryWorker, *arguments: Any) -> tuple[QueryReply, bytes]:
        served.append(worker.pid)
        return run(worker, *arguments)

    monkeypatch.setattr(QueryWorker, "run", recording)
    for _query in range(4):
        pool.execute(job(COUNT))
    assert len(served) == 4
    assert len(set(served)) == 1


def test_a_reply_over_the_byte_cap_is_refused_unread(bundled_build: tuple[Settings, Build]) -> None:
    """Workers cut results at the cap themselves; a worker that sends more (a bug, a worker
    gone wrong) is killed before its reply is read into the web worker's memory."""
    pool = QueryPool(bundled_build[1].store_path, size=1, timeout=10, max_result_bytes=1000)
    try:
        everything = dataclasses.replace(
            job("SELECT * WHERE { ?s ?p ?o }"), limit=10**6, max_bytes=10**9
        )
        with pytest.raises(QueryWorkerDiedError):
            pool.execute(everything)
        capped = dataclasses.replace(everything, max_bytes=1000)
        outcome = pool.execute(capped)
        assert outcome.truncated
        assert len(outcome.body) <= 1000 + 200
    finally:
        pool.close()


def test_a_query_worker_imports_no_settings_renderers_or_http_clients() -> None:
    """Issue 16 (memory): a worker is a process of its own, one per query run at once; what it
    imports it holds for its whole life (about 5 MB less without these)."""
    entry = "from chava.sparql.worker import main; print(json.dumps(sorted(sys.modules)))"
    modules = set(printed_by(entry))
    assert "pyoxigraph" in modules
    heavy = {"chava.config", "chava.render", "chava.jsonld.compact", "requests", "rdflib", "flask"}
    assert not heavy & modules


def test_a_pool_with_an_idle_timeout_starts_one_grows_on_demand_and_stops_idle_workers(
    bundled_build: tuple[Settings, Build],
) -> None:
    """Issue 16 (memory): one worker while quiet; more (up to the size) when queries find none
    free; back to one once the others have been idle for the timeout."""
    pool = QueryPool(bundled_build[1].store_path, size=3, timeout=2.0, idle_timeout=1.0)
    try:
        pool.start()
        assert pool.wait_ready()
        assert len(pool.worker_pids()) == 1
        with ThreadPoolExecutor(max_workers=3) as running:
            slow = [running.submit(pool.execute, job(SLOW)) for _query in range(3)]
            grown = wait_for(pool, 3)  # each query finding none free started one more
            for outcome in slow:
                with pytest.raises(QueryTimeoutError):
                    outcome.result()
        assert len(grown) == 3
        assert b'"n"' in pool.execute(job(COUNT)).body
        deadline = time.monotonic() + 30
        while len(pool.worker_pids()) > 1:
            assert time.monotonic() < deadline, "idle workers were not stopped"
            time.sleep(0.1)
        time.sleep(1.5)  # the last one is kept, however long it idles
        (kept,) = pool.worker_pids()
        assert all(not is_running(pid) for pid in set(grown) - {kept})
        assert b'"n"' in pool.execute(job(COUNT)).body
    finally:
        pool.close()


def test_without_an_idle_timeout_every_worker_starts_at_once_and_stays(
    bundled_build: tuple[Settings, Build],
) -> None:
    pool = QueryPool(bundled_build[1].store_path, size=3, timeout=5.0)
    try:
        pool.start()
        assert pool.wait_ready()
        assert len(pool.worker_pids()) == 3
        assert b'"n"' in pool.execute(job(COUNT)).body
        time.sleep(1.0)
        assert len(pool.worker_pids()) == 3
    finally:
        pool.close()


def test_the_web_app_imports_no_http_client_for_a_local_store() -> None:
    """Issue 16 (memory): the engine's client (requests) loads with `chava serve --store` only."""
    modules = set(printed_by("import chava.web.app; print(json.dumps(sorted(sys.modules)))"))
    assert "chava.sparql.endpoint" in modules
    assert not {"requests", "chava.stores.remote_store", "chava.network.remote"} & modules


def test_the_web_app_loads_validation_when_a_proposal_is_first_checked() -> None:
    """Issue 16 (start-up, memory): rdflib and the validation code (about 80 ms and 5 MB per
    web worker) are imported by the first contribution checked, not by every worker's start;
    nor is a steward's dummy password hash made (argon2: 19 MB, about 50 ms)."""
    names, hashes = printed_by(
        "import chava.web.app, chava.contributions.accounts as a; "
        "print(json.dumps([sorted(sys.modules), a._dummy.cache_info().currsize]))"
    )
    assert "chava.web.contributions" in names
    assert not {"rdflib", "chava.validation.validate", "chava.contributions.checking"} & set(names)
    assert hashes == 0


def printed_by(code: str) -> Any:
    """What *code* prints as JSON, run by a fresh interpreter (with json and sys imported)."""
    import json
    import subprocess
    import sys

    output = subprocess.run(
        [sys.executable, "-c", f"import json, sys; {code}"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    return json.loads(output)
