"""What a contribution form shows: each field's label, help, values, choices and messages.

The form itself is generated from the profile (chava.contributions.form_fields), once per build
and kind; this module fills it with what was typed, what the search found and what is wrong,
in the page's language.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from chava.contributions.candidates import Candidate, class_members, find_candidates
from chava.contributions.form_fields import LINK, TEXTS, Field, Form, form_for
from chava.contributions.issues import Issue
from chava.contributions.kinds import Kind
from chava.labels import fetch_labels, pick_text
from chava.language_tags import direction, language_name
from chava.web import state
from chava.web.rendering import cached

SEARCH_SUFFIX = "~q"
"""A link field's search box is named KEY~q."""


@dataclass(frozen=True)
class Text:
    """A text and its language tag (None: the page's)."""

    text: str
    language: str | None


@dataclass(frozen=True)
class Option:
    """A value offered (a choice, a chosen or found resource)."""

    iri: str
    label: Text
    selected: bool = False


@dataclass
class FieldView:
    """One field as the page shows it."""

    field: Field
    label: Text
    help: Text | None
    values: list[str] = dataclasses.field(default_factory=list)
    texts: list[tuple[str, str, str, str]] = dataclasses.field(default_factory=list)
    """For a text field: (language tag, language name, direction, value) per language."""
    options: list[Option] = dataclasses.field(default_factory=list)
    found: list[Option] = dataclasses.field(default_factory=list)
    query: str = ""
    searched: bool = False
    messages: list[Text] = dataclasses.field(default_factory=list)


def cached_form(kind: Kind) -> Form:
    """The form of *kind* for the served build (made once per build and worker)."""
    store = state.published_store()
    languages = state.settings().languages
    return cached(store, f"contribution-form-{kind.key}", lambda: form_for(kind, store, languages))


def cached_profile() -> tuple[ox.Quad, ...]:
    """The profile validation uses, read once per build from the served store."""
    from chava.contributions.checking import profile_quads  # with validation: on first use

    store = state.published_store()
    return cached(store, "contribution-profile", lambda: profile_quads(store, state.settings()))


def members(item: Field) -> list[Candidate]:
    """The resources a link field may point to (once per build and field)."""
    store = state.published_store()
    return cached(store, f"members-{item.key}", lambda: class_members(store, item.classes))


def field_views(
    form: Form,
    values: Mapping[str, Sequence[str]],
    issues: Iterable[Issue],
    *,
    lang: str,
    search: str | None = None,
) -> list[FieldView]:
    """The fields of *form* with *values*, their messages, and *search*'s results."""
    languages = state.settings().languages
    by_path: dict[str | None, list[Issue]] = {}
    for problem in issues:
        by_path.setdefault(problem.path, []).append(problem)
    views = []
    for item in form.fields:
        label = _pick(item.names, lang, languages) or Text(item.key, None)
        view = FieldView(item, label, _pick(item.descriptions, lang, languages))
        if item.widget == TEXTS:
            view.texts = [
                (tag, language_name(tag), direction(tag), _first(values, f"{item.key}@{tag}"))
                for tag in form.languages
            ]
        else:
            view.values = [value for value in values.get(item.key, ()) if value.strip()]
        if item.choices:
            chosen = set(view.values)
            view.options = [
                Option(
                    choice.iri,
                    _pick(choice.labels, lang, languages) or Text(choice.iri, None),
                    choice.iri in chosen,
                )
                for choice in item.choices
            ]
            view.options.sort(key=lambda option: option.label.text.casefold())
        if item.widget == LINK:
            view.options = _chosen(view.values, lang, languages)
            view.query = _first(values, item.key + SEARCH_SUFFIX)
            if search == item.key or (search is None and view.query):
                view.searched = True
                found = find_candidates(
                    members(item), view.query, language=lang, languages=languages
                )
                chosen = set(view.values)
                view.found = [
                    Option(c.iri, _pick(c.labels, lang, languages) or Text(c.iri, None))
                    for c in found
                    if c.iri not in chosen
                ]
        for problem in by_path.pop(item.path, []):
            where = ""
            if (
                problem.language
                and item.widget == TEXTS
                and f"@{problem.language}" not in problem.message(lang)
            ):
                where = f" ({problem.language})"
            view.messages.append(Text(problem.message(lang) + where, None))
        views.append(view)
    return views


def loose_messages(form: Form, issues: Iterable[Issue], lang: str) -> list[Text]:
    """Messages no field shows (about the proposal as a whole)."""
    paths = {item.path for item in form.fields}
    return [Text(item.message(lang), None) for item in issues if item.path not in paths]


def _chosen(iris: Sequence[str], lang: str, languages: Sequence[str]) -> list[Option]:
    if not iris:
        return []
    labels = fetch_labels(state.published_store(), iris)
    return [
        Option(iri, _pick(labels.get(iri, {}), lang, languages) or Text(iri, None), True)
        for iri in iris
    ]


def _pick(texts: Mapping[str, str], lang: str, languages: Sequence[str]) -> Text | None:
    found = pick_text(texts, lang, languages)
    return Text(found[0], found[1]) if found else None


def _first(values: Mapping[str, Sequence[str]], name: str) -> str:
    given = values.get(name, ())
    return given[0] if given else ""
