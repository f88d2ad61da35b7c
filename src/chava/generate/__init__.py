"""A deterministic synthetic GNLC-scale graph of learning cities, for benchmarks and tests.

Each city comes from its own random stream (seed and city number), so a small dataset is a
prefix of a larger one and the same arguments give the same bytes. The graph uses the
project's own vocabulary and the shared UNESCO Key Feature concepts; every name, address and
e-mail is made up (example.org domains, ISO user-assigned country codes). Lines are formatted
directly as N-Quads text, without rdflib, so a million statements take seconds.
"""

from __future__ import annotations

from chava.generate.dataset import (
    DEFAULT_BASE_IRI,
    SIZES,
    GenerationSummary,
    cities_for_size,
    generate_chunks,
    write_dataset,
)

__all__ = [
    "DEFAULT_BASE_IRI",
    "SIZES",
    "GenerationSummary",
    "cities_for_size",
    "generate_chunks",
    "write_dataset",
]
