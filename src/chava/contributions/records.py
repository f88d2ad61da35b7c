"""A contribution's record: its status, its versions and what was decided, as JSON."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from typing import Any, Final

PENDING: Final = "pending"
ACCEPTED: Final = "accepted"
REJECTED: Final = "rejected"
STATUSES: Final = (PENDING, ACCEPTED, REJECTED)


@dataclass(frozen=True)
class Version:
    """One version of a proposal: who wrote it (`author`, or `steward:NAME`), when, its file."""

    number: int
    time: str
    by: str
    file: str
    """Relative to the contributions folder (`proposals/ID/vN.trig`)."""
    sha256: str
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Contribution:
    """Everything chava keeps about one contribution (never published as such)."""

    id: str
    kind: str
    status: str
    created: str
    updated: str
    language: str
    author_key: str
    """SHA-256 of the key the author got (their link); the key itself is never stored."""
    versions: tuple[Version, ...]
    email: str | None = None
    """Given by the contributor, for stewards only: never published (see the privacy page)."""
    reason: str | None = None
    decided_by: str | None = None
    decided: str | None = None
    resource: str | None = None
    """The IRI minted when it was accepted."""
    change: int | None = None
    """The change that published it (its number in the change feed)."""
    history: tuple[dict[str, Any], ...] = field(default=())
    """Earlier decisions (a rejection the author then answered), newest last."""

    @property
    def latest(self) -> Version:
        """The current version."""
        return self.versions[-1]

    def with_changes(self, **changes: Any) -> Contribution:
        """A copy with *changes*."""
        return replace(self, **changes)

    def to_json(self) -> dict[str, Any]:
        """The record as JSON."""
        value = asdict(self)
        value["versions"] = [asdict(version) for version in self.versions]
        value["history"] = list(self.history)
        return value

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> Contribution:
        """Read a record written by to_json."""
        versions = tuple(
            Version(**{**item, "warnings": tuple(item.get("warnings", ()))})
            for item in value["versions"]
        )
        return cls(**{**value, "versions": versions, "history": tuple(value.get("history", ()))})


def timestamp(moment: datetime) -> str:
    """An ISO 8601 time to the second, with its offset."""
    return moment.replace(microsecond=0).isoformat()
