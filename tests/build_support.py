"""Helpers for the build tests: versions of one data file, and the ways a store gets damaged."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final

import pyoxigraph as ox

LABEL: Final = "http://www.w3.org/2000/01/rdf-schema#label"
VERSIONED: Final = "https://w3id.org/chava/id/tool/a"
"""The resource whose label says which version of `data/version.ttl` was built."""

CORRUPTIONS: Final = ("truncated CURRENT", "garbage MANIFEST", "missing .sst")


def version_text(number: int, *, padding: int = 0) -> str:
    """`data/version.ttl` of version *number*: one label, and *padding* filler statements."""
    lines = [f'<{VERSIONED}> <{LABEL}> "version {number}" .\n']
    lines += [
        f'<https://w3id.org/chava/id/filler/{index}> <{LABEL}> "filler {index}" .\n'
        for index in range(padding)
    ]
    return "".join(lines)


def write_version(root: Path, number: int, *, padding: int = 0) -> Path:
    """Write version *number* of `data/version.ttl` under the publication *root* (atomically)."""
    path = root / "data" / "version.ttl"
    temporary = path.with_name(f".version-{number}.tmp")
    temporary.write_text(version_text(number, padding=padding), encoding="utf-8")
    temporary.replace(path)
    return path


def versions_in(store_path: Path) -> set[str]:
    """The `version N` labels the store at *store_path* holds."""
    store = ox.Store.read_only(str(store_path))
    return {
        quad.object.value
        for quad in store.quads_for_pattern(ox.NamedNode(VERSIONED), ox.NamedNode(LABEL), None)
        if isinstance(quad.object, ox.Literal) and quad.object.value.startswith("version ")
    }


def corrupt(build_path: Path, kind: str) -> None:
    """Damage the store of the build at *build_path* the way *kind* says."""
    store = build_path / "store"
    if kind == "truncated CURRENT":
        current = store / "CURRENT"
        current.write_bytes(current.read_bytes()[:5])
    elif kind == "garbage MANIFEST":
        manifest = next(store.glob("MANIFEST-*"))
        manifest.write_bytes(os.urandom(manifest.stat().st_size))
    elif kind == "missing .sst":
        largest = max(store.glob("*.sst"), key=lambda path: path.stat().st_size)
        largest.unlink()
    else:
        raise ValueError(kind)
