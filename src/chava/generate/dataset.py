"""The whole synthetic dataset: sizes, city counts, and writing it as (gzipped) N-Quads."""

from __future__ import annotations

import gzip
import logging
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Final

from chava.errors import ConfigError
from chava.generate import words
from chava.generate.city import CityGenerator
from chava.generate.languages import relabel
from chava.generate.nquads import GraphWriter
from chava.generate.shared import write_shared

logger = logging.getLogger(__name__)

DEFAULT_BASE_IRI: Final = "https://learning-cities.example.org/"
SIZES: Final[dict[str, int]] = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}
TRIPLES_PER_CITY: Final = 2_380
"""Measured average statements per city (tests check the sizes stay within 10%)."""


@dataclass(frozen=True)
class GenerationSummary:
    """What one generation wrote."""

    path: Path
    cities: int
    quads: int
    seconds: float


def cities_for_size(size: str) -> int:
    """Return the number of cities that gives about *size* statements (10k, 100k or 1m)."""
    try:
        target = SIZES[size.lower()]
    except KeyError:
        known = ", ".join(SIZES)
        raise ConfigError(f"unknown size {size!r}; known sizes: {known}") from None
    return max(1, round(target / TRIPLES_PER_CITY))


def generate_chunks(
    *,
    cities: int,
    seed: int = 1,
    base_iri: str = DEFAULT_BASE_IRI,
    languages: Sequence[str] | None = None,
) -> Iterator[str]:
    """Yield the dataset as N-Quads text: the shared graph, then one named graph per city.

    With *languages*, every text is in those languages (`chava.generate.languages`).
    """
    _check(cities=cities, base_iri=base_iri)
    shared = GraphWriter(base_iri, "shared")
    write_shared(shared)
    yield _in_languages(shared.text(), languages)
    for index in range(cities):
        writer = GraphWriter(base_iri, f"city/{words.city_slug(index, seed)}")
        CityGenerator(writer, index=index, seed=seed).generate()
        yield _in_languages(writer.text(), languages)


def _in_languages(chunk: str, languages: Sequence[str] | None) -> str:
    return chunk if languages is None else relabel(chunk, languages)


def write_dataset(
    path: Path,
    *,
    cities: int,
    seed: int = 1,
    base_iri: str = DEFAULT_BASE_IRI,
    languages: Sequence[str] | None = None,
) -> GenerationSummary:
    """Write the dataset to *path*: N-Quads, gzipped when the name ends in `.gz`.

    The same arguments give the same bytes (the gzip header carries no time or file name).
    """
    _check(cities=cities, base_iri=base_iri)
    started = time.perf_counter()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as raw:
        if path.suffix == ".gz":
            with gzip.GzipFile(
                filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=3
            ) as zipped:
                quads = _write(zipped, cities, seed, base_iri, languages)
        else:
            quads = _write(raw, cities, seed, base_iri, languages)
    seconds = time.perf_counter() - started
    logger.info("wrote %s: %d cities, %d quads in %.1f s", path, cities, quads, seconds)
    return GenerationSummary(path, cities, quads, seconds)


def _write(
    stream: BinaryIO | gzip.GzipFile,
    cities: int,
    seed: int,
    base_iri: str,
    languages: Sequence[str] | None,
) -> int:
    quads = 0
    chunks = generate_chunks(cities=cities, seed=seed, base_iri=base_iri, languages=languages)
    for chunk in chunks:
        quads += chunk.count("\n")
        stream.write(chunk.encode("utf-8"))
    return quads


def _check(*, cities: int, base_iri: str) -> None:
    if cities < 1:
        raise ConfigError(f"--cities must be at least 1, got {cities}")
    if not base_iri.startswith(("http://", "https://")) or not base_iri.endswith("/"):
        raise ConfigError(f"base IRI must be an http(s) IRI ending with '/': {base_iri!r}")
    if any(ch in base_iri for ch in '<>"{}|^`\\ '):
        raise ConfigError(f"base IRI contains a character IRIs cannot hold: {base_iri!r}")
