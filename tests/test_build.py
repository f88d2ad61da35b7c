"""Tests of `chava build`: validation gate, atomic swap, dumps, VoID/DCAT, dataset builds."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from chava import namespaces
from chava.building.build import build_dataset, build_publication, up_to_date_build
from chava.building.build_inputs import data_settings
from chava.building.builds import current_build
from chava.cli import cli
from chava.errors import LoadError, ValidationFailedError
from tests.publish_fixtures import DATA, publication_settings, write_publication

FIXTURES = Path(__file__).resolve().parent.parent.parent / "shared" / "fixtures"
DATASET = "https://w3id.org/chava/id/dataset/chava"
VOID = namespaces.VOID
TOOL_CLASS = "https://w3id.org/learning-city/def/core#Tool"
INVALID_DATA = DATA + f"<https://w3id.org/chava/id/tool/sans-nom> a <{TOOL_CLASS}> .\n"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


def _store(build_path: Path) -> ox.Store:
    return ox.Store.read_only(str(build_path / "store"))


def _value(store: ox.Store, subject: ox.NamedNode | ox.BlankNode, predicate: str) -> str:
    quads = list(store.quads_for_pattern(subject, ox.NamedNode(predicate), None, None))
    assert len(quads) == 1, quads
    value = quads[0].object
    assert not isinstance(value, ox.Triple)
    return value.value


def test_build_publishes_every_graph_and_points_current_at_it(tmp_path: Path) -> None:
    settings = publication_settings(write_publication(tmp_path))
    build = build_publication(settings)
    assert current_build(settings).build_id == build.build_id
    assert (settings.build_path / "current").is_symlink()
    graphs = build.manifest["graphs"]
    for name in ("asserted", "links", "ontology", "shapes", "metadata"):
        assert graphs[namespaces.GRAPH + name] > 0
    assert build.manifest["triples"] == sum(graphs.values())


def test_same_inputs_give_the_same_build_id(tmp_path: Path) -> None:
    settings = publication_settings(write_publication(tmp_path))
    first = build_publication(settings)
    assert build_publication(settings).build_id == first.build_id
    (tmp_path / "data" / "more.ttl").write_text(
        '<https://w3id.org/chava/id/org/x> <http://www.w3.org/2000/01/rdf-schema#label> "X" .\n'
    )
    assert build_publication(settings).build_id != first.build_id


def test_violations_are_refused_with_the_report(tmp_path: Path) -> None:
    settings = publication_settings(write_publication(tmp_path, data=INVALID_DATA))
    with pytest.raises(ValidationFailedError) as raised:
        build_publication(settings)
    assert "sans-nom" in str(raised.value)
    assert not (settings.build_path / "current").exists()


def test_allow_invalid_publishes_anyway(tmp_path: Path) -> None:
    settings = publication_settings(write_publication(tmp_path, data=INVALID_DATA))
    build = build_publication(settings, allow_invalid=True)
    assert current_build(settings).build_id == build.build_id


def test_cli_build_exits_1_with_the_report_and_0_with_allow_invalid(tmp_path: Path) -> None:
    write_publication(tmp_path, data=INVALID_DATA)
    runner = CliRunner()
    refused = runner.invoke(cli, ["--root", str(tmp_path), "build"])
    assert refused.exit_code == 1
    assert "sans-nom" in refused.output
    allowed = runner.invoke(cli, ["--root", str(tmp_path), "build", "--allow-invalid"])
    assert allowed.exit_code == 0, allowed.output
    assert "built " in allowed.output


def test_a_failing_build_leaves_the_current_build_untouched(tmp_path: Path) -> None:
    settings = publication_settings(write_publication(tmp_path))
    good = build_publication(settings)
    (tmp_path / "data" / "broken.ttl").write_text("<a> <b> .\n")
    with pytest.raises(LoadError, match=r"broken\.ttl:1"):
        build_publication(settings)
    (tmp_path / "data" / "broken.ttl").unlink()
    (tmp_path / "data" / "invalid.ttl").write_text(INVALID_DATA)
    with pytest.raises(ValidationFailedError):
        build_publication(settings)
    assert current_build(settings).build_id == good.build_id
    assert list((settings.build_path / "builds").iterdir()) == [good.path]


def test_older_builds_are_pruned_but_the_previous_one_is_kept(tmp_path: Path) -> None:
    settings = publication_settings(write_publication(tmp_path))
    ids = []
    for number in range(3):
        (tmp_path / "data" / "extra.ttl").write_text(
            f'<https://w3id.org/chava/id/org/x> <{LABEL}> "{number}" .\n'
        )
        ids.append(build_publication(settings).build_id)
    kept = sorted(path.name for path in (settings.build_path / "builds").iterdir())
    assert kept == sorted(ids[1:])


def test_dumps_have_the_size_and_sha256_the_manifest_and_dcat_say(tmp_path: Path) -> None:
    settings = publication_settings(write_publication(tmp_path))
    build = build_publication(settings)
    store = _store(build.path)
    names = [entry["name"] for entry in build.manifest["dumps"]]
    assert names == ["chava.nq.gz", "chava.trig", "chava.ttl", "chava.jsonld"]
    for entry in build.manifest["dumps"]:
        content = (build.dumps_path / entry["name"]).read_bytes()
        assert entry["byte_size"] == len(content)
        assert entry["sha256"] == hashlib.sha256(content).hexdigest()
        extension = {"chava.nq.gz": "nq"}.get(entry["name"], entry["name"].split(".")[-1])
        distribution = ox.NamedNode(f"{DATASET}/distribution/{extension}")
        assert _value(store, distribution, namespaces.DCAT + "byteSize") == str(len(content))
        checksum = next(
            iter(store.quads_for_pattern(distribution, ox.NamedNode(ox_spdx("checksum")), None))
        ).object
        assert isinstance(checksum, ox.BlankNode)
        assert _value(store, checksum, ox_spdx("checksumValue")) == entry["sha256"]
        assert _value(store, distribution, namespaces.DCAT + "downloadURL").endswith(
            "/dumps/" + entry["name"]
        )


def test_dumps_hold_every_graph_but_the_metadata(tmp_path: Path) -> None:
    settings = publication_settings(write_publication(tmp_path))
    build = build_publication(settings)
    with gzip.open(build.dumps_path / "chava.nq.gz") as stream:
        dumped = list(ox.parse(stream.read(), format=ox.RdfFormat.N_QUADS))
    graphs = {quad.graph_name.value for quad in dumped if isinstance(quad.graph_name, ox.NamedNode)}
    assert namespaces.GRAPH + "links" in graphs
    assert namespaces.GRAPH + "metadata" not in graphs
    trig = list(ox.parse(path=build.dumps_path / "chava.trig"))
    assert len(trig) == len(dumped)
    union = {quad.triple for quad in dumped}
    turtle = set(ox.parse(path=build.dumps_path / "chava.ttl"))
    assert len(turtle) == len(union)
    json_ld = list(ox.parse(path=build.dumps_path / "chava.jsonld"))
    assert len(json_ld) == len(dumped)


def test_void_counts_match_the_data(tmp_path: Path) -> None:
    settings = publication_settings(write_publication(tmp_path))
    build = build_publication(settings)
    store = _store(build.path)
    dataset = ox.NamedNode(DATASET)
    published = [
        quad
        for quad in store.quads_for_pattern(None, None, None, None)
        if quad.graph_name != ox.NamedNode(namespaces.METADATA_GRAPH)
    ]
    assert _value(store, dataset, VOID + "triples") == str(len({q.triple for q in published}))
    partitions = {
        _value(store, quad.object, VOID + "class"): int(
            _value(store, quad.object, VOID + "entities")
        )
        for quad in store.quads_for_pattern(dataset, ox.NamedNode(VOID + "classPartition"), None)
        if isinstance(quad.object, ox.BlankNode)
    }
    assert partitions["https://w3id.org/learning-city/def/core#Tool"] == 6
    properties = {
        _value(store, quad.object, VOID + "property"): int(
            _value(store, quad.object, VOID + "triples")
        )
        for quad in store.quads_for_pattern(dataset, ox.NamedNode(VOID + "propertyPartition"), None)
        if isinstance(quad.object, ox.BlankNode)
    }
    assert properties["https://w3id.org/learning-city/def/core#usedBy"] == 4
    linkset = ox.NamedNode(f"{DATASET}/linkset/www.wikidata.org/owl-sameAs")
    assert _value(store, linkset, VOID + "linkPredicate") == namespaces.OWL + "sameAs"
    assert _value(store, linkset, VOID + "triples") == "2"
    assert _value(store, dataset, VOID + "sparqlEndpoint") == "https://w3id.org/chava/sparql"
    titles = {
        quad.object.language
        for quad in store.quads_for_pattern(
            dataset, ox.NamedNode(namespaces.DCTERMS + "title"), None
        )
        if isinstance(quad.object, ox.Literal)
    }
    assert titles == {"fr", "en"}
    graph = ox.NamedNode(namespaces.GRAPH + "links")
    assert _value(store, graph, VOID + "triples") == "3"


def test_the_data_own_dataset_statements_win_over_the_defaults(tmp_path: Path) -> None:
    own = DATA + f'<{DATASET}> <{namespaces.DCTERMS}title> "Nos données"@fr .\n'
    settings = publication_settings(write_publication(tmp_path, data=own))
    store = _store(build_publication(settings).path)
    assert _value(store, ox.NamedNode(DATASET), namespaces.DCTERMS + "title") == "Nos données"


def test_dataset_build_keeps_named_graphs_in_its_own_folder(tmp_path: Path) -> None:
    settings = publication_settings(tmp_path)
    fixture = FIXTURES / "w3c-protocol-dataset.nq"
    build = build_dataset(settings, [fixture], validate=False)
    assert build.path.parent.parent.name.startswith("data-")
    assert "http://kasei.us/2009/09/sparql/data/data1.rdf" in build.manifest["graphs"]
    assert up_to_date_build(settings, [fixture]) == build
    assert current_build(data_settings(settings, [fixture])).build_id == build.build_id


def test_the_build_description_adds_no_table_file_to_the_store(tmp_path: Path) -> None:
    # The store holds the table files of one bulk load (a second set, for the few metadata
    # statements, would be read by every lookup): the metadata graph is in its write-ahead log,
    # which reading the store read-only replays.
    settings = publication_settings(tmp_path)
    fixture = FIXTURES / "w3c-protocol-dataset.nq"
    build = build_dataset(settings, [fixture], validate=False)
    alone = ox.Store(str(tmp_path / "alone"))
    alone.bulk_load(path=str(fixture), format=ox.RdfFormat.N_QUADS)
    del alone
    tables = sorted(path.name for path in (build.path / "store").glob("*.sst"))
    assert len(tables) == len(list((tmp_path / "alone").glob("*.sst")))
    metadata = ox.NamedNode(build.manifest["metadata_graph"])
    described = sum(1 for _ in _store(build.path).quads_for_pattern(None, None, None, metadata))
    assert described == build.manifest["graphs"][metadata.value] > 0


def test_dataset_triples_go_to_the_configured_default_graph(tmp_path: Path) -> None:
    source = tmp_path / "plain.nt"
    source.write_text("<http://example.org/a> <http://example.org/p> <http://example.org/b> .\n")
    settings = publication_settings(tmp_path, data_default_graph="http://example.org/graph")
    build = build_dataset(settings, [source], validate=False)
    assert build.manifest["graphs"]["http://example.org/graph"] == 1
    plain = build_dataset(publication_settings(tmp_path / "other"), [source], validate=False)
    assert plain.manifest["graphs"][""] == 1


def test_dataset_syntax_errors_name_the_file_and_line(tmp_path: Path) -> None:
    source = tmp_path / "bad.nq"
    source.write_text("<http://example.org/a> <http://example.org/p> .\n")
    with pytest.raises(LoadError, match=r"bad\.nq:1"):
        build_dataset(publication_settings(tmp_path), [source], validate=False)


def test_sources_changed_means_not_up_to_date(tmp_path: Path) -> None:
    settings = publication_settings(write_publication(tmp_path))
    assert up_to_date_build(settings) is None
    build = build_publication(settings)
    assert up_to_date_build(settings) == build
    (tmp_path / "data" / "data.ttl").write_text(DATA + "\n# changed\n")
    assert up_to_date_build(settings) is None
    manifest = json.loads((build.path / "manifest.json").read_text())
    assert manifest["sources"][0]["path"].endswith(".ttl")


def ox_spdx(local: str) -> str:
    return "http://spdx.org/rdf/terms#" + local


def test_bundled_description_states_the_default_license_and_no_invented_publisher(
    tmp_path: Path,
) -> None:
    settings = publication_settings(write_publication(tmp_path))
    store = _store(build_publication(settings).path)
    dataset = ox.NamedNode(DATASET)
    license_iri = _value(store, dataset, namespaces.DCTERMS + "license")
    assert license_iri == "https://creativecommons.org/licenses/by/4.0/"
    publisher = ox.NamedNode(namespaces.DCTERMS + "publisher")
    assert not list(store.quads_for_pattern(dataset, publisher, None, None))
    titles = {
        quad.object.value
        for quad in store.quads_for_pattern(
            dataset, ox.NamedNode(namespaces.DCTERMS + "title"), None, None
        )
        if isinstance(quad.object, ox.Literal)
    }
    assert titles == {"Données liées publiées avec chava", "Linked data published with chava"}


def test_the_data_s_own_description_of_the_dataset_wins(tmp_path: Path) -> None:
    """Title, description and publisher said in the data's metadata graph are the dataset's."""
    root = write_publication(tmp_path)
    (root / "data" / "dataset.trig").write_text(
        f"""GRAPH <{namespaces.GRAPH}metadata> {{
<{DATASET}> <{namespaces.DCTERMS}title> "Järvilinna"@fi ;
    <{namespaces.DCTERMS}publisher> <https://w3id.org/chava/id/agent/city> .
}}""",
        encoding="utf-8",
    )
    build = build_publication(publication_settings(root))
    store = _store(build.path)
    dataset = ox.NamedNode(DATASET)
    assert _value(store, dataset, namespaces.DCTERMS + "title") == "Järvilinna"
    publisher = _value(store, dataset, namespaces.DCTERMS + "publisher")
    assert publisher == "https://w3id.org/chava/id/agent/city"
    metadata = ox.NamedNode(namespaces.GRAPH + "metadata")
    counted = sum(1 for _ in store.quads_for_pattern(None, None, None, metadata))
    assert build.manifest["graphs"][metadata.value] == counted


def test_a_dataset_under_another_base_iri_is_still_validated(tmp_path: Path) -> None:
    """Regression: with `data_base_iri` moved, `build --data` skipped validation silently."""
    root = write_publication(tmp_path / "root")
    settings = publication_settings(root, data_base_iri="https://city.example.org/")
    source = tmp_path / "partner.ttl"
    source.write_text(f"<https://city.example.org/id/tool/sans-nom> a <{TOOL_CLASS}> .\n")
    with pytest.raises(ValidationFailedError) as raised:
        build_dataset(settings, [source])
    assert "sans-nom" in str(raised.value)
