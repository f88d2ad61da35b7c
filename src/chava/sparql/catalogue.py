"""The example query catalogue, read from the graph itself (SHACL-AF executables)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

import pyoxigraph as ox

from chava import namespaces as ns
from chava.errors import ResourceNotFoundError
from chava.labels import LABEL_PREDICATES, label_rank
from chava.stores.store import PublishedStore

QUERIES_GRAPH: Final = ns.GRAPH + "queries"
"""The bundled publication's catalogue; a publication reads its own (`{data}graph/queries`)."""

_LABELS: Final = " ".join(f"<{iri}>" for iri in LABEL_PREDICATES)
_CATALOGUE_QUERY: Final = f"""
PREFIX sh: <{ns.SH}>
PREFIX rdfs: <{ns.RDFS}>
PREFIX schema: <{ns.SCHEMA}>
SELECT ?query ?kind ?text ?position ?property ?value WHERE {{
  GRAPH ?catalogue {{
    VALUES (?kind ?textProperty) {{
      (sh:SPARQLSelectExecutable sh:select)
      (sh:SPARQLConstructExecutable sh:construct)
      (sh:SPARQLAskExecutable sh:ask)
    }}
    ?query a ?kind ; ?textProperty ?text .
    OPTIONAL {{ ?query schema:position ?position }}
    OPTIONAL {{
      VALUES ?property {{ {_LABELS} rdfs:comment schema:keywords }}
      ?query ?property ?value
    }}
  }}
}}
"""

_FORMS: Final = {
    ns.SH + "SPARQLSelectExecutable": "SELECT",
    ns.SH + "SPARQLConstructExecutable": "CONSTRUCT",
    ns.SH + "SPARQLAskExecutable": "ASK",
}


@dataclass(frozen=True)
class ExampleQuery:
    """One catalogued research question: its query and its texts in several languages."""

    iri: str
    slug: str
    form: str
    text: str
    position: int
    labels: Mapping[str, str] = field(default_factory=dict)
    comments: Mapping[str, str] = field(default_factory=dict)
    keywords: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def label(self, languages: Sequence[str]) -> str:
        """The label in the first of *languages* that has one (else any, else the slug)."""
        return _pick(self.labels, languages) or self.slug

    def comment(self, languages: Sequence[str]) -> str:
        """The description in the first of *languages* that has one."""
        return _pick(self.comments, languages)

    def keywords_in(self, languages: Sequence[str]) -> tuple[str, ...]:
        """The keywords in the first of *languages* that has some."""
        for language in languages:
            if self.keywords.get(language):
                return self.keywords[language]
        return next(iter(self.keywords.values()), ())


def read_catalogue(
    store: PublishedStore, *, graph: str = QUERIES_GRAPH
) -> tuple[ExampleQuery, ...]:
    """Read every catalogued query of the build's catalogue *graph*, in catalogue order."""
    answer = store.query(_CATALOGUE_QUERY.replace("?catalogue", str(ox.NamedNode(graph))))
    assert isinstance(answer, ox.QuerySolutions)
    found: dict[str, dict[str, object]] = {}
    for solution in answer:
        query, kind, text = solution["query"], solution["kind"], solution["text"]
        if not isinstance(query, ox.NamedNode) or not isinstance(text, ox.Literal):
            continue
        assert isinstance(kind, ox.NamedNode)
        entry = found.setdefault(
            query.value,
            {"form": _FORMS[kind.value], "text": text.value, "position": 0, "texts": []},
        )
        position = solution["position"]
        if isinstance(position, ox.Literal):
            entry["position"] = int(position.value)
        prop, value = solution["property"], solution["value"]
        if isinstance(prop, ox.NamedNode) and isinstance(value, ox.Literal):
            texts = entry["texts"]
            assert isinstance(texts, list)
            texts.append((prop.value, value.language or "", value.value))
    examples = [_example(iri, entry) for iri, entry in found.items()]
    return tuple(sorted(examples, key=lambda example: (example.position, example.slug)))


def find_example(catalogue: Sequence[ExampleQuery], slug: str) -> ExampleQuery:
    """Return the example with *slug*, or raise ResourceNotFoundError."""
    for example in catalogue:
        if example.slug == slug:
            return example
    raise ResourceNotFoundError(f"no example query named {slug!r}")


def _label_first(text: tuple[str, str, str]) -> tuple[int, str, str, str]:
    rank = label_rank(text[0])
    return (len(LABEL_PREDICATES) if rank is None else rank, *text)


def _example(iri: str, entry: Mapping[str, object]) -> ExampleQuery:
    labels: dict[str, str] = {}
    comments: dict[str, str] = {}
    keywords: dict[str, list[str]] = {}
    texts = entry["texts"]
    assert isinstance(texts, list)
    # Per language, the label of the most specific predicate (chava.labels) wins.
    for prop, language, value in sorted(set(texts), key=_label_first):
        if label_rank(prop) is not None:
            labels.setdefault(language, value)
        elif prop == ns.RDFS + "comment":
            comments.setdefault(language, value)
        else:
            keywords.setdefault(language, []).append(value)
    return ExampleQuery(
        iri=iri,
        slug=iri.rstrip("/").rsplit("/", 1)[-1],
        form=str(entry["form"]),
        text=str(entry["text"]),
        position=int(str(entry["position"])),
        labels=labels,
        comments=comments,
        keywords={language: tuple(values) for language, values in keywords.items()},
    )


def _pick(texts: Mapping[str, str], languages: Sequence[str]) -> str:
    for language in languages:
        if language in texts:
            return texts[language]
    return next(iter(texts.values()), "")
