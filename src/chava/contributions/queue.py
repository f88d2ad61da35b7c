"""The review queue: contributions kept apart from the data, changed in transactions, logged.

The queue lives in the contributions folder (`contributions_dir`, never under `data/`, never
read by a build): `records/ID.json` (each contribution's record), `proposals/ID/vN.trig` (each
version, in the graph `{data}graph/review/ID`, which every published read withholds:
chava.stores.published_graphs), `log.jsonl` (append-only: every event with the full RDF it concerns,
so a rejected or superseded version can always be found again) and `counters.json`.

A transaction runs under the folder's lock (chava.contributions.files) and commits in one
step. Its journal (`journal.json`: the records, log lines and counters it writes, and the data
file it publishes, if any, with the file's SHA-256) is written first; then the data file is
renamed into place; then the records and log are written and the journal removed. The
commit point is the data file's rename when there is one (the journal's own rename
otherwise): after a crash (SIGKILL included) the next transaction, or opening the queue,
finishes a journal whose data file is in place and drops one whose data file is not, so the
published data, the records and the log always show the old state or the new one.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

import pyoxigraph as ox

from chava import namespaces as ns
from chava.config import Settings
from chava.contributions.files import (
    append_line,
    last_line,
    locked,
    read_json,
    read_lines,
    remove_file,
    write_atomically,
    write_json,
)
from chava.contributions.kinds import kind_named
from chava.contributions.proposals import Proposal, placeholder
from chava.contributions.records import Contribution, timestamp
from chava.errors import ConfigError, ResourceNotFoundError
from chava.loading.rdf_input import InputLimits, parse_rdf
from chava.loading.sources import CONTRIBUTED_FOLDER
from chava.stores.published_graphs import REVIEW_PATH

logger = logging.getLogger(__name__)

JOURNAL: Final = "journal.json"
LOG: Final = "log.jsonl"
COUNTERS: Final = "counters.json"
_ID_LENGTH: Final = 12


@dataclass
class Transaction:
    """What one transaction writes: collected, then committed at once (see the module doc)."""

    queue: ContributionQueue
    records: list[Contribution] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    data_path: Path | None = None
    data_bytes: bytes | None = None
    counters: dict[str, int] = field(default_factory=dict)

    def next_change(self) -> int:
        """The number the next published change takes."""
        self.counters["change"] = self.counters.get("change", 0) + 1
        return self.counters["change"]

    def log(self, event: str, **details: Any) -> None:
        """Add a line to the log (numbered here, written when committed)."""
        self.counters["log"] = self.counters.get("log", 0) + 1
        moment = timestamp(datetime.now(UTC))
        self.events.append({"seq": self.counters["log"], "time": moment, "event": event, **details})

    def save(self, record: Contribution) -> None:
        """Write *record* with the transaction."""
        self.records.append(record)

    def publish(self, path: Path, data: bytes) -> None:
        """Replace the data file *path* (under the root) by *data* with the transaction."""
        self.data_path, self.data_bytes = path, data


class ContributionQueue:
    """The contributions folder of one publication."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.folder = settings.contributions_path
        data = (settings.root / "data").resolve()
        resolved = self.folder.resolve()
        if resolved == data or data in resolved.parents:
            raise ConfigError(
                f"contributions_dir: {self.folder} is inside data/; proposals under review "
                "must never be read by a build"
            )
        self.data_folder = settings.root / CONTRIBUTED_FOLDER

    def recover(self) -> None:
        """Finish or drop a transaction a crash interrupted (under the lock)."""
        with locked(self.folder):
            self._recover()

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """Run a block under the lock; commit what it collected if it ends without error."""
        with locked(self.folder):
            self._recover()
            current = read_json(self.folder / COUNTERS) or {}
            transaction = Transaction(self, counters=dict(current))
            yield transaction
            self._commit(transaction)

    # --- reading -------------------------------------------------------------------------

    def get(self, contribution_id: str) -> Contribution:
        """The contribution *contribution_id*; ResourceNotFoundError if there is none."""
        if not _valid_id(contribution_id):
            raise ResourceNotFoundError("no such contribution")
        value = read_json(self.folder / "records" / f"{contribution_id}.json")
        if value is None:
            raise ResourceNotFoundError("no such contribution")
        return Contribution.from_json(value)

    def all(self) -> list[Contribution]:
        """Every contribution, oldest first."""
        found = []
        for path in sorted((self.folder / "records").glob("*.json")):
            value = read_json(path)
            if value is not None:
                found.append(Contribution.from_json(value))
        return sorted(found, key=lambda item: (item.created, item.id))

    def pending_count(self) -> int:
        """How many contributions wait for a steward."""
        return sum(1 for item in self.all() if item.status == "pending")

    def proposal(self, contribution: Contribution, number: int | None = None) -> Proposal:
        """A version of the contribution's proposal (the latest by default), as RDF."""
        version = contribution.latest if number is None else contribution.versions[number - 1]
        text = (self.folder / version.file).read_bytes()
        limits = InputLimits.from_settings(self.settings)
        quads = parse_rdf(text, ox.RdfFormat.TRIG, source=version.file, limits=limits)
        subject = placeholder(self.settings, contribution.id)
        return Proposal(kind_named(contribution.kind), subject, tuple(q.triple for q in quads))

    def version_text(self, contribution: Contribution, number: int) -> str:
        """The TriG of one version, as written."""
        if not 1 <= number <= len(contribution.versions):
            raise ResourceNotFoundError(f"contribution {contribution.id} has no version {number}")
        return (self.folder / contribution.versions[number - 1].file).read_text(encoding="utf-8")

    def log(self) -> Iterator[dict[str, Any]]:
        """Every logged event, oldest first."""
        return read_lines(self.folder / LOG)

    def counters(self) -> dict[str, int]:
        """The last log line and change numbers."""
        return dict(read_json(self.folder / COUNTERS) or {})

    # --- writing -------------------------------------------------------------------------

    def new_id(self) -> str:
        """A fresh contribution identifier (random: it says nothing of how many there are)."""
        while True:
            candidate = secrets.token_hex(_ID_LENGTH // 2)
            if not (self.folder / "records" / f"{candidate}.json").exists():
                return candidate

    def write_version(
        self, contribution_id: str, number: int, proposal: Proposal
    ) -> tuple[str, str]:
        """Write a version's TriG (not referenced until its transaction commits); its relative
        path and SHA-256."""
        graph = ox.NamedNode(f"{self.settings.data_base_iri}{REVIEW_PATH}{contribution_id}")
        quads = [ox.Quad(t.subject, t.predicate, t.object, graph) for t in proposal.triples]
        data = ox.serialize(
            sorted(quads, key=str), format=ox.RdfFormat.TRIG, prefixes=dict(ns.PREFIXES)
        )
        assert data is not None  # serialize returns the bytes when given no output
        relative = f"proposals/{contribution_id}/v{number}.trig"
        write_atomically(self.folder / relative, data)
        return relative, hashlib.sha256(data).hexdigest()

    def _commit(self, transaction: Transaction) -> None:
        journal: dict[str, Any] = {
            "records": [record.to_json() for record in transaction.records],
            "log": transaction.events,
            "counters": transaction.counters,
            "data": None,
        }
        data_path, data_bytes = transaction.data_path, transaction.data_bytes
        if data_path is not None and data_bytes is not None:
            journal["data"] = {
                "path": str(data_path.relative_to(self.settings.root)),
                "sha256": hashlib.sha256(data_bytes).hexdigest(),
            }
        if not transaction.records and not transaction.events and journal["data"] is None:
            return
        write_json(self.folder / JOURNAL, journal)
        if data_path is not None and data_bytes is not None:
            write_atomically(data_path, data_bytes, mode=0o644)
        self._apply(journal)

    def _recover(self) -> None:
        journal = read_json(self.folder / JOURNAL)
        if journal is None:
            return
        data = journal.get("data")
        if data is not None:
            path = self.settings.root / data["path"]
            try:
                written = hashlib.sha256(path.read_bytes()).hexdigest()
            except FileNotFoundError:
                written = None
            if written != data["sha256"]:
                logger.warning("dropping a change a crash interrupted before it was published")
                remove_file(self.folder / JOURNAL)
                return
        logger.warning("finishing a change a crash interrupted after it was published")
        self._apply(journal)

    def _apply(self, journal: dict[str, Any]) -> None:
        for record in journal["records"]:
            write_json(self.folder / "records" / f"{record['id']}.json", record)
        last = last_line(self.folder / LOG)
        written = int(last["seq"]) if last is not None else 0
        for line in journal["log"]:
            if int(line["seq"]) > written:
                append_line(self.folder / LOG, line)
        write_json(self.folder / COUNTERS, journal["counters"])
        remove_file(self.folder / JOURNAL)


def _valid_id(contribution_id: str) -> bool:
    return len(contribution_id) == _ID_LENGTH and all(
        c in "0123456789abcdef" for c in contribution_id
    )


def key_digest(key: str) -> str:
    """What a record keeps of the author's key."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()
