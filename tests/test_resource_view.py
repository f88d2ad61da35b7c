"""The view model of a resource page: rows, graphs (inferred marked), nesting, duplicates."""

from __future__ import annotations

from collections.abc import Sequence

import pyoxigraph as ox

from chava.config import Settings
from chava.describe import ResourceDescription
from chava.web.linking import Linker
from chava.web.resource_view import build_view
from tests.pages_support import ASSERTED, ID, INFERRED, LC

SCHEMA = "http://schema.org/"
FOAF = "http://xmlns.com/foaf/0.1/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SUBJECT = ox.NamedNode(ID + "initiative/x")


def quad(predicate: str, value: ox.NamedNode | ox.BlankNode | ox.Literal, graph: str) -> ox.Quad:
    return ox.Quad(SUBJECT, ox.NamedNode(predicate), value, ox.NamedNode(graph))


def describe(
    statements: Sequence[ox.Quad], incoming: Sequence[ox.Quad] = ()
) -> ResourceDescription:
    return ResourceDescription(
        iri=SUBJECT.value,
        statements=tuple(statements),
        incoming=tuple(incoming),
        incoming_total=len(incoming),
        incoming_page=1,
        incoming_next_page=None,
        labels={
            SUBJECT.value: {"fr": "X"},
            SCHEMA + "Project": {"en": "project"},
            FOAF + "Project": {"en": "project"},
            ID + "theme/a": {"fr": "Thème A"},
        },
        types={SUBJECT.value: (SCHEMA + "Project", FOAF + "Project")},
    )


def linker(language: str = "en") -> Linker:
    return Linker(Settings(), {}, language)


def test_values_only_in_the_main_graph_carry_no_badge() -> None:
    theme = ox.NamedNode(ID + "theme/a")
    description = describe(
        [
            quad(LC + "about", theme, ASSERTED),
            quad(LC + "about", ox.NamedNode(ID + "theme/b"), INFERRED),
            quad(SCHEMA + "name", ox.Literal("X", language="fr"), ASSERTED),
        ]
    )
    view = build_view(description, Linker(Settings(), description.labels, "en"))
    assert view.primary_graph is not None
    assert view.primary_graph.name == "asserted"
    assert view.has_inferred
    (about,) = [row for row in view.rows if row.predicate.iri == LC + "about"]
    marks = {value.link.iri: value.graphs for value in about.values if value.link}
    assert marks[ID + "theme/a"] == ()
    assert [mark.name for mark in marks[ID + "theme/b"]] == ["inferred"]
    assert marks[ID + "theme/b"][0].inferred


def test_two_types_with_the_same_label_show_their_compact_iris() -> None:
    description = describe(
        [
            quad(RDF_TYPE, ox.NamedNode(SCHEMA + "Project"), ASSERTED),
            quad(RDF_TYPE, ox.NamedNode(FOAF + "Project"), ASSERTED),
        ]
    )
    view = build_view(description, Linker(Settings(), description.labels, "en"))
    assert [link.text for link in view.types] == [
        "project (foaf:Project)",
        "project (schema:Project)",
    ]
    (types_row,) = view.rows
    assert {value.link.text for value in types_row.values if value.link} == {
        "project (foaf:Project)",
        "project (schema:Project)",
    }


def test_blank_nodes_nest_and_cycles_stop() -> None:
    point = ox.BlankNode("point")
    loop = ox.Quad(point, ox.NamedNode(SCHEMA + "itemReviewed"), point, ox.NamedNode(ASSERTED))
    description = describe(
        [
            quad(SCHEMA + "contactPoint", point, ASSERTED),
            ox.Quad(
                point,
                ox.NamedNode(SCHEMA + "email"),
                ox.Literal("a@example.org"),
                ox.NamedNode(ASSERTED),
            ),
            loop,
        ]
    )
    view = build_view(description, linker())
    (row,) = view.rows
    (value,) = row.values
    nested = {nested_row.predicate.iri: nested_row.values for nested_row in value.nested}
    assert nested[SCHEMA + "email"][0].text == "a@example.org"
    (cycle,) = nested[SCHEMA + "itemReviewed"]
    assert cycle.nested == ()  # the node itself again: not expanded twice


def test_literals_keep_language_and_datatype_and_page_language_comes_first() -> None:
    description = describe(
        [
            quad(SCHEMA + "name", ox.Literal("Nom", language="fr"), ASSERTED),
            quad(SCHEMA + "name", ox.Literal("Name", language="en"), ASSERTED),
            quad(
                SCHEMA + "startDate",
                ox.Literal(
                    "2020-09-01", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")
                ),
                ASSERTED,
            ),
        ]
    )
    view = build_view(description, linker("en"))
    rows = {row.predicate.iri: row.values for row in view.rows}
    assert [(value.text, value.language) for value in rows[SCHEMA + "name"]] == [
        ("Name", "en"),
        ("Nom", "fr"),
    ]
    (date,) = rows[SCHEMA + "startDate"]
    assert date.datatype is not None
    assert date.datatype.text == "date"


def test_incoming_links_are_grouped_by_property() -> None:
    other = ox.NamedNode(ID + "body/y")
    incoming = [ox.Quad(other, ox.NamedNode(LC + "partOf"), SUBJECT, ox.NamedNode(ASSERTED))]
    view = build_view(describe([], incoming), linker())
    (row,) = view.incoming
    assert row.predicate.iri == LC + "partOf"
    assert row.values[0].link is not None
    assert row.values[0].link.href == "/id/body/y?lang=en"
    assert (view.incoming_shown, view.incoming_total) == (1, 1)
