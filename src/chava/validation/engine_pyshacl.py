"""The reference SHACL engine: pyshacl, on the validation input's statements, offline.

pyshacl evaluates all of SHACL Core and SHACL-SPARQL. It is the engine behind
`--engine pyshacl`, and the one the other engines hand the shapes they cannot evaluate to.
The RDFS entailments come from the validation store (pyshacl's own inference is off: 20 times
slower); the ontology's RDFS/OWL axioms are mixed in by pyshacl itself. Ill-typed literals
rdflib does not check (`chava.validation.literal_check.OXIGRAPH_CASTS`) are given in disguise, so
that sh:datatype reports them as the other engines do.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import pyoxigraph as ox
from rdflib import Graph

from chava.errors import ShaclEngineError
from chava.loading.rdflib_bridge import to_rdflib_graph
from chava.validation.literal_check import OXIGRAPH_CASTS, disguise, disguised, reveal
from chava.validation.shacl_shapes import SH
from chava.validation.validation_input import EngineInput

logger = logging.getLogger(__name__)


def pyshacl_report(given: EngineInput, shapes: Sequence[ox.Quad]) -> Graph:
    """Validate the input's data against *shapes* with pyshacl; return its report graph.

    Raises ShaclEngineError when pyshacl refuses the shapes or fails.
    """
    import pyshacl  # imported here: a second to import, and not needed by the default engine
    from pyshacl.errors import ReportableRuntimeError

    datatypes = {
        q.object.value
        for q in shapes
        if q.predicate.value == SH + "datatype"
        and isinstance(q.object, ox.NamedNode)
        and q.object.value in OXIGRAPH_CASTS
    }
    disguises = disguise(
        literal for literals in given.ill_typed(datatypes).values() for literal in literals
    )
    data_graph = to_rdflib_graph(disguised(given.data, disguises))
    try:
        with _silent_pyshacl():
            _conforms, report_graph, report_text = pyshacl.validate(
                data_graph,
                shacl_graph=to_rdflib_graph(shapes),
                ont_graph=to_rdflib_graph(given.ontology),
                inference=None,  # the entailments are in the data already
                inplace=True,  # data_graph is our own throw-away copy
                allow_warnings=True,
                allow_infos=True,
                do_owl_imports=False,  # never fetch anything
            )
    except ReportableRuntimeError as error:  # bad shapes: ShapeLoadError, ConstraintLoadError
        raise ShaclEngineError(f"SHACL engine failed: {_one_line(error.message)}") from error
    # On some failures pyshacl returns the exception in place of the report graph.
    if not isinstance(report_graph, Graph):
        raise ShaclEngineError(f"SHACL engine failed: {_one_line(str(report_text))}")
    reveal(report_graph, disguises)
    logger.info("pyshacl validated %d data triples", len(data_graph))
    return report_graph


@contextmanager
def _silent_pyshacl() -> Iterator[None]:
    """pyshacl.validate() logs its failures to stderr itself; we raise them as one line."""
    pyshacl_logger = logging.getLogger("pyshacl-validate")
    was_disabled = pyshacl_logger.disabled
    pyshacl_logger.disabled = True
    try:
        yield
    finally:
        pyshacl_logger.disabled = was_disabled


def _one_line(text: str) -> str:
    return " ".join(text.split())
