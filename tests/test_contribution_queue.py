"""The review queue's transactions: a SIGKILL at any step of an acceptance leaves the old state
or the new one, never a mix; the log only grows; every version can be found again."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox
import pytest

from chava.building.builds import current_build
from chava.config import Settings
from chava.contributions.kinds import KINDS
from chava.contributions.proposals import placeholder, read_rdf_proposal
from chava.contributions.publishing import accept, resource_file
from chava.contributions.queue import ContributionQueue
from chava.contributions.review import propose, reject, revise
from chava.errors import ConfigError, ConflictError
from chava.stores.store import PublishedStore
from tests.contribution_support import TOOL_TURTLE, copy_publication

CHILD = textwrap.dedent(
    """
    import os, signal, sys
    from datetime import UTC, datetime
    from pathlib import Path
    from chava.building.builds import current_build
    from chava.config import Settings
    from chava.contributions.publishing import accept
    from chava.contributions.queue import ContributionQueue
    from chava.stores.store import PublishedStore

    root, build, contribution, step = Path(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
    settings = Settings.load(root=root, environ={}, overrides={"build_dir": build})
    queue = ContributionQueue(settings)
    record = queue.get(contribution)
    proposal = queue.proposal(record)
    store = PublishedStore(current_build(settings))
    calls = [0]

    def killing(function):
        def wrapper(*args, **kwargs):
            calls[0] += 1
            if calls[0] == step:
                os.kill(os.getpid(), signal.SIGKILL)  # a crash right before this file operation
            return function(*args, **kwargs)
        return wrapper

    os.replace = killing(os.replace)
    os.fsync = killing(os.fsync)
    accept(queue, contribution, proposal, steward="alice", store=store, now=datetime.now(UTC))
    print("accepted")
    """
)


def _propose(settings: Settings, label: str) -> str:
    queue = ContributionQueue(settings)
    store = PublishedStore(current_build(settings))
    contribution = queue.new_id()

    def exists(iri: str) -> bool:
        return (
            next(store.oxigraph.quads_for_pattern(ox.NamedNode(iri), None, None), None) is not None
        )

    proposal, issues = read_rdf_proposal(
        TOOL_TURTLE.format(label=label).encode(),
        "text/turtle",
        settings=settings,
        subject=placeholder(settings, contribution),
        exists=exists,
    )
    assert proposal is not None
    assert not issues
    propose(
        queue, contribution, proposal, warnings=[], language="fr", email=None, now=datetime.now(UTC)
    )
    return contribution


@pytest.mark.slow
def test_a_sigkill_at_any_step_of_an_acceptance_leaves_old_or_new_state(tmp_path: Path) -> None:
    original = copy_publication(tmp_path / "original")
    contribution = _propose(original.settings, "Outil du crash")
    build = str(original.settings.build_path.resolve())
    outcomes: list[str] = []
    for step in range(1, 60):
        root = tmp_path / f"run-{step}"
        shutil.copytree(original.root, root, ignore=shutil.ignore_patterns("build"))
        settings = Settings.load(root=root, environ={}, overrides={"build_dir": build})
        child = subprocess.run(
            [sys.executable, "-c", CHILD, str(root), build, contribution, str(step)],
            capture_output=True,
            timeout=120,
            check=False,
        )
        finished = child.returncode == 0
        assert finished or child.returncode == -9, child.stderr.decode()[-2000:]
        files = list((root / "data" / "contributed").rglob("*.trig"))
        # The published data alone, before any recovery: no file, or one whole file.
        assert len(files) <= 1
        for path in files:
            text = path.read_text(encoding="utf-8")
            assert "as:Create" in text
            assert "Outil du crash" in text
        queue = ContributionQueue(settings)
        queue.recover()  # what any later transaction, or the server at start, does first
        record = queue.get(contribution)
        events = [event["event"] for event in queue.log()]
        if files:
            assert record.status == "accepted"
            assert record.resource is not None
            assert resource_file(settings, record.resource) == files[0]
            assert events == ["proposed", "accepted"]
            assert queue.counters()["change"] == 1
            outcomes.append("new")
        else:
            assert record.status == "pending"
            assert record.resource is None
            assert events == ["proposed"]
            assert queue.counters().get("change", 0) == 0
            outcomes.append("old")
        assert not (settings.contributions_path / "journal.json").exists()
        if finished:
            break
    else:
        pytest.fail("the acceptance never finished within 60 steps")
    assert "old" in outcomes
    assert "new" in outcomes
    assert outcomes == sorted(outcomes, key=lambda outcome: outcome == "new")  # old..., new...


def test_nothing_is_lost_every_version_and_decision_is_logged(tmp_path: Path) -> None:
    publication = copy_publication(tmp_path / "city")
    settings = publication.settings
    queue = ContributionQueue(settings)
    contribution = _propose(settings, "Première version")
    reject(queue, contribution, steward="alice", reason="Trop vague", now=datetime.now(UTC))
    record = queue.get(contribution)
    second = queue.proposal(record).with_subject(placeholder(settings, contribution))
    revise(queue, contribution, second, by="author", warnings=[], now=datetime.now(UTC))
    store = PublishedStore(current_build(settings))
    accepted = accept(
        queue,
        contribution,
        queue.proposal(queue.get(contribution)),
        steward="bruno",
        store=store,
        now=datetime.now(UTC),
    )
    with pytest.raises(ConflictError):
        accept(
            queue,
            contribution,
            queue.proposal(accepted),
            steward="alice",
            store=store,
            now=datetime.now(UTC),
        )
    log = list(queue.log())
    assert [event["event"] for event in log] == ["proposed", "rejected", "revised", "accepted"]
    assert [event["seq"] for event in log] == [1, 2, 3, 4]
    assert '"Première version"@fr' in queue.version_text(accepted, 1)
    assert accepted.history[0]["reason"] == "Trop vague"
    published = resource_file(settings, str(accepted.resource))
    assert published is not None
    assert log[-1]["rdf"] == published.read_text(encoding="utf-8")
    lines = (settings.contributions_path / "log.jsonl").read_text().splitlines()
    assert all(json.loads(line)["seq"] for line in lines)


def test_the_queue_is_never_under_data(tmp_path: Path) -> None:
    settings = Settings.load(
        root=tmp_path, environ={}, overrides={"contributions_dir": tmp_path / "data" / "queue"}
    )
    with pytest.raises(ConfigError, match="inside data/"):
        ContributionQueue(settings)
    assert KINDS["tool"].segment == "tool"
