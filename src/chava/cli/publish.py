"""`chava publish --to URL`: push the current build to an external SPARQL 1.1 engine."""

from __future__ import annotations

import click

from chava.builds import current_build
from chava.cli.group import settings_from
from chava.publish_remote import PROTOCOLS, push_build


@click.command("publish")
@click.option("--to", "target", required=True, metavar="URL", help="Graph store or update URL.")
@click.option(
    "--protocol",
    type=click.Choice(PROTOCOLS),
    default="auto",
    show_default=True,
    help="gsp: Graph Store Protocol PUT per graph; update: SPARQL Update (DROP + INSERT DATA) "
    "per graph; auto: update when the URL ends in /update, else gsp.",
)
@click.pass_context
def publish_command(ctx: click.Context, target: str, protocol: str) -> None:
    """Push every named graph of the current build to URL, one atomic request per graph.

    Credentials: the publish_user / publish_password settings (HTTP basic auth). Exit 0 when
    every graph is pushed, 2 on the first failure (graphs already pushed stay replaced).
    """
    settings = settings_from(ctx)
    result = push_build(current_build(settings), target, settings, protocol=protocol)
    triples = sum(count for _graph, count in result.graphs)
    click.echo(
        f"published {len(result.graphs)} graphs ({triples} triples) to {result.target} "
        f"with {result.protocol} in {result.seconds:.1f} s"
    )
