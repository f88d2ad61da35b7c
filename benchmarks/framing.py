"""Our JSON-LD framing engine against pyld framing the same documents with the same frames.

    python benchmarks/framing.py                      (the bundled publication)
    python benchmarks/framing.py --data data.nq.gz    (any N-Quads file, e.g. `chava generate`)

For each published frame, up to --samples resources are framed one by one (ours: the median
of 3 runs, each with a fresh Framer, so nothing is cached; pyld: `jsonld.frame` on the
expanded document of exactly the triples our engine read, with `@id` set to the resource),
then one listing of up to --listing resources. Each output is checked: both expand to the
same triples. Prints the median milliseconds of each and their ratio.
"""

from __future__ import annotations

import argparse
import copy
import gzip
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

import pyoxigraph as ox
from pyld import jsonld

from chava.jsonld.context import load_context, local_document_loader
from chava.jsonld.frame import Frame, Framer, load_frames
from chava.loading.sources import load_publication

ROOT = Path(__file__).resolve().parent.parent
CONTEXT_URL = "http://127.0.0.1/context/v1.jsonld"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the comparison and print one row per frame."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--data", type=Path, help="N-Quads (.nq or .nq.gz); default: bundled")
    parser.add_argument("--samples", type=int, default=20, help="resources framed per frame")
    parser.add_argument("--listing", type=int, default=100, help="resources in the listing")
    options = parser.parse_args(argv)
    store = _load(options.data)
    loader = local_document_loader()
    context = load_context().document["@context"]
    rows = []
    for name, frame in load_frames().items():
        subjects = [
            s for s in Framer(store).subjects_of_types(frame.types) if isinstance(s, ox.NamedNode)
        ]
        if not subjects:
            continue
        ours_ms, pyld_ms = [], []
        for subject in subjects[: options.samples]:
            ours, theirs = _compare(store, frame, [subject], context, loader)
            ours_ms.append(ours)
            pyld_ms.append(theirs)
        listing = subjects[: options.listing]
        timings = [_compare(store, frame, listing, context, loader) for _ in range(3)]
        list_ours = statistics.median(ours for ours, _pyld in timings)
        list_pyld = statistics.median(pyld for _ours, pyld in timings)
        rows.append((name, len(ours_ms), ours_ms, pyld_ms, len(listing), list_ours, list_pyld))
    _print(rows)
    return 0


def _compare(
    store: ox.Store,
    frame: Frame,
    subjects: list[ox.NamedNode],
    context: dict[str, Any],
    loader: Callable[..., Any],
) -> tuple[float, float]:
    timings = []
    for _repeat in range(3):  # a fresh Framer each time: nothing cached between runs
        started = time.perf_counter()
        framer = Framer(store)
        nodes = [framer.frame_node(subject, frame) for subject in subjects]
        timings.append((time.perf_counter() - started) * 1000)
    ours_ms = statistics.median(timings)
    ours = {"@context": CONTEXT_URL, "@graph": nodes}
    expanded = jsonld.from_rdf(_pyld_dataset(framer.read_triples()), {})
    pyld_frame = copy.deepcopy(dict(frame.document))
    pyld_frame["@context"] = context
    if len(subjects) == 1:
        pyld_frame["@id"] = subjects[0].value
    started = time.perf_counter()
    theirs = jsonld.frame(expanded, pyld_frame, {"documentLoader": loader})
    pyld_ms = (time.perf_counter() - started) * 1000
    if len(subjects) > 1:  # pyld frames every node of the type in the document: keep ours
        wanted = {subject.value for subject in subjects}
        theirs["@graph"] = [n for n in theirs.get("@graph", []) if _full(n["id"]) in wanted]
    if _triples(ours, loader) != _triples(theirs, loader):
        raise SystemExit(f"frame {frame.name}: outputs differ for {subjects[0].value}")
    return ours_ms, pyld_ms


def _pyld_dataset(triples: Any) -> dict[str, list[dict[str, Any]]]:
    """*triples* as the RDF dataset pyld's `from_rdf` takes, each triple once: what pyld's own
    N-Quads parser gives, without its check of each triple against every one before it (the
    parse was quadratic: 83% of this script's time at a million statements, over the 180 s the
    benchmark allows). Not timed: pyld's figure is `jsonld.frame` alone."""
    seen: set[tuple[str, str, str]] = set()
    graph = []
    for triple in triples:
        key = (str(triple.subject), str(triple.predicate), str(triple.object))
        if key in seen:
            continue
        seen.add(key)
        graph.append(
            {
                "subject": _pyld_term(triple.subject),
                "predicate": _pyld_term(triple.predicate),
                "object": _pyld_term(triple.object),
            }
        )
    return {"@default": graph}


def _pyld_term(term: Any) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "IRI", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "blank node", "value": "_:" + term.value}
    literal = {"type": "literal", "value": term.value, "datatype": term.datatype.value}
    if term.language:
        literal["language"] = term.language
    return literal


def _full(identifier: str) -> str:
    return load_context().expand_iri(identifier)


def _triples(document: Any, loader: Callable[..., Any]) -> set[str]:
    nquads = jsonld.to_rdf(document, {"format": "application/n-quads", "documentLoader": loader})
    dataset = ox.Dataset(ox.parse(nquads, format=ox.RdfFormat.N_QUADS))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return {str(quad) for quad in dataset}


def _load(path: Path | None) -> ox.Store:
    store = ox.Store()
    if path is None:
        store.bulk_extend(load_publication(ROOT).quads)
    elif path.suffix == ".gz":
        with gzip.open(path, "rb") as stream:
            store.bulk_load(stream.read(), format=ox.RdfFormat.N_QUADS)
    else:
        store.bulk_load(path=path, format=ox.RdfFormat.N_QUADS)
    return store


def _print(rows: list[tuple[Any, ...]]) -> None:
    header = "frame        n  ours ms  pyld ms   ratio | listing n  ours ms  pyld ms  ratio"
    sys.stdout.write(header + "\n" + "-" * len(header) + "\n")
    ratios = []
    for name, count, ours, pyld, listing, list_ours, list_pyld in rows:
        median_ours, median_pyld = statistics.median(ours), statistics.median(pyld)
        ratios.append(median_pyld / median_ours)
        sys.stdout.write(
            f"{name:<10} {count:>3} {median_ours:>8.2f} {median_pyld:>8.1f} {ratios[-1]:>6.0f}x | "
            f"{listing:>9} {list_ours:>8.1f} {list_pyld:>8.1f} {list_pyld / list_ours:>5.0f}x\n"
        )
    if ratios:
        sys.stdout.write(f"median ratio (single resources): {statistics.median(ratios):.0f}x; ")
        sys.stdout.write("every output expands to the same triples as pyld's\n")


if __name__ == "__main__":
    raise SystemExit(main())
