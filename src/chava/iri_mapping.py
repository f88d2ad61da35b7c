"""The mapping between local URL paths and canonical IRIs (`/id/x` <-> `https://w3id.org/chava/id/x`).

It comes from the `iri_paths` setting: entries `/path/=IRI-prefix`, where `{data}` and
`{vocabulary}` stand for `data_base_iri` and `vocabulary_base_iri`. The longest matching prefix
wins in both directions, so a deployment may map a sub-namespace elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pyoxigraph as ox

from chava.config import Settings
from chava.errors import BadRequestError, ConfigError


@dataclass(frozen=True)
class PathMapping:
    """One entry: a local path prefix (starts and ends with `/`) and its IRI namespace."""

    path_prefix: str
    iri_prefix: str


def path_mappings(settings: Settings) -> tuple[PathMapping, ...]:
    """Return the mappings of *settings*, longest path prefix first; raise ConfigError if bad."""
    return _parse(settings.iri_paths, settings.data_base_iri, settings.vocabulary_base_iri)


def canonical_iri(settings: Settings, path: str) -> str | None:
    """Return the canonical IRI a local *path* answers for, or None if no mapping covers it.

    *path* is the decoded URL path. Raises BadRequestError for a path that cannot name an IRI
    (control characters, spaces, `<>"{}|^` and backquote, `.` or `..` segments).
    """
    for mapping in path_mappings(settings):
        if path.startswith(mapping.path_prefix):
            local = path[len(mapping.path_prefix) :]
            _check_local_part(local)
            iri = mapping.iri_prefix + local
            try:
                ox.NamedNode(iri)
            except ValueError as error:
                raise BadRequestError(f"the path does not name a valid IRI: {error}") from error
            return iri
    return None


def local_path(settings: Settings, iri: str) -> str | None:
    """Return the local path serving *iri*, or None for an IRI outside our namespaces.

    The fragment of a hash IRI (`lc:Theme` = `.../def/core#Theme`) is kept: the browser resolves
    it inside the document at the path.
    """
    best: PathMapping | None = None
    for mapping in path_mappings(settings):
        if iri.startswith(mapping.iri_prefix) and (
            best is None or len(mapping.iri_prefix) > len(best.iri_prefix)
        ):
            best = mapping
    if best is None:
        return None
    return best.path_prefix + iri[len(best.iri_prefix) :]


def _check_local_part(local: str) -> None:
    segments = local.split("/")
    if any(segment in (".", "..") for segment in segments):
        raise BadRequestError("path segments '.' and '..' are not allowed in an IRI path")
    bad = next((char for char in local if ord(char) < 0x20 or char in ' <>"{}|\\^`\x7f'), None)
    if bad is not None:
        raise BadRequestError(f"character {bad!r} is not allowed in an IRI path")


@lru_cache(maxsize=8)
def _parse(
    entries: tuple[str, ...], data_base: str, vocabulary_base: str
) -> tuple[PathMapping, ...]:
    mappings: list[PathMapping] = []
    for entry in entries:
        path_prefix, separator, iri_template = entry.partition("=")
        path_prefix, iri_template = path_prefix.strip(), iri_template.strip()
        if not separator or not path_prefix.startswith("/") or not path_prefix.endswith("/"):
            raise ConfigError(
                f"iri_paths: {entry!r} must read '/path/=IRI-prefix' (path between slashes)"
            )
        iri_prefix = iri_template.replace("{data}", data_base).replace(
            "{vocabulary}", vocabulary_base
        )
        if not iri_prefix.startswith(("http://", "https://")):
            raise ConfigError(f"iri_paths: {entry!r} does not map to an http(s) IRI prefix")
        mappings.append(PathMapping(path_prefix, iri_prefix))
    mappings.sort(key=lambda mapping: len(mapping.path_prefix), reverse=True)
    return tuple(mappings)
