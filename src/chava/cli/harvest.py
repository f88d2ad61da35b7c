"""`chava harvest`: import a partner's dataset into its own named graphs."""

from __future__ import annotations

import click

from chava.cli.group import engine_option, settings_from, terminal_progress, with_engine
from chava.contributions.feed_harvest import harvest_feed
from chava.network.harvest import KINDS, harvest, is_feed_url


@click.command("harvest")
@click.argument("source")
@click.option("--partner", required=True, help="The partner's slug, e.g. liege (names its graphs).")
@click.option(
    "--kind",
    type=click.Choice(KINDS),
    default="auto",
    show_default=True,
    help="SOURCE is a SPARQL endpoint, an RDF dump (a Graph Store GET is a dump) or a chava "
    "partner's change feed (followed incrementally); auto: a URL ending in an RDF file suffix "
    "is a dump, one ending in /changes a feed. A local file is always a dump.",
)
@engine_option
@click.pass_context
def harvest_command(
    ctx: click.Context, source: str, partner: str, kind: str, engine: str | None
) -> None:
    """Harvest SOURCE (an http(s) URL, or a local RDF file) into data/harvest/PARTNER.trig.

    Conforming resources go to graph/harvest/PARTNER, resources with a violation of the
    profile (or statements extending or changing the shared vocabulary) to
    graph/quarantine/PARTNER with their reasons; `chava build` publishes the first and keeps
    the second out of everything but /harvest/. Exit 0 when harvested (even with quarantined
    resources); 2 when the source failed or was refused, and the publication is then left as
    it was.
    """
    settings = with_engine(settings_from(ctx), engine)
    if kind == "feed" or (kind == "auto" and is_feed_url(source)):
        followed = harvest_feed(source, partner=partner, settings=settings)
        what = (
            "the whole dump read (first harvest through the feed)"
            if followed.baseline
            else f"{followed.created} created, {followed.updated} updated, {followed.deleted} "
            "deleted since the last harvest"
        )
        click.echo(f"followed the change feed of {partner}: {what}, {followed.requests} requests")
        result = followed.result
    else:
        result = harvest(
            source,
            partner=partner,
            settings=settings,
            kind=kind,
            progress=terminal_progress(settings),
        )
    seconds = (result.ended - result.started).total_seconds()
    click.echo(
        f"harvested {result.partner}: {result.triples_read} triples read, "
        f"{result.published_triples} published, {result.quarantined_triples} quarantined "
        f"({len(result.quarantined_resources)} resources) in {seconds:.1f} s -> {result.path}; "
        "run `chava build` to publish"
    )
    for note in result.notes():
        click.echo(f"  left out: {note}")
    for resource, reasons in result.reasons.items():
        for reason in reasons:
            click.echo(f"  quarantined <{resource}>: {reason}")
    for resource, additions in result.additions.items():
        for addition in additions:
            click.echo(f"  adds to <{resource}>: {addition}")
