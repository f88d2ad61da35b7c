"""Stewards editing published contributions: `/edit/{local path}` of a resource.

`GET` gives the form (a browser) or the resource's statements in Turtle, with the ETag of its
file; `PUT` (Turtle or JSON-LD, the resource's IRI as subject) and `DELETE` change it, and need
`If-Match` with that ETag: without it 428, with an older one 412 (someone changed it since).
The form posts the same, the ETag in a hidden field. Only resources chava published from
contributions (one file each) are edited here; the others live in hand-written files (409).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pyoxigraph as ox
from flask import Blueprint, Flask, Response, request

from chava.contributions.form_input import form_values, read_form
from chava.contributions.issues import Issue, issue, report_document
from chava.contributions.proposals import Proposal, read_rdf_proposal, with_kind_types
from chava.contributions.publishing import edit, editable, used_prefixes
from chava.contributions.rebuild import request_rebuild
from chava.errors import ResourceNotFoundError
from chava.iri_mapping import canonical_iri
from chava.web import response_rules as rules
from chava.web import state
from chava.web.contribution_forms import SEARCH_SUFFIX, cached_form, field_views, loose_messages
from chava.web.contribution_texts import contribution_texts
from chava.web.contributions import _check, _exists, _is_form, _wants_html
from chava.web.language import request_language
from chava.web.rendering import render_page
from chava.web.steward_auth import (
    CSRF_FIELD,
    check_form,
    contributions,
    form_token,
    private_response,
    require_steward,
    see_other,
    session,
)

blueprint = Blueprint("resource_edits", __name__)
PREFIX = "/edit"


def init_app(app: Flask) -> None:
    """Register the edit routes."""
    app.register_blueprint(blueprint)


blueprint.after_request(private_response)


@blueprint.route(PREFIX + "/<path:rest>", methods=["GET", "HEAD"])
def read(rest: str) -> Response:
    """The resource to edit: a form, or its Turtle; with the ETag edits must send back."""
    require_steward()
    iri = _iri(rest)
    proposal, etag = editable(state.settings(), iri)
    if _wants_html():
        lang, _ = request_language()
        form = cached_form(proposal.kind)
        values = form_values(form, proposal.triples, proposal.subject)
        response = _form_page(proposal, values, [], etag=etag, lang=lang, status=200, iri=iri)
    else:
        quads = [ox.Quad(t.subject, t.predicate, t.object) for t in proposal.triples]
        body = ox.serialize(
            quads, format=ox.RdfFormat.TURTLE, prefixes=used_prefixes(state.settings(), quads)
        )
        response = Response(body, mimetype="text/turtle")
    rules.apply(response.headers, _validators(etag).headers())
    return response


def _validators(etag: str | None) -> rules.Validators:
    """The validators of an edited resource's file (its entity tag, quoted by publishing)."""
    return rules.Validators(etag.strip('"') if etag else None)


@blueprint.route(PREFIX + "/<path:rest>", methods=["PUT"])
def replace(rest: str) -> Response:
    """Replace the resource's statements (If-Match required)."""
    check_form()
    name = require_steward()
    iri = _iri(rest)
    current, _etag = editable(state.settings(), iri)
    proposal, issues = read_rdf_proposal(
        request.get_data(cache=False),
        request.content_type or "",
        settings=state.settings(),
        subject=ox.NamedNode(iri),
        exists=_exists,
        editing=ox.NamedNode(iri),
    )
    lang, _ = request_language()
    if proposal is not None and proposal.kind != current.kind:
        proposal = None
        issues.append(_kind_changed(current))
    if proposal is not None:
        issues += _check(proposal, iri.rsplit("/", 1)[-1], lang).issues
    if proposal is None or any(item.blocking for item in issues):
        body = json.dumps(report_document(issues, iri), ensure_ascii=False, indent=1)
        return Response(body, status=422, mimetype="application/ld+json")
    return _saved(iri, proposal, name)


@blueprint.route(PREFIX + "/<path:rest>", methods=["DELETE"])
def delete(rest: str) -> Response:
    """Delete the resource (If-Match required); its file keeps its history."""
    check_form()
    name = require_steward()
    return _saved(_iri(rest), None, name)


@blueprint.route(PREFIX + "/<path:rest>", methods=["POST"])
def post_form(rest: str) -> Response:
    """The edit form: save or delete, the ETag it was read with in `if_match`."""
    values = {key: request.form.getlist(key) for key in request.form}
    check_form(values)
    name = require_steward()
    iri = _iri(rest)
    current, etag = editable(state.settings(), iri)
    lang, _ = request_language()
    given = request.form.get("if_match") or request.headers.get("If-Match")
    if request.form.get("action") == "delete":
        return _saved(iri, None, name, if_match=given)
    search = request.form.get("search") or None
    form = cached_form(current.kind)
    if search is not None:
        return _form_page(
            current, values, [], etag=given or etag, lang=lang, status=200, iri=iri, search=search
        )
    subject = ox.NamedNode(iri)
    triples, issues = read_form(form, values, subject, exists=_exists)
    proposal = Proposal(
        current.kind, subject, tuple(with_kind_types(current.kind, subject, triples))
    )
    issues += _check(proposal, iri.rsplit("/", 1)[-1], lang).issues
    if any(item.blocking for item in issues):
        return _form_page(
            current, values, issues, etag=given or etag, lang=lang, status=422, iri=iri
        )
    return _saved(iri, proposal, name, if_match=given)


def _saved(
    iri: str, proposal: Proposal | None, steward: str, *, if_match: str | None = None
) -> Response:
    given = if_match if if_match is not None else request.headers.get("If-Match")
    change, etag = edit(
        contributions().queue,
        iri,
        proposal,
        steward=steward,
        if_match=given,
        now=datetime.now(UTC),
    )
    request_rebuild(state.settings(), change)
    if _is_form():
        path = request.path if proposal is not None else "/contributions"
        return see_other(path)
    body = json.dumps({"resource": iri, "change": change, "deleted": proposal is None})
    response = Response(body, status=200, mimetype="application/json")
    if proposal is not None:
        rules.apply(response.headers, _validators(etag).headers())
    return response


def _form_page(
    proposal: Proposal,
    values: dict[str, list[str]],
    issues: list[Issue],
    *,
    etag: str,
    lang: str,
    status: int,
    iri: str,
    search: str | None = None,
) -> Response:
    form = cached_form(proposal.kind)
    blocking = [item for item in issues if item.blocking]
    body = render_page(
        "contributions/edit.html",
        lang,
        ct=contribution_texts(lang),
        csrf_field=CSRF_FIELD,
        csrf=form_token(),
        signed_in=session(),
        kind=proposal.kind,
        views=field_views(form, values, issues, lang=lang, search=search),
        loose=loose_messages(form, blocking, lang),
        has_errors=bool(blocking),
        etag=etag,
        iri=iri,
        action=request.path,
        search_suffix=SEARCH_SUFFIX,
    )
    return Response(body, status=status, mimetype="text/html")


def _iri(rest: str) -> str:
    iri = canonical_iri(state.settings(), "/" + rest)
    if iri is None:
        raise ResourceNotFoundError(f"/{rest[:100]} names no resource of this publication")
    return iri


def _kind_changed(current: Proposal) -> Issue:
    return issue(
        "Une modification garde le type de la ressource.",
        "An edit keeps the resource's kind.",
        path="http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
    )
