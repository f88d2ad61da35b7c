"""Word lists for the synthetic graph: parallel French, English, Dutch, German and Spanish words.

Names are assembled from syllables and made-up words, never from real places or people;
countries use the ISO 3166 user-assigned codes (QM-QZ, XA-XZ), which no real country has.
"""

from __future__ import annotations

from typing import Final

LANGUAGES: Final = ("fr", "en", "nl", "de", "es")
LOCAL_LANGUAGES: Final = ("nl", "de", "es")

Words = tuple[str, str, str, str, str]
"""One word or phrase in fr, en, nl, de, es (the order of LANGUAGES)."""

TOPICS: Final[tuple[Words, ...]] = (
    ("lecture", "reading", "lezen", "Lesen", "lectura"),
    (
        "numérique",
        "digital skills",
        "digitale vaardigheden",
        "digitale Kompetenzen",
        "competencias digitales",
    ),
    ("alphabétisation", "literacy", "geletterdheid", "Alphabetisierung", "alfabetización"),
    ("citoyenneté", "citizenship", "burgerschap", "Bürgerschaft", "ciudadanía"),
    ("mémoire", "remembrance", "herinnering", "Erinnerung", "memoria"),
    ("environnement", "environment", "milieu", "Umwelt", "medio ambiente"),
    ("alimentation", "food", "voeding", "Ernährung", "alimentación"),
    ("mobilité", "mobility", "mobiliteit", "Mobilität", "movilidad"),
    ("santé", "health", "gezondheid", "Gesundheit", "salud"),
    ("emploi", "employment", "werkgelegenheid", "Beschäftigung", "empleo"),
    ("arts", "arts", "kunst", "Kunst", "artes"),
    ("sciences", "science", "wetenschap", "Wissenschaft", "ciencia"),
    ("langues", "languages", "talen", "Sprachen", "idiomas"),
    ("patrimoine", "heritage", "erfgoed", "Kulturerbe", "patrimonio"),
    ("inclusion", "inclusion", "inclusie", "Inklusion", "inclusión"),
    ("orientation", "guidance", "oriëntatie", "Orientierung", "orientación"),
    ("parentalité", "parenting", "ouderschap", "Elternschaft", "crianza"),
    ("jeunesse", "youth", "jeugd", "Jugend", "juventud"),
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
    ("adultes", "adults", "volwassenen", "Erwachsene", "adultos"),
    ("jeunes", "young people", "jongeren", "Jugendliche", "jóvenes"),
    ("familles", "families", "gezinnen", "Familien", "familias"),
    ("aînés", "older people", "ouderen", "Senioren", "mayores"),
    (
        "demandeurs d'emploi",
        "jobseekers",
        "werkzoekenden",
        "Arbeitsuchende",
        "demandantes de empleo",
    ),
    ("enseignants", "teachers", "leerkrachten", "Lehrkräfte", "docentes"),
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
    "association": ("Association", "Association", "Vereniging", "Verein", "Asociación"),
    "school": ("École", "School", "School", "Schule", "Escuela"),
    "library": ("Bibliothèque", "Library", "Bibliotheek", "Bibliothek", "Biblioteca"),
    "company": ("Entreprise", "Company", "Bedrijf", "Unternehmen", "Empresa"),
}

TOOL_FORMS: Final[tuple[tuple[str, Words], ...]] = (
    ("periodical", ("Revue", "Magazine", "Tijdschrift", "Zeitschrift", "Revista")),
    ("book-series", ("Collection", "Book series", "Boekenreeks", "Buchreihe", "Colección")),
    (
        "travelling-exhibition",
        (
            "Exposition itinérante",
            "Travelling exhibition",
            "Reizende tentoonstelling",
            "Wanderausstellung",
            "Exposición itinerante",
        ),
    ),
    ("training", ("Formation", "Training course", "Opleiding", "Fortbildung", "Formación")),
    ("animation", ("Animation", "Workshop kit", "Animatie", "Animation", "Animación")),
    ("game", ("Jeu", "Game", "Spel", "Spiel", "Juego")),
    ("podcast", ("Podcast", "Podcast", "Podcast", "Podcast", "Pódcast")),
    ("guide", ("Guide", "Guide", "Gids", "Leitfaden", "Guía")),
)

BODIES: Final[tuple[tuple[str, Words], ...]] = (
    (
        "comite-de-gouvernance",
        (
            "Comité de gouvernance",
            "Governance committee",
            "Bestuurscomité",
            "Lenkungsausschuss",
            "Comité de gobernanza",
        ),
    ),
    (
        "conseil-d-orientation",
        ("Conseil d'orientation", "Advisory council", "Adviesraad", "Beirat", "Consejo asesor"),
    ),
    (
        "comite-de-pilotage",
        (
            "Comité de pilotage",
            "Steering committee",
            "Stuurgroep",
            "Steuerungsgruppe",
            "Comité de dirección",
        ),
    ),
    (
        "secretariat",
        (
            "Secrétariat de coordination",
            "Coordination office",
            "Coördinatiesecretariaat",
            "Koordinierungsstelle",
            "Secretaría de coordinación",
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
