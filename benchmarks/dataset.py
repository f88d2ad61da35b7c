"""The benchmark dataset: generated once per size, seed and generator version, then reused."""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
from pathlib import Path

from benchmarks.systems import Dataset
from chava.generate import DEFAULT_BASE_IRI, cities_for_size, write_dataset

logger = logging.getLogger(__name__)

GENERATOR_SOURCES = Path(__file__).resolve().parent.parent / "src" / "chava" / "generate"


def generator_version() -> str:
    """A hash of the generator's source: a changed generator never reuses stale data."""
    digest = hashlib.sha256()
    for path in sorted(GENERATOR_SOURCES.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:10]


def ensure_dataset(
    data_dir: Path,
    *,
    size: str,
    cities: int | None,
    seed: int,
    base_iri: str = DEFAULT_BASE_IRI,
) -> Dataset:
    """Return the dataset for *size* (or *cities*), generating it if it is not cached."""
    count = cities if cities is not None else cities_for_size(size)
    label = size if cities is None else f"{cities}-cities"
    base_key = hashlib.sha256(base_iri.encode()).hexdigest()[:6]
    stem = f"cities{count}-seed{seed}-{base_key}-{generator_version()}"
    path = data_dir / f"{stem}.nq"
    facts_path = data_dir / f"{stem}.json"
    if path.exists() and facts_path.exists():
        statements = int(json.loads(facts_path.read_text())["statements"])
        logger.info("reusing %s (%d statements)", path, statements)
    else:
        _remove_stale(data_dir, f"cities{count}-seed{seed}-{base_key}-", keep=stem)
        summary = write_dataset(path, cities=count, seed=seed, base_iri=base_iri)
        statements = summary.quads
        facts_path.write_text(json.dumps({"statements": statements, "seconds": summary.seconds}))
    work_dir = data_dir / stem
    work_dir.mkdir(parents=True, exist_ok=True)
    return Dataset(
        path=path,
        size=label,
        cities=count,
        seed=seed,
        base_iri=base_iri,
        statements=statements,
        work_dir=work_dir,
    )


def _remove_stale(data_dir: Path, prefix: str, *, keep: str) -> None:
    """Delete the data and stores of older generator versions for the same dataset."""
    if not data_dir.is_dir():
        return
    for stale in data_dir.glob(prefix + "*"):
        if stale.name.split(".", 1)[0] == keep:
            continue
        logger.info("removing stale %s", stale)
        if stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)
        else:
            stale.unlink(missing_ok=True)
