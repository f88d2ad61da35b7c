"""Per-client slots: shared by processes, released when the holder ends, even by SIGKILL."""

from __future__ import annotations

import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path

import pytest

from chava.errors import TooManyRequestsError
from chava.sparql.clients import ClientSlots, slots_directory

HOLD = """
import sys, time
from pathlib import Path
from chava.sparql.clients import ClientSlots
with ClientSlots(Path(sys.argv[1]), 2).hold("203.0.113.7"):
    print("holding", flush=True)
    time.sleep(60)
"""


def test_a_client_gets_at_most_limit_slots_and_others_are_unaffected(tmp_path: Path) -> None:
    slots = ClientSlots(tmp_path, 2, retry_after=3)
    with ExitStack() as held:
        held.enter_context(slots.hold("203.0.113.7"))
        held.enter_context(slots.hold("203.0.113.7"))
        with pytest.raises(TooManyRequestsError) as refused:
            held.enter_context(slots.hold("203.0.113.7"))
        assert refused.value.retry_after == 3
        assert refused.value.http_status == 429
        with slots.hold("198.51.100.1"):
            pass
    with slots.hold("203.0.113.7"):  # released on exit
        pass


def test_slots_are_shared_across_processes_and_freed_when_a_holder_is_killed(
    tmp_path: Path,
) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "holding"
        slots = ClientSlots(tmp_path, 2)
        with (
            slots.hold("203.0.113.7"),
            pytest.raises(TooManyRequestsError),
            slots.hold("203.0.113.7"),
        ):
            pass
    finally:
        holder.kill()
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()
    deadline = time.monotonic() + 5
    with ExitStack() as held:
        held.enter_context(slots.hold("203.0.113.7"))
        while True:
            try:
                held.enter_context(slots.hold("203.0.113.7"))
                break
            except TooManyRequestsError:
                assert time.monotonic() < deadline
                time.sleep(0.05)


def test_the_slots_directory_is_shared_per_build_folder() -> None:
    assert slots_directory("/srv/a/build") == slots_directory("/srv/a/build")
    assert slots_directory("/srv/a/build") != slots_directory("/srv/b/build")
