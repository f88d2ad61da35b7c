"""Build speed: both stores loaded at once, the Turtle union graph by graph, inputs read once."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

import chava.building.build
from chava.building.build import build_dataset
from chava.building.build_check import graph_counts, open_verified
from chava.building.dataset_description import DatasetTotals, dataset_totals, distinct_triples
from chava.building.dumps import GZIP_LEVEL, write_dumps
from chava.errors import LoadError
from tests.publish_fixtures import publication_settings

EX = "http://example.org/"


def _document(lines: int) -> bytes:
    """N-Quads with a blank node on the first and the last line, blank nodes shared by many
    lines, default-graph statements, and a literal holding an escaped line end."""
    rows = [f'_:shared <{EX}p> "first line \\n still a literal" <{EX}g1> .']
    for number in range(lines):
        graph = f" <{EX}g{number % 3}>" if number % 4 else ""
        rows.append(f"<{EX}s{number}> <{EX}p> _:b{number % 7}{graph} .")
    rows.append(f"_:shared <{EX}q> <{EX}o> <{EX}g2> .")
    return ("\n".join(rows) + "\n").encode()


def test_the_store_on_disk_keeps_a_document_s_blank_nodes_whole(tmp_path: Path) -> None:
    source = tmp_path / "data.nq"
    source.write_bytes(_document(3000))
    build = build_dataset(publication_settings(tmp_path / "site"), [source], validate=False)
    store = ox.Store.read_only(str(build.store_path))
    last = next(iter(store.quads_for_pattern(None, ox.NamedNode(EX + "q"), None, None)))
    shared = list(store.quads_for_pattern(last.subject, None, None, None))
    assert len(shared) == 2  # the first and the last line: one blank node
    objects = {quad.object for quad in store.quads_for_pattern(None, ox.NamedNode(EX + "p"), None)}
    assert sum(isinstance(term, ox.BlankNode) for term in objects) == 7
    assert len(store) == 3002 + build.manifest["graphs"][build.manifest["metadata_graph"]]


def _turtle_statements(path: Path) -> list[ox.Quad]:
    return list(ox.parse(path=path))


def test_the_turtle_union_of_disjoint_graphs_is_written_graph_by_graph(tmp_path: Path) -> None:
    store = ox.Store()
    store.bulk_load(_document(40), format=ox.RdfFormat.N_QUADS)
    dumps = {dump.kind.name: dump for dump in write_dumps(store, tmp_path, disjoint=lambda: True)}
    written = _turtle_statements(dumps["chava.ttl"].path)
    assert len(written) == len(store)  # the default graph's triples too
    assert {quad.triple for quad in written} == {quad.triple for quad in store}
    assert dumps["chava.ttl"].path.read_text().count("@prefix rdf:") > 1  # once per graph


def test_a_triple_in_two_graphs_is_written_once_in_the_turtle_union(tmp_path: Path) -> None:
    store = ox.Store()
    store.bulk_load(_document(40), format=ox.RdfFormat.N_QUADS)
    twice = next(iter(store.quads_for_pattern(ox.NamedNode(EX + "s1"), None, None, None)))
    store.add(ox.Quad(twice.subject, twice.predicate, twice.object, ox.NamedNode(EX + "other")))
    dumps = {dump.kind.name: dump for dump in write_dumps(store, tmp_path, disjoint=lambda: False)}
    written = _turtle_statements(dumps["chava.ttl"].path)
    assert len(written) == len(set(written)) == len(store) - 1


def test_a_build_writes_the_turtle_union_each_triple_once_either_way(tmp_path: Path) -> None:
    disjoint = tmp_path / "disjoint.nq"
    disjoint.write_bytes(_document(40))
    overlapping = tmp_path / "overlapping.nq"
    overlapping.write_bytes(_document(40) + f"<{EX}s1> <{EX}p> _:b1 <{EX}other> .\n".encode())
    for number, source in enumerate((disjoint, overlapping)):
        settings = publication_settings(tmp_path / f"site{number}")
        build = build_dataset(settings, [source], validate=False)
        written = _turtle_statements(build.dumps_path / "chava.ttl")
        assert len(written) == len(set(written)) == build.manifest["distinct_triples"]
        assert open_verified(build, thorough=True) is not None


def _one_count(store: ox.Store, query: str) -> int:
    solutions = store.query(query, use_default_graph_as_union=True)
    assert isinstance(solutions, ox.QuerySolutions)
    return int(next(iter(solutions))["n"].value)


_NAMED = "".join(
    f"<{EX}s{n}> <{EX}p> _:b{n % 7} <{EX}g{n % 3}> .\n<{EX}s{n}> <{EX}q> <{EX}o> <{EX}g{n % 3}> .\n"
    for n in range(30)
) + (f'_:x <{EX}p> "blank subject" <{EX}g1> .\n')


@pytest.mark.parametrize(
    ("extra", "counted_distinct"),
    [
        ("", False),  # no subject in two graphs: the quads are the distinct triples
        (f"<{EX}s1> <{EX}q> <{EX}o> <{EX}other> .\n", True),  # one triple in two graphs
        (f"<{EX}s1> <{EX}r> <{EX}o> <{EX}other> .\n", True),  # a subject in two graphs
        (f'_:x <{EX}p> "blank subject" <{EX}g2> .\n', True),  # a blank node in two
        (f"<{EX}s1> <{EX}q> <{EX}o> .\n<{EX}t> <{EX}p> <{EX}o> .\n", True),  # default graph
    ],
)
def test_the_dataset_totals_are_the_distinct_triples_and_subjects(
    extra: str, counted_distinct: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = ox.Store()
    store.bulk_load((_NAMED + extra).encode(), format=ox.RdfFormat.N_QUADS)
    expected = DatasetTotals(
        distinct_triples(store),
        _one_count(store, "SELECT (COUNT(DISTINCT ?s) AS ?n) { ?s ?p ?o FILTER(isIRI(?s)) }"),
    )
    calls: list[object] = []

    def counted(view: ox.Store) -> int:
        calls.append(view)
        return distinct_triples(view)

    monkeypatch.setattr("chava.building.dataset_description.distinct_triples", counted)
    assert dataset_totals(store, graph_counts(store)) == expected
    assert bool(calls) is counted_distinct  # the costlier count only when it may differ
    assert dataset_totals(ox.Store(), {}) == DatasetTotals(0, 0)


def test_a_dataset_file_is_read_once_for_its_id_and_its_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "data.nq"
    source.write_bytes(_document(40))
    reads: list[Path] = []
    read_bytes = chava.building.build.read_bytes  # type: ignore[attr-defined]

    def counted(path: Path) -> Any:
        reads.append(path)
        return read_bytes(path)

    def never(path: Path) -> Any:
        raise AssertionError(f"{path} hashed in a second read")

    monkeypatch.setattr("chava.building.build.read_bytes", counted)
    monkeypatch.setattr("chava.building.build.read_digest", never)
    monkeypatch.setattr("chava.loading.rdf_input.read_bytes", never)
    build = build_dataset(publication_settings(tmp_path / "site"), [source], validate=False)
    assert reads == [source]
    assert len(ox.Store.read_only(str(build.store_path))) > 40


def test_a_syntax_error_in_a_big_dataset_names_its_line(tmp_path: Path) -> None:
    rows = _document(200).decode().splitlines()
    rows[150] = f"<{EX}broken> <{EX}p> ."
    source = tmp_path / "bad.nq"
    source.write_text("\n".join(rows) + "\n")
    with pytest.raises(LoadError, match=r"bad\.nq:151"):
        build_dataset(publication_settings(tmp_path / "site"), [source], validate=False)


def test_graphs_counted_on_threads_are_counted_as_by_one_query() -> None:
    store = ox.Store()
    store.bulk_load(_document(60), format=ox.RdfFormat.N_QUADS)
    store.add_graph(ox.NamedNode(EX + "empty"))  # a graph with no quad is not listed
    by_one_query = graph_counts(store)
    assert by_one_query[""] > 0
    assert len(by_one_query) == 4
    assert graph_counts(store, threads=2) == by_one_query
    # A graph named by a blank node: the one grouping query counts it.
    store.add(
        ox.Quad(ox.NamedNode(EX + "s"), ox.NamedNode(EX + "p"), ox.Literal("x"), ox.BlankNode())
    )
    assert graph_counts(store, threads=2) == graph_counts(store)
    assert len(graph_counts(store)) == 5


def test_the_n_quads_dump_is_deflated_at_the_documented_level(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = ox.Store()
    store.bulk_load(_document(400), format=ox.RdfFormat.N_QUADS)
    levels: list[object] = []
    gzip_file = gzip.GzipFile

    def recorded(*args: Any, **kwargs: Any) -> gzip.GzipFile:
        levels.append(kwargs["compresslevel"])
        return gzip_file(*args, **kwargs)

    monkeypatch.setattr("chava.building.dumps.gzip.GzipFile", recorded)
    first = write_dumps(store, tmp_path / "first", disjoint=lambda: True)
    second = write_dumps(store, tmp_path / "second", disjoint=lambda: True)
    assert GZIP_LEVEL == 3  # docs/benchmarks.md gives the size and time of each level
    assert levels == [GZIP_LEVEL, GZIP_LEVEL]
    compressed = [dump.path.read_bytes() for dump in (first[0], second[0])]
    assert first[0].kind.name == "chava.nq.gz"
    assert compressed[0] == compressed[1]  # the same bytes (and SHA-256) for the same data
    assert len(list(ox.parse(gzip.decompress(compressed[0]), format=ox.RdfFormat.N_QUADS))) == len(
        store
    )
