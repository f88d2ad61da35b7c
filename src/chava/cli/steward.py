"""`chava steward`: stewards' accounts, and the review queue and change log from a terminal."""

from __future__ import annotations

import sys
from datetime import UTC, datetime

import click

from chava.building.builds import current_build
from chava.cli.group import settings_from
from chava.contributions.accounts import Stewards
from chava.contributions.checking import check_proposal, profile_quads
from chava.contributions.publishing import accept
from chava.contributions.queue import ContributionQueue
from chava.contributions.rebuild import request_rebuild, run
from chava.contributions.review import reject
from chava.errors import ConfigError, ConflictError
from chava.stores.store import PublishedStore


@click.group("steward")
def steward_command() -> None:
    """Stewards' accounts and the review of contributions (see docs/contributing-data.md)."""


@steward_command.command("add")
@click.argument("name")
@click.option("--replace", is_flag=True, help="Set a new password for an existing steward.")
@click.pass_context
def add_command(ctx: click.Context, name: str, replace: bool) -> None:
    """Create steward NAME; the password is asked twice (or read from stdin, one line)."""
    settings = settings_from(ctx)
    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    Stewards(settings.contributions_path).add(name, password, replace=replace)
    click.echo(f"steward {name} {'updated' if replace else 'created'}")


@steward_command.command("remove")
@click.argument("name")
@click.pass_context
def remove_command(ctx: click.Context, name: str) -> None:
    """Delete steward NAME (their sessions end at once)."""
    Stewards(settings_from(ctx).contributions_path).remove(name)
    click.echo(f"steward {name} removed")


@steward_command.command("list")
@click.pass_context
def list_command(ctx: click.Context) -> None:
    """List the stewards, then the contributions waiting for review."""
    settings = settings_from(ctx)
    for name in Stewards(settings.contributions_path).names():
        click.echo(f"steward {name}")
    queue = ContributionQueue(settings)
    queue.recover()
    for record in queue.all():
        if record.status == "pending":
            click.echo(
                f"pending {record.id} {record.kind} v{len(record.versions)} {record.created}"
            )


@steward_command.command("log")
@click.option("--contribution", default=None, help="Only this contribution's events.")
@click.option("--resource", default=None, help="Only the changes of this resource (IRI).")
@click.pass_context
def log_command(ctx: click.Context, contribution: str | None, resource: str | None) -> None:
    """Print the append-only log: every proposal, version, decision and published change."""
    queue = ContributionQueue(settings_from(ctx))
    queue.recover()
    for event in queue.log():
        if contribution and event.get("contribution") != contribution:
            continue
        if resource and event.get("resource") != resource:
            continue
        details = " ".join(
            f"{key}={event[key]}"
            for key in ("contribution", "version", "steward", "by", "resource", "change", "reason")
            if event.get(key) is not None
        )
        click.echo(f"{event['seq']} {event['time']} {event['event']} {details}")


@steward_command.command("show")
@click.argument("seq", type=int)
@click.pass_context
def show_command(ctx: click.Context, seq: int) -> None:
    """Print the RDF an event of the log holds (a version, or a published file as it was)."""
    queue = ContributionQueue(settings_from(ctx))
    for event in queue.log():
        if int(event["seq"]) == seq:
            click.echo(str(event.get("rdf", "")), nl=False)
            return
    raise ConfigError(f"the log has no event {seq}")


@steward_command.command("accept")
@click.argument("contribution")
@click.option("--as", "name", required=True, help="The steward accepting it (an account).")
@click.pass_context
def accept_command(ctx: click.Context, contribution: str, name: str) -> None:
    """Accept CONTRIBUTION as steward NAME: publish it and build."""
    settings = settings_from(ctx)
    if not Stewards(settings.contributions_path).exists(name):
        raise ConfigError(f"no steward {name!r}")
    queue = ContributionQueue(settings)
    record = queue.get(contribution)
    store = PublishedStore(current_build(settings))
    proposal = queue.proposal(record)
    checked = check_proposal(
        proposal,
        settings=settings,
        store=store,
        profile=profile_quads(store, settings),
        contribution_id=record.id,
        language=record.language,
    )
    if not checked.conforms:
        problems = "; ".join(item.message("en") for item in checked.issues if item.blocking)
        raise ConflictError(f"it no longer conforms to the profile: {problems}")
    updated = accept(
        queue, contribution, proposal, steward=name, store=store, now=datetime.now(UTC)
    )
    assert updated.change is not None
    request_rebuild(settings, updated.change, start=False)
    run(settings)
    click.echo(f"accepted {contribution}: {updated.resource} (change {updated.change})")


@steward_command.command("reject")
@click.argument("contribution")
@click.option("--as", "name", required=True, help="The steward rejecting it (an account).")
@click.option("--reason", required=True, help="Why (its author reads it).")
@click.pass_context
def reject_command(ctx: click.Context, contribution: str, name: str, reason: str) -> None:
    """Reject CONTRIBUTION as steward NAME, with a reason."""
    settings = settings_from(ctx)
    if not Stewards(settings.contributions_path).exists(name):
        raise ConfigError(f"no steward {name!r}")
    reject(
        ContributionQueue(settings),
        contribution,
        steward=name,
        reason=reason,
        now=datetime.now(UTC),
    )
    click.echo(f"rejected {contribution}")
