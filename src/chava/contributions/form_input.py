"""A submitted form into a proposal's statements, and a proposal back into form values.

Control names: `KEY@LANG` for a text in one language, `KEY` (repeated) for the other values
(a chosen concept, a picked resource's IRI, a date, a web address). Each value is checked here
for what the shapes cannot see in a form (a date that is not one, a choice not offered, a
link that is not http(s), text too long or with control characters); the shapes then check
the whole proposal (required fields, cardinalities, classes) and their messages are shown next
to the fields too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Final

import pyoxigraph as ox

from chava import namespaces as ns
from chava.contributions.form_fields import (
    BOOLEAN,
    CHOICE,
    DATE,
    DECIMAL,
    INTEGER,
    LINK,
    TEXT,
    TEXTS,
    URL,
    Field,
    Form,
)
from chava.contributions.issues import Issue, issue
from chava.contributions.proposals import Exists, is_web_link

MAX_SHORT_TEXT: Final = 300
MAX_LONG_TEXT: Final = 5000
MAX_VALUES: Final = 50
"""Values one field takes from a form (more: refused)."""
_DATE: Final = re.compile(r"\d{4}-\d{2}-\d{2}")
_CONTROL: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

Values = Mapping[str, Sequence[str]]


def read_form(
    form: Form, values: Values, subject: ox.NamedNode, *, exists: Exists
) -> tuple[list[ox.Triple], list[Issue]]:
    """The statements the form's *values* make about *subject*, and the problems found."""
    triples: list[ox.Triple] = []
    issues: list[Issue] = []
    for item in form.fields:
        found = _read_field(item, form.languages, values, subject, exists)
        triples += found[0]
        issues += found[1]
    return triples, issues


def form_values(
    form: Form, triples: Iterable[ox.Triple], subject: ox.NamedNode
) -> dict[str, list[str]]:
    """The control values that show *triples* about *subject* in *form* (to edit them)."""
    values: dict[str, list[str]] = {}
    for triple in triples:
        if triple.subject != subject:
            continue
        item = form.by_path(triple.predicate.value)
        value = triple.object
        if item is None or isinstance(value, ox.BlankNode | ox.Triple):
            continue
        if item.widget == TEXTS and isinstance(value, ox.Literal):
            values.setdefault(f"{item.key}@{value.language or ''}", []).append(value.value)
        else:
            values.setdefault(item.key, []).append(value.value)
    return values


def _read_field(
    item: Field,
    languages: Sequence[str],
    values: Values,
    subject: ox.NamedNode,
    exists: Exists,
) -> tuple[list[ox.Triple], list[Issue]]:
    predicate = ox.NamedNode(item.path)
    issues: list[Issue] = []
    objects: list[ox.NamedNode | ox.Literal] = []
    if item.widget == TEXTS:
        for language in languages:
            for text in _given(values, f"{item.key}@{language}"):
                problem = _text_problem(item, text, language)
                if problem:
                    issues.append(problem)
                else:
                    objects.append(ox.Literal(text, language=language))
    else:
        given = _given(values, item.key)
        if len(given) > MAX_VALUES:
            return [], [_problem(item, "Trop de valeurs.", "Too many values.")]
        for text in given:
            made = _value(item, text, exists)
            if isinstance(made, Issue):
                issues.append(made)
            else:
                objects.append(made)
    return [ox.Triple(subject, predicate, value) for value in dict.fromkeys(objects)], issues


def _given(values: Values, name: str) -> list[str]:
    return [value.strip() for value in values.get(name, ()) if value.strip()]


def _value(item: Field, text: str, exists: Exists) -> ox.NamedNode | ox.Literal | Issue:
    widget = item.widget
    if widget == CHOICE:
        if text not in {choice.iri for choice in item.choices}:
            return _problem(item, "Choisissez dans la liste.", "Choose from the list.", text)
        return ox.NamedNode(text)
    if widget == LINK:
        if not exists(text):
            return _problem(
                item,
                "Choisissez une ressource existante, trouvée par la recherche.",
                "Pick an existing resource, found by searching.",
                text,
            )
        return ox.NamedNode(text)
    if widget == URL:
        if not is_web_link(text):
            return _problem(
                item,
                "Une adresse web complète, en http:// ou https://.",
                "A full web address, starting with http:// or https://.",
                text,
            )
        return ox.NamedNode(text)
    if widget == DATE:
        return _typed(item, text, _is_date(text), "date", "AAAA-MM-JJ", "YYYY-MM-DD")
    if widget == INTEGER:
        return _typed(item, text, re.fullmatch(r"[+-]?\d{1,18}", text) is not None, "integer")
    if widget == DECIMAL:
        return _typed(item, text, _is_decimal(text), "decimal")
    if widget == BOOLEAN:
        return _typed(item, text, text in ("true", "false"), "boolean")
    if widget == TEXT:
        problem = _text_problem(item, text, None)
        return problem or ox.Literal(text)
    return _problem(item, "Valeur inattendue.", "Unexpected value.", text)


def _typed(
    item: Field, text: str, valid: bool, name: str, french: str = "", english: str = ""
) -> ox.Literal | Issue:
    if not valid:
        example = f" ({english})" if english else ""
        return _problem(
            item,
            f"Valeur invalide pour ce champ{f' ({french})' if french else ''}.",
            f"Not a valid {name}{example}.",
            text,
        )
    return ox.Literal(text, datatype=ox.NamedNode(ns.XSD + name))


def _is_date(text: str) -> bool:
    if not _DATE.fullmatch(text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _is_decimal(text: str) -> bool:
    if len(text) > 40:
        return False
    try:
        Decimal(text)
    except InvalidOperation:
        return False
    return re.fullmatch(r"[+-]?\d*\.?\d+", text) is not None


def _text_problem(item: Field, text: str, language: str | None) -> Issue | None:
    limit = MAX_LONG_TEXT if item.long else MAX_SHORT_TEXT
    if len(text) > limit:
        return Issue(
            {"fr": f"Au plus {limit} caractères.", "en": f"At most {limit} characters."},
            item.path,
            language,
            text[:80],
        )
    if _CONTROL.search(text) or (not item.long and ("\n" in text or "\r" in text)):
        return Issue(
            {"fr": "Caractères de contrôle refusés.", "en": "Control characters are refused."},
            item.path,
            language,
        )
    return None


def _problem(item: Field, french: str, english: str, value: str | None = None) -> Issue:
    return issue(french, english, path=item.path, value=None if value is None else value[:200])
