"""`chava publish --to URL`: push the current build (or a dataset) to an external engine."""

from __future__ import annotations

from pathlib import Path

import click

from chava.building.build_inputs import data_settings
from chava.building.builds import current_build
from chava.cli.group import settings_from
from chava.network.publish_remote import PROTOCOLS, push_build


@click.command("publish")
@click.option("--to", "target", required=True, metavar="URL", help="Graph store or update URL.")
@click.option(
    "--protocol",
    type=click.Choice(PROTOCOLS),
    default="auto",
    show_default=True,
    help="gsp: Graph Store Protocol PUT per graph; update: SPARQL Update (DROP + INSERT) "
    "per graph; auto: update when the URL ends in /update, else gsp.",
)
@click.option(
    "--data",
    "data_paths",
    multiple=True,
    type=click.Path(exists=True, path_type=Path),
    help="Publish these RDF files or folders (named graphs kept) instead of the publication; "
    "built first (unvalidated) if they changed, as `chava serve --data` does.",
)
@click.option("--full", is_flag=True, help="Send every graph, changed or not.")
@click.pass_context
def publish_command(
    ctx: click.Context,
    target: str,
    protocol: str,
    data_paths: tuple[Path, ...],
    full: bool,
) -> None:
    """Push the graphs of the current build that changed since the last push to URL.

    Credentials: publish_user / publish_password (Basic or Digest) or publish_token. Graphs
    larger than publish_chunk_bytes go in several requests. Exit 0 when every graph is
    pushed, 2 on the first failure (what was pushed before it stays, and is remembered).
    """
    settings = settings_from(ctx)
    if data_paths:
        from chava.cli.serve import ensure_build

        paths = list(data_paths)
        ensure_build(settings, paths, validate=False)
        settings = data_settings(settings, paths)
    build = current_build(settings)
    result = push_build(build, target, settings, protocol=protocol, full=full)
    triples = sum(count for _graph, count in result.graphs)
    sent = sum(count for graph, count in result.graphs if graph in result.sent)
    click.echo(
        f"published {len(result.graphs)} graphs ({triples} triples) to {result.target} "
        f"with {result.protocol} in {result.seconds:.1f} s: {len(result.sent)} sent "
        f"({sent} triples, {result.requests} requests), "
        f"{len(result.graphs) - len(result.sent)} unchanged, {len(result.dropped)} dropped"
    )
