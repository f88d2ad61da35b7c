"""Hostile RDF documents, small on disk, for the input-safety tests (files and served replies)."""

from __future__ import annotations

from typing import Final

EX: Final = "https://partner.example.org/id/"
RDF_NS: Final = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
LABEL: Final = "<http://www.w3.org/2000/01/rdf-schema#label>"


def entity_bomb() -> bytes:
    """An RDF/XML "billion laughs": 9 levels of 10 references, about 900 bytes, a gigabyte of
    text once expanded (pyoxigraph expands internal entities)."""
    entities = '<!ENTITY a0 "haha">' + "".join(
        f'<!ENTITY a{level} "{f"&a{level - 1};" * 10}">' for level in range(1, 10)
    )
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [{entities}]>\n'
        f'<rdf:RDF xmlns:rdf="{RDF_NS}" xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">\n'
        f'<rdf:Description rdf:about="{EX}a"><rdfs:label>&a9;</rdfs:label></rdf:Description>\n'
        "</rdf:RDF>\n"
    ).encode()


def external_entity() -> bytes:
    """RDF/XML asking for a local file through an external entity (XXE)."""
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        f'<rdf:RDF xmlns:rdf="{RDF_NS}" xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">'
        f'<rdf:Description rdf:about="{EX}a"><rdfs:label>&x;</rdfs:label></rdf:Description>'
        "</rdf:RDF>\n"
    ).encode()


def deep_jsonld(depth: int = 4000) -> bytes:
    """JSON-LD with *depth* node objects nested in one another (4,000 crashed pyoxigraph)."""
    opening = f'{{"@id": "{EX}n", "{EX}p": ' * depth
    return ("[\n" + opening + '"leaf"' + "}" * depth + "\n]\n").encode()


def deep_turtle(depth: int = 5000, *, kind: str = "blank") -> bytes:
    """Turtle nesting *depth* blank-node property lists ("blank") or collections ("list")."""
    if kind == "list":
        body = "( " * depth + '"leaf"' + " )" * depth
    else:
        body = f"[ <{EX}p> " * depth + '"leaf"' + " ]" * depth
    return f"<{EX}a> <{EX}p>\n  {body} .\n".encode()


def deep_trig(depth: int = 5000) -> bytes:
    """TriG: a graph holding deeply nested blank nodes."""
    body = f"[ <{EX}p> " * depth + '"leaf"' + " ]" * depth
    return f"<{EX}g> {{\n<{EX}a> <{EX}p> {body} .\n}}\n".encode()


def deep_triple_terms(depth: int = 20_000) -> bytes:
    """N-Triples (RDF 1.2) with triple terms nested *depth* deep (20,000 crashed pyoxigraph)."""
    body = f"<<( <{EX}a> <{EX}p> " * depth + '"leaf"' + " )>>" * depth
    return f"<{EX}a> <{EX}p> {body} .\n".encode()


def deep_rdfxml(depth: int = 5000) -> bytes:
    """RDF/XML with *depth* nested node elements (slower than quadratic to parse)."""
    opening = "<e:p><rdf:Description>" * depth
    closing = "</rdf:Description></e:p>" * depth
    return (
        f'<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="{RDF_NS}" xmlns:e="{EX}">\n'
        f'<rdf:Description rdf:about="{EX}a">{opening}<e:q>leaf</e:q>{closing}'
        "</rdf:Description>\n</rdf:RDF>\n"
    ).encode()


def huge_literal(size: int) -> bytes:
    """One N-Triples statement whose literal is *size* bytes."""
    return f'<{EX}a> {LABEL} "{"x" * size}" .\n'.encode()


def many_statements(count: int) -> bytes:
    """*count* small N-Triples statements."""
    return "".join(f'<{EX}r{number}> {LABEL} "r{number}" .\n' for number in range(count)).encode()


OWL_IMPORTS: Final = (
    f"<{EX}ontology> <http://www.w3.org/2002/07/owl#imports> <https://vocab.example.org/all> .\n"
    f'<{EX}a> {LABEL} "A" .\n'
).encode()
"""A partner ontology importing a remote document, and one statement of data."""
