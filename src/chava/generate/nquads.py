"""N-Quads terms formatted as text, and a writer collecting one named graph's lines."""

from __future__ import annotations

from typing import Final

XSD: Final = "http://www.w3.org/2001/XMLSchema#"

_ESCAPES: Final = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def iri(value: str) -> str:
    """Return an IRI term; the generator only mints IRIs that need no escaping."""
    return f"<{value}>"


def literal(text: str, language: str | None = None) -> str:
    """Return a string literal, language-tagged when *language* is given, escaped per N-Quads."""
    quoted = '"' + text.translate(_ESCAPES) + '"'
    return f"{quoted}@{language}" if language else quoted


def typed(value: str, datatype: str) -> str:
    """Return a literal typed with an XSD datatype name (`date`, `integer`, `decimal`, ...)."""
    return f'"{value.translate(_ESCAPES)}"^^<{XSD}{datatype}>'


class GraphWriter:
    """Collect the lines of one named graph; subjects, predicates and objects are terms."""

    def __init__(self, base_iri: str, graph_name: str) -> None:
        self.base_iri = base_iri
        self.graph = f" <{base_iri}graph/{graph_name}> .\n"
        self.lines: list[str] = []
        self._blank_nodes = 0
        self._blank_prefix = "b" + "".join(ch for ch in graph_name if ch.isalnum())

    def thing(self, kind: str, slug: str) -> str:
        """Return the term of a minted thing: `{base}id/{kind}/{slug}`."""
        return f"<{self.base_iri}id/{kind}/{slug}>"

    def blank(self) -> str:
        """Return a fresh blank node label, unique in the whole file."""
        self._blank_nodes += 1
        return f"_:{self._blank_prefix}x{self._blank_nodes}"

    def add(self, subject: str, predicate: str, obj: str) -> None:
        """Add one statement to the graph."""
        self.lines.append(f"{subject} {predicate} {obj}{self.graph}")

    def add_all(self, subject: str, predicate: str, objects: list[str] | tuple[str, ...]) -> None:
        """Add one statement per object."""
        for obj in objects:
            self.add(subject, predicate, obj)

    def text(self) -> str:
        """Return the collected lines as one string."""
        return "".join(self.lines)
