"""`chava harvest`: import a partner's dataset into its own graphs, checked against the profile.

The partner's data is read (SPARQL endpoint, dump URL or local file, `chava.network.remote_dataset`,
each document through `chava.loading.rdf_input`'s limits), without the partner's dataset description
and what it harvested from others (`chava.network.partner_graphs`) and without `owl:imports` (never
followed). What it says about the shared vocabulary is compared with ours
(`chava.network.shared_vocabulary`): identical statements are left out, the others quarantined and
reported. The rest is checked against the profile (`chava.validation.profile`) and split by
resource: conforming resources go to `{data}graph/harvest/{partner}` (published by the next build),
resources with a violation to `{data}graph/quarantine/{partner}`, the reasons to
`.../quarantine/{partner}/report`. The harvest's PROV description (source, times, agent,
counts, what was left out) is in the harvest graph. Everything is written as one TriG file,
`data/harvest/{partner}.trig`, read back with the build's own checks and only then renamed into
place: a failed harvest leaves the publication as it was, a written one always builds, and a
second harvest of the same data gives the same triples.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Final
from urllib.parse import urlsplit

import pyoxigraph as ox

from chava import namespaces
from chava.config import Settings
from chava.errors import ConfigError, LoadError, RemoteSourceError
from chava.loading.rdf_input import InputLimits, is_rdf_file, parse_rdf, read_file
from chava.loading.sources import HARVEST_FOLDER, Publication
from chava.network.partner_graphs import SkippedGraph
from chava.network.remote import Limits, check_url
from chava.network.remote_dataset import RemoteDataset, read_dump, read_endpoint, read_local
from chava.network.shared_vocabulary import Divergence, SharedVocabulary
from chava.validation.profile import ProfileReport, check_dataset, load_profile
from chava.validation.validation_progress import Progress

logger = logging.getLogger(__name__)

KINDS: Final = ("auto", "sparql", "dump", "feed")
PARTNER_PATTERN: Final = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
OWL_IMPORTS: Final = ox.NamedNode(namespaces.OWL + "imports")

RDF_TYPE: Final = namespaces.RDF + "type"
REFUSED_MESSAGE: Final = (
    "Déclaration sur une IRI de cette publication : un partenaire ne parle pas pour nous. / "
    "Statement about an IRI of this publication: a partner does not speak for us."
)
Subject = ox.NamedNode | ox.BlankNode


@dataclass(frozen=True)
class HarvestResult:
    """What one harvest read, published and quarantined, and where it wrote it."""

    partner: str
    source: str
    path: Path
    started: datetime
    ended: datetime
    triples_read: int
    published_triples: int
    quarantined_triples: int
    quarantined_resources: tuple[str, ...]
    report: ProfileReport
    reasons: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Each quarantined resource's reasons (messages), in report order."""
    additions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """What the partner adds to shared resources (published), per resource."""
    shared_vocabulary: int = 0
    """Statements identical to the shared vocabulary's: left out."""
    skipped_graphs: tuple[SkippedGraph, ...] = ()
    """The partner's graphs that are not its data (dataset description, its own harvests)."""
    imports_dropped: int = 0
    """`owl:imports` statements left out (never followed)."""

    def notes(self) -> list[str]:
        """What was left out, one line each (CLI output, PROV comments, `/harvest/`)."""
        lines = []
        if self.shared_vocabulary:
            lines.append(
                f"{self.shared_vocabulary} statements identical to the shared vocabulary: "
                "not harvested"
            )
        for graph in self.skipped_graphs:
            size = f"{graph.statements} statements" if graph.statements else "not read"
            lines.append(f"graph <{graph.iri}> ({graph.kind}, {size}): not harvested")
        if self.imports_dropped:
            lines.append(f"{self.imports_dropped} owl:imports statements: not followed, left out")
        return lines


def harvest_graph(settings: Settings, partner: str) -> str:
    """The graph of a partner's published (conforming) resources."""
    return f"{settings.data_base_iri}graph/harvest/{partner}"


def quarantine_graph(settings: Settings, partner: str) -> str:
    """The graph of a partner's resources that failed the profile."""
    return f"{settings.data_base_iri}graph/quarantine/{partner}"


def activity_iri(settings: Settings, partner: str) -> str:
    """The harvest of a partner, as a PROV activity (its description is in the harvest graph)."""
    return f"{settings.data_base_iri}id/harvest/{partner}"


def agent_iri(settings: Settings) -> str:
    """chava, the software agent of every harvest."""
    return f"{settings.data_base_iri}id/agent/chava"


def local_source(source: str) -> Path | None:
    """The local file *source* names (the operator's own disk), or None for a URL."""
    if "://" in source:
        return None
    path = Path(source)
    if not path.is_file():
        raise ConfigError(f"{source!r} is neither an explicit http(s) URL nor a local file")
    if not is_rdf_file(path):
        raise ConfigError(f"{source}: not an RDF file name (.ttl, .nq, .nq.gz, ...)")
    return path


def harvest(
    source: str,
    *,
    partner: str,
    settings: Settings,
    kind: str = "auto",
    progress: Progress | None = None,
) -> HarvestResult:
    """Harvest *source* for *partner* into `data/harvest/{partner}.trig` under the root.

    *source* is an http(s) URL (a SPARQL endpoint or a dump) or a local file. Raises
    ConfigError (bad partner name, URL or kind), RemoteSourceError (the source failed or sent
    something that is not RDF) or LoadError (input refused by the limits); the publication is
    then left untouched.
    """
    if not PARTNER_PATTERN.match(partner):
        raise ConfigError(f"partner {partner!r}: use a slug (lower-case ASCII, digits, hyphens)")
    if kind not in KINDS:
        raise ConfigError(f"kind {kind!r}: expected one of {', '.join(KINDS)}")
    if kind == "feed" or (kind == "auto" and is_feed_url(source)):
        from chava.contributions.feed_harvest import harvest_feed

        return harvest_feed(source, partner=partner, settings=settings).result
    local = local_source(source)
    if local is None:
        check_url(source)
    started = datetime.now(UTC)
    dataset = _read(source, local, settings, kind)
    return harvest_dataset(
        dataset, partner=partner, settings=settings, started=started, progress=progress
    )


def is_feed_url(source: str) -> bool:
    """Whether *source* is a chava partner's change feed (`.../changes`): followed
    incrementally (chava.contributions.feed_harvest)."""
    return "://" in source and urlsplit(source).path.rstrip("/").endswith("/changes")


def harvest_dataset(
    dataset: RemoteDataset,
    *,
    partner: str,
    settings: Settings,
    started: datetime,
    extra_provenance: Iterable[tuple[str, ox.NamedNode | ox.Literal]] = (),
    progress: Progress | None = None,
) -> HarvestResult:
    """Judge what was read from a partner and write `data/harvest/{partner}.trig` (see harvest).

    *extra_provenance* are (predicate, value) statements about the harvest activity (where a
    feed was followed up to); *progress* hears of the validation.
    """
    source = dataset.source
    triples = sorted({quad.triple for quad in dataset.quads}, key=str)
    if not triples:
        raise RemoteSourceError(f"{source}: no triple read; nothing harvested")
    imports = [triple for triple in triples if triple.predicate == OWL_IMPORTS]
    if imports:
        triples = [triple for triple in triples if triple.predicate != OWL_IMPORTS]
    shared = SharedVocabulary.load(
        settings.root, settings.vocabulary_base_iri, InputLimits.from_settings(settings)
    )
    split = shared.split(triples)
    data = Publication(tuple(ox.Quad(t.subject, t.predicate, t.object) for t in split.data), (), {})
    profile = load_profile(settings.root, vocabulary_base_iri=settings.vocabulary_base_iri)
    report = check_dataset(
        data,
        profile,
        source=source,
        languages=settings.languages,
        engine=settings.validation_engine,
        threads=settings.validation_threads,
        progress=progress,
    )
    owners = _owners(report.failing_resources(), split.data)
    # A partner never speaks for us: its statements about our data's IRIs are quarantined too.
    trespassing = {
        t.subject
        for t in split.data
        if isinstance(t.subject, ox.NamedNode)
        and t.subject.value.startswith(settings.data_base_iri)
    }
    failing = set().union(trespassing, *owners.values())
    quarantined = _closure(failing, split.data) | set(split.divergent)
    published = [triple for triple in split.data if triple not in quarantined]
    quarantining = [divergence for divergence in split.divergences if divergence.quarantined]
    reasons = _reasons(report, owners, trespassing, quarantining)
    additions: dict[str, tuple[str, ...]] = {}
    for divergence in split.divergences:
        if not divergence.quarantined:
            additions[divergence.subject] = (
                *additions.get(divergence.subject, ()),
                divergence.message,
            )
    ended = datetime.now(UTC)
    path = settings.root / HARVEST_FOLDER / f"{partner}.trig"
    result = HarvestResult(
        partner=partner,
        source=source,
        path=path,
        started=started,
        ended=ended,
        triples_read=len(triples) + len(imports),
        published_triples=len(published),
        quarantined_triples=len(quarantined),
        quarantined_resources=tuple(sorted(reasons)),
        report=report,
        reasons=reasons,
        additions=dict(sorted(additions.items())),
        shared_vocabulary=split.identical,
        skipped_graphs=dataset.skipped_graphs,
        imports_dropped=len(imports),
    )
    quads = _graphs(settings, result, dataset, published, sorted(quarantined, key=str))
    activity = ox.NamedNode(activity_iri(settings, partner))
    harvest_node = ox.NamedNode(harvest_graph(settings, partner))
    quads += [
        ox.Quad(activity, ox.NamedNode(predicate), value, harvest_node)
        for predicate, value in extra_provenance
    ]
    report_graph = ox.NamedNode(quarantine_graph(settings, partner) + "/report")
    quads += _report(result, owners, report_graph)
    quads += _refusals(trespassing, report_graph)
    quads += _divergences(split.divergences, report_graph)
    _write_checked(path, quads, InputLimits.from_settings(settings))
    logger.info(
        "harvested %s from %s: %d triples published, %d quarantined",
        partner,
        source,
        len(published),
        len(quarantined),
    )
    return result


def _read(source: str, local: Path | None, settings: Settings, kind: str) -> RemoteDataset:
    limits = Limits.from_settings(settings)
    input_limits = InputLimits.from_settings(settings, partner=True)
    if local is not None:
        if kind == "sparql":
            raise ConfigError(f"{source}: a local file is a dump, not a SPARQL endpoint")
        return read_local(local, input_limits)
    if kind == "dump" or (kind == "auto" and is_rdf_file(Path(urlsplit(source).path))):
        return read_dump(source, limits, input_limits)
    return read_endpoint(
        source, limits, page_size=settings.harvest_page_size, input_limits=input_limits
    )


def _reasons(
    report: ProfileReport,
    owners: dict[str, set[ox.NamedNode]],
    trespassing: set[ox.NamedNode],
    divergences: list[Divergence],
) -> dict[str, tuple[str, ...]]:
    """Each quarantined resource (IRI) with the messages that put it there, deduplicated."""
    found: dict[str, dict[str, None]] = {}
    for item in report.report.results:
        if item.severity != "Violation":
            continue
        for owner in sorted(owners.get(item.focus_node, ()), key=str):
            found.setdefault(owner.value, {})[item.message] = None
    for subject in sorted(trespassing, key=str):
        found.setdefault(subject.value, {})[REFUSED_MESSAGE] = None
    for divergence in divergences:
        found.setdefault(divergence.subject, {})[divergence.message] = None
    return {iri: tuple(messages) for iri, messages in sorted(found.items())}


def _owners(focus_nodes: set[str], triples: list[ox.Triple]) -> dict[str, set[ox.NamedNode]]:
    """For each failing focus node, the IRI resources it belongs to (a blank node belongs to
    whoever points to it, up to an IRI)."""
    parents: dict[str, list[Subject]] = {}
    for triple in triples:
        if isinstance(triple.object, ox.BlankNode) and not isinstance(triple.subject, ox.Triple):
            parents.setdefault(triple.object.value, []).append(triple.subject)
    owners: dict[str, set[ox.NamedNode]] = {}
    for focus in focus_nodes:
        found = owners.setdefault(focus, set())
        if not focus.startswith("_:"):
            found.add(ox.NamedNode(focus))
            continue
        pending, seen = [focus[2:]], set()
        while pending:
            label = pending.pop()
            for parent in parents.get(label, ()):
                if isinstance(parent, ox.NamedNode):
                    found.add(parent)
                elif parent.value not in seen:
                    seen.add(parent.value)
                    pending.append(parent.value)
    return owners


def _closure(owners: set[ox.NamedNode], triples: list[ox.Triple]) -> set[ox.Triple]:
    """The triples of *owners* and of the blank nodes under them."""
    by_subject: dict[object, list[ox.Triple]] = {}
    for triple in triples:
        by_subject.setdefault(triple.subject, []).append(triple)
    kept: set[ox.Triple] = set()
    pending: list[object] = list(owners)
    visited: set[object] = set(owners)
    while pending:
        for triple in by_subject.get(pending.pop(), ()):
            kept.add(triple)
            if isinstance(triple.object, ox.BlankNode) and triple.object not in visited:
                visited.add(triple.object)
                pending.append(triple.object)
    return kept


def _graphs(
    settings: Settings,
    result: HarvestResult,
    dataset: RemoteDataset,
    published: list[ox.Triple],
    quarantined: list[ox.Triple],
) -> list[ox.Quad]:
    harvest = ox.NamedNode(harvest_graph(settings, result.partner))
    quarantine = ox.NamedNode(quarantine_graph(settings, result.partner))
    quads = [ox.Quad(t.subject, t.predicate, t.object, harvest) for t in published]
    quads += [ox.Quad(t.subject, t.predicate, t.object, quarantine) for t in quarantined]
    quads += _provenance(settings, result, dataset, harvest, quarantine)
    return quads


def _provenance(
    settings: Settings,
    result: HarvestResult,
    dataset: RemoteDataset,
    harvest: ox.NamedNode,
    quarantine: ox.NamedNode,
) -> list[ox.Quad]:
    activity = ox.NamedNode(activity_iri(settings, result.partner))
    report = ox.NamedNode(quarantine.value + "/report")
    agent = ox.NamedNode(agent_iri(settings))
    source = ox.NamedNode(result.source)
    prov, void, dcterms = namespaces.PROV, namespaces.VOID, namespaces.DCTERMS
    statements: list[tuple[Subject, str, ox.NamedNode | ox.Literal]] = [
        (activity, RDF_TYPE, ox.NamedNode(prov + "Activity")),
        (activity, namespaces.RDFS + "label", _text(f"Moissonnage de {result.partner}", "fr")),
        (activity, namespaces.RDFS + "label", _text(f"Harvest of {result.partner}", "en")),
        (activity, prov + "used", source),
        (activity, prov + "startedAtTime", _time(result.started)),
        (activity, prov + "endedAtTime", _time(result.ended)),
        (activity, prov + "wasAssociatedWith", agent),
        (activity, prov + "generated", harvest),
        (activity, prov + "generated", quarantine),
        (agent, RDF_TYPE, ox.NamedNode(prov + "SoftwareAgent")),
        (agent, namespaces.RDFS + "label", _text("chava", "en")),
        (source, void + "triples", _integer(result.triples_read)),
        (source, dcterms + "type", ox.NamedNode(void + "Dataset")),
        (harvest, RDF_TYPE, ox.NamedNode(prov + "Entity")),
        (harvest, prov + "wasGeneratedBy", activity),
        (harvest, dcterms + "source", source),
        (harvest, void + "triples", _integer(result.published_triples)),
        (quarantine, RDF_TYPE, ox.NamedNode(prov + "Entity")),
        (quarantine, prov + "wasGeneratedBy", activity),
        (quarantine, void + "triples", _integer(result.quarantined_triples)),
        (quarantine, void + "entities", _integer(len(result.quarantined_resources))),
        (report, RDF_TYPE, ox.NamedNode(prov + "Entity")),
        (report, prov + "wasGeneratedBy", activity),
    ]
    statements += [
        (activity, namespaces.RDFS + "comment", _text(note, "en")) for note in result.notes()
    ]
    if dataset.requests:
        statements.append(
            (
                activity,
                namespaces.RDFS + "comment",
                _text(f"{dataset.requests} requests, {dataset.bytes_read} bytes read", "en"),
            )
        )
    return [ox.Quad(s, ox.NamedNode(p), o, harvest) for s, p, o in statements]


def _report(
    result: HarvestResult, owners: dict[str, set[ox.NamedNode]], graph: ox.NamedNode
) -> list[ox.Quad]:
    """The violations, as sh:ValidationResult nodes about the quarantined IRI resources."""
    sh = namespaces.SH
    quads: list[ox.Quad] = []
    for item in result.report.report.results:
        if item.severity != "Violation":
            continue
        for owner in sorted(owners.get(item.focus_node, ()), key=str):
            node = ox.BlankNode()
            statements: list[tuple[str, ox.NamedNode | ox.Literal]] = [
                (RDF_TYPE, ox.NamedNode(sh + "ValidationResult")),
                (sh + "focusNode", owner),
                (sh + "resultSeverity", ox.NamedNode(sh + "Violation")),
                (sh + "resultMessage", ox.Literal(item.message)),
            ]
            path = item.path or ""
            if path.startswith(("http://", "https://")) and " " not in path:
                statements.append((sh + "resultPath", ox.NamedNode(path)))
            if item.source_shape.startswith(("http://", "https://")):
                statements.append((sh + "sourceShape", ox.NamedNode(item.source_shape)))
            quads += [ox.Quad(node, ox.NamedNode(p), o, graph) for p, o in statements]
    return quads


def _refusals(subjects: set[ox.NamedNode], graph: ox.NamedNode) -> list[ox.Quad]:
    """Report entries for statements about our own IRIs, refused whatever the profile says."""
    sh = namespaces.SH
    quads: list[ox.Quad] = []
    for subject in sorted(subjects, key=str):
        node = ox.BlankNode()
        for predicate, value in (
            (RDF_TYPE, ox.NamedNode(sh + "ValidationResult")),
            (sh + "focusNode", subject),
            (sh + "resultSeverity", ox.NamedNode(sh + "Violation")),
            (sh + "resultMessage", ox.Literal(REFUSED_MESSAGE)),
        ):
            quads.append(ox.Quad(node, ox.NamedNode(predicate), value, graph))
    return quads


def _divergences(divergences: list[Divergence], graph: ox.NamedNode) -> list[ox.Quad]:
    """Report entries for statements about the shared vocabulary: extending or differing
    (sh:Violation: quarantined), adding to a shared resource (sh:Info: published)."""
    sh = namespaces.SH
    quads: list[ox.Quad] = []
    for divergence in divergences:
        node = ox.BlankNode()
        severity = sh + ("Violation" if divergence.quarantined else "Info")
        for predicate, value in (
            (RDF_TYPE, ox.NamedNode(sh + "ValidationResult")),
            (sh + "focusNode", ox.NamedNode(divergence.subject)),
            (sh + "resultSeverity", ox.NamedNode(severity)),
            (sh + "resultMessage", ox.Literal(divergence.message)),
        ):
            quads.append(ox.Quad(node, ox.NamedNode(predicate), value, graph))
    return quads


def _write_checked(path: Path, quads: Iterable[ox.Quad], limits: InputLimits) -> None:
    """Write the TriG file next to its final name, read it back as a build will (same parser,
    same limits), then rename it into place: a harvest file that would not build is never
    written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        ox.serialize(quads, str(temporary), ox.RdfFormat.TRIG, prefixes=namespaces.PREFIXES)
        try:
            data = read_file(temporary, limits)
            parse_rdf(data, ox.RdfFormat.TRIG, source=path, limits=limits)
        except LoadError as error:
            raise LoadError(
                path, f"the harvest would not build, not written: {error.reason}"
            ) from error
        temporary.replace(path)  # atomic (os.replace): readers see the old or the new file
    finally:
        temporary.unlink(missing_ok=True)


def _text(value: str, language: str) -> ox.Literal:
    return ox.Literal(value, language=language)


def _integer(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode(namespaces.XSD + "integer"))


def _time(moment: datetime) -> ox.Literal:
    return ox.Literal(moment.isoformat(), datatype=ox.NamedNode(namespaces.XSD + "dateTime"))
