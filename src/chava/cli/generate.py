"""`chava generate`: write the synthetic learning-cities dataset used by the benchmarks."""

from __future__ import annotations

from pathlib import Path

import click

from chava.generate import DEFAULT_BASE_IRI, SIZES, cities_for_size, write_dataset
from chava.network.scaffold import check_languages


@click.command("generate")
@click.option("--cities", type=click.IntRange(min=1), help="Number of cities to generate.")
@click.option(
    "--size",
    type=click.Choice(tuple(SIZES), case_sensitive=False),
    help="Target size in statements; picks the number of cities (exclusive with --cities).",
)
@click.option("--seed", type=int, default=1, show_default=True, help="Random seed.")
@click.option(
    "--base-iri",
    default=DEFAULT_BASE_IRI,
    show_default=True,
    help="Base of the minted IRIs ({base}id/{type}/{slug}, graphs under {base}graph/).",
)
@click.option(
    "--languages",
    default=None,
    help="Languages of the texts, e.g. 'fi,en' or 'ar' (default: fr, en and a local one). "
    "fr, en, nl and de come from word lists; others are pseudo-translations in their script.",
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Output file: .nq, or .nq.gz for gzip.",
)
def generate_command(
    cities: int | None,
    size: str | None,
    seed: int,
    base_iri: str,
    languages: str | None,
    output: Path,
) -> None:
    """Generate a deterministic synthetic graph of learning cities as N-Quads.

    Same options, same bytes. Each city goes into its own named graph; the network and the
    shared concept schemes into {base}graph/shared. With --languages every text is in those
    languages (pseudo-translated from English where the word lists have none).
    """
    if (cities is None) == (size is None):
        raise click.UsageError("give exactly one of --cities or --size")
    if not output.name.endswith((".nq", ".nq.gz")):
        raise click.UsageError(f"{output}: the output must end in .nq or .nq.gz")
    count = cities if cities is not None else cities_for_size(str(size))
    tags = check_languages(languages.split(",")) if languages is not None else None
    summary = write_dataset(output, cities=count, seed=seed, base_iri=base_iri, languages=tags)
    click.echo(
        f"wrote {summary.path}: {summary.cities} cities, {summary.quads} statements "
        f"in {summary.seconds:.1f} s"
    )
