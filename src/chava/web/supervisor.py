"""granian's supervisor, as `chava serve` runs it: `python -m chava.web.supervisor PLAN`.

`chava serve` chooses and checks the build, then replaces itself with this module (exec: same
process id, fresh interpreter; chava.web.server.run_server). The supervisor starts and watches
the web workers, which fork from it: it imports granian, the settings and logging, nothing
`chava serve` needed before (the CLI, the build and check code, pyoxigraph, HTTP clients), so
neither it nor a web worker carries them. PLAN is chava.web.server.GranianPlan as JSON.
"""

from __future__ import annotations

import json
import logging
import sys

from chava.config import LOG_FORMAT
from chava.web.server import GranianPlan, serve_granian

logger = logging.getLogger("chava.cli.serve")
"""The stop line is `chava serve`'s, as before the exec."""


def main(argv: list[str]) -> int:
    """Serve the plan in *argv*; 0 once stopped (Ctrl-C, SIGTERM)."""
    plan = GranianPlan(**json.loads(argv[1]))
    logging.basicConfig(level=plan.log_level, format=LOG_FORMAT)
    if logger.getEffectiveLevel() > logging.INFO:
        logger.setLevel(logging.INFO)
    serve_granian(plan)
    logger.info("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
