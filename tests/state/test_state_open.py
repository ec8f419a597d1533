"""Opening: a reader never writes, a writer creates and migrates, foreign or newer files are refused."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from state_builders import account, manual_create, raw

from provisioner.errors import StateError
from provisioner.state import StateReader, StateStore
from provisioner.state.schema import APPLICATION_ID, MIGRATIONS
from provisioner.state.sqlite import migrate


def pragma(path: Path, name: str) -> object:
    with raw(path) as conn:
        return conn.execute(f"PRAGMA {name}").fetchone()[0]


def test_a_reader_of_a_missing_file_sees_an_empty_state_and_creates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "config" / ".provisioner" / "state.db"
    with StateReader.open(path) as reader:
        assert reader.resources() == {}
        assert reader.shops() == frozenset()
        assert reader.tasks() == ()
        assert reader.history() == ()
        assert reader.lock_info() is None
    assert not (tmp_path / "config").exists()


@pytest.mark.parametrize("opener", [StateReader.open, StateStore.open])
def test_an_empty_file_is_refused_never_taken_for_a_fresh_start(
    tmp_path: Path, opener: object
) -> None:
    path = tmp_path / "state.db"
    path.touch()
    with pytest.raises(StateError, match=rf"^{path} is empty \(0 bytes\): not a provisioner"):
        opener(path)  # type: ignore[operator]
    assert path.read_bytes() == b""


@pytest.mark.parametrize("opener", [StateReader.open, StateStore.open])
def test_an_empty_sqlite_database_is_refused(tmp_path: Path, opener: object) -> None:
    path = tmp_path / "state.db"
    with raw(path) as conn:
        conn.execute("PRAGMA journal_mode = WAL")  # a header, no tables
    with pytest.raises(StateError, match="an empty SQLite database, not a provisioner state"):
        opener(path)  # type: ignore[operator]


def test_a_reader_never_writes(store: StateStore) -> None:
    store.record(account())
    store.close()
    before = store.location.read_bytes()
    with StateReader.open(store.location) as reader:
        reader.resources()
        reader.digest()
        reader.history()
        assert not hasattr(reader, "record")
    assert store.location.read_bytes() == before


def test_the_writer_creates_parent_directories_and_the_current_schema(db_path: Path) -> None:
    StateStore.open(db_path).close()
    assert pragma(db_path, "user_version") == len(MIGRATIONS)
    assert pragma(db_path, "application_id") == APPLICATION_ID
    assert pragma(db_path, "journal_mode") == "wal"


def test_a_new_store_appears_complete_and_reopening_loses_nothing(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    with StateStore.open(path) as store:
        store.record(account())
    with StateStore.open(path) as again:  # reopening migrates nothing and loses nothing
        assert list(again.resources()) == [account().address]
    assert pragma(path, "user_version") == len(MIGRATIONS)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_migrations_apply_in_order_from_the_recorded_version(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    first = ("CREATE TABLE one (x)",)
    second = ("CREATE TABLE two (x)", "INSERT INTO two VALUES (2)")
    with raw(path) as conn:
        migrate(conn, path, (first,))
        conn.execute("INSERT INTO one VALUES (1)")
        migrate(conn, path, (first, second))
        migrate(conn, path, (first, second))  # already current: a no-op

        assert conn.execute("PRAGMA user_version").fetchone()[0] == 2
        assert conn.execute("SELECT x FROM one").fetchall() == [(1,)]
        assert conn.execute("SELECT x FROM two").fetchall() == [(2,)]


def test_a_failing_migration_leaves_the_file_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    with raw(path) as conn:
        migrate(conn, path, (("CREATE TABLE one (x)",),))
        with pytest.raises(sqlite3.OperationalError):
            migrate(conn, path, (("CREATE TABLE one (x)",), ("CREATE TABLE two (x)", "BROKEN")))
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
        tables = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
        assert tables == [("one",)]


@pytest.mark.parametrize("opener", [StateReader.open, StateStore.open])
def test_a_file_that_is_not_a_database_is_refused_untouched(tmp_path: Path, opener: object) -> None:
    path = tmp_path / "notes.db"
    path.write_text("shopping list: milk, eggs\n" * 100)
    with pytest.raises(StateError, match=rf"{path}: not a provisioner state database"):
        opener(path)  # type: ignore[operator]
    assert path.read_text() == "shopping list: milk, eggs\n" * 100


@pytest.mark.parametrize("opener", [StateReader.open, StateStore.open])
def test_another_applications_database_is_refused_untouched(tmp_path: Path, opener: object) -> None:
    path = tmp_path / "other.db"
    with raw(path) as conn:
        conn.execute("CREATE TABLE customers (name)")
    before = path.read_bytes()
    with pytest.raises(StateError, match=rf"{path}: not a provisioner state database"):
        opener(path)  # type: ignore[operator]
    assert path.read_bytes() == before


@pytest.mark.parametrize("opener", [StateReader.open, StateStore.open])
def test_a_newer_schema_is_refused(db_path: Path, opener: object) -> None:
    StateStore.open(db_path).close()
    with raw(db_path) as conn:
        conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    with pytest.raises(
        StateError,
        match=rf"{db_path}: state schema version \d+ was created by a newer provisioner .* upgrade",
    ):
        opener(db_path)  # type: ignore[operator]


def test_an_unopenable_path_is_a_state_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(
        StateError, match=rf"{blocker}/state.db: cannot create its directory: File exists"
    ):
        StateStore.open(blocker / "state.db")
    with pytest.raises(StateError, match=rf"{tmp_path} is a directory, not a regular file"):
        StateStore.open(tmp_path)


def test_a_reader_sees_commits_made_after_it_opened(store: StateStore) -> None:
    with StateReader.open(store.location) as reader:
        store.record(account())
        assert list(reader.resources()) == [account().address]


def test_one_store_serves_many_threads(store: StateStore) -> None:
    run_id = store.begin_run("ci", None, "sha256:0")

    def work(shop: str) -> None:
        for i in range(50):
            resource = account(f"n{i}", shop, status="active")
            store.record_result(run_id, manual_create(f"n{i}", shop), "ok", resource=resource)

    threads = [threading.Thread(target=work, args=(f"shop-{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(store.resources()) == 200
    assert len(store.history()[0].results) == 200
