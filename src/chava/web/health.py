"""`/health`: what this web worker serves, and whether it is the current build.

For operators and load balancers: always 200 while the worker answers (it serves a good
build); `status` is `ok`, or `degraded` when the current build is not the one served (damaged,
so an older good build is served instead) with the reasons in `problems`. Never cached.
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response, jsonify

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
        problems=list(report.problems),
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
