"""Contributions through the real `chava serve` (two web workers): a proposal is invisible
everywhere until a steward accepts it; then a build made off the request path publishes it on
its page, in the API, in search and in the feed, pages answering meanwhile; and a partner city
following the feed harvests just that change."""

from __future__ import annotations

import gzip
import time
from pathlib import Path

import pytest
import requests

from tests.contribution_support import TOOL_TURTLE, basic, copy_publication
from tests.serve_support import chava, chava_serve, init_partner

pytestmark = [pytest.mark.server, pytest.mark.slow]

LABEL = "Atelier invisible 7f3a"
EMAIL = "secret.person@example.org"
LIMITS = {
    "CHAVA_SPARQL_RATE_LIMIT": "0",
    "CHAVA_SPARQL_CLIENT_BUDGET": "0",
    "CHAVA_SPARQL_WORKER_ISOLATION": "warn",
}


def visible_anywhere(base: str, needle: str) -> list[str]:
    """Where *needle* shows in what the server publishes (API, search, pages, dumps, SPARQL)."""
    found = []
    for path in ("/api/tools?limit=500", "/api/search?q=invisible", "/", "/classes/"):
        if needle in requests.get(base + path, timeout=30).text:
            found.append(path)
    for dump in ("chava.nq.gz", "chava.ttl"):
        body = requests.get(f"{base}/dumps/{dump}", timeout=60).content
        text = gzip.decompress(body).decode() if dump.endswith(".gz") else body.decode()
        if needle in text:
            found.append(dump)
    query = f'ASK {{ ?s ?p ?o FILTER(CONTAINS(STR(?o), "{needle}")) }}'
    answer = requests.get(
        base + "/sparql",
        params={"query": query},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    ).json()
    if answer["boolean"]:
        found.append("sparql")
    return found


def test_a_contribution_is_invisible_until_accepted_then_everywhere_and_harvested(
    tmp_path: Path,
) -> None:
    city = copy_publication(tmp_path / "charleroi")
    partner = init_partner(tmp_path)
    environment = {"CHAVA_BUILD_DIR": str(city.settings.build_path), **LIMITS}
    with chava_serve(city.root, "--workers", "2", "--no-validate", environment=environment) as base:
        first = chava(partner, "harvest", f"{base}/changes", "--partner", "charleroi")
        assert "the whole dump read" in first

        response = requests.post(
            base + "/contributions",
            data=TOOL_TURTLE.format(label=LABEL).encode(),
            headers={"Content-Type": "text/turtle", "From": EMAIL},
            timeout=60,
        )
        assert response.status_code == 202, response.text[:500]
        contribution = response.json()["id"]
        time.sleep(2)  # more than a build switch takes: nothing may have been published
        assert visible_anywhere(base, LABEL) == []
        proposed = f"/id/contribution/{contribution}/proposed"
        assert requests.get(base + proposed, timeout=30).status_code == 404

        accepted = requests.post(
            f"{base}/contributions/{contribution}/accept", headers=basic(), timeout=60
        )
        assert accepted.status_code == 200, accepted.text[:500]
        resource = accepted.json()["resource"]
        page_times = []
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            started = time.monotonic()
            assert requests.get(base + "/id/initiative/chava", timeout=30).status_code == 200
            page_times.append(time.monotonic() - started)
            state = requests.get(
                f"{base}/contributions/{contribution}",
                headers={"Accept": "application/json", **basic()},
                timeout=30,
            ).json()["publication"]["state"]
            assert state != "failed"
            if (
                state == "done"
                and requests.get(
                    base + resource.removeprefix("https://w3id.org/chava"), timeout=30
                ).status_code
                == 200
            ):
                break
            time.sleep(0.3)
        else:
            pytest.fail("the accepted contribution was not published within 180 s")
        assert max(page_times) < 30  # pages kept answering while it was built

        time.sleep(1.5)  # both workers follow the new build
        local = resource.removeprefix("https://w3id.org/chava")
        page = requests.get(base + local, headers={"Accept": "text/html"}, timeout=30)
        assert page.status_code == 200
        assert LABEL in page.text
        assert resource in requests.get(base + "/api/tools?limit=500", timeout=30).text
        assert (
            resource
            in requests.get(base + "/api/search", params={"q": "invisible 7f3a"}, timeout=30).text
        )
        feed = requests.get(base + "/changes", timeout=30).json()
        last = requests.get(feed["last"]["id"], timeout=30).json()
        assert [(item["type"], item["object"]["id"]) for item in last["orderedItems"]][-1] == (
            "Create",
            resource,
        )
        turtle = requests.get(base + local, headers={"Accept": "text/turtle"}, timeout=30).text
        assert "wasGeneratedBy" in turtle
        assert EMAIL not in "".join(
            requests.get(base + path, timeout=60).text
            for path in (
                "/api/tools?limit=500",
                "/changes",
                feed["last"]["id"].removeprefix(base),
                local,
                "/dumps/chava.ttl",
            )
        )

        second = chava(partner, "harvest", f"{base}/changes", "--partner", "charleroi")
        assert "1 created, 0 updated, 0 deleted since the last harvest" in second
        requests_made = int(second.split(" requests")[0].rsplit(" ", 1)[-1])
        assert requests_made <= 8  # the collection, its last page, the resource and its history
        harvested = (partner / "data" / "harvest" / "charleroi.trig").read_text(encoding="utf-8")
        assert LABEL in harvested
        assert EMAIL not in harvested
        third = chava(partner, "harvest", f"{base}/changes", "--partner", "charleroi")
        assert "0 created, 0 updated, 0 deleted" in third
