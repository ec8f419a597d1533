"""The apply lock, against real processes."""

from __future__ import annotations

import logging
import os
import signal
import socket
import time
from pathlib import Path

import pytest
from state_builders import raw, spawn, wait_for_line

from provisioner.errors import LockHeldError
from provisioner.state import StateStore


def test_the_lock_is_held_inside_the_block_and_released_after(store: StateStore) -> None:
    with store.lock("li.lei", "apply"):
        info = store.lock_info()
        assert info is not None
        assert (info.holder, info.operation, info.pid) == ("li.lei", "apply", os.getpid())
        assert info.host == socket.gethostname()
    assert store.lock_info() is None


def test_the_lock_is_released_when_the_block_raises(store: StateStore) -> None:
    with pytest.raises(RuntimeError), store.lock("li.lei", "apply"):
        raise RuntimeError("apply failed")
    assert store.lock_info() is None


def test_a_second_holder_in_the_same_process_is_refused(store: StateStore) -> None:
    with StateStore.open(store.location) as other, store.lock("li.lei", "apply"):
        with pytest.raises(LockHeldError, match=r"state is locked by li\.lei"):
            other.lock("han.meimei", "tasks").__enter__()
        assert store.lock_info() is not None


def test_a_lock_held_by_a_live_process_fails_fast_then_can_be_waited_for(db_path: Path) -> None:
    StateStore.open(db_path).close()
    holder = spawn("_lock_holder.py", str(db_path), "ci@runner-7", "1.5")
    try:
        wait_for_line(holder, "locked")
        with StateStore.open(db_path) as store:
            started = time.monotonic()
            with pytest.raises(LockHeldError) as refused:
                store.lock("li.lei", "apply").__enter__()
            assert time.monotonic() - started < 1.0
            assert str(refused.value) == (
                f"state is locked by ci@runner-7 (apply, pid {holder.pid} on "
                f"{socket.gethostname()}, since {store.lock_info().since}); wait, "  # type: ignore[union-attr]
                "use --lock-timeout, or run `provisioner state unlock` if that process is gone"
            )

            with store.lock("li.lei", "apply", timeout=30):
                # It waited for the holder to let go (the holder exits just after releasing).
                assert time.monotonic() - started >= 1.0
                assert holder.wait(timeout=10) == 0
                assert store.lock_info().holder == "li.lei"  # type: ignore[union-attr]
    finally:
        holder.kill()
        holder.communicate()
    assert holder.returncode == 0


def test_waiting_gives_up_after_the_timeout(db_path: Path) -> None:
    StateStore.open(db_path).close()
    holder = spawn("_lock_holder.py", str(db_path), "ci", "30")
    try:
        wait_for_line(holder, "locked")
        with StateStore.open(db_path) as store:
            started = time.monotonic()
            with pytest.raises(LockHeldError, match="locked by ci"):
                store.lock("li.lei", "apply", timeout=0.5).__enter__()
            assert 0.5 <= time.monotonic() - started < 5
    finally:
        holder.kill()
        holder.communicate()


def test_a_lock_left_by_a_killed_process_on_this_host_is_taken_over(
    db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    StateStore.open(db_path).close()
    holder = spawn("_lock_holder.py", str(db_path), "ci", "30")
    wait_for_line(holder, "locked")
    holder.send_signal(signal.SIGKILL)
    holder.communicate()  # reaped: its pid is gone

    with StateStore.open(db_path) as store:
        assert store.lock_info().pid == holder.pid  # type: ignore[union-attr]
        with caplog.at_level(logging.WARNING), store.lock("li.lei", "apply"):
            assert store.lock_info().holder == "li.lei"  # type: ignore[union-attr]
    assert f"taking over the stale state lock of ci (apply, pid {holder.pid}" in caplog.text


def test_a_lock_from_another_host_is_never_presumed_dead(store: StateStore) -> None:
    with raw(store.location) as conn:
        conn.execute(
            "INSERT INTO lock (id, holder, operation, pid, host, since, token) VALUES (1, 'ci', 'apply', 999999999, 'build-host-2', "
            "'2025-01-01T00:00:00+00:00', 'their-token')"
        )
    with pytest.raises(LockHeldError, match=r"locked by ci \(apply, pid 999999999 on build-host-2"):
        store.lock("li.lei", "apply").__enter__()


def test_unlock_force_releases_and_reports_what_was_held(store: StateStore) -> None:
    assert store.unlock() is None
    with store.lock("li.lei", "apply"):
        released = store.unlock()
        assert released is not None and released.holder == "li.lei"
        assert store.lock_info() is None


def test_a_holder_whose_lock_was_forced_away_does_not_release_the_next_one(
    store: StateStore, caplog: pytest.LogCaptureFixture
) -> None:
    with StateStore.open(store.location) as other:
        with caplog.at_level(logging.WARNING), store.lock("li.lei", "apply"):
            store.unlock()
            other_lock = other.lock("han.meimei", "apply")
            other_lock.__enter__()
        assert store.lock_info().holder == "han.meimei"  # type: ignore[union-attr]
        assert "released by someone else" in caplog.text
        other_lock.__exit__(None, None, None)
    assert store.lock_info() is None
