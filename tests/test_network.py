"""Issue 11 end to end: three learning cities and Charleroi, each served, harvesting each other.

Three cities are scaffolded with the real `chava init` in three languages (Finnish, Spanish,
Arabic), each gets synthetic data in its language (`chava generate --languages`), is validated
and served on its own port with the real `chava serve`; Charleroi (the bundled publication) is
served too. Each city harvests the two others and Charleroi from their SPARQL endpoints, is
rebuilt and served again. Then: nothing of the shared vocabulary is quarantined; a deliberately
broken resource of one partner is quarantined with its reasons and absent from the API, search,
pages and counts of every harvester; every home page names its own city and no other.
Bounded: one synthetic city per publication, one web worker per server, every command and
request with a timeout. The three cities are scaffolded, validated and started at once (their
commands are processes); the harvests run one after the other, as one client would.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, TypeVar

import pytest
import requests

from chava.generate.words import city_name
from tests.serve_support import chava_serve, serve_bundled

pytestmark = [pytest.mark.server, pytest.mark.slow]

CHAVA: Final = Path(sys.executable).parent / "chava"
TIMEOUT: Final = 180
SERVE: Final = ("--workers", "1", "--threads", "2")
CHARLEROI: Final = "charleroi"
LC: Final = "https://w3id.org/learning-city/def/core#"
VOCABULARY: Final = "https://w3id.org/learning-city/"


@dataclass(frozen=True)
class City:
    """A city of the network: what `chava init` and `chava generate` are given."""

    name: str
    slug: str
    languages: tuple[str, ...]
    seed: int

    @property
    def base(self) -> str:
        return f"https://{self.slug}.example.org/"

    @property
    def generated_name(self) -> str:
        """The made-up name of the one synthetic city of its generated data."""
        return city_name(0, self.seed)


CITIES: Final = (
    City("Järvilinna", "jarvilinna", ("fi", "en"), 11),
    City("Villaverde del Ejemplo", "villaverde", ("es", "en"), 12),
    City("مدينة المثال", "madina", ("ar", "en"), 13),
)
BROKEN_CITY: Final = CITIES[1]
BROKEN_IRI: Final = f"{BROKEN_CITY.base}id/tool/herramienta-rota"
BROKEN_LABEL: Final = "Herramienta rota"
BROKEN_DATA: Final = f"""\
@prefix lc:   <{LC}> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <http://schema.org/> .
# Deliberately broken: no source, no availability, no kind.
<{BROKEN_IRI}> a lc:PedagogicalTool , schema:CreativeWork ;
    rdfs:label "{BROKEN_LABEL}"@es , "Broken tool"@en .
"""
T = TypeVar("T")
R = TypeVar("R")
HARVESTED: Final = re.compile(
    r"harvested (?P<partner>\S+): (?P<read>\d+) triples read, (?P<published>\d+) published, "
    r"(?P<quarantined>\d+) quarantined \((?P<resources>\d+) resources\)"
)


@dataclass
class Network:
    """The served publications and what each step printed."""

    roots: dict[str, Path] = field(default_factory=dict)
    bases: dict[str, str] = field(default_factory=dict)
    """Local URL of each publication's server, Charleroi's included."""
    validations: dict[str, subprocess.CompletedProcess[str]] = field(default_factory=dict)
    harvests: dict[tuple[str, str], subprocess.CompletedProcess[str]] = field(default_factory=dict)
    """(harvester, partner) -> the `chava harvest` run."""


def chava(*arguments: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the installed `chava` in *cwd* without the caller's CHAVA_* variables."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("CHAVA_")}
    return subprocess.run(
        [str(CHAVA), *arguments],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def _scaffold(city: City, folder: Path) -> Path:
    options = ["--city", city.name, "--languages", ",".join(city.languages)]
    options += ["--base-iri", city.base, "--slug", city.slug]
    done = chava("init", city.slug, *options, cwd=folder)
    assert done.returncode == 0, done.stderr
    root = folder / city.slug
    generated = chava(
        "generate",
        "--cities",
        "1",
        "--seed",
        str(city.seed),
        "--languages",
        ",".join(city.languages),
        "--base-iri",
        city.base,
        "-o",
        str(root / "data" / "generated.nq"),
        cwd=folder,
    )
    assert generated.returncode == 0, generated.stderr
    return root


def _on_threads(function: Callable[[T], R], items: Sequence[T]) -> list[R]:
    """*function* of each item, all at once (each runs `chava` subprocesses); the first error
    is raised once every call has ended."""
    with ThreadPoolExecutor(max_workers=len(items)) as pool:
        return list(pool.map(function, items))


def _serve_together(servers: ExitStack, roots: Sequence[Path]) -> list[str]:
    """Start `chava serve` (which builds first) for each of *roots* at once; each server that
    started is stopped with *servers*, even when another failed to start."""
    managers = [chava_serve(root, *SERVE, startup_seconds=TIMEOUT) for root in roots]
    with ThreadPoolExecutor(max_workers=len(managers)) as pool:
        futures = [pool.submit(manager.__enter__) for manager in managers]
        wait(futures)
    for manager, future in zip(managers, futures, strict=True):
        if future.exception() is None:
            servers.push(manager)
    return [future.result() for future in futures]


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Network]:
    """Scaffold, generate, validate and serve the three cities and Charleroi; harvest; serve
    the cities again with what they harvested. Every server is stopped at the end."""
    folder = tmp_path_factory.mktemp("network")
    result = Network()

    def prepare(city: City) -> tuple[Path, subprocess.CompletedProcess[str]]:
        root = _scaffold(city, folder)
        return root, chava("validate", cwd=root)

    for city, (root, validation) in zip(CITIES, _on_threads(prepare, CITIES), strict=True):
        result.roots[city.slug] = root
        result.validations[city.slug] = validation
    (result.roots[BROKEN_CITY.slug] / "data" / "broken.ttl").write_text(
        BROKEN_DATA, encoding="utf-8"
    )
    with ExitStack() as servers:
        charleroi = servers.enter_context(
            serve_bundled(tmp_path_factory.mktemp("charleroi-build"), ready_path="/sparql")
        )
        result.bases[CHARLEROI] = charleroi
        with ExitStack() as first_servers:
            started = _serve_together(first_servers, [result.roots[c.slug] for c in CITIES])
            result.bases.update(zip((city.slug for city in CITIES), started, strict=True))
            for city in CITIES:
                for partner in (*(c.slug for c in CITIES if c != city), CHARLEROI):
                    endpoint = result.bases[partner] + "/sparql"
                    result.harvests[(city.slug, partner)] = chava(
                        "harvest", endpoint, "--partner", partner, cwd=result.roots[city.slug]
                    )
        # Served again: `chava serve` rebuilds with the harvested graphs.
        started = _serve_together(servers, [result.roots[city.slug] for city in CITIES])
        result.bases.update(zip((city.slug for city in CITIES), started, strict=True))
        yield result


def _get(url: str, **headers: str) -> requests.Response:
    response = requests.get(url, headers=headers, timeout=30)
    assert response.status_code == 200, (url, response.status_code, response.text[:500])
    return response


def _counts(network: Network, city: City, partner: str) -> dict[str, int]:
    run = network.harvests[(city.slug, partner)]
    assert run.returncode == 0, (city.slug, partner, run.stderr)
    found = HARVESTED.search(run.stdout)
    assert found is not None, run.stdout
    return {name: int(found.group(name)) for name in ("read", "published", "quarantined")} | {
        "resources": int(found.group("resources"))
    }


def test_each_city_validates_as_scaffolded_with_generated_data(network: Network) -> None:
    for city in CITIES:
        run = network.validations[city.slug]
        assert run.returncode == 0, (city.slug, run.stdout[-3000:], run.stderr)
        assert run.stdout.startswith("conforms"), run.stdout[-2000:]


@pytest.mark.parametrize("city", CITIES, ids=lambda city: city.slug)
def test_nothing_of_the_shared_vocabulary_is_quarantined(network: Network, city: City) -> None:
    """Regression (issue 11): harvesting a chava peer quarantined 1,631 of 2,358 triples."""
    for partner in (*(c.slug for c in CITIES if c != city), CHARLEROI):
        counts = _counts(network, city, partner)
        assert counts["published"] > 0, (city.slug, partner, counts)
        expected = 1 if partner == BROKEN_CITY.slug else 0
        assert counts["resources"] == expected, (city.slug, partner, counts)
    trig = (network.roots[city.slug] / "data" / "harvest").glob("*.trig")
    quarantined = [
        line
        for path in trig
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.startswith(f"<{VOCABULARY}")
    ]
    assert quarantined == [] or all("/quarantine/" not in line for line in quarantined)


@pytest.mark.parametrize("city", CITIES, ids=lambda city: city.slug)
def test_the_broken_resource_is_quarantined_with_its_reasons(network: Network, city: City) -> None:
    if city == BROKEN_CITY:
        pytest.skip("a city does not harvest itself")
    page = _get(network.bases[city.slug] + "/harvest/", Accept="text/html").text
    assert BROKEN_IRI in page
    row = page[page.index(BROKEN_IRI) :]
    assert "dcterms:source" in row or "source" in row.lower()


@pytest.mark.parametrize("city", CITIES, ids=lambda city: city.slug)
def test_the_broken_resource_is_absent_from_api_search_pages_and_counts(
    network: Network, city: City
) -> None:
    if city == BROKEN_CITY:
        pytest.skip("its own data: published as it is by `chava serve`, which never refuses")
    base = network.bases[city.slug]
    json_ld = {"Accept": "application/ld+json"}
    tools = _get(base + "/api/tools?limit=500", **json_ld).json()
    assert BROKEN_IRI not in {item["id"] for item in tools["items"]}
    assert all(isinstance(item, dict) for item in tools["items"])
    search = _get(base + "/api/search?q=rota&limit=50", **json_ld).json()
    assert BROKEN_IRI not in {item["id"] for item in search["items"]}
    for path in ("/", "/classes/", f"/classes/?iri={LC}PedagogicalTool"):
        html = _get(base + path, Accept="text/html").text
        assert BROKEN_IRI not in html, path
        assert BROKEN_LABEL not in html, path
        assert "ValidationResult" not in html, path
    shown = _class_count(_get(base + "/classes/", Accept="text/html").text, "PedagogicalTool")
    assert shown == tools["totalItems"]


def _class_count(html: str, local_name: str) -> int:
    """The count the classes page shows for the lc: class *local_name*."""
    found = re.search(
        rf'href="/classes/lc:{local_name}[^"]*".*?<td class="number">(\d+)</td>', html, re.DOTALL
    )
    assert found is not None, f"no lc:{local_name} row"
    return int(found.group(1))


@pytest.mark.parametrize("publication", [*(c.slug for c in CITIES), CHARLEROI])
def test_every_home_page_names_its_own_city_and_no_other(
    network: Network, publication: str
) -> None:
    names = {city.slug: (city.name, city.generated_name) for city in CITIES}
    names[CHARLEROI] = ("Charleroi", "ChaVa")
    home = _get(network.bases[publication] + "/", Accept="text/html").text
    own = names.pop(publication)
    assert own[0] in home
    title = re.search(r"<title>(.*?)</title>", home, re.DOTALL)
    assert title is not None
    assert own[0] in title.group(1)
    others = [name for pair in names.values() for name in pair if name in home]
    assert others == []
