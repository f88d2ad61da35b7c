# ruff: noqa: E501
# (Inline Turtle and JSON examples read best one statement per line, even when long.)
"""Contributions over HTTP (the app, its test client): forms, machines, review, and each defence.

Every defence is tested alone: the CSRF token with a same-origin request, the origin check
with a valid token, the steward's role with and without the author's key, basic credentials
over a non-loopback connection, the sign-in limit, the proposal limit and the queue's cap.
"""

from __future__ import annotations

import json
import re
import threading
import time
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from chava.contributions.records import ACCEPTED, PENDING
from tests.contribution_support import (
    HTML,
    OTHER_STEWARD,
    PASSWORD,
    TOOL_TURTLE,
    Publication,
    app_of,
    basic,
    copy_publication,
    csrf_of,
    fields_with_errors,
    form_token,
    sign_in,
    tool_form,
)

ID = "https://w3id.org/chava/id/"


@pytest.fixture
def publication(tmp_path: Path) -> Publication:
    return copy_publication(tmp_path / "city")


@pytest.fixture
def app(publication: Publication) -> Flask:
    return app_of(publication)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def propose_turtle(client: FlaskClient, label: str, **headers: str) -> tuple[str, str]:
    """POST a valid tool as Turtle; its id and author key."""
    response = client.post(
        "/contributions",
        data=TOOL_TURTLE.format(label=label).encode(),
        headers={"Content-Type": "text/turtle", **headers},
    )
    assert response.status_code == 202, response.data[:500]
    body = response.get_json()
    assert response.headers["Location"].endswith(f"/contributions/{body['id']}?key={body['key']}")
    return str(body["id"]), str(body["key"])


# --- the form, generated from the profile --------------------------------------------------


def test_the_tool_form_comes_from_the_profile(client: FlaskClient) -> None:
    html = client.get("/contributions/new/tool?lang=en", headers=HTML).get_data(as_text=True)
    # One label input per language of the publication, the first required.
    assert 'name="rdfs-label@fr"' in html
    assert 'name="rdfs-label@en"' in html
    assert re.search(r'name="rdfs-label@fr"[^>]*required', html)
    # Closed lists: sh:in (availability) and a concept scheme (tool kinds) as choices.
    assert (
        'type="radio" name="lc-availability" value="https://w3id.org/learning-city/id/concept/availability/perenne"'
        in html
    )
    assert 'type="checkbox" name="lc-toolKind"' in html
    # A link to an existing agent is searched, never typed as an IRI.
    assert 'name="schema-provider~q"' in html
    assert 'name="search" value="schema-provider"' in html
    # Help text from sh:description, names from sh:name; a web address for schema:url.
    assert "Who offers the tool: an organisation or a person already described." in html
    assert 'type="url" id="field-schema-url"' in html
    assert "(required)" in html
    assert "(recommended)" in html


def test_each_kind_has_a_form_and_events_ask_dates(client: FlaskClient) -> None:
    for kind in ("association", "event", "tool", "place"):
        assert client.get(f"/contributions/new/{kind}", headers=HTML).status_code == 200
    html = client.get("/contributions/new/event?lang=en", headers=HTML).get_data(as_text=True)
    assert 'type="date" id="field-schema-startDate"' in html
    assert client.get("/contributions/new/spaceship", headers=HTML).status_code == 404


def test_a_search_without_javascript_offers_existing_resources(client: FlaskClient) -> None:
    token = form_token(client)
    response = client.post(
        "/contributions",
        data={
            "csrf": token,
            "kind": "tool",
            "schema-provider~q": "territoires",
            "search": "schema-provider",
        },
        headers=HTML,
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'name="schema-provider" value="{ID}organization/territoires-de-la-memoire"' in html
    found = client.get(
        "/contributions/candidates?kind=tool&field=schema-provider&q=memoire"
    ).get_json()
    assert f"{ID}organization/territoires-de-la-memoire" in [i["id"] for i in found["items"]]


def test_an_invalid_form_is_refused_with_each_message_next_to_its_field(
    client: FlaskClient,
) -> None:
    token = form_token(client)
    data = tool_form(token, "")
    del data["lc-availability"]
    data["schema-url"] = "javascript:alert(1)"
    response = client.post("/contributions", data=data, headers=HTML)
    assert response.status_code == 422
    errors = fields_with_errors(response.get_data(as_text=True))
    assert "manquant" in errors["rdfs-label"][0]  # the first language's label (publication shapes)
    assert "disponibilité" in errors["lc-availability"][0]  # sh:message of the profile
    assert "http" in errors["schema-url"][0]
    assert "javascript:alert(1)" in response.get_data(as_text=True)  # kept, to correct it
    assert not (
        Path(client.application.extensions["chava.contributions"].queue.folder) / "records"
    ).exists()


def test_a_valid_form_is_queued_and_its_author_follows_it(client: FlaskClient) -> None:
    token = form_token(client)
    response = client.post(
        "/contributions",
        data=tool_form(token, "Atelier d'écriture", **{"contributor-email": "ana@example.org"}),
        headers=HTML,
    )
    assert response.status_code == 303
    location = response.headers["Location"]
    page = client.get(location, headers=HTML)
    assert page.status_code == 200
    assert "Atelier d&#39;écriture" in page.get_data(as_text=True)
    assert "ana@example.org" not in page.get_data(as_text=True)  # the author's page never shows it
    assert client.get(location.split("?")[0], headers=HTML).status_code == 404  # no key: no page
    assert client.get(location.split("?")[0] + "?key=wrong", headers=HTML).status_code == 404


# --- machines ----------------------------------------------------------------------------


def test_an_invalid_turtle_proposal_gets_422_and_a_shacl_report(client: FlaskClient) -> None:
    body = b"""@prefix lc: <https://w3id.org/learning-city/def/core#> .
    @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
    [] a lc:PedagogicalTool ; rdfs:label "Outil"@fr ; lc:toolKnd <https://w3id.org/chava/id/concept/tool-kind/exposition> ."""
    response = client.post("/contributions", data=body, headers={"Content-Type": "text/turtle"})
    assert response.status_code == 422
    assert response.mimetype == "application/ld+json"
    report = response.get_json()
    assert report["@type"] == "sh:ValidationReport"
    assert report["sh:conforms"] is False
    paths = {r.get("sh:resultPath", {}).get("@id") for r in report["sh:result"]}
    assert "https://w3id.org/learning-city/def/core#availability" in paths
    messages = [m["@value"] for r in report["sh:result"] for m in r["sh:resultMessage"]]
    assert any("did you mean lc:toolKind" in m for m in messages)


def test_a_json_ld_proposal_in_the_api_context_is_queued(client: FlaskClient) -> None:
    document = {
        "@context": "http://localhost/context.jsonld",
        "type": "lc:PedagogicalTool",
        "label": {"fr": "Jeu coopératif"},
        "toolKind": f"{ID}concept/tool-kind/exposition",
        "availability": "https://w3id.org/learning-city/id/concept/availability/temporaire",
    }
    response = client.post(
        "/contributions", data=json.dumps(document), headers={"Content-Type": "application/ld+json"}
    )
    assert response.status_code == 202, response.data[:800]
    assert response.get_json()["status"] == PENDING


@pytest.mark.parametrize(
    ("turtle", "expected"),
    [
        (  # an IRI of its own: contributors mint no IRIs
            '<https://w3id.org/chava/id/tool/mine> a lc:PedagogicalTool ; rdfs:label "x"@fr .',
            "mint no IRIs",
        ),
        (  # an IRI in our namespace that does not exist
            '[] a lc:PedagogicalTool ; rdfs:label "x"@fr ; schema:provider <https://w3id.org/chava/id/organization/nobody> .',
            "not a published resource",
        ),
        (  # a javascript: link
            '[] a lc:PedagogicalTool ; rdfs:label "x"@fr ; schema:url <javascript:alert(1)> .',
            "Only http and https",
        ),
        (  # not one of the kinds
            '[] a <http://schema.org/Person> ; rdfs:label "x"@fr .',
            "one of these types",
        ),
    ],
)
def test_machine_proposals_cannot_mint_or_smuggle_iris(
    client: FlaskClient, turtle: str, expected: str
) -> None:
    body = (
        "@prefix lc: <https://w3id.org/learning-city/def/core#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix schema: <http://schema.org/> .\n" + turtle
    )
    response = client.post(
        "/contributions", data=body.encode(), headers={"Content-Type": "text/turtle"}
    )
    assert response.status_code == 422
    assert expected in response.get_data(as_text=True)


def test_bodies_are_capped_deep_nesting_and_other_types_refused(client: FlaskClient) -> None:
    huge = b"#" * (300 * 1024)
    assert (
        client.post(
            "/contributions", data=huge, headers={"Content-Type": "text/turtle"}
        ).status_code
        == 413
    )
    deep = (
        b"[] a <https://w3id.org/learning-city/def/core#PedagogicalTool> ; <http://schema.org/about> "
        + b"[ <http://schema.org/about> " * 500
        + b"]" * 500
        + b" ."
    )
    response = client.post("/contributions", data=deep, headers={"Content-Type": "text/turtle"})
    assert response.status_code == 400
    assert "nest" in response.get_data(as_text=True)
    many = (
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n[] a <https://w3id.org/learning-city/def/core#PedagogicalTool> ;"
        + " ;".join(f' rdfs:comment "c{n}"@fr' for n in range(600))
        + " ."
    )
    response = client.post(
        "/contributions", data=many.encode(), headers={"Content-Type": "text/turtle"}
    )
    assert response.status_code == 413
    response = client.post(
        "/contributions", data=b"<x/>", headers={"Content-Type": "application/xml"}
    )
    assert response.status_code == 415


# --- roles, CSRF, origins, sessions --------------------------------------------------------


def test_review_needs_a_steward_401_and_the_author_gets_403(client: FlaskClient) -> None:
    contribution, key = propose_turtle(client, "Outil à relire")
    assert client.get("/contributions", headers={"Accept": "application/json"}).status_code == 401
    assert client.post(f"/contributions/{contribution}/accept").status_code == 401
    assert (
        client.post(f"/contributions/{contribution}/reject", json={"reason": "no"}).status_code
        == 401
    )
    assert client.post(f"/contributions/{contribution}/accept?key={key}").status_code == 403
    assert (
        client.post(
            f"/contributions/{contribution}/accept", headers=basic(password="wrong password")
        ).status_code
        == 401
    )
    assert (
        client.get("/contributions", headers={"Accept": "application/json", **basic()}).status_code
        == 200
    )


def test_basic_credentials_only_over_loopback_or_https(client: FlaskClient) -> None:
    contribution, _key = propose_turtle(client, "Outil distant")
    remote = {"REMOTE_ADDR": "203.0.113.9"}
    response = client.post(
        f"/contributions/{contribution}/accept", headers=basic(), environ_base=remote
    )
    assert response.status_code == 403
    over_tls = {"REMOTE_ADDR": "203.0.113.9", "wsgi.url_scheme": "https"}
    response = client.post(
        f"/contributions/{contribution}/accept",
        headers=basic(),
        environ_base=over_tls,
        base_url="https://localhost",
    )
    assert response.status_code == 200, response.data[:300]


def test_a_form_without_its_csrf_token_is_refused(client: FlaskClient) -> None:
    form_token(client)  # the browser has its CSRF cookie, the attacker's form has no token
    data = tool_form("", "Outil")
    del data["csrf"]
    assert client.post("/contributions", data=data, headers=HTML).status_code == 403
    data["csrf"] = "0" * 64
    assert client.post("/contributions", data=data, headers=HTML).status_code == 403
    sign_in(client)
    contribution, _key = propose_turtle(client, "Outil signé")
    response = client.post(
        f"/contributions/{contribution}/accept", data={"version": "1"}, headers=HTML
    )
    assert response.status_code == 403  # signed in, but no token: refused


def test_another_site_is_refused_even_with_a_valid_token(client: FlaskClient) -> None:
    token = form_token(client)
    data = tool_form(token, "Outil")
    response = client.post(
        "/contributions", data=data, headers={**HTML, "Origin": "https://evil.example"}
    )
    assert response.status_code == 403
    response = client.post(
        "/contributions", data=data, headers={**HTML, "Sec-Fetch-Site": "cross-site"}
    )
    assert response.status_code == 403
    response = client.post(
        "/contributions", data=data, headers={**HTML, "Origin": "http://localhost"}
    )
    assert response.status_code == 303


def test_a_session_cookie_set_before_sign_in_is_never_the_session(client: FlaskClient) -> None:
    client.set_cookie("chava_session", "attacker-chosen-token")
    sign_in(client)
    cookie = client.get_cookie("chava_session")
    assert cookie is not None
    assert cookie.value != "attacker-chosen-token"
    assert cookie.http_only
    assert cookie.same_site == "Lax"
    other = client.application.test_client()
    other.set_cookie("chava_session", "attacker-chosen-token")
    assert other.get("/contributions", headers={"Accept": "application/json"}).status_code == 401
    assert client.get("/contributions", headers={"Accept": "application/json"}).status_code == 200
    token = csrf_of(client.get("/contributions", headers=HTML).get_data(as_text=True))
    assert client.post("/steward/logout", data={"csrf": token}).status_code == 303
    assert client.get("/contributions", headers={"Accept": "application/json"}).status_code == 401


def test_password_guessing_is_limited(client: FlaskClient) -> None:
    token = form_token(client, "/steward/login")
    for _attempt in range(5):
        response = client.post(
            "/steward/login", data={"csrf": token, "name": "alice", "password": "guess-guess"}
        )
        assert response.status_code == 401
    response = client.post(
        "/steward/login", data={"csrf": token, "name": "alice", "password": PASSWORD}
    )
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0


def test_proposals_are_limited_per_client_and_the_queue_is_capped(tmp_path: Path) -> None:
    limited = copy_publication(
        tmp_path / "limited", contribution_rate_limit=2, contributions_max_pending=3
    )
    client = app_of(limited).test_client()
    propose_turtle(client, "Un")
    propose_turtle(client, "Deux")
    body = TOOL_TURTLE.format(label="Trois").encode()
    response = client.post("/contributions", data=body, headers={"Content-Type": "text/turtle"})
    assert response.status_code == 429
    other = {"REMOTE_ADDR": "127.0.0.2"}
    response = client.post(
        "/contributions", data=body, headers={"Content-Type": "text/turtle"}, environ_base=other
    )
    assert response.status_code == 202
    response = client.post(
        "/contributions",
        data=body,
        headers={"Content-Type": "text/turtle"},
        environ_base={"REMOTE_ADDR": "127.0.0.3"},
    )
    assert response.status_code == 503


def test_html_in_a_label_is_shown_as_text(client: FlaskClient) -> None:
    contribution, key = propose_turtle(client, "<script>alert(1)</script> outil")
    html = client.get(f"/contributions/{contribution}?key={key}", headers=HTML).get_data(
        as_text=True
    )
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; outil" in html


# --- review, publication, edits --------------------------------------------------------------


def test_a_steward_rejects_with_a_reason_and_the_author_corrects(client: FlaskClient) -> None:
    contribution, key = propose_turtle(client, "Brouillon")
    response = client.post(
        f"/contributions/{contribution}/reject",
        json={"reason": "Précisez le lieu."},
        headers=basic(),
    )
    assert response.status_code == 200
    assert response.get_json()["status"] == "rejected"
    html = client.get(f"/contributions/{contribution}?key={key}", headers=HTML).get_data(
        as_text=True
    )
    assert "Précisez le lieu." in html
    token = form_token(client, f"/contributions/{contribution}/revise?key={key}")
    response = client.post(
        f"/contributions/{contribution}/revise?key={key}",
        data=tool_form(token, "Brouillon corrigé"),
        headers=HTML,
    )
    assert response.status_code == 303
    record = client.get(
        f"/contributions/{contribution}", headers={"Accept": "application/json", **basic()}
    ).get_json()
    assert record["status"] == PENDING
    assert record["version"] == 2
    first = client.get(f"/contributions/{contribution}/versions/1", headers=basic()).get_data(
        as_text=True
    )
    assert '"Brouillon"@fr' in first  # the superseded version is still there


def test_two_stewards_accepting_at_once_give_one_result(
    client: FlaskClient, publication: Publication
) -> None:
    contribution, _key = propose_turtle(client, "Outil disputé")
    app = client.application
    statuses: list[int] = []

    def accept(name: str, password: str) -> None:
        response = app.test_client().post(
            f"/contributions/{contribution}/accept", headers=basic(name, password)
        )
        statuses.append(response.status_code)

    threads = [
        threading.Thread(target=accept, args=("alice", PASSWORD)),
        threading.Thread(target=accept, args=(OTHER_STEWARD, PASSWORD + "!")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses) == [200, 409]
    files = list((publication.root / "data" / "contributed").rglob("*.trig"))
    assert len(files) == 1
    record = client.get(
        f"/contributions/{contribution}", headers={"Accept": "application/json", **basic()}
    ).get_json()
    assert record["status"] == ACCEPTED
    log = (publication.settings.contributions_path / "log.jsonl").read_text().splitlines()
    assert [json.loads(line)["event"] for line in log].count("accepted") == 1


def test_edits_need_if_match_428_and_a_stale_one_gets_412(client: FlaskClient) -> None:
    contribution, _key = propose_turtle(client, "Outil modifiable")
    accepted = client.post(f"/contributions/{contribution}/accept", headers=basic()).get_json()
    path = "/edit" + accepted["resource"].removeprefix("https://w3id.org/chava")
    read = client.get(path, headers={"Accept": "text/turtle", **basic()})
    assert read.status_code == 200
    etag = read.headers["ETag"]
    turtle = read.get_data(as_text=True).replace("Outil modifiable", "Outil modifié")
    headers = {"Content-Type": "text/turtle", **basic()}
    assert client.put(path, data=turtle, headers=headers).status_code == 428
    first = client.put(path, data=turtle, headers={**headers, "If-Match": etag})
    assert first.status_code == 200, first.data[:500]
    stale = client.put(
        path, data=turtle.replace("modifié", "remodifié"), headers={**headers, "If-Match": etag}
    )
    assert stale.status_code == 412
    assert (
        client.put(
            path,
            data=turtle,
            headers={"Content-Type": "text/turtle", "If-Match": first.headers["ETag"]},
        ).status_code
        == 401
    )
    assert client.delete(path, headers={**basic(), "If-Match": etag}).status_code == 412
    assert (
        client.delete(path, headers={**basic(), "If-Match": first.headers["ETag"]}).status_code
        == 200
    )
    # A hand-written resource is not edited through the web.
    response = client.put(
        "/edit/id/tool/aide-memoire", data=turtle, headers={**headers, "If-Match": '"x"'}
    )
    assert response.status_code == 409


def test_a_build_not_yet_served_is_switching_not_done(
    client: FlaskClient, publication: Publication, monkeypatch: pytest.MonkeyPatch
) -> None:
    # CI once clicked "see the published resource" while the server still served the build
    # before the change (it follows `current` within a second or two) and met a 404.
    import chava.web.contributions as web_contributions
    from chava.contributions.rebuild import STATUS, request_rebuild

    monkeypatch.setattr(
        web_contributions,
        "request_rebuild",
        lambda settings, change: request_rebuild(settings, change, start=False),
    )
    contribution, _key = propose_turtle(client, "Outil en route")
    accepted = client.post(f"/contributions/{contribution}/accept", headers=basic()).get_json()
    status_file = publication.settings.contributions_path / STATUS
    served = publication.settings.build_path / "current" / "manifest.json"
    served_id = json.loads(served.read_text())["build_id"]

    def progress(**built: object) -> tuple[dict[str, str], str]:
        status = json.loads(status_file.read_text())
        status.update(built, built=accepted["change"])
        status_file.write_text(json.dumps(status))
        record = client.get(
            f"/contributions/{contribution}", headers={"Accept": "application/json", **basic()}
        ).get_json()
        page = client.get(f"/contributions/{contribution}?lang=en", headers={**HTML, **basic()})
        return record["publication"], page.get_data(as_text=True)

    later = time.time() + 60  # built after the served build was made
    state, page = progress(build_id="next-build", finished=later)
    assert state == {"state": "switching", "build": "next-build"}
    assert "starts serving it in a moment" in page
    assert '<meta http-equiv="refresh"' in page  # the page looks again by itself
    state, page = progress(build_id=served_id, finished=later)
    assert state == {"state": "done", "build": served_id}
    assert "Published in version" in page
    assert '<meta http-equiv="refresh"' not in page
    # A later build than the one holding the change (a steward's `chava build`) holds it too.
    state, _page = progress(build_id="older-build", finished=time.time() - 3600)
    assert state["state"] == "done"


def test_the_home_page_advertises_the_change_feed(client: FlaskClient) -> None:
    response = client.get("/", headers=HTML)
    assert '</changes>; rel="alternate"; type="application/activity+json"' in response.headers[
        "Link"
    ].replace("http://localhost", "")
    feed = client.get("/changes")
    assert feed.status_code == 200
    assert feed.get_json()["type"] == "OrderedCollection"
    assert "public" in feed.headers["Cache-Control"]
    assert feed.headers["ETag"]
    assert (
        client.get("/changes", headers={"If-None-Match": feed.headers["ETag"]}).status_code == 304
    )
    assert client.get("/changes/2").status_code == 404


def test_the_dataset_description_lists_the_change_feed(client: FlaskClient) -> None:
    turtle = client.get("/.well-known/void", headers={"Accept": "application/n-triples"}).get_data(
        as_text=True
    )
    feed = "<https://w3id.org/chava/id/dataset/chava/distribution/changes>"
    assert (
        f"{feed} <http://www.w3.org/ns/dcat#accessURL> <https://w3id.org/chava/changes>" in turtle
    )
    assert (
        f"{feed} <http://purl.org/dc/terms/conformsTo> <https://www.w3.org/TR/activitystreams-core/>"
        in turtle
    )


def test_a_proposal_loaded_by_mistake_is_still_withheld(tmp_path: Path) -> None:
    """The second layer alone: a version file copied into data/ is built, and withheld from
    every published read (chava.stores.published_graphs), as quarantined harvests are."""
    publication = copy_publication(tmp_path / "city")
    client = app_of(publication).test_client()
    contribution, _key = propose_turtle(client, "Fuite 9c1e")
    version = publication.settings.contributions_path / "proposals" / contribution / "v1.trig"
    (publication.root / "data" / "leaked.trig").write_bytes(version.read_bytes())
    from chava.building.build import build_publication

    build = build_publication(publication.settings, validate=False)
    assert (
        f"https://w3id.org/chava/graph/review/{contribution}" in build.manifest["withheld_graphs"]
    )
    client = app_of(publication).test_client()
    assert "Fuite 9c1e" not in client.get("/api/search?q=fuite").get_data(as_text=True)
    assert client.get(f"/id/contribution/{contribution}/proposed").status_code == 404
    dump = client.get("/dumps/chava.ttl")
    assert "Fuite 9c1e" not in b"".join(dump.response).decode()  # type: ignore[arg-type]


def test_the_privacy_page_says_what_is_kept(client: FlaskClient) -> None:
    html = client.get("/privacy?lang=en", headers=HTML).get_data(as_text=True)
    assert "never publishes" in html
    assert "Argon2id" in html


def test_signing_in_never_sends_the_browser_to_another_site(app: Flask) -> None:
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        client = app.test_client()  # signed out: each sign-in starts from the form
        token = form_token(client, "/steward/login")
        response = client.post(
            "/steward/login",
            data={"csrf": token, "name": "alice", "password": PASSWORD, "next": target},
        )
        assert response.status_code == 303
        assert response.headers["Location"] == "/contributions"


def test_a_closed_publication_takes_no_proposal_but_stewards_still_review(tmp_path: Path) -> None:
    closed = copy_publication(tmp_path / "closed", contributions_open=False)
    client = app_of(closed).test_client()
    assert client.get("/contributions/new/tool", headers=HTML).status_code == 403
    body = TOOL_TURTLE.format(label="Fermé").encode()
    assert (
        client.post(
            "/contributions", data=body, headers={"Content-Type": "text/turtle"}
        ).status_code
        == 403
    )
    assert 'href="/contributions/new' not in client.get("/", headers=HTML).get_data(as_text=True)
    assert (
        client.get("/contributions", headers={"Accept": "application/json", **basic()}).status_code
        == 200
    )
