"""`chava init`: scaffold a new learning city's publication."""

from __future__ import annotations

from pathlib import Path

import click

from chava.loading.shared_profile import shared_profile_root
from chava.network.scaffold import scaffold_publication


@click.command("init")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--city", required=True, help="The city's name, e.g. 'Liège' (gives the slug).")
@click.option(
    "--languages",
    default="en",
    show_default=True,
    help="Languages of labels and pages, preferred first: BCP 47 tags, e.g. 'fi,en'.",
)
@click.option(
    "--base-iri",
    default=None,
    help="Base of every IRI the city mints, ending in '/' (default: an example.org "
    "placeholder to replace before publishing).",
)
@click.option(
    "--slug",
    default=None,
    help="ASCII name for IRIs and the dataset (default: from --city; needed when the city's "
    "name has no Latin letters).",
)
def init_command(
    directory: Path, city: str, languages: str, base_iri: str | None, slug: str | None
) -> None:
    """Scaffold a new city's publication in DIRECTORY (missing or empty).

    Writes chava.toml (base IRI, dataset name, languages), data files with the right prefixes
    (the dataset's title and description, example queries), and copies of the shared ontology
    (with its imports) and SHACL shapes that come with chava. `chava validate` and `chava serve`
    accept the result as it is; it works from any folder.
    """
    scaffold = scaffold_publication(
        directory,
        city,
        profile_root=shared_profile_root(),
        languages=languages.split(","),
        base_iri=base_iri,
        slug=slug,
    )
    click.echo(
        f"scaffolded {scaffold.root} for {scaffold.city} ({len(scaffold.files)} files, "
        f"languages {', '.join(scaffold.languages)}, IRIs under {scaffold.base_iri})"
    )
    if not scaffold.base_chosen:
        click.echo(f"replace data_base_iri ({scaffold.base_iri}) in chava.toml before publishing")
