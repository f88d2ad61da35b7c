"""The files `chava init` writes, as templates: settings, data, dataset description, queries.

Filled by `chava.scaffold` with the city's name, slug, base IRI and languages. Texts a
template cannot know in the city's languages (a dataset description, query labels) are given in
English and French where those are configured, and left for the city to write otherwise: a
page then falls back to the next configured language, as for any label.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from chava import namespaces

SETTINGS_TEMPLATE: Final = """\
# Settings of the {city} learning-city publication (chava README, "Settings").
#
# data_base_iri: a base your city controls and keeps for ever (for instance a w3id.org
# redirect such as https://w3id.org/{slug}/). Every IRI the city mints starts with it:
# {{base}}id/{{type}}/{{slug}} for things, {{base}}graph/{{name}} for named graphs. Replace
# the example.org placeholder before publishing.
data_base_iri = "{base}"

# The dataset is {base}id/dataset/{slug}; data/dataset.trig gives its title and description.
dataset_name = "{slug}"

# The shared vocabulary and profile: keep it, so partners and harvesters understand the data.
vocabulary_base_iri = "https://w3id.org/learning-city/"

# Languages of labels and pages, preferred first (BCP 47 tags: fi, es, ar, zh-Hans...).
languages = [{languages_toml}]
"""

_STANDARD_PREFIXES: Final = (
    "lc",
    "rdf",
    "rdfs",
    "xsd",
    "skos",
    "org",
    "schema",
    "foaf",
    "dcterms",
    "prov",
    "time",
    "dcat",
    "sh",
)
_PREFIXES: Final = (
    "".join(
        f"@prefix {name + ':':<8} <{namespaces.PREFIXES[name]}> .\n" for name in _STANDARD_PREFIXES
    )
    + """\
@prefix kf:      <https://w3id.org/learning-city/id/concept/key-feature/> .
@prefix src:     <{base}id/source/> .
@prefix o:       <{base}id/organization/> .
@prefix place:   <{base}id/place/> .
@prefix person:  <{base}id/person/> .
@prefix tool:    <{base}id/tool/> .
@prefix event:   <{base}id/event/> .
"""
)


def prefixes_for(base: str) -> str:
    """The prefix lines every data file starts with, for a city minting under *base*."""
    return _PREFIXES.format(base=base)


DATA_FILES: Final = {
    "city.ttl": """\
# {city}: the city, its government, the learning-city initiative and its bodies.
# Every resource: a label in {first_language} (required; rdfs:label "..."@{first_language}), one in
# each other language of chava.toml ({other_languages}: a warning when missing), and
# dcterms:source the document it comes from (described in sources.ttl). Mint IRIs once, from a
# lower-case ASCII slug, never from a label that may change. Example (uncomment and adapt):
#
# place:{slug} a schema:City ;
#     rdfs:label {label_example} ;
#     dcterms:source src:application-file .
{prefixes}""",
    "sources.ttl": """\
# The documents the data comes from (lc:SourceDocument), cited with dcterms:source.
#
# src:application-file a lc:SourceDocument , prov:Entity ;
#     rdfs:label {source_example} .
{prefixes}""",
}

DATASET_TEMPLATE: Final = """\
# What {city}'s publication calls itself: the title and description its pages, its VoID/DCAT
# description, its SPARQL service description and its portal show. Write them in each language
# of chava.toml; a page in a language without one shows the next configured language's.
# Add dcterms:publisher (your organisation) and dcterms:license if CC BY 4.0 is not yours.
{prefixes}
GRAPH <{base}graph/metadata> {{

<{base}id/dataset/{slug}> a dcat:Dataset ;
    dcterms:title {titles}{descriptions} .

}}
"""

QUERIES_TEMPLATE: Final = """\
# Example queries of {city}'s SPARQL endpoint (SHACL-AF executables): /sparql/examples lists
# them, the query editor opens each in a tab. Add your own research questions here.
{prefixes}
GRAPH <{base}graph/queries> {{

<{base}graph/queries> rdfs:label {catalogue_labels} .

<{base}id/query/resources-per-class> a sh:SPARQLSelectExecutable ;
    schema:position 1 ;
    rdfs:label {count_labels} ;
    rdfs:comment {count_comments} ;
    schema:keywords {count_keywords} ;
    sh:select \"\"\"SELECT ?class (COUNT(DISTINCT ?resource) AS ?resources) WHERE {{
  GRAPH ?graph {{ ?resource a ?class }}
  FILTER(STRSTARTS(STR(?graph), "{base}graph/")
    && ?graph NOT IN (<{base}graph/ontology>, <{base}graph/shapes>, <{base}graph/imports>,
                      <{base}graph/metadata>, <{base}graph/queries>))
}}
GROUP BY ?class
ORDER BY DESC(?resources) ?class\"\"\" .

<{base}id/query/labels> a sh:SPARQLSelectExecutable ;
    schema:position 2 ;
    rdfs:label {label_labels} ;
    rdfs:comment {label_comments} ;
    schema:keywords {label_keywords} ;
    sh:select \"\"\"PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?resource ?label WHERE {{
  ?resource rdfs:label ?label .
  FILTER(STRSTARTS(STR(?resource), "{base}id/") && LANGMATCHES(LANG(?label), "{first_language}"))
}}
ORDER BY ?label
LIMIT 100\"\"\" .

}}
"""

LINKS_TEMPLATE: Final = """\
# External links, each checked by a person against the external source, with its provenance
# (an rdf:Statement citing the page that proves it). owl:sameAs / schema:sameAs only for
# identity; skos:exactMatch / skos:closeMatch for concepts; never sameAs between an
# organisation and its place.
{prefixes}
@prefix wd: <http://www.wikidata.org/entity/> .

GRAPH <{base}graph/links> {{
}}
"""

_DESCRIPTIONS: Final = {
    "en": "The knowledge graph of {city}, learning city: its initiative, governance, actors and "
    "tools, as linked data.",
    "fr": "Le graphe de connaissances de {city}, ville apprenante : son initiative, sa "
    "gouvernance, ses acteurs et ses outils, en données liées.",
}
_CATALOGUE_LABELS: Final = {
    "en": "Example queries of {city}'s publication",
    "fr": "Requêtes d'exemple de la publication de {city}",
}
_QUERY_TEXTS: Final = {
    "count_labels": {
        "en": "What does {city}'s publication hold? Resources per class",
        "fr": "Que contient la publication de {city} ? Ressources par classe",
    },
    "count_comments": {
        "en": "How many resources of each class {city}'s own graphs hold (the shared "
        "vocabulary, the profile and the metadata left out).",
        "fr": "Combien de ressources de chaque classe les graphes de {city} contiennent (sans le "
        "vocabulaire partagé, le profil ni les métadonnées).",
    },
    "count_keywords": {"en": "classes", "fr": "classes"},
    "label_labels": {
        "en": "{city}'s resources and their labels in {language}",
        "fr": "Les ressources de {city} et leur libellé en {language}",
    },
    "label_comments": {
        "en": "Every resource {city} mints with its label in {language}, the first language of "
        "the publication.",
        "fr": "Chaque ressource que {city} publie, avec son libellé en {language}, la première "
        "langue de la publication.",
    },
    "label_keywords": {"en": "labels", "fr": "libellés"},
}
"""The texts of the example queries. The profile asks a query for French and English titles,
descriptions and keywords, whatever the city's languages: these are given in both."""


def dataset_descriptions(city: str, languages: Sequence[str]) -> str:
    """`dcterms:description` lines in the *languages* we have a text for ('' if none)."""
    texts = _literals(_DESCRIPTIONS, city, languages, language=languages[0])
    return f" ;\n    dcterms:description {texts}" if texts else ""


def query_texts(city: str, languages: Sequence[str]) -> dict[str, str]:
    """The labels, descriptions and keywords of the catalogue and its queries."""
    first = languages[0]
    texts = {"catalogue_labels": _CATALOGUE_LABELS, **_QUERY_TEXTS}
    return {
        name: _literals(by_language, city, ("fr", "en"), language=first)
        for name, by_language in texts.items()
    }


def _literals(texts: dict[str, str], city: str, languages: Sequence[str], *, language: str) -> str:
    found = [
        f'"{texts[tag.lower()].format(city=city, language=language)}"@{tag}'
        for tag in languages
        if tag.lower() in texts
    ]
    return " , ".join(found)
