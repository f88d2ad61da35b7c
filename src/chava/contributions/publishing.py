"""Publishing: accepting a contribution, editing or deleting a contributed resource.

Each published resource is one TriG file, `data/contributed/{segment}/{slug}.trig` (graph
`{data}graph/contributed`), that a steward can read and diff: the resource's statements, then
its history (each change that made it, the contributions used, the stewards). A deleted
resource keeps its file, with the history only (a tombstone: its IRI is never minted again).
Each change is one transaction of chava.contributions.queue whose commit point is the rename
of that one file; the build that follows publishes it (chava.contributions.rebuild).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Final

import pyoxigraph as ox

from chava import namespaces as ns
from chava.config import Settings
from chava.contributions.kinds import Kind, kind_of
from chava.contributions.proposals import Proposal, with_kind_types
from chava.contributions.provenance import (
    AS,
    change_description,
    contribution_document,
    generated_by,
    sourced,
)
from chava.contributions.queue import ContributionQueue
from chava.contributions.records import ACCEPTED, PENDING, Contribution, timestamp
from chava.errors import (
    ConflictError,
    PreconditionFailedError,
    PreconditionRequiredError,
    ResourceNotFoundError,
)
from chava.labels import label_rank
from chava.loading.rdf_input import InputLimits, parse_rdf
from chava.publication_iris import publication_iris
from chava.stores.store import PublishedStore

RDF_TYPE: Final = ox.NamedNode(ns.RDF + "type")
LABEL: Final = ox.NamedNode(ns.RDFS + "label")
SOURCE: Final = ox.NamedNode(ns.DCTERMS + "source")
GENERATED_BY: Final = ox.NamedNode(ns.PROV + "wasGeneratedBy")
MAX_SLUG: Final = 60
_SLUG_SEGMENT: Final = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


def contributed_graph(settings: Settings) -> ox.NamedNode:
    """The graph of contributed resources and their history."""
    return ox.NamedNode(publication_iris(settings).graph("contributed"))


def resource_file(settings: Settings, iri: str) -> Path | None:
    """The file of a contributed resource `{data}id/{segment}/{slug}` (None: not one of ours)."""
    prefix = settings.data_base_iri + "id/"
    if not iri.startswith(prefix):
        return None
    parts = iri[len(prefix) :].split("/")
    if len(parts) != 2 or not all(_SLUG_SEGMENT.fullmatch(part) for part in parts):
        return None
    return settings.root / "data" / "contributed" / parts[0] / f"{parts[1]}.trig"


def file_etag(path: Path) -> str | None:
    """The entity tag of a resource's current file (quoted), or None when it has none."""
    try:
        return '"' + hashlib.sha256(path.read_bytes()).hexdigest()[:32] + '"'
    except FileNotFoundError:
        return None


def accept(
    queue: ContributionQueue,
    contribution_id: str,
    proposal: Proposal,
    *,
    steward: str,
    store: PublishedStore,
    now: datetime,
    version: int | None = None,
) -> Contribution:
    """Publish *proposal* (the contribution's latest version, checked by the caller).

    Mints the resource's IRI, writes its file with its provenance, logs the change. Raises
    ConflictError when the contribution is no longer pending (another steward decided
    first), PreconditionFailedError when its version is not *version*.
    """
    settings = queue.settings
    with queue.transaction() as transaction:
        record = queue.get(contribution_id)
        if record.status != PENDING:
            raise ConflictError(
                f"contribution {contribution_id} is already {record.status}"
                + (f" by {record.decided_by}" if record.decided_by else "")
            )
        if version is not None and version != len(record.versions):
            raise PreconditionFailedError(
                f"contribution {contribution_id} changed (version {len(record.versions)}); "
                "look at it again"
            )
        resource = mint(settings, store, proposal.kind, proposal.objects(LABEL.value), record.id)
        published = proposal.with_subject(resource)
        sequence = transaction.next_change()
        created = datetime.fromisoformat(record.created)
        statements = [
            *published.triples,
            sourced(resource, settings, record.id),
            generated_by(resource, settings, sequence),
        ]
        history = [
            *contribution_document(settings, record.id, language=record.language, created=created),
            *change_description(
                settings,
                sequence=sequence,
                kind="create",
                resource=resource,
                steward=steward,
                ended=now,
                contribution_id=record.id,
                labels=_labels(published.triples, settings),
            ),
        ]
        path = resource_file(settings, resource.value)
        assert path is not None  # minted under the data base: always ours
        data = compose(settings, resource, statements, history, note=f"contribution {record.id}")
        transaction.publish(path, data)
        moment = timestamp(now)
        updated = record.with_changes(
            status=ACCEPTED,
            updated=moment,
            decided=moment,
            decided_by=steward,
            resource=resource.value,
            change=sequence,
        )
        transaction.save(updated)
        transaction.log(
            "accepted",
            contribution=record.id,
            steward=steward,
            version=len(record.versions),
            resource=resource.value,
            change=sequence,
            file=str(path.relative_to(settings.root)),
            rdf=data.decode("utf-8"),
        )
    return updated


def edit(
    queue: ContributionQueue,
    iri: str,
    proposal: Proposal | None,
    *,
    steward: str,
    if_match: str | None,
    now: datetime,
) -> tuple[int, str]:
    """Replace a contributed resource's statements by *proposal* (None: delete it).

    Returns the change number and the file's new entity tag. Raises PreconditionRequiredError
    without *if_match*, ResourceNotFoundError / ConflictError for a resource chava did not
    publish (or already deleted), PreconditionFailedError when *if_match* is stale.
    """
    settings = queue.settings
    if not if_match:
        raise PreconditionRequiredError(
            "send If-Match with the ETag you edited (GET the resource's /edit/ URL first)"
        )
    path = resource_file(settings, iri)
    with queue.transaction() as transaction:
        current = file_etag(path) if path is not None else None
        if path is None or current is None:
            raise ConflictError(
                f"<{iri}> was not published through contributions: edit its source file in "
                "data/ instead (one file there may describe several resources)"
            )
        if not _matches(if_match, current):
            raise PreconditionFailedError(
                f"<{iri}> changed since you read it (its ETag is now {current}); read it again"
            )
        resource = ox.NamedNode(iri)
        statements, history = read_resource_file(settings, path, resource)
        if not statements:
            raise ConflictError(f"<{iri}> was deleted; its IRI is not reused")
        sequence = transaction.next_change()
        sources = [t for t in statements if t.predicate == SOURCE]
        if proposal is None:
            kind, new_statements, change = "delete", [], "deleted"
        else:
            kind, change = "update", "updated"
            kept = proposal.with_subject(resource).triples
            new_statements = [*kept, *sources, generated_by(resource, settings, sequence)]
        labels = _labels(new_statements or statements, settings)
        history += change_description(
            settings,
            sequence=sequence,
            kind=kind,
            resource=resource,
            steward=steward,
            ended=now,
            contribution_id=None,
            labels=labels,
        )
        data = compose(settings, resource, new_statements, history, note=f"{change} by {steward}")
        transaction.publish(path, data)
        transaction.log(
            change,
            steward=steward,
            resource=iri,
            change=sequence,
            file=str(path.relative_to(settings.root)),
            rdf=data.decode("utf-8"),
            previous=current,
        )
    return sequence, '"' + hashlib.sha256(data).hexdigest()[:32] + '"'


def editable(settings: Settings, iri: str) -> tuple[Proposal, str]:
    """A contributed resource's statements as a proposal to edit, and the file's ETag."""
    path = resource_file(settings, iri)
    etag = file_etag(path) if path is not None else None
    if path is None or etag is None:
        raise ConflictError(
            f"<{iri}> was not published through contributions: edit its source file in data/"
        )
    resource = ox.NamedNode(iri)
    statements, _history = read_resource_file(settings, path, resource)
    types = {
        t.object.value
        for t in statements
        if t.predicate == RDF_TYPE and isinstance(t.object, ox.NamedNode)
    }
    kind = kind_of(types)
    if not statements or kind is None:
        raise ResourceNotFoundError(f"<{iri}> was deleted")
    own = [t for t in statements if t.predicate not in (SOURCE, GENERATED_BY)]
    return Proposal(kind, resource, tuple(with_kind_types(kind, resource, own))), etag


def read_resource_file(
    settings: Settings, path: Path, resource: ox.NamedNode
) -> tuple[list[ox.Triple], list[ox.Triple]]:
    """A resource file's statements about the resource (blank nodes under it included), and
    the rest (its history)."""
    limits = InputLimits.from_settings(settings)
    quads = parse_rdf(path.read_bytes(), ox.RdfFormat.TRIG, source=path, limits=limits)
    triples = [quad.triple for quad in quads]
    own: set[object] = {resource}
    changed = True
    while changed:
        changed = False
        for triple in triples:
            value = triple.object
            if triple.subject in own and isinstance(value, ox.BlankNode) and value not in own:
                own.add(value)
                changed = True
    statements = [t for t in triples if t.subject in own]
    return statements, [t for t in triples if t.subject not in own]


def compose(
    settings: Settings,
    resource: ox.NamedNode,
    statements: Sequence[ox.Triple],
    history: Iterable[ox.Triple],
    *,
    note: str,
) -> bytes:
    """The TriG file of a resource: a comment, its statements, then its history."""
    graph = contributed_graph(settings)
    ordered = sorted(set(statements), key=str)
    rest = sorted(set(history) - set(ordered), key=lambda t: (_history_rank(t), str(t)))
    quads = [ox.Quad(t.subject, t.predicate, t.object, graph) for t in (*ordered, *rest)]
    body = ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=used_prefixes(settings, quads))
    header = (
        f"# <{resource.value}>, published by chava ({note}).\n"
        "# Written by chava: change it through the steward's pages (or here, then `chava build`).\n"
        "# The resource's statements come first, then its history: changes, contributions, "
        "stewards.\n"
    )
    assert body is not None  # serialize returns the bytes when given no output
    return header.encode("utf-8") + body


def used_prefixes(settings: Settings, quads: Sequence[ox.Quad]) -> dict[str, str]:
    """The publication's prefixes (and `as:`) that *quads* use, for a short, readable file."""
    available = {**publication_iris(settings).prefixes, "as": AS}
    text = " ".join(str(quad) for quad in quads)
    return {prefix: iri for prefix, iri in available.items() if f"<{iri}" in text}


def mint(
    settings: Settings,
    store: PublishedStore,
    kind: Kind,
    labels: Sequence[ox.NamedNode | ox.BlankNode | ox.Literal],
    contribution_id: str,
) -> ox.NamedNode:
    """A new IRI `{data}id/{segment}/{slug}`: the slug from the label in the first language,
    unused in the published data and in the contributed files (deleted ones included)."""
    texts = {label.language or "": label.value for label in labels if isinstance(label, ox.Literal)}
    preferred = next((texts[tag] for tag in settings.languages if tag in texts), None)
    base = slug(preferred or next(iter(texts.values()), "")) or f"{kind.key}-{contribution_id[:6]}"
    prefix = f"{settings.data_base_iri}id/{kind.segment}/"
    for number in range(1, 10_000):
        candidate = base if number == 1 else f"{base}-{number}"
        iri = prefix + candidate
        path = resource_file(settings, iri)
        if path is not None and not path.exists() and not _mentioned(store, iri):
            return ox.NamedNode(iri)
    raise ConflictError(f"no free IRI for {base!r}")


def slug(text: str) -> str:
    """Lower-case ASCII, hyphenated, at most MAX_SLUG characters ('' for a text without Latin
    letters or digits)."""
    decomposed = unicodedata.normalize("NFKD", text.replace("œ", "oe").replace("æ", "ae"))
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    words = re.findall(r"[a-z0-9]+", ascii_text)
    result = ""
    for word in words:
        candidate = f"{result}-{word}" if result else word
        if len(candidate) > MAX_SLUG:
            break
        result = candidate
    return result or (words[0][:MAX_SLUG] if words else "")


def _mentioned(store: PublishedStore, iri: str) -> bool:
    node = ox.NamedNode(iri)
    graph = store.oxigraph
    return (
        next(graph.quads_for_pattern(node, None, None), None) is not None
        or next(graph.quads_for_pattern(None, None, node), None) is not None
    )


def _labels(triples: Iterable[ox.Triple], settings: Settings) -> list[ox.Literal]:
    """The labels of a resource (what chava.labels counts as one), in the languages' order,
    the most specific label predicate first within a language."""
    found = [
        (rank, t.object)
        for t in triples
        if (rank := label_rank(t.predicate.value)) is not None and isinstance(t.object, ox.Literal)
    ]
    order = {tag: rank for rank, tag in enumerate(settings.languages)}
    found.sort(key=lambda item: (order.get(item[1].language or "", len(order)), item[0]))
    return [label for _rank, label in found]


def _history_rank(triple: ox.Triple) -> int:
    value = triple.subject.value if isinstance(triple.subject, ox.NamedNode) else ""
    for rank, segment in enumerate(("/id/change/", "/id/contribution/", "/id/steward/")):
        if segment in value:
            return rank
    return 3


def _matches(if_match: str, etag: str) -> bool:
    candidates = {part.strip().removeprefix("W/") for part in if_match.split(",")}
    return "*" in candidates or etag in candidates
