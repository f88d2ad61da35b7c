"""Serve an N-Quads file with rdflib-endpoint under uvicorn, as its users would (benchmark peer).

The file is parsed into an in-memory rdflib Dataset whose default graph is the union of the
named graphs (as in chava and `oxigraph serve-read-only --union-default-graph`), then
rdflib-endpoint's ASGI app answers SPARQL at /sparql.
"""

from __future__ import annotations

import argparse
import logging
import time
from pathlib import Path

import uvicorn
from rdflib import Dataset
from rdflib_endpoint import SparqlEndpoint

logger = logging.getLogger("rdflib_server")


def main() -> None:
    """Parse the arguments, load the data, serve until stopped."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, required=True, help="N-Quads file to serve")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    arguments = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    started = time.perf_counter()
    dataset = Dataset(default_union=True)
    dataset.parse(str(arguments.data), format="nquads")
    logger.info("loaded %s in %.1f s", arguments.data, time.perf_counter() - started)
    app = SparqlEndpoint(graph=dataset, path="/sparql", cors_enabled=True)
    uvicorn.run(app, host=arguments.host, port=arguments.port, log_level="warning")


if __name__ == "__main__":
    main()
