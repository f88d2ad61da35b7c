"""Render one representation of an IRI: a resource description, a whole document, or a redirect."""

from __future__ import annotations

import dataclasses
import weakref
from dataclasses import dataclass
from typing import Literal

import pyoxigraph as ox
from flask import request

from chava import formats, namespaces
from chava.building.dataset_description import dataset_iri, metadata_graph_iri
from chava.config import Settings
from chava.describe import ResourceDescription, describe_resource
from chava.errors import ResourceNotFoundError
from chava.formats import Format
from chava.iri_mapping import local_path
from chava.publication_iris import publication_iris
from chava.render import serialize_quads
from chava.stores.store import PublishedStore
from chava.web import response_rules as rules

OWL_VERSION_IRI = ox.NamedNode(namespaces.OWL + "versionIRI")


@dataclass(frozen=True)
class Representation:
    """A rendered response body with its status and the headers that depend on the content."""

    status: int
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()


def render_representation(
    settings: Settings,
    store: PublishedStore,
    iri: str,
    path: str,
    fmt: Format,
    *,
    lang: str,
    page: int,
) -> Representation:
    """Render *iri* in *fmt*; raise ResourceNotFoundError / GoneError like describe_resource."""
    document = _document_kind(settings, store, iri)
    if document is not None:
        return _render_document(settings, store, document, iri, path, fmt, lang=lang)
    description = describe_resource(
        store, iri, incoming_page=page, incoming_limit=settings.incoming_limit
    )
    if page > 1 and not description.incoming:
        raise ResourceNotFoundError(f"<{iri}> has no page {page} of incoming links")
    successor = description.successor()
    if successor is not None:
        location = local_path(settings, successor) or successor
        return Representation(301, b"", (("Location", location),))
    if iri == dataset_iri(settings):
        metadata = tuple(store.quads(None, None, None, ox.NamedNode(metadata_graph_iri(settings))))
        description = dataclasses.replace(description, context=description.context + metadata)
    headers = _pagination_links(path, fmt, description)
    if fmt.page:
        from chava.web.pages import resource_html

        html = resource_html(description, lang=lang, alternates=_alternates(path))
        return Representation(200, html.encode("utf-8"), headers)
    body = serialize_quads(description.quads(), fmt, root=iri, base_url=request.host_url)
    return Representation(200, body, headers)


def _document_kind(
    settings: Settings, store: PublishedStore, iri: str
) -> Literal["ontology", "shapes"] | None:
    ontology = settings.vocabulary_base_iri + "def/core"
    if iri == settings.vocabulary_base_iri + "def/shapes":
        return "shapes"
    if iri == ontology:
        return "ontology"
    if iri in _ontology_versions(store, ontology):
        return "ontology"
    return None


_VERSIONS: weakref.WeakKeyDictionary[PublishedStore, frozenset[str]] = weakref.WeakKeyDictionary()


def _ontology_versions(store: PublishedStore, ontology: str) -> frozenset[str]:
    """The owl:versionIRI values of the ontology, read once per build (not per request)."""
    versions = _VERSIONS.get(store)
    if versions is None:
        found = store.quads(ox.NamedNode(ontology), OWL_VERSION_IRI, None, None)
        versions = frozenset(
            quad.object.value for quad in found if isinstance(quad.object, ox.NamedNode)
        )
        _VERSIONS[store] = versions
    return versions


def _render_document(
    settings: Settings,
    store: PublishedStore,
    kind: Literal["ontology", "shapes"],
    iri: str,
    path: str,
    fmt: Format,
    *,
    lang: str,
) -> Representation:
    iris = publication_iris(settings)
    graph = iris.ontology if kind == "ontology" else iris.shapes
    quads = list(store.quads(None, None, None, ox.NamedNode(graph)))
    if not quads:
        raise ResourceNotFoundError(f"the {kind} is not published in this build")
    if fmt.page:
        from chava.web.pages import document_html

        return Representation(200, document_html(kind, store, lang=lang).encode("utf-8"))
    return Representation(200, serialize_quads(quads, fmt, root=iri, base_url=request.host_url))


def _pagination_links(
    path: str, fmt: Format, description: ResourceDescription
) -> tuple[tuple[str, str], ...]:
    url = f"{path}.{fmt.extension}"
    links = []
    if description.incoming_next_page is not None:
        links.append(rules.Link(f"{url}?page={description.incoming_next_page}", "next"))
    if description.incoming_page > 1:
        links.append(rules.Link(f"{url}?page={description.incoming_page - 1}", "prev"))
    header = rules.link_header(links)
    return (header,) if header else ()


def _alternates(path: str) -> list[tuple[str, str, str]]:
    return [
        (fmt.label, fmt.media_type, f"{path}.{fmt.extension}")
        for fmt in formats.RESOURCE_FORMATS
        if not fmt.page
    ]
