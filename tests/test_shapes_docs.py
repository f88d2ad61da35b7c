"""The shapes documentation model: targets, paths, cardinalities, constraints, severities."""

from __future__ import annotations

from pathlib import Path

import pytest

from chava import namespaces
from chava.building.builds import Build
from chava.config import Settings
from chava.docs.graph_index import Value
from chava.docs.shapes_docs import Constraint, ShapesDoc, document_shapes
from chava.stores.store import PublishedStore
from tests.pages_support import LC, memory_store

SH = namespaces.SH


@pytest.fixture
def doc(tmp_path: Path) -> ShapesDoc:
    return document_shapes(memory_store(tmp_path))


def test_node_shape_has_its_target_names_and_default_severity(doc: ShapesDoc) -> None:
    (shape,) = doc.shapes
    assert shape.anchor == "ToolShape"
    assert shape.names == {"fr": "Forme des outils", "en": "Tool shape"}
    assert shape.descriptions["en"] == "What a tool must have."
    assert shape.targets == ((SH + "targetClass", Value(iri=LC + "Tool")),)
    assert shape.severity == "Violation"


@pytest.mark.parametrize(
    ("position", "path", "cardinality", "constraints", "severity"),
    [
        (
            0,
            "rdfs:label",
            (1, None),
            [
                Constraint(
                    SH + "uniqueLang", (Value(text="true", datatype=namespaces.XSD + "boolean"),)
                ),
                Constraint(SH + "languageIn", (Value(text="fr"), Value(text="en"))),
            ],
            "Violation",
        ),
        (
            1,
            "lc:about",
            (None, None),
            [Constraint(SH + "class", (Value(iri=LC + "Theme"),))],
            "Warning",
        ),
        (2, "^lc:about", (None, 0), [], "Violation"),
        (
            3,
            "(lc:about/skos:related)",
            (None, None),
            [Constraint(SH + "nodeKind", (Value(iri=SH + "IRI"),))],
            "Violation",
        ),
    ],
)
def test_property_shapes_say_what_they_require(
    doc: ShapesDoc,
    position: int,
    path: str,
    cardinality: tuple[int | None, int | None],
    constraints: list[Constraint],
    severity: str,
) -> None:
    prop = doc.shapes[0].properties[position]  # in sh:order
    assert prop.path == path
    assert (prop.min_count, prop.max_count) == cardinality
    assert sorted(prop.constraints, key=repr) == sorted(constraints, key=repr)
    assert prop.severity == severity


def test_messages_are_kept_per_language(doc: ShapesDoc) -> None:
    label_shape = doc.shapes[0].properties[0]
    assert label_shape.messages == {"fr": "Un libellé est requis", "en": "A label is required"}


def test_labels_cover_targets_and_paths(doc: ShapesDoc) -> None:
    assert doc.labels[LC + "Tool"] == {"fr": "Outil", "en": "Tool"}
    assert doc.labels[LC + "about"]["en"] == "about"


def test_bundled_shapes_are_all_documented(bundled_build: tuple[Settings, Build]) -> None:
    _, build = bundled_build
    doc = document_shapes(PublishedStore(build))
    for shape in doc.shapes:
        assert shape.targets or shape.iri is None or shape.properties, shape.iri
        for prop in shape.properties:
            assert prop.path != "?", shape.iri
