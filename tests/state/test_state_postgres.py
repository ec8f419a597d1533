"""The PostgreSQL backend against a real server (the session's throwaway cluster).

The same contract as SQLite: what is recorded reads back the same and digests the same; the
lock names its holder, can be waited for, and dies with its holder's connection; foreign or
newer schemas are refused; a bad DSN is one line naming the host, never the password.
"""

from __future__ import annotations

import os
import signal
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from state_builders import account, manual_create, spawn, wait_for_line

from provisioner.errors import LockHeldError, StateError
from provisioner.secrets import Secret
from provisioner.state import StateReader, StateStore
from provisioner.state.location import PostgresLocation
from provisioner.state.schema import LATEST


@pytest.fixture
def pg_store(pg_location: PostgresLocation) -> Iterator[StateStore]:
    with StateStore.open(pg_location) as opened:
        yield opened


def fill(store: StateStore) -> None:
    store.record_many(
        [account("小王", remote_id="7", status="active"), account("Zed"), account("b")]
    )
    store.set_protected("acme-tmall", ["店长"])
    run_id = store.begin_run("ci", "abc123", "sha256:plan", dirty=False)
    task = store.open_task(manual_create(), ("step 1", "step 2"), run_id)
    store.record_result(run_id, manual_create(), "task_opened", f"task #{task.id}")
    store.finish_run(run_id, "ok")


def test_what_is_recorded_reads_back_as_on_sqlite_with_the_same_digest(
    pg_store: StateStore, tmp_path: Path
) -> None:
    with StateStore.open(tmp_path / "state.db") as lite:
        fill(lite)
        fill(pg_store)
        assert pg_store.resources() == lite.resources()
        assert list(pg_store.resources()) == list(lite.resources())  # the same byte order
        assert pg_store.protected("acme-tmall") == frozenset({"店长"})
        assert pg_store.tasks() == lite.tasks()
        assert [run.results for run in pg_store.history()] == [
            run.results for run in lite.history()
        ]
        assert pg_store.history()[0].git_dirty is False
        assert pg_store.digest() == lite.digest()


def test_a_reader_of_a_missing_schema_sees_an_empty_state_and_creates_nothing(
    pg_location: PostgresLocation, pg_dsn: str
) -> None:
    with StateReader.open(pg_location) as reader:
        assert reader.resources() == {}
        assert reader.lock_info() is None
    with psycopg.connect(pg_dsn) as conn:
        found = conn.execute(
            "SELECT 1 FROM pg_namespace WHERE nspname = %s", (pg_location.schema,)
        ).fetchall()
    assert found == []


def test_two_schemas_in_one_database_are_two_states(pg_store: StateStore, pg_dsn: str) -> None:
    pg_store.record(account())
    other = PostgresLocation(Secret(pg_dsn), pg_store.location.schema + "_b")  # type: ignore[union-attr]
    with StateStore.open(other) as second, pg_store.lock("a", "apply"), second.lock("b", "apply"):
        assert second.resources() == {}


def test_writers_in_parallel_threads_each_commit(pg_store: StateStore) -> None:
    run_id = pg_store.begin_run("ci", None, "sha256:plan")
    threads = [
        threading.Thread(target=pg_store.record, args=(account(f"a{index}"),)) for index in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    pg_store.finish_run(run_id, "ok")
    assert len(pg_store.resources()) == 8


def test_each_thread_has_its_own_connection(pg_store: StateStore, pg_dsn: str) -> None:
    """Apply's shop threads never queue behind one shared connection."""
    started = threading.Barrier(4)

    def write(index: int) -> None:
        started.wait(10)
        pg_store.record(account(f"a{index}"))

    threads = [threading.Thread(target=write, args=(index,)) for index in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert len(pg_store.resources()) == 4
    assert _sessions_like(pg_dsn, pg_store) == 5  # the opening thread's and one per writer


def test_unlock_also_ends_the_holders_other_threads(pg_store: StateStore) -> None:
    """A holder's apply threads write on connections of their own: once its lock is
    force-released they must stop writing too, not carry on without it."""
    lock = pg_store.lock("ci", "apply")
    lock.__enter__()
    worker = _Worker(pg_store)
    worker.write(account("before"))
    with StateStore.open(pg_store.location) as other:
        assert other.unlock() is not None
    with pytest.raises(StateError, match="terminating connection due to administrator command"):
        worker.write(account("after"))
    worker.stop()
    with pytest.raises(StateError, match="terminating connection due to administrator command"):
        lock.__exit__(None, None, None)  # the holder's own session is gone as well
    with StateReader.open(pg_store.location) as reader:
        assert list(reader.resources()) == [account("before").address]


class _Worker:
    """One thread that writes when told to, and hands back what happened."""

    def __init__(self, store: StateStore) -> None:
        self.store = store
        self.jobs: list[object] = []
        self.ready = threading.Semaphore(0)
        self.done = threading.Semaphore(0)
        self.failure: BaseException | None = None
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def write(self, resource: object) -> None:
        self.jobs.append(resource)
        self.ready.release()
        assert self.done.acquire(timeout=10)
        if self.failure is not None:
            failure, self.failure = self.failure, None
            raise failure

    def stop(self) -> None:
        self.jobs.append(None)
        self.ready.release()
        self.thread.join(10)

    def _loop(self) -> None:
        while self.ready.acquire():
            job = self.jobs.pop(0)
            if job is None:
                return
            try:
                self.store.record(job)  # type: ignore[arg-type]
            except BaseException as exc:
                self.failure = exc
            self.done.release()


def _sessions_like(pg_dsn: str, store: StateStore) -> int:
    """Server sessions carrying the tag of `store`'s own session."""
    with psycopg.connect(pg_dsn, autocommit=True) as watcher:
        with store._db.reading() as conn:
            (tag,) = conn.execute("SELECT current_setting('application_name')").fetchone()
        found = watcher.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", (tag,)
        ).fetchone()
    assert found is not None
    return int(found[0])


def test_the_lock_names_its_holder_fails_fast_and_can_be_waited_for(
    pg_location: PostgresLocation, pg_dsn: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    StateStore.open(pg_location).close()
    holder = spawn("_lock_holder.py", pg_dsn, "ci@runner-7", "1.5", pg_location.schema)
    try:
        wait_for_line(holder, "locked")
        with StateStore.open(pg_location) as store:
            started = time.monotonic()
            with pytest.raises(LockHeldError) as refused:
                store.lock("li.lei", "apply").__enter__()
            assert time.monotonic() - started < 1.0
            assert f"locked by ci@runner-7 (apply, pid {holder.pid} on {socket.gethostname()}" in (
                str(refused.value)
            )
            with store.lock("li.lei", "apply", timeout=30):
                assert time.monotonic() - started >= 1.0
                assert store.lock_info().holder == "li.lei"  # type: ignore[union-attr]
            assert store.lock_info() is None
    finally:
        holder.kill()
        holder.communicate(timeout=10)


def test_the_lock_names_the_ci_job(pg_store: StateStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_SERVER_URL", "https://github.com")
    monkeypatch.setenv("GITHUB_REPOSITORY", "acme/access")
    monkeypatch.setenv("GITHUB_RUN_ID", "42")
    with (
        pg_store.lock("ci", "apply"),
        StateStore.open(pg_store.location) as other,
        pytest.raises(LockHeldError, match=r"job https://github.com/acme/access/actions/runs/42"),
    ):
        other.lock("li.lei", "apply").__enter__()


def test_a_holder_killed_with_sigkill_leaves_no_lock(
    pg_location: PostgresLocation, pg_dsn: str
) -> None:
    StateStore.open(pg_location).close()
    holder = spawn("_lock_holder.py", pg_dsn, "ci", "60", pg_location.schema)
    wait_for_line(holder, "locked")
    os.kill(holder.pid, signal.SIGKILL)
    holder.communicate(timeout=10)
    # The server notices the closed connection at once; give it a moment on a busy machine.
    with StateStore.open(pg_location) as store, store.lock("li.lei", "apply", timeout=10):
        assert store.lock_info().holder == "li.lei"  # type: ignore[union-attr]


def test_unlock_ends_the_session_holding_the_lock(
    pg_location: PostgresLocation, pg_dsn: str
) -> None:
    StateStore.open(pg_location).close()
    holder = spawn("_lock_holder.py", pg_dsn, "ci", "60", pg_location.schema)
    try:
        wait_for_line(holder, "locked")
        with StateStore.open(pg_location) as store:
            released = store.unlock()
            assert released is not None and released.holder == "ci"
            with store.lock("li.lei", "apply", timeout=10):
                pass
            assert store.unlock() is None
    finally:
        holder.kill()
        holder.communicate(timeout=10)


def test_a_newer_schema_is_refused(pg_store: StateStore, pg_dsn: str) -> None:
    schema = pg_store.location.schema  # type: ignore[union-attr]
    with psycopg.connect(pg_dsn, autocommit=True) as conn:
        conn.execute(f'UPDATE "{schema}".provisioner_schema SET version = {LATEST + 1}')
    for opener in (StateReader.open, StateStore.open):
        with pytest.raises(StateError, match="was created by a newer provisioner"):
            opener(pg_store.location)


def test_a_foreign_schema_is_refused_untouched(pg_location: PostgresLocation, pg_dsn: str) -> None:
    with psycopg.connect(pg_dsn, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{pg_location.schema}"')
        conn.execute(f'CREATE TABLE "{pg_location.schema}".orders (id INTEGER)')
    for opener in (StateReader.open, StateStore.open):
        with pytest.raises(StateError, match="not a provisioner state database"):
            opener(pg_location)
    with psycopg.connect(pg_dsn) as conn:
        tables = conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s", (pg_location.schema,)
        ).fetchall()
    assert tables == [("orders",)]


def _refused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A port that accepts connections and never says a word."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    try:
        yield int(server.getsockname()[1])
    finally:
        server.close()


def open_error(dsn: str) -> str:
    with pytest.raises(StateError) as failed:
        StateStore.open(PostgresLocation(Secret(dsn), "provisioner"))
    message = str(failed.value)
    assert "\n" not in message
    assert "s3cret-pw" not in message
    return message


def test_a_wrong_password_is_one_line_naming_the_host(pg_dsn: str) -> None:
    params = conninfo_to_dict(pg_dsn)
    message = open_error(make_conninfo(pg_dsn, password="s3cret-pw"))
    where = f"{params['host']}:{params.get('port', 5432)}/{params.get('dbname', params['user'])}"
    assert message.startswith(f"PostgreSQL state {where} (schema provisioner): cannot connect: ")
    assert "password authentication failed" in message


def test_a_refused_connection_is_one_line_naming_the_host() -> None:
    port = _refused_port()
    message = open_error(f"postgresql://app:s3cret-pw@127.0.0.1:{port}/team")
    assert message == (
        f"PostgreSQL state 127.0.0.1:{port}/team (schema provisioner): cannot connect: "
        "connection refused"
    ), message


def test_a_server_that_never_answers_fails_within_connect_timeout(silent_server: int) -> None:
    started = time.monotonic()
    message = open_error(
        f"host=127.0.0.1 port={silent_server} user=app password=s3cret-pw connect_timeout=1"
    )
    assert time.monotonic() - started < 5
    assert message.startswith(
        f"PostgreSQL state 127.0.0.1:{silent_server}/app (schema provisioner): cannot connect: "
    )


def test_a_malformed_dsn_is_refused_without_quoting_it() -> None:
    message = open_error("host=127.0.0.1 password=s3cret-pw oops")
    assert message == (
        "settings.state.dsn: not a valid PostgreSQL connection string "
        "(expected key=value pairs or a postgresql:// URL)"
    ), message
