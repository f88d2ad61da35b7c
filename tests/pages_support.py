"""A tiny publication for the page tests: hostile labels, an inferred graph, missing labels."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

from chava.building.builds import Build
from chava.loading.sources import load_publication
from chava.stores.store import PublishedStore

ID = "https://w3id.org/chava/id/"
LC = "https://w3id.org/learning-city/def/core#"
INFERRED = "https://w3id.org/chava/graph/inferred"
ASSERTED = "https://w3id.org/chava/graph/asserted"
EVIL = ID + "tool/evil"
HOSTILE_LABEL = "<script>alert('x')</script> outil"

PREFIXES = """\
@prefix lc: <https://w3id.org/learning-city/def/core#> .
@prefix lcsh: <https://w3id.org/learning-city/def/shapes#> .
@prefix id: <https://w3id.org/chava/id/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix schema: <http://schema.org/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""

ONTOLOGY = (
    PREFIXES
    + """
<https://w3id.org/learning-city/def/core> a owl:Ontology ;
    dcterms:title "Vocabulaire d'essai"@fr , "Test vocabulary"@en ;
    owl:versionInfo "0.0.1" ;
    dcterms:creator [ rdfs:label "les auteurs"@fr , "the authors"@en ] .
lc:Theme a owl:Class ; rdfs:label "Thème"@fr , "Theme"@en ; rdfs:subClassOf skos:Concept ;
    rdfs:comment "Un thème."@fr , "A theme."@en .
lc:Tool a owl:Class ; rdfs:label "Outil"@fr , "Tool"@en ; rdfs:subClassOf schema:CreativeWork .
lc:GameTool a owl:Class ; rdfs:label "Jeu"@fr , "Game"@en ; rdfs:subClassOf lc:Tool ;
    skos:closeMatch schema:Game .
lc:about a owl:ObjectProperty ; rdfs:label "porte sur"@fr , "about"@en ;
    rdfs:subPropertyOf dcterms:subject ;
    rdfs:domain lc:Tool ; schema:rangeIncludes lc:Theme .
lc:level a owl:DatatypeProperty ; rdfs:label "niveau"@fr ;
    rdfs:domain [ owl:unionOf ( lc:Tool lc:Theme ) ] ; rdfs:range xsd:integer .
"""
)

DATA = (
    PREFIXES.replace("@prefix ", "PREFIX ").replace(" .\n", "\n")
    + """
GRAPH <https://w3id.org/chava/graph/asserted> {
  id:tool\\/evil a lc:Tool , schema:CreativeWork ;
      rdfs:label "<script>alert('x')</script> outil"@fr , "Evil </script><!-- tool"@en ;
      schema:name "Outil </script>"@fr ;
      schema:description "Une description & plus"@fr ;
      lc:about id:theme\\/a ;
      lc:level 3 ;
      schema:sameAs <http://www.wikidata.org/entity/Q1> ;
      schema:url <javascript:alert(1)> , "data:text/html,<script>alert(2)</script>"^^xsd:anyURI ;
      schema:contactPoint [ a schema:ContactPoint ; schema:email "info@example.org" ] ;
      dcterms:source id:source\\/s1 .
  id:theme\\/a a lc:Theme ; rdfs:label "Thème A"@fr .
  id:theme\\/b a lc:Theme ; rdfs:label "Theme B"@en .
  id:theme\\/c a lc:Theme .
  id:source\\/s1 a lc:SourceDocument ; rdfs:label "Source 1"@fr , "Source one"@en .
}
GRAPH <https://w3id.org/chava/graph/inferred> {
  id:tool\\/evil lc:about id:theme\\/b .
  id:theme\\/a skos:related id:theme\\/b .
}
"""
)

SHAPES = (
    PREFIXES
    + """
lcsh:ToolShape a sh:NodeShape ;
    sh:targetClass lc:Tool ;
    sh:name "Forme des outils"@fr , "Tool shape"@en ;
    sh:description "Ce qu'un outil doit avoir."@fr , "What a tool must have."@en ;
    sh:property [
        sh:path rdfs:label ; sh:minCount 1 ; sh:uniqueLang true ; sh:languageIn ( "fr" "en" ) ;
        sh:message "Un libellé est requis"@fr , "A label is required"@en ; sh:order 1
    ] ;
    sh:property [ sh:path lc:about ; sh:class lc:Theme ; sh:severity sh:Warning ; sh:order 2 ] ;
    sh:property [ sh:path [ sh:inversePath lc:about ] ; sh:maxCount 0 ; sh:order 3 ] ;
    sh:property [
        sh:path ( lc:about skos:related ) ; sh:nodeKind sh:IRI ; sh:order 4
    ] .
"""
)


def write_publication(root: Path) -> Path:
    """Write the tiny publication (ontology/, data/, shapes/) under *root*."""
    for folder, name, text in (
        ("ontology", "core.ttl", ONTOLOGY),
        ("data", "things.trig", DATA),
        ("shapes", "shapes.ttl", SHAPES),
    ):
        (root / folder).mkdir(parents=True, exist_ok=True)
        (root / folder / name).write_text(text, encoding="utf-8")
    return root


def memory_store(root: Path) -> PublishedStore:
    """The tiny publication written under *root*, in an in-memory store."""
    store = ox.Store()
    store.bulk_extend(load_publication(write_publication(root)).quads)
    return PublishedStore(Build(root, "memory", datetime.now(UTC)), store=store)
