"""The build after a published change: in a process of its own, off every request's path.

A change asks for a build (`request_rebuild`): its number is recorded in `rebuild.json` and a
rebuilder process is started (`python -m chava.contributions.rebuild`, with the settings of
the server that asked). One rebuilder runs at a time (a lock); it builds until the last change
asked for is built, reading the publication's files under the contributions lock so a build
never sees half a change, then building as `chava build` does (validated, under the build
lock, made current). Running servers follow the new current build within a second
(chava.web.served_build). Pages never wait for it: the build runs in another process, with
its own interpreter. `rebuild.json` says what is being built and what failed, for the
contribution's page.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Final

from chava.config import ENV_PREFIX, Settings
from chava.contributions.files import locked, read_json, try_locked, write_json
from chava.contributions.queue import ContributionQueue
from chava.errors import PublisherError
from chava.loading.rdf_input import InputLimits
from chava.loading.sources import load_publication

logger = logging.getLogger(__name__)

STATUS: Final = "rebuild.json"
RUNNING_LOCK: Final = "rebuild.lock"
STATUS_LOCK: Final = "rebuild-status.lock"
LOG_NAME: Final = "rebuild.log"


def status(settings: Settings) -> dict[str, Any]:
    """What was asked, what is being built, what was built last and any failure."""
    value = read_json(settings.contributions_path / STATUS)
    return value if isinstance(value, dict) else {}


def request_rebuild(settings: Settings, change: int, *, start: bool = True) -> None:
    """Ask for a build holding change number *change*; start a rebuilder unless one runs."""
    folder = settings.contributions_path
    with locked(folder, STATUS_LOCK):
        current = status(settings)
        current["requested"] = max(int(current.get("requested", 0)), change)
        current["asked"] = time.time()
        write_json(folder / STATUS, current)
    if start:
        start_rebuilder(settings)


def start_rebuilder(settings: Settings) -> None:
    """Start `python -m chava.contributions.rebuild` with *settings*; reap it in a thread."""
    folder = settings.contributions_path
    log = (folder / LOG_NAME).open("ab")
    environment = {**os.environ, **settings_environment(settings)}
    process = subprocess.Popen(
        [sys.executable, "-m", "chava.contributions.rebuild"],
        env=environment,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # not killed with the request's worker; never a zombie of it
    )
    log.close()
    threading.Thread(target=process.wait, name="chava-rebuild-reaper", daemon=True).start()


def settings_environment(settings: Settings) -> dict[str, str]:
    """*settings* as the CHAVA_* variables a child process reads them from."""
    environment = {}
    for setting in dataclasses.fields(Settings):
        value = getattr(settings, setting.name)
        if value is None:
            text = ""
        elif isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, tuple):
            text = ",".join(str(item) for item in value)
        elif isinstance(value, Path):
            text = str(value.resolve() if setting.name == "root" else value)
        else:
            text = str(value)
        environment[ENV_PREFIX + setting.name.upper()] = text
    environment[ENV_PREFIX + "BUILD_DIR"] = str(settings.build_path.resolve())
    environment[ENV_PREFIX + "CONTRIBUTIONS_DIR"] = str(settings.contributions_path.resolve())
    return environment


def run(settings: Settings) -> None:
    """Build until every change asked for is built (returns at once if a rebuilder runs)."""
    folder = settings.contributions_path
    while True:
        with try_locked(folder, RUNNING_LOCK) as mine:
            if not mine:
                return
            _build_until_done(settings)
        # Asked for between our last look and the lock's release? Then go on ourselves.
        current = status(settings)
        if int(current.get("requested", 0)) <= int(current.get("built", 0)) or current.get(
            "failed"
        ) == current.get("requested"):
            return


def _build_until_done(settings: Settings) -> None:
    from chava.building.build import build_publication

    folder = settings.contributions_path
    queue = ContributionQueue(settings)
    while True:
        current = status(settings)
        requested = int(current.get("requested", 0))
        if requested <= int(current.get("built", 0)):
            return
        with locked(folder):  # no change is half-written while the files are read
            queue._recover()
            change = int(queue.counters().get("change", 0))
            publication = load_publication(
                settings.root, limits=InputLimits.from_settings(settings)
            )
        _update(settings, building=change, started=time.time(), error=None)
        try:
            build = build_publication(settings, publication=publication)
        except PublisherError as error:
            logger.error("the build after change %d failed: %s", change, error)
            _update(settings, building=None, error=str(error)[:2000], failed=requested)
            return
        _update(
            settings, building=None, built=change, build_id=build.build_id, finished=time.time()
        )
        logger.warning("change %d published in build %s", change, build.build_id)


def _update(settings: Settings, **values: Any) -> None:
    folder = settings.contributions_path
    with locked(folder, STATUS_LOCK):
        current = status(settings)
        current.update(values)
        write_json(folder / STATUS, current)


def main() -> None:
    """Entry point of the rebuilder process."""
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(message)s")
    run(Settings.load())


if __name__ == "__main__":
    main()
