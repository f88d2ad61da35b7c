"""`chava validate`: check a publication, or a partner's files, against the SHACL profile."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import click

from chava.cli.group import engine_option, settings_from, terminal_progress, with_engine
from chava.config import Settings
from chava.errors import LoadError
from chava.loading.rdf_input import InputLimits
from chava.loading.sources import RDF_SUFFIXES, Publication, load_files, load_publication
from chava.network.remote import Limits
from chava.network.remote_dataset import read_endpoint
from chava.validation.profile import check_dataset, load_profile
from chava.validation.profile_report import render_profile_text
from chava.validation.publication_shapes import publication_shapes
from chava.validation.report import REPORT_FORMATS, render_report
from chava.validation.validate import validate_publication


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
    "--profile",
    "use_profile",
    is_flag=True,
    help="Check PATHs or --endpoint against the published profile (shapes + ontology of the "
    "root, never its data), with a data steward's report.",
)
@click.option(
    "--endpoint",
    metavar="URL",
    help="With --profile: read the data from this SPARQL endpoint (DESCRIBE by class, paged).",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(REPORT_FORMATS),
    default="text",
    show_default=True,
    help="Report format: text for people, turtle or json-ld for machines.",
)
@engine_option
@click.pass_context
def validate_command(
    ctx: click.Context,
    paths: tuple[Path, ...],
    shapes_paths: tuple[Path, ...],
    use_profile: bool,
    endpoint: str | None,
    output_format: str,
    engine: str | None,
) -> None:
    """Validate data against the SHACL shapes, offline.

    Without PATH, validates the publication at the root (ontology/, data/, shapes/). With
    PATHs (RDF files or folders), validates them against the project's shapes and ontology,
    or against --shapes. With --profile, checks PATHs or an --endpoint against the profile
    only. Exit 0: conforms; 1: does not conform; 2: could not validate. On a terminal, a
    validation longer than `progress_after` seconds shows its progress on stderr.
    """
    settings = with_engine(settings_from(ctx), engine)
    if use_profile or endpoint is not None:
        _validate_profile(ctx, settings, paths, shapes_paths, endpoint, output_format)
        return
    limits = InputLimits.from_settings(settings)
    shapes = _load_paths(shapes_paths, limits) if shapes_paths else None
    if paths:
        publication = _load_paths(paths, limits)
        if shapes is None:
            shapes = load_publication(settings.root, limits=limits)
    else:
        publication = load_publication(settings.root, limits=limits)
    # The publication's own language requirements, unless other shapes were asked for.
    own = () if shapes_paths else publication_shapes(settings)
    report = validate_publication(
        publication,
        shapes=shapes,
        languages=settings.languages,
        extra_shapes=own,
        engine=settings.validation_engine,
        threads=settings.validation_threads,
        progress=terminal_progress(settings),
    )
    click.echo(render_report(report, output_format), nl=False)
    ctx.exit(0 if report.conforms else 1)


def _validate_profile(
    ctx: click.Context,
    settings: Settings,
    paths: tuple[Path, ...],
    shapes_paths: tuple[Path, ...],
    endpoint: str | None,
    output_format: str,
) -> None:
    if shapes_paths:
        raise click.UsageError("--profile checks against the published profile: no --shapes")
    if bool(paths) == (endpoint is not None):
        raise click.UsageError("--profile needs either PATHs or --endpoint URL (not both)")
    profile = load_profile(settings.root, vocabulary_base_iri=settings.vocabulary_base_iri)
    partner = InputLimits.from_settings(settings, partner=True)
    if endpoint is not None:
        remote = read_endpoint(
            endpoint,
            Limits.from_settings(settings),
            page_size=settings.harvest_page_size,
            input_limits=partner,
        )
        data = Publication(remote.quads, (), {})
        source = endpoint
    else:
        data = _load_paths(paths, dataclasses.replace(partner, max_bytes=None))
        source = ", ".join(str(path) for path in paths)
    report = check_dataset(
        data,
        profile,
        source=source,
        languages=settings.languages,
        engine=settings.validation_engine,
        threads=settings.validation_threads,
        progress=terminal_progress(settings),
    )
    if output_format == "text":
        click.echo(render_profile_text(report), nl=False)
    else:
        click.echo(render_report(report.report, output_format), nl=False)
    ctx.exit(0 if report.conforms else 1)


def _load_paths(paths: tuple[Path, ...], limits: InputLimits) -> Publication:
    """Load files and folders; a folder holding no RDF file is a mistake, not empty data."""
    publication = load_files(list(paths), limits=limits)
    for path in paths:
        if path.is_dir() and not any(path in file.parents for file in publication.files):
            known = ", ".join(sorted(RDF_SUFFIXES))
            raise LoadError(
                path, f"no RDF file in this folder (known types: {known}, each optionally .gz)"
            )
    return publication
