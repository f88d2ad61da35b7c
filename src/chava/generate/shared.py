"""The resources every synthetic city links to: the shared concept schemes and the source.

Memberships point to the shared GNLC (`chava.namespaces.GNLC`, ontology/reference/), as a real
city's do: the generator mints no copy of the network."""

from __future__ import annotations

from typing import Final

from chava.generate import vocabulary as v
from chava.generate import words
from chava.generate.nquads import GraphWriter, literal, typed

SOURCE_SLUG: Final = "synthetic-generator"


def add_labels(
    writer: GraphWriter,
    subject: str,
    predicate: str,
    labels: words.Words,
    *,
    languages: tuple[str, ...],
) -> None:
    """Add one label per language in *languages*."""
    for language in languages:
        writer.add(subject, predicate, literal(words.pick(labels, language), language))


def write_shared(writer: GraphWriter) -> None:
    """Write the theme and tool-kind schemes and the source."""
    source = writer.thing("source", SOURCE_SLUG)
    writer.add(source, v.A, v.PROV_ENTITY)
    writer.add(source, v.A, v.SOURCE_DOCUMENT)
    for language, title in (
        ("fr", "Générateur de données synthétiques de chava"),
        ("en", "chava synthetic data generator"),
    ):
        writer.add(source, v.LABEL, literal(title, language))
        writer.add(source, v.TITLE, literal(title, language))
    writer.add(source, v.LANGUAGE, literal("en"))
    writer.add(source, v.URL, literal("https://learning-cities.example.org/generator"))

    _write_scheme(
        writer,
        "theme",
        v.THEME,
        ("Thématiques", "Themes", "Thema's", "Themen"),
        tuple(zip(words.TOPIC_SLUGS, words.TOPICS, strict=True)),
    )
    _write_scheme(
        writer,
        "tool-kind",
        v.TOOL_KIND,
        (
            "Types d'outils",
            "Tool kinds",
            "Soorten hulpmiddelen",
            "Werkzeugarten",
        ),
        words.TOOL_FORMS,
    )
    # Themes reach the shared UNESCO Key Features and SDGs: the cross-city join keys.
    for number, slug in enumerate(words.TOPIC_SLUGS):
        concept = writer.thing("concept", f"theme/{slug}")
        writer.add(concept, v.ADDRESSES_KEY_FEATURE, v.KEY_FEATURES[number % len(v.KEY_FEATURES)])
        writer.add(concept, v.CONTRIBUTES_TO_SDG, v.SDGS[number % len(v.SDGS)])


def _write_scheme(
    writer: GraphWriter,
    name: str,
    concept_class: str,
    titles: words.Words,
    concepts: tuple[tuple[str, words.Words], ...],
) -> None:
    scheme = writer.thing("conceptscheme", name)
    writer.add(scheme, v.A, v.CONCEPT_SCHEME)
    add_labels(writer, scheme, v.PREF_LABEL, titles, languages=words.LANGUAGES)
    add_labels(writer, scheme, v.LABEL, titles, languages=words.LANGUAGES)
    writer.add(scheme, v.SOURCE, writer.thing("source", SOURCE_SLUG))
    for number, (slug, labels) in enumerate(concepts, start=1):
        concept = writer.thing("concept", f"{name}/{slug}")
        writer.add(concept, v.A, v.CONCEPT)
        if concept_class != v.CONCEPT:
            writer.add(concept, v.A, concept_class)
        add_labels(writer, concept, v.PREF_LABEL, labels, languages=words.LANGUAGES)
        writer.add(concept, v.NOTATION, typed(str(number), "string"))
        writer.add(concept, v.IN_SCHEME, scheme)
        writer.add(concept, v.TOP_CONCEPT_OF, scheme)
        writer.add(scheme, v.HAS_TOP_CONCEPT, concept)
        writer.add(concept, v.SOURCE, writer.thing("source", SOURCE_SLUG))
