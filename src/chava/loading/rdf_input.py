"""Reading RDF input safely: every document chava parses goes through here.

Publication files, `--data` files, files to validate, a partner's dump or endpoint replies are
all untrusted bytes to the parser. Before parsing, a document is checked for what crashes or
exhausts a parser: entity declarations in RDF/XML (refused outright: an 858-byte "billion
laughs" document inflates to gigabytes) and nesting deeper than `InputLimits.max_depth`
(pyoxigraph's JSON-LD and RDF 1.2 triple-term parsers recurse and crash the process on deep
input; its RDF/XML parser slows down quadratically). While parsing, statements are counted and
term sizes checked against the limits. A remote JSON-LD `@context` is never fetched: chava's
own context (by its path, on any host) and schema.org's are bundled, any other is refused.
Every refusal is a LoadError naming the source (and the line when known).
"""

from __future__ import annotations

import gzip
import json
import re
import zlib
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import accumulate
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlsplit

import pyoxigraph as ox

from chava.errors import InputRefusedError, LoadError, RemoteImportError, UnsupportedFormatError
from chava.jsonld.context import context_for_url
from chava.loading.hashed_input import InputDigest, read_bytes

if TYPE_CHECKING:
    from chava.config import Settings

RDF_SUFFIXES: Final[dict[str, ox.RdfFormat]] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".trig": ox.RdfFormat.TRIG,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
}
"""File suffixes read as RDF, each also gzipped (`.nq.gz`). `.json` is not here: JSON that is
not JSON-LD is too common."""
GZIP_SUFFIX: Final = ".gz"

SCHEMA_ORG_CONTEXTS: Final = frozenset(
    f"{scheme}://schema.org{path}"
    for scheme in ("http", "https")
    for path in ("", "/", "/docs/jsonldcontext.jsonld", "/docs/jsonldcontext.json")
)
"""The URLs schema.org's context is known by; answered from `jsonld/bundled/schemaorg.jsonld`."""


@dataclass(frozen=True)
class InputLimits:
    """What one RDF document may hold before chava refuses it."""

    max_depth: int = 100
    """Deepest nesting of brackets (JSON-LD objects and arrays; Turtle and TriG `[]`, `()`,
    `{}` and triple terms; RDF/XML elements)."""
    max_term_bytes: int = 1024 * 1024
    """Longest literal or IRI, in UTF-8 bytes."""
    max_statements: int | None = None
    """Most statements in one document (None: no limit)."""
    max_bytes: int | None = None
    """Most bytes once decompressed (None: no limit); remote sources have their own cap."""

    @classmethod
    def from_settings(cls, settings: Settings, *, partner: bool = False) -> InputLimits:
        """The input_* settings; with *partner*, also the harvest statement and byte caps."""
        return cls(
            max_depth=settings.input_max_depth,
            max_term_bytes=settings.input_max_term_bytes,
            max_statements=settings.harvest_max_statements if partner else None,
            max_bytes=settings.remote_max_bytes if partner else None,
        )


def rdf_format_of(path: Path | str) -> ox.RdfFormat:
    """The RDF syntax of a file name (`.ttl`, `.nq.gz`, ...), or raise UnsupportedFormatError."""
    name = Path(path).name.lower().removesuffix(GZIP_SUFFIX)
    suffix = Path(name).suffix
    try:
        return RDF_SUFFIXES[suffix]
    except KeyError:
        known = ", ".join(sorted(RDF_SUFFIXES))
        raise UnsupportedFormatError(
            path,
            f"unknown RDF file type {suffix or '(no suffix)'!r}; known: {known} "
            f"(each optionally {GZIP_SUFFIX})",
        ) from None


def is_rdf_file(path: Path) -> bool:
    """Whether *path*'s name ends in an RDF suffix (optionally gzipped)."""
    name = path.name.lower().removesuffix(GZIP_SUFFIX)
    return Path(name).suffix in RDF_SUFFIXES


def read_file(path: Path, limits: InputLimits) -> bytes:
    """The bytes of a file, inflated when its name ends in `.gz` (within `limits.max_bytes`)."""
    return read_hashed(path, limits)[0]


def read_hashed(
    path: Path, limits: InputLimits, *, read: tuple[bytes, InputDigest] | None = None
) -> tuple[bytes, InputDigest]:
    """read_file, and the digest of exactly the bytes read from disk (the file is read once).

    *read*: the file's bytes and digest as `chava.hashed_input.read_bytes` already read them
    (checked and inflated here as if just read).
    """
    try:
        data, digest = read if read is not None else read_bytes(path)
    except OSError as error:
        raise LoadError(path, error.strerror or str(error)) from error
    if limits.max_bytes is not None and len(data) > limits.max_bytes:
        raise InputRefusedError(path, f"more than {limits.max_bytes} bytes: refused")
    if path.name.lower().endswith(GZIP_SUFFIX):
        return inflate(data, path, limits.max_bytes), digest
    return data, digest


def inflate(data: bytes, source: Path | str, max_bytes: int | None) -> bytes:
    """Decompress gzip *data*, refusing to inflate beyond *max_bytes* (a gzip bomb)."""
    if max_bytes is None:
        try:
            return gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as error:
            raise LoadError(source, f"not valid gzip: {error}") from error
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, max_bytes + 1)
    except zlib.error as error:
        raise LoadError(source, f"not valid gzip: {error}") from error
    if len(out) > max_bytes or inflater.unconsumed_tail:
        raise InputRefusedError(source, f"more than {max_bytes} bytes once decompressed: refused")
    return out


def parse_rdf(
    data: bytes,
    rdf_format: ox.RdfFormat,
    *,
    source: Path | str,
    limits: InputLimits,
    base_iri: str | None = None,
) -> list[ox.Quad]:
    """Check and parse one document; raise LoadError (InputRefusedError for a refusal)."""
    check_document(data, rdf_format, source=source, limits=limits)
    line_based = rdf_format in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS)
    most = limits.max_statements
    if (
        line_based
        and (most is None or data.count(b"\n") < most)  # one statement per line at most
        and _short_lines(data, limits.max_term_bytes)  # no term is longer than its line
    ):
        # Nothing to check per term (a million statements: seconds saved; a harvest's pages).
        return list(_parse(data, rdf_format, source, base_iri))
    if rdf_format == ox.RdfFormat.JSON_LD:
        data = resolve_contexts(data, source=source)
    return list(_checked(_parse(data, rdf_format, source, base_iri), source, limits, data))


def load_into(
    store: ox.Store,
    data: bytes,
    rdf_format: ox.RdfFormat,
    *,
    source: Path | str,
    limits: InputLimits,
    to_graph: ox.NamedNode | ox.DefaultGraph,
) -> None:
    """Check *data* and bulk-load it into *store* (triples outside a graph into *to_graph*).

    N-Triples and N-Quads whose lines are all shorter than the term limit (no term can be
    longer than its line) go to the store's own loader; the rest is checked term by term.
    """
    check_document(data, rdf_format, source=source, limits=limits)
    line_based = rdf_format in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS)
    if line_based and limits.max_statements is None and _short_lines(data, limits.max_term_bytes):
        try:
            store.bulk_load(data, format=rdf_format, to_graph=to_graph)
        except SyntaxError as error:
            raise LoadError(source, _reason(error), line=error.lineno) from error
        except MemoryError as error:
            raise _huge_token(source, error) from error
        return
    if rdf_format == ox.RdfFormat.JSON_LD:
        data = resolve_contexts(data, source=source)
    quads = _checked(_parse(data, rdf_format, source, None), source, limits, data)
    store.bulk_extend(_to_graph(quads, to_graph))


# --- before parsing: entities and depth -----------------------------------------------------

_DOCTYPE: Final = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_TRIPLE_TERM: Final = re.compile(rb"<<")
"""Searched by `re` rather than `in`: 0.10 s against 0.17 s in 212 MB of N-Quads, where every
IRI starts with a `<` (this check runs before the store's loading starts)."""

_JSON_SKIP: Final = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_TURTLE_SKIP: Final = re.compile(
    rb'"""[^"\\]*(?:(?:\\.|"(?!""))[^"\\]*)*"""'
    rb"|'''[^'\\]*(?:(?:\\.|'(?!''))[^'\\]*)*'''"
    rb'|"[^"\\\n\r]*(?:\\.[^"\\\n\r]*)*"'
    rb"|'[^'\\\n\r]*(?:\\.[^'\\\n\r]*)*'"
    rb"|<[^<>\"{}|^`\\\x00-\x20]*>"
    rb"|#[^\n\r]*"
    rb"|\\.",
    re.DOTALL,
)
"""Turtle, TriG, N-Triples and N-Quads tokens that may hold brackets without nesting: strings,
IRIs, comments and escapes. What remains of `<<` / `>>` are triple terms."""
_XML_SKIP: Final = re.compile(rb"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>", re.DOTALL)
_XML_EMPTY_TAG: Final = re.compile(rb"<(?:[^>\"'/]|\"[^\"]*\"|'[^']*'|/(?!>))*/>")
_XML_END_TAG: Final = re.compile(rb"</[^>]*>")
_XML_START_TAG: Final = re.compile(rb"<(?:[^>\"']|\"[^\"]*\"|'[^']*')*>")

_OPEN: Final = b"\x02"
_CLOSE: Final = b"\x01"
_STEPS: Final = bytes.maketrans(b"[{(\x02]})\x01", b"\x01\x01\x01\x01\xff\xff\xff\xff")
_NOT_BRACKETS: Final = bytes(set(range(256)) - set(b"[{(\x02]})\x01"))


def check_document(
    data: bytes, rdf_format: ox.RdfFormat, *, source: Path | str, limits: InputLimits
) -> None:
    """Refuse entity declarations (RDF/XML) and nesting deeper than `limits.max_depth`."""
    if rdf_format == ox.RdfFormat.RDF_XML:
        found = _DOCTYPE.search(data)
        if found:
            raise InputRefusedError(
                source,
                "RDF/XML with a DOCTYPE or ENTITY declaration refused (entity expansion is "
                "how XML bombs work; RDF/XML never needs one)",
                line=_line_at(data, found.start()),
            )
    flattened = _brackets_only(data, rdf_format)
    if flattened is None:
        return
    steps = array("b", flattened.translate(_STEPS, _NOT_BRACKETS))
    depth = max(accumulate(steps), default=0)
    if depth > limits.max_depth:
        raise InputRefusedError(
            source,
            f"nested {depth} levels deep, more than the {limits.max_depth} allowed "
            "(input_max_depth): refused before parsing",
            line=_line_of_depth(data, rdf_format, limits.max_depth),
        )


def _brackets_only(data: bytes, rdf_format: ox.RdfFormat) -> bytes | None:
    """*data* with everything that does not nest removed (brackets may remain among other
    bytes; they are filtered next), or None when the syntax cannot nest."""
    if rdf_format == ox.RdfFormat.JSON_LD:
        return _JSON_SKIP.sub(b"", data)
    if rdf_format == ox.RdfFormat.RDF_XML:
        text = _XML_SKIP.sub(b"", data).translate(None, b"[]{}()\x01\x02")
        text = _XML_EMPTY_TAG.sub(b"", text)
        text = _XML_END_TAG.sub(_CLOSE, text)
        return _XML_START_TAG.sub(_OPEN, text)
    line_based = rdf_format in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS)
    if line_based and _TRIPLE_TERM.search(data) is None:
        return None  # one statement per line, nothing nests without triple terms
    stripped = _TURTLE_SKIP.sub(b" ", data).translate(None, b"\x01\x02")
    return stripped.replace(b"<<", _OPEN).replace(b">>", _CLOSE)


def _line_of_depth(data: bytes, rdf_format: ox.RdfFormat, limit: int) -> int | None:
    """The line where nesting first goes deeper than *limit* (a slower pass, on refusal only)."""
    if rdf_format == ox.RdfFormat.RDF_XML:
        return None
    skip = _JSON_SKIP if rdf_format == ox.RdfFormat.JSON_LD else _TURTLE_SKIP
    pattern = re.compile(skip.pattern + rb"|<<|>>|[\[\]{}()]", re.DOTALL)
    depth = 0
    for match in pattern.finditer(data):
        token = match.group()
        if token in (b"<<", b"[", b"{", b"("):
            depth += 1
            if depth > limit:
                return _line_at(data, match.start())
        elif token in (b">>", b"]", b"}", b")"):
            depth -= 1
    return None


def _line_at(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


# --- JSON-LD contexts -----------------------------------------------------------------------

_REMOTE_CONTEXT: Final = re.compile(rb'"@(?:context|import)"\s*:\s*[\["]')


def resolve_contexts(data: bytes, *, source: Path | str) -> bytes:
    """Replace the remote contexts a JSON-LD document names by the bundled ones.

    chava's own context (`.../context.jsonld`, `.../context/v1.jsonld`, any host) and
    schema.org's are answered from the package; any other remote context is refused
    (RemoteImportError), and nothing is ever fetched. A document naming none is returned as
    it is. Call after `check_document` (the depth check keeps `json.loads` within its limits).
    """
    if not _REMOTE_CONTEXT.search(data):
        return data
    try:
        document = json.loads(data)
    except (ValueError, RecursionError) as error:
        raise LoadError(source, f"not valid JSON: {error}") from error
    bundled: set[int] = set()
    pending: list[Any] = [document]
    while pending:
        value = pending.pop()
        if id(value) in bundled:
            continue
        if isinstance(value, list):
            pending.extend(value)
        elif isinstance(value, dict):
            if "@context" in value:
                value["@context"] = _resolve(value["@context"], data, source, bundled)
            if isinstance(value.get("@import"), str):  # a context importing another one
                imported = _resolve(value.pop("@import"), data, source, bundled)
                for key, definition in imported.items():
                    value.setdefault(key, definition)  # the importing context's own terms win
            pending.extend(value.values())
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


def _resolve(value: Any, data: bytes, source: Path | str, bundled: set[int]) -> Any:
    if isinstance(value, list):
        return [_resolve(item, data, source, bundled) for item in value]
    if not isinstance(value, str):
        return value
    context = bundled_context(value)
    if context is None:
        raise RemoteImportError(
            source,
            f"remote JSON-LD @context <{value}> refused: chava never fetches remote documents "
            "(bundled: chava's own context, schema.org's); put the context inline",
            line=_line_at(data, max(data.find(value.encode("utf-8")), 0)),
        )
    bundled.add(id(context))
    return context


def bundled_context(url: str) -> dict[str, Any] | None:
    """The `@context` value of a bundled context named by *url*, or None (never fetched)."""
    if url.rstrip("/") in {known.rstrip("/") for known in SCHEMA_ORG_CONTEXTS}:
        return _schema_org()
    if urlsplit(url).scheme in ("http", "https"):
        ours = context_for_url(url)
        if ours is not None:
            return dict(ours.document["@context"])
    return None


@cache
def _schema_org() -> dict[str, Any]:
    raw = (resources.files("chava.jsonld") / "bundled" / "schemaorg.jsonld").read_bytes()
    context = json.loads(raw)["@context"]
    assert isinstance(context, dict)
    return context


# --- parsing ----------------------------------------------------------------------------------


def _parse(
    data: bytes, rdf_format: ox.RdfFormat, source: Path | str, base_iri: str | None
) -> Iterator[ox.Quad]:
    """pyoxigraph's parser, its errors as LoadError with the line."""
    try:
        yield from ox.parse(data, format=rdf_format, base_iri=base_iri)
    except SyntaxError as error:
        if "LoadDocumentCallback" in str(error.msg):  # pyoxigraph has no loader: never fetches
            raise RemoteImportError(
                source,
                "remote JSON-LD @context refused: chava never fetches remote documents; "
                "put the context inline",
                line=error.lineno,
            ) from error
        raise LoadError(source, _reason(error), line=error.lineno, column=error.offset) from error
    except ValueError as error:
        raise LoadError(source, str(error)) from error
    except MemoryError as error:  # pyoxigraph's token buffer (16 MiB) overflowed: a huge term
        raise _huge_token(source, error) from error


def _huge_token(source: Path | str, error: MemoryError) -> InputRefusedError:
    return InputRefusedError(
        source, f"a term larger than the parser's buffer ({' '.join(str(error).split())}): refused"
    )


def _checked(
    quads: Iterator[ox.Quad], source: Path | str, limits: InputLimits, data: bytes
) -> Iterator[ox.Quad]:
    """Count statements and measure terms as they are parsed."""
    most = limits.max_statements
    cap = limits.max_term_bytes
    long_terms_possible = len(data) > cap
    for count, quad in enumerate(quads, start=1):
        if most is not None and count > most:
            raise InputRefusedError(
                source,
                f"more than {most} statements (harvest_max_statements): refused",
            )
        if long_terms_possible:
            for term in (quad.subject, quad.predicate, quad.object):
                if isinstance(term, ox.NamedNode | ox.Literal) and _too_long(term.value, cap):
                    kind = "a literal" if isinstance(term, ox.Literal) else "an IRI"
                    raise InputRefusedError(
                        source,
                        f"{kind} of more than {cap} bytes (input_max_term_bytes), statement "
                        f"{count}: refused",
                    )
        yield quad


def _too_long(text: str, cap: int) -> bool:
    return len(text) > cap or (len(text) * 4 > cap and len(text.encode("utf-8")) > cap)


def _short_lines(data: bytes, cap: int) -> bool:
    """Whether every line of *data* is shorter than *cap* bytes (a quick, sufficient check:
    a line of cap bytes or more covers a whole aligned window of half that size)."""
    if len(data) < cap:
        return True
    window = max(cap // 2, 1)
    return all(
        data.find(b"\n", start, start + window) >= 0 for start in range(0, len(data), window)
    )


def _to_graph(quads: Iterator[ox.Quad], graph: ox.NamedNode | ox.DefaultGraph) -> Iterator[ox.Quad]:
    if isinstance(graph, ox.DefaultGraph):
        yield from quads
        return
    for quad in quads:
        if isinstance(quad.graph_name, ox.DefaultGraph):
            yield ox.Quad(quad.subject, quad.predicate, quad.object, graph)
        else:
            yield quad


def _reason(error: SyntaxError) -> str:
    """pyoxigraph puts the position in the message too; keep only the reason."""
    message = " ".join(str(error.msg).split())
    if message.startswith("Parser error") and ": " in message:
        return message.split(": ", 1)[1]
    return message
