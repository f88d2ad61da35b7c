"""Settings: one frozen value read once from a TOML file and `CHAVA_*` variables, passed down.

Precedence, lowest first: the defaults below, the TOML file (`chava.toml` in the publication
root, or the file named by `CHAVA_CONFIG`), then `CHAVA_<FIELD>` environment variables.
Nothing else in the code reads `os.environ`.
"""

from __future__ import annotations

import dataclasses
import math
import os
import re
import tomllib
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chava import namespaces
from chava.errors import ConfigError
from chava.stores.remote_engines.profiles import ENGINE_CHOICES

ENV_PREFIX = "CHAVA_"
LOG_FORMAT = "%(levelname)s %(name)s: %(message)s"
"""How `chava` commands, and the web server's supervisor after `chava serve`, log."""
ISOLATION_MODES = ("require", "warn")
"""sparql_worker_isolation's values (chava.sparql.sandbox.MODES: query workers do not import
the settings; tests/test_sparql_sandbox.py keeps the two equal)."""
AUTH_SCHEMES = ("auto", "basic", "digest")
"""Values of store_auth and publish_auth (chava.stores.remote_engines.auth)."""
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*")
_DATASET_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def _setting(
    default: Any,
    help: str,
    *,
    at_least: float | None = None,
    above: float | None = None,
    at_most: float | None = None,
    choices: tuple[str, ...] | None = None,
) -> Any:
    """Declare a setting: its default, the line the docs give it, and the values it takes.

    Numbers are checked against *at_least* / *above* / *at_most* (a number with no bound must
    not be negative), strings against *choices*, when Settings are made (`_check_value`).
    """
    if isinstance(default, list | dict):
        raise TypeError("settings are immutable: use a tuple")
    bounds = {"at_least": at_least, "above": above, "at_most": at_most, "choices": choices}
    return field(default=default, metadata={"help": help, **bounds})


@dataclass(frozen=True)
class Settings:
    """Every setting of a chava deployment; each field is documented in docs/settings.md."""

    root: Path = _setting(
        Path(), "Publication root holding ontology/, data/ and shapes/ (default: current folder)."
    )
    build_dir: Path = _setting(
        Path("build"), "Where `chava build` writes builds; relative paths are under root."
    )
    data_base_iri: str = _setting(
        namespaces.DATA_BASE, "Canonical base of the data IRIs (things, graphs, dataset)."
    )
    vocabulary_base_iri: str = _setting(
        namespaces.VOCABULARY_BASE, "Canonical base of the vocabulary (ontology and shapes)."
    )
    dataset_name: str = _setting(
        "chava",
        "Last segment of the dataset IRI, `{data}id/dataset/NAME` (`chava init` sets the "
        "city's slug); the dataset's title comes from its own data.",
    )
    languages: tuple[str, ...] = _setting(
        ("fr", "en"),
        "Languages of labels and pages (BCP 47 tags), preferred first; the publication's own "
        "resources need a label in the first (violation), in the others (warning).",
    )
    validation_engine: str = _setting(
        "oxigraph",
        "SHACL engine of `chava validate`, `build` and `harvest`: oxigraph (shapes compiled to "
        "SPARQL, the fastest), rudof (needs pyrudof) or pyshacl (the reference).",
    )
    validation_threads: int = _setting(
        0, "Threads the oxigraph engine runs its queries on (0: one per CPU core, at most 4)."
    )
    progress_after: float = _setting(
        2.0, "Seconds a validation runs before it shows its progress on a terminal (stderr)."
    )
    host: str = _setting("127.0.0.1", "Interface `chava serve` listens on.")
    port: int = _setting(8080, "Port `chava serve` listens on.", at_least=1, at_most=65535)
    web_workers: int = _setting(
        1,
        "Web worker processes (granian), each with its own threads, caches and query workers "
        "(each about 150-250 MB at a million statements; more use more cores).",
        at_least=1,
    )
    # --- publish: dereferencing, builds, serving ---
    iri_paths: tuple[str, ...] = _setting(
        ("/id/={data}id/", "/graph/={data}graph/", "/learning-city/={vocabulary}"),
        "Local URL path prefixes and the canonical IRI namespaces they answer for, as "
        "`/path/=IRI`; `{data}` and `{vocabulary}` stand for the two base IRIs.",
    )
    web_threads: int = _setting(
        4,
        "Threads per web worker for pages, resources, the API and dumps; SPARQL queries run on "
        "threads of their own and never take these.",
        at_least=1,
    )
    web_queue_length: int = _setting(
        64,
        "Requests for pages, the API and dumps one web worker lets wait for a thread; more: "
        "503 at once, with Retry-After.",
        at_least=0,
    )
    web_max_body_bytes: int = _setting(
        256 * 1024,
        "Largest request body on any route, counted while it is read (chunked bodies too); "
        "more: 413. /sparql allows at most what its query limit needs.",
        at_least=1,
    )
    web_body_timeout: float = _setting(
        10.0,
        "Seconds a client may take to send a request's headers (then the connection is closed) "
        "and, after them, its body (408).",
        above=0,
    )
    web_max_connections: int = _setting(
        4096,
        "Open connections one web worker accepts (idle keep-alive ones included); the open-file "
        "limit is raised to fit when the system allows.",
        at_least=1,
    )
    public_base_url: str = _setting(
        "",
        "The server's public URL, e.g. `https://data.example.org` (empty: links, Location "
        "headers and JSON-LD URLs follow the request's Host header, which clients choose).",
    )
    incoming_limit: int = _setting(
        100,
        "Incoming links shown per page of a resource; more pages via `Link: rel=next`.",
        at_least=1,
    )
    max_path_length: int = _setting(
        1024, "Longest request path (characters) a resource route accepts; longer: 414.", at_least=1
    )
    representation_cache_bytes: int = _setting(
        16 * 1024 * 1024,
        "Bytes per worker for each cache: rendered representations, replayed responses (0: none).",
        at_least=0,
    )
    cache_max_age: int = _setting(
        300,
        "Seconds clients and proxies may reuse a resource or dump without revalidating.",
        at_least=0,
    )
    dataset_license: str = _setting(
        "https://creativecommons.org/licenses/by/4.0/",
        "License IRI the dataset description states when the data states none (default: CC BY "
        "4.0, the license of the bundled data and ontology).",
    )
    data_default_graph: str | None = _setting(
        None,
        "Graph IRI for triples outside any named graph in `--data` files "
        "(unset: they stay in the default graph).",
    )
    # --- input: every RDF document read (publication, --data, validate, harvest) ---
    input_max_depth: int = _setting(
        100,
        "Deepest nesting in an RDF document: JSON-LD objects and arrays, Turtle/TriG [] () {} "
        "and triple terms, RDF/XML elements (deeper: refused before parsing).",
        at_least=1,
    )
    input_max_term_bytes: int = _setting(
        1024 * 1024,
        "Longest literal or IRI in an RDF document, in UTF-8 bytes (longer: the document is "
        "refused).",
        at_least=1,
    )
    # --- sparql: the public endpoint ---
    sparql_default_graphs: tuple[str, ...] = _setting(
        (), "Graph IRIs forming the default graph of public queries (empty: union of all)."
    )
    sparql_timeout: float = _setting(
        10.0,
        "Seconds a public query may run; then its worker is killed and the answer is 503.",
        above=0,
    )
    sparql_max_query_bytes: int = _setting(
        64 * 1024, "Longest query text in bytes (longer: 413, or 414 in a GET URL).", at_least=1
    )
    sparql_max_depth: int = _setting(
        100,
        "Deepest nesting of (), {} and [] in a query (deeper: 400, checked before parsing).",
        at_least=1,
    )
    sparql_max_results: int = _setting(
        10_000,
        "Rows (SELECT) or triples (CONSTRUCT/DESCRIBE) per response; more: cut, flagged.",
        at_least=1,
    )
    sparql_client_concurrency: int = _setting(
        2,
        "Queries one client (IP address) may have running at once, across all web workers.",
        at_least=1,
    )
    sparql_workers: int | None = _setting(
        None,
        "Query worker processes per web worker, each running one query at a time (unset: sized "
        "from the machine, see docs/sparql.md); keep it above sparql_client_concurrency.",
        at_least=1,
    )
    sparql_worker_idle_timeout: float = _setting(
        60.0,
        "Seconds a query worker may stay idle before it is stopped, one always kept per web "
        "worker: each starts one and starts more (up to sparql_workers) when queries find none "
        "free (0: all start at once and stay).",
        at_least=0,
    )
    sparql_queue_length: int = _setting(
        4,
        "SPARQL requests one web worker lets wait for a query worker; more: 503 at once, with "
        "Retry-After. A waiting request whose client hangs up is dropped, never run.",
        at_least=0,
    )
    sparql_rate_limit: float = _setting(
        20.0,
        "SPARQL requests per second one client (IP address) may send on average, across all "
        "web workers, cached answers included (more: 429 with Retry-After; 0: no limit).",
        at_least=0,
    )
    sparql_rate_burst: int = _setting(
        100,
        "SPARQL requests one client may send at once before sparql_rate_limit applies.",
        at_least=1,
    )
    sparql_client_budget: float = _setting(
        60.0,
        "Seconds of query time one client (IP address) may use per minute, across all web "
        "workers (Wikidata's rule); spent: 429 with Retry-After until it refills (0: no budget).",
        at_least=0,
    )
    sparql_service_allowlist: tuple[str, ...] = _setting(
        (), "Endpoint IRIs a query may call with SERVICE (empty: SERVICE is refused)."
    )
    sparql_cache_bytes: int = _setting(
        8 * 1024 * 1024, "Bytes of query results cached per web worker (0: no cache).", at_least=0
    )
    sparql_worker_memory_mb: int | None = _setting(
        None,
        "Address space of each query worker in MB (unset: sized from the machine, see "
        "docs/sparql.md; 0: unlimited); a query needing more ends its worker (503), not the "
        "machine.",
        at_least=0,
    )
    sparql_max_offset: int = _setting(
        1_000_000,
        "Largest OFFSET a query may use (larger: 400, checked before the query runs).",
        at_least=0,
    )
    sparql_max_result_bytes: int = _setting(
        16 * 1024 * 1024,
        "Bytes per response (about): a larger result is cut at a row boundary and flagged, "
        "like the row cap.",
        at_least=1,
    )
    sparql_inline_rows: int = _setting(
        1000,
        "Rows up to which a lookup (one triple pattern with a constant subject, see "
        "docs/sparql.md) is answered in the web process; more: it runs in a query worker "
        "(0: every query does).",
        at_least=0,
    )
    sparql_worker_isolation: str = _setting(
        "require",
        "Query workers in a network namespace of their own: `require` (refuse to start where "
        "the kernel does not allow it) or `warn` (then run without, with a warning).",
        choices=ISOLATION_MODES,
    )
    # --- pages: HTML for people ---
    class_page_size: int = _setting(
        100, "Instances listed per page of a class page (`/classes/...?page=N`).", at_least=1
    )
    # --- JSON-LD API ---
    api_page_size: int = _setting(
        20, "Items per page of `/api/...` listings without `?limit=`.", at_least=1
    )
    api_max_limit: int = _setting(
        500, "Largest `?limit=` of `/api/...` listings (more: 400).", at_least=1
    )
    api_cache_items: int = _setting(
        2_000,
        "Framed API items cached per web worker for the served build (0: no cache).",
        at_least=0,
    )
    # --- linking: remote sources (validate --endpoint, harvest, publish --to) ---
    remote_connect_timeout: float = _setting(
        5.0, "Seconds to wait for a connection to a remote endpoint, dump or graph store.", above=0
    )
    remote_read_timeout: float = _setting(
        30.0,
        "Seconds to wait for each read from a remote source (a whole reply: 4 times that).",
        above=0,
    )
    remote_max_bytes: int = _setting(
        256 * 1024 * 1024,
        "Most bytes read from one remote source, all pages together (more: refused).",
        at_least=1,
    )
    harvest_max_statements: int = _setting(
        250_000,
        "Most statements read from one partner by `chava harvest` or `chava validate --profile` "
        "(more: refused; checking takes about 1 GB per 250,000).",
        at_least=1,
    )
    harvest_page_size: int = _setting(
        10_000,
        "Resources per CONSTRUCT page when reading a SPARQL endpoint (LIMIT/OFFSET).",
        at_least=1,
    )
    # --- contributions: proposals, review, the change feed ---
    contributions_dir: Path = _setting(
        Path("contributions"),
        "Where proposals, stewards' accounts, sessions and the change log are kept (never "
        "published; outside data/); relative paths are under root.",
    )
    contributions_open: bool = _setting(
        True,
        "Whether anyone may propose data (the forms and `POST /contributions`); stewards sign in, "
        "review and edit either way.",
    )
    contribution_rate_limit: int = _setting(
        20,
        "Proposals one client (IP address) may send per hour, anonymous or not (more: 429).",
        at_least=1,
    )
    contributions_max_pending: int = _setting(
        1000,
        "Proposals waiting for review at most (more: 503 until stewards have caught up).",
        at_least=1,
    )
    contribution_max_statements: int = _setting(
        500, "Statements one proposal may hold (more: 413).", at_least=1
    )
    steward_login_attempts: int = _setting(
        5,
        "Failed sign-ins allowed per client (IP address) and per account in 15 minutes (more: "
        "429 with Retry-After).",
        at_least=1,
    )
    steward_session_hours: float = _setting(
        8.0, "Hours a steward's session lasts after signing in.", above=0
    )
    feed_page_size: int = _setting(
        100,
        "Changes per page of the change feed (`/changes/N`); full pages never change.",
        at_least=1,
    )
    store_url: str = _setting(
        "",
        "SPARQL 1.1 query endpoint of an external engine holding the build (`chava serve "
        "--store`), or several (replicas) separated by spaces; empty: the local store.",
    )
    store_engine: str = _setting(
        "auto",
        "The engine behind store_url: `auto` (detected at start-up), `oxigraph`, `virtuoso` "
        "(tested), `fuseki`, `qlever` or `generic` (untested).",
        choices=ENGINE_CHOICES,
    )
    store_user: str | None = _setting(
        None, "User name `chava serve --store` reads the engine with (unset: anonymous)."
    )
    store_password: str | None = field(
        default=None,
        repr=False,  # never shown, not even in a logged Settings
        metadata={"help": "Password of store_user; never logged. Prefer CHAVA_STORE_PASSWORD."},
    )
    store_token: str | None = field(
        default=None,
        repr=False,
        metadata={"help": "Bearer token for reading the engine (instead of a user); never logged."},
    )
    store_auth: str = _setting(
        "auto",
        "How store_user authenticates: `basic`, `digest`, or `auto` (as the engine asks).",
        choices=AUTH_SCHEMES,
    )
    store_timeout: float = _setting(
        15.0,
        "Seconds an engine may take to answer one read for a page or the API (then 504); "
        "public queries have sparql_timeout.",
        above=0,
    )
    store_concurrency: int = _setting(
        3,
        "Connections to the engine per web worker for pages and the API (more requests wait "
        "a quarter of a second, then 503); keep it below web_threads.",
        at_least=1,
    )
    store_max_rows: int = _setting(
        0,
        "The engine's row cap per answer (Virtuoso's ResultSetMaxRows); 0: detected at "
        "start-up. Answers cut at it are read page by page.",
        at_least=0,
    )
    publish_user: str | None = _setting(
        None, "User name for `chava publish --to` (unset: no credentials)."
    )
    publish_password: str | None = field(
        default=None,
        repr=False,  # never shown, not even in a logged Settings
        metadata={
            "help": "Password for `chava publish --to`; never logged. Prefer "
            "CHAVA_PUBLISH_PASSWORD."
        },
    )
    publish_token: str | None = field(
        default=None,
        repr=False,
        metadata={
            "help": "Bearer token for `chava publish --to` (instead of a user); never logged."
        },
    )
    publish_auth: str = _setting(
        "auto",
        "How publish_user authenticates: `basic`, `digest`, or `auto` (as the engine asks).",
        choices=AUTH_SCHEMES,
    )
    publish_chunk_bytes: int = _setting(
        8 * 1024 * 1024,
        "Largest request `chava publish --to` sends; a larger graph goes in several (blank "
        "nodes never split).",
        at_least=1,
    )
    publish_timeout: float = _setting(
        300.0,
        "Seconds the engine may take to store one request of `chava publish --to`.",
        above=0,
    )

    def __post_init__(self) -> None:
        for setting in dataclasses.fields(self):
            problem = _check_value(setting, getattr(self, setting.name))
            if problem is not None:
                raise ConfigError(f"{setting.name}: {problem}")
        if self.api_page_size > self.api_max_limit:
            raise ConfigError(
                f"api_page_size: {self.api_page_size} is above api_max_limit "
                f"({self.api_max_limit}): a page without ?limit= would be refused"
            )

    @property
    def contributions_path(self) -> Path:
        """The contributions folder, resolved against root."""
        folder = self.contributions_dir
        return folder if folder.is_absolute() else self.root / folder

    @property
    def build_path(self) -> Path:
        """The build folder, resolved against root."""
        return self.build_dir if self.build_dir.is_absolute() else self.root / self.build_dir

    @classmethod
    def load(
        cls,
        *,
        root: Path | None = None,
        environ: Mapping[str, str] | None = None,
        overrides: Mapping[str, Any] | None = None,
    ) -> Settings:
        """Read defaults, then the TOML file, then `CHAVA_*` variables, then *overrides*."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        sources: dict[str, str] = {}  # where each value came from, for error messages
        if root is not None:
            values["root"] = root
        elif "CHAVA_ROOT" in environ:
            values["root"] = environ["CHAVA_ROOT"]
            sources["root"] = "CHAVA_ROOT"
        config_root = Path(values.get("root", Path()))
        config_path = Path(environ["CHAVA_CONFIG"]) if "CHAVA_CONFIG" in environ else None
        if config_path is None and (config_root / "chava.toml").is_file():
            config_path = config_root / "chava.toml"
        if config_path is not None:
            from_file = _read_toml(config_path)
            values.update(from_file)
            sources.update(dict.fromkeys(from_file, str(config_path)))
            if root is not None:
                values["root"] = root
                sources.pop("root", None)
        for setting in dataclasses.fields(cls):
            name = ENV_PREFIX + setting.name.upper()
            if name in environ and name != "CHAVA_ROOT":
                values[setting.name] = environ[name]
                sources[setting.name] = name
        values.update(overrides or {})
        for name in overrides or {}:
            sources.pop(name, None)
        return cls.from_mapping(values, origin="settings", sources=sources)

    @classmethod
    def from_mapping(
        cls,
        values: Mapping[str, Any],
        *,
        origin: str,
        sources: Mapping[str, str] | None = None,
    ) -> Settings:
        """Build Settings from raw values (strings from the environment, TOML values).

        Errors name the setting and where its value came from: *sources* maps a setting to
        its file or variable; *origin* stands for the rest.
        """
        known = {setting.name: setting for setting in dataclasses.fields(cls)}
        converted: dict[str, Any] = {}
        hints = typing.get_type_hints(cls)
        for name, raw in values.items():
            source = (sources or {}).get(name, origin)
            if name not in known:
                raise ConfigError(f"{source}: unknown setting {name!r}")
            converted[name] = _convert(raw, hints[name], f"{source}: {name}")
            problem = _check_value(known[name], converted[name])
            if problem is not None:
                raise ConfigError(f"{source}: {name}: {problem}")
        return cls(**converted)


def setting_help() -> dict[str, str]:
    """Map each setting name to its one-line documentation."""
    return {setting.name: setting.metadata["help"] for setting in dataclasses.fields(Settings)}


def _check_value(setting: dataclasses.Field[Any], value: Any) -> str | None:
    """What is wrong with *value* for *setting* (None when it is fine), in a few words."""
    name, rules = setting.name, setting.metadata
    if name == "dataset_name" and not _DATASET_NAME.fullmatch(value):
        return f"{value!r} must be letters, digits, '.', '_' or '-' (it ends the dataset IRI)"
    if name == "languages":
        return _check_languages(value)
    if name in {"data_base_iri", "vocabulary_base_iri"}:
        return base_iri_problem(value)
    if name == "host" and not str(value).strip():
        return "must name an interface, such as 127.0.0.1 or 0.0.0.0"
    choices = rules.get("choices")
    if choices is not None and value not in choices:
        return f"{value!r} is not one of {', '.join(choices)}"
    if value is None or isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return f"{value!r} is not a number"
    at_least, above, at_most = rules.get("at_least"), rules.get("above"), rules.get("at_most")
    if at_least is None and above is None:
        at_least = 0  # no setting counts below zero
    if at_least is not None and value < at_least:
        return f"{value!r} must be at least {at_least:g}"
    if above is not None and value <= above:
        return f"{value!r} must be more than {above:g}"
    if at_most is not None and value > at_most:
        return f"{value!r} must be at most {at_most:g}"
    return None


def base_iri_problem(base_iri: str) -> str | None:
    """What keeps *base_iri* from prefixing a publication's IRIs (None when it can): it must be
    http(s), name a host, end with '/' and hold no character IRIs cannot."""
    if not base_iri.startswith(("http://", "https://")) or not base_iri.endswith("/"):
        return f"{base_iri!r} must be http(s) and end with '/', such as https://city.example.org/"
    if not base_iri.split("://", 1)[1].split("/", 1)[0]:
        return f"{base_iri!r} names no host"
    if any(character in base_iri for character in '<>"{}|^`\\ \n\t'):
        return f"{base_iri!r} holds a character IRIs cannot"
    return None


def _check_languages(languages: tuple[str, ...]) -> str | None:
    if not languages:
        return "name at least one language (BCP 47 tags, such as fr or en), preferred first"
    for tag in languages:
        if not _LANGUAGE_TAG.fullmatch(tag):
            return f"{tag!r} is not a language tag (BCP 47, such as fr, en or zh-Hans)"
    lowered = [tag.lower() for tag in languages]
    if len(set(lowered)) != len(lowered):
        return f"{', '.join(languages)} names a language twice"
    return None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as stream:
            document = tomllib.load(stream)
    except FileNotFoundError as error:
        raise ConfigError(f"{path}: settings file not found") from error
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: {error}") from error
    section = document.get("chava", document)
    if not isinstance(section, dict):
        raise ConfigError(f"{path}: [chava] must be a table")
    return dict(section)


def _convert(raw: Any, hint: Any, where: str) -> Any:
    """Coerce a TOML value or an environment string to the type the field declares."""
    origin = typing.get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        options = [option for option in typing.get_args(hint) if option is not type(None)]
        if raw is None or raw == "":
            return None
        return _convert(raw, options[0], where)
    if origin is tuple:
        (item_type, _ellipsis) = typing.get_args(hint)
        items = raw.split(",") if isinstance(raw, str) else raw
        if not isinstance(items, list | tuple):
            raise ConfigError(f"{where}: expected a list, got {raw!r}")
        return tuple(
            _convert(item.strip() if isinstance(item, str) else item, item_type, where)
            for item in items
            if not (isinstance(item, str) and not item.strip())
        )
    try:
        if hint is bool:
            if isinstance(raw, bool):
                return raw
            lowered = str(raw).strip().lower()
            if lowered in ("1", "true", "yes", "on"):
                return True
            if lowered in ("0", "false", "no", "off"):
                return False
            raise ValueError(raw)
        if hint is int and isinstance(raw, bool | float):
            raise ValueError(raw)
        if hint in (int, float, str):
            return hint(raw)
        if hint is Path:
            return Path(raw)
    except (TypeError, ValueError) as error:
        raise ConfigError(f"{where}: {raw!r} is not a valid {hint.__name__}") from error
    raise ConfigError(f"{where}: unsupported setting type {hint!r}")
