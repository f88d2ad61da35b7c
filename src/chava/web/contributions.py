"""Contributions on the web: the call for participation, the forms, `POST /contributions`,
each contribution's page, and the stewards' review (accept, edit, reject with a reason).

Forms and machines share one interface: `POST /contributions` takes a form (from the pages) or
Turtle / JSON-LD (the API's context). An invalid proposal is refused with 422: the form again
with each message next to its field, or a `sh:ValidationReport` in JSON-LD. A valid one waits
for review (202 and `Location`, or 303 to its page for a browser), in the contributions folder,
never in the published data. Its page is for stewards and for its author (the key in their
link); nobody else learns it exists. Pages here are private: `Cache-Control: no-store`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlencode

import pyoxigraph as ox
from flask import Blueprint, Flask, Response, request

from chava.contributions.form_input import form_values, read_form
from chava.contributions.issues import Issue, report_document
from chava.contributions.kinds import KINDS, Kind, kind_named
from chava.contributions.proposals import (
    Proposal,
    placeholder,
    read_rdf_proposal,
    with_kind_types,
)
from chava.contributions.publishing import accept as accept_contribution
from chava.contributions.queue import key_digest
from chava.contributions.rebuild import request_rebuild, status
from chava.contributions.records import ACCEPTED, PENDING, REJECTED, Contribution
from chava.contributions.review import propose, reject, revise
from chava.errors import (
    BadRequestError,
    ConflictError,
    ForbiddenError,
    ResourceNotFoundError,
    UnauthorizedError,
)
from chava.iri_mapping import local_path
from chava.web import state
from chava.web.contribution_forms import (
    SEARCH_SUFFIX,
    cached_form,
    cached_profile,
    field_views,
    loose_messages,
    members,
)
from chava.web.contribution_texts import contribution_texts
from chava.web.language import request_language
from chava.web.rendering import render_page
from chava.web.steward_auth import (
    CSRF_FIELD,
    FORM_TYPES,
    check_form,
    check_proposal_rate,
    contributions,
    form_token,
    private_response,
    require_steward,
    see_other,
    session,
    steward,
)

if TYPE_CHECKING:
    from chava.building.builds import Build
    from chava.contributions.checking import Checked

MAX_EMAIL: Final = 254
blueprint = Blueprint("contributions", __name__)


def init_app(app: Flask) -> None:
    """Register the contribution routes, and the words their pages use."""
    app.register_blueprint(blueprint)


blueprint.after_request(private_response)


@blueprint.get("/contributions/new")
def call() -> Response:
    """The call for participation: what can be proposed."""
    lang, _ = request_language()
    return _page("contributions/call.html", lang, kinds=list(KINDS.values()))


@blueprint.get("/contributions/new/<kind>")
def new_form(kind: str) -> Response:
    """The empty form for *kind*."""
    _require_open()
    lang, _ = request_language()
    return _form_page(kind_named(kind), {}, [], lang=lang, action="/contributions")


@blueprint.post("/contributions")
def submit() -> Response:
    """Queue a proposal (form, Turtle or JSON-LD), or refuse it with its report (422)."""
    _require_open()
    lang, _ = request_language()
    if _is_form():
        values = _form_dict()
        check_form(values)
        kind = kind_named(_one(values, "kind"))
        search = _search_of(values)
        if search is not None:
            return _form_page(kind, values, [], lang=lang, action="/contributions", search=search)
        check_proposal_rate()
        contribution_id = contributions().queue.new_id()
        proposal, issues = _from_form(kind, values, contribution_id)
        email, email_issue = _email(_one(values, "contributor-email"))
        issues += email_issue
        checked = _check(proposal, contribution_id, lang)
        issues += checked.issues
        if any(item.blocking for item in issues):
            return _form_page(kind, values, issues, lang=lang, action="/contributions", status=422)
        record, key = propose(
            contributions().queue,
            contribution_id,
            proposal,
            warnings=_warnings(issues, lang),
            language=lang,
            email=email,
            now=datetime.now(UTC),
        )
        return see_other(_status_url(record.id, key))
    check_form()
    check_proposal_rate()
    contribution_id = contributions().queue.new_id()
    sent, issues = _from_rdf(contribution_id, editing=None)
    email, email_issue = _email(request.headers.get("From", ""))
    issues += email_issue
    if sent is not None:
        issues += _check(sent, contribution_id, lang).issues
    if sent is None or any(item.blocking for item in issues):
        return _refused(issues, placeholder(state.settings(), contribution_id).value, lang)
    record, key = propose(
        contributions().queue,
        contribution_id,
        sent,
        warnings=_warnings(issues, lang),
        language=lang,
        email=email,
        now=datetime.now(UTC),
    )
    url = request.host_url.rstrip("/") + _status_url(record.id, key)
    body: dict[str, Any] = {"id": record.id, "status": record.status, "url": url, "key": key}
    body["warnings"] = [item.message(lang) for item in issues]
    response = _json(body, 202)
    response.headers["Location"] = url
    return response


@blueprint.get("/contributions")
def queue_page() -> Response:
    """The stewards' queue: what waits for review, and what was decided lately."""
    if session() is None and _wants_html() and "Authorization" not in request.headers:
        return see_other("/steward/login?" + urlencode({"next": "/contributions"}))
    name = require_steward()
    everything = contributions().queue.all()
    pending = [item for item in everything if item.status == PENDING]
    decided = sorted(
        (item for item in everything if item.status != PENDING),
        key=lambda item: item.updated,
        reverse=True,
    )[:50]
    if not _wants_html():
        return _json(
            {
                "pending": [_summary(item) for item in pending],
                "decided": [_summary(item) for item in decided],
            }
        )
    lang, _ = request_language()
    settings = state.settings()
    edit_hrefs = {
        item.id: "/edit" + path
        for item in decided
        if item.resource and (path := local_path(settings, item.resource))
    }
    return _page(
        "contributions/queue.html",
        lang,
        pending=pending,
        decided=decided,
        steward=name,
        kinds=KINDS,
        labels=_labels(everything),
        edit_hrefs=edit_hrefs,
    )


@blueprint.get("/contributions/<contribution_id>")
def contribution_page(contribution_id: str) -> Response:
    """A contribution: its status, its data, its publication's progress; actions by role."""
    record, role = _viewer(contribution_id)
    queue = contributions().queue
    if not _wants_html():
        if request.accept_mimetypes.best == "application/trig":
            body = queue.version_text(record, len(record.versions))
            return Response(body, mimetype="application/trig")
        return _json(_summary(record, private=role != "author"))
    lang, _ = request_language()
    proposal = queue.proposal(record)
    form = cached_form(kind_named(record.kind))
    values = form_values(form, proposal.triples, proposal.subject)
    editable = role != "author" or record.status == REJECTED
    return _page(
        "contributions/status.html",
        lang,
        record=record,
        role=role,
        views=field_views(form, values, [], lang=lang),
        kind=kind_named(record.kind),
        progress=_progress(record),
        resource_href=local_path(state.settings(), record.resource) if record.resource else None,
        editable=editable and record.status != ACCEPTED,
        key=request.args.get("key", ""),
        csrf=form_token(),
        revise_action=f"/contributions/{record.id}/revise"
        + (f"?{urlencode({'key': request.args['key']})}" if role == "author" else ""),
    )


@blueprint.post("/contributions/<contribution_id>/accept")
def accept(contribution_id: str) -> Response:
    """Publish a pending contribution (a steward): write its file, log it, rebuild."""
    check_form()
    name = _steward_for(contribution_id)
    queue = contributions().queue
    record = queue.get(contribution_id)
    if record.status != PENDING:
        raise ConflictError(f"contribution {contribution_id} is already {record.status}")
    proposal = queue.proposal(record)
    lang, _ = request_language()
    checked = _check(proposal, contribution_id, record.language)
    if not checked.conforms:
        problems = "; ".join(item.message(lang) for item in checked.issues if item.blocking)
        raise ConflictError(f"it no longer conforms to the profile, edit it first: {problems}")
    updated = accept_contribution(
        queue,
        contribution_id,
        proposal,
        steward=name,
        store=state.published_store(),
        now=datetime.now(UTC),
        version=_version(),
    )
    assert updated.change is not None
    request_rebuild(state.settings(), updated.change)
    return _done(updated)


@blueprint.post("/contributions/<contribution_id>/reject")
def reject_contribution(contribution_id: str) -> Response:
    """Reject a pending contribution with a reason (a steward)."""
    check_form()
    name = _steward_for(contribution_id)
    reason = request.form.get("reason") if _is_form() else _json_body().get("reason")
    updated = reject(
        contributions().queue,
        contribution_id,
        steward=name,
        reason=str(reason or ""),
        now=datetime.now(UTC),
        version=_version(),
    )
    return _done(updated)


@blueprint.get("/contributions/<contribution_id>/revise")
def revise_form(contribution_id: str) -> Response:
    """The form to edit a contribution (a steward) or correct a rejected one (its author)."""
    record, _role = _viewer(contribution_id)
    if record.status == ACCEPTED:
        raise ConflictError(f"contribution {contribution_id} is already published")
    lang, _ = request_language()
    kind = kind_named(record.kind)
    proposal = contributions().queue.proposal(record)
    values = form_values(cached_form(kind), proposal.triples, proposal.subject)
    return _form_page(
        kind, values, [], lang=lang, action=request.full_path.rstrip("?"), record=record
    )


@blueprint.post("/contributions/<contribution_id>/revise")
def revise_contribution(contribution_id: str) -> Response:
    """A new version: the author answering a rejection, or a steward's edit before accepting."""
    record, role = _viewer(contribution_id)
    if record.status == ACCEPTED:
        raise ConflictError(f"contribution {contribution_id} is already published")
    if role == "author" and record.status != REJECTED:
        raise ConflictError("it is waiting for review; you may correct it if it is rejected")
    lang, _ = request_language()
    kind = kind_named(record.kind)
    by = "author" if role == "author" else f"steward:{role.removeprefix('steward:')}"
    action = f"/contributions/{record.id}/revise" + (
        f"?{urlencode({'key': request.args.get('key', '')})}" if role == "author" else ""
    )
    if _is_form():
        values = _form_dict()
        check_form(values)
        search = _search_of(values)
        if search is not None:
            return _form_page(
                kind, values, [], lang=lang, action=action, search=search, record=record
            )
        proposal, issues = _from_form(kind, values, record.id)
    else:  # a machine: Turtle or JSON-LD
        check_form()
        read, issues = _from_rdf(record.id, editing=None)
        if read is None:
            return _refused(issues, placeholder(state.settings(), record.id).value, lang)
        proposal = read
        values = {}
    issues += _check(proposal, record.id, lang).issues
    if any(item.blocking for item in issues):
        if _is_form():
            return _form_page(
                kind, values, issues, lang=lang, action=action, status=422, record=record
            )
        return _refused(issues, proposal.subject.value, lang)
    updated = revise(
        contributions().queue,
        record.id,
        proposal,
        by=by,
        warnings=_warnings(issues, lang),
        now=datetime.now(UTC),
        version=_version(),
    )
    return _done(updated, key=request.args.get("key") if role == "author" else None)


@blueprint.get("/contributions/<contribution_id>/versions/<int:number>")
def version(contribution_id: str, number: int) -> Response:
    """One version of a proposal, as written (TriG): nothing is ever lost."""
    record, _role = _viewer(contribution_id)
    text = contributions().queue.version_text(record, number)
    return Response(text, mimetype="application/trig")


@blueprint.get("/contributions/candidates")
def candidates() -> Response:
    """Resources a form's link field may point to, matching `?q=` (the pickers' script)."""
    _require_open()
    lang, _ = request_language()
    kind = kind_named(request.args.get("kind", ""))
    item = cached_form(kind).by_key(request.args.get("field", ""))
    if item is None or not item.classes:
        raise ResourceNotFoundError("no such link field")
    from chava.contributions.candidates import find_candidates
    from chava.labels import pick_text

    query = request.args.get("q", "")[:200]
    languages = state.settings().languages
    found = find_candidates(members(item), query, language=lang, languages=languages)
    items = []
    for candidate in found:
        picked = pick_text(candidate.labels, lang, languages)
        items.append(
            {
                "id": candidate.iri,
                "label": picked[0] if picked else candidate.iri,
                "language": picked[1] if picked else None,
            }
        )
    return _json({"query": query, "items": items})


@blueprint.get("/privacy")
def privacy() -> Response:
    """What chava keeps about contributors and stewards, and what it never publishes."""
    lang, _ = request_language()
    return _page("contributions/privacy.html", lang)


# --- helpers ---------------------------------------------------------------------------


def _require_open() -> None:
    if not state.settings().contributions_open:
        raise ForbiddenError("this publication does not take proposals (contributions_open)")
    _require_publication()


def _require_publication() -> None:
    """Contributions go into a publication root's data: not into a `--data` build."""
    if not state.published_store().build.manifest.get("bundled"):
        raise ResourceNotFoundError(
            "this server serves a --data build; contributions go to a publication root"
        )


def _page(template: str, lang: str, *, status: int = 200, **context: Any) -> Response:
    body = render_page(
        template,
        lang,
        ct=contribution_texts(lang),
        csrf_field=CSRF_FIELD,
        csrf=context.pop("csrf", None) or form_token(),
        signed_in=session(),
        **context,
    )
    response = Response(body, status=status, mimetype="text/html")
    response.headers["Content-Language"] = lang
    return response


def _form_page(
    kind: Kind,
    values: Mapping[str, Sequence[str]],
    issues: Sequence[Issue],
    *,
    lang: str,
    action: str,
    status: int = 200,
    search: str | None = None,
    record: Contribution | None = None,
) -> Response:
    form = cached_form(kind)
    views = field_views(form, values, issues, lang=lang, search=search)
    blocking = [item for item in issues if item.blocking]
    return _page(
        "contributions/form.html",
        lang,
        status=status,
        kind=kind,
        views=views,
        action=action,
        loose=loose_messages(form, blocking, lang),
        has_errors=bool(blocking),
        email=_one(values, "contributor-email"),
        record=record,
        search_suffix=SEARCH_SUFFIX,
    )


def _from_form(
    kind: Kind, values: Mapping[str, Sequence[str]], contribution_id: str
) -> tuple[Proposal, list[Issue]]:
    subject = placeholder(state.settings(), contribution_id)
    triples, issues = read_form(cached_form(kind), values, subject, exists=_exists)
    return Proposal(kind, subject, tuple(with_kind_types(kind, subject, triples))), issues


def _from_rdf(
    contribution_id: str, editing: ox.NamedNode | None
) -> tuple[Proposal | None, list[Issue]]:
    return read_rdf_proposal(
        request.get_data(cache=False),
        request.content_type or "",
        settings=state.settings(),
        subject=placeholder(state.settings(), contribution_id),
        exists=_exists,
        editing=editing,
    )


def _check(proposal: Proposal, contribution_id: str, lang: str) -> Checked:
    # Imported on first use: validation brings rdflib (about 5 MB and 80 ms per web worker)
    # into a process that may never check a proposal.
    from chava.contributions.checking import check_proposal

    return check_proposal(
        proposal,
        settings=state.settings(),
        store=state.published_store(),
        profile=cached_profile(),
        contribution_id=contribution_id,
        language=lang,
    )


def _exists(iri: str) -> bool:
    node = ox.NamedNode(iri)
    return (
        next(state.published_store().oxigraph.quads_for_pattern(node, None, None), None) is not None
    )


def _refused(issues: Sequence[Issue], focus: str, lang: str) -> Response:
    if _wants_html():
        return _page(
            "contributions/refused.html",
            lang,
            status=422,
            messages=[item.message(lang) for item in issues],
        )
    body = json.dumps(report_document(issues, focus), ensure_ascii=False, indent=1)
    return Response(body, status=422, mimetype="application/ld+json")


def _done(record: Contribution, key: str | None = None) -> Response:
    if _is_form():
        return see_other(_status_url(record.id, key))
    return _json(_summary(record))


def _viewer(contribution_id: str) -> tuple[Contribution, str]:
    """The contribution and who looks at it (`steward:NAME` or `author`); 404 for others."""
    record = contributions().queue.get(contribution_id)
    name = steward()
    if name is not None:
        return record, f"steward:{name}"
    key = request.args.get("key", "")
    if key and _same(key_digest(key), record.author_key):
        return record, "author"
    raise ResourceNotFoundError("no such contribution")


def _steward_for(contribution_id: str) -> str:
    """The steward acting on a contribution: 401 without credentials, 403 for its author."""
    _require_publication()
    name = steward()
    if name is not None:
        return name
    key = request.args.get("key", "")
    if key:
        record = contributions().queue.get(contribution_id)
        if _same(key_digest(key), record.author_key):
            raise ForbiddenError("only a steward may decide on a contribution")
    raise UnauthorizedError("sign in as a steward (/steward/login), or send basic credentials")


def _same(left: str, right: str) -> bool:
    import hmac

    return hmac.compare_digest(left.encode(), right.encode())


def _version() -> int | None:
    given = request.form.get("version") if _is_form() else request.headers.get("If-Match")
    if not given:
        return None
    digits = given.strip().strip('"').removeprefix("v")
    if not digits.isdigit():
        raise BadRequestError("version: expected the number of the version you read")
    return int(digits)


def _progress(record: Contribution) -> dict[str, Any] | None:
    if record.change is None:
        return None
    current = status(state.settings())
    if int(current.get("built", 0)) >= record.change:
        built = str(current.get("build_id") or "")
        served = state.published_store().build
        if not _serves(served, built, current.get("finished")):
            # Built and made current, but this worker still serves the build before it (it
            # follows `current` within a second or two): "done" now would link to a 404.
            return {"state": "switching", "build": built}
        return {"state": "done", "build": built or served.build_id}
    if current.get("failed") and int(current["failed"]) >= record.change:
        return {"state": "failed", "error": current.get("error", "")}
    if current.get("building") and int(current["building"]) >= record.change:
        started = datetime.fromtimestamp(float(current.get("started", 0)), UTC)
        return {"state": "building", "time": started.strftime("%H:%M:%S UTC")}
    return {"state": "waiting"}


def _serves(served: Build, built: str, finished: object) -> bool:
    """Does *served* hold the build *built* (finished at *finished*, a POSIX time) or a later
    one? A status written before builds were timed counts as served. Build times are whole
    seconds, earlier than the build's start: an older build never reads as later (the page
    never says "published" too soon); a later one made within the second *built* finished
    reads as not yet served."""
    if not built or served.build_id == built or not isinstance(finished, int | float):
        return True
    return served.created.timestamp() >= finished


def _summary(record: Contribution, *, private: bool = True) -> dict[str, Any]:
    summary: dict[str, Any] = {
        "id": record.id,
        "kind": record.kind,
        "status": record.status,
        "created": record.created,
        "updated": record.updated,
        "version": len(record.versions),
        "reason": record.reason,
        "resource": record.resource,
        "change": record.change,
    }
    if record.change is not None:
        summary["publication"] = _progress(record)
    if private:
        summary["email"] = record.email
        summary["decided_by"] = record.decided_by
    return summary


def _labels(records: Sequence[Contribution]) -> dict[str, str]:
    """A label per contribution for the queue (its proposal's first label)."""
    queue = contributions().queue
    found: dict[str, str] = {}
    for record in records[-200:]:
        try:
            proposal = queue.proposal(record)
        except OSError:
            continue
        labels = [
            v
            for v in proposal.objects("http://www.w3.org/2000/01/rdf-schema#label")
            if isinstance(v, ox.Literal)
        ]
        preferred = {label.language: label.value for label in labels}
        found[record.id] = next(
            (preferred[tag] for tag in state.settings().languages if tag in preferred),
            labels[0].value if labels else record.id,
        )
    return found


def _warnings(issues: Sequence[Issue], lang: str) -> list[str]:
    return [item.message(lang) for item in issues if not item.blocking]


def _email(given: str) -> tuple[str | None, list[Issue]]:
    text = given.strip()
    if not text:
        return None, []
    local, at, domain = text.partition("@")
    valid = (
        at
        and local
        and "." in domain
        and len(text) <= MAX_EMAIL
        and not any(c.isspace() or c in "<>\"'," for c in text)
    )
    if not valid:
        from chava.contributions.issues import issue

        return None, [
            issue(
                "Adresse e-mail invalide.", "Not a valid email address.", path="contributor-email"
            )
        ]
    return text, []


def _status_url(contribution_id: str, key: str | None) -> str:
    return f"/contributions/{contribution_id}" + (f"?{urlencode({'key': key})}" if key else "")


def _is_form() -> bool:
    return (request.mimetype or "").lower() in FORM_TYPES


def _form_dict() -> dict[str, list[str]]:
    form = request.form
    if len(form) > 2000:
        raise BadRequestError("too many form fields")
    return {name: form.getlist(name) for name in form}


def _one(values: Mapping[str, Sequence[str]], name: str) -> str:
    given = values.get(name, ())
    return given[0] if given else ""


def _search_of(values: Mapping[str, Sequence[str]]) -> str | None:
    pressed = _one(values, "search")
    return pressed or None


def _json_body() -> dict[str, Any]:
    try:
        value = json.loads(request.get_data(cache=False) or b"{}")
    except (ValueError, RecursionError) as error:
        raise BadRequestError(f"the body is not JSON: {error}") from None
    return value if isinstance(value, dict) else {}


def _json(value: Any, status: int = 200) -> Response:
    body = json.dumps(value, ensure_ascii=False, indent=1)
    return Response(body, status=status, mimetype="application/json")


def _wants_html() -> bool:
    best = request.accept_mimetypes.best_match(
        ["application/json", "application/ld+json", "application/trig", "text/html"]
    )
    return best == "text/html"
