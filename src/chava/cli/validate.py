"""`chava validate`: check a publication, or a partner's files, against the SHACL profile."""

from __future__ import annotations

from pathlib import Path

import click

from chava.cli.group import settings_from
from chava.errors import LoadError
from chava.report import REPORT_FORMATS, render_report
from chava.sources import RDF_SUFFIXES, Publication, load_files, load_publication
from chava.validate import validate_publication


@click.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--shapes",
    "shapes_paths",
    multiple=True,
    type=click.Path(path_type=Path),
    help="SHACL shapes files or folders to use instead of the project's (repeatable).",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(REPORT_FORMATS),
    default="text",
    show_default=True,
    help="Report format: text for people, turtle or json-ld for machines.",
)
@click.pass_context
def validate_command(
    ctx: click.Context, paths: tuple[Path, ...], shapes_paths: tuple[Path, ...], output_format: str
) -> None:
    """Validate data against the SHACL shapes, offline.

    Without PATH, validates the publication at the root (ontology/, data/, shapes/). With
    PATHs (RDF files or folders), validates them against the project's shapes and ontology,
    or against --shapes. Exit 0: conforms; 1: does not conform; 2: could not validate.
    """
    settings = settings_from(ctx)
    shapes = _load_paths(shapes_paths) if shapes_paths else None
    if paths:
        publication = _load_paths(paths)
        if shapes is None:
            shapes = load_publication(settings.root)
    else:
        publication = load_publication(settings.root)
    report = validate_publication(publication, shapes=shapes, languages=settings.languages)
    click.echo(render_report(report, output_format), nl=False)
    ctx.exit(0 if report.conforms else 1)


def _load_paths(paths: tuple[Path, ...]) -> Publication:
    """Load files and folders; a folder holding no RDF file is a mistake, not empty data."""
    publication = load_files(list(paths))
    for path in paths:
        if path.is_dir() and not any(path in file.parents for file in publication.files):
            known = ", ".join(sorted(RDF_SUFFIXES))
            raise LoadError(path, f"no RDF file in this folder (known types: {known})")
    return publication
