"""`StateReader.snapshot()`: everything planning reads, from one read, on both backends.

It must answer exactly what the reader's own methods answer, and its digest must be the
reader's `digest()` of the same state: saved plans are bound to it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from state_builders import account, manual_create

from provisioner.resources import Address
from provisioner.state import StateStore
from provisioner.state.location import Location, PostgresLocation


@pytest.fixture(params=["sqlite", "postgres"])
def where(request: pytest.FixtureRequest, tmp_path: Path) -> Location:
    if request.param == "sqlite":
        return tmp_path / "state.db"
    location: PostgresLocation = request.getfixturevalue("pg_location")
    return location


@pytest.fixture
def seeded(where: Location) -> Iterator[StateStore]:
    with StateStore.open(where) as store:
        store.record_many(
            [
                account("甲", status="active", roles=("a", "b")),
                account("乙", remote_id="2"),
                account("丙", shop="acme-jd", remote_id="9", status="disabled"),
                account("丁", shop="acme-jd"),
            ]
        )
        store.set_protected("acme-tmall", ["店长"])
        store.set_protected("acme-jd", ["老板", "店长"])
        store.set_protected("acme-empty", ["店长"])  # protected names of a shop with no records
        done = store.open_task(manual_create("戊"), ("step",), run_id=None)
        store.open_task(manual_create("己"), ("step one", "step two"), run_id=None)
        store.complete_task(done.id, "li.lei")
        run_id = store.begin_run("li.lei", None, "sha256:plan")
        store.intend(manual_create("庚"), account("庚", shop="acme-pdd", status="active"), run_id)
        yield store


def test_the_snapshot_answers_what_the_reader_answers(seeded: StateStore) -> None:
    snapshot = seeded.snapshot()
    assert snapshot.resources() == seeded.resources()
    assert list(snapshot.resources()) == list(seeded.resources())  # address order
    for shop in ("acme-tmall", "acme-jd", "acme-empty", "nowhere"):
        assert snapshot.resources(shop) == seeded.resources(shop)
        assert snapshot.protected(shop) == seeded.protected(shop)
        for kinds in ({"account"}, {"role"}, {"account", "role"}):
            assert snapshot.remote_ids(shop, kinds) == seeded.remote_ids(shop, kinds)
    assert snapshot.shops() == seeded.shops() == {"acme-tmall", "acme-jd"}
    assert snapshot.intents() == seeded.intents()
    assert list(snapshot.intents()) == [Address("acme-pdd", "account", "庚")]
    assert snapshot.open_tasks == seeded.tasks("open")
    assert [task.address.name for task in snapshot.open_tasks] == ["己"]
    assert snapshot.open_tasks_by_key() == seeded.open_tasks_by_key()


def test_the_snapshot_digest_is_the_readers_digest_as_the_state_moves(
    seeded: StateStore,
) -> None:
    seen = {seeded.snapshot().digest}
    assert seeded.snapshot().digest == seeded.digest()
    for change in (
        lambda: seeded.record(account("甲", status="disabled", roles=("a", "b"))),
        lambda: seeded.set_protected("acme-jd", ["老板"]),
        lambda: seeded.open_task(manual_create("辛"), ("step",), run_id=None),
        lambda: seeded.settle(Address("acme-pdd", "account", "庚")),
        lambda: seeded.forget_shop("acme-jd"),
    ):
        change()
        digest = seeded.snapshot().digest
        assert digest == seeded.digest()
        assert digest not in seen
        seen.add(digest)
