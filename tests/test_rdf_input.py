"""Hostile RDF input: refused with one line and exit 2 by every reader, never a crash.

Each document is read the ways a user reads files (`chava validate`, `chava build --data`, run
as real processes so a crash shows as its exit status) and the ways a harvest reads a partner
(a local file, a dump from a local hostile server, a SPARQL endpoint answering with it).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests
from click.testing import CliRunner

from chava import namespaces
from chava.cli import cli
from chava.errors import InputRefusedError, LoadError, RemoteImportError
from chava.generate import generate_chunks
from chava.loading.rdf_input import InputLimits, bundled_context, parse_rdf, rdf_format_of
from chava.loading.sources import load_files
from chava.network.scaffold import scaffold_publication
from tests import hostile_inputs
from tests.hostile_server import HOSTILE, hostile_server
from tests.serve_support import chava_serve

CHAVA = Path(sys.executable).parent / "chava"
LIMITS = InputLimits()
FAST = {
    "CHAVA_REMOTE_CONNECT_TIMEOUT": "1",
    "CHAVA_REMOTE_READ_TIMEOUT": "2",
    "CHAVA_REMOTE_MAX_BYTES": "5000000",
}

HOSTILE_FILES = {
    "entity-bomb.rdf": (hostile_inputs.entity_bomb(), "DOCTYPE or ENTITY declaration refused"),
    "xxe.rdf": (hostile_inputs.external_entity(), "DOCTYPE or ENTITY declaration refused"),
    "deep.jsonld": (hostile_inputs.deep_jsonld(), "nested 4001 levels deep"),
    "deep-blank.ttl": (hostile_inputs.deep_turtle(), "nested 5000 levels deep"),
    "deep-list.ttl": (hostile_inputs.deep_turtle(kind="list"), "nested 5000 levels deep"),
    "deep.trig": (hostile_inputs.deep_trig(), "nested 5001 levels deep"),
    "deep-triple-terms.nt": (hostile_inputs.deep_triple_terms(), "nested 40000 levels deep"),
    "deep.rdf": (hostile_inputs.deep_rdfxml(), "nested 10003 levels deep"),
    "huge-literal.nt": (
        hostile_inputs.huge_literal(40 * 1024 * 1024),
        "a term larger than the parser's buffer (Reached the buffer maximal size of 16777216)",
    ),
}


def clean_environment(**extra: str) -> dict[str, str]:
    """The test process's environment without CHAVA_* variables, plus *extra*."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CHAVA_")}
    environment.update(extra)
    return environment


def run_chava(*arguments: str, **environment: str) -> subprocess.CompletedProcess[str]:
    """Run the real `chava` (a crash shows as a negative exit status, not a dead test run)."""
    return subprocess.run(
        [str(CHAVA), *arguments],
        capture_output=True,
        text=True,
        env=clean_environment(**environment),
        timeout=120,
        check=False,
    )


def assert_refused(outcome: subprocess.CompletedProcess[str], name: str, message: str) -> None:
    assert outcome.returncode == 2, (outcome.returncode, outcome.stderr[-2000:])
    lines = outcome.stderr.splitlines()
    assert len(lines) == 1, outcome.stderr[-2000:]
    assert lines[0].startswith("error: "), lines[0]
    assert name in lines[0], lines[0]
    assert message in lines[0], lines[0]
    assert "Traceback" not in outcome.stderr


@pytest.fixture(scope="module")
def hostile_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    for name, (content, _message) in HOSTILE_FILES.items():
        (folder / name).write_bytes(content)
    return folder


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory, project_root: Path) -> Path:
    """A scaffolded publication (its profile validates the files)."""
    folder = tmp_path_factory.mktemp("city")
    return scaffold_publication(folder / "city", "Exampleville", profile_root=project_root).root


# --- the parser-level checks ------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(HOSTILE_FILES))
def test_every_hostile_document_is_refused_before_it_costs_anything(name: str) -> None:
    content, message = HOSTILE_FILES[name]
    with pytest.raises(InputRefusedError) as caught:
        parse_rdf(content, rdf_format_of(name), source=name, limits=LIMITS)
    assert message in str(caught.value)
    assert str(caught.value).startswith(name)


@pytest.mark.parametrize(
    ("content", "name", "line"),
    [
        (
            b'{\n"@id": "http://e/a",\n"http://e/p": ' + b"[" * 101 + b"]" * 101 + b"}",
            "a.jsonld",
            3,
        ),
        (
            b"<http://e/a> <http://e/p>\n\n" + b"[ <http://e/p> " * 101 + b"1" + b" ]" * 101,
            "a.ttl",
            3,
        ),
        (
            b'# a comment with [[[[ and ((((\n<http://e/a> <http://e/p> "[[[[((((" .\n',
            "a.ttl",
            None,
        ),
    ],
)
def test_the_depth_error_names_the_line(content: bytes, name: str, line: int | None) -> None:
    if line is None:  # brackets in comments and strings do not nest
        assert parse_rdf(content, rdf_format_of(name), source=name, limits=LIMITS)
        return
    with pytest.raises(InputRefusedError) as caught:
        parse_rdf(content, rdf_format_of(name), source=name, limits=LIMITS)
    assert caught.value.line == line


def test_documents_at_the_limits_are_read() -> None:
    limits = InputLimits(max_depth=60, max_term_bytes=1000, max_statements=100)
    nested = hostile_inputs.deep_turtle(29)  # 29 blank nodes: 30 levels with the statement
    assert len(parse_rdf(nested, ox.RdfFormat.TURTLE, source="n.ttl", limits=limits)) == 30
    jsonld = hostile_inputs.deep_jsonld(58)  # 58 objects in an array: 59 levels
    assert len(parse_rdf(jsonld, ox.RdfFormat.JSON_LD, source="n.jsonld", limits=limits)) == 58
    literal = hostile_inputs.huge_literal(1000)
    assert parse_rdf(literal, ox.RdfFormat.N_TRIPLES, source="l.nt", limits=limits)
    with pytest.raises(InputRefusedError, match="more than 1000 bytes"):
        parse_rdf(
            hostile_inputs.huge_literal(1001), ox.RdfFormat.N_TRIPLES, source="l", limits=limits
        )
    limits = InputLimits(max_statements=10)
    many = hostile_inputs.many_statements(10)
    assert len(parse_rdf(many, ox.RdfFormat.N_TRIPLES, source="m.nt", limits=limits)) == 10
    with pytest.raises(InputRefusedError, match="more than 10 statements"):
        parse_rdf(
            hostile_inputs.many_statements(11), ox.RdfFormat.N_TRIPLES, source="m", limits=limits
        )


def test_long_iris_and_multibyte_literals_are_measured_in_bytes() -> None:
    limits = InputLimits(max_term_bytes=1000)
    long_iri = f"<http://e/{'a' * 1200}> <http://e/p> <http://e/b> .\n".encode()
    with pytest.raises(InputRefusedError, match="an IRI of more than 1000 bytes"):
        parse_rdf(long_iri, ox.RdfFormat.N_TRIPLES, source="i.nt", limits=limits)
    wide = f'<http://e/a> <http://e/p> "{"é" * 600}" .\n'.encode()  # 600 characters, 1200 bytes
    with pytest.raises(InputRefusedError, match="a literal of more than 1000 bytes"):
        parse_rdf(wide, ox.RdfFormat.N_TRIPLES, source="w.nt", limits=limits)


def test_the_bundled_publication_and_a_generated_city_pass_the_checks(project_root: Path) -> None:
    files = sorted(
        path
        for folder in ("ontology", "data", "shapes")
        for path in (project_root / folder).rglob("*")
        if path.is_file() and path.suffix in (".ttl", ".trig")
    )
    assert len(load_files(files).quads) > 1000
    generated = "".join(generate_chunks(cities=2)).encode()
    assert parse_rdf(generated, ox.RdfFormat.N_QUADS, source="g.nq", limits=LIMITS)


# --- the commands -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(HOSTILE_FILES))
def test_validate_refuses_hostile_files_with_one_line(
    hostile_folder: Path, city: Path, name: str
) -> None:
    _content, message = HOSTILE_FILES[name]
    path = hostile_folder / name
    outcome = run_chava("--root", str(city), "validate", str(path))
    assert_refused(outcome, str(path), message)


@pytest.mark.parametrize(
    "name", ["entity-bomb.rdf", "deep.jsonld", "deep-triple-terms.nt", "huge-literal.nt"]
)
@pytest.mark.parametrize("validate", [True, False])
def test_build_data_refuses_hostile_files_with_one_line(
    hostile_folder: Path, city: Path, tmp_path: Path, name: str, validate: bool
) -> None:
    _content, message = HOSTILE_FILES[name]
    path = hostile_folder / name
    options = [] if validate else ["--no-validate"]
    outcome = run_chava(
        "--root", str(city), "build", *options, "--data", str(path), CHAVA_BUILD_DIR=str(tmp_path)
    )
    assert_refused(outcome, str(path), message)
    assert not (tmp_path / "current").exists()


def test_the_settings_move_the_limits(city: Path, tmp_path: Path) -> None:
    path = tmp_path / "nested.ttl"
    path.write_bytes(hostile_inputs.deep_turtle(20))
    assert run_chava("--root", str(city), "validate", str(path)).returncode in (0, 1)
    outcome = run_chava("--root", str(city), "validate", str(path), CHAVA_INPUT_MAX_DEPTH="10")
    assert_refused(outcome, str(path), "more than the 10 allowed (input_max_depth)")
    outcome = run_chava("--root", str(city), "validate", str(path), CHAVA_INPUT_MAX_TERM_BYTES="3")
    assert_refused(outcome, str(path), "more than 3 bytes (input_max_term_bytes)")


# --- harvest: local files, dumps and endpoints ------------------------------------------------

HARVEST_REFUSALS = {
    "/entity-bomb.rdf": "DOCTYPE or ENTITY declaration refused",
    "/xxe.rdf": "DOCTYPE or ENTITY declaration refused",
    "/deep.jsonld": "nested 4001 levels deep",
    "/deep.ttl": "nested 5000 levels deep",
    "/deep-triple-terms.nt": "nested 40000 levels deep",
    "/huge-literal.nt": "a literal of more than 1048576 bytes",
    "/many.nt": "more than 1000 statements (harvest_max_statements)",
}


@pytest.fixture
def harvester(project_root: Path, tmp_path: Path) -> Path:
    root = scaffold_publication(tmp_path / "city", "Exampleville", profile_root=project_root).root
    previous = root / "data" / "harvest" / "partner-city.trig"
    previous.parent.mkdir()
    previous.write_text("# the previous harvest\n", encoding="utf-8")
    return root


def assert_unchanged(root: Path) -> None:
    folder = root / "data" / "harvest"
    assert sorted(path.name for path in folder.iterdir()) == ["partner-city.trig"]
    assert (folder / "partner-city.trig").read_text(encoding="utf-8") == "# the previous harvest\n"


@pytest.mark.parametrize("path", sorted(HARVEST_REFUSALS))
@pytest.mark.parametrize("how", ["dump", "sparql", "file"])
def test_harvest_refuses_hostile_partner_data(
    harvester: Path, tmp_path: Path, path: str, how: str
) -> None:
    message = HARVEST_REFUSALS[path]
    with hostile_server() as base:
        if how == "dump":
            source = base + path
        elif how == "sparql":
            source = f"{base}/sparql{path}"
        else:
            local = tmp_path / path.lstrip("/")
            local.write_bytes(HOSTILE[path][1])
            source = str(local)
        outcome = run_chava(
            "--root",
            str(harvester),
            "harvest",
            source,
            "--partner",
            "partner-city",
            *(["--kind", "sparql"] if how == "sparql" else []),
            CHAVA_HARVEST_MAX_STATEMENTS="1000",
            **FAST,
        )
    assert_refused(outcome, source, message)
    assert_unchanged(harvester)


def test_a_harvested_owl_imports_is_left_out_and_never_breaks_anything(
    harvester: Path, tmp_path: Path
) -> None:
    with hostile_server() as base:
        first = run_chava(
            "--root",
            str(harvester),
            "harvest",
            base + "/imports.ttl",
            "--partner",
            "partner-city",
            **FAST,
        )
        assert first.returncode == 0, first.stderr
        assert "1 owl:imports statements: not followed, left out" in first.stdout
        written = harvester / "data" / "harvest" / "partner-city.trig"
        quads = list(ox.parse(path=written, format=ox.RdfFormat.TRIG))
        assert not [q for q in quads if q.predicate.value == namespaces.OWL + "imports"]
        assert "https://vocab.example.org/all" not in written.read_text(encoding="utf-8")
        build = run_chava("--root", str(harvester), "build", CHAVA_BUILD_DIR=str(tmp_path / "b"))
        assert build.returncode == 0, build.stderr
        profile = run_chava(
            "--root", str(harvester), "validate", "--profile", str(harvester / "data")
        )
        assert profile.returncode in (0, 1), profile.stderr
        again = run_chava(
            "--root",
            str(harvester),
            "harvest",
            base + "/valid.ttl",
            "--partner",
            "other-city",
            **FAST,
        )
        assert again.returncode == 0, again.stderr


# --- .gz wherever an RDF file is --------------------------------------------------------------


@pytest.fixture(scope="module")
def generated_gz(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("gz") / "cities.nq.gz"
    path.write_bytes(gzip.compress("".join(generate_chunks(cities=1)).encode()))
    return path


def test_validate_and_build_read_gzipped_files(
    generated_gz: Path, city: Path, tmp_path: Path
) -> None:
    validated = run_chava("--root", str(city), "validate", str(generated_gz))
    assert validated.returncode in (0, 1), validated.stderr
    assert "statements" in validated.stdout or "conform" in validated.stdout
    built = run_chava(
        "--root",
        str(city),
        "build",
        "--no-validate",
        "--data",
        str(generated_gz),
        CHAVA_BUILD_DIR=str(tmp_path),
    )
    assert built.returncode == 0, built.stderr
    expected = len(
        set(ox.parse(gzip.decompress(generated_gz.read_bytes()), format=ox.RdfFormat.N_QUADS))
    )
    (folder,) = tmp_path.glob("data-*")
    manifest = json.loads((folder / "current" / "manifest.json").read_text(encoding="utf-8"))
    graphs = manifest["graphs"]
    assert sum(n for graph, n in graphs.items() if graph != manifest["metadata_graph"]) == expected


def test_a_local_gzipped_dump_is_harvested(generated_gz: Path, harvester: Path) -> None:
    outcome = run_chava(
        "--root", str(harvester), "harvest", str(generated_gz), "--partner", "gz-city"
    )
    assert outcome.returncode == 0, outcome.stderr
    assert "published" in outcome.stdout
    written = harvester / "data" / "harvest" / "gz-city.trig"
    quads = list(ox.parse(path=written, format=ox.RdfFormat.TRIG))
    used = [q for q in quads if q.predicate.value == namespaces.PROV + "used"]
    assert [q.object.value for q in used] == [generated_gz.resolve().as_uri()]


def test_a_missing_or_unknown_local_file_is_one_line(harvester: Path, tmp_path: Path) -> None:
    missing = run_chava(
        "--root", str(harvester), "harvest", str(tmp_path / "nope.ttl"), "--partner", "x"
    )
    assert missing.returncode == 2
    assert "neither an explicit http(s) URL nor a local file" in missing.stderr
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    unknown = run_chava("--root", str(harvester), "harvest", str(text), "--partner", "x")
    assert unknown.returncode == 2
    assert "not an RDF file name" in unknown.stderr


# --- JSON-LD contexts: bundled, or refused, never fetched --------------------------------------


@contextmanager
def canary() -> Iterator[tuple[int, list[int]]]:
    """A loopback listener counting the connections it accepts."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.settimeout(0.2)
    accepted: list[int] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _address = listener.accept()
            except OSError:
                continue
            accepted.append(1)
            connection.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1], accepted
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()


def jsonld(context: object, body: dict[str, object]) -> bytes:
    return json.dumps({"@context": context, **body}, indent=1).encode()


@pytest.mark.parametrize(
    "url",
    [
        "http://schema.org",
        "https://schema.org",
        "http://schema.org/",
        "https://schema.org/",
        "https://schema.org/docs/jsonldcontext.jsonld",
        "http://schema.org/docs/jsonldcontext.json",
    ],
)
def test_schema_org_json_ld_is_read_offline(url: str, city: Path, tmp_path: Path) -> None:
    path = tmp_path / "thing.jsonld"
    path.write_bytes(
        jsonld(
            url,
            {"@id": "http://e/a", "@type": "Person", "name": "Ada", "knows": {"@id": "http://e/b"}},
        )
    )
    quads = load_files([path]).quads
    assert {(q.predicate.value, str(q.object)) for q in quads} == {
        (namespaces.RDF + "type", "<http://schema.org/Person>"),
        ("http://schema.org/name", '"Ada"'),
        ("http://schema.org/knows", "<http://e/b>"),
    }


def test_chava_json_ld_from_any_host_is_read_offline_and_nothing_is_fetched(
    bundled_build: tuple[object, object], city: Path, tmp_path: Path
) -> None:
    from tests.app_support import new_app

    settings, build = bundled_build
    client = new_app(settings, build=build).test_client()  # type: ignore[arg-type]
    with canary() as (port, accepted):
        host = f"127.0.0.1:{port}"
        resource = client.get(
            "/id/organization/ville-de-charleroi",
            headers={"Accept": "application/ld+json", "Host": host},
        )
        assert resource.status_code == 200
        document = resource.get_json()
        assert document["@context"] == f"http://{host}/context.jsonld"
        listing = client.get("/api/tools?limit=3", headers={"Host": host})
        assert listing.get_json()["@context"] == f"http://{host}/context/v1.jsonld"
        (tmp_path / "resource.jsonld").write_bytes(resource.data)
        (tmp_path / "tools.jsonld").write_bytes(listing.data)
        outcome = run_chava("--root", str(city), "validate", str(tmp_path))
        assert outcome.returncode in (0, 1), outcome.stderr
        quads = load_files([tmp_path / "resource.jsonld"]).quads
        assert any(q.predicate.value == namespaces.RDF + "type" for q in quads)
        other = tmp_path / "other" / "x.jsonld"
        other.parent.mkdir()
        other.write_bytes(
            jsonld(f"http://{host}/vocab/context", {"@id": "http://e/a", "name": "A"})
        )
        refused = run_chava("--root", str(city), "validate", str(other))
        assert_refused(
            refused, str(other), f"remote JSON-LD @context <http://{host}/vocab/context> refused"
        )
        with pytest.raises(RemoteImportError):
            load_files([other])
        imported = tmp_path / "imported" / "x.jsonld"
        imported.parent.mkdir()
        imported.write_bytes(
            jsonld({"@import": f"http://{host}/ctx"}, {"@id": "http://e/a", "http://e/p": "A"})
        )
        with pytest.raises(RemoteImportError, match="refused"):
            load_files([imported])
        nested = tmp_path / "nested" / "x.jsonld"
        nested.parent.mkdir()
        nested.write_bytes(
            jsonld(
                {},
                {
                    "@id": "http://e/a",
                    "http://e/p": {"@context": f"http://{host}/c2", "@id": "http://e/b"},
                },
            )
        )
        with pytest.raises(RemoteImportError, match="refused"):
            load_files([nested])
    assert accepted == []


def test_the_bundled_schema_org_context_is_the_recorded_release() -> None:
    folder = Path(__file__).resolve().parent.parent / "src" / "chava" / "jsonld" / "bundled"
    readme = (folder / "README.md").read_text(encoding="utf-8")
    recorded = re.search(r"SHA-256: `([0-9a-f]{64})`", readme)
    assert recorded is not None
    digest = hashlib.sha256((folder / "schemaorg.jsonld").read_bytes()).hexdigest()
    assert digest == recorded.group(1)
    context = bundled_context("https://schema.org/")
    assert context is not None
    assert context["@vocab"] == "http://schema.org/"
    assert bundled_context("https://example.org/vocab/context") is None


def test_gzip_that_is_not_gzip_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.ttl.gz"
    path.write_bytes(b"not gzip at all")
    with pytest.raises(LoadError, match="not valid gzip"):
        load_files([path])


def test_serve_data_serves_a_gzipped_dump(generated_gz: Path, city: Path, tmp_path: Path) -> None:
    environment = {"CHAVA_BUILD_DIR": str(tmp_path)}
    options = ("--data", str(generated_gz), "--workers", "1", "--no-validate")
    with chava_serve(city, *options, environment=environment) as base:
        reply = requests.get(
            base + "/sparql",
            params={"query": f"ASK {{ ?tool a <{namespaces.LC}PedagogicalTool> }}"},
            headers={"Accept": "application/sparql-results+json"},
            timeout=60,
        )
    assert reply.status_code == 200, reply.text
    assert reply.json()["boolean"] is True


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (MemoryError(), "error: out of memory; lower the input or raise the machine's memory\n"),
        (RecursionError(), "error: input nested too deeply for this command\n"),
    ],
)
def test_the_command_line_never_shows_a_traceback_for_memory_or_recursion(
    monkeypatch: pytest.MonkeyPatch, harvester: Path, error: BaseException, message: str
) -> None:
    """Defence in depth behind the limits: the CLI edge turns these into one line, exit 2."""

    def exhausted(*args: object, **kwargs: object) -> None:
        raise error

    monkeypatch.setattr("chava.cli.harvest.harvest", exhausted)
    outcome = CliRunner().invoke(
        cli, ["--root", str(harvester), "harvest", "http://127.0.0.1:9/x.ttl", "--partner", "x"]
    )
    assert outcome.exit_code == 2
    assert outcome.stderr == message


def test_a_context_importing_schema_org_keeps_its_own_terms(tmp_path: Path) -> None:
    path = tmp_path / "imported.jsonld"
    context = {"@version": 1.1, "@import": "https://schema.org/", "nick": "http://e/nick"}
    path.write_bytes(jsonld(context, {"@id": "http://e/a", "name": "Ada", "nick": "ada"}))
    quads = load_files([path]).quads
    assert {(q.predicate.value, str(q.object)) for q in quads} == {
        ("http://schema.org/name", '"Ada"'),
        ("http://e/nick", '"ada"'),
    }


def test_a_harvest_that_would_not_build_is_never_written(tmp_path: Path) -> None:
    from chava.network.harvest import _write_checked

    path = tmp_path / "data" / "harvest" / "partner.trig"
    path.parent.mkdir(parents=True)
    path.write_text("# the previous harvest\n", encoding="utf-8")
    quads = [ox.Quad(ox.NamedNode("http://e/a"), ox.NamedNode("http://e/p"), ox.Literal("x" * 50))]
    with pytest.raises(LoadError, match="the harvest would not build, not written"):
        _write_checked(path, quads, InputLimits(max_term_bytes=20))
    assert path.read_text(encoding="utf-8") == "# the previous harvest\n"
    assert [p.name for p in path.parent.iterdir()] == ["partner.trig"]
