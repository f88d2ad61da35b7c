"""The words of the contribution and review pages, in French and English (English elsewhere)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from chava.web.texts import texts_language

TEXTS: Final[Mapping[str, Mapping[str, str]]] = {
    "fr": {
        "contribute": "Contribuer",
        "call_title": "Appel à participer",
        "call_intro": (
            "Faites connaître ce qui existe : une association, une action ou un événement "
            "d'apprentissage, un outil pédagogique, un lieu d'apprentissage. Une personne de "
            "l'équipe relit chaque proposition avant de la publier."
        ),
        "choose_kind": "Que proposez-vous ?",
        "propose": "Proposer",
        "form_title": "Proposer : {kind}",
        "form_intro": (
            "Les champs marqués « obligatoire » sont nécessaires ; les autres aident à trouver "
            "et comprendre ce que vous proposez. Rien n'est publié avant relecture."
        ),
        "required": "obligatoire",
        "recommended": "recommandé",
        "more_details": "Plus de détails",
        "in_language": "en {language}",
        "search": "Chercher",
        "search_label": "Chercher {name}",
        "search_hint": "Tapez quelques lettres d'un nom, puis « Chercher ».",
        "no_match": "Aucune ressource trouvée pour « {query} ».",
        "chosen": "Choisi",
        "remove": "Retirer",
        "choose": "Choisir",
        "email": "Votre adresse e-mail (facultatif)",
        "email_help": (
            "Pour que l'équipe puisse vous écrire à propos de cette proposition. Elle n'est "
            "jamais publiée : voir la page sur la vie privée."
        ),
        "submit": "Envoyer la proposition",
        "save": "Enregistrer",
        "errors_title": "La proposition n'est pas encore complète",
        "errors_intro": "Corrigez les champs signalés ci-dessous, puis envoyez-la à nouveau.",
        "warnings_title": "À compléter si possible",
        "privacy": "Vie privée",
        "privacy_title": "Vie privée : ce que chava garde de vous",
        "status_title": "Proposition {id}",
        "status_pending": "En attente de relecture.",
        "status_accepted": "Acceptée et publiée.",
        "status_rejected": "Refusée.",
        "reason": "Raison",
        "publishing_waiting": "Publication : en attente de la prochaine construction.",
        "publishing_building": "Publication en cours (construction commencée à {time}).",
        "publishing_done": "Publiée dans la version {build} des données.",
        "publishing_switching": (
            "Construite dans la version {build} des données ; ce serveur la publie dans un instant."
        ),
        "publishing_failed": "La construction a échoué : {error}",
        "see_resource": "Voir la ressource publiée",
        "keep_link": (
            "Gardez l'adresse de cette page : elle seule vous permet de suivre et de corriger "
            "votre proposition."
        ),
        "revise": "Corriger et renvoyer",
        "versions": "Versions",
        "version_by": "version {number}, {time}, par {by}",
        "author": "l'auteur ou l'autrice",
        "queue_title": "Propositions à relire",
        "queue_empty": "Aucune proposition en attente.",
        "decided_title": "Décidées récemment",
        "kind": "Type",
        "received": "Reçue le",
        "status": "État",
        "accept": "Accepter et publier",
        "reject": "Refuser",
        "reject_reason": "Raison du refus (l'auteur ou l'autrice la lira)",
        "edit": "Modifier",
        "delete": "Supprimer",
        "sign_in": "Connexion des gardiens",
        "sign_in_button": "Se connecter",
        "sign_out": "Se déconnecter",
        "name": "Nom",
        "password": "Mot de passe",
        "signed_in_as": "Connecté·e : {name}",
        "wrong_password": "Nom ou mot de passe incorrect.",
        "edit_title": "Modifier : {label}",
        "changes": "Journal des modifications",
        "contact": "Contact",
        "proposed_data": "Ce qui est proposé",
    },
    "en": {
        "contribute": "Contribute",
        "call_title": "Call for participation",
        "call_intro": (
            "Make what exists known: an association, a learning action or event, a pedagogical "
            "tool, a place of learning. Someone of the team reviews every proposal before it is "
            "published."
        ),
        "choose_kind": "What do you propose?",
        "propose": "Propose",
        "form_title": "Propose: {kind}",
        "form_intro": (
            'Fields marked "required" are needed; the others help people find and understand '
            "what you propose. Nothing is published before review."
        ),
        "required": "required",
        "recommended": "recommended",
        "more_details": "More details",
        "in_language": "in {language}",
        "search": "Search",
        "search_label": "Search {name}",
        "search_hint": 'Type a few letters of a name, then "Search".',
        "no_match": 'No resource found for "{query}".',
        "chosen": "Chosen",
        "remove": "Remove",
        "choose": "Choose",
        "email": "Your email address (optional)",
        "email_help": (
            "So that the team can write to you about this proposal. It is never published: see "
            "the privacy page."
        ),
        "submit": "Send the proposal",
        "save": "Save",
        "errors_title": "The proposal is not complete yet",
        "errors_intro": "Correct the fields marked below, then send it again.",
        "warnings_title": "To complete if you can",
        "privacy": "Privacy",
        "privacy_title": "Privacy: what chava keeps about you",
        "status_title": "Proposal {id}",
        "status_pending": "Waiting for review.",
        "status_accepted": "Accepted and published.",
        "status_rejected": "Rejected.",
        "reason": "Reason",
        "publishing_waiting": "Publication: waiting for the next build.",
        "publishing_building": "Being published (build started at {time}).",
        "publishing_done": "Published in version {build} of the data.",
        "publishing_switching": (
            "Built in version {build} of the data; this server starts serving it in a moment."
        ),
        "publishing_failed": "The build failed: {error}",
        "see_resource": "See the published resource",
        "keep_link": (
            "Keep this page's address: it alone lets you follow and correct your proposal."
        ),
        "revise": "Correct and send again",
        "versions": "Versions",
        "version_by": "version {number}, {time}, by {by}",
        "author": "its author",
        "queue_title": "Proposals to review",
        "queue_empty": "No proposal is waiting.",
        "decided_title": "Decided recently",
        "kind": "Kind",
        "received": "Received",
        "status": "Status",
        "accept": "Accept and publish",
        "reject": "Reject",
        "reject_reason": "Reason for rejecting (its author will read it)",
        "edit": "Edit",
        "delete": "Delete",
        "sign_in": "Stewards' sign-in",
        "sign_in_button": "Sign in",
        "sign_out": "Sign out",
        "name": "Name",
        "password": "Password",
        "signed_in_as": "Signed in: {name}",
        "wrong_password": "Wrong name or password.",
        "edit_title": "Edit: {label}",
        "changes": "Change log",
        "contact": "Contact",
        "proposed_data": "What is proposed",
    },
}


def contribution_texts(language: str) -> Mapping[str, str]:
    """The page words in *language*'s document language (English when it has none)."""
    return TEXTS.get(texts_language(language), TEXTS["en"])
