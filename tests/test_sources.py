"""The RDF loader: file types, folders, named graphs, precise errors, nothing fetched."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from chava import namespaces
from chava.errors import LoadError, RemoteImportError, UnsupportedFormatError
from chava.loading.sources import (
    IMPORTS_GRAPH,
    collect_files,
    load_files,
    load_publication,
    parse_file,
    rdf_format_of,
)

EX = "http://example.org/"
TURTLE = f"@prefix ex: <{EX}> .\nex:a ex:p ex:b .\n"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Make every outgoing connection fail loudly, and record the attempts."""
    attempts: list[Any] = []

    def refuse(*args: Any, **kwargs: Any) -> None:
        attempts.append(args)
        raise AssertionError(f"network access attempted: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a.ttl", ox.RdfFormat.TURTLE),
        ("a.trig", ox.RdfFormat.TRIG),
        ("a.nt", ox.RdfFormat.N_TRIPLES),
        ("a.nq", ox.RdfFormat.N_QUADS),
        ("a.jsonld", ox.RdfFormat.JSON_LD),
        ("a.rdf", ox.RdfFormat.RDF_XML),
        ("a.owl", ox.RdfFormat.RDF_XML),
        ("A.TTL", ox.RdfFormat.TURTLE),
    ],
)
def test_rdf_format_follows_the_suffix(name: str, expected: ox.RdfFormat) -> None:
    assert rdf_format_of(Path(name)) == expected


@pytest.mark.parametrize("name", ["notes.txt", "data.json", "Makefile", "data.csv"])
def test_unknown_file_type_is_refused_with_the_known_ones(name: str) -> None:
    with pytest.raises(UnsupportedFormatError) as caught:
        rdf_format_of(Path(name))
    assert str(caught.value).startswith(f"{name}: unknown RDF file type")
    assert ".ttl" in str(caught.value)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("a.ttl", TURTLE),
        ("a.trig", f"@prefix ex: <{EX}> .\nex:g {{ ex:a ex:p ex:b }}\n"),
        ("a.nt", f"<{EX}a> <{EX}p> <{EX}b> .\n"),
        ("a.nq", f"<{EX}a> <{EX}p> <{EX}b> <{EX}g> .\n"),
        ("a.jsonld", f'{{"@id": "{EX}a", "{EX}p": {{"@id": "{EX}b"}}}}'),
        (
            "a.rdf",
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            f'xmlns:ex="{EX}"><rdf:Description rdf:about="{EX}a">'
            f'<ex:p rdf:resource="{EX}b"/></rdf:Description></rdf:RDF>',
        ),
    ],
)
def test_every_supported_syntax_parses(tmp_path: Path, name: str, text: str) -> None:
    (quad,) = parse_file(write(tmp_path / name, text))
    assert (quad.subject, quad.predicate, quad.object) == (
        ox.NamedNode(EX + "a"),
        ox.NamedNode(EX + "p"),
        ox.NamedNode(EX + "b"),
    )


def test_folders_expand_recursively_sorted_and_skip_other_files(tmp_path: Path) -> None:
    write(tmp_path / "b.ttl", TURTLE)
    write(tmp_path / "a.nt", f"<{EX}a> <{EX}p> <{EX}b> .\n")
    write(tmp_path / "sub" / "c.trig", TURTLE)
    write(tmp_path / "README.md", "not RDF")
    assert collect_files([tmp_path]) == [
        tmp_path / "a.nt",
        tmp_path / "b.ttl",
        tmp_path / "sub" / "c.trig",
    ]


def test_missing_file_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "nope.ttl"
    with pytest.raises(LoadError) as caught:
        collect_files([missing])
    assert str(caught.value) == f"{missing}: no such file or folder"


def test_file_of_unknown_type_given_explicitly_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "data.csv", "a,b\n")
    with pytest.raises(UnsupportedFormatError):
        collect_files([path])


@pytest.mark.parametrize(
    ("name", "text", "line", "column"),
    [
        ("bad.ttl", f'@prefix ex: <{EX}> .\n\nex:a ex:b "unterminated .\n', 3, 11),
        ("bad.nt", f'<{EX}a> <{EX}p> "a" .\n<{EX}b> <{EX}p> .\n', 2, None),
        ("bad.jsonld", '{"@id": "http://example.org/a", "http://example.org/p": [1, }', 1, None),
    ],
)
def test_syntax_error_names_file_line_and_column(
    tmp_path: Path, name: str, text: str, line: int, column: int | None
) -> None:
    path = write(tmp_path / name, text)
    with pytest.raises(LoadError) as caught:
        parse_file(path)
    error = caught.value
    assert error.line == line
    if column is not None:
        assert error.column == column
    assert str(error).startswith(f"{path}:{line}:")
    assert "\n" not in str(error)
    assert not str(error).startswith(f"{path}:{line}:{error.column}: Parser error")


def test_remote_owl_imports_is_refused_and_nothing_fetched(
    tmp_path: Path, no_network: list[Any]
) -> None:
    path = write(
        tmp_path / "onto.ttl",
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "<http://example.org/o> a owl:Ontology ;\n"
        "    owl:imports <http://www.w3.org/ns/org#> .\n",
    )
    with pytest.raises(RemoteImportError) as caught:
        load_files([path])
    assert str(caught.value).startswith(
        f"{path}:3: owl:imports <http://www.w3.org/ns/org#> refused"
    )
    assert no_network == []


def test_local_owl_imports_is_kept_and_not_followed(tmp_path: Path, no_network: list[Any]) -> None:
    path = write(
        tmp_path / "onto.ttl",
        "<http://example.org/o> <http://www.w3.org/2002/07/owl#imports> <urn:example:local> .\n",
    )
    assert len(load_files([path]).quads) == 1
    assert no_network == []


def test_remote_json_ld_context_is_refused_and_nothing_fetched(
    tmp_path: Path, no_network: list[Any]
) -> None:
    path = write(
        tmp_path / "partner.jsonld",
        '{\n  "@context": "https://vocab.example.org/context",\n  "@id": "http://example.org/a",\n'
        '  "name": "A"\n}\n',
    )
    with pytest.raises(RemoteImportError) as caught:
        load_files([path])
    assert str(caught.value).startswith(
        f"{path}:2: remote JSON-LD @context <https://vocab.example.org/context> refused"
    )
    assert no_network == []


def test_trig_named_graphs_are_kept_and_default_triples_go_to_the_default_graph(
    tmp_path: Path,
) -> None:
    path = write(
        tmp_path / "mixed.trig",
        f"@prefix ex: <{EX}> .\nex:a ex:p ex:b .\nex:g {{ ex:c ex:p ex:d }}\n",
    )
    quads = parse_file(path, default_graph=EX + "default")
    assert {quad.graph_name for quad in quads} == {
        ox.NamedNode(EX + "default"),
        ox.NamedNode(EX + "g"),
    }


def test_without_a_default_graph_triples_stay_in_the_default_graph(tmp_path: Path) -> None:
    publication = load_files([write(tmp_path / "a.ttl", TURTLE)])
    assert publication.quads[0].graph_name == ox.DefaultGraph()
    assert publication.graphs() == []


def test_publication_folders_go_to_their_named_graphs(tmp_path: Path) -> None:
    write(tmp_path / "ontology" / "core.ttl", f"<{EX}Class> a <{EX}C> .\n")
    write(tmp_path / "ontology" / "imports" / "org.ttl", f"<{EX}Org> a <{EX}C> .\n")
    write(tmp_path / "shapes" / "shapes.ttl", f"<{EX}Shape> a <{EX}S> .\n")
    write(tmp_path / "data" / "things.ttl", f"<{EX}thing> a <{EX}Class> .\n")
    write(
        tmp_path / "data" / "inferred.trig",
        f"<{namespaces.INFERRED_GRAPH}> {{ <{EX}thing> <{EX}p> <{EX}x> }}\n",
    )
    publication = load_publication(tmp_path)
    placed = {(quad.subject, quad.graph_name) for quad in publication.quads}
    assert placed == {
        (ox.NamedNode(EX + "Class"), ox.NamedNode(namespaces.ONTOLOGY_GRAPH)),
        (ox.NamedNode(EX + "Org"), ox.NamedNode(IMPORTS_GRAPH)),
        (ox.NamedNode(EX + "Shape"), ox.NamedNode(namespaces.SHAPES_GRAPH)),
        (ox.NamedNode(EX + "thing"), ox.NamedNode(namespaces.ASSERTED_GRAPH)),
        (ox.NamedNode(EX + "thing"), ox.NamedNode(namespaces.INFERRED_GRAPH)),
    }
    assert set(publication.graphs()) == {
        namespaces.ONTOLOGY_GRAPH,
        IMPORTS_GRAPH,
        namespaces.SHAPES_GRAPH,
        namespaces.ASSERTED_GRAPH,
        namespaces.INFERRED_GRAPH,
    }
    assert len(publication.graph(namespaces.INFERRED_GRAPH)) == 1
    # data/ files are read in sorted order: inferred.trig comes before things.ttl.
    assert publication.origins[ox.NamedNode(EX + "thing")] == tmp_path / "data" / "inferred.trig"


def test_a_root_without_the_publication_folders_is_refused(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    with pytest.raises(LoadError) as caught:
        load_publication(tmp_path)
    assert str(caught.value) == (
        f"{tmp_path}: not a publication root: missing folder(s) ontology, shapes"
    )


def test_origins_name_the_file_saying_the_most_about_each_subject(tmp_path: Path) -> None:
    """Regression: a file adding one inferred fact used to be named as where a tool is."""
    write(tmp_path / "a-inferred.ttl", f"<{EX}tool> <{EX}kind> <{EX}book> .\n")
    defined = write(
        tmp_path / "b-tools.ttl",
        f'<{EX}tool> a <{EX}Tool> ; <{EX}label> "Tool" ; <{EX}source> <{EX}seed> .\n',
    )
    assert load_files([tmp_path]).origins[ox.NamedNode(EX + "tool")] == defined


def test_origins_name_the_first_file_on_a_tie(tmp_path: Path) -> None:
    first = write(tmp_path / "a.ttl", f"<{EX}x> <{EX}p> 1 .\n")
    write(tmp_path / "b.ttl", f"<{EX}x> <{EX}p> 2 .\n<{EX}y> <{EX}p> 3 .\n")
    publication = load_files([tmp_path])
    assert publication.files == (first, tmp_path / "b.ttl")
    assert publication.origins[ox.NamedNode(EX + "x")] == first
    assert publication.origins[ox.NamedNode(EX + "y")] == tmp_path / "b.ttl"


def test_blank_node_labels_are_scoped_to_their_file(tmp_path: Path) -> None:
    """Regression: `_:b1` in two files used to become one node, merging unrelated data."""
    write(tmp_path / "a.ttl", f'_:b1 <{EX}name> "A" .\n')
    write(tmp_path / "b.ttl", f'_:b1 <{EX}name> "B" .\n_:b1 <{EX}age> 3 .\n')
    publication = load_files([tmp_path])
    subjects = [quad.subject for quad in publication.quads]
    assert subjects[0] != subjects[1]
    assert subjects[1] == subjects[2]
    assert publication.origins[subjects[1]] == tmp_path / "b.ttl"
