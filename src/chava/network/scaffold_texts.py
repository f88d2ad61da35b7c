"""The files `chava init` writes, as templates: settings, data, dataset description, queries.

Filled by `chava.network.scaffold` with the city's name, slug, base IRI and languages. The
scaffold's own texts (dataset description, example queries) come in the languages of `TRANSLATIONS`;
for another language a query gets a bracketed English placeholder to translate (the profile asks a
query for a title and a description in the publication's first language), and the dataset no
description in it (a page falls back to the next configured language, as for any label).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from chava import namespaces

SETTINGS_TEMPLATE: Final = """\
# Settings of the {city} learning-city publication (chava docs, docs/settings.md).
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
@prefix lcorg:   <https://w3id.org/learning-city/id/organization/> .
@prefix ms:      <{base}id/membership/> .
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
#
# The network, UIL and UNESCO have shared IRIs (ontology/reference/network.ttl): point to them,
# never mint your own. Your membership of the GNLC:
#
# ms:{slug}-gnlc a org:Membership ;
#     rdfs:label {label_example} ;
#     org:member o:city-government-of-{slug} ;
#     org:organization lcorg:gnlc ;
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
# them, the query editor opens each in a tab. Add your own research questions here, each with a
# title and a description in every language of chava.toml. A text ending in a language tag in
# brackets ("... [sw]") is an English placeholder: translate it.
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

TRANSLATIONS: Final[dict[str, dict[str, str]]] = {
    "description": {
        "en": "{city}, learning city: its knowledge graph as linked data.",
        "fr": "{city}, ville apprenante : son graphe de connaissances en données liées.",
        "fi": "{city}, oppiva kaupunki: tietograafi linkitettynä datana.",
        "es": "{city}, ciudad del aprendizaje: su grafo de conocimiento como datos enlazados.",
        "de": "{city}, lernende Stadt: ihr Wissensgraph als Linked Data.",
        "nl": "{city}, lerende stad: haar kennisgraaf als linked data.",
        "it": "{city}, città dell'apprendimento: il suo grafo di conoscenza come dati collegati.",
        "pt": "{city}, cidade de aprendizagem: o seu grafo de conhecimento como dados ligados.",
        "ar": "{city}، مدينة التعلّم: رسمها المعرفي كبيانات مترابطة.",
        "zh-hans": "{city}，学习型城市：以关联数据发布的知识图谱。",  # noqa: RUF001 (Chinese punctuation)
    },
    "catalogue_labels": {
        "en": "{city}: example queries",
        "fr": "{city} : requêtes d'exemple",
        "fi": "{city}: esimerkkikyselyt",
        "es": "{city}: consultas de ejemplo",
        "de": "{city}: Beispielabfragen",
        "nl": "{city}: voorbeeldquery's",
        "it": "{city}: query di esempio",
        "pt": "{city}: consultas de exemplo",
        "ar": "{city}: استعلامات نموذجية",
        "zh-hans": "{city}：示例查询",  # noqa: RUF001 (Chinese punctuation)
    },
    "count_labels": {
        "en": "{city}: resources per class",
        "fr": "{city} : ressources par classe",
        "fi": "{city}: resurssit luokittain",
        "es": "{city}: recursos por clase",
        "de": "{city}: Ressourcen pro Klasse",
        "nl": "{city}: bronnen per klasse",
        "it": "{city}: risorse per classe",
        "pt": "{city}: recursos por classe",
        "ar": "{city}: الموارد حسب الفئة",
        "zh-hans": "{city}：按类别统计的资源",  # noqa: RUF001 (Chinese punctuation)
    },
    "count_comments": {
        "en": "How many resources of each class the own graphs of {city} hold.",
        "fr": "Combien de ressources de chaque classe les graphes de {city} contiennent.",
        "fi": "{city}: kunkin luokan resurssien määrä omissa graafeissa.",
        "es": "Cuántos recursos de cada clase contienen los grafos propios de {city}.",
        "de": "Wie viele Ressourcen jeder Klasse die eigenen Graphen von {city} enthalten.",
        "nl": "Hoeveel bronnen van elke klasse de eigen grafen van {city} bevatten.",
        "it": "Quante risorse di ogni classe contengono i grafi di {city}.",
        "pt": "Quantos recursos de cada classe contêm os grafos de {city}.",
        "ar": "عدد موارد كل فئة في رسوم {city} البيانية.",
        "zh-hans": "{city}自身图中每个类别的资源数量。",
    },
    "count_keywords": {
        "en": "classes",
        "fr": "classes",
        "fi": "luokat",
        "es": "clases",
        "de": "Klassen",
        "nl": "klassen",
        "it": "classi",
        "pt": "classes",
        "ar": "الفئات",
        "zh-hans": "类别",
    },
    "label_labels": {
        "en": "{city}: resources and their labels ({language})",
        "fr": "{city} : ressources et leurs libellés ({language})",
        "fi": "{city}: resurssit ja niiden nimet ({language})",
        "es": "{city}: recursos y sus etiquetas ({language})",
        "de": "{city}: Ressourcen und ihre Bezeichnungen ({language})",
        "nl": "{city}: bronnen en hun labels ({language})",
        "it": "{city}: risorse e le loro etichette ({language})",
        "pt": "{city}: recursos e os seus rótulos ({language})",
        "ar": "{city}: الموارد وتسمياتها ({language})",
        "zh-hans": "{city}：资源及其标签（{language}）",  # noqa: RUF001 (Chinese punctuation)
    },
    "label_comments": {
        "en": "Every resource {city} publishes, with its label in the first language of the "
        "publication.",
        "fr": "Chaque ressource que {city} publie, avec son libellé dans la première langue de la "
        "publication.",
        "fi": "Jokainen resurssi, jonka {city} julkaisee, ja sen nimi julkaisun ensimmäisellä "
        "kielellä.",
        "es": "Cada recurso que publica {city}, con su etiqueta en la primera lengua de la "
        "publicación.",
        "de": "Jede Ressource, die {city} veröffentlicht, mit ihrer Bezeichnung in der ersten "
        "Sprache der Veröffentlichung.",
        "nl": "Elke bron die {city} publiceert, met haar label in de eerste taal van de "
        "publicatie.",
        "it": "Ogni risorsa che {city} pubblica, con la sua etichetta nella prima lingua della "
        "pubblicazione.",
        "pt": "Cada recurso que {city} publica, com o seu rótulo na primeira língua da publicação.",
        "ar": "كل مورد تنشره {city} مع تسميته باللغة الأولى للمنشور.",
        "zh-hans": "{city}发布的每个资源及其在该出版物第一语言中的标签。",
    },
    "label_keywords": {
        "en": "labels",
        "fr": "libellés",
        "fi": "nimet",
        "es": "etiquetas",
        "de": "Bezeichnungen",
        "nl": "labels",
        "it": "etichette",
        "pt": "rótulos",
        "ar": "التسميات",
        "zh-hans": "标签",
    },
}
"""The scaffold's own texts, by language (lower-case tags). A language not here gets the English
text followed by its tag in brackets (`... [sw]`): a placeholder the city translates."""


def dataset_descriptions(city: str, languages: Sequence[str]) -> str:
    """`dcterms:description` in the *languages* we have a text for ('' if none)."""
    found = [
        f'"{text}"@{tag}'
        for tag in languages
        if (text := _translated("description", tag, city=city)) is not None
    ]
    return f" ;\n    dcterms:description {' , '.join(found)}" if found else ""


def query_texts(city: str, languages: Sequence[str]) -> dict[str, str]:
    """The labels, descriptions and keywords of the example queries, one per language."""
    first = languages[0]
    return {
        name: " , ".join(
            f'"{_text_or_placeholder(name, tag, city=city, language=first)}"@{tag}'
            for tag in languages
        )
        for name in TRANSLATIONS
        if name != "description"
    }


def _translated(name: str, tag: str, **values: str) -> str | None:
    texts = TRANSLATIONS[name]
    lowered = tag.lower()
    template = texts.get(lowered) or texts.get(lowered.split("-", 1)[0])
    return template.format(**values) if template is not None else None


def _text_or_placeholder(name: str, tag: str, **values: str) -> str:
    found = _translated(name, tag, **values)
    return found if found is not None else f"{TRANSLATIONS[name]['en'].format(**values)} [{tag}]"
