"""`chava build` as an operation: one at a time, killed halfway, on a full disk or a bad folder.

Each case runs the real command in a subprocess and checks what an operator sees (one line
and an exit code, never a traceback) and what is left behind (the previous build current and
whole, no leftover a later build could take for a build).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from chava.building.build import build_publication
from chava.building.build_check import open_verified
from chava.building.build_leases import build_lock
from chava.building.builds import current_build
from tests.build_support import versions_in, write_version
from tests.publish_fixtures import publication_settings, write_publication
from tests.serve_support import CHAVA

SECONDS = 120


def _environment(**variables: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("CHAVA_")}
    return {**env, **variables}


def _chava(
    root: Path, *arguments: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    command = [str(CHAVA), "--root", str(root), *arguments]
    return subprocess.run(
        command,
        env=env or _environment(),
        capture_output=True,
        text=True,
        timeout=SECONDS,
        check=False,
    )


def _one_error_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.startswith("error: ")]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


def _entries(root: Path) -> list[str]:
    return sorted(path.name for path in (root / "build" / "builds").iterdir())


def test_a_second_build_waits_for_the_first(tmp_path: Path) -> None:
    root = write_publication(tmp_path)
    settings = publication_settings(root)
    first = build_publication(settings, validate=False)
    write_version(root, 2)
    env = _environment()
    with build_lock(settings.build_path):  # a build under way
        waiting = subprocess.Popen(
            [str(CHAVA), "--root", str(root), "build", "--no-validate"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert waiting.stderr is not None
        said = waiting.stderr.readline()  # blocks until it says it waits
        assert "another chava build" in said
        assert "waiting" in said
        time.sleep(0.5)
        assert waiting.poll() is None  # still waiting
        assert current_build(settings).build_id == first.build_id
    stdout, stderr = waiting.communicate(timeout=SECONDS)
    assert waiting.returncode == 0, stderr
    assert "built " in stdout
    assert versions_in(current_build(settings).store_path) == {"version 2"}


def test_concurrent_builds_all_finish_and_leave_one_whole_current_build(tmp_path: Path) -> None:
    root = write_publication(tmp_path)
    write_version(root, 1)
    env = _environment()
    command = [str(CHAVA), "--root", str(root), "build", "--no-validate"]
    runs = [
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(3)
    ]
    for run in runs:
        _stdout, stderr = run.communicate(timeout=SECONDS)
        assert run.returncode == 0, stderr
        assert b"Traceback" not in stderr
    build = current_build(publication_settings(root))
    open_verified(build, thorough=True)
    assert _entries(root) == [build.build_id]
    log = (root / "build" / "build-log.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(log) == 1  # the same inputs: one build made current, then reused


def test_a_killed_build_leaves_the_previous_one_current_and_nothing_reused(
    tmp_path: Path,
) -> None:
    root = write_publication(tmp_path)
    settings = publication_settings(root)
    good = build_publication(settings, validate=False)
    write_version(root, 2)
    # The build stops for good once its store is loaded and dumped: then it is killed.
    script = (
        "import sys, time\n"
        "import chava.building.build as build\n"
        "def hang(*arguments, **options):\n"
        "    print('hanging', flush=True)\n"
        "    time.sleep(600)\n"
        "build.describe_dataset = hang\n"
        "from chava.cli import cli\n"
        f"sys.argv = ['chava', '--root', {str(root)!r}, 'build', '--no-validate']\n"
        "cli()\n"
    )
    env = _environment()
    killed = subprocess.Popen(
        [sys.executable, "-c", script], env=env, stdout=subprocess.PIPE, text=True
    )
    assert killed.stdout is not None
    assert killed.stdout.readline().strip() == "hanging"
    leftovers = [name for name in _entries(root) if name.startswith(".tmp-")]
    assert leftovers  # the half-written build
    os.kill(killed.pid, signal.SIGKILL)
    killed.communicate(timeout=SECONDS)
    assert current_build(settings).build_id == good.build_id
    open_verified(current_build(settings), thorough=True)
    finished = _chava(root, "build", "--no-validate")
    assert finished.returncode == 0, finished.stderr
    build = current_build(settings)
    open_verified(build, thorough=True)
    assert versions_in(build.store_path) == {"version 2"}
    assert not [name for name in _entries(root) if name.startswith(".")]


@pytest.mark.parametrize("limit_kb", [20, 100])
def test_a_full_disk_fails_in_one_line_and_keeps_the_current_build(
    tmp_path: Path, limit_kb: int
) -> None:
    """RLIMIT_FSIZE makes writes past the limit fail with EFBIG, as a full disk does."""
    root = write_publication(tmp_path)
    settings = publication_settings(root)
    good = build_publication(settings, validate=False)
    write_version(root, 3, padding=300)
    limit = limit_kb * 1024
    script = (
        "import resource, signal, sys\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        f"resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))\n"
        "from chava.cli import cli\n"
        f"sys.argv = ['chava', '--root', {str(root)!r}, 'build', '--no-validate']\n"
        "cli()\n"
    )
    env = _environment()
    failed = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=SECONDS,
        check=False,
    )
    assert failed.returncode == 2, failed.stderr
    assert "could not write the build" in _one_error_line(failed.stderr)
    assert current_build(settings).build_id == good.build_id
    assert _entries(root) == [good.build_id]


def test_a_build_folder_that_cannot_be_written_fails_in_one_line(tmp_path: Path) -> None:
    root = write_publication(tmp_path / "root")
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    failed = _chava(
        root, "build", "--no-validate", env=_environment(CHAVA_BUILD_DIR=str(blocker / "build"))
    )
    assert failed.returncode == 2
    assert "cannot write the build folder" in _one_error_line(failed.stderr)
