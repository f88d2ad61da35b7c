"""Server processes for the benchmark: start in their own process group, watch memory, stop all.

Every process the harness starts goes through `ProcessRegistry.spawn`, which puts it in a new
session (its own process group), so stopping it stops its whole tree (granian and its workers,
uvicorn, query workers). `stop_all` runs from a `finally` block and on SIGTERM/Ctrl-C.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

logger = logging.getLogger(__name__)

PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


def live_processes() -> list[tuple[int, int, int]]:
    """(pid, parent pid, process group) of every live process (zombies left out), from /proc."""
    found: list[tuple[int, int, int]] = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name is in parentheses and may hold spaces: split after the last ')'.
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] != "Z":
            found.append((int(entry.name), int(fields[1]), int(fields[2])))
    return found


def group_members(group_id: int) -> list[int]:
    """Return the pids of the live processes whose process group is *group_id* (from /proc)."""
    return [pid for pid, _parent, group in live_processes() if group == group_id]


def _running_groups(processes: Sequence[ServerProcess]) -> list[ServerProcess]:
    """The processes of *processes* whose group still has a live member (one read of /proc)."""
    groups = {group for _pid, _parent, group in live_processes()}
    return [process for process in processes if process.group_id in groups]


def server_tree(group_id: int) -> list[int]:
    """The pids of the group's live processes and of their descendants.

    chava's query workers start in process groups of their own (Ctrl-C in a terminal must not
    reach them), so a server's memory counts its process tree, not only its group.
    """
    processes = live_processes()
    parents = {pid: parent for pid, parent, _group in processes}
    members = [pid for pid, _parent, group in processes if group == group_id]
    found = set(members)
    grown = True
    while grown:
        added = {pid for pid, parent in parents.items() if parent in found} - found
        found |= added
        grown = bool(added)
    return sorted(found)


def group_rss(group_id: int) -> int:
    """Return the resident memory, in bytes, of every process of the server (see server_tree)."""
    total = 0
    for pid in server_tree(group_id):
        try:
            resident = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
        except (OSError, IndexError, ValueError):
            continue
        total += resident * PAGE_SIZE
    return total


@dataclass
class ServerProcess:
    """One started process tree and what the harness saw of it."""

    name: str
    popen: subprocess.Popen[bytes]
    log_path: Path
    started: float
    peak_rss: int = 0
    samples: list[int] = field(default_factory=list)

    @property
    def group_id(self) -> int:
        """The process group (the leader's pid: each server starts a new session)."""
        return self.popen.pid

    def alive(self) -> bool:
        """Whether the leader is still running."""
        return self.popen.poll() is None

    def log_tail(self, lines: int = 15) -> str:
        """The end of the server's log, for error messages."""
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


class ProcessRegistry:
    """Starts server process groups, samples their memory, and stops every one of them."""

    def __init__(self, log_dir: Path, *, sample_interval: float = 0.25) -> None:
        self.log_dir = log_dir
        self.processes: list[ServerProcess] = []
        self.group_ids: list[int] = []
        self._sample_interval = sample_interval
        self._stop_sampling = threading.Event()
        self._sampler = threading.Thread(target=self._sample, name="rss-sampler", daemon=True)
        self._sampler.start()

    def spawn(
        self, name: str, command: Sequence[str], *, env: Mapping[str, str] | None = None
    ) -> ServerProcess:
        """Start *command* in a new session, its output in `<log_dir>/<name>.log`."""
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log_path = self.log_dir / f"{name}.log"
        with log_path.open("wb") as log:
            popen = subprocess.Popen(
                list(command),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**os.environ, **(env or {})},
                start_new_session=True,
            )
        process = ServerProcess(name, popen, log_path, time.perf_counter())
        self.processes.append(process)
        self.group_ids.append(popen.pid)
        logger.info("started %s (pid %d): %s", name, popen.pid, " ".join(command))
        return process

    def stop(self, process: ServerProcess, *, grace: float = 10.0) -> None:
        """Stop a process group: SIGTERM, then SIGKILL after *grace* seconds."""
        self._stop([process], grace=grace)

    def stop_all(self, *, grace: float = 10.0) -> None:
        """Stop every process group still running; called from finally blocks and signals.

        All at once (SIGTERM to every group, then SIGKILL to those left after *grace*
        seconds), so an interrupted run ends within about *grace* + 5 s however many servers
        it started, even when each is slow to stop on a loaded machine.
        """
        self._stop_sampling.set()
        self._stop(list(self.processes), grace=grace)

    def _stop(self, processes: list[ServerProcess], *, grace: float) -> None:
        for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
            alive = _running_groups(processes)
            if not alive:
                break
            for process in alive:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.group_id, sig)
            deadline = time.monotonic() + wait
            while time.monotonic() < deadline and _running_groups(alive):
                for process in alive:
                    process.popen.poll()
                time.sleep(0.05)
        for process in processes:
            try:  # reap the leader, so no zombie and no ResourceWarning remain
                process.popen.wait(timeout=5.0)
            except subprocess.TimeoutExpired:
                process.popen.kill()
                process.popen.wait(timeout=5.0)
            if process in self.processes:
                self.processes.remove(process)

    def leftovers(self) -> list[int]:
        """Pids still alive in any group this registry ever started (should be none)."""
        return [pid for group_id in self.group_ids for pid in group_members(group_id)]

    def _sample(self) -> None:
        while not self._stop_sampling.wait(self._sample_interval):
            for process in list(self.processes):
                rss = group_rss(process.group_id)
                process.peak_rss = max(process.peak_rss, rss)
                process.samples.append(rss)
