"""`chava build`: validate and publish the publication (or `--data` files) into a new build."""

from __future__ import annotations

from pathlib import Path

import click

from chava.building.build import build_dataset, build_publication
from chava.cli.group import engine_option, settings_from, terminal_progress, with_engine


@click.command("build")
@click.option(
    "--allow-invalid", is_flag=True, help="Publish even if the data violates the SHACL shapes."
)
@click.option("--no-validate", is_flag=True, help="Skip SHACL validation (emergencies only).")
@click.option(
    "--data",
    "data_paths",
    multiple=True,
    type=click.Path(exists=True, path_type=Path),
    help="Build these RDF files or folders (named graphs kept) instead of the publication.",
)
@engine_option
@click.pass_context
def build_command(
    ctx: click.Context,
    allow_invalid: bool,
    no_validate: bool,
    data_paths: tuple[Path, ...],
    engine: str | None,
) -> None:
    """Validate, load into a new store, write the dumps, verify, and make it the current build.

    Exit 1 (with the report) if the data violates the shapes, unless --allow-invalid; exit 2
    with one line if it cannot be written (full disk...). The current build stays as it was
    whenever a build fails. Builds of one folder run one at a time (a second one waits); each
    build made current gets a line in the build log (`build-log.jsonl`), and running servers
    move to it within a second. Large data is validated too (a million statements in
    seconds); --no-validate is for emergencies.
    """
    settings = with_engine(settings_from(ctx), engine)
    progress = terminal_progress(settings)
    if data_paths:
        build = build_dataset(
            settings,
            list(data_paths),
            validate=not no_validate,
            allow_invalid=allow_invalid,
            progress=progress,
        )
    else:
        build = build_publication(
            settings, validate=not no_validate, allow_invalid=allow_invalid, progress=progress
        )
    click.echo(f"built {build.build_id} ({build.manifest.get('triples', 0)} quads) at {build.path}")
