"""The classes and properties the synthetic graph uses, as ready-made N-Quads terms.

Every `lc:` term here must be defined in ontology/core.ttl (a test checks it); the others come
from the standard vocabularies the project reuses (ORG, schema.org, SKOS, Dublin Core, ...).
"""

from __future__ import annotations

from typing import Final

from chava import namespaces as ns
from chava.generate.nquads import iri

# Shared UNESCO Key Features of Learning Cities (bundled data, section e.2 of the domain brief):
# the three wider benefits, six building blocks and three fundamental conditions.
KEY_FEATURE_BASE: Final = ns.VOCABULARY_BASE + "id/concept/key-feature/"
KEY_FEATURE_SLUGS: Final = (
    "autonomisation-individuelle-et-cohesion-sociale",
    "developpement-economique-et-prosperite-culturelle",
    "developpement-durable",
    "apprentissage-inclusif-dans-le-systeme-educatif",
    "redynamisation-de-l-apprentissage-familles-et-communautes",
    "apprentissage-efficace-pour-l-emploi-et-sur-le-lieu-de-travail",
    "usage-extensif-des-technologies-modernes-d-apprentissage",
    "qualite-et-excellence-de-l-apprentissage",
    "culture-de-l-apprentissage-tout-au-long-de-la-vie",
    "volonte-et-engagement-politiques",
    "gouvernance-et-participation-de-toutes-les-parties-prenantes",
    "mobilisation-et-utilisation-des-ressources",
)
GNLC: Final = iri(ns.GNLC)
"""The shared UNESCO Global Network of Learning Cities every city's membership points to."""
KEY_FEATURES: Final = tuple(iri(KEY_FEATURE_BASE + slug) for slug in KEY_FEATURE_SLUGS)
AVAILABILITY_BASE: Final = ns.VOCABULARY_BASE + "id/concept/availability/"
AVAILABILITIES: Final = tuple(iri(AVAILABILITY_BASE + slug) for slug in ("perenne", "temporaire"))
"""The shared availability concepts a tool's lc:availability must be one of (shapes)."""
SDGS: Final = tuple(iri(f"{ns.SDG}{goal}") for goal in (4, 11, 5, 10, 8, 13))

A: Final = iri(ns.RDF + "type")


def _lc(name: str) -> str:
    return iri(ns.LC + name)


def _org(name: str) -> str:
    return iri(ns.ORG + name)


def _schema(name: str) -> str:
    return iri(ns.SCHEMA + name)


def _skos(name: str) -> str:
    return iri(ns.SKOS + name)


def _dcterms(name: str) -> str:
    return iri(ns.DCTERMS + name)


# Classes.
NETWORK: Final = _lc("Network")
INITIATIVE: Final = _lc("LearningCityInitiative")
LOCAL_GOVERNMENT: Final = _lc("LocalGovernment")
GOVERNANCE_BODY: Final = _lc("GovernanceBody")
WORKING_GROUP: Final = _lc("WorkingGroup")
ASSOCIATION: Final = _lc("Association")
DOCUMENTATION_CENTRE: Final = _lc("DocumentationCentre")
PEDAGOGICAL_TOOL: Final = _lc("PedagogicalTool")
WORKSHOP: Final = _lc("Workshop")
LEARNING_MEETING: Final = _lc("LearningMeeting")
SOURCE_DOCUMENT: Final = _lc("SourceDocument")
THEME: Final = _lc("Theme")
TOOL_KIND: Final = _lc("ToolKind")
ORGANIZATION: Final = _org("Organization")
FORMAL_ORGANIZATION: Final = _org("FormalOrganization")
ORGANIZATIONAL_UNIT: Final = _org("OrganizationalUnit")
COLLABORATION: Final = _org("OrganizationalCollaboration")
MEMBERSHIP: Final = _org("Membership")
POST: Final = _org("Post")
CITY: Final = _schema("City")
GOVERNMENT_ORGANIZATION: Final = _schema("GovernmentOrganization")
NGO: Final = _schema("NGO")
SCHOOL: Final = _schema("School")
LIBRARY: Final = _schema("Library")
CORPORATION: Final = _schema("Corporation")
CREATIVE_WORK: Final = _schema("CreativeWork")
EVENT: Final = _schema("Event")
EDUCATION_EVENT: Final = _schema("EducationEvent")
CONTACT_POINT: Final = _schema("ContactPoint")
DIGITAL_DOCUMENT: Final = _schema("DigitalDocument")
PERSON: Final = iri(ns.FOAF + "Person")
SCHEMA_PERSON: Final = _schema("Person")
CONCEPT: Final = _skos("Concept")
CONCEPT_SCHEME: Final = _skos("ConceptScheme")
PROV_ENTITY: Final = iri(ns.PROV + "Entity")
INTERVAL: Final = iri(ns.TIME + "Interval")
INSTANT: Final = iri(ns.TIME + "Instant")

# Properties.
PREF_LABEL: Final = _skos("prefLabel")
ALTERNATE_NAME: Final = _schema("alternateName")
DEFINITION: Final = _skos("definition")
IN_SCHEME: Final = _skos("inScheme")
TOP_CONCEPT_OF: Final = _skos("topConceptOf")
HAS_TOP_CONCEPT: Final = _skos("hasTopConcept")
NOTATION: Final = _skos("notation")
BROADER: Final = _skos("broader")
RELATED_MATCH: Final = _skos("relatedMatch")
LABEL: Final = iri(ns.RDFS + "label")
NAME: Final = _schema("name")
DESCRIPTION: Final = _schema("description")
URL: Final = _schema("url")
EMAIL: Final = _schema("email")
CONTACT_TYPE: Final = _schema("contactType")
CONTACT_POINT_OF: Final = _schema("contactPoint")
AVAILABLE_LANGUAGE: Final = _schema("availableLanguage")
LOCATION: Final = _schema("location")
AREA_SERVED: Final = _schema("areaServed")
ADDRESS_COUNTRY: Final = _schema("addressCountry")
LATITUDE: Final = _schema("latitude")
LONGITUDE: Final = _schema("longitude")
PROVIDER: Final = _schema("provider")
ORGANIZER: Final = _schema("organizer")
START_DATE: Final = _schema("startDate")
END_DATE: Final = _schema("endDate")
DATE_PUBLISHED: Final = _schema("datePublished")
IN_LANGUAGE: Final = _schema("inLanguage")
FOUNDING_DATE: Final = _schema("foundingDate")
KNOWS_LANGUAGE: Final = _schema("knowsLanguage")
HOMEPAGE: Final = iri(ns.FOAF + "homepage")
FOAF_NAME: Final = iri(ns.FOAF + "name")
SOURCE: Final = _dcterms("source")
SUBJECT: Final = _dcterms("subject")
TITLE: Final = _dcterms("title")
CREATED: Final = _dcterms("created")
LANGUAGE: Final = _dcterms("language")
HAS_SUB_ORGANIZATION: Final = _org("hasSubOrganization")
SUB_ORGANIZATION_OF: Final = _org("subOrganizationOf")
HAS_MEMBER: Final = _org("hasMember")
MEMBER_OF: Final = _org("memberOf")
MEMBER: Final = _org("member")
ORGANIZATION_OF_MEMBERSHIP: Final = _org("organization")
MEMBER_DURING: Final = _org("memberDuring")
PURPOSE: Final = _org("purpose")
POST_IN: Final = _org("postIn")
HELD_BY: Final = _org("heldBy")
HOLDS: Final = _org("holds")
HAS_BEGINNING: Final = iri(ns.TIME + "hasBeginning")
IN_XSD_DATE: Final = iri(ns.TIME + "inXSDDate")
ADDRESSES_KEY_FEATURE: Final = _lc("addressesKeyFeature")
CONTRIBUTES_TO_SDG: Final = _lc("contributesToSDG")
TOOL_KIND_OF: Final = _lc("toolKind")
AVAILABILITY: Final = _lc("availability")
COORDINATED_BY: Final = _lc("coordinatedBy")
ADVISES: Final = _lc("advises")
