"""A build is named after the bytes it holds, is verified before it is current, and is whole.

Finding 8 of issue 12: a file replaced while a build read it gave a build named after the new
content holding the old (and later builds reused it). Finding 9: a damaged store was served.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from chava.building import build as build_module
from chava.building import build_check
from chava.building.build import build_dataset, build_publication
from chava.building.build_check import open_verified
from chava.building.build_inputs import build_id_of
from chava.building.builds import Build, current_build
from chava.errors import BuildError, DamagedBuildError
from chava.search.build import write_index
from tests.build_support import CORRUPTIONS, corrupt, version_text, versions_in, write_version
from tests.publish_fixtures import publication_settings, write_publication

VERSIONS = 8


@contextmanager
def replacing(path: Path, contents: list[bytes]) -> Iterator[None]:
    """Replace *path* with each of *contents* in turn, as fast as possible, until the block ends."""
    stop = threading.Event()
    temporaries = [path.with_name(f".replace-{index}") for index in range(len(contents))]

    def run() -> None:
        index = 0
        while not stop.is_set():
            temporary = temporaries[index % len(contents)]
            temporary.write_bytes(contents[index % len(contents)])
            temporary.replace(path)
            index += 1

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=10)


def _versions() -> tuple[list[bytes], dict[str, int]]:
    import hashlib

    contents = [version_text(number, padding=200).encode() for number in range(VERSIONS)]
    return contents, {hashlib.sha256(text).hexdigest(): n for n, text in enumerate(contents)}


def _check_names_its_content(build: Build, by_hash: dict[str, int], name: str) -> None:
    manifest = build.manifest
    assert build_id_of(manifest["settings_key"], manifest["inputs"]) == build.build_id
    entry = next(entry for entry in manifest["inputs"] if entry["name"] == name)
    number = by_hash[entry["sha256"]]
    assert versions_in(build.store_path) == {f"version {number}"}, (build.build_id, number)


def test_publication_builds_are_named_after_the_bytes_they_hold(tmp_path: Path) -> None:
    root = write_publication(tmp_path)
    version = write_version(root, 0, padding=200)
    settings = publication_settings(root)
    contents, by_hash = _versions()
    with replacing(version, contents):
        for _attempt in range(12):
            build = build_publication(settings, validate=False)
            _check_names_its_content(build, by_hash, "data/version.ttl")


@pytest.mark.parametrize("validate", [False, True], ids=["unvalidated", "validated"])
def test_dataset_builds_are_named_after_the_bytes_they_hold(tmp_path: Path, validate: bool) -> None:
    folder = tmp_path / "dataset"
    folder.mkdir()
    version = folder / "version.ttl"
    version.write_bytes(version_text(0, padding=200).encode())
    settings = publication_settings(write_publication(tmp_path / "root"))
    contents, by_hash = _versions()
    with replacing(version, contents):
        for _attempt in range(8):
            build = build_dataset(settings, [folder], validate=validate)
            _check_names_its_content(build, by_hash, "version.ttl")


def test_the_manifest_records_each_input_and_the_up_to_date_check_sees_a_later_change(
    tmp_path: Path,
) -> None:
    root = write_publication(tmp_path)
    write_version(root, 1)
    settings = publication_settings(root)
    build = build_publication(settings, validate=False)
    names = [entry["name"] for entry in build.manifest["inputs"]]
    assert "data/version.ttl" in names
    assert "ontology/core.ttl" in names
    assert all(
        len(entry["sha256"]) == 64 and entry["bytes"] > 0 for entry in build.manifest["inputs"]
    )
    assert build_publication(settings, validate=False).build_id == build.build_id
    write_version(root, 2)
    assert build_publication(settings, validate=False).build_id != build.build_id


def test_a_build_verifies_what_it_wrote_before_making_it_current(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_publication(tmp_path)
    settings = publication_settings(root)
    good = build_publication(settings, validate=False)
    write_version(root, 1)
    counts: Callable[..., dict[str, int]] = build_check.graph_counts

    def miscounting(store: object) -> dict[str, int]:
        wrong = counts(store)
        wrong[next(iter(wrong))] += 1  # the manifest will not match what the store holds
        return wrong

    monkeypatch.setattr(build_module, "graph_counts", miscounting)
    with pytest.raises(BuildError, match="damaged"):
        build_publication(settings, validate=False)
    assert current_build(settings).build_id == good.build_id
    assert sorted(p.name for p in (settings.build_path / "builds").iterdir()) == [good.build_id]


@pytest.mark.parametrize("kind", CORRUPTIONS)
def test_a_damaged_build_is_found_by_both_checks(tmp_path: Path, kind: str) -> None:
    settings = publication_settings(write_publication(tmp_path))
    build = build_publication(settings, validate=False)
    open_verified(build, thorough=False)  # whole
    corrupt(build.path, kind)
    for thorough in (False, True):
        with pytest.raises(DamagedBuildError, match=build.build_id):
            open_verified(build, thorough=thorough)


@pytest.mark.parametrize("kind", CORRUPTIONS)
def test_a_damaged_build_is_built_again_not_reused(tmp_path: Path, kind: str) -> None:
    settings = publication_settings(write_publication(tmp_path))
    first = build_publication(settings, validate=False)
    corrupt(first.path, kind)
    again = build_publication(settings, validate=False)
    assert again.build_id == first.build_id
    open_verified(again, thorough=True)
    assert current_build(settings).build_id == first.build_id
    leftovers = [p.name for p in (settings.build_path / "builds").iterdir()]
    assert leftovers == [first.build_id]


def test_an_altered_dump_is_found(tmp_path: Path) -> None:
    settings = publication_settings(write_publication(tmp_path))
    build = build_publication(settings, validate=False)
    dump = build.dumps_path / "chava.ttl"
    text = bytearray(dump.read_bytes())
    text[-2] = ord("#")
    dump.write_bytes(bytes(text))
    for thorough in (False, True):  # the light check hashes small files too
        with pytest.raises(DamagedBuildError, match=r"dumps/chava\.ttl is altered"):
            open_verified(build, thorough=thorough)


def test_a_new_build_hashes_each_file_once_and_still_checks_it_against_the_manifest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every file counts as large here: the light check hashes none of them again.
    monkeypatch.setattr(build_check, "SMALL_FILE", -1)
    hashed: list[Path] = []
    sha256 = build_check._sha256

    def counted(path: Path) -> str:
        hashed.append(path)
        return sha256(path)

    monkeypatch.setattr(build_check, "_sha256", counted)
    settings = publication_settings(write_publication(tmp_path))
    build = build_publication(settings, validate=False)
    assert hashed, "the store files and the index are hashed for the manifest"
    assert len(hashed) == len(set(hashed))  # not hashed a second time by the verification
    listed = set(build.manifest["store_files"]) | set(build.manifest["build_files"])
    assert {path.name for path in hashed} == listed
    # What that check still finds: a file whose size is not the manifest's, and the counts.
    index = build.path / "index.sqlite"
    with index.open("ab") as stream:
        stream.write(b"\0")
    with pytest.raises(DamagedBuildError, match=r"index\.sqlite has"):
        open_verified(build, thorough=True, rehash=False)
    index.write_bytes(index.read_bytes()[:-1])
    open_verified(build, thorough=True, rehash=False)
    # A change that keeps the size is only found by hashing again (a build being reused).
    dump = build.dumps_path / "chava.trig"
    text = bytearray(dump.read_bytes())
    text[-2] = ord("#")
    dump.write_bytes(bytes(text))
    open_verified(build, thorough=True, rehash=False)
    with pytest.raises(DamagedBuildError, match=r"dumps/chava\.trig is altered"):
        open_verified(build, thorough=True)


def test_the_cyclic_collector_is_paused_while_a_build_is_written_then_restored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = publication_settings(write_publication(tmp_path))
    seen: list[bool] = []

    def watched(*args: object, **kwargs: object) -> object:
        seen.append(gc.isenabled())
        return write_index(*args, **kwargs)  # type: ignore[arg-type]

    def failing(*args: object, **kwargs: object) -> object:
        seen.append(gc.isenabled())
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(build_module, "write_index", watched)
    assert gc.isenabled()
    build_publication(settings, validate=False)
    assert seen == [False]
    assert gc.isenabled()
    monkeypatch.setattr(build_module, "write_index", failing)
    write_version(settings.root, 3)
    with pytest.raises(BuildError, match="No space left"):
        build_publication(settings, validate=False)
    assert seen == [False, False]
    assert gc.isenabled()
    gc.disable()
    try:  # a caller's choice is left as it was
        monkeypatch.setattr(build_module, "write_index", watched)
        write_version(settings.root, 4)
        build_publication(settings, validate=False)
        assert not gc.isenabled()
    finally:
        gc.enable()
