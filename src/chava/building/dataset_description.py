"""The dataset's self-description (VoID + DCAT), computed from a built store at build time.

What can be counted is counted here (triples, class and property partitions, linksets, dumps);
what must be said by people (license, publisher, title) comes from the data itself when it
states it about the dataset IRI. Nothing about real organisations is invented here.

Each build is a version of the dataset (`{dataset}/build/{id}`, DCAT 3 versioning and PROV):
the build log's recent entries become `dcat:hasVersion` resources, each linked to the build
current before it (`dcat:previousVersion`, `prov:wasRevisionOf`); the current version names its
inputs with their SHA-256 (`prov:wasDerivedFrom`).
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final
from urllib.parse import urlsplit

import pyoxigraph as ox

from chava import namespaces
from chava.building.build_log import LogEntry
from chava.building.dumps import Dump
from chava.config import Settings
from chava.publication_iris import publication_iris

SPDX: Final = "http://spdx.org/rdf/terms#"
IANA_MEDIA_TYPES: Final = "https://www.iana.org/assignments/media-types/"

Subject = ox.NamedNode | ox.BlankNode
Value = ox.NamedNode | ox.BlankNode | ox.Literal
Say = Callable[[Subject, str, Value], None]

RDF_TYPE: Final = ox.NamedNode(namespaces.RDF + "type")
DCTERMS_TITLE: Final = ox.NamedNode(namespaces.DCTERMS + "title")
DCTERMS_DESCRIPTION: Final = ox.NamedNode(namespaces.DCTERMS + "description")


def dataset_iri(settings: Settings) -> str:
    """The IRI of the published dataset."""
    return publication_iris(settings).dataset


def metadata_graph_iri(settings: Settings) -> str:
    """The named graph holding the self-description."""
    return publication_iris(settings).metadata


def well_known_targets(settings: Settings) -> tuple[str, ...]:
    """Namespaces that are ours: links into them are not linksets."""
    return (settings.data_base_iri, settings.vocabulary_base_iri)


@dataclass(frozen=True)
class BuildFacts:
    """What the build knows about itself when describing the dataset."""

    build_id: str
    created: datetime
    dumps: tuple[Dump, ...]
    bundled: bool
    """True for the bundled publication, False for a `--data` dataset."""
    graph_counts: Mapping[str, int]
    """Quads per named graph ('' for the default graph), before the metadata graph."""
    previous: str | None = None
    """The build current when this one was written."""
    inputs: Sequence[Mapping[str, object]] = ()
    """The inputs read (manifest entries: name, sha256, bytes)."""
    history: Sequence[LogEntry] = field(default=())
    """Earlier builds made current, newest first (from the build log)."""
    triples: int | None = None
    """Distinct triples of the data (`distinct_triples`), if already counted."""
    entities: int | None = None
    """Distinct IRI subjects of the data (`void:entities`, `dataset_totals`), if counted."""


@dataclass(frozen=True)
class DatasetTotals:
    """The dataset's `void:triples` (distinct triples) and `void:entities` (IRI subjects)."""

    triples: int
    entities: int


def distinct_triples(store: ox.Store) -> int:
    """The distinct triples of every graph of *store* (the dataset's `void:triples`)."""
    return _count(store, _DISTINCT_TRIPLES)


def dataset_totals(store: ox.Store, graph_counts: Mapping[str, int]) -> DatasetTotals:
    """The distinct triples and IRI subjects of the union of *store*'s graphs, whose quads per
    graph are *graph_counts* ('' for the default graph).

    One query groups the named graphs' statements by subject: when no subject is in two
    graphs, no triple is either, and the distinct triples are the quads (already counted);
    otherwise the triples are counted distinct (a second, costlier query: it holds every
    triple). Data with statements in the default graph is counted with both queries.
    """
    if graph_counts.get("", 0) == 0:
        solutions = store.query(_SUBJECTS_AND_SPREAD, use_default_graph_as_union=True)
        assert isinstance(solutions, ox.QuerySolutions)
        for solution in solutions:
            entities, spread = solution["entities"], solution["spread"]
            if entities is None or spread is None:
                return DatasetTotals(0, 0)  # no statement in a named graph
            if int(spread.value) <= 1:
                return DatasetTotals(sum(graph_counts.values()), int(entities.value))
            return DatasetTotals(distinct_triples(store), int(entities.value))
    return DatasetTotals(distinct_triples(store), _count(store, _DISTINCT_SUBJECTS))


def version_iri(settings: Settings, build_id: str) -> str:
    """The IRI of one build of the dataset (a version of it)."""
    return f"{dataset_iri(settings)}/build/{build_id}"


def describe_dataset(store: ox.Store, settings: Settings, facts: BuildFacts) -> list[ox.Quad]:
    """Return the metadata graph's quads for the dataset held in *store*."""
    graph = ox.NamedNode(metadata_graph_iri(settings))
    dataset = ox.NamedNode(dataset_iri(settings))
    statements = _Statements()
    say = statements.say
    for kind in (namespaces.VOID + "Dataset", namespaces.DCAT + "Dataset"):
        say(dataset, namespaces.RDF + "type", ox.NamedNode(kind))
    if not _states(store, dataset, DCTERMS_TITLE):
        for text, language in _default_titles(facts.bundled):
            say(dataset, namespaces.DCTERMS + "title", ox.Literal(text, language=language))
    if not _states(store, dataset, DCTERMS_DESCRIPTION):
        for text, language in _default_descriptions(facts.bundled):
            say(dataset, namespaces.DCTERMS + "description", ox.Literal(text, language=language))
    if facts.bundled:
        _describe_provenance(store, settings, dataset, say)
    stamp = ox.Literal(
        facts.created.isoformat(), datatype=ox.NamedNode(namespaces.XSD + "dateTime")
    )
    if not _states(store, dataset, ox.NamedNode(namespaces.DCTERMS + "created")):
        say(dataset, namespaces.DCTERMS + "created", stamp)
    say(dataset, namespaces.DCTERMS + "modified", stamp)
    say(dataset, namespaces.DCAT + "version", ox.Literal(facts.build_id))
    say(dataset, namespaces.VOID + "uriSpace", ox.Literal(settings.data_base_iri + "id/"))
    say(
        dataset, namespaces.VOID + "sparqlEndpoint", ox.NamedNode(settings.data_base_iri + "sparql")
    )
    triples = facts.triples if facts.triples is not None else distinct_triples(store)
    say(dataset, namespaces.VOID + "triples", _integer(triples))
    subjects = facts.entities if facts.entities is not None else _count(store, _DISTINCT_SUBJECTS)
    say(dataset, namespaces.VOID + "entities", _integer(subjects))
    if facts.bundled:
        vocabulary = settings.vocabulary_base_iri
        say(dataset, namespaces.VOID + "vocabulary", ox.NamedNode(vocabulary + "def/core#"))
        say(dataset, namespaces.DCTERMS + "conformsTo", ox.NamedNode(vocabulary + "def/shapes"))

    for cls, entities in _rows(store, _CLASS_PARTITIONS):
        partition = ox.BlankNode()
        say(dataset, namespaces.VOID + "classPartition", partition)
        say(partition, namespaces.VOID + "class", cls)
        say(partition, namespaces.VOID + "entities", entities)
    for predicate, count in _rows(store, _PROPERTY_PARTITIONS):
        partition = ox.BlankNode()
        say(dataset, namespaces.VOID + "propertyPartition", partition)
        say(partition, namespaces.VOID + "property", predicate)
        say(partition, namespaces.VOID + "triples", count)
    for graph_iri, quads in facts.graph_counts.items():
        if graph_iri:  # each named graph is a subset, so /graph/<name> describes itself
            named = ox.NamedNode(graph_iri)
            say(dataset, namespaces.VOID + "subset", named)
            say(named, namespaces.RDF + "type", ox.NamedNode(namespaces.SD + "NamedGraph"))
            say(named, namespaces.SD + "name", named)
            say(named, namespaces.VOID + "triples", _integer(quads))
    _describe_linksets(store, settings, dataset, say)
    for dump in facts.dumps:
        _describe_dump(settings, dataset, dump, stamp, say)
    if facts.bundled:
        _describe_change_feed(settings, dataset, say)
    _describe_versions(settings, dataset, facts, triples, say)
    return [ox.Quad(s, ox.NamedNode(p), o, graph) for s, p, o in statements.triples]


def _describe_versions(
    settings: Settings, dataset: ox.NamedNode, facts: BuildFacts, triples: int, say: Say
) -> None:
    """This build and the recent ones as versions of the dataset, each naming its predecessor."""
    current = LogEntry(facts.build_id, facts.created, facts.created, facts.previous, triples)
    seen: set[str] = set()
    for entry in (current, *facts.history):
        if entry.build_id in seen:
            continue  # a build made current again: its latest entry describes it
        seen.add(entry.build_id)
        version = ox.NamedNode(version_iri(settings, entry.build_id))
        say(dataset, namespaces.DCAT + "hasVersion", version)
        say(version, namespaces.RDF + "type", ox.NamedNode(namespaces.DCAT + "Dataset"))
        say(version, namespaces.RDF + "type", ox.NamedNode(namespaces.PROV + "Entity"))
        say(version, namespaces.DCTERMS + "isVersionOf", dataset)
        say(version, namespaces.DCAT + "version", ox.Literal(entry.build_id))
        date = entry.created.date().isoformat()
        say(version, namespaces.DCTERMS + "title", ox.Literal(f"{entry.build_id} ({date})"))
        say(version, namespaces.DCTERMS + "created", _datetime(entry.created))
        say(version, namespaces.DCTERMS + "issued", _datetime(entry.published))
        say(version, namespaces.VOID + "triples", _integer(entry.triples))
        if entry.previous and entry.previous != entry.build_id:
            previous = ox.NamedNode(version_iri(settings, entry.previous))
            say(version, namespaces.DCAT + "previousVersion", previous)
            say(version, namespaces.PROV + "wasRevisionOf", previous)
    here = ox.NamedNode(version_iri(settings, facts.build_id))
    say(dataset, namespaces.DCAT + "hasCurrentVersion", here)
    if facts.previous and facts.previous != facts.build_id:
        previous = ox.NamedNode(version_iri(settings, facts.previous))
        say(dataset, namespaces.DCAT + "previousVersion", previous)
        say(dataset, namespaces.PROV + "wasRevisionOf", previous)
    for source in facts.inputs:
        used = ox.BlankNode()
        say(here, namespaces.PROV + "wasDerivedFrom", used)
        say(used, namespaces.RDF + "type", ox.NamedNode(namespaces.PROV + "Entity"))
        say(used, namespaces.DCTERMS + "identifier", ox.Literal(str(source["name"])))
        size = ox.Literal(
            str(source["bytes"]), datatype=ox.NamedNode(namespaces.XSD + "nonNegativeInteger")
        )
        say(used, namespaces.DCAT + "byteSize", size)
        _say_checksum(used, str(source["sha256"]), say)


def _say_checksum(subject: Subject, sha256: str, say: Say) -> None:
    checksum = ox.BlankNode()
    say(subject, SPDX + "checksum", checksum)
    say(checksum, namespaces.RDF + "type", ox.NamedNode(SPDX + "Checksum"))
    say(checksum, SPDX + "algorithm", ox.NamedNode(SPDX + "checksumAlgorithm_sha256"))
    value = ox.Literal(sha256, datatype=ox.NamedNode(namespaces.XSD + "hexBinary"))
    say(checksum, SPDX + "checksumValue", value)


def _datetime(moment: datetime) -> ox.Literal:
    return ox.Literal(moment.isoformat(), datatype=ox.NamedNode(namespaces.XSD + "dateTime"))


class _Statements:
    """The triples being written, in order."""

    def __init__(self) -> None:
        self.triples: list[tuple[Subject, str, Value]] = []

    def say(self, subject: Subject, predicate: str, value: Value) -> None:
        self.triples.append((subject, predicate, value))


def _describe_dump(
    settings: Settings, dataset: ox.NamedNode, dump: Dump, stamp: ox.Literal, say: Say
) -> None:
    url = ox.NamedNode(settings.data_base_iri + "dumps/" + dump.kind.name)
    distribution = ox.NamedNode(f"{dataset.value}/distribution/{dump.kind.format.extension}")
    say(dataset, namespaces.DCAT + "distribution", distribution)
    say(dataset, namespaces.VOID + "dataDump", url)
    say(distribution, namespaces.RDF + "type", ox.NamedNode(namespaces.DCAT + "Distribution"))
    say(distribution, namespaces.DCTERMS + "title", ox.Literal(dump.kind.title, language="en"))
    say(distribution, namespaces.DCAT + "downloadURL", url)
    say(distribution, namespaces.DCAT + "accessURL", url)
    media_type = ox.NamedNode(IANA_MEDIA_TYPES + dump.kind.format.media_type)
    say(distribution, namespaces.DCAT + "mediaType", media_type)
    if dump.kind.gzipped:
        gzip_type = ox.NamedNode(IANA_MEDIA_TYPES + "application/gzip")
        say(distribution, namespaces.DCAT + "compressFormat", gzip_type)
    size = ox.Literal(
        str(dump.byte_size), datatype=ox.NamedNode(namespaces.XSD + "nonNegativeInteger")
    )
    say(distribution, namespaces.DCAT + "byteSize", size)
    say(distribution, namespaces.DCTERMS + "modified", stamp)
    _say_checksum(distribution, dump.sha256, say)


CHANGE_FEED_PATH = "changes"
"""Where a publication's change feed is, under its data base (chava.contributions.feed)."""
ACTIVITY_STREAMS = "https://www.w3.org/TR/activitystreams-core/"


def _describe_change_feed(settings: Settings, dataset: ox.NamedNode, say: Say) -> None:
    """The change feed (Activity Streams 2.0) as a distribution partners follow."""
    url = ox.NamedNode(settings.data_base_iri + CHANGE_FEED_PATH)
    feed = ox.NamedNode(f"{dataset.value}/distribution/changes")
    say(dataset, namespaces.DCAT + "distribution", feed)
    say(feed, namespaces.RDF + "type", ox.NamedNode(namespaces.DCAT + "Distribution"))
    title = "Change feed: every published create, update and delete (Activity Streams 2.0)"
    say(feed, namespaces.DCTERMS + "title", ox.Literal(title, language="en"))
    say(feed, namespaces.DCAT + "accessURL", url)
    say(
        feed,
        namespaces.DCAT + "mediaType",
        ox.NamedNode(IANA_MEDIA_TYPES + "application/activity+json"),
    )
    say(feed, namespaces.DCTERMS + "conformsTo", ox.NamedNode(ACTIVITY_STREAMS))


def _describe_linksets(
    store: ox.Store, settings: Settings, dataset: ox.NamedNode, say: Say
) -> None:
    """One void:Linkset per (target host, predicate) of the links graph's links.

    A link is a statement about one of our things (`{data}id/...`) whose object is an external
    IRI; the graph's own provenance, reified statements (blank subjects) and rdf:type are not.
    """
    links_graph = ox.NamedNode(settings.data_base_iri + "graph/links")
    ours = well_known_targets(settings)
    things = settings.data_base_iri + "id/"
    counts: Counter[tuple[str, str]] = Counter()
    objects: dict[str, set[str]] = {}
    for quad in store.quads_for_pattern(None, None, None, links_graph):
        subject, target = quad.subject, quad.object
        if not (isinstance(subject, ox.NamedNode) and subject.value.startswith(things)):
            continue
        if quad.predicate == RDF_TYPE or not isinstance(target, ox.NamedNode):
            continue
        if target.value.startswith(ours):
            continue
        host = urlsplit(target.value).hostname or "external"
        counts[(host, quad.predicate.value)] += 1
        objects.setdefault(host, set()).add(target.value)
    for host, iris in sorted(objects.items()):
        described = ox.NamedNode(f"{dataset.value}/target/{host}")
        say(described, namespaces.RDF + "type", ox.NamedNode(namespaces.VOID + "Dataset"))
        say(described, namespaces.VOID + "uriSpace", ox.Literal(_space_of(iris)))
        say(described, namespaces.DCTERMS + "title", ox.Literal(host))
    for (host, predicate), count in sorted(counts.items()):
        linkset = ox.NamedNode(f"{dataset.value}/linkset/{host}/{_slug_of(predicate)}")
        say(dataset, namespaces.VOID + "subset", linkset)
        say(linkset, namespaces.RDF + "type", ox.NamedNode(namespaces.VOID + "Linkset"))
        say(linkset, namespaces.VOID + "subjectsTarget", dataset)
        say(
            linkset,
            namespaces.VOID + "objectsTarget",
            ox.NamedNode(f"{dataset.value}/target/{host}"),
        )
        say(linkset, namespaces.VOID + "linkPredicate", ox.NamedNode(predicate))
        say(linkset, namespaces.VOID + "triples", _integer(count))


def _describe_provenance(
    store: ox.Store, settings: Settings, dataset: ox.NamedNode, say: Say
) -> None:
    """The license of the publication, unless its data states one.

    The publisher is whatever the publication's data says (`dcterms:publisher` of the dataset,
    in `data/dataset.trig`): nothing else knows who publishes a city's graph.
    """
    if not _states(store, dataset, ox.NamedNode(namespaces.DCTERMS + "license")):
        say(dataset, namespaces.DCTERMS + "license", ox.NamedNode(settings.dataset_license))


def _slug_of(predicate: str) -> str:
    """`owl-sameAs` for owl:sameAs: distinct predicates get distinct linkset IRIs."""
    compact = namespaces.compact_iri(predicate)
    if compact.startswith("<"):
        return "p-" + hashlib.sha256(predicate.encode()).hexdigest()[:12]
    return compact.replace(":", "-").replace("/", "-")


def _space_of(iris: set[str]) -> str:
    """The longest namespace (ending in `/` or `#`) all *iris* share, at least `scheme://host`."""
    common = os.path.commonprefix(sorted(iris))  # noqa: RUF071 (character-wise on purpose)
    head = common[: max(common.rfind("/"), common.rfind("#")) + 1]
    parts = urlsplit(common)
    return head if head.count("/") >= 3 else f"{parts.scheme}://{parts.netloc}"


def _states(store: ox.Store, subject: ox.NamedNode, predicate: ox.NamedNode) -> bool:
    return next(iter(store.quads_for_pattern(subject, predicate, None, None)), None) is not None


def _integer(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode(namespaces.XSD + "integer"))


def _count(store: ox.Store, query: str) -> int:
    solutions = store.query(query, use_default_graph_as_union=True)
    assert isinstance(solutions, ox.QuerySolutions)
    for solution in solutions:
        value = solution["n"]
        return int(value.value) if value is not None else 0
    return 0


def _rows(store: ox.Store, query: str) -> list[tuple[ox.NamedNode, ox.Literal]]:
    solutions = store.query(query, use_default_graph_as_union=True)
    assert isinstance(solutions, ox.QuerySolutions)
    rows = []
    for solution in solutions:
        key, count = solution["key"], solution["n"]
        if isinstance(key, ox.NamedNode) and count is not None:
            rows.append((key, _integer(int(count.value))))
    return sorted(rows, key=lambda row: row[0].value)


def _default_titles(bundled: bool) -> tuple[tuple[str, str], ...]:
    """Titles for a dataset whose data states none (a city's own are in data/dataset.trig)."""
    if bundled:
        return (
            ("Données liées publiées avec chava", "fr"),
            ("Linked data published with chava", "en"),
        )
    return (("Jeu de données publié avec chava", "fr"), ("Dataset published with chava", "en"))


def _default_descriptions(bundled: bool) -> tuple[tuple[str, str], ...]:
    if bundled:
        return (
            ("Une publication de données liées dont les données ne se décrivent pas.", "fr"),
            ("A linked-data publication whose data does not describe itself.", "en"),
        )
    return (
        ("Un jeu de données RDF publié tel quel par chava (option --data).", "fr"),
        ("An RDF dataset published as is by chava (the --data option).", "en"),
    )


_DISTINCT_TRIPLES: Final = (
    "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"
)
_DISTINCT_SUBJECTS: Final = "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o FILTER(isIRI(?s)) }"
_SUBJECTS_AND_SPREAD: Final = (
    "SELECT (SUM(IF(isIRI(?s), 1, 0)) AS ?entities) (MAX(?graphs) AS ?spread) WHERE { "
    "SELECT ?s (COUNT(DISTINCT ?g) AS ?graphs) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?s }"
)
"""IRI subjects of the named graphs, and the most graphs one subject is in (any subject)."""
_CLASS_PARTITIONS: Final = (
    "SELECT ?key (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?key } GROUP BY ?key"
)
_PROPERTY_PARTITIONS: Final = "SELECT ?key (COUNT(*) AS ?n) WHERE { ?s ?key ?o } GROUP BY ?key"
