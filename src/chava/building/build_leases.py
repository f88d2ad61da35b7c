"""Who may delete a build: leases held by readers, the build lock, and pruning.

A process serving a build (a web worker) holds a *lease* on it: a shared `flock` on the build's
folder, taken before the folder is read and kept until the last request using it is done.
Pruning takes the exclusive lock without waiting, and skips a build it cannot lock: a build in
use is never deleted. The kernel drops a lease when its holder exits or is killed, so a crashed
server never pins a build forever.

`chava build` runs under the *build lock* (an exclusive `flock` on `<build_dir>/.lock`): two
builds of the same folder run one after the other, and a build, the swap of `current`, the
build log and pruning never interleave with another's.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import logging
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Final

from chava.building.builds import BUILDS, CURRENT, PREVIOUS
from chava.errors import BuildError, StoreError

logger = logging.getLogger(__name__)

LOCK_FILE: Final = ".lock"
"""The build lock, in the build folder."""
TEMPORARY_PREFIX: Final = ".tmp-"
"""A build being written (renamed into place when complete; left over by a killed build)."""
TRASH_PREFIX: Final = ".trash-"
"""A pruned build being deleted."""
DAMAGED_PREFIX: Final = ".damaged-"
"""A build that failed verification, moved aside so its id can be built again."""


class BuildLease:
    """A shared lock on one build folder: while held, pruning leaves the folder alone."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._descriptor: int | None = _lock_folder(path, exclusive=False, wait=True)
        if self._descriptor is None:  # pragma: no cover - a shared lock request waits instead
            raise StoreError(f"{path}: the build is being deleted")

    @property
    def held(self) -> bool:
        """True until released."""
        return self._descriptor is not None

    def release(self) -> None:
        """Drop the lease (closing the descriptor releases the lock)."""
        descriptor, self._descriptor = self._descriptor, None
        if descriptor is not None:
            os.close(descriptor)


def _lock_folder(path: Path, *, exclusive: bool, wait: bool) -> int | None:
    """flock *path* (a folder); None if *wait* is False and another process holds it.

    The lock is taken on the folder as opened, then checked to still be the folder at *path*:
    a pruner renames a folder aside before deleting it, so a reader that opened it just before
    sees it gone, and never serves from a folder being deleted.
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as error:
        raise StoreError(f"{path}: cannot open the build: {error.strerror}") from error
    operation = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
    try:
        fcntl.flock(descriptor, operation if wait else operation | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(descriptor)
        return None
    except OSError as error:
        os.close(descriptor)
        raise StoreError(f"{path}: cannot lock the build: {error.strerror}") from error
    try:
        opened, current = os.fstat(descriptor), path.stat()
        same = (opened.st_dev, opened.st_ino) == (current.st_dev, current.st_ino)
    except OSError:
        same = False
    if not same:
        os.close(descriptor)
        raise StoreError(f"{path}: the build was removed while being opened")
    return descriptor


@contextlib.contextmanager
def build_lock(build_path: Path) -> Iterator[None]:
    """Hold the build lock of *build_path*; wait (saying so once) while another build runs."""
    try:
        build_path.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(build_path / LOCK_FILE, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as error:
        message = f"{build_path}: cannot write the build folder: {error.strerror}"
        raise BuildError(message) from error
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(descriptor, 32, 0).decode("ascii", "replace").strip() or "?"
            logger.warning(
                "another chava build (process %s) is writing %s: waiting for it", holder, build_path
            )
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        with contextlib.suppress(OSError):  # only a hint for the message above
            os.ftruncate(descriptor, 0)
            os.pwrite(descriptor, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(descriptor)  # releases the lock


@contextlib.contextmanager
def try_build_lock(build_path: Path) -> Iterator[bool]:
    """The build lock if free right now (True), else nothing (False); never waits.

    Raises OSError when the lock file cannot be opened (a read-only build folder).
    """
    with try_lock_file(build_path / LOCK_FILE, 0o644) as got:
        yield got


@contextlib.contextmanager
def try_lock_file(path: Path, mode: int) -> Iterator[bool]:
    """An exclusive lock on the file *path* (made with *mode* if missing) if free right now
    (True), else nothing (False); never waits. OSError when the file cannot be opened."""
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, mode)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(descriptor)


def remove_folder(folder: Path, *, prefix: str) -> bool:
    """Delete *folder* unless in use: lock it exclusively, rename it aside, then delete it.

    Returns False (and leaves it) when a reader holds a lease on it.
    """
    try:
        descriptor = _lock_folder(folder, exclusive=True, wait=False)
    except StoreError:
        return False  # gone already, or not a folder we can open
    if descriptor is None:
        logger.info("build %s is in use: kept", folder.name)
        return False
    aside = folder.with_name(f"{prefix}{folder.name.lstrip('.')}-{os.getpid()}")
    try:
        folder.rename(aside)
    except OSError as error:
        logger.warning("could not remove %s: %s", folder, error.strerror)
        return False
    finally:
        os.close(descriptor)
    shutil.rmtree(aside, ignore_errors=True)
    return True


def previous_build_id(build_path: Path) -> str | None:
    """The build that was current before the current one (kept by pruning), if known."""
    try:
        text = (build_path / PREVIOUS).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return text or None


def current_build_id(build_path: Path) -> str | None:
    """The folder name the `current` link points to, if any."""
    try:
        return (build_path / CURRENT).readlink().name
    except OSError:
        return None


def prune(build_path: Path) -> list[str]:
    """Delete the builds that are neither current, previous nor in use; return their names.

    The caller holds the build lock, so a temporary folder found here is a killed build's
    leftover, never one being written.
    """
    builds = build_path / BUILDS
    keep = {current_build_id(build_path), previous_build_id(build_path)}
    removed = []
    try:
        children = sorted(builds.iterdir())
    except FileNotFoundError:
        return []
    for child in children:
        if child.name in keep or not child.is_dir():
            continue
        if child.name.startswith(TEMPORARY_PREFIX):
            logger.info("removing %s, left over by an interrupted build", child.name)
            shutil.rmtree(child, ignore_errors=True)
            continue
        if child.name.startswith(TRASH_PREFIX):
            shutil.rmtree(child, ignore_errors=True)
            continue
        if remove_folder(child, prefix=TRASH_PREFIX):
            logger.info("pruned old build %s", child.name)
            removed.append(child.name)
    # A killed swap's temporary link, a killed write of the previous build's name.
    for leftover in (*build_path.glob(f".{CURRENT}-*"), *build_path.glob(f"{PREVIOUS}.*")):
        with contextlib.suppress(OSError):
            leftover.unlink()
    return removed


def prune_if_idle(build_path: Path, *, attempts: int = 1, pause: float = 2.0) -> list[str]:
    """Prune once no build is running (a server releasing a build calls this); never raises.

    While a build holds the lock, try again after *pause* seconds, *attempts* times in all
    (that build prunes too, but it may have finished pruning before this release).
    """
    for attempt in range(attempts):
        try:
            with try_build_lock(build_path) as locked:
                if locked:
                    return prune(build_path)
        except OSError as error:  # a read-only build folder: the next `chava build` prunes
            read_only = error.errno in (errno.EROFS, errno.EACCES)
            logger.log(
                logging.DEBUG if read_only else logging.WARNING, "could not prune: %s", error
            )
            return []
        if attempt + 1 < attempts:
            time.sleep(pause)
    return []
