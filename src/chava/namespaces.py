"""The IRIs the project mints and the vocabularies it reuses, with their preferred prefixes."""

from __future__ import annotations

from typing import Final

# Minted namespaces (DOMAIN.md, "Decisions"). The bases are defaults: Settings can move them.
VOCABULARY_BASE: Final = "https://w3id.org/learning-city/"
DATA_BASE: Final = "https://w3id.org/chava/"

LC: Final = VOCABULARY_BASE + "def/core#"
LCSH: Final = VOCABULARY_BASE + "def/shapes#"
ONTOLOGY_IRI: Final = VOCABULARY_BASE + "def/core"
SHAPES_IRI: Final = VOCABULARY_BASE + "def/shapes"
VOCABULARY_ID: Final = VOCABULARY_BASE + "id/"
# The network every city's membership points to (ontology/reference/network.ttl).
GNLC: Final = VOCABULARY_ID + "organization/gnlc"
UIL: Final = VOCABULARY_ID + "organization/uil"
UNESCO: Final = VOCABULARY_ID + "organization/unesco"
ID: Final = DATA_BASE + "id/"
GRAPH: Final = DATA_BASE + "graph/"
DATASET_IRI: Final = ID + "dataset/chava"

# Named graphs of the publication.
ASSERTED_GRAPH: Final = GRAPH + "asserted"
INFERRED_GRAPH: Final = GRAPH + "inferred"
LINKS_GRAPH: Final = GRAPH + "links"
ONTOLOGY_GRAPH: Final = GRAPH + "ontology"
SHAPES_GRAPH: Final = GRAPH + "shapes"
METADATA_GRAPH: Final = GRAPH + "metadata"

# Reused vocabularies. schema.org is http:// on purpose (its official JSON-LD context).
RDF: Final = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS: Final = "http://www.w3.org/2000/01/rdf-schema#"
OWL: Final = "http://www.w3.org/2002/07/owl#"
XSD: Final = "http://www.w3.org/2001/XMLSchema#"
SKOS: Final = "http://www.w3.org/2004/02/skos/core#"
SH: Final = "http://www.w3.org/ns/shacl#"
ORG: Final = "http://www.w3.org/ns/org#"
SCHEMA: Final = "http://schema.org/"
FOAF: Final = "http://xmlns.com/foaf/0.1/"
DCTERMS: Final = "http://purl.org/dc/terms/"
PROV: Final = "http://www.w3.org/ns/prov#"
DCAT: Final = "http://www.w3.org/ns/dcat#"
VOID: Final = "http://rdfs.org/ns/void#"
VCARD: Final = "http://www.w3.org/2006/vcard/ns#"
TIME: Final = "http://www.w3.org/2006/time#"
ELI: Final = "http://data.europa.eu/eli/ontology#"
SD: Final = "http://www.w3.org/ns/sparql-service-description#"
HYDRA: Final = "http://www.w3.org/ns/hydra/core#"
VANN: Final = "http://purl.org/vocab/vann/"
SDG: Final = "http://metadata.un.org/sdg/"
WD: Final = "http://www.wikidata.org/entity/"

# Prefixes used when printing and serialising (Turtle, compact IRIs in reports, SPARQL UI).
PREFIXES: Final[dict[str, str]] = {
    "lc": LC,
    "lcsh": LCSH,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "skos": SKOS,
    "sh": SH,
    "org": ORG,
    "schema": SCHEMA,
    "foaf": FOAF,
    "dcterms": DCTERMS,
    "prov": PROV,
    "dcat": DCAT,
    "void": VOID,
    "vcard": VCARD,
    "time": TIME,
    "eli": ELI,
    "sd": SD,
    "vann": VANN,
    "sdg": SDG,
    "wd": WD,
    "chava": ID,
    "graph": GRAPH,
}


def compact_iri(iri: str, prefixes: dict[str, str] = PREFIXES) -> str:
    """Return `prefix:local` for *iri* when a prefix covers it, else `<iri>`; longest wins."""
    best = ""
    best_prefix = ""
    for prefix, namespace in prefixes.items():
        if iri.startswith(namespace) and len(namespace) > len(best):
            best, best_prefix = namespace, prefix
    local = iri[len(best) :]
    if best and local and all(ch.isalnum() or ch in "-_./" for ch in local):
        return f"{best_prefix}:{local}"
    return f"<{iri}>"
