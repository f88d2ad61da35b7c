"""Several client addresses for one load generator: `wrk/bind_source.c`, built on demand.

The SPARQL endpoint limits what each client address may run at once; a benchmark from one
address measures that limit, not the server. The shim binds each connection to 127.0.0.1,
127.0.0.2, ... in turn (LD_PRELOAD), so wrk's connections come from that many addresses. It is
compiled with the system's C compiler into the output folder; without one, None.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from pathlib import Path
from typing import Final

logger = logging.getLogger(__name__)

SOURCE: Final = Path(__file__).resolve().parent / "wrk" / "bind_source.c"
VARIABLE: Final = "CHAVA_BENCH_SOURCES"
"""How many client addresses the shim spreads connections over."""


def build_shim(folder: Path) -> Path | None:
    """Compile the shim into *folder* (once); None when no C compiler is installed or it fails."""
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        logger.warning("no C compiler: several client addresses are not available")
        return None
    target = folder / "bind_source.so"
    if target.exists() and target.stat().st_mtime >= SOURCE.stat().st_mtime:
        return target
    folder.mkdir(parents=True, exist_ok=True)
    completed = subprocess.run(
        [compiler, "-shared", "-fPIC", "-O2", "-o", str(target), str(SOURCE), "-ldl"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if completed.returncode != 0:
        logger.warning("the source-address shim did not build: %s", completed.stderr.strip())
        return None
    return target


def environment(shim: Path, addresses: int) -> dict[str, str]:
    """The variables that make a process's connections come from *addresses* addresses."""
    return {"LD_PRELOAD": str(shim), VARIABLE: str(addresses)}
