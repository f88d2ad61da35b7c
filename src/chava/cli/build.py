"""`chava build`: validate and publish the publication (or `--data` files) into a new build."""

from __future__ import annotations

from pathlib import Path

import click

from chava.build import build_dataset, build_publication
from chava.cli.group import settings_from


@click.command("build")
@click.option(
    "--allow-invalid", is_flag=True, help="Publish even if the data violates the SHACL shapes."
)
@click.option("--no-validate", is_flag=True, help="Skip SHACL validation (large datasets).")
@click.option(
    "--data",
    "data_paths",
    multiple=True,
    type=click.Path(exists=True, path_type=Path),
    help="Build these RDF files or folders (named graphs kept) instead of the publication.",
)
@click.pass_context
def build_command(
    ctx: click.Context, allow_invalid: bool, no_validate: bool, data_paths: tuple[Path, ...]
) -> None:
    """Validate, load into a new store, write the dumps, verify, and make it the current build.

    Exit 1 (with the report) if the data violates the shapes, unless --allow-invalid; exit 2
    with one line if it cannot be written (full disk...). The current build stays as it was
    whenever a build fails. Builds of one folder run one at a time (a second one waits); each
    build made current gets a line in the build log (`build-log.jsonl`), and running servers
    move to it within a second.
    """
    settings = settings_from(ctx)
    if data_paths:
        build = build_dataset(
            settings, list(data_paths), validate=not no_validate, allow_invalid=allow_invalid
        )
    else:
        build = build_publication(settings, validate=not no_validate, allow_invalid=allow_invalid)
    click.echo(f"built {build.build_id} ({build.manifest.get('triples', 0)} quads) at {build.path}")
