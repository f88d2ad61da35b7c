"""The published JSON-LD `@context`: its frozen versions, their terms, and a local document loader.

A released version (`contexts/v1.jsonld`) never changes: clients may cache it forever. The
current context (`/context.jsonld`) is the latest version. Terms are short names for the
vocabulary (`name`, `memberOf`, ...); each is read here into a `TermDefinition` that says which
RDF values it can carry, so the compactor and the framer pick terms the way a JSON-LD 1.1
compactor does and expansion gives back the same triples.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, Final
from urllib.parse import urlsplit

from chava import namespaces

CURRENT_VERSION: Final = "v1"
VERSIONS: Final = ("v1",)
CURRENT_PATH: Final = "/context.jsonld"
"""Local path of the current context; `/context/<version>.jsonld` serves a frozen version."""

LANGUAGE_MAP: Final = "@language"
SET: Final = "@set"
ID_COERCION: Final = "@id"


COMPACTED_KEPT: Final = 20_000
"""IRIs whose compact form a context remembers (then it starts again)."""


@dataclass(frozen=True)
class TermDefinition:
    """One term: the IRI it stands for, its type coercion and its container."""

    name: str
    iri: str
    coercion: str | None = None
    """`@id` for links, a datatype IRI for typed literals, None for plain values."""
    container: str | None = None
    """`@language` (a language map), `@set` (always an array) or None."""


@dataclass(frozen=True)
class Context:
    """A parsed context version: its bytes as served, its terms and its prefixes."""

    version: str
    raw: bytes = field(repr=False)
    document: Mapping[str, Any] = field(repr=False)
    terms: Mapping[str, TermDefinition] = field(repr=False)
    prefixes: tuple[tuple[str, str], ...] = field(repr=False)
    """(prefix, namespace) pairs, longest namespace first."""
    _compacted: dict[str, str] = field(default_factory=dict, repr=False, compare=False)
    """compact_iri's answers: the same classes, themes and cities come back in every search,
    listing and facet (150 compactions a search at a million statements)."""

    @property
    def etag(self) -> str:
        """A strong ETag for the served bytes."""
        return '"' + hashlib.sha256(self.raw).hexdigest()[:32] + '"'

    def compact_iri(self, iri: str) -> str:
        """Return `prefix:local` for *iri* when a prefix covers it (longest wins), else *iri*."""
        compacted = self._compacted.get(iri)
        if compacted is None:
            compacted = _compact(iri, self.prefixes)
            if len(self._compacted) >= COMPACTED_KEPT:
                self._compacted.clear()
            self._compacted[iri] = compacted
        return compacted

    def expand_iri(self, value: str) -> str:
        """Expand a term, `prefix:local` or absolute IRI written in a frame or a filter."""
        term = self.terms.get(value)
        if term is not None:
            return term.iri
        prefix, colon, local = value.partition(":")
        if colon and not local.startswith("//"):
            namespace = self.document["@context"].get(prefix)
            if isinstance(namespace, str):
                return namespace + local
        return value


def context_path(version: str | None = None) -> str:
    """Return the local path of a context version (None: the current one)."""
    return CURRENT_PATH if version is None else f"/context/{version}.jsonld"


@cache
def load_context(version: str = CURRENT_VERSION) -> Context:
    """Read a shipped context version; raise KeyError for an unknown version."""
    if version not in VERSIONS:
        raise KeyError(version)
    raw = (resources.files("chava.jsonld") / "contexts" / f"{version}.jsonld").read_bytes()
    document = json.loads(raw)
    definitions = document["@context"]
    terms: dict[str, TermDefinition] = {}
    prefixes: list[tuple[str, str]] = []
    for name, definition in definitions.items():
        if name.startswith("@"):
            continue
        if isinstance(definition, str):
            if definition.startswith("@"):
                continue
            prefixes.append((name, definition))
            continue
        if str(definition.get("@id", "")).startswith("@"):
            continue  # keyword aliases (id, type)
        terms[name] = TermDefinition(
            name=name,
            iri=_expand_prefixed(definitions, definition["@id"]),
            coercion=_coercion(definitions, definition.get("@type")),
            container=definition.get("@container"),
        )
    prefixes.sort(key=lambda pair: len(pair[1]), reverse=True)
    return Context(version, raw, document, terms, tuple(prefixes))


def context_for_url(url: str) -> Context | None:
    """Return the shipped context a URL names (`.../context.jsonld`, `.../context/v1.jsonld`)."""
    path = urlsplit(url).path
    if path.endswith(CURRENT_PATH):
        return load_context(CURRENT_VERSION)
    for version in VERSIONS:
        if path.endswith(context_path(version)):
            return load_context(version)
    return None


def local_document_loader(
    extra: Mapping[str, Mapping[str, Any]] | None = None,
) -> Callable[..., dict[str, Any]]:
    """Return a pyld document loader serving our contexts (and *extra* URLs), never the network."""

    def load(url: str, options: Mapping[str, Any] | None = None) -> dict[str, Any]:
        if extra is not None and url in extra:
            document: Any = extra[url]
        else:
            context = context_for_url(url)
            if context is None:
                raise ValueError(f"{url}: not a local document; chava never fetches contexts")
            document = context.document
        return {"contextUrl": None, "documentUrl": url, "document": document}

    return load


def _expand_prefixed(definitions: Mapping[str, Any], value: str) -> str:
    prefix, colon, local = value.partition(":")
    namespace = definitions.get(prefix) if colon else None
    return namespace + local if isinstance(namespace, str) else value


def _coercion(definitions: Mapping[str, Any], value: str | None) -> str | None:
    if value is None or value.startswith("@"):
        return value
    return _expand_prefixed(definitions, value)


XSD_STRING: Final = namespaces.XSD + "string"
RDF_LANG_STRING: Final = namespaces.RDF + "langString"


def _compact(iri: str, prefixes: tuple[tuple[str, str], ...]) -> str:
    for prefix, namespace in prefixes:
        if iri.startswith(namespace):
            local = iri[len(namespace) :]
            if local and not local.startswith("//"):
                return f"{prefix}:{local}"
    return iri
