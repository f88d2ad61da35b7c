"""`chava init`: scaffold a new learning city's publication."""

from __future__ import annotations

from pathlib import Path

import click

from chava.cli.group import settings_from
from chava.scaffold import scaffold_publication


@click.command("init")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--city", required=True, help="The city's name, e.g. 'Liège' (gives the slug).")
@click.pass_context
def init_command(ctx: click.Context, directory: Path, city: str) -> None:
    """Scaffold a new city's publication in DIRECTORY (missing or empty).

    Writes chava.toml (a data_base_iri to replace), empty data files with the right prefixes,
    and copies of the shared ontology (with its imports) and SHACL shapes from the root.
    `chava validate` and `chava serve` accept the result as it is.
    """
    settings = settings_from(ctx)
    scaffold = scaffold_publication(directory, city, profile_root=settings.root)
    click.echo(
        f"scaffolded {scaffold.root} for {scaffold.city} ({len(scaffold.files)} files); "
        f"replace data_base_iri ({scaffold.base_iri}) in chava.toml before publishing"
    )
