"""The synthetic dataset generator (`chava.generate`, `chava generate`)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from chava import namespaces
from chava.cli import cli
from chava.errors import ConfigError
from chava.generate import SIZES, cities_for_size, generate_chunks, write_dataset
from chava.generate.nquads import literal
from chava.generate.vocabulary import KEY_FEATURE_BASE, KEY_FEATURE_SLUGS
from chava.loading.sources import load_files, load_publication
from chava.validation.validate import validate_publication

STANDARD_NAMESPACES = (
    namespaces.RDF,
    namespaces.RDFS,
    namespaces.OWL,
    namespaces.XSD,
    namespaces.SKOS,
    namespaces.ORG,
    namespaces.SCHEMA,
    namespaces.FOAF,
    namespaces.DCTERMS,
    namespaces.PROV,
    namespaces.TIME,
)
RDF_TYPE = ox.NamedNode(namespaces.RDF + "type")


def parse(text: str) -> list[ox.Quad]:
    return list(ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_QUADS))


def subjects_defined_in(paths: list[Path]) -> set[str]:
    defined: set[str] = set()
    for path in paths:
        for quad in ox.parse(path=path):
            if isinstance(quad.subject, ox.NamedNode):
                defined.add(quad.subject.value)
    return defined


def test_same_seed_gives_the_same_bytes(tmp_path: Path) -> None:
    for name in ("a.nq", "b.nq", "a.nq.gz", "b.nq.gz"):
        write_dataset(tmp_path / name, cities=3, seed=7)
    assert (tmp_path / "a.nq").read_bytes() == (tmp_path / "b.nq").read_bytes()
    assert (tmp_path / "a.nq.gz").read_bytes() == (tmp_path / "b.nq.gz").read_bytes()
    unzipped = gzip.decompress((tmp_path / "a.nq.gz").read_bytes())
    assert unzipped == (tmp_path / "a.nq").read_bytes()


def test_another_seed_gives_other_cities() -> None:
    assert "".join(generate_chunks(cities=2, seed=1)) != "".join(generate_chunks(cities=2, seed=2))


def test_a_smaller_dataset_is_a_prefix_of_a_larger_one() -> None:
    small = "".join(generate_chunks(cities=2, seed=3))
    large = "".join(generate_chunks(cities=5, seed=3))
    assert large.startswith(small)


@pytest.mark.parametrize("size", list(SIZES))
def test_sizes_are_within_ten_percent(size: str) -> None:
    statements = sum(
        chunk.count("\n") for chunk in generate_chunks(cities=cities_for_size(size), seed=1)
    )
    assert abs(statements - SIZES[size]) <= 0.1 * SIZES[size]


def test_output_is_valid_n_quads_with_one_named_graph_per_city() -> None:
    text = "".join(generate_chunks(cities=3, seed=1))
    quads = parse(text)
    assert len(quads) == text.count("\n")
    graphs = {quad.graph_name.value for quad in quads if isinstance(quad.graph_name, ox.NamedNode)}
    assert len(graphs) == 4  # the shared graph and one per city
    assert all(isinstance(quad.graph_name, ox.NamedNode) for quad in quads)


def test_iris_follow_the_base_iri_layout() -> None:
    base = "http://bench.example.org/lc/"
    quads = parse("".join(generate_chunks(cities=1, base_iri=base)))
    minted = {
        term.value
        for quad in quads
        for term in (quad.subject, quad.object)
        if isinstance(term, ox.NamedNode) and term.value.startswith(base)
    }
    assert minted
    assert all(iri.startswith((base + "id/", base + "graph/")) for iri in minted)


def test_literal_escaping_round_trips() -> None:
    tricky = 'a "quoted" back\\slash\nnew line\r and « guillemets »'
    line = f"<http://example.org/s> <http://example.org/p> {literal(tricky, 'fr')} .\n"
    (quad,) = parse(line)
    assert quad.object == ox.Literal(tricky, language="fr")


def test_contacts_are_obviously_synthetic() -> None:
    quads = parse("".join(generate_chunks(cities=2)))
    emails = [
        quad.object.value
        for quad in quads
        if quad.predicate.value.endswith("email") and isinstance(quad.object, ox.Literal)
    ]
    assert emails
    assert all(email.endswith(".example.org") for email in emails)
    assert not any(quad.predicate.value.endswith("telephone") for quad in quads)


def test_uses_only_defined_or_standard_terms(project_root: Path) -> None:
    quads = parse("".join(generate_chunks(cities=2)))
    terms = {quad.predicate.value for quad in quads} | {
        quad.object.value
        for quad in quads
        if quad.predicate == RDF_TYPE and isinstance(quad.object, ox.NamedNode)
    }
    core = subjects_defined_in([project_root / "ontology" / "core.ttl"])
    lc_terms = {term for term in terms if term.startswith(namespaces.LC)}
    assert lc_terms
    assert lc_terms <= core
    others = terms - lc_terms
    assert all(term.startswith(STANDARD_NAMESPACES) for term in others), sorted(others)


def test_key_features_are_the_bundled_shared_concepts(project_root: Path) -> None:
    defined = subjects_defined_in([project_root / "ontology" / "reference" / "key-features.ttl"])
    assert {KEY_FEATURE_BASE + slug for slug in KEY_FEATURE_SLUGS} <= defined


@pytest.mark.slow
def test_a_generated_sample_passes_the_shapes(project_root: Path, tmp_path: Path) -> None:
    sample = tmp_path / "sample.nq"
    write_dataset(sample, cities=2, seed=5)
    report = validate_publication(load_files([sample]), shapes=load_publication(project_root))
    assert [result for result in report.results if result.severity == "Violation"] == []
    assert report.conforms
    assert report.results == ()  # not even a warning


def test_bad_arguments_are_config_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="at least 1"):
        write_dataset(tmp_path / "x.nq", cities=0)
    with pytest.raises(ConfigError, match="base IRI"):
        write_dataset(tmp_path / "x.nq", cities=1, base_iri="https://example.org/no-slash")
    with pytest.raises(ConfigError, match="unknown size"):
        cities_for_size("5k")


def test_cli_writes_the_dataset(tmp_path: Path) -> None:
    output = tmp_path / "data.nq.gz"
    result = CliRunner().invoke(
        cli, ["generate", "--cities", "2", "--seed", "4", "-o", str(output)]
    )
    assert result.exit_code == 0, result.output
    assert "2 cities" in result.output
    text = gzip.decompress(output.read_bytes()).decode("utf-8")
    assert text == "".join(generate_chunks(cities=2, seed=4))


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--cities", "2", "--size", "10k"], "exactly one of --cities or --size"),
        ([], "exactly one of --cities or --size"),
        (["--cities", "2", "-o", "data.ttl"], "must end in .nq or .nq.gz"),
        (["--size", "7k"], "'7k' is not one of"),
        (["--cities", "0"], "0 is not in the range"),
    ],
)
def test_cli_rejects_bad_options(tmp_path: Path, arguments: list[str], message: str) -> None:
    if "-o" not in arguments:
        arguments = [*arguments, "-o", str(tmp_path / "out.nq")]
    result = CliRunner().invoke(cli, ["generate", *arguments])
    assert result.exit_code == 2
    assert message in result.output


def _tagged(quads: list[ox.Quad]) -> dict[tuple[object, ...], dict[str, str]]:
    """{(subject, property, graph): {language: text}} of the tagged literals."""
    found: dict[tuple[object, ...], dict[str, str]] = {}
    for quad in quads:
        if isinstance(quad.object, ox.Literal) and quad.object.language:
            key = (quad.subject, quad.predicate, quad.graph_name)
            found.setdefault(key, {})[quad.object.language] = quad.object.value
    return found


@pytest.mark.parametrize(
    ("languages", "letters"),
    [
        (("fi",), "áéíóúç"),
        (("es", "en"), "áéíóúç"),
        (("ar",), "ابتلمن"),
        (("zh-Hans", "en"), "学城市"),
    ],
)
def test_every_text_is_in_the_asked_languages(languages: tuple[str, ...], letters: str) -> None:
    default = _tagged(parse("".join(generate_chunks(cities=1, seed=2))))
    asked = parse("".join(generate_chunks(cities=1, seed=2, languages=languages)))
    texts = _tagged(asked)
    wanted = {tag.lower() for tag in languages}
    assert texts.keys() == default.keys()  # the same statements, each texted
    for key, by_language in texts.items():
        assert set(by_language) == wanted, key
        if "en" in wanted and "en" in default[key]:  # English from the word lists, untouched
            assert by_language["en"] == default[key]["en"]
    first = languages[0].lower()
    assert any(letter in text[first] for text in texts.values() for letter in letters)
    codes = {
        quad.object.value
        for quad in asked
        if quad.predicate.value == namespaces.SCHEMA + "inLanguage"
        and isinstance(quad.object, ox.Literal)
    }
    assert codes == {languages[0]}


def test_languages_keep_the_same_bytes_for_the_same_options() -> None:
    first = "".join(generate_chunks(cities=2, seed=3, languages=("ar", "fi")))
    assert first == "".join(generate_chunks(cities=2, seed=3, languages=("ar", "fi")))


def test_cli_generates_in_the_asked_languages(tmp_path: Path) -> None:
    output = tmp_path / "fi.nq.gz"
    result = CliRunner().invoke(
        cli, ["generate", "--cities", "1", "--languages", "fi,en", "-o", str(output)]
    )
    assert result.exit_code == 0, result.output
    text = gzip.decompress(output.read_bytes()).decode("utf-8")
    assert text == "".join(generate_chunks(cities=1, languages=("fi", "en")))
    refused = CliRunner().invoke(
        cli, ["generate", "--cities", "1", "--languages", "fi,??", "-o", str(output)]
    )
    assert refused.exit_code == 2
    assert "'??' is not a BCP 47 language tag" in refused.output
