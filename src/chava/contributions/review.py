"""Proposing, revising and rejecting contributions (accepting: chava.contributions.publishing)."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime

from chava.contributions.proposals import Proposal
from chava.contributions.queue import ContributionQueue, key_digest
from chava.contributions.records import (
    ACCEPTED,
    PENDING,
    REJECTED,
    Contribution,
    Version,
    timestamp,
)
from chava.errors import ConflictError, PreconditionFailedError, ServiceBusyError


def propose(
    queue: ContributionQueue,
    contribution_id: str,
    proposal: Proposal,
    *,
    warnings: Sequence[str],
    language: str,
    email: str | None,
    now: datetime,
) -> tuple[Contribution, str]:
    """Queue a valid proposal for review; the record and the author's key (their link).

    Raises ServiceBusyError when `contributions_max_pending` proposals already wait.
    """
    key = secrets.token_urlsafe(24)
    with queue.transaction() as transaction:
        if queue.pending_count() >= queue.settings.contributions_max_pending:
            raise ServiceBusyError(
                "the review queue is full; stewards are catching up, try again later",
                retry_after=3600,
            )
        file, digest = queue.write_version(contribution_id, 1, proposal)
        moment = timestamp(now)
        record = Contribution(
            id=contribution_id,
            kind=proposal.kind.key,
            status=PENDING,
            created=moment,
            updated=moment,
            language=language,
            author_key=key_digest(key),
            versions=(Version(1, moment, "author", file, digest, tuple(warnings)),),
            email=email,
        )
        transaction.save(record)
        transaction.log(
            "proposed",
            contribution=contribution_id,
            kind=proposal.kind.key,
            version=1,
            rdf=(queue.folder / file).read_text(encoding="utf-8"),
        )
    return record, key


def revise(
    queue: ContributionQueue,
    contribution_id: str,
    proposal: Proposal,
    *,
    by: str,
    warnings: Sequence[str],
    now: datetime,
    version: int | None = None,
) -> Contribution:
    """Add a version (the author's, or `steward:NAME`'s edit); a rejected one waits again.

    *version* is the version the writer saw: another written meanwhile is a
    PreconditionFailedError. An accepted contribution cannot change (ConflictError).
    """
    with queue.transaction() as transaction:
        record = queue.get(contribution_id)
        if record.status == ACCEPTED:
            raise ConflictError(f"contribution {contribution_id} is already published")
        _same_version(record, version)
        number = len(record.versions) + 1
        file, digest = queue.write_version(contribution_id, number, proposal)
        moment = timestamp(now)
        history = record.history
        if record.status == REJECTED:
            history = (
                *history,
                {"rejected": record.decided, "by": record.decided_by, "reason": record.reason},
            )
        updated = record.with_changes(
            status=PENDING,
            updated=moment,
            versions=(*record.versions, Version(number, moment, by, file, digest, tuple(warnings))),
            reason=None,
            decided=None,
            decided_by=None,
            history=history,
        )
        transaction.save(updated)
        transaction.log(
            "revised" if by == "author" else "edited",
            contribution=contribution_id,
            by=by,
            version=number,
            rdf=(queue.folder / file).read_text(encoding="utf-8"),
        )
    return updated


def reject(
    queue: ContributionQueue,
    contribution_id: str,
    *,
    steward: str,
    reason: str,
    now: datetime,
    version: int | None = None,
) -> Contribution:
    """Reject a pending contribution with a reason its author sees (and may answer)."""
    reason = " ".join(reason.split())[:2000]
    if not reason:
        raise ConflictError("say why: a rejection needs a reason the author can read")
    with queue.transaction() as transaction:
        record = queue.get(contribution_id)
        if record.status != PENDING:
            raise ConflictError(_decided(record))
        _same_version(record, version)
        moment = timestamp(now)
        updated = record.with_changes(
            status=REJECTED, updated=moment, reason=reason, decided=moment, decided_by=steward
        )
        transaction.save(updated)
        transaction.log(
            "rejected",
            contribution=contribution_id,
            steward=steward,
            version=len(record.versions),
            reason=reason,
        )
    return updated


def _same_version(record: Contribution, version: int | None) -> None:
    if version is not None and version != len(record.versions):
        raise PreconditionFailedError(
            f"contribution {record.id} is at version {len(record.versions)}, not {version}: "
            "someone changed it meanwhile; look at it again"
        )


def _decided(record: Contribution) -> str:
    return (
        f"contribution {record.id} is already {record.status}"
        + (f" by {record.decided_by}" if record.decided_by else "")
        + (f" at {record.decided}" if record.decided else "")
    )
