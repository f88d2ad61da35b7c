"""The real `chava serve` under hostile SPARQL load from several loopback addresses (issue 12).

Pages keep threads of their own: slow queries from 8 clients never make them wait; a full
SPARQL queue answers 503 at once; a client over its request rate or query-time budget gets 429;
a queued query whose client hung up is never run. Bounded: a few servers, a few seconds of load
each, every request with a timeout, loopback addresses only.
"""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from chava.sparql.clients import ClientLedger, slots_directory
from tests.hostile_load import SLOW_QUERY, connect, get, query_path, source
from tests.publish_fixtures import write_publication
from tests.serve_support import chava_serve

pytestmark = [pytest.mark.server, pytest.mark.slow]

PAGE = "/id/tool/aide-memoire"
PAGE_HEADERS = {"Accept": "text/html"}


def _serve(root: Path, build: Path, **settings: str) -> Iterator[str]:
    environment = {"CHAVA_BUILD_DIR": str(build)}
    environment.update({f"CHAVA_{name.upper()}": value for name, value in settings.items()})
    with chava_serve(
        root, "--workers", "1", "--no-validate", environment=environment, startup_seconds=90
    ) as base:
        yield base


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Default limits but short queries: 2 page threads, 2 query workers, 3 s per query."""
    root = write_publication(tmp_path_factory.mktemp("publication"))
    yield from _serve(
        root,
        tmp_path_factory.mktemp("build"),
        web_threads="2",
        sparql_workers="2",
        sparql_timeout="3",
    )


@pytest.fixture(scope="module")
def tight(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """One query worker, 2 waiting places, a 1.5 s budget, 1 query/s in bursts of 3."""
    root = write_publication(tmp_path_factory.mktemp("publication"))
    build = tmp_path_factory.mktemp("build")
    for base in _serve(
        root,
        build,
        sparql_workers="1",
        sparql_queue_length="2",
        sparql_timeout="2",
        sparql_client_budget="1.5",
        sparql_rate_limit="1",
        sparql_rate_burst="3",
    ):
        yield base, build


def _slow_clients(base: str, stop: threading.Event, replies: list[int]) -> list[threading.Thread]:
    """8 addresses x 2 threads, each sending distinct slow queries until *stop*."""

    def client(index: int, lane: int) -> None:
        count = 0
        while not stop.is_set():
            count += 1
            tag = f"{index}-{lane}-{count}"
            try:
                reply = get(base, query_path(SLOW_QUERY.format(tag=tag)), address=source(index))
            except OSError:
                continue
            replies.append(reply.status)
            if reply.status != 200:
                time.sleep(0.2)  # refused (503, 429): try again soon, as an impatient client

    threads = [
        threading.Thread(target=client, args=(index, lane), daemon=True)
        for index in range(8)
        for lane in range(2)
    ]
    for thread in threads:
        thread.start()
    return threads


def _page_times(base: str, seconds: float) -> list[float]:
    times = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        reply = get(base, PAGE, headers=PAGE_HEADERS, timeout=30)
        assert reply.status == 200
        times.append(reply.seconds)
        time.sleep(0.05)
    return times


def test_pages_keep_answering_during_and_right_after_slow_queries_from_8_addresses(
    loaded: str,
) -> None:
    alone = _page_times(loaded, 1)
    stop = threading.Event()
    replies: list[int] = []
    clients = _slow_clients(loaded, stop, replies)
    try:
        time.sleep(1)  # every query worker busy, the SPARQL queue full
        during = _page_times(loaded, 5)
    finally:
        stop.set()
    after = _page_times(loaded, 1)  # the clients' last queries may still run
    for thread in clients:
        thread.join(timeout=30)
    assert 503 in replies or 200 in replies, replies  # the load did reach the endpoint
    assert replies.count(503) > 0, "8 clients x 2 never filled a queue of 4 + 3 threads"
    for name, times in (("alone", alone), ("during", during), ("after", after)):
        assert max(times) < 2.0, (name, max(times))
        assert statistics.median(times) < 0.5, (name, statistics.median(times))


def test_a_full_sparql_queue_answers_503_with_retry_after_at_once(tight: tuple[str, Path]) -> None:
    base, _build = tight
    replies: list[tuple[int, float, str | None]] = []

    def client(index: int) -> None:
        reply = get(
            base, query_path(SLOW_QUERY.format(tag=f"queue-{index}")), address=source(20 + index)
        )
        replies.append((reply.status, reply.seconds, reply.headers.get("retry-after")))

    threads = [threading.Thread(target=client, args=(index,)) for index in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    refused = [reply for reply in replies if reply[0] == 503 and reply[2] is not None]
    # 1 worker: 2 threads (one per worker, one spare) + 2 waiting; the rest are refused.
    assert len(refused) >= 3, replies
    assert all(seconds < 1.5 for _status, seconds, _retry in refused[:3]), replies
    assert all(int(retry or 0) >= 1 for _status, _seconds, retry in refused)


def test_a_client_over_its_query_time_budget_gets_429_then_others_are_served(
    tight: tuple[str, Path],
) -> None:
    base, _build = tight
    spender = source(40)
    first = get(base, query_path(SLOW_QUERY.format(tag="budget")), address=spender)
    assert first.status == 503  # stopped at the 2 s limit: 2 s of a 1.5 s budget spent
    refused = get(base, query_path("ASK { ?s ?p ?o }"), address=spender)
    assert refused.status == 429, refused
    assert int(refused.headers["retry-after"]) >= 1
    assert b"query time" in refused.body
    assert get(base, query_path("ASK { ?s ?p ?o }"), address=source(41)).status == 200


def test_a_client_over_its_request_rate_gets_429(tight: tuple[str, Path]) -> None:
    base, _build = tight
    statuses = [
        get(base, query_path("ASK { ?s ?p ?o }"), address=source(50)).status for _ in range(6)
    ]
    assert statuses[:3] == [200, 200, 200]  # the burst; cached answers count too
    assert 429 in statuses[3:], statuses


def test_a_queued_query_whose_client_hung_up_is_never_run(tight: tuple[str, Path]) -> None:
    base, build = tight
    ledger = ClientLedger(
        slots_directory(str(build.resolve())), rate=0, burst=1, budget=1.5
    )  # the server's own record of each client's query time
    busy = [
        threading.Thread(
            target=get,
            args=(base, query_path(SLOW_QUERY.format(tag=f"busy-{index}"))),
            kwargs={"address": source(60 + index)},
            daemon=True,
        )
        for index in range(2)
    ]
    for thread in busy:  # the worker and the spare thread: both held about 2 s
        thread.start()
    time.sleep(0.5)
    quitter = connect(base, source(62))
    quitter.request("GET", query_path(SLOW_QUERY.format(tag="quitter")))
    waiter_replies: list[int] = []
    waiter = threading.Thread(
        target=lambda: waiter_replies.append(
            get(base, query_path(SLOW_QUERY.format(tag="waiter")), address=source(63)).status
        )
    )
    waiter.start()
    time.sleep(0.3)
    quitter.close()  # hangs up while its query waits for a thread
    for thread in [*busy, waiter]:
        thread.join(timeout=60)
    time.sleep(0.5)
    assert waiter_replies == [503]  # ran to its time limit: a queued query does run
    assert ledger.spent(source(63)) > 1.0
    assert ledger.spent(source(62)) == 0.0  # the quitter's query never ran
    ledger.close()
