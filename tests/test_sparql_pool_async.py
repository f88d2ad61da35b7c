"""The pool from an event loop (chava.web.gateway's SPARQL GETs): same answers and errors, no
thread waiting; a query waiting for a worker is dropped when its client hangs up; a query past
its time is killed with its worker, as on a thread."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import pytest

from chava.building.builds import Build
from chava.config import Settings
from chava.errors import ClientGoneError, QueryError, QueryTimeoutError
from chava.sparql.pool import QueryPool
from tests.sparql_support import is_running
from tests.test_sparql_pool import COUNT, SLOW, job, wait_for


@pytest.fixture
def one_worker(bundled_build: tuple[Settings, Build]) -> Iterator[QueryPool]:
    pool = QueryPool(bundled_build[1].store_path, size=1, timeout=2.0)
    yield pool
    pool.close()


def test_answers_and_errors_are_those_of_a_thread(one_worker: QueryPool) -> None:
    async def scenario() -> None:
        outcome = await one_worker.execute_async(job(COUNT))
        assert outcome == one_worker.execute(job(COUNT))
        ask = await one_worker.execute_async(job("ASK { ?s ?p ?o }"))
        assert ask.body == b'{"head":{},"boolean":true}'
        with pytest.raises(QueryError, match=r"at line 1, column \d+"):
            await one_worker.execute_async(job("SELECT * WHERE { ?s ?p"))

    asyncio.run(scenario())


def test_a_query_waits_in_the_loop_for_the_busy_worker(one_worker: QueryPool) -> None:
    """Three queries, one worker: each is handed the worker in turn (no thread waits)."""

    async def scenario() -> list[bytes]:
        outcomes = await asyncio.gather(*(one_worker.execute_async(job(COUNT)) for _ in range(3)))
        return [outcome.body for outcome in outcomes]

    bodies = asyncio.run(scenario())
    assert len(set(bodies)) == 1
    assert b'"n"' in bodies[0]
    assert b'"n"' in one_worker.execute(job(COUNT)).body  # the worker went back to the pool


def test_a_query_whose_client_hangs_up_while_it_waits_never_runs(one_worker: QueryPool) -> None:
    async def scenario() -> None:
        busy = asyncio.ensure_future(one_worker.execute_async(job(SLOW)))
        await asyncio.sleep(0.2)  # the slow query holds the only worker
        hung_up = asyncio.Event()
        waiting = asyncio.ensure_future(one_worker.execute_async(job(COUNT), hang_up=hung_up.wait))
        await asyncio.sleep(0.1)
        hung_up.set()
        with pytest.raises(ClientGoneError):
            await waiting
        with pytest.raises(QueryTimeoutError):  # the slow one still runs to its limit
            await busy

    asyncio.run(scenario())
    wait_for(one_worker, 1)
    assert b'"n"' in one_worker.execute(job(COUNT)).body


def test_an_overrun_kills_the_worker_and_a_new_one_answers(one_worker: QueryPool) -> None:
    one_worker.execute(job(COUNT))
    [before] = wait_for(one_worker, 1)

    async def scenario() -> None:
        started = time.monotonic()
        with pytest.raises(QueryTimeoutError, match="limit"):
            await one_worker.execute_async(job(SLOW))
        assert time.monotonic() - started < 30

    asyncio.run(scenario())
    assert not is_running(before)
    assert b'"n"' in one_worker.execute(job(COUNT)).body


def test_waiting_for_a_worker_ends_at_the_deadline(bundled_build: tuple[Settings, Build]) -> None:
    pool = QueryPool(bundled_build[1].store_path, size=1, timeout=0.5)
    try:
        # Started first: the 0.5 s deadline is for waiting on a busy worker, and a worker's start
        # took longer than that on a loaded CI machine.
        pool.start()
        assert pool.wait_ready()
        pool.execute(job(COUNT))
        held = pool._idle.get(timeout=30)  # the only worker, held: none frees up

        async def scenario() -> None:
            with pytest.raises(QueryTimeoutError, match="no query worker became free"):
                await pool.execute_async(job(COUNT))

        asyncio.run(scenario())
        pool._idle.put(held)
        assert b'"n"' in pool.execute(job(COUNT)).body
    finally:
        pool.close()


def test_a_cancelled_query_kills_its_worker(one_worker: QueryPool) -> None:
    """A task cancelled mid-query (the server stopping) leaves no worker in an unknown state."""
    one_worker.execute(job(COUNT))
    [before] = wait_for(one_worker, 1)

    async def scenario() -> None:
        running = asyncio.ensure_future(one_worker.execute_async(job(SLOW)))
        await asyncio.sleep(0.3)
        running.cancel()
        with pytest.raises(asyncio.CancelledError):
            await running

    asyncio.run(scenario())
    assert not is_running(before)
    assert b'"n"' in one_worker.execute(job(COUNT)).body
