"""SIGKILL at random moments never corrupts the file nor splits a result from its state update."""

from __future__ import annotations

import random
import signal
import time
from pathlib import Path

from state_builders import raw, spawn, wait_for_line

from provisioner.state import StateReader, StateStore

TRIALS = 24


def test_a_writer_killed_at_random_times_leaves_history_and_state_in_step(db_path: Path) -> None:
    StateStore.open(db_path).close()
    pick = random.Random(20250101)
    for trial in range(TRIALS):
        writer = spawn("_result_writer.py", str(db_path), str(trial))
        wait_for_line(writer, "ready")
        time.sleep(pick.uniform(0.0, 0.25))
        writer.send_signal(signal.SIGKILL)
        writer.communicate(timeout=10)
        assert writer.returncode == -signal.SIGKILL

        assert _integrity(db_path) == "ok"
    _assert_state_replays_from_results(db_path)


def _integrity(path: Path) -> str:
    with raw(path) as conn:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


def _assert_state_replays_from_results(path: Path) -> None:
    expected: dict[str, int] = {}
    with StateReader.open(path) as reader:
        runs = reader.history(limit=TRIALS)
        recorded = {a.name: r.fields["reception_limit"] for a, r in reader.resources().items()}
    assert len(runs) == TRIALS
    results = [result for run in reversed(runs) for result in run.results]
    for result in results:
        if result.message == "forget":
            del expected[result.address.name]
        else:
            expected[result.address.name] = int(result.message.removeprefix("limit="))
    assert len(results) > TRIALS  # every writer got some work done before it was killed
    assert recorded == expected
