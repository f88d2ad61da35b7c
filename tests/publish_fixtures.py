"""A tiny publication for the publish tests (build, describe, resources, serve)."""

from __future__ import annotations

from pathlib import Path

from chava.config import Settings

ONTOLOGY = """\
@prefix lc: <https://w3id.org/learning-city/def/core#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/learning-city/def/core> a owl:Ontology ;
    owl:versionIRI <https://w3id.org/learning-city/def/core/0.1.0> ;
    rdfs:label "Vocabulaire des villes apprenantes"@fr, "Learning city vocabulary"@en .
lc:Tool a owl:Class ; rdfs:label "Outil"@fr, "Tool"@en .
lc:usedBy a owl:ObjectProperty ; rdfs:label "utilisé par"@fr, "used by"@en .
"""

SHAPES = """\
@prefix lc: <https://w3id.org/learning-city/def/core#> .
@prefix lcsh: <https://w3id.org/learning-city/def/shapes#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
lcsh:ToolShape a sh:NodeShape ; sh:targetClass lc:Tool ;
    sh:property [ sh:path rdfs:label ; sh:minCount 1 ] .
"""

DATA = """\
@prefix lc: <https://w3id.org/learning-city/def/core#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <http://schema.org/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix tool: <https://w3id.org/chava/id/tool/> .
@prefix org: <https://w3id.org/chava/id/org/> .
tool:aide-memoire a lc:Tool ;
    rdfs:label "Aide-mémoire"@fr, "Reminder"@en ;
    lc:usedBy org:hub ;
    schema:about [ rdfs:label "un sujet"@fr ; schema:position [ schema:value 3 ] ] .
org:hub rdfs:label "Le centre"@fr, "The hub"@en .
tool:a lc:usedBy org:hub ; a lc:Tool ; rdfs:label "A" .
tool:b lc:usedBy org:hub ; a lc:Tool ; rdfs:label "B" .
tool:c lc:usedBy org:hub ; a lc:Tool ; rdfs:label "<script>alert(1)</script>" .
tool:ancien a lc:Tool ; rdfs:label "Ancien"@fr ; owl:deprecated true .
tool:renomme a lc:Tool ; rdfs:label "Renommé"@fr ; owl:deprecated true ;
    dcterms:isReplacedBy tool:aide-memoire .
"""

LINKS = """\
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix schema: <http://schema.org/> .
GRAPH <https://w3id.org/chava/graph/links> {
    <https://w3id.org/chava/id/org/hub> owl:sameAs <http://www.wikidata.org/entity/Q1> ;
        schema:sameAs <http://www.wikidata.org/entity/Q1> .
    <https://w3id.org/chava/id/tool/a> owl:sameAs <http://www.wikidata.org/entity/Q2> .
}
"""

TOOL = "https://w3id.org/chava/id/tool/aide-memoire"
HUB = "https://w3id.org/chava/id/org/hub"


def write_publication(root: Path, *, data: str = DATA) -> Path:
    """Write the tiny publication under *root* and return it."""
    for folder, name, text in (
        ("ontology", "core.ttl", ONTOLOGY),
        ("shapes", "shapes.ttl", SHAPES),
        ("data", "data.ttl", data),
        ("data", "links.trig", LINKS),
    ):
        (root / folder).mkdir(parents=True, exist_ok=True)
        (root / folder / name).write_text(text, encoding="utf-8")
    return root


def publication_settings(root: Path, **overrides: object) -> Settings:
    """Settings for the tiny publication, isolated from the environment."""
    return Settings.load(root=root, environ={}, overrides=overrides)
