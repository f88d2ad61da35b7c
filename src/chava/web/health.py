"""`/health`: what this web worker serves, and whether it is the current build.

For operators and load balancers: always 200 while the worker answers (it serves a good
build); `status` is `ok`, or `degraded` when a damaged build was skipped (the current one, so an
older good build is served instead), with the reasons in `problems`. `build` is the build this
request was served from, `current` what the `current` link names (for up to a second after a
new build they differ while the worker switches). The server's folders are not spelled out
(`<build_dir>`, `<root>`); the log has them. Never cached.
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response, jsonify

from chava.web import response_rules as rules
from chava.web import state

blueprint = Blueprint("health", __name__)


def init_app(app: Flask) -> None:
    """Register /health."""
    app.register_blueprint(blueprint)


@blueprint.get("/health")
def health() -> Response:
    """The served build, the current one, and why they differ."""
    report = state.follower().health()
    served = state.served_build()
    response = jsonify(
        status="ok" if report.ok else "degraded",
        build=served.build.build_id,
        created=served.build.created.isoformat(),
        current=report.current,
        problems=[_without_paths(problem) for problem in report.problems],
    )
    rules.apply(response.headers, [rules.never_store()])
    return response


def _without_paths(text: str) -> str:
    """A problem as the public may read it: the server's folders named, not spelled out."""
    settings = state.settings()
    for folder, name in ((settings.build_path, "<build_dir>"), (settings.root, "<root>")):
        for spelling in {str(folder), str(folder.resolve())}:
            text = text.replace(spelling, name)
    return text
