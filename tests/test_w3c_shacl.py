"""The W3C SHACL Core test suite through the default engine, when a copy of it is given.

The suite (https://github.com/w3c/data-shapes, `data-shapes-test-suite/tests/core`) is not
bundled: its repository states no licence. Set `CHAVA_W3C_SHACL_TESTS` to that folder of a
clone to run it here; README gives the results and the command (`benchmarks/w3c_shacl.py`).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from benchmarks.w3c_shacl import W3CTest, load_tests, run_test

SUITE = os.environ.get("CHAVA_W3C_SHACL_TESTS", "")
pytestmark = pytest.mark.skipif(
    not SUITE, reason="set CHAVA_W3C_SHACL_TESTS to the core folder of a w3c/data-shapes clone"
)


def suite_tests() -> list[W3CTest]:
    return load_tests(Path(SUITE)) if SUITE else []


@pytest.mark.parametrize("test", suite_tests(), ids=lambda test: f"{test.folder}/{test.name}")
def test_the_default_engine_passes(test: W3CTest) -> None:
    outcome = run_test(test, "oxigraph")
    assert outcome.passed, outcome.detail
