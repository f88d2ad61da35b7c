"""The SPARQL 1.1 Service Description of the endpoint, with its dataset and VoID statistics."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

import pyoxigraph as ox

from chava import namespaces as ns
from chava.config import Settings
from chava.formats import RDF_FORMATS, TABLE_FORMATS, W3C_FORMATS, Format
from chava.publication_iris import publication_iris
from chava.stores.store import PublishedStore

_TYPE = ox.NamedNode(ns.RDF + "type")


def graph_sizes(store: PublishedStore) -> dict[str, int]:
    """Triples per named graph: from the build manifest, or counted in the store."""
    recorded = store.build.manifest.get("graphs")
    if isinstance(recorded, Mapping) and recorded:
        return {str(name): int(count) for name, count in recorded.items() if name}
    counted: dict[str, int] = {}
    answer = store.query(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
    )
    assert isinstance(answer, ox.QuerySolutions)
    for solution in answer:
        graph, count = solution["g"], solution["n"]
        if isinstance(graph, ox.NamedNode) and isinstance(count, ox.Literal):
            counted[graph.value] = int(count.value)
    return counted


def describe_service(
    endpoint: str, settings: Settings, sizes: Mapping[str, int], withheld: Sequence[str] = ()
) -> list[ox.Triple]:
    """Return the triples of the service description of the endpoint at *endpoint*."""
    return list(_triples(endpoint, settings, sizes, withheld))


def serialize_description(
    triples: Sequence[ox.Triple], chosen: Format, settings: Settings
) -> bytes:
    """Write the description in *chosen* (an RDF format)."""
    assert chosen.rdf_format is not None
    prefixes = {**_PREFIXES, "graph": publication_iris(settings).graph_base}
    return ox.serialize(triples, format=chosen.rdf_format, prefixes=prefixes) or b""


_PREFIXES = {
    "sd": ns.SD,
    "void": ns.VOID,
    "formats": W3C_FORMATS,
    "dcterms": ns.DCTERMS,
    "rdfs": ns.RDFS,
}


def _triples(
    endpoint: str, settings: Settings, sizes: Mapping[str, int], withheld: Sequence[str]
) -> Iterator[ox.Triple]:
    def iri(value: str) -> ox.NamedNode:
        return ox.NamedNode(value)

    sd = ns.SD
    service = iri(endpoint)
    yield ox.Triple(service, _TYPE, iri(sd + "Service"))
    yield ox.Triple(service, iri(sd + "endpoint"), service)
    yield ox.Triple(service, iri(sd + "supportedLanguage"), iri(sd + "SPARQL11Query"))
    for fmt in dict.fromkeys((*TABLE_FORMATS, *RDF_FORMATS)):
        if fmt.w3c_iri is not None:
            yield ox.Triple(service, iri(sd + "resultFormat"), iri(fmt.w3c_iri))
    yield ox.Triple(
        service, iri(sd + "defaultEntailmentRegime"), iri("http://www.w3.org/ns/entailment/Simple")
    )
    if settings.sparql_service_allowlist:
        yield ox.Triple(service, iri(sd + "feature"), iri(sd + "BasicFederatedQuery"))
    if not settings.sparql_default_graphs and not withheld:
        yield ox.Triple(service, iri(sd + "feature"), iri(sd + "UnionDefaultGraph"))
    yield ox.Triple(
        service,
        iri(ns.RDFS + "comment"),
        ox.Literal(
            f"Read-only. Limits: {settings.sparql_timeout:g} s per query, "
            f"{settings.sparql_max_results} results per response, "
            f"{settings.sparql_max_query_bytes} bytes per query, "
            f"{settings.sparql_client_concurrency} concurrent queries per client.",
            language="en",
        ),
    )
    dataset = ox.BlankNode("dataset")
    yield ox.Triple(service, iri(sd + "defaultDataset"), dataset)
    yield ox.Triple(dataset, _TYPE, iri(sd + "Dataset"))
    yield ox.Triple(dataset, iri(ns.DCTERMS + "source"), iri(publication_iris(settings).dataset))
    # Withheld graphs (quarantined harvests) are named graphs, never in the default graph.
    default_members = settings.sparql_default_graphs or tuple(
        name for name in sizes if name not in withheld
    )
    default_graph = ox.BlankNode("default")
    yield ox.Triple(dataset, iri(sd + "defaultGraph"), default_graph)
    yield ox.Triple(default_graph, _TYPE, iri(sd + "Graph"))
    yield ox.Triple(
        default_graph,
        iri(ns.RDFS + "comment"),
        ox.Literal(
            "The union of: " + ", ".join(sorted(default_members)),
            language="en",
        ),
    )
    for member in sorted(default_members):
        yield ox.Triple(default_graph, iri(ns.VOID + "subset"), iri(member))
    for position, (name, count) in enumerate(sorted(sizes.items())):
        named = ox.BlankNode(f"named{position}")
        graph = iri(name)
        yield ox.Triple(dataset, iri(sd + "namedGraph"), named)
        yield ox.Triple(named, _TYPE, iri(sd + "NamedGraph"))
        yield ox.Triple(named, iri(sd + "name"), graph)
        yield ox.Triple(named, iri(sd + "graph"), graph)
        yield ox.Triple(graph, _TYPE, iri(sd + "Graph"))
        yield ox.Triple(graph, _TYPE, iri(ns.VOID + "Dataset"))
        yield ox.Triple(graph, iri(ns.VOID + "triples"), ox.Literal(str(count), datatype=_INTEGER))
        yield ox.Triple(graph, iri(ns.VOID + "sparqlEndpoint"), service)


_INTEGER = ox.NamedNode(ns.XSD + "integer")
