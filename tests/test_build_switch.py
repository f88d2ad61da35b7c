"""A running app moves to each new build without a restart, and never serves a damaged one.

In-process (the WSGI app itself): a request under way keeps its build until its body is
closed, new requests get the new build (resources, SPARQL, API, VoID), a build in use is never
pruned and is pruned once released; a damaged build is skipped, loudly. The real `chava
serve` under load is in tests/test_serve_builds.py.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from flask import Flask
from werkzeug.test import EnvironBuilder

from chava.building.build import build_publication
from chava.building.build_leases import BuildLease, prune_if_idle
from chava.building.builds import Build
from chava.config import Settings
from chava.errors import StoreError
from chava.web import state
from tests.app_support import new_app
from tests.build_support import CORRUPTIONS, VERSIONED, corrupt, write_version
from tests.publish_fixtures import publication_settings, write_publication

WAIT = 15.0
QUERY = (
    f"SELECT ?label WHERE {{ <{VERSIONED}> ?p ?label FILTER(STRSTARTS(STR(?label), 'version')) }}"
)


def _wait_for(condition: Callable[[], bool]) -> bool:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


class Publication:
    """A tiny publication whose `data/version.ttl` says which version is built."""

    def __init__(self, root: Path) -> None:
        self.root = write_publication(root)
        self.settings: Settings = publication_settings(self.root)

    def build(self, number: int) -> Build:
        write_version(self.root, number)
        return build_publication(self.settings, validate=False)

    def folders(self) -> set[str]:
        return {path.name for path in (self.settings.build_path / "builds").iterdir()}


@pytest.fixture
def publication(tmp_path: Path) -> Publication:
    return Publication(tmp_path)


@pytest.fixture
def app_of(publication: Publication) -> Iterator[Callable[[], Flask]]:
    apps: list[Flask] = []

    def make() -> Flask:
        app = new_app(publication.settings)
        apps.append(app)
        return app

    yield make
    for app in apps:
        with app.app_context():
            state.follower().close()


def _switch(app: Flask) -> None:
    """Look at `current` now (a server does it at most once a second, on its own)."""
    with app.app_context():
        state.follower().check()


def _label(app: Flask) -> str:
    response = app.test_client().get("/id/tool/a.nt")
    assert response.status_code == 200
    labels = [line for line in response.get_data(as_text=True).splitlines() if '"version' in line]
    assert len(labels) == 1, labels
    return labels[0].split('"')[1]


def test_new_requests_get_the_new_build_everywhere(
    publication: Publication, app_of: Callable[[], Flask]
) -> None:
    first = publication.build(0)
    app = app_of()
    client = app.test_client()
    etag = client.get("/id/tool/a.nt").headers["ETag"]
    sparql = "/sparql?" + urlencode({"query": QUERY})
    assert "version 0" in client.get(sparql, headers={"Accept": "text/csv"}).get_data(as_text=True)
    second = publication.build(1)
    _switch(app)
    assert _label(app) == "version 1"
    again = client.get("/id/tool/a.nt", headers={"If-None-Match": etag})
    assert again.status_code == 200  # a new build, a new ETag
    assert again.headers["ETag"] != etag
    answer = client.get(sparql, headers={"Accept": "text/csv"}).get_data(as_text=True)
    assert "version 1" in answer  # the query workers read the new build
    assert "version 0" not in answer
    void = client.get("/.well-known/void", headers={"Accept": "application/n-triples"})
    assert f'"{second.build_id}"' in void.get_data(as_text=True)
    dump = client.get("/dumps/chava.nq.gz")
    assert dump.headers["ETag"].strip('"') == hashlib.sha256(dump.data).hexdigest()
    health = json.loads(client.get("/health").data)
    assert health == {
        "status": "ok",
        "build": second.build_id,
        "created": second.created.isoformat(),
        "current": second.build_id,
        "problems": [],
    }
    assert first.build_id != second.build_id


def test_a_request_under_way_keeps_its_build_until_its_body_is_closed(
    publication: Publication, app_of: Callable[[], Flask]
) -> None:
    first = publication.build(0)
    app = app_of()
    statuses: list[str] = []
    environ = EnvironBuilder(path="/dumps/chava.ttl").get_environ()

    def start_response(status: str, headers: list[tuple[str, str]], *rest: Any) -> Any:
        statuses.append(status)

    body = app.wsgi_app(environ, start_response)
    assert statuses == ["200 OK"]
    publication.build(1)
    publication.build(2)  # the first build is neither current nor previous: prunable
    _switch(app)
    assert _label(app) == "version 2"
    assert first.build_id in publication.folders()  # in use by the request under way
    sent = b"".join(body)
    assert hashlib.sha256(sent).hexdigest() == next(
        entry["sha256"] for entry in first.manifest["dumps"] if entry["name"] == "chava.ttl"
    )
    body.close()  # type: ignore[attr-defined]
    assert _wait_for(lambda: first.build_id not in publication.folders())


def test_a_build_under_lease_is_never_pruned_and_is_pruned_once_released(
    publication: Publication,
) -> None:
    first = publication.build(0)
    lease = BuildLease(first.path)
    for number in range(1, 4):
        publication.build(number)
        assert first.build_id in publication.folders()
    lease.release()
    prune_if_idle(publication.settings.build_path)
    assert first.build_id not in publication.folders()
    assert len(publication.folders()) == 2  # current and previous


@pytest.mark.parametrize("kind", CORRUPTIONS)
def test_a_damaged_new_build_is_not_switched_to(
    publication: Publication,
    app_of: Callable[[], Flask],
    kind: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    first = publication.build(0)
    app = app_of()
    damaged = publication.build(1)
    corrupt(damaged.path, kind)
    _switch(app)
    assert _label(app) == "version 0"
    health = json.loads(app.test_client().get("/health").data)
    assert health["status"] == "degraded"
    assert health["build"] == first.build_id
    assert health["current"] == damaged.build_id
    assert damaged.build_id in health["problems"][0]
    assert str(publication.root) not in health["problems"][0]  # no server paths in public
    assert "<build_dir>/builds/" in health["problems"][0]
    assert "NOT SWITCHING" in caplog.text
    third = publication.build(2)  # a good build again: served
    _switch(app)
    assert _label(app) == "version 2"
    assert json.loads(app.test_client().get("/health").data)["status"] == "ok"
    assert third.build_id != first.build_id


@pytest.mark.parametrize("kind", CORRUPTIONS)
def test_a_new_app_serves_the_previous_good_build_when_the_current_is_damaged(
    publication: Publication,
    app_of: Callable[[], Flask],
    kind: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    first = publication.build(0)
    damaged = publication.build(1)
    corrupt(damaged.path, kind)
    app = app_of()
    assert _label(app) == "version 0"
    health = json.loads(app.test_client().get("/health").data)
    assert (health["status"], health["build"]) == ("degraded", first.build_id)
    assert "NOT SERVING THE CURRENT BUILD" in caplog.text
    sparql = "/sparql?" + urlencode({"query": QUERY})
    answer = app.test_client().get(sparql, headers={"Accept": "text/csv"})
    assert answer.status_code == 200
    assert "version 0" in answer.get_data(as_text=True)


def test_an_unreadable_build_manifest_is_skipped_too(
    publication: Publication, app_of: Callable[[], Flask]
) -> None:
    first = publication.build(0)
    damaged = publication.build(1)
    (damaged.path / "manifest.json").write_text("{not json", encoding="utf-8")
    app = app_of()
    assert _label(app) == "version 0"
    health = json.loads(app.test_client().get("/health").data)
    assert (health["status"], health["build"]) == ("degraded", first.build_id)
    assert "unreadable build manifest" in health["problems"][0]


def test_no_usable_build_is_one_store_error(publication: Publication) -> None:
    only = publication.build(0)
    corrupt(only.path, "missing .sst")
    with pytest.raises(StoreError, match=r"no usable build \(build \w+ at .* is damaged"):
        new_app(publication.settings)


def test_memos_go_with_their_build(publication: Publication, app_of: Callable[[], Flask]) -> None:
    publication.build(0)
    app = app_of()
    assert app.test_client().get("/").data  # responses read whole: their build is released
    assert app.test_client().get("/api/").data
    with app.app_context():
        old: Any = state.follower().current
    assert old.caches
    publication.build(1)
    _switch(app)
    assert _wait_for(lambda: not old.caches)
    assert old.closed
