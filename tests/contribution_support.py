"""A writable copy of the bundled publication, built, with a steward: for contribution tests."""

from __future__ import annotations

import base64
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from chava.building.build import build_publication
from chava.config import Settings
from chava.contributions.accounts import Stewards
from tests.conftest import PROJECT_ROOT

STEWARD = "alice"
PASSWORD = "correct horse battery staple"
OTHER_STEWARD = "bruno"
AVAILABLE = "https://w3id.org/learning-city/id/concept/availability/perenne"
KIND_EXHIBITION = "https://w3id.org/chava/id/concept/tool-kind/exposition"
PROVIDER = "https://w3id.org/chava/id/organization/territoires-de-la-memoire"
HTML = {"Accept": "text/html"}
TOOL_TURTLE = """@prefix lc: <https://w3id.org/learning-city/def/core#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <http://schema.org/> .
[] a lc:PedagogicalTool ;
   rdfs:label "{label}"@fr , "{label} (en)"@en ;
   lc:toolKind <https://w3id.org/chava/id/concept/tool-kind/exposition> ;
   lc:availability <https://w3id.org/learning-city/id/concept/availability/perenne> ;
   schema:provider <https://w3id.org/chava/id/organization/territoires-de-la-memoire> .
"""


@dataclass
class Publication:
    """A built copy of the bundled publication and its settings."""

    root: Path
    settings: Settings


def copy_publication(target: Path, **overrides: Any) -> Publication:
    """Copy ontology/, data/ and shapes/ of the project into *target*, build it, add stewards."""
    for folder in ("ontology", "data", "shapes"):
        shutil.copytree(PROJECT_ROOT / folder, target / folder)
    shutil.rmtree(target / "data" / "harvest", ignore_errors=True)
    settings = Settings.load(
        root=target,
        environ={},
        overrides={
            "sparql_rate_limit": 0,
            "sparql_client_budget": 0,
            "sparql_worker_isolation": "warn",
            **overrides,
        },
    )
    build_publication(settings, validate=False)
    stewards = Stewards(settings.contributions_path)
    stewards.add(STEWARD, PASSWORD)
    stewards.add(OTHER_STEWARD, PASSWORD + "!")
    return Publication(target, settings)


def basic(name: str = STEWARD, password: str = PASSWORD) -> dict[str, str]:
    """HTTP basic credentials."""
    token = base64.b64encode(f"{name}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def csrf_of(html: str) -> str:
    """The CSRF token in a page's forms."""
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None, "no CSRF token in the page"
    return found.group(1)


def form_token(client: FlaskClient, path: str = "/contributions/new/tool") -> str:
    """Open a form page (which sets the CSRF cookie) and return its token."""
    response = client.get(path, headers=HTML)
    assert response.status_code == 200, response.data[:300]
    return csrf_of(response.get_data(as_text=True))


def sign_in(client: FlaskClient, name: str = STEWARD, password: str = PASSWORD) -> None:
    """Sign in through the form."""
    token = form_token(client, "/steward/login")
    response = client.post(
        "/steward/login",
        data={"csrf": token, "name": name, "password": password},
        headers=HTML,
    )
    assert response.status_code == 303, response.data[:300]


def tool_form(token: str, label: str, **extra: str) -> dict[str, str]:
    """A valid tool proposal, as the form sends it."""
    return {
        "csrf": token,
        "kind": "tool",
        "rdfs-label@fr": label,
        "lc-availability": AVAILABLE,
        "lc-toolKind": KIND_EXHIBITION,
        "schema-provider": PROVIDER,
        **extra,
    }


def fields_with_errors(html: str) -> dict[str, list[str]]:
    """Each field's messages in a form page: {field key: [message, ...]}."""
    return {
        key: re.findall(r"<li>(.*?)</li>", block, flags=re.DOTALL)
        for key, block in re.findall(
            r'<ul class="field-errors" id="field-([^"]+)-errors">(.*?)</ul>', html, flags=re.DOTALL
        )
    }


def app_of(publication: Publication) -> Flask:
    """The app over the publication's current build (through the tests' store seam)."""
    from tests.app_support import new_app

    return new_app(publication.settings)
