"""How a query worker is started: the first frame its pool sends it, as a value."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chava.sparql.egress import Target

if TYPE_CHECKING:  # query workers import this module: no HTTP client unless remote
    from chava.stores.remote_store import RemoteConfig


@dataclass(frozen=True)
class WorkerLaunch:
    """A query worker's store, limits, isolation, and the targets it may reach."""

    store_path: Path
    memory_mb: int = 0
    """Address space in MB (0: unlimited)."""
    remote: RemoteConfig | None = None
    """The external engine to forward queries to (`chava serve --store`), else None."""
    isolation: str = "require"
    """"require" (no worker without its own network namespace), "warn" (try), "off"."""
    targets: tuple[Target, ...] = field(default=())
    """What the worker may reach through its parent: allow-listed SERVICE hosts, the engine."""
    connect_timeout: float = 5.0
    """Seconds the parent waits for a connection to a target."""

    def as_frame(self, channel: int | None = None) -> dict[str, Any]:
        """The first frame sent to the worker; *channel* is its end of the egress socket pair."""
        return {
            "store": str(self.store_path),
            "remote": None if self.remote is None else self.remote.as_dict(),
            "memory_mb": self.memory_mb,
            "isolation": self.isolation,
            "targets": [[target.host, target.port, target.inside] for target in self.targets],
            "channel": channel,
        }

    @classmethod
    def from_frame(cls, frame: dict[str, Any]) -> tuple[WorkerLaunch, int | None]:
        """The inverse of as_frame: the launch and the channel's file descriptor."""
        remote = frame.get("remote")
        if remote is not None:
            from chava.stores.remote_store import RemoteConfig
        launch = cls(
            Path(frame["store"]),
            int(frame.get("memory_mb") or 0),
            None if remote is None else RemoteConfig.from_dict(remote),
            str(frame.get("isolation", "require")),
            tuple(Target(host, int(port), inside) for host, port, inside in frame["targets"]),
        )
        channel = frame.get("channel")
        return launch, None if channel is None else int(channel)
