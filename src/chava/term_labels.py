"""French and English names for the standard terms pages show most, when the store has none.

The published graph labels its own terms and the imported parts of ORG, schema.org and SKOS;
the core W3C terms (rdf:type, rdfs:label, the SHACL constraint components...) are not in it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from chava.namespaces import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SCHEMA, SH, SKOS, VANN, XSD


def _terms(namespace: str, names: Mapping[str, tuple[str, str]]) -> dict[str, dict[str, str]]:
    return {namespace + local: {"fr": fr, "en": en} for local, (fr, en) in names.items()}


TERM_LABELS: Final[Mapping[str, Mapping[str, str]]] = {
    **_terms(RDF, {"type": ("type", "type"), "value": ("valeur", "value")}),
    **_terms(
        RDFS,
        {
            "label": ("libellé", "label"),
            "comment": ("commentaire", "comment"),
            "seeAlso": ("voir aussi", "see also"),
            "isDefinedBy": ("défini par", "defined by"),
            "subClassOf": ("sous-classe de", "subclass of"),
            "subPropertyOf": ("sous-propriété de", "subproperty of"),
            "domain": ("domaine", "domain"),
            "range": ("portée", "range"),
            "Class": ("classe", "class"),
            "Literal": ("littéral", "literal"),
        },
    ),
    **_terms(
        OWL,
        {
            "sameAs": ("même que", "same as"),
            "versionIRI": ("IRI de version", "version IRI"),
            "versionInfo": ("version", "version"),
            "equivalentClass": ("classe équivalente", "equivalent class"),
            "equivalentProperty": ("propriété équivalente", "equivalent property"),
            "inverseOf": ("inverse de", "inverse of"),
            "deprecated": ("obsolète", "deprecated"),
            "imports": ("importe", "imports"),
            "Ontology": ("ontologie", "ontology"),
            "Class": ("classe", "class"),
            "ObjectProperty": ("propriété d'objet", "object property"),
            "DatatypeProperty": ("propriété de donnée", "datatype property"),
            "FunctionalProperty": ("fonctionnelle", "functional"),
            "TransitiveProperty": ("transitive", "transitive"),
            "SymmetricProperty": ("symétrique", "symmetric"),
        },
    ),
    **_terms(
        SKOS,
        {
            "prefLabel": ("libellé préféré", "preferred label"),
            "altLabel": ("autre libellé", "alternative label"),
            "definition": ("définition", "definition"),
            "scopeNote": ("note d'application", "scope note"),
            "notation": ("notation", "notation"),
            "inScheme": ("dans le schéma", "in scheme"),
            "topConceptOf": ("concept de tête de", "top concept of"),
            "hasTopConcept": ("concept de tête", "has top concept"),
            "broader": ("plus général", "broader"),
            "narrower": ("plus spécifique", "narrower"),
            "related": ("associé", "related"),
            "member": ("membre", "member"),
            "exactMatch": ("correspondance exacte", "exact match"),
            "closeMatch": ("correspondance proche", "close match"),
            "broadMatch": ("correspondance plus générale", "broad match"),
            "narrowMatch": ("correspondance plus spécifique", "narrow match"),
            "relatedMatch": ("correspondance associée", "related match"),
        },
    ),
    **_terms(
        DCTERMS,
        {
            "source": ("source", "source"),
            "title": ("titre", "title"),
            "description": ("description", "description"),
            "created": ("créé le", "created"),
            "modified": ("modifié le", "modified"),
            "issued": ("publié le", "issued"),
            "license": ("licence", "license"),
            "creator": ("créateur", "creator"),
            "publisher": ("éditeur", "publisher"),
            "subject": ("sujet", "subject"),
            "identifier": ("identifiant", "identifier"),
            "isPartOf": ("fait partie de", "is part of"),
            "hasPart": ("comprend", "has part"),
            "language": ("langue", "language"),
            "format": ("format", "format"),
            "isReplacedBy": ("remplacé par", "is replaced by"),
        },
    ),
    **_terms(
        PROV,
        {
            "wasDerivedFrom": ("dérivé de", "derived from"),
            "wasAttributedTo": ("attribué à", "attributed to"),
        },
    ),
    **_terms(
        VANN,
        {
            "preferredNamespacePrefix": ("préfixe préféré", "preferred namespace prefix"),
            "preferredNamespaceUri": ("espace de noms préféré", "preferred namespace URI"),
        },
    ),
    **_terms(
        SCHEMA,
        {
            "domainIncludes": ("domaine (inclut)", "domain includes"),
            "rangeIncludes": ("portée (inclut)", "range includes"),
        },
    ),
    **_terms(FOAF, {"name": ("nom", "name")}),
    **_terms(
        XSD,
        {
            "date": ("date", "date"),
            "dateTime": ("date et heure", "date and time"),
            "gYear": ("année", "year"),
            "integer": ("entier", "integer"),
            "decimal": ("décimal", "decimal"),
            "boolean": ("booléen", "boolean"),
            "anyURI": ("URI", "URI"),
            "string": ("texte", "string"),
        },
    ),
    **_terms(
        SH,
        {
            "targetClass": ("classe cible", "target class"),
            "targetNode": ("nœud cible", "target node"),
            "targetSubjectsOf": ("sujets de", "subjects of"),
            "targetObjectsOf": ("objets de", "objects of"),
            "class": ("classe", "class"),
            "datatype": ("type de donnée", "datatype"),
            "nodeKind": ("sorte de nœud", "node kind"),
            "minCount": ("au moins", "at least"),
            "maxCount": ("au plus", "at most"),
            "minLength": ("longueur minimale", "minimum length"),
            "maxLength": ("longueur maximale", "maximum length"),
            "minInclusive": ("minimum", "minimum"),
            "maxInclusive": ("maximum", "maximum"),
            "minExclusive": ("plus grand que", "greater than"),
            "maxExclusive": ("plus petit que", "less than"),
            "pattern": ("motif", "pattern"),
            "flags": ("options du motif", "pattern flags"),
            "in": ("une valeur parmi", "one of"),
            "hasValue": ("valeur requise", "required value"),
            "languageIn": ("langues permises", "languages allowed"),
            "uniqueLang": ("une valeur par langue", "one value per language"),
            "node": ("conforme à", "conforms to"),
            "qualifiedValueShape": ("valeurs qualifiées", "qualified values"),
            "qualifiedMinCount": ("au moins (qualifiées)", "at least (qualified)"),
            "qualifiedMaxCount": ("au plus (qualifiées)", "at most (qualified)"),
            "closed": ("fermée", "closed"),
            "ignoredProperties": ("propriétés ignorées", "ignored properties"),
            "or": ("l'une de", "one of the shapes"),
            "and": ("toutes", "all of the shapes"),
            "not": ("pas", "not"),
            "xone": ("exactement une de", "exactly one of"),
            "equals": ("égale à", "equals"),
            "disjoint": ("disjointe de", "disjoint from"),
            "lessThan": ("inférieure à", "less than"),
            "sparql": ("contrainte SPARQL", "SPARQL constraint"),
            "IRI": ("IRI", "IRI"),
            "Literal": ("littéral", "literal"),
            "BlankNode": ("nœud anonyme", "blank node"),
            "BlankNodeOrIRI": ("nœud anonyme ou IRI", "blank node or IRI"),
            "IRIOrLiteral": ("IRI ou littéral", "IRI or literal"),
            "Violation": ("violation", "violation"),
            "Warning": ("avertissement", "warning"),
            "Info": ("information", "info"),
        },
    ),
}
