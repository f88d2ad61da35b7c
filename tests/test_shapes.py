# ruff: noqa: E501
# (The inline Turtle examples read best one statement per line, even when long.)
"""Every shape of the SHACL profile bites: one minimal invalid example per shape and constraint.

Each example is a tiny dataset of an imaginary city (never Charleroi: the profile is generic),
otherwise valid, validated against the project's ontology, imports and shapes only. The test
asserts the exact set of results: focus node, path, severity and constraint component.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from chava import namespaces
from chava.generate import generate_chunks
from chava.loading.sources import (
    IMPORTS_GRAPH,
    REFERENCE_GRAPH,
    Publication,
    load_publication,
    parse_file,
)
from chava.validation.validate import ValidationReport, validate_publication

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SH = namespaces.SH
CITY = "https://city.example.org/id/"

PREFIXES = """
@prefix lc:      <https://w3id.org/learning-city/def/core#> .
@prefix rdf:     <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl:     <http://www.w3.org/2002/07/owl#> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .
@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .
@prefix org:     <http://www.w3.org/ns/org#> .
@prefix schema:  <http://schema.org/> .
@prefix foaf:    <http://xmlns.com/foaf/0.1/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix time:    <http://www.w3.org/2006/time#> .
@prefix eli:     <http://data.europa.eu/eli/ontology#> .
@prefix src:     <https://city.example.org/id/source/> .
@prefix o:       <https://city.example.org/id/organization/> .
@prefix pl:      <https://city.example.org/id/place/> .
@prefix p:       <https://city.example.org/id/person/> .
@prefix post:    <https://city.example.org/id/post/> .
@prefix ms:      <https://city.example.org/id/membership/> .
@prefix iv:      <https://city.example.org/id/interval/> .
@prefix in:      <https://city.example.org/id/instant/> .
@prefix w:       <https://city.example.org/id/work/> .
@prefix ev:      <https://city.example.org/id/event/> .
@prefix law:     <https://city.example.org/id/legislation/> .
@prefix cp:      <https://city.example.org/id/contact-point/> .
@prefix cs:      <https://city.example.org/id/conceptscheme/> .
@prefix c:       <https://city.example.org/id/concept/topic/> .
@prefix col:     <https://city.example.org/id/collection/> .
@prefix kf:      <https://w3id.org/learning-city/id/concept/key-feature/> .
@prefix av:      <https://w3id.org/learning-city/id/concept/availability/> .
"""

# A described source, and the label + source every example resource carries.
SOURCE = """
src:s a lc:SourceDocument ; rdfs:label "Source"@fr , "Source"@en ;
    dcterms:title "Source" ; dcterms:language "fr" .
"""
OK = 'rdfs:label "Nom"@fr , "Name"@en ; dcterms:source src:s'
CONCEPT_OK = 'skos:prefLabel "Nom"@fr , "Name"@en ; skos:inScheme cs:s ; dcterms:source src:s'
SCHEME = f"""
cs:s a skos:ConceptScheme ; {OK} ; skos:hasTopConcept c:top .
c:top a skos:Concept ; {CONCEPT_OK} ; skos:topConceptOf cs:s .
"""
ORG = f"o:other a org:Organization , org:FormalOrganization ; {OK} ."
PLACE = f"pl:city a schema:City ; {OK} ."
INSTANT = f'in:i a time:Instant ; {OK} ; time:inXSDgYearMonth "2020-09"^^xsd:gYearMonth .'
INTERVAL = f"iv:i a time:Interval ; {OK} ; time:hasBeginning in:i .\n{INSTANT}"
LAW = f'law:l a eli:LegalResource , schema:Legislation ; {OK} ; schema:legislationDate "2003-07-17"^^xsd:date .'
THEME = f'c:theme a lc:Theme , skos:Concept ; {CONCEPT_OK} ; skos:notation "1" .'
INITIATIVE_BODY = f"o:body a lc:GovernanceBody , org:OrganizationalUnit ; {OK} ; org:subOrganizationOf o:initiative ."
TOOL_OK = f"""lc:toolKind c:kind ; lc:availability av:perenne ; schema:provider o:other ; {OK}"""
KIND = f"c:kind a lc:ToolKind , skos:Concept ; {CONCEPT_OK} ."


KEY_FEATURE = "https://w3id.org/learning-city/id/concept/key-feature/"
KEY_FEATURE_SCHEME = ""  # the shared scheme ships in ontology/reference/key-features.ttl


def o(name: str) -> str:
    return f"{CITY}organization/{name}"


def iri(path: str) -> str:
    return CITY + path


RDFS_LABEL = namespaces.RDFS + "label"
PREF_LABEL = namespaces.SKOS + "prefLabel"
V, W = "Violation", "Warning"
BLANK = "_:"  # any blank node: their identifiers are not stable

Expected = tuple[str, str | None, str, str]

# (example id, Turtle, expected results as (focus, path, severity, constraint component)).
CASES: list[tuple[str, str, set[Expected]]] = [
    # --- LabelledResourceShape
    (
        "label-missing",
        "o:x a org:Organization ; dcterms:source src:s .",
        {(o("x"), RDFS_LABEL, V, "MinCount")},
    ),
    (
        "label-without-language",
        f'o:x a org:Organization ; {OK} ; rdfs:label "Nombre" .',
        {(o("x"), RDFS_LABEL, V, "Datatype")},
    ),
    (
        "label-two-in-french",
        f'o:x a org:Organization ; {OK} ; rdfs:label "Autre nom"@fr .',
        {(o("x"), RDFS_LABEL, V, "UniqueLang")},
    ),
    (
        "note-without-language",
        f'o:x a org:Organization ; {OK} ; skos:editorialNote "note" .',
        {(o("x"), namespaces.SKOS + "note", V, "Datatype")},
    ),
    (
        "alternate-name-language",
        f'o:x a org:Organization ; {OK} ; schema:alternateName "X" .',
        {(o("x"), namespaces.SCHEMA + "alternateName", V, "Datatype")},
    ),
    # --- QualifiedRelationShape
    (
        "qualified-relation-label-without-language",
        f'ms:m a org:Membership ; rdfs:label "Adhésion" ; dcterms:source src:s ; org:member o:x ;'
        f" org:organization o:other ; org:memberDuring iv:i .\n{INTERVAL}\n{ORG}\n"
        f"o:x a org:Organization ; {OK} .",
        {(iri("membership/m"), RDFS_LABEL, V, "Datatype")},
    ),
    # --- SourcedResourceShape
    (
        "source-missing",
        'o:x a org:Organization ; rdfs:label "Nom"@fr , "Name"@en .',
        {(o("x"), namespaces.DCTERMS + "source", V, "MinCount")},
    ),
    (
        "source-not-an-iri",
        f'o:x a org:Organization ; {OK} ; dcterms:source "la source 000" .',
        {
            (o("x"), namespaces.DCTERMS + "source", V, "NodeKind"),
            (o("x"), namespaces.DCTERMS + "source", W, "Class"),
        },
    ),
    (
        "source-not-described",
        'o:x a org:Organization ; rdfs:label "Nom"@fr , "Name"@en ; dcterms:source src:unknown .',
        {(o("x"), namespaces.DCTERMS + "source", W, "Class")},
    ),
    (
        "unknown-lc-class",
        f"o:x a org:Organization , lc:Workgroup ; {OK} .",
        {(o("x"), namespaces.RDF + "type", V, "Or")},
    ),
    # --- MintedIriShape
    (
        "iri-slug-not-lower-case",
        f"<{CITY}organization/Ville_De_X> a org:Organization ; {OK} .",
        {(CITY + "organization/Ville_De_X", None, V, "Pattern")},
    ),
    (
        "iri-with-query",
        f"<{CITY}organization/x?id=1> a org:Organization ; {OK} .",
        {(CITY + "organization/x?id=1", None, V, "Pattern")},
    ),
    # --- OrganizationShape
    (
        "sub-organization-of-a-place",
        f"o:x a org:Organization ; {OK} ; org:subOrganizationOf pl:city .\n{PLACE}",
        {(o("x"), namespaces.ORG + "subOrganizationOf", V, "Class")},
    ),
    (
        "has-sub-organization-a-place",
        f"o:x a org:Organization ; {OK} ; org:hasSubOrganization pl:city .\n{PLACE}",
        {(o("x"), namespaces.ORG + "hasSubOrganization", V, "Class")},
    ),
    (
        "member-of-a-place",
        f"o:x a org:Organization ; {OK} ; org:memberOf pl:city .\n{PLACE}",
        {(o("x"), namespaces.ORG + "memberOf", V, "Class")},
    ),
    (
        "advises-a-place",
        f"o:x a org:Organization ; {OK} ; lc:advises pl:city .\n{PLACE}",
        {(o("x"), namespaces.ORG + "linkedTo", V, "Class")},
    ),
    (
        "same-as-a-place",
        f"o:x a org:Organization ; {OK} ; schema:sameAs pl:city .\n{PLACE}",
        {(o("x"), namespaces.SCHEMA + "sameAs", V, "Not")},
    ),
    (
        "owl-same-as-a-place",
        f"o:x a org:Organization ; {OK} ; owl:sameAs pl:city .\n{PLACE}",
        {(o("x"), namespaces.OWL + "sameAs", V, "Not")},
    ),
    (
        "homepage-literal",
        f'o:x a org:Organization ; {OK} ; foaf:homepage "www.example.org" .',
        {
            (o("x"), namespaces.FOAF + "homepage", V, "NodeKind"),
            (o("x"), namespaces.FOAF + "homepage", V, "Pattern"),
        },
    ),
    (
        "homepage-javascript",
        f"o:x a org:Organization ; {OK} ; foaf:homepage <javascript:alert(1)> .",
        {(o("x"), namespaces.FOAF + "homepage", V, "Pattern")},
    ),
    (
        "contact-point-not-a-contact-point",
        f"o:x a org:Organization ; {OK} ; schema:contactPoint pl:city .\n{PLACE}",
        {(o("x"), namespaces.SCHEMA + "contactPoint", V, "Class")},
    ),
    # --- LocalGovernmentShape
    (
        "local-government-without-territory",
        f"o:x a lc:LocalGovernment , org:FormalOrganization ; {OK} .",
        {(o("x"), namespaces.SCHEMA + "areaServed", W, "MinCount")},
    ),
    (
        "local-government-serves-an-organisation",
        f"o:x a lc:LocalGovernment , org:FormalOrganization ; {OK} ; schema:areaServed o:other .\n{ORG}",
        {(o("x"), namespaces.SCHEMA + "areaServed", V, "Class")},
    ),
    # --- NetworkShape
    (
        "network-two-coordinators",
        f"o:x a lc:Network , org:OrganizationalCollaboration ; {OK} ; lc:coordinatedBy o:other , o:third .\n"
        f"{ORG}\no:third a org:Organization ; {OK} .",
        {(o("x"), namespaces.LC + "coordinatedBy", W, "MaxCount")},
    ),
    (
        "network-sdg-out-of-range",
        f"o:x a lc:Network , org:OrganizationalCollaboration ; {OK} ;"
        " lc:contributesToSDG <http://metadata.un.org/sdg/18> .",
        {(o("x"), namespaces.LC + "contributesToSDG", V, "Pattern")},
    ),
    # --- LearningCityInitiativeShape
    (
        "initiative-without-territory",
        f"o:initiative a lc:LearningCityInitiative , org:OrganizationalCollaboration ; {OK} ;"
        f" org:hasSubOrganization o:body .\n{INITIATIVE_BODY}",
        {(o("initiative"), namespaces.SCHEMA + "areaServed", V, "MinCount")},
    ),
    (
        "initiative-without-bodies",
        f"o:initiative a lc:LearningCityInitiative , org:OrganizationalCollaboration ; {OK} ;"
        f" schema:areaServed pl:city .\n{PLACE}",
        {(o("initiative"), namespaces.ORG + "hasSubOrganization", W, "MinCount")},
    ),
    (
        "initiative-principle-not-a-principle",
        f"o:initiative a lc:LearningCityInitiative , org:OrganizationalCollaboration ; {OK} ;"
        f" schema:areaServed pl:city ; org:hasSubOrganization o:body ; lc:statesPrinciple c:top .\n"
        f"{PLACE}\n{INITIATIVE_BODY}\n{SCHEME}",
        {(o("initiative"), namespaces.LC + "statesPrinciple", V, "Class")},
    ),
    (
        "initiative-goal-not-a-concept",
        f"o:initiative a lc:LearningCityInitiative , org:OrganizationalCollaboration ; {OK} ;"
        f" schema:areaServed pl:city ; org:hasSubOrganization o:body ; lc:pursuesGoal pl:city .\n"
        f"{PLACE}\n{INITIATIVE_BODY}",
        {(o("initiative"), namespaces.LC + "pursuesGoal", V, "Class")},
    ),
    (
        "initiative-challenge-not-a-challenge",
        f"o:initiative a lc:LearningCityInitiative , org:OrganizationalCollaboration ; {OK} ;"
        f" schema:areaServed pl:city ; org:hasSubOrganization o:body ; lc:addressesChallenge c:top .\n"
        f"{PLACE}\n{INITIATIVE_BODY}\n{SCHEME}",
        {(o("initiative"), namespaces.LC + "addressesChallenge", V, "Class")},
    ),
    # --- GovernanceBodyShape, WorkingGroupShape
    (
        "body-attached-to-nothing",
        f"o:x a lc:GovernanceBody , org:OrganizationalUnit ; {OK} .",
        {(o("x"), namespaces.ORG + "subOrganizationOf", V, "MinCount")},
    ),
    (
        "working-group-without-theme",
        f"o:x a lc:WorkingGroup , org:OrganizationalUnit ; {OK} ; org:subOrganizationOf o:other .\n{ORG}",
        {(o("x"), namespaces.ORG + "purpose", W, "MinCount")},
    ),
    (
        "working-group-purpose-not-a-theme",
        f"o:x a lc:WorkingGroup , org:OrganizationalUnit ; {OK} ; org:subOrganizationOf o:other ;"
        f" org:purpose c:top .\n{ORG}\n{SCHEME}",
        {(o("x"), namespaces.ORG + "purpose", V, "Class")},
    ),
    # --- AssociationShape, DocumentationCentreShape
    (
        "association-without-contact",
        f"o:x a lc:Association , org:FormalOrganization ; {OK} .",
        {(o("x"), namespaces.SCHEMA + "contactPoint", W, "MinCount")},
    ),
    (
        "documentation-centre-without-parent",
        f"o:x a lc:DocumentationCentre , org:OrganizationalUnit ; {OK} .",
        {(o("x"), namespaces.ORG + "unitOf", W, "MinCount")},
    ),
    (
        "documentation-centre-unit-of-a-unit",
        f"o:x a lc:DocumentationCentre , org:OrganizationalUnit ; {OK} ; org:unitOf o:unit .\n"
        f"o:unit a org:OrganizationalUnit ; {OK} .",
        {(o("x"), namespaces.ORG + "unitOf", V, "Class")},
    ),
    # --- OrganizationCollectionShape
    (
        "collection-size-missing",
        f"col:x a lc:OrganizationCollection ; {OK} .",
        {(iri("collection/x"), namespaces.SCHEMA + "numberOfItems", V, "MinCount")},
    ),
    (
        "collection-size-not-integer",
        f'col:x a lc:OrganizationCollection ; {OK} ; schema:numberOfItems "280" .',
        # A string cannot be compared with 0 either: SHACL reports both.
        {
            (iri("collection/x"), namespaces.SCHEMA + "numberOfItems", V, "Datatype"),
            (iri("collection/x"), namespaces.SCHEMA + "numberOfItems", V, "MinInclusive"),
        },
    ),
    (
        "collection-size-negative",
        f"col:x a lc:OrganizationCollection ; {OK} ; schema:numberOfItems -1 .",
        {(iri("collection/x"), namespaces.SCHEMA + "numberOfItems", V, "MinInclusive")},
    ),
    (
        "collection-two-sizes",
        f"col:x a lc:OrganizationCollection ; {OK} ; schema:numberOfItems 1 , 2 .",
        {(iri("collection/x"), namespaces.SCHEMA + "numberOfItems", V, "MaxCount")},
    ),
    (
        "collection-two-fte-counts",
        f"col:x a lc:OrganizationCollection ; {OK} ; schema:numberOfItems 1 ; lc:fullTimeEquivalentCount 1 , 2 .",
        {(iri("collection/x"), namespaces.LC + "fullTimeEquivalentCount", V, "MaxCount")},
    ),
    (
        "collection-member-a-place",
        f"col:x a lc:OrganizationCollection ; {OK} ; schema:numberOfItems 1 ; schema:itemListElement pl:city .\n{PLACE}",
        {(iri("collection/x"), namespaces.SCHEMA + "itemListElement", V, "Class")},
    ),
    # --- PersonShape, PostShape
    (
        "person-holds-an-organisation",
        f"p:x a foaf:Person ; {OK} ; org:holds o:other .\n{ORG}",
        {(iri("person/x"), namespaces.ORG + "holds", V, "Class")},
    ),
    (
        "person-two-given-names",
        f'p:x a foaf:Person ; {OK} ; foaf:givenName "Ann" , "Anna" .',
        {(iri("person/x"), namespaces.FOAF + "givenName", V, "MaxCount")},
    ),
    (
        "person-given-name-with-language",
        f'p:x a foaf:Person ; {OK} ; foaf:familyName "Doe"@fr .',
        {(iri("person/x"), namespaces.FOAF + "familyName", V, "Datatype")},
    ),
    (
        "post-in-nothing",
        f"post:x a org:Post ; {OK} .",
        {(iri("post/x"), namespaces.ORG + "postIn", V, "MinCount")},
    ),
    (
        "post-held-by-a-place",
        f"post:x a org:Post ; {OK} ; org:postIn o:other ; org:heldBy pl:city .\n{ORG}\n{PLACE}",
        {(iri("post/x"), namespaces.ORG + "heldBy", V, "Class")},
    ),
    # --- MembershipShape
    (
        "membership-of-a-place-as-member",
        f"ms:m a org:Membership ; {OK} ; org:member pl:city ; org:organization o:other ; org:memberDuring iv:i .\n"
        f"{PLACE}\n{ORG}\n{INTERVAL}",
        {(iri("membership/m"), namespaces.ORG + "member", V, "Class")},
    ),
    (
        "membership-two-organisations",
        f"ms:m a org:Membership ; {OK} ; org:member o:other ; org:organization o:other , o:third ;"
        f" org:memberDuring iv:i .\n{ORG}\no:third a org:Organization ; {OK} .\n{INTERVAL}",
        {(iri("membership/m"), namespaces.ORG + "organization", V, "MaxCount")},
    ),
    (
        "membership-without-period",
        f"ms:m a org:Membership ; {OK} ; org:member o:other ; org:organization o:other .\n{ORG}",
        {(iri("membership/m"), namespaces.ORG + "memberDuring", W, "MinCount")},
    ),
    (
        "membership-period-not-an-interval",
        f"ms:m a org:Membership ; {OK} ; org:member o:other ; org:organization o:other ;"
        f" org:memberDuring in:i .\n{ORG}\n{INSTANT}",
        {(iri("membership/m"), namespaces.ORG + "memberDuring", V, "Class")},
    ),
    (
        "membership-benefit-literal",
        f"ms:m a org:Membership ; {OK} ; org:member o:other ; org:organization o:other ;"
        f' org:memberDuring iv:i ; lc:benefit "networking" .\n{ORG}\n{INTERVAL}',
        {(iri("membership/m"), namespaces.LC + "benefit", V, "Class")},
    ),
    # --- IntervalShape, InstantShape
    (
        "interval-begins-with-an-interval",
        f"iv:x a time:Interval ; {OK} ; time:hasBeginning iv:i .\n{INTERVAL}",
        {(iri("interval/x"), namespaces.TIME + "hasBeginning", V, "Class")},
    ),
    (
        "interval-two-ends",
        f"iv:x a time:Interval ; {OK} ; time:hasEnd in:i , in:j .\n{INSTANT}\n"
        f'in:j a time:Instant ; {OK} ; time:inXSDDate "2021-01-01"^^xsd:date .',
        {(iri("interval/x"), namespaces.TIME + "hasEnd", V, "MaxCount")},
    ),
    (
        "instant-without-position",
        f"in:x a time:Instant ; {OK} .",
        {(iri("instant/x"), None, V, "Or")},
    ),
    (
        "instant-date-not-a-date",
        f'in:x a time:Instant ; {OK} ; time:inXSDDate "2020-09" .',
        {(iri("instant/x"), namespaces.TIME + "inXSDDate", V, "Datatype")},
    ),
    (
        "instant-month-not-a-month",
        f'in:x a time:Instant ; {OK} ; time:inXSDgYearMonth "septembre 2020" .',
        {(iri("instant/x"), namespaces.TIME + "inXSDgYearMonth", V, "Datatype")},
    ),
    # --- RecognitionShape
    (
        "recognition-without-legal-basis",
        f"<{CITY}recognition/r> a lc:Recognition ; {OK} ; lc:recognisedOrganization o:other .\n{ORG}",
        {(iri("recognition/r"), namespaces.LC + "legalBasis", V, "MinCount")},
    ),
    (
        "recognition-legal-basis-not-legal",
        f"<{CITY}recognition/r> a lc:Recognition ; {OK} ; lc:recognisedOrganization o:other ;"
        f" lc:legalBasis o:other .\n{ORG}",
        {(iri("recognition/r"), namespaces.LC + "legalBasis", V, "Class")},
    ),
    (
        "recognition-two-organisations",
        f"<{CITY}recognition/r> a lc:Recognition ; {OK} ; lc:recognisedOrganization o:other , o:third ;"
        f" lc:legalBasis law:l .\n{ORG}\no:third a org:Organization ; {OK} .\n{LAW}",
        {(iri("recognition/r"), namespaces.LC + "recognisedOrganization", V, "MaxCount")},
    ),
    (
        "recognition-axis-not-a-concept",
        f"<{CITY}recognition/r> a lc:Recognition ; {OK} ; lc:recognisedOrganization o:other ;"
        f" lc:legalBasis law:l ; lc:recognitionAxis law:l .\n{ORG}\n{LAW}",
        {(iri("recognition/r"), namespaces.LC + "recognitionAxis", V, "Class")},
    ),
    # --- ContactPointShape
    (
        "contact-point-empty",
        f"cp:x a schema:ContactPoint ; {OK} .",
        {(iri("contact-point/x"), None, V, "Or")},
    ),
    (
        "contact-point-mailto",
        f'cp:x a schema:ContactPoint ; {OK} ; schema:email "mailto:info@example.org" .',
        {(iri("contact-point/x"), namespaces.SCHEMA + "email", V, "Pattern")},
    ),
    (
        "contact-point-bad-telephone",
        f'cp:x a schema:ContactPoint ; {OK} ; schema:telephone "call us" .',
        {(iri("contact-point/x"), namespaces.SCHEMA + "telephone", V, "Pattern")},
    ),
    # --- PedagogicalToolShape
    (
        "tool-without-kind",
        f"w:x a lc:PedagogicalTool , schema:CreativeWork ; {OK} ; lc:availability av:perenne ;"
        f" schema:provider o:other .\n{ORG}",
        {(iri("work/x"), namespaces.LC + "toolKind", V, "MinCount")},
    ),
    (
        "tool-kind-not-a-tool-kind",
        f"w:x a lc:PedagogicalTool , schema:CreativeWork ; {OK} ; lc:toolKind c:top ;"
        f" lc:availability av:perenne ; schema:provider o:other .\n{ORG}\n{SCHEME}",
        {(iri("work/x"), namespaces.LC + "toolKind", V, "Class")},
    ),
    (
        "tool-availability-outside-list",
        f"w:x a lc:PedagogicalTool , schema:CreativeWork ; {OK} ; lc:toolKind c:kind ;"
        f" lc:availability c:top ; schema:provider o:other .\n{ORG}\n{SCHEME}\n{KIND}",
        {(iri("work/x"), namespaces.LC + "availability", V, "In")},
    ),
    (
        "tool-two-availabilities",
        f"w:x a lc:PedagogicalTool , schema:CreativeWork ; {TOOL_OK} ;"
        f" lc:availability av:temporaire .\n{ORG}\n{SCHEME}\n{KIND}",
        {(iri("work/x"), namespaces.LC + "availability", V, "MaxCount")},
    ),
    (
        "tool-without-provider",
        f"w:x a lc:PedagogicalTool , schema:CreativeWork ; {OK} ; lc:toolKind c:kind ;"
        f" lc:availability av:perenne .\n{SCHEME}\n{KIND}",
        {(iri("work/x"), namespaces.SCHEMA + "provider", W, "MinCount")},
    ),
    (
        "tool-provider-a-place",
        f"w:x a lc:PedagogicalTool , schema:CreativeWork ; {OK} ; lc:toolKind c:kind ;"
        f" lc:availability av:perenne ; schema:provider pl:city .\n{PLACE}\n{SCHEME}\n{KIND}",
        {(iri("work/x"), namespaces.SCHEMA + "provider", V, "Class")},
    ),
    (
        "tool-url-javascript",
        f"w:x a lc:PedagogicalTool , schema:CreativeWork ; {TOOL_OK} ;"
        f" schema:url <javascript:alert(1)> .\n{ORG}\n{SCHEME}\n{KIND}",
        {(iri("work/x"), namespaces.SCHEMA + "url", V, "Pattern")},
    ),
    (
        "tool-url-literal",
        f'w:x a lc:PedagogicalTool , schema:CreativeWork ; {TOOL_OK} ; schema:url "https://x.org" .'
        f"\n{ORG}\n{SCHEME}\n{KIND}",
        {(iri("work/x"), namespaces.SCHEMA + "url", V, "NodeKind")},
    ),
    # --- EventShape, PlaceShape
    (
        "event-start-date-as-text",
        f'ev:x a schema:EducationEvent ; {OK} ; schema:startDate "next Monday" .',
        {(iri("event/x"), namespaces.SCHEMA + "startDate", V, "Datatype")},
    ),
    (
        "event-two-end-dates",
        f"ev:x a schema:Event ; {OK} ;"
        ' schema:endDate "2024-05-01"^^xsd:date , "2024-05-02"^^xsd:date .',
        {(iri("event/x"), namespaces.SCHEMA + "endDate", V, "MaxCount")},
    ),
    (
        "event-location-an-organisation",
        f"ev:x a schema:Event ; {OK} ; schema:location o:other .\n{ORG}",
        {(iri("event/x"), namespaces.SCHEMA + "location", V, "Class")},
    ),
    (
        "event-organizer-a-place",
        f"ev:x a schema:Event ; {OK} ; schema:organizer pl:city .\n{PLACE}",
        {(iri("event/x"), namespaces.SCHEMA + "organizer", V, "Class")},
    ),
    (
        "place-two-addresses",
        f'pl:x a schema:Place ; {OK} ; schema:address "1 rue A" , "2 rue B" .',
        {(iri("place/x"), namespaces.SCHEMA + "address", V, "MaxCount")},
    ),
    (
        "place-in-an-organisation",
        f"pl:x a schema:Place ; {OK} ; schema:containedInPlace o:other .\n{ORG}",
        {(iri("place/x"), namespaces.SCHEMA + "containedInPlace", V, "Class")},
    ),
    # --- WorkshopShape, LearningMeetingShape, FeedbackItemShape
    (
        "workshop-number-as-text",
        f'ev:x a lc:Workshop , schema:EducationEvent ; {OK} ; schema:position "1" .',
        {
            (iri("event/x"), namespaces.SCHEMA + "position", V, "Datatype"),
            (iri("event/x"), namespaces.SCHEMA + "position", V, "MinInclusive"),
        },
    ),
    (
        "workshop-number-zero",
        f"ev:x a lc:Workshop , schema:EducationEvent ; {OK} ; schema:position 0 .",
        {(iri("event/x"), namespaces.SCHEMA + "position", V, "MinInclusive")},
    ),
    (
        "workshop-two-numbers",
        f"ev:x a lc:Workshop , schema:EducationEvent ; {OK} ; schema:position 1 , 2 .",
        {(iri("event/x"), namespaces.SCHEMA + "position", V, "MaxCount")},
    ),
    (
        "meeting-date-as-year",
        f'ev:x a lc:LearningMeeting , schema:Event ; {OK} ; schema:startDate "2020" .',
        {(iri("event/x"), namespaces.SCHEMA + "startDate", V, "Datatype")},
    ),
    (
        "feedback-about-nothing",
        f"w:x a lc:FeedbackItem , schema:CreativeWork ; {OK} ; schema:position 1 .",
        {(iri("work/x"), namespaces.LC + "feedbackOn", V, "MinCount")},
    ),
    (
        "feedback-about-a-place",
        f"w:x a lc:FeedbackItem , schema:CreativeWork ; {OK} ; schema:position 1 ; lc:feedbackOn pl:city .\n{PLACE}",
        {(iri("work/x"), namespaces.LC + "feedbackOn", V, "Class")},
    ),
    (
        "feedback-without-number",
        f"w:x a lc:FeedbackItem , schema:CreativeWork ; {OK} ; lc:feedbackOn ev:m .\n"
        f"ev:m a lc:LearningMeeting , schema:Event ; {OK} .",
        {(iri("work/x"), namespaces.SCHEMA + "position", W, "MinCount")},
    ),
    # --- LegislationShape, LegalResourceSubdivisionShape
    (
        "legislation-without-date",
        f"law:x a eli:LegalResource , schema:Legislation ; {OK} .",
        {(iri("legislation/x"), namespaces.SCHEMA + "legislationDate", V, "MinCount")},
    ),
    (
        "legislation-date-as-text",
        f'law:x a eli:LegalResource , schema:Legislation ; {OK} ; schema:legislationDate "17 juillet 2003" .',
        {(iri("legislation/x"), namespaces.SCHEMA + "legislationDate", V, "Datatype")},
    ),
    (
        "legislation-passed-by-a-place",
        f'law:x a eli:LegalResource , schema:Legislation ; {OK} ; schema:legislationDate "2003-07-17"^^xsd:date ;'
        f" schema:legislationPassedBy pl:city .\n{PLACE}",
        {(iri("legislation/x"), namespaces.SCHEMA + "legislationPassedBy", V, "Class")},
    ),
    (
        "article-of-nothing",
        f"law:x a eli:LegalResourceSubdivision ; {OK} .",
        {(iri("legislation/x"), namespaces.ELI + "is_part_of", V, "MinCount")},
    ),
    # --- SourceDocumentShape
    (
        "source-without-title",
        'src:x a lc:SourceDocument ; rdfs:label "S"@fr , "S"@en ; dcterms:language "fr" .',
        {(iri("source/x"), namespaces.DCTERMS + "title", V, "MinCount")},
    ),
    (
        "source-without-language",
        'src:x a lc:SourceDocument ; rdfs:label "S"@fr , "S"@en ; dcterms:title "S" .',
        {(iri("source/x"), namespaces.DCTERMS + "language", W, "MinCount")},
    ),
    (
        "source-language-spelt-out",
        'src:x a lc:SourceDocument ; rdfs:label "S"@fr , "S"@en ; dcterms:title "S" ; dcterms:language "French" .',
        {(iri("source/x"), namespaces.DCTERMS + "language", V, "Pattern")},
    ),
    (
        "source-description-language",
        'src:x a lc:SourceDocument ; rdfs:label "S"@fr , "S"@en ; dcterms:title "S" ; dcterms:language "fr" ;'
        ' dcterms:description "texte" .',
        {(iri("source/x"), namespaces.DCTERMS + "description", V, "Datatype")},
    ),
    # --- ConceptShape
    (
        "concept-label-missing",
        f"c:x a skos:Concept ; skos:inScheme cs:s ; dcterms:source src:s .\n{SCHEME}",
        {(iri("concept/topic/x"), PREF_LABEL, V, "MinCount")},
    ),
    (
        "concept-label-without-language",
        f'c:x a skos:Concept ; {CONCEPT_OK} ; skos:prefLabel "Nombre" .\n{SCHEME}',
        {(iri("concept/topic/x"), PREF_LABEL, V, "Datatype")},
    ),
    (
        "concept-two-french-labels",
        f'c:x a skos:Concept ; {CONCEPT_OK} ; skos:prefLabel "Autre"@fr .\n{SCHEME}',
        {(iri("concept/topic/x"), PREF_LABEL, V, "UniqueLang")},
    ),
    (
        "concept-outside-any-scheme",
        'c:x a skos:Concept ; skos:prefLabel "Nom"@fr , "Name"@en ; dcterms:source src:s .',
        {(iri("concept/topic/x"), namespaces.SKOS + "inScheme", V, "MinCount")},
    ),
    (
        "concept-in-a-scheme-that-is-not",
        f"c:x a skos:Concept ; {CONCEPT_OK} ; skos:inScheme pl:city .\n{SCHEME}\n{PLACE}",
        {(iri("concept/topic/x"), namespaces.SKOS + "inScheme", V, "Class")},
    ),
    (
        "concept-broader-a-place",
        f"c:x a skos:Concept ; {CONCEPT_OK} ; skos:broader pl:city .\n{SCHEME}\n{PLACE}",
        {(iri("concept/topic/x"), namespaces.SKOS + "broader", V, "Class")},
    ),
    (
        "concept-narrower-a-place",
        f"c:x a skos:Concept ; {CONCEPT_OK} ; skos:narrower pl:city .\n{SCHEME}\n{PLACE}",
        {(iri("concept/topic/x"), namespaces.SKOS + "narrower", V, "Class")},
    ),
    (
        "concept-two-notations",
        f'c:x a skos:Concept ; {CONCEPT_OK} ; skos:notation "1" , "2" .\n{SCHEME}',
        {(iri("concept/topic/x"), namespaces.SKOS + "notation", V, "MaxCount")},
    ),
    (
        "concept-key-feature-not-shared",
        f"c:x a skos:Concept ; {CONCEPT_OK} ; lc:addressesKeyFeature c:top .\n{SCHEME}",
        {(iri("concept/topic/x"), namespaces.LC + "addressesKeyFeature", V, "In")},
    ),
    # --- ConceptSchemeShape, CollectionShape
    (
        "scheme-without-top-concept",
        f"cs:x a skos:ConceptScheme ; {OK} .",
        {(iri("conceptscheme/x"), namespaces.SKOS + "hasTopConcept", W, "MinCount")},
    ),
    (
        "scheme-top-concept-a-place",
        f"cs:x a skos:ConceptScheme ; {OK} ; skos:hasTopConcept pl:city .\n{PLACE}",
        {(iri("conceptscheme/x"), namespaces.SKOS + "hasTopConcept", V, "Class")},
    ),
    (
        "collection-without-member",
        f"col:x a skos:Collection ; {OK} .",
        {(iri("collection/x"), namespaces.SKOS + "member", V, "MinCount")},
    ),
    # --- ThemeShape, ChallengeShape, PrincipleShape, ToolKindShape
    (
        "theme-without-number",
        f"c:x a lc:Theme , skos:Concept ; {CONCEPT_OK} .\n{SCHEME}",
        {(iri("concept/topic/x"), namespaces.SKOS + "notation", W, "MinCount")},
    ),
    (
        "challenge-broader-a-theme",
        f"c:x a lc:Challenge , skos:Concept ; {CONCEPT_OK} ; skos:broader c:theme .\n{SCHEME}\n{THEME}",
        {(iri("concept/topic/x"), namespaces.SKOS + "broader", V, "Class")},
    ),
    (
        "principle-broader-a-theme",
        f"c:x a lc:Principle , skos:Concept ; {CONCEPT_OK} ; skos:broader c:theme .\n{SCHEME}\n{THEME}",
        {(iri("concept/topic/x"), namespaces.SKOS + "broader", V, "Class")},
    ),
    (
        "tool-kind-broader-a-theme",
        f"c:x a lc:ToolKind , skos:Concept ; {CONCEPT_OK} ; skos:broader c:theme .\n{SCHEME}\n{THEME}",
        {(iri("concept/topic/x"), namespaces.SKOS + "broader", V, "Class")},
    ),
    # --- KeyFeatureShape
    (
        "key-feature-minted-by-a-city",
        f'c:x a lc:KeyFeature , skos:Concept ; {CONCEPT_OK} ; skos:inScheme <https://w3id.org/learning-city/id/conceptscheme/key-feature> ; skos:notation "BB.7" .\n'
        f"{SCHEME}\n{KEY_FEATURE_SCHEME}",
        {(iri("concept/topic/x"), None, V, "Pattern")},
    ),
    (
        "key-feature-outside-shared-scheme",
        f'kf:x a lc:KeyFeature , skos:Concept ; {CONCEPT_OK} ; skos:notation "BB.1" .\n{SCHEME}',
        {(KEY_FEATURE + "x", namespaces.SKOS + "inScheme", V, "HasValue")},
    ),
    (
        "key-feature-notation",
        f'kf:x a lc:KeyFeature , skos:Concept ; {CONCEPT_OK} ; skos:inScheme <https://w3id.org/learning-city/id/conceptscheme/key-feature> ; skos:notation "X.1" .\n'
        f"{SCHEME}\n{KEY_FEATURE_SCHEME}",
        {(KEY_FEATURE + "x", namespaces.SKOS + "notation", V, "Pattern")},
    ),
    # --- more constraint kinds of the same shapes
    (
        "thing-as-blank-node",
        f"[] a org:Organization ; {OK} .",
        {(BLANK, None, V, "NodeKind"), (BLANK, None, V, "Pattern")},
    ),
    (
        "network-sdg-as-text",
        f'o:x a lc:Network , org:OrganizationalCollaboration ; {OK} ; lc:contributesToSDG "SDG 4" .',
        {
            (o("x"), namespaces.LC + "contributesToSDG", V, "NodeKind"),
            (o("x"), namespaces.LC + "contributesToSDG", V, "Pattern"),
        },
    ),
    (
        "initiative-territory-not-a-place",
        f"o:initiative a lc:LearningCityInitiative , org:OrganizationalCollaboration ; {OK} ;"
        f" schema:areaServed o:other ; org:hasSubOrganization o:body .\n{ORG}\n{INITIATIVE_BODY}",
        {(o("initiative"), namespaces.SCHEMA + "areaServed", V, "Class")},
    ),
    (
        "post-in-two-organisations",
        f"post:x a org:Post ; {OK} ; org:postIn o:other , o:third .\n{ORG}\no:third a org:Organization ; {OK} .",
        {(iri("post/x"), namespaces.ORG + "postIn", V, "MaxCount")},
    ),
    (
        "membership-without-member",
        f"ms:m a org:Membership ; {OK} ; org:organization o:other ; org:memberDuring iv:i .\n{ORG}\n{INTERVAL}",
        {(iri("membership/m"), namespaces.ORG + "member", V, "MinCount")},
    ),
    (
        "instant-two-dates",
        f'in:x a time:Instant ; {OK} ; time:inXSDDate "2020-09-23"^^xsd:date , "2020-09-24"^^xsd:date .',
        {(iri("instant/x"), namespaces.TIME + "inXSDDate", V, "MaxCount")},
    ),
    (
        "contact-point-telephone-with-language",
        f'cp:x a schema:ContactPoint ; {OK} ; schema:telephone "04 232 70 60"@fr .',
        {(iri("contact-point/x"), namespaces.SCHEMA + "telephone", V, "Datatype")},
    ),
    (
        "meeting-two-dates",
        f'ev:x a lc:LearningMeeting , schema:Event ; {OK} ; schema:startDate "2021-01-01"^^xsd:date , "2021-01-02"^^xsd:date .',
        {(iri("event/x"), namespaces.SCHEMA + "startDate", V, "MaxCount")},
    ),
    (
        "feedback-two-numbers",
        f"w:x a lc:FeedbackItem , schema:CreativeWork ; {OK} ; schema:position 1 , 2 ; lc:feedbackOn ev:m .\n"
        f"ev:m a lc:LearningMeeting , schema:Event ; {OK} .",
        {(iri("work/x"), namespaces.SCHEMA + "position", V, "MaxCount")},
    ),
    (
        "legislation-two-dates",
        f'law:x a eli:LegalResource , schema:Legislation ; {OK} ; schema:legislationDate "2003-07-17"^^xsd:date , "2003-07-18"^^xsd:date .',
        {(iri("legislation/x"), namespaces.SCHEMA + "legislationDate", V, "MaxCount")},
    ),
    (
        "article-of-a-place",
        f"law:x a eli:LegalResourceSubdivision ; {OK} ; eli:is_part_of pl:city .\n{PLACE}",
        {(iri("legislation/x"), namespaces.ELI + "is_part_of", V, "Class")},
    ),
    (
        "source-two-french-descriptions",
        'src:x a lc:SourceDocument ; rdfs:label "S"@fr , "S"@en ; dcterms:title "S" ; dcterms:language "fr" ;'
        ' dcterms:description "un"@fr , "deux"@fr .',
        {(iri("source/x"), namespaces.DCTERMS + "description", V, "UniqueLang")},
    ),
    (
        "collection-member-not-a-concept",
        f"col:x a skos:Collection ; {OK} ; skos:member pl:city .\n{PLACE}",
        {(iri("collection/x"), namespaces.SKOS + "member", V, "Class")},
    ),
    (
        "key-feature-without-notation",
        f"kf:x a lc:KeyFeature , skos:Concept ; {CONCEPT_OK} ; skos:inScheme <https://w3id.org/learning-city/id/conceptscheme/key-feature> .\n"
        f"{SCHEME}\n{KEY_FEATURE_SCHEME}",
        {(KEY_FEATURE + "x", namespaces.SKOS + "notation", V, "MinCount")},
    ),
]


@pytest.fixture(scope="module")
def profile_quads() -> list[ox.Quad]:
    """The shared vocabulary: ontology, imports, shapes and reference data; no city's data."""
    keep = {namespaces.ONTOLOGY_GRAPH, IMPORTS_GRAPH, namespaces.SHAPES_GRAPH, REFERENCE_GRAPH}
    publication = load_publication(PROJECT_ROOT)
    return [
        quad
        for quad in publication.quads
        if isinstance(quad.graph_name, ox.NamedNode) and quad.graph_name.value in keep
    ]


def validate_turtle(profile_quads: list[ox.Quad], turtle: str) -> ValidationReport:
    """Validate an inline Turtle dataset (asserted graph) against the project's profile."""
    graph = ox.NamedNode(namespaces.ASSERTED_GRAPH)
    data = [
        ox.Quad(triple.subject, triple.predicate, triple.object, graph)
        for triple in ox.parse(PREFIXES + SOURCE + turtle, format=ox.RdfFormat.TURTLE)
    ]
    return validate_publication(Publication(tuple(profile_quads + data), (), {}))


def summary(report: ValidationReport) -> set[Expected]:
    """The results as (focus, path, severity, constraint component without its namespace)."""
    return {
        (
            BLANK if result.focus_node.startswith("_:") else result.focus_node,
            result.path,
            result.severity,
            result.constraint.removeprefix(SH).removesuffix("ConstraintComponent"),
        )
        for result in report.results
    }


@pytest.mark.parametrize(
    ("turtle", "expected"), [case[1:] for case in CASES], ids=[case[0] for case in CASES]
)
def test_shape_reports_exactly_the_defect(
    profile_quads: list[ox.Quad], turtle: str, expected: set[Expected]
) -> None:
    report = validate_turtle(profile_quads, turtle)
    assert summary(report) == expected
    assert report.conforms is not any(severity == V for _, _, severity, _ in expected)


def test_every_result_has_french_and_english_message(profile_quads: list[ox.Quad]) -> None:
    report = validate_turtle(profile_quads, 'o:x a org:Organization ; rdfs:label "x"@es .')
    assert report.results
    for result in report.results:
        french, english = result.message.split(" / ")
        assert french
        assert english != french


# Which examples prove which node shape bites (each node shape of shapes/ must appear here).
NODE_SHAPE_CASES: dict[str, tuple[str, ...]] = {
    "LabelledResourceShape": (
        "label-missing",
        "label-without-language",
        "label-two-in-french",
        "note-without-language",
        "alternate-name-language",
    ),
    "QualifiedRelationShape": ("qualified-relation-label-without-language",),
    "SourcedResourceShape": (
        "source-missing",
        "source-not-an-iri",
        "source-not-described",
        "unknown-lc-class",
    ),
    "MintedIriShape": ("iri-slug-not-lower-case", "iri-with-query", "thing-as-blank-node"),
    "OrganizationShape": (
        "sub-organization-of-a-place",
        "has-sub-organization-a-place",
        "member-of-a-place",
        "advises-a-place",
        "same-as-a-place",
        "owl-same-as-a-place",
        "homepage-literal",
        "homepage-javascript",
        "contact-point-not-a-contact-point",
    ),
    "LocalGovernmentShape": (
        "local-government-without-territory",
        "local-government-serves-an-organisation",
    ),
    "NetworkShape": ("network-two-coordinators", "network-sdg-out-of-range", "network-sdg-as-text"),
    "LearningCityInitiativeShape": (
        "initiative-without-territory",
        "initiative-without-bodies",
        "initiative-principle-not-a-principle",
        "initiative-goal-not-a-concept",
        "initiative-challenge-not-a-challenge",
        "initiative-territory-not-a-place",
    ),
    "GovernanceBodyShape": ("body-attached-to-nothing",),
    "WorkingGroupShape": ("working-group-without-theme", "working-group-purpose-not-a-theme"),
    "AssociationShape": ("association-without-contact",),
    "DocumentationCentreShape": (
        "documentation-centre-without-parent",
        "documentation-centre-unit-of-a-unit",
    ),
    "OrganizationCollectionShape": (
        "collection-size-missing",
        "collection-size-not-integer",
        "collection-size-negative",
        "collection-two-sizes",
        "collection-two-fte-counts",
        "collection-member-a-place",
    ),
    "PersonShape": (
        "person-holds-an-organisation",
        "person-two-given-names",
        "person-given-name-with-language",
    ),
    "PostShape": ("post-in-nothing", "post-held-by-a-place", "post-in-two-organisations"),
    "MembershipShape": (
        "membership-of-a-place-as-member",
        "membership-two-organisations",
        "membership-without-period",
        "membership-period-not-an-interval",
        "membership-benefit-literal",
        "membership-without-member",
    ),
    "IntervalShape": ("interval-begins-with-an-interval", "interval-two-ends"),
    "InstantShape": (
        "instant-without-position",
        "instant-date-not-a-date",
        "instant-month-not-a-month",
        "instant-two-dates",
    ),
    "RecognitionShape": (
        "recognition-without-legal-basis",
        "recognition-legal-basis-not-legal",
        "recognition-two-organisations",
        "recognition-axis-not-a-concept",
    ),
    "ContactPointShape": (
        "contact-point-empty",
        "contact-point-mailto",
        "contact-point-bad-telephone",
        "contact-point-telephone-with-language",
    ),
    "PedagogicalToolShape": (
        "tool-without-kind",
        "tool-kind-not-a-tool-kind",
        "tool-availability-outside-list",
        "tool-two-availabilities",
        "tool-without-provider",
        "tool-provider-a-place",
        "tool-url-javascript",
        "tool-url-literal",
    ),
    "EventShape": (
        "event-start-date-as-text",
        "event-two-end-dates",
        "event-location-an-organisation",
        "event-organizer-a-place",
    ),
    "PlaceShape": ("place-two-addresses", "place-in-an-organisation"),
    "WorkshopShape": ("workshop-number-as-text", "workshop-number-zero", "workshop-two-numbers"),
    "LearningMeetingShape": ("meeting-date-as-year", "meeting-two-dates"),
    "FeedbackItemShape": (
        "feedback-about-nothing",
        "feedback-about-a-place",
        "feedback-without-number",
        "feedback-two-numbers",
    ),
    "LegislationShape": (
        "legislation-without-date",
        "legislation-date-as-text",
        "legislation-passed-by-a-place",
        "legislation-two-dates",
    ),
    "LegalResourceSubdivisionShape": ("article-of-nothing", "article-of-a-place"),
    "SourceDocumentShape": (
        "source-without-title",
        "source-without-language",
        "source-language-spelt-out",
        "source-description-language",
        "source-two-french-descriptions",
    ),
    "ConceptShape": (
        "concept-label-missing",
        "concept-label-without-language",
        "concept-two-french-labels",
        "concept-outside-any-scheme",
        "concept-in-a-scheme-that-is-not",
        "concept-broader-a-place",
        "concept-narrower-a-place",
        "concept-two-notations",
        "concept-key-feature-not-shared",
    ),
    "ConceptSchemeShape": ("scheme-without-top-concept", "scheme-top-concept-a-place"),
    "CollectionShape": ("collection-without-member", "collection-member-not-a-concept"),
    "ThemeShape": ("theme-without-number",),
    "ChallengeShape": ("challenge-broader-a-theme",),
    "PrincipleShape": ("principle-broader-a-theme",),
    "ToolKindShape": ("tool-kind-broader-a-theme",),
    "KeyFeatureShape": (
        "key-feature-minted-by-a-city",
        "key-feature-outside-shared-scheme",
        "key-feature-notation",
        "key-feature-without-notation",
    ),
}


# The files of the learning-city profile (shapes/queries.ttl, the query catalogue's shapes, is
# tested with the SPARQL examples).
PROFILE_FILES = (
    "profile",
    "organisations",
    "people-and-memberships",
    "works-and-events",
    "concepts",
)


def test_every_node_shape_has_invalid_examples() -> None:
    node_shape = ox.NamedNode(SH + "NodeShape")
    rdf_type = ox.NamedNode(namespaces.RDF + "type")
    shapes = {
        quad.subject.value.removeprefix(namespaces.LCSH)
        for name in PROFILE_FILES
        for quad in parse_file(PROJECT_ROOT / "shapes" / f"{name}.ttl")
        if quad.predicate == rdf_type
        and quad.object == node_shape
        and isinstance(quad.subject, ox.NamedNode)
    }
    assert shapes == set(NODE_SHAPE_CASES)
    case_ids = [case[0] for case in CASES]
    listed = [case_id for ids in NODE_SHAPE_CASES.values() for case_id in ids]
    assert sorted(listed) == sorted(case_ids)


# A small but complete dataset of another city, one resource of each class: it must pass
# without a single result, which proves the profile is generic and not written for Charleroi.
OTHER_CITY = f"""
o:city-hall a lc:LocalGovernment , org:FormalOrganization , schema:GovernmentOrganization ; {OK} ;
    schema:areaServed pl:city ; org:memberOf o:network .
{PLACE}
o:network a lc:Network , org:OrganizationalCollaboration ; {OK} ; lc:coordinatedBy o:other ;
    lc:contributesToSDG <http://metadata.un.org/sdg/4> .
{ORG}
o:initiative a lc:LearningCityInitiative , org:OrganizationalCollaboration , schema:Project ; {OK} ;
    schema:areaServed pl:city ; org:hasSubOrganization o:body , o:group ;
    lc:statesPrinciple c:principle ; lc:addressesChallenge c:challenge ; lc:pursuesGoal c:top .
{INITIATIVE_BODY}
o:group a lc:WorkingGroup , lc:GovernanceBody , org:OrganizationalUnit ; {OK} ;
    org:subOrganizationOf o:body ; org:purpose c:theme .
{THEME}
c:theme lc:addressesKeyFeature kf:developpement-durable ; lc:contributesToSDG <http://metadata.un.org/sdg/11> .
c:principle a lc:Principle , skos:Concept ; {CONCEPT_OK} .
c:challenge a lc:Challenge , skos:Concept ; {CONCEPT_OK} .
{SCHEME}
o:association a lc:Association , org:FormalOrganization , schema:NGO ; {OK} ; schema:contactPoint cp:desk .
cp:desk a schema:ContactPoint ; {OK} ; schema:telephone "+33 1 23 45 67 89" ; schema:email "desk@example.org" .
o:library a lc:DocumentationCentre , org:OrganizationalUnit , schema:Library ; {OK} ; org:unitOf o:association .
col:recognised a lc:OrganizationCollection , schema:ItemList ; {OK} ; schema:numberOfItems 12 ;
    lc:fullTimeEquivalentCount 40 ; schema:itemListElement o:association .
p:mayor a foaf:Person , schema:Person ; {OK} ; foaf:givenName "Ann" ; org:holds post:mayor .
post:mayor a org:Post ; {OK} ; org:postIn o:city-hall ; org:heldBy p:mayor .
ms:m a org:Membership ; {OK} ; org:member o:city-hall ; org:organization o:network ;
    org:memberDuring iv:i ; lc:benefit c:top .
{INTERVAL}
{LAW}
law:l-article-1 a eli:LegalResourceSubdivision ; {OK} ; eli:is_part_of law:l .
<{CITY}recognition/r> a lc:Recognition ; {OK} ; lc:recognisedOrganization o:association ;
    lc:legalBasis law:l ; lc:recognitionAxis c:top .
w:tool a lc:PedagogicalTool , schema:CreativeWork ; {TOOL_OK} .
{KIND}
ev:workshop a lc:Workshop , schema:EducationEvent ; {OK} ; schema:position 1 .
ev:meeting a lc:LearningMeeting , schema:Event ; {OK} ; schema:startDate "2021-03-04"^^xsd:date .
w:feedback a lc:FeedbackItem , schema:CreativeWork ; {OK} ; schema:position 1 ; lc:feedbackOn ev:meeting .
col:list a skos:Collection ; {OK} ; skos:member c:challenge .
"""


def test_another_city_conforms_without_any_result(profile_quads: list[ox.Quad]) -> None:
    report = validate_turtle(profile_quads, OTHER_CITY)
    assert summary(report) == set()
    assert report.conforms


def test_shipped_publication_conforms() -> None:
    report = validate_publication(load_publication(PROJECT_ROOT))
    violations = [result for result in report.results if result.severity == V]
    assert violations == []
    assert report.conforms
    # The README's data section lists the warnings the shipped data raises: none today.
    assert [result for result in report.results if result.severity == W] == []


def test_asserted_facts_alone_conform_and_warn_only_where_inference_fills_a_gap() -> None:
    """Without the inferred and links graphs the data still conforms; the warnings are exactly
    the facts only the inferred graph supplies (README, data section)."""
    publication = load_publication(PROJECT_ROOT)
    dropped = {namespaces.INFERRED_GRAPH, namespaces.LINKS_GRAPH}
    quads = tuple(
        quad
        for quad in publication.quads
        if not (isinstance(quad.graph_name, ox.NamedNode) and quad.graph_name.value in dropped)
    )
    report = validate_publication(Publication(quads, publication.files, publication.origins))
    assert report.conforms
    warnings = {
        (result.focus_node.removeprefix(namespaces.ID), result.path) for result in report.results
    }
    assert {result.severity for result in report.results} == {W}
    assert warnings == {
        ("working-group/gt1-education-numerique", namespaces.ORG + "purpose"),
        ("working-group/gt2-culture-art-citoyennete", namespaces.ORG + "purpose"),
        ("working-group/gt3-nature-territoire-developpement-durable", namespaces.ORG + "purpose"),
        ("feedback/preoccupations-et-difficultes-partagees", namespaces.SCHEMA + "position"),
        ("feedback/meconnaissance-des-acteurs-entre-eux", namespaces.SCHEMA + "position"),
        ("feedback/attente-d-une-coordination", namespaces.SCHEMA + "position"),
        ("organization/bibliotheque-george-orwell", namespaces.ORG + "unitOf"),
    }


def test_generated_cities_conform_without_any_result(profile_quads: list[ox.Quad]) -> None:
    """The synthetic cities of `chava generate` (same classes, another base) pass unchanged."""
    text = "".join(generate_chunks(cities=2, seed=7))
    data = list(ox.parse(text, format=ox.RdfFormat.N_QUADS))
    report = validate_publication(Publication(tuple(profile_quads + data), (), {}))
    assert summary(report) == set()
