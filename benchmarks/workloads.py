"""What the harness asks every system: resource descriptions, a query mix, load for throughput.

Queries live in `benchmarks/queries/*.rq` (one file per query, a comment line saying what it
asks); `%BASE%` and `%CITY%` are replaced by the dataset's base IRI and its first city's slug.
The description query peers answer is `queries/describe/describe.rq` (`%IRI%` replaced).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from benchmarks.systems import Dataset
from chava.generate.words import city_slug

QUERIES: Final = Path(__file__).resolve().parent / "queries"
DESCRIBE_MEDIA: Final = ("turtle", "jsonld", "html")
LOOKUP_QUERY: Final = "SELECT ?p ?o WHERE { <%IRI%> ?p ?o }"
"""The small SELECT of the throughput workload (%IRI% fixed, or different on each request)."""


@dataclass(frozen=True)
class Query:
    """One query of the mix."""

    name: str
    comment: str
    text: str
    media: str
    """Result format asked for: json for SELECT/ASK, turtle for CONSTRUCT."""


def load_queries(dataset: Dataset) -> list[Query]:
    """Read the query mix, with the dataset's base IRI and first city filled in."""
    queries: list[Query] = []
    city = city_slug(0, dataset.seed)
    for path in sorted(QUERIES.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        text = text.replace("%BASE%", dataset.base_iri).replace("%CITY%", city)
        comment = next(
            (line.lstrip("# ").strip() for line in text.splitlines() if line.startswith("#")), ""
        )
        body = " ".join(
            line for line in text.splitlines() if not line.lstrip().startswith("#")
        ).upper()
        media = "turtle" if "CONSTRUCT" in body and "SELECT" not in body else "json"
        queries.append(Query(path.stem, comment, text, media))
    return queries


def resource_iris(dataset: Dataset) -> list[str]:
    """Every IRI minted under the dataset's `{base}id/` that is the subject of a statement."""
    prefix = "<" + dataset.base_iri + "id/"
    subjects: set[str] = set()
    with dataset.path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.startswith(prefix):
                subjects.add(line[1 : line.index(">")])
    return sorted(subjects)


def sample_iris(iris: list[str], *, count: int, seed: int) -> list[str]:
    """A reproducible sample of *count* IRIs covering the kinds of resources."""
    by_kind: dict[str, list[str]] = {}
    for iri in iris:
        kind = iri.rsplit("/id/", 1)[-1].split("/", 1)[0]
        by_kind.setdefault(kind, []).append(iri)
    chooser = random.Random(seed)
    picked: list[str] = []
    kinds = sorted(by_kind)
    while len(picked) < min(count, len(iris)):
        for kind in kinds:
            remaining = [iri for iri in by_kind[kind] if iri not in picked]
            if remaining and len(picked) < count:
                picked.append(chooser.choice(remaining))
    return picked


def shuffled(iris: list[str], *, limit: int, seed: int) -> list[str]:
    """Up to *limit* distinct IRIs in a reproducible random order (cache-defeating loads)."""
    chosen = list(iris)
    random.Random(seed).shuffle(chosen)
    return chosen[:limit]


def rotations(names: list[str], repeats: int) -> Iterator[tuple[int, list[str]]]:
    """Yield (repeat, systems in this repeat's order): each system goes first in turn."""
    for repeat in range(repeats):
        shift = repeat % max(1, len(names))
        yield repeat, names[shift:] + names[:shift]
