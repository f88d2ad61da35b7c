"""Word lists for the synthetic graph: parallel French, English, Dutch and German words.

Names are assembled from syllables and made-up words, never from real places or people;
countries use the ISO 3166 user-assigned codes (QM-QZ, XA-XZ), which no real country has.
"""

from __future__ import annotations

from typing import Final

LANGUAGES: Final = ("fr", "en", "nl", "de")
LOCAL_LANGUAGES: Final = ("nl", "de")

Words = tuple[str, str, str, str]
"""One word or phrase in fr, en, nl, de: the order of LANGUAGES, the languages shapes admit."""

TOPICS: Final[tuple[Words, ...]] = (
    ("lecture", "reading", "lezen", "Lesen"),
    (
        "numérique",
        "digital skills",
        "digitale vaardigheden",
        "digitale Kompetenzen",
    ),
    ("alphabétisation", "literacy", "geletterdheid", "Alphabetisierung"),
    ("citoyenneté", "citizenship", "burgerschap", "Bürgerschaft"),
    ("mémoire", "remembrance", "herinnering", "Erinnerung"),
    ("environnement", "environment", "milieu", "Umwelt"),
    ("alimentation", "food", "voeding", "Ernährung"),
    ("mobilité", "mobility", "mobiliteit", "Mobilität"),
    ("santé", "health", "gezondheid", "Gesundheit"),
    ("emploi", "employment", "werkgelegenheid", "Beschäftigung"),
    ("arts", "arts", "kunst", "Kunst"),
    ("sciences", "science", "wetenschap", "Wissenschaft"),
    ("langues", "languages", "talen", "Sprachen"),
    ("patrimoine", "heritage", "erfgoed", "Kulturerbe"),
    ("inclusion", "inclusion", "inclusie", "Inklusion"),
    ("orientation", "guidance", "oriëntatie", "Orientierung"),
    ("parentalité", "parenting", "ouderschap", "Elternschaft"),
    ("jeunesse", "youth", "jeugd", "Jugend"),
)
TOPIC_SLUGS: Final = (
    "lecture",
    "numerique",
    "alphabetisation",
    "citoyennete",
    "memoire",
    "environnement",
    "alimentation",
    "mobilite",
    "sante",
    "emploi",
    "arts",
    "sciences",
    "langues",
    "patrimoine",
    "inclusion",
    "orientation",
    "parentalite",
    "jeunesse",
)

PUBLICS: Final[tuple[Words, ...]] = (
    ("adultes", "adults", "volwassenen", "Erwachsene"),
    ("jeunes", "young people", "jongeren", "Jugendliche"),
    ("familles", "families", "gezinnen", "Familien"),
    ("aînés", "older people", "ouderen", "Senioren"),
    (
        "demandeurs d'emploi",
        "jobseekers",
        "werkzoekenden",
        "Arbeitsuchende",
    ),
    ("enseignants", "teachers", "leerkrachten", "Lehrkräfte"),
)

# Made-up proper names for actors: the same word in every language.
ACTOR_NAMES: Final = (
    "Passerelle",
    "Boussole",
    "Horizon",
    "Étincelle",
    "Racines",
    "Sillage",
    "Vent-Neuf",
    "Alcôve",
    "Ricochet",
    "Lanterne",
    "Trait-d'Union",
    "Colibri",
    "Mosaïque",
    "Carrefour",
    "Pollen",
    "Tisserand",
)

ACTOR_KINDS: Final[dict[str, Words]] = {
    "association": ("Association", "Association", "Vereniging", "Verein"),
    "school": ("École", "School", "School", "Schule"),
    "library": ("Bibliothèque", "Library", "Bibliotheek", "Bibliothek"),
    "company": ("Entreprise", "Company", "Bedrijf", "Unternehmen"),
}

TOOL_FORMS: Final[tuple[tuple[str, Words], ...]] = (
    ("periodical", ("Revue", "Magazine", "Tijdschrift", "Zeitschrift")),
    ("book-series", ("Collection", "Book series", "Boekenreeks", "Buchreihe")),
    (
        "travelling-exhibition",
        (
            "Exposition itinérante",
            "Travelling exhibition",
            "Reizende tentoonstelling",
            "Wanderausstellung",
        ),
    ),
    ("training", ("Formation", "Training course", "Opleiding", "Fortbildung")),
    ("animation", ("Animation", "Workshop kit", "Animatie", "Animation")),
    ("game", ("Jeu", "Game", "Spel", "Spiel")),
    ("podcast", ("Podcast", "Podcast", "Podcast", "Podcast")),
    ("guide", ("Guide", "Guide", "Gids", "Leitfaden")),
)

BODIES: Final[tuple[tuple[str, Words], ...]] = (
    (
        "comite-de-gouvernance",
        (
            "Comité de gouvernance",
            "Governance committee",
            "Bestuurscomité",
            "Lenkungsausschuss",
        ),
    ),
    (
        "conseil-d-orientation",
        ("Conseil d'orientation", "Advisory council", "Adviesraad", "Beirat"),
    ),
    (
        "comite-de-pilotage",
        (
            "Comité de pilotage",
            "Steering committee",
            "Stuurgroep",
            "Steuerungsgruppe",
        ),
    ),
    (
        "secretariat",
        (
            "Secrétariat de coordination",
            "Coordination office",
            "Coördinatiesecretariaat",
            "Koordinierungsstelle",
        ),
    ),
)

FIRST_NAMES: Final = ("Camille", "Dominique", "Claude", "Alix", "Sacha", "Maxime", "Noa", "Eden")
COUNTRIES: Final = tuple(f"Q{letter}" for letter in "MNOPQRSTUVWXYZ") + tuple(
    f"X{letter}" for letter in "ABCDEF"
)
COHORT_DATES: Final = (
    "2016-08-23",
    "2019-07-17",
    "2020-09-23",
    "2022-09-02",
    "2024-02-14",
    "2025-12-04",
)
"""Dates of the GNLC admission announcements (domain brief e.4), used as synthetic cohorts."""

_FIRST: Final = (
    "vel",
    "or",
    "ast",
    "bri",
    "cor",
    "dal",
    "ev",
    "fal",
    "gar",
    "hel",
    "is",
    "kar",
    "lun",
    "mer",
    "nor",
    "ost",
)
_MIDDLE: Final = (
    "a",
    "e",
    "i",
    "o",
    "u",
    "ar",
    "en",
    "il",
    "on",
    "ur",
    "ea",
    "io",
    "ia",
    "el",
    "am",
    "is",
)
_LAST: Final = (
    "mora",
    "vik",
    "lin",
    "dorf",
    "sano",
    "polis",
    "mont",
    "burg",
    "ria",
    "stad",
    "ville",
    "nes",
    "tera",
    "berg",
    "ano",
    "ford",
)
_NAMES: Final = len(_FIRST) * len(_MIDDLE) * len(_LAST)


def city_name(index: int, seed: int) -> str:
    """Return the made-up name of city *index*: distinct for the first 4096 cities of a seed."""
    # An odd multiplier permutes 0..4095, so names are distinct and look shuffled.
    number = (index * 2_654_435_761 + seed * 7_919) % _NAMES
    first, rest = divmod(number, len(_MIDDLE) * len(_LAST))
    middle, last = divmod(rest, len(_LAST))
    name = _FIRST[first] + _MIDDLE[middle] + _LAST[last]
    if index >= _NAMES:  # past the distinct names, a number keeps them apart
        name += f"-{index // _NAMES}"
    return name.capitalize()


def city_slug(index: int, seed: int) -> str:
    """Return the slug of city *index* (lower-case ASCII)."""
    return city_name(index, seed).lower()


def pick(words: Words, language: str) -> str:
    """Return the word in *language*."""
    return words[LANGUAGES.index(language)]
