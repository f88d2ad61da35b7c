"""The words of the pages themselves (not the data), in French and English.

A page in another language shows these in English (`texts_language`); what a publication calls
itself comes from its own data (`chava.web.site`), never from here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

FALLBACK: Final = "en"

TEXTS: Final[Mapping[str, Mapping[str, str]]] = {
    "fr": {
        "site": "Données liées",
        "skip": "Aller au contenu",
        "nav_label": "Navigation principale",
        "home": "Accueil",
        "classes": "Classes",
        "ontology": "Ontologie",
        "shapes": "Profil SHACL",
        "sparql": "SPARQL",
        "api": "API JSON-LD",
        "portal": "Portail",
        "contribute": "Contribuer",
        "privacy": "Vie privée",
        "change_feed": "Fil des modifications",
        "languages": "Langue",
        "footer": "Publié avec chava, un éditeur libre de données liées.",
        "about_title": "Ce jeu de données",
        "about": (
            "Chaque ressource a une adresse web stable, lisible par les personnes et les machines."
        ),
        "entry_points": "Points d'entrée",
        "counts": "Ressources par classe",
        "class": "Classe",
        "count": "Nombre",
        "for_machines": "Pour les machines",
        "dumps": "Téléchargements",
        "builds": "Versions publiées",
        "build_current": "en ligne",
        "build_created": "Construite le",
        "build_triples": "Triplets",
        "build_id": "Identifiant",
        "sparql_endpoint": "Point d'accès SPARQL",
        "context": "Contexte JSON-LD",
        "void": "Description VoID/DCAT du jeu de données",
        "types": "Types",
        "properties": "Propriétés",
        "property": "Propriété",
        "value": "Valeur",
        "graph": "Graphe",
        "incoming": "Liens entrants",
        "is_of": "est « {label} » de",
        "incoming_count": "{shown} sur {total} liens entrants",
        "next_page": "Page suivante",
        "previous_page": "Page précédente",
        "page": "Page {page}",
        "sources": "Source",
        "formats": "Formats",
        "resource_aside": "Source, formats et requêtes",
        "query": "Interroger en SPARQL",
        "query_describe": "DESCRIBE",
        "query_select": "Triplets et graphes",
        "inferred": "inféré",
        "inferred_title": (
            "Non affirmé dans les sources : déduit par les éditeurs du graphe (graphe « inferred »)"
        ),
        "inferred_note": (
            "Les affirmations marquées « inféré » ne figurent pas dans les documents sources : "
            "les éditeurs les ont déduites et les publient à part, dans le graphe « inferred »."
        ),
        "graph_title": "Affirmé dans le graphe nommé {name}",
        "graph_default": "Graphe nommé des affirmations sans autre marque : {graph}.",
        "language_of": "langue : {tag}",
        "instances": "Instances",
        "instances_count": "{total} instances",
        "no_instances": "Aucune instance.",
        "anonymous": "{count} instances sans IRI (nœuds anonymes) ne sont pas listées.",
        "definition": "Définition",
        "all_classes": "Toutes les classes",
        "class_hierarchy": "Hiérarchie des classes",
        "subclass_of": "Sous-classe de",
        "superclass_of": "Super-classe de",
        "alignments": "Alignements",
        "domain": "Domaine",
        "range": "Portée",
        "subproperty_of": "Sous-propriété de",
        "inverse_of": "Inverse de",
        "kind": "Sorte",
        "characteristics": "Caractéristiques",
        "properties_of": "Propriétés (domaine)",
        "used_by": "Valeur de",
        "other_terms": "Autres termes",
        "deprecated": "obsolète",
        "metadata": "Métadonnées",
        "contents": "Sommaire",
        "or": "ou",
        "targets": "Cibles",
        "severity": "Gravité",
        "message": "Message",
        "path": "Chemin",
        "cardinality": "Cardinalité",
        "constraints": "Contraintes",
        "shape_constraints": "Contraintes du nœud",
        "no_shapes": "Aucune forme SHACL dans cette publication.",
        "no_ontology": "Aucune ontologie dans cette publication.",
        "error": "Erreur",
        "nothing": "—",
    },
    "en": {
        "site": "Linked data",
        "skip": "Skip to content",
        "nav_label": "Main navigation",
        "home": "Home",
        "classes": "Classes",
        "ontology": "Ontology",
        "shapes": "SHACL profile",
        "sparql": "SPARQL",
        "api": "JSON-LD API",
        "portal": "Portal",
        "contribute": "Contribute",
        "privacy": "Privacy",
        "change_feed": "Change feed",
        "languages": "Language",
        "footer": "Published with chava, an open-source linked-data publisher.",
        "about_title": "This dataset",
        "about": "Every resource has a stable web address that people and machines can read.",
        "entry_points": "Entry points",
        "counts": "Resources per class",
        "class": "Class",
        "count": "Count",
        "for_machines": "For machines",
        "dumps": "Downloads",
        "builds": "Published builds",
        "build_current": "live",
        "build_created": "Built on",
        "build_triples": "Triples",
        "build_id": "Identifier",
        "sparql_endpoint": "SPARQL endpoint",
        "context": "JSON-LD context",
        "void": "VoID/DCAT description of the dataset",
        "types": "Types",
        "properties": "Properties",
        "property": "Property",
        "value": "Value",
        "graph": "Graph",
        "incoming": "Incoming links",
        "is_of": "is “{label}” of",
        "incoming_count": "{shown} of {total} incoming links",
        "next_page": "Next page",
        "previous_page": "Previous page",
        "page": "Page {page}",
        "sources": "Source",
        "formats": "Formats",
        "resource_aside": "Source, formats and queries",
        "query": "Query this in SPARQL",
        "query_describe": "DESCRIBE",
        "query_select": "Triples and graphs",
        "inferred": "inferred",
        "inferred_title": (
            "Not stated in the sources: inferred by the editors of the graph (graph “inferred”)"
        ),
        "inferred_note": (
            "Statements marked “inferred” are not in the source documents: the editors "
            "inferred them and publish them apart, in the “inferred” graph."
        ),
        "graph_title": "Stated in the named graph {name}",
        "graph_default": "Named graph of the statements not marked otherwise: {graph}.",
        "language_of": "language: {tag}",
        "instances": "Instances",
        "instances_count": "{total} instances",
        "no_instances": "No instances.",
        "anonymous": "{count} instances without an IRI (blank nodes) are not listed.",
        "definition": "Definition",
        "all_classes": "All classes",
        "class_hierarchy": "Class hierarchy",
        "subclass_of": "Subclass of",
        "superclass_of": "Superclass of",
        "alignments": "Alignments",
        "domain": "Domain",
        "range": "Range",
        "subproperty_of": "Subproperty of",
        "inverse_of": "Inverse of",
        "kind": "Kind",
        "characteristics": "Characteristics",
        "properties_of": "Properties (domain)",
        "used_by": "Value of",
        "other_terms": "Other terms",
        "deprecated": "deprecated",
        "metadata": "Metadata",
        "contents": "Contents",
        "or": "or",
        "targets": "Targets",
        "severity": "Severity",
        "message": "Message",
        "path": "Path",
        "cardinality": "Cardinality",
        "constraints": "Constraints",
        "shape_constraints": "Node constraints",
        "no_shapes": "No SHACL shapes in this publication.",
        "no_ontology": "No ontology in this publication.",
        "error": "Error",
        "nothing": "—",
    },
}


def texts_language(language: str) -> str:
    """The language the page texts are shown in for a page in *language*: *language* itself
    when we have texts in it (or in its primary subtag, `fr` for `fr-BE`), else English."""
    for candidate in (language, language.split("-", 1)[0]):
        for code in TEXTS:
            if code.lower() == candidate.lower():
                return code
    return FALLBACK


def texts_for(language: str) -> Mapping[str, str]:
    """The page texts for a page in *language* (English for a language we have no texts for)."""
    return TEXTS[texts_language(language)]
