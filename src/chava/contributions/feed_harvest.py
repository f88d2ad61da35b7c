"""Following a chava partner's change feed: `chava harvest https://partner/changes --partner x`.

The first time (or when the feed no longer holds the last change seen), the partner's whole
dump (the feed's `dataDump`) is read. Afterwards only what changed is read: the feed's last
page, earlier pages back to the last change seen, and for each newer change the resource it
created or updated (its N-Triples at the change's `url`), with the partner's resources it
points to that we do not hold yet (the change, its contribution, its steward: two links deep
at most); a deleted resource is dropped. The partner's data as it then stands is judged and
written exactly as a full harvest is (chava.network.harvest: shared vocabulary, profile,
quarantine), and the harvest's provenance says which change it followed the feed up to
(`prov:wasInformedBy`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final
from urllib.parse import urljoin, urlsplit

import pyoxigraph as ox

from chava import namespaces as ns
from chava.config import Settings
from chava.errors import LoadError, RemoteSourceError
from chava.loading.rdf_input import InputLimits, parse_rdf
from chava.loading.sources import HARVEST_FOLDER
from chava.network.harvest import (
    HarvestResult,
    activity_iri,
    agent_iri,
    harvest_dataset,
    harvest_graph,
    quarantine_graph,
)
from chava.network.remote import Limits, check_url, send
from chava.network.remote_dataset import RemoteDataset, read_dump

logger = logging.getLogger(__name__)

FEED_ACCEPT: Final = "application/activity+json, application/ld+json;q=0.9, application/json;q=0.8"
INFORMED_BY: Final = ns.PROV + "wasInformedBy"
MAX_PAGES: Final = 1000
MAX_LINKED: Final = 20
"""Partner resources fetched for one change, besides the changed one."""
LINK_DEPTH: Final = 2


@dataclass(frozen=True)
class FeedHarvest:
    """What following a feed read: the changes since the last harvest, and the harvest."""

    result: HarvestResult
    baseline: bool
    """True when the whole dump was read (a first harvest, or the feed lost our place)."""
    created: int
    updated: int
    deleted: int
    requests: int
    last_change: str | None


def harvest_feed(feed_url: str, *, partner: str, settings: Settings) -> FeedHarvest:
    """Harvest *partner* through its change feed (see the module doc)."""
    check_url(feed_url)
    started = datetime.now(UTC)
    limits = Limits.from_settings(settings)
    input_limits = InputLimits.from_settings(settings, partner=True)
    budget = [limits.max_bytes]
    requests = [0]

    def fetch_json(url: str) -> dict[str, Any]:
        _same_origin(feed_url, url)
        reply = send("GET", url, limits, headers={"Accept": FEED_ACCEPT}, budget=budget)
        requests[0] += 1
        try:
            value = json.loads(reply.body)
        except (ValueError, RecursionError) as error:
            raise RemoteSourceError(f"{url}: not a JSON change feed: {error}") from None
        if not isinstance(value, dict):
            raise RemoteSourceError(f"{url}: not a change feed (a JSON object expected)")
        return value

    collection = fetch_json(feed_url)
    if collection.get("type") != "OrderedCollection":
        raise RemoteSourceError(f"{feed_url}: not an Activity Streams OrderedCollection")
    last_page = _link(collection, "last", feed_url)
    path = settings.root / HARVEST_FOLDER / f"{partner}.trig"
    held, seen = _previous(path, settings, partner, input_limits)
    # The position before the first change: what a harvest of an empty feed records.
    start = str(collection.get("id") or feed_url)
    items: list[dict[str, Any]] = []
    found_seen = False
    page_url: str | None = last_page
    pages = 0
    while page_url and pages < MAX_PAGES:
        page = fetch_json(page_url)
        pages += 1
        ordered = [item for item in page.get("orderedItems", []) if isinstance(item, dict)]
        for item in reversed(ordered):
            if seen is not None and item.get("id") == seen:
                found_seen = True
                break
            items.append(item)
        if found_seen or seen is None:
            break
        if not page.get("prev"):
            found_seen = seen == start  # back at the beginning: all of it is new
            break
        page_url = _link(page, "prev", page_url)
    items.reverse()
    newest = items[-1]["id"] if items else (seen if seen is not None else start)
    if seen is None or not found_seen:
        return _baseline(feed_url, collection, partner, settings, started, requests, newest)
    if not items:
        logger.info("%s: no change since %s", feed_url, seen)
    counts = {"Create": 0, "Update": 0, "Delete": 0}
    triples = list(held)
    for item in items:
        kind = str(item.get("type"))
        given = item.get("object")
        target: dict[str, Any] = given if isinstance(given, dict) else {}
        resource = str(target.get("id", ""))
        if kind not in counts or not resource.startswith(("http://", "https://")):
            continue
        counts[kind] += 1
        node = ox.NamedNode(resource)
        triples = _without(triples, node)
        if kind == "Delete":
            continue
        fetched = _fetch_description(
            item, target, feed_url, limits, input_limits, budget, requests, triples
        )
        triples.extend(fetched)
    dataset = RemoteDataset(
        feed_url,
        tuple(ox.Quad(t.subject, t.predicate, t.object) for t in dict.fromkeys(triples)),
        requests[0],
        limits.max_bytes - budget[0],
    )
    result = harvest_dataset(
        dataset,
        partner=partner,
        settings=settings,
        started=started,
        extra_provenance=_position(newest),
    )
    return FeedHarvest(
        result, False, counts["Create"], counts["Update"], counts["Delete"], requests[0], newest
    )


def _baseline(
    feed_url: str,
    collection: dict[str, Any],
    partner: str,
    settings: Settings,
    started: datetime,
    requests: list[int],
    newest: str | None,
) -> FeedHarvest:
    """The whole dump, the feed's position read before it (a change after is read again)."""
    dump = collection.get("dataDump")
    if not isinstance(dump, str):
        raise RemoteSourceError(f"{feed_url}: the feed names no dataDump to start from")
    dump_url = urljoin(feed_url, dump)
    _same_origin(feed_url, dump_url)
    limits = Limits.from_settings(settings)
    dataset = read_dump(dump_url, limits, InputLimits.from_settings(settings, partner=True))
    requests[0] += dataset.requests
    dataset = RemoteDataset(
        feed_url,
        dataset.quads,
        requests[0],
        dataset.bytes_read,
        skipped_graphs=dataset.skipped_graphs,
    )
    result = harvest_dataset(
        dataset,
        partner=partner,
        settings=settings,
        started=started,
        extra_provenance=_position(newest),
    )
    return FeedHarvest(result, True, 0, 0, 0, requests[0], newest)


def _previous(
    path: Path, settings: Settings, partner: str, limits: InputLimits
) -> tuple[list[ox.Triple], str | None]:
    """The partner's data we hold (published and quarantined) and the last change seen."""
    if not path.is_file():
        return [], None
    try:
        quads = parse_rdf(path.read_bytes(), ox.RdfFormat.TRIG, source=path, limits=limits)
    except LoadError as error:
        logger.warning("%s unreadable (%s): reading the whole dump again", path, error.reason)
        return [], None
    activity = ox.NamedNode(activity_iri(settings, partner))
    harvest = ox.NamedNode(harvest_graph(settings, partner))
    quarantine = ox.NamedNode(quarantine_graph(settings, partner))
    ours = {activity, harvest, quarantine, ox.NamedNode(agent_iri(settings))}
    used = {
        q.object for q in quads if q.subject == activity and q.predicate.value == ns.PROV + "used"
    }
    seen = next(
        (
            q.object.value
            for q in quads
            if q.subject == activity
            and q.predicate.value == INFORMED_BY
            and isinstance(q.object, ox.NamedNode)
        ),
        None,
    )
    held = [
        q.triple
        for q in quads
        if q.graph_name in (harvest, quarantine) and q.subject not in ours and q.subject not in used
    ]
    return held, seen


def _fetch_description(
    item: dict[str, Any],
    target: dict[str, Any],
    feed_url: str,
    limits: Limits,
    input_limits: InputLimits,
    budget: list[int],
    requests: list[int],
    held: list[ox.Triple],
) -> list[ox.Triple]:
    """The changed resource's statements, and the partner's resources it links to that we do
    not hold yet (two links deep, at most MAX_LINKED)."""
    resource = str(target["id"])
    url = target.get("url")
    if not isinstance(url, str):
        raise RemoteSourceError(f"{feed_url}: change {item.get('id')} gives no url to read")
    mapping = _prefixes(resource, urljoin(feed_url, url))
    known = {t.subject for t in held}
    fetched: list[ox.Triple] = []
    pending = [(resource, 0)]
    visited: set[str] = set()
    while pending and len(visited) <= MAX_LINKED:
        iri, depth = pending.pop(0)
        if iri in visited:
            continue
        visited.add(iri)
        location = _location(iri, mapping)
        if location is None:
            continue
        _same_origin(feed_url, location)
        reply = send(
            "GET", location, limits, headers={"Accept": "application/n-triples"}, budget=budget
        )
        requests[0] += 1
        parsed = parse_rdf(reply.body, ox.RdfFormat.N_TRIPLES, source=location, limits=input_limits)
        own = _closure(ox.NamedNode(iri), [quad.triple for quad in parsed])
        fetched.extend(own)
        if depth < LINK_DEPTH:
            for triple in own:
                value = triple.object
                if (
                    isinstance(value, ox.NamedNode)
                    and triple.predicate.value != ns.RDF + "type"
                    and value not in known
                    and _location(value.value, mapping) is not None
                ):
                    pending.append((value.value, depth + 1))
    return fetched


def _closure(node: ox.NamedNode, triples: list[ox.Triple]) -> list[ox.Triple]:
    """The statements about *node* and the blank nodes under it."""
    owned: set[object] = {node}
    kept: list[ox.Triple] = []
    changed = True
    while changed:
        changed = False
        for triple in triples:
            if triple.subject in owned and triple not in kept:
                kept.append(triple)
                if isinstance(triple.object, ox.BlankNode) and triple.object not in owned:
                    owned.add(triple.object)
                    changed = True
    return kept


def _without(triples: list[ox.Triple], node: ox.NamedNode) -> list[ox.Triple]:
    dropped = set(_closure(node, triples))
    return [triple for triple in triples if triple not in dropped]


def _prefixes(iri: str, url: str) -> tuple[str, str]:
    """(IRI prefix, URL prefix) such that IRI prefix + rest is served at URL prefix + rest."""
    length = 0
    while length < min(len(iri), len(url)) and iri[-1 - length] == url[-1 - length]:
        length += 1
    cut = iri[len(iri) - length :]
    slash = cut.find("/")
    length -= max(slash, 0)
    return iri[: len(iri) - length], url[: len(url) - length]


def _location(iri: str, mapping: tuple[str, str]) -> str | None:
    iri_prefix, url_prefix = mapping
    if not iri.startswith(iri_prefix):
        return None
    return url_prefix + iri[len(iri_prefix) :]


def _link(document: dict[str, Any], name: str, base: str) -> str:
    value = document.get(name)
    if isinstance(value, dict):
        value = value.get("id")
    if not isinstance(value, str):
        raise RemoteSourceError(f"{base}: the feed has no {name!r} link")
    return urljoin(base, value)


def _same_origin(feed_url: str, url: str) -> None:
    """Read only from the feed's own server (a feed does not send us elsewhere)."""
    expected, given = urlsplit(feed_url), urlsplit(url)
    if (expected.scheme, expected.netloc) != (given.scheme, given.netloc):
        raise RemoteSourceError(f"{url}: not on the feed's server ({expected.netloc}): not read")


def _position(newest: str | None) -> Iterable[tuple[str, ox.NamedNode | ox.Literal]]:
    if newest and newest.startswith(("http://", "https://")):
        yield INFORMED_BY, ox.NamedNode(newest)
