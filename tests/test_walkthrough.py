"""The walkthrough of docs/publish-your-city.md, run as written, so the doc cannot rot.

Each ```sh block between `<!-- walkthrough begins -->` and `<!-- walkthrough ends -->` runs in
bash (`set -euo pipefail`) in order, in the folder the previous block ended in, with chava
installed from a wheel of this checkout into a fresh virtualenv (the `install` step, done the
same way offline) and `$CHARLEROI` the SPARQL endpoint of the bundled publication served
locally. A `<!-- step: ... -->` line before a block says what to expect: `exit=N` (default 0),
`output=TEXT` (in stdout or stderr), `serve` (started in the background, stopped at the end),
`install` (done by the fixture). Port 8080 becomes a free port. Every step is run and every
failure reported together.
"""

from __future__ import annotations

import os
import re
import shlex
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import pytest
import requests

from tests.conftest import PROJECT_ROOT
from tests.packaging_support import build_wheel, install_wheel
from tests.serve_support import free_port, serve_bundled

pytestmark = [pytest.mark.server, pytest.mark.slow]

WALKTHROUGH: Final = PROJECT_ROOT / "docs" / "publish-your-city.md"
STEP_TIMEOUT: Final = 180
BLOCK: Final = re.compile(
    r"(?:<!-- step: (?P<attributes>[^>]*?) -->\n)?```sh\n(?P<code>.*?)```", re.S
)


@dataclass(frozen=True)
class Step:
    """One command block of the walkthrough and what it must do."""

    code: str
    exit_code: int = 0
    output: str | None = None
    serve: bool = False
    install: bool = False


def walkthrough_steps(text: str) -> list[Step]:
    """The blocks of the walkthrough section of *text*, in order."""
    section = re.search(r"<!-- walkthrough begins -->(.*?)<!-- walkthrough ends -->", text, re.S)
    assert section is not None, "docs/publish-your-city.md has no walkthrough section"
    steps = []
    for block in BLOCK.finditer(section.group(1)):
        values: dict[str, str] = {}
        flags: set[str] = set()
        for word in shlex.split(block.group("attributes") or ""):
            name, equals, value = word.partition("=")
            if equals:
                values[name] = value
            else:
                flags.add(name)
        steps.append(
            Step(
                code=block.group("code"),
                exit_code=int(values.get("exit", "0")),
                output=values.get("output"),
                serve="serve" in flags,
                install="install" in flags,
            )
        )
    return steps


def test_the_walkthrough_parses_into_its_steps() -> None:
    steps = walkthrough_steps(WALKTHROUGH.read_text(encoding="utf-8"))
    assert steps[0].install
    assert "pip install chava" in steps[0].code
    assert sum(step.serve for step in steps) == 1
    assert any("chava init" in step.code and "--languages fi" in step.code for step in steps)
    assert any("chava harvest" in step.code for step in steps)
    assert any(".nq.gz" in step.code and "chava validate" in step.code for step in steps)
    assert any(".jsonld" in step.code and "chava validate" in step.code for step in steps)


@contextmanager
def _background(command: str, *, cwd: Path, env: dict[str, str], url: str) -> Iterator[None]:
    with (cwd / "serve.log").open("wb") as log:
        process = subprocess.Popen(
            ["bash", "-c", f"exec {command}"],
            cwd=cwd,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + STEP_TIMEOUT
            while time.monotonic() < deadline and process.poll() is None:
                try:
                    if requests.get(url, timeout=5).status_code < 500:
                        break
                except requests.ConnectionError:
                    time.sleep(0.3)
            yield
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(timeout=5)


def test_the_walkthrough_runs_as_written(tmp_path_factory: pytest.TempPathFactory) -> None:
    steps = walkthrough_steps(WALKTHROUGH.read_text(encoding="utf-8"))
    home = tmp_path_factory.mktemp("walkthrough")
    binaries = install_wheel(build_wheel(tmp_path_factory.mktemp("wheel")), home / "chava-env")
    port = str(free_port())
    state = home / ".cwd"
    state.write_text(str(home), encoding="utf-8")
    problems: list[str] = []
    with ExitStack() as servers:
        charleroi = servers.enter_context(
            serve_bundled(tmp_path_factory.mktemp("charleroi"), ready_path="/sparql")
        )
        env = {key: value for key, value in os.environ.items() if not key.startswith("CHAVA_")}
        env.update(
            HOME=str(home),
            PATH=f"{binaries}:{env.get('PATH', '')}",
            VIRTUAL_ENV=str(binaries.parent),
            CHARLEROI=charleroi + "/sparql",
        )
        env.pop("PYTHONPATH", None)
        for step in steps:
            code = step.code.replace("8080", port)
            folder = Path(state.read_text(encoding="utf-8").strip())
            if step.install:
                continue
            if step.serve:
                url = f"http://127.0.0.1:{port}/"
                servers.enter_context(_background(code.strip(), cwd=folder, env=env, url=url))
                continue
            problem = _run(step, code, cwd=folder, env=env, state=state)
            if problem:
                problems.append(problem)
    assert not problems, "\n\n".join(problems)


def _run(step: Step, code: str, *, cwd: Path, env: dict[str, str], state: Path) -> str | None:
    """Run one block; return what went wrong, if anything."""
    script = f"set -euo pipefail\n{code}\npwd > {shlex.quote(str(state))}\n"
    done = subprocess.run(
        ["bash", "-c", script],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=STEP_TIMEOUT,
        check=False,
    )
    said = (done.stdout + done.stderr)[-1500:]
    if done.returncode != step.exit_code:
        return f"exit {done.returncode} (not {step.exit_code}):\n{code}\n{said}"
    if step.output is not None and step.output not in done.stdout + done.stderr:
        return f"no {step.output!r} in the output of:\n{code}\n{said}"
    return None
