"""A synthetic city's learning ecosystem: actors, pedagogical tools and events."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from chava.generate import vocabulary as v
from chava.generate import words
from chava.generate.nquads import iri, literal, typed

if TYPE_CHECKING:
    from chava.generate.city import CityGenerator

ACTOR_TYPES: Final[dict[str, tuple[str, ...]]] = {
    "association": (v.ASSOCIATION, v.FORMAL_ORGANIZATION, v.NGO),
    "school": (v.SCHOOL, v.FORMAL_ORGANIZATION),
    "library": (v.LIBRARY, v.FORMAL_ORGANIZATION),
    "company": (v.CORPORATION, v.FORMAL_ORGANIZATION),
}
ACTOR_KIND_WEIGHTS: Final = (5, 2, 2, 1)
EVENT_KINDS: Final = (
    ("atelier", (v.WORKSHOP, v.EDUCATION_EVENT), ("Atelier", "Workshop")),
    ("rencontre", (v.LEARNING_MEETING, v.EVENT), ("Rencontre apprenante", "Learning meeting")),
    ("journee", (v.EVENT,), ("Journée", "Day")),
)


def add_actor(city: CityGenerator, number: int) -> None:
    """Add actor *number*: an association, school, library or company with its contact point."""
    out = city.out
    kind = city.random.choices(list(ACTOR_TYPES), weights=ACTOR_KIND_WEIGHTS)[0]
    name = words.ACTOR_NAMES[number % len(words.ACTOR_NAMES)]
    topic = city.random.choice(city.themes)
    other = city.random.choice(city.themes)
    public = city.random.choice(words.PUBLICS)
    subject = out.thing("organization", f"{city.slug}-{kind}-{number + 1}")
    city.actors.append(subject)
    for actor_type in ACTOR_TYPES[kind]:
        out.add(subject, v.A, actor_type)
    labels = {
        language: (
            f"{words.pick(words.ACTOR_KINDS[kind], language)} {name} {number + 1} - "
            f"{words.pick(words.TOPICS[topic], language)}, {city.name}"
        )
        for language in words.LANGUAGES
    }
    city.labels(subject, labels)
    out.add(subject, v.ALTERNATE_NAME, literal(f"{name} {city.name} {number + 1}", "fr"))
    topics_fr = f"« {words.TOPICS[topic][0]} » et « {words.TOPICS[other][0]} »"
    topics_en = f'"{words.TOPICS[topic][1]}" and "{words.TOPICS[other][1]}"'
    city.described(
        subject,
        {
            "fr": f"{labels['fr']} propose des activités autour de {topics_fr} "
            f"pour les {public[0]} de {city.name}.",
            "en": f"{labels['en']} offers activities on {topics_en} "
            f"for {public[1]} in {city.name}.",
        },
    )
    if city.local_language != "en":
        local = words.pick(words.TOPICS[topic], city.local_language)
        out.add(
            subject,
            v.DESCRIPTION,
            literal(f"{labels[city.local_language]}: {local}.", city.local_language),
        )
    out.add(subject, v.LOCATION, city.place)
    out.add(subject, v.HOMEPAGE, iri(f"https://{kind}-{number + 1}.{city.slug}.example.org/"))
    out.add(subject, v.FOUNDING_DATE, typed(city.date(1950, 2022), "date"))
    for language in ("fr", city.local_language):
        out.add(subject, v.KNOWS_LANGUAGE, literal(language))
    out.add(subject, v.MEMBER_OF, city.initiative)
    out.add(city.initiative, v.HAS_MEMBER, subject)
    out.add(subject, v.SUBJECT, city.theme(topic))
    if other != topic:
        out.add(subject, v.SUBJECT, city.theme(other))
    out.add(subject, v.ADDRESSES_KEY_FEATURE, city.random.choice(v.KEY_FEATURES))
    city.contact(subject, f"contact-{number + 1}")


def add_tool(city: CityGenerator, number: int) -> None:
    """Add pedagogical tool *number*, published by one of the city's actors."""
    out = city.out
    form_slug, form = city.random.choice(words.TOOL_FORMS)
    topic = city.random.choice(city.themes)
    subject = out.thing("tool", f"{city.slug}-outil-{number + 1}")
    out.add(subject, v.A, v.PEDAGOGICAL_TOOL)
    out.add(subject, v.A, v.CREATIVE_WORK)
    labels = {
        language: f"{words.pick(form, language)} {number + 1}: "
        f"{words.pick(words.TOPICS[topic], language)} ({city.name})"
        for language in words.LANGUAGES
    }
    city.labels(subject, labels)
    public = city.random.choice(words.PUBLICS)
    city.described(
        subject,
        {
            "fr": f"{labels['fr']} : un outil pour les {public[0]}.",
            "en": f"{labels['en']}: a tool for {public[1]}.",
        },
    )
    out.add(subject, v.TOOL_KIND_OF, out.thing("concept", f"tool-kind/{form_slug}"))
    out.add(subject, v.AVAILABILITY, city.random.choice(v.AVAILABILITIES))
    out.add(subject, v.PROVIDER, city.random.choice(city.actors))
    out.add(subject, v.SUBJECT, city.theme(topic))
    out.add(subject, v.DATE_PUBLISHED, typed(city.date(2005, 2025), "date"))
    out.add(subject, v.IN_LANGUAGE, literal("fr"))
    out.add(subject, v.ADDRESSES_KEY_FEATURE, city.random.choice(v.KEY_FEATURES))


def add_event(city: CityGenerator, number: int) -> None:
    """Add event *number* (a workshop, a learning meeting or a day), with dates and organiser."""
    out = city.out
    slug, kinds, (kind_fr, kind_en) = city.random.choice(EVENT_KINDS)
    topic = city.random.choice(city.themes)
    subject = out.thing("event", f"{city.slug}-{slug}-{number + 1}")
    for kind in kinds:
        out.add(subject, v.A, kind)
    topic_words = words.TOPICS[topic]
    labels = {
        language: f"{kind_en} {number + 1}: {words.pick(topic_words, language)}"
        for language in words.LANGUAGES
    }
    labels["fr"] = f"{kind_fr} {number + 1} : {topic_words[0]} à {city.name}"
    labels["en"] = f"{kind_en} {number + 1}: {topic_words[1]} in {city.name}"
    city.labels(subject, labels)
    city.described(
        subject,
        {
            "fr": f"{labels['fr']}, ouvert à toutes et à tous.",
            "en": f"{labels['en']}, open to everyone.",
        },
    )
    start = city.date(2021, 2026)
    out.add(subject, v.START_DATE, typed(start, "date"))
    out.add(subject, v.END_DATE, typed(start, "date"))
    out.add(subject, v.ORGANIZER, city.random.choice([*city.actors, city.initiative]))
    out.add(subject, v.LOCATION, city.place)
    out.add(subject, v.SUBJECT, city.theme(topic))
