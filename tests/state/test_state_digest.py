"""The digest changes exactly when recorded resources, protected names or open tasks do."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from state_builders import account, manual_create

from provisioner.state import StateReader, StateStore


@pytest.fixture
def seeded(store: StateStore) -> StateStore:
    store.record_many([account("甲", status="active", roles=("a",)), account("乙", remote_id="2")])
    store.set_protected("acme-tmall", ["店长"])
    store.open_task(manual_create("丙"), ("step",), run_id=None)
    return store


def test_the_digest_is_a_sha256_stable_across_reopening(seeded: StateStore) -> None:
    digest = seeded.digest()
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", digest)
    seeded.close()
    with StateReader.open(seeded.location) as reader:
        assert reader.digest() == digest


def test_a_missing_file_has_the_digest_of_an_empty_store(tmp_path: Path) -> None:
    with (
        StateReader.open(tmp_path / "missing.db") as missing,
        StateStore.open(tmp_path / "new.db") as new,
    ):
        assert missing.digest() == new.digest()


CHANGES: dict[str, Callable[[StateStore], object]] = {
    "a new resource": lambda s: s.record(account("丁")),
    "a changed field": lambda s: s.record(account("甲", status="disabled", roles=("a",))),
    "a field removed": lambda s: s.record(account("甲", status="active")),
    "a field set to None": lambda s: s.record(account("甲", status=None, roles=("a",))),
    "a tuple reordered": lambda s: s.record(account("乙", remote_id="2", roles=())),
    "a changed remote id": lambda s: s.record(account("乙", remote_id="3")),
    "a forgotten resource": lambda s: s.forget(account("乙").address),
    "a forgotten shop": lambda s: s.forget_shop("acme-tmall"),
    "a new protected name": lambda s: s.set_protected("acme-tmall", ["店长", "老板"]),
    "protected names of another shop": lambda s: s.set_protected("other", ["店长"]),
    "a new open task": lambda s: s.open_task(manual_create("丁"), ("step",), run_id=None),
    "a task done": lambda s: s.complete_task(1, "li.lei"),
    "a task cancelled": lambda s: s.cancel_task(1, "li.lei"),
}

NO_CHANGES: dict[str, Callable[[StateStore], object]] = {
    "the same resource recorded again": lambda s: s.record(account("乙", remote_id="2")),
    "an unknown address forgotten": lambda s: s.forget(account("nobody").address),
    "the same protected names": lambda s: s.set_protected("acme-tmall", ["店长"]),
    "the same task opened again": lambda s: s.open_task(manual_create("丙"), ("x",), run_id=None),
    "a run with results but no state change": lambda s: s.finish_run(_run_with_result(s), "failed"),
    "the lock taken": lambda s: s.lock("li.lei", "apply").__enter__(),
    "a task opened and done at once": lambda s: s.complete_task(
        s.open_task(manual_create("戊"), (), None).id, "x"
    ),
}


def _run_with_result(store: StateStore) -> int:
    run_id = store.begin_run("ci", None, "sha256:0")
    store.record_result(run_id, manual_create("甲"), "failed", "no")
    return run_id


@pytest.mark.parametrize("name", CHANGES)
def test_the_digest_changes_with(seeded: StateStore, name: str) -> None:
    before = seeded.digest()
    CHANGES[name](seeded)
    assert seeded.digest() != before


@pytest.mark.parametrize("name", NO_CHANGES)
def test_the_digest_does_not_change_with(seeded: StateStore, name: str) -> None:
    before = seeded.digest()
    NO_CHANGES[name](seeded)
    assert seeded.digest() == before


def test_the_digest_comes_back_when_the_state_does(seeded: StateStore) -> None:
    before = seeded.digest()
    seeded.record(account("甲", status="disabled", roles=("a",)))
    seeded.record(account("甲", status="active", roles=("a",)))
    assert seeded.digest() == before
