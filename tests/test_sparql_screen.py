"""Lexical screening: depth, updates, SERVICE, query form, dataset clauses, sizes."""

from __future__ import annotations

import subprocess
import sys

import pytest

from chava.errors import PayloadTooLargeError, QueryError, URITooLongError
from chava.sparql.screen import check_size, screen_query

ALLOWED = "http://allowed.example/sparql"


@pytest.mark.parametrize(
    ("query", "form", "has_dataset", "deterministic"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", "SELECT", False, True),
        ("PREFIX ex: <http://e/> ask { ex:a ?p ?o }", "ASK", False, True),
        ("BASE <http://e/> CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "CONSTRUCT", False, True),
        ("DESCRIBE <http://e/x>", "DESCRIBE", False, True),
        ("SELECT * FROM <http://e/g> { ?s ?p ?o }", "SELECT", True, True),
        ("SELECT * FROM NAMED <http://e/g> { GRAPH ?g { ?s ?p ?o } }", "SELECT", True, True),
        ("SELECT (RAND() AS ?r) {}", "SELECT", False, False),
        ("SELECT (NOW() AS ?r) {}", "SELECT", False, False),
        # Keywords inside strings, IRIs, comments, variables and prefixed names do not count.
        ('SELECT * { ?s ?p "INSERT DATA { ... } SERVICE <x>" }', "SELECT", False, True),
        ("SELECT * { ?s <http://e/DELETE#SERVICE> ?o }", "SELECT", False, True),
        ("# DELETE WHERE { ?s ?p ?o }\nSELECT * { ?s ?p ?o }", "SELECT", False, True),
        ("SELECT ?insert ?from { ?insert ?from ?o }", "SELECT", False, True),
        ("PREFIX ex: <http://e/> SELECT * { ex:LOAD ex:from ex:SERVICE }", "SELECT", False, True),
        ("SELECT * { ?s ?p '''a ) ) ) }\n { { {''' }", "SELECT", False, True),
        ("SELECT * { FILTER(?a < ?b && ?b > ?c) }", "SELECT", False, True),
    ],
)
def test_screen_reads_form_dataset_and_determinism(
    query: str, form: str, has_dataset: bool, deterministic: bool
) -> None:
    screened = screen_query(query, max_depth=10)
    assert (screened.form, screened.has_dataset_clause, screened.deterministic) == (
        form,
        has_dataset,
        deterministic,
    )


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("INSERT DATA { <a:b> <a:c> <a:d> }", "read-only"),
        ("LOAD <http://example.org/data.ttl>", "read-only"),
        ("DELETE WHERE { ?s ?p ?o }", "read-only"),
        ("CLEAR ALL", "read-only"),
        ("SELECT * {} ; DROP ALL", "read-only"),
        ("SELECT * { SERVICE <http://evil.example/sparql> { ?s ?p ?o } }", "SERVICE"),
        ("SELECT * { SERVICE SILENT <http://evil.example/sparql> { ?s ?p ?o } }", "SERVICE"),
        ("SELECT * { SERVICE ?endpoint { ?s ?p ?o } }", "SERVICE"),
        ("PREFIX e: <http://evil.example/> SELECT * { SERVICE e:sparql { ?s ?p ?o } }", "SERVICE"),
        ("PREFIX ex: <http://e/> ex:a ?p ?o", "not a SPARQL query"),
        ("SELECT * WHERE " + "{" * 20 + "}" * 20, "nested more than 10"),
        ("SELECT * { FILTER(" + "(" * 11 + "1" + ")" * 11 + ") }", "nested more than 10"),
        ("SELECT * { ?s ?p " + "[ ?p " * 11 + "]" * 11 + " }", "nested more than 10"),
    ],
)
def test_screen_refuses_updates_service_and_deep_queries(query: str, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        screen_query(query, max_depth=10)


def test_service_on_the_allow_list_passes() -> None:
    query = f"SELECT * {{ SERVICE <{ALLOWED}> {{ ?s ?p ?o }} }}"
    assert screen_query(query, max_depth=10, service_allowlist=(ALLOWED,)).form == "SELECT"
    prefixed = f"PREFIX r: <{ALLOWED[:-6]}> SELECT * {{ SERVICE r:sparql {{ ?s ?p ?o }} }}"
    assert screen_query(prefixed, max_depth=10, service_allowlist=(ALLOWED,)).form == "SELECT"


def test_ten_thousand_deep_query_is_refused_fast_and_never_reaches_the_parser() -> None:
    deep = "SELECT * WHERE " + "{" * 10_000 + " ?s ?p ?o " + "}" * 10_000
    with pytest.raises(QueryError, match="nested"):
        screen_query(deep, max_depth=100)


def test_the_depth_limit_is_below_what_crashes_pyoxigraph() -> None:
    """The default depth (100) parses fine in pyoxigraph; 10,000 crashes it (in a subprocess)."""
    script = (
        "import pyoxigraph, sys; d = int(sys.argv[1]); "
        "pyoxigraph.Store().query('SELECT * WHERE ' + '{' * d + ' ?s ?p ?o ' + '}' * d)"
    )
    fine = subprocess.run([sys.executable, "-c", script, "100"], check=False, timeout=60)
    crash = subprocess.run(
        [sys.executable, "-c", script, "10000"], check=False, timeout=60, capture_output=True
    )
    assert fine.returncode == 0
    assert crash.returncode < 0  # killed by a signal (stack overflow), not a Python error


@pytest.mark.parametrize(
    ("size", "in_url", "error"),
    [(65, True, URITooLongError), (65, False, PayloadTooLargeError)],
)
def test_check_size_answers_414_in_a_url_and_413_in_a_body(
    size: int, in_url: bool, error: type[Exception]
) -> None:
    check_size("x" * 64, limit=64, in_url=in_url)
    with pytest.raises(error):
        check_size("x" * size, limit=64, in_url=in_url)
    with pytest.raises(error):
        check_size("é" * 33, limit=64, in_url=in_url)  # bytes, not characters


@pytest.mark.parametrize(
    "query",
    [
        "SELECT (" + "+".join(["1"] * 1002) + " AS ?x) {}",
        "SELECT * { FILTER(" + " || ".join(["true"] * 502) + ") }",
        "SELECT * { ?s " + "/".join(["<urn:p>"] * 1002) + " ?o }",
    ],
    ids=["sum", "or", "path"],
)
def test_long_operator_chains_are_refused_like_deep_nesting(query: str) -> None:
    with pytest.raises(QueryError, match="chains more than 1000 operators"):
        screen_query(query, max_depth=100)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT (" + "+".join(["1"] * 1001) + " AS ?x) {}",
        "SELECT * { " + " . ".join(f"?s{i} <urn:p>/<urn:q> ?o" for i in range(2000)) + " }",
        "SELECT * { VALUES ?x { " + " ".join(["-1"] * 900) + " } }",
    ],
    ids=["sum-at-the-limit", "separated-paths", "negative-numbers"],
)
def test_chains_are_counted_per_expression(query: str) -> None:
    assert screen_query(query, max_depth=100).form == "SELECT"


def test_chains_at_the_limit_do_not_crash_pyoxigraph() -> None:
    """1,000 chained operators parse and run; the crash starts between 5,000 and 8,000."""
    script = (
        "import pyoxigraph, sys; n = int(sys.argv[1]); "
        "list(pyoxigraph.Store().query('SELECT (' + '+'.join(['1'] * n) + ' AS ?x) {}'))"
    )
    fine = subprocess.run([sys.executable, "-c", script, "1000"], check=False, timeout=60)
    crash = subprocess.run(
        [sys.executable, "-c", script, "10000"], check=False, timeout=60, capture_output=True
    )
    assert fine.returncode == 0
    assert crash.returncode < 0


@pytest.mark.parametrize(
    "element",
    ["BIND(1 AS ?v{})", "MINUS {{ ?s ?p ?o }}", "VALUES ?v{} {{ 1 }}", "OPTIONAL {{ ?s ?p ?o }}"],
)
def test_groups_with_too_many_elements_are_refused(element: str) -> None:
    """3,500 BINDs (or MINUS, VALUES...) in one group crash pyoxigraph: refused past 1,000."""
    elements = " . ".join(element.format(index) for index in range(1001))
    with pytest.raises(QueryError, match="more than 1000 elements"):
        screen_query(f"SELECT * {{ ?s ?p ?o {elements} }}", max_depth=100)
    fewer = " . ".join(element.format(index) for index in range(400))
    assert screen_query(f"SELECT * {{ ?s ?p ?o {fewer} }}", max_depth=100).form == "SELECT"


def test_long_values_blocks_are_not_groups() -> None:
    rows = " ".join(f'({index} "{index}")' for index in range(3000))
    query = f"SELECT * {{ VALUES (?n ?label) {{ {rows} }} }}"
    assert screen_query(query, max_depth=100).form == "SELECT"


EVIL = "http://127.0.0.1:9/x"
PREFIX_ALLOWED = "PREFIX e: <http://allowed.example/> "

# Ways to hide a SERVICE call, a deep nesting or a deep OFFSET from a screen that does not read
# the text as the grammar (and pyoxigraph) does. Every one must be refused.
OBFUSCATIONS = {
    # Issue 12, finding 1: the old pattern stopped at the `\` of a PN_LOCAL_ESC.
    "pn-local-escape": "PREFIX ex: <http://e/> SELECT * WHERE { BIND(ex:a\\# AS ?x) "
    f"SERVICE <{EVIL}> {{ ?s ?p ?o }} }}",
    "pn-local-escape-quote": "PREFIX ex: <http://e/> SELECT * { ?s ?p ex:a\\' "
    f"SERVICE <{EVIL}> {{}} }}",
    "pn-local-escape-depth": "PREFIX ex: <http://e/> SELECT * WHERE { BIND(ex:a\\# AS ?x) "
    + "{" * 5000
    + "}" * 5000
    + " }",
    "percent-escape": f"PREFIX ex: <http://e/> SELECT * {{ ?s ?p ex:a%23 SERVICE <{EVIL}> {{}} }}",
    "lower-case": f"select * where {{ service <{EVIL}> {{}} }}",
    "mixed-case": f"SELECT * WHERE {{ SeRvIcE <{EVIL}> {{}} }}",
    "glued-iri": f"SELECT * WHERE {{ SERVICE<{EVIL}>{{}} }}",
    "comment-between": f"SELECT * WHERE {{ SERVICE # a comment\n <{EVIL}> {{}} }}",
    "silent": f"SELECT * WHERE {{ SERVICE SILENT <{EVIL}> {{}} }}",
    "variable": "SELECT * WHERE { VALUES ?e { <http://127.0.0.1:9/x> } SERVICE ?e {} }",
    "silent-variable": "SELECT * WHERE { SERVICE SILENT ?e {} }",
    # pyoxigraph splits keywords off what follows them: `SERVICE:x` is SERVICE :x to it.
    "glued-prefixed-name": "PREFIX : <http://127.0.0.1:9/> SELECT * WHERE { SERVICE:x {} }",
    "glued-silent": "PREFIX : <http://127.0.0.1:9/> SELECT * WHERE { SERVICESILENT:x {} }",
    "silent-glued": "PREFIX : <http://127.0.0.1:9/> SELECT * WHERE { SERVICE SILENT:x {} }",
    "glued-prefix-declaration": PREFIX_ALLOWED
    + "PREFIXe: <http://127.0.0.1:9/> SELECT * WHERE { SERVICE e:sparql {} }",
    "glued-empty-prefix": "PREFIX : <http://allowed.example/> PREFIX: <http://127.0.0.1:9/> "
    "SELECT * WHERE { SERVICE :sparql {} }",
    "redeclared-prefix": PREFIX_ALLOWED
    + "PREFIX e: <http://127.0.0.1:9/> SELECT * WHERE { SERVICE e:sparql {} }",
    # pyoxigraph ends a local name at its second run of dots: ex:a.b.SERVICE:x is three tokens.
    "dotted-local-name": "PREFIX ex: <http://e/> PREFIX : <http://127.0.0.1:9/> "
    "SELECT * { ?s ?p ex:a.b.SERVICE:x {} }",
    "prefixed-name": "PREFIX e: <http://127.0.0.1:9/> SELECT * WHERE { SERVICE e:x {} }",
    "prefixed-name-escape": PREFIX_ALLOWED + "SELECT * WHERE { SERVICE e:sp\\arql {} }",
    "prefixed-name-percent": PREFIX_ALLOWED + "SELECT * WHERE { SERVICE e:sp%61rql {} }",
    "unknown-prefix": "SELECT * WHERE { SERVICE e:sparql {} }",
    "relative-under-base": "BASE <http://127.0.0.1:9/> SELECT * WHERE { SERVICE <x> {} }",
    "network-path": "SELECT * WHERE { SERVICE <//127.0.0.1:9/x> {} }",
    "relative-to-endpoint": "SELECT * WHERE { SERVICE <../x> {} }",
    "relative-prefix": "BASE <http://127.0.0.1:9/> PREFIX p: <a/> SELECT * { SERVICE p:x {} }",
    "codepoint-in-iri": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/\\u0078> {} }",
    "codepoint-keyword": f"SELECT * WHERE {{ SERV\\u0049CE <{EVIL}> {{}} }}",
    # An engine applying section 19.2 first reads a string's \u0022 as its end.
    "codepoint-quote": f'SELECT * WHERE {{ ?s ?p "\\u0022 SERVICE <{EVIL}> {{}} " }}',
    "codepoint-comment": f"SELECT * WHERE {{ ?s ?p ?o \\u0023 }}\nSERVICE <{EVIL}> {{}} }}",
    "numeric-host-short": "SELECT * WHERE { SERVICE <http://127.1:9/x> {} }",
    "numeric-host-hex": "SELECT * WHERE { SERVICE <http://0x7f.1:9/x> {} }",
    "numeric-host-integer": "SELECT * WHERE { SERVICE <http://2130706433:9/x> {} }",
    "ipv6-mapped": "SELECT * WHERE { SERVICE <http://[::ffff:127.0.0.1]:9/x> {} }",
    "trailing-dot-host": "SELECT * WHERE { SERVICE <http://127.0.0.1.:9/x> {} }",
    "fragment": "SELECT * WHERE { SERVICE <http://allowed.example/sparql#x> {} }",
    "upper-case-scheme": "SELECT * WHERE { SERVICE <HTTP://allowed.example/sparql> {} }",
    "dot-segment": "SELECT * WHERE { SERVICE <http://allowed.example/x/../sparql> {} }",
    # `<` after a value in an expression is less-than to pyoxigraph: then `#` starts a comment
    # that hides the rest of the line, and the next lines are code.
    "less-than-comment": "SELECT * WHERE { BIND(1 AS ?a) FILTER(?a<2#> '''\n) "
    f"SERVICE <{EVIL}> {{}} #'''\n}}",
    "less-than-string": f"SELECT * WHERE {{ FILTER(?a<'> ) }} SERVICE <{EVIL}> {{}} #'>1) }}",
    "less-than-brackets": "SELECT * WHERE { FILTER(?a<" + "(" * 200 + "1" + ")" * 200 + ">0) }",
    "offset": "SELECT * WHERE { ?s ?p ?o } OFFSET 1000001",
    "offset-glued": "SELECT * WHERE { ?s ?p ?o } OFFSET1000001",
    "offset-zeros": "SELECT * WHERE { ?s ?p ?o } offset 000000000001000001",
    "offset-subquery": "SELECT * WHERE { { SELECT * WHERE { ?s ?p ?o } OFFSET 5000000 } }",
    "reified-depth": "SELECT * WHERE { " + "<< " * 200 + "?s ?p ?o" + " >>" * 200 + " ?q ?r }",
    "annotation-depth": "SELECT * WHERE { ?s ?p ?o " + "{| ?p ?o " * 200 + "|} " * 200 + "}",
    "lexical-error": "SELECT * WHERE { ?s ?p ?o } \\",
}


@pytest.mark.parametrize("query", OBFUSCATIONS.values(), ids=OBFUSCATIONS.keys())
def test_obfuscations_are_refused(query: str) -> None:
    with pytest.raises(QueryError):
        screen_query(
            query,
            max_depth=100,
            service_allowlist=(ALLOWED,),
            max_offset=1_000_000,
            base_iri="http://127.0.0.1:9/sparql",
        )


# What the screen must still let through: none of these hides anything.
PLAIN = {
    "allowed-iri": f"SELECT * WHERE {{ SERVICE <{ALLOWED}> {{}} }}",
    "allowed-silent": f"SELECT * WHERE {{ SERVICE SILENT <{ALLOWED}> {{}} }}",
    "allowed-prefixed": PREFIX_ALLOWED + "SELECT * WHERE { SERVICE e:sparql {} }",
    "allowed-escaped": "SELECT * WHERE { SERVICE <http://allowed.example/sp\\u0061rql> {} }",
    "allowed-relative": "BASE <http://allowed.example/> SELECT * WHERE { SERVICE <sparql> {} }",
    "fragment-iri-in-filter": "SELECT * WHERE { ?s ?p ?o FILTER(?o = <http://x#y>) }",
    "fragment-iri-in-triples": "SELECT * WHERE { ?s a <http://x#C> FILTER(?a<2 && ?b > 3) }",
    "values-rows": "SELECT * WHERE { VALUES (?a ?b) { (<http://a#b> <http://c#d>) } }",
    "in-list": "SELECT * WHERE { FILTER(?o IN (<http://x#y>, <http://x#z>)) }",
    "triple-term": "SELECT * WHERE { BIND(<<( <a:b> <http://x#c> <a:d> )>> AS ?t) }",
    "reified-triple": "SELECT * WHERE { << ?s <http://x#p> ?o >> ?q ?r }",
    "local-name-escape": "PREFIX ex: <http://e/> SELECT * WHERE { BIND(ex:a\\#b AS ?x) }",
    "keyword-in-long-string": f"SELECT * WHERE {{ ?s ?p '''a\\''' SERVICE <{EVIL}> {{}} ''' }}",
    "order-by-function": "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s <http://x#f>(?s)",
    "offset-at-the-cap": "SELECT * WHERE { ?s ?p ?o } OFFSET 1000000",
    "glued-prefix-declaration": "PREFIXe: <http://allowed.example/> "
    "SELECT * { SERVICE e:sparql {} }",
}


@pytest.mark.parametrize("query", PLAIN.values(), ids=PLAIN.keys())
def test_plain_queries_pass(query: str) -> None:
    screened = screen_query(
        query,
        max_depth=100,
        service_allowlist=(ALLOWED,),
        max_offset=1_000_000,
        base_iri="http://127.0.0.1:9/sparql",
    )
    assert screened.services in ((), (ALLOWED,))


def test_the_escape_that_hid_a_deep_nesting_is_refused_before_it_crashes_pyoxigraph() -> None:
    """The same query, unscreened, kills the process that parses it (issue 12, finding 1)."""
    query = OBFUSCATIONS["pn-local-escape-depth"]
    with pytest.raises(QueryError, match="nested more than 100"):
        screen_query(query, max_depth=100)
    script = "import pyoxigraph, sys; pyoxigraph.Store().query(sys.stdin.read())"
    crash = subprocess.run(
        [sys.executable, "-c", script],
        input=query,
        text=True,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert crash.returncode < 0


def test_services_and_offsets_are_reported() -> None:
    twice = "SELECT * { SERVICE e:sparql {} SERVICE <http://allowed.example/sparql> {} }"
    screened = screen_query(PREFIX_ALLOWED + twice, max_depth=10, service_allowlist=(ALLOWED,))
    assert screened.services == (ALLOWED,)
    with pytest.raises(QueryError, match=r"at most 10 \(sparql_max_offset\)"):
        screen_query("SELECT * {} OFFSET 11", max_depth=10, max_offset=10)
    assert screen_query("SELECT * {} OFFSET 11", max_depth=10).form == "SELECT"  # no cap


def test_refusals_name_line_and_column() -> None:
    with pytest.raises(QueryError, match="line 2, column 3"):
        screen_query("SELECT * {\n  SERVICE <http://evil.example/> {} }", max_depth=10)
