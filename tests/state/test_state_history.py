"""Apply history, and record_result keeping the history and the recorded state in step."""

from __future__ import annotations

from dataclasses import replace

import pytest
from state_builders import account, manual_create

from provisioner.errors import StateError
from provisioner.state import StateStore


def test_a_run_keeps_who_when_what_and_every_result_in_order(store: StateStore) -> None:
    run_id = store.begin_run("li.lei", "abc123", "sha256:plan", operation="apply")
    store.record_result(run_id, manual_create("甲"), "ok", resource=account("甲", "acme-pdd"))
    store.record_result(run_id, manual_create("乙"), "failed", "platform said no")
    store.record_result(run_id, manual_create("丙"), "skipped", "depends on a failed change")
    store.record_result(run_id, manual_create("丁"), "task_opened", "task 3")
    store.finish_run(run_id, "failed")

    (run,) = store.history()
    assert (run.id, run.who, run.commit, run.plan_digest) == (
        run_id,
        "li.lei",
        "abc123",
        "sha256:plan",
    )
    assert (run.operation, run.status) == ("apply", "failed")
    assert run.finished_at is not None and run.finished_at >= run.started_at
    assert [(str(r.address), r.status, r.message) for r in run.results] == [
        ("acme-pdd/account/甲", "ok", ""),
        ("acme-pdd/account/乙", "failed", "platform said no"),
        ("acme-pdd/account/丙", "skipped", "depends on a failed change"),
        ("acme-pdd/account/丁", "task_opened", "task 3"),
    ]
    assert run.results[0].key == manual_create("甲").key
    assert (run.results[0].action, run.results[0].execution) == ("create", "manual")


def test_history_is_newest_first_and_limited(store: StateStore) -> None:
    ids = [store.begin_run("ci", None, f"sha256:{i}") for i in range(5)]
    for run_id in ids:
        store.record_result(run_id, manual_create(), "ok", str(run_id))
    history = store.history(limit=3)
    assert [run.id for run in history] == ids[:1:-1]
    assert [[r.message for r in run.results] for run in history] == [[str(i)] for i in ids[:1:-1]]
    # Never finished, and no live process holds the lock: their process died.
    assert all(run.status == "interrupted" for run in history)


def test_a_run_is_running_while_its_holder_lives_and_interrupted_once_the_lock_is_taken(
    store: StateStore, caplog: pytest.LogCaptureFixture
) -> None:
    with store.lock("li.lei", "apply"):
        run_id = store.begin_run("li.lei", None, "sha256:0")
        store.record_result(run_id, manual_create("甲"), "ok", resource=account("甲", "acme-pdd"))
        assert [run.status for run in store.history()] == ["running"]
        last_result = store.history()[0].results[-1].at
    # The process "dies" here: the lock is gone and the run was never finished.
    with store.lock("wang.fang", "apply"):
        (run,) = store.history()
    assert (run.status, run.finished_at) == ("interrupted", last_result)
    assert [str(result.address) for result in run.results] == ["acme-pdd/account/甲"]
    assert f"run #{run_id} by li.lei stopped before it finished" in caplog.text
    assert "with the 1 change result(s) it had recorded" in caplog.text

    store.finish_run(run_id, "ok")  # a holder that was only force-unlocked has the last word
    assert store.history()[0].status == "ok"


def test_finishing_an_unknown_run_is_a_state_error(store: StateStore) -> None:
    with pytest.raises(StateError, match="there is no run 9"):
        store.finish_run(9, "ok")


def test_record_result_forgets_the_address_of_a_deleted_resource(store: StateStore) -> None:
    store.record(account("甲", "acme-pdd"))
    run_id = store.begin_run("ci", None, "sha256:0")
    store.record_result(
        run_id, replace(manual_create("甲"), action="delete", key=""), "ok", forget=True
    )
    assert store.resources() == {}


def test_the_result_and_the_state_update_commit_together_or_not_at_all(store: StateStore) -> None:
    # The state update runs first; the result row then fails (no such run): both roll back.
    with pytest.raises(StateError, match="FOREIGN KEY"):
        store.record_result(404, manual_create("甲"), "ok", resource=account("甲", "acme-pdd"))
    assert store.resources() == {}

    run_id = store.begin_run("ci", None, "sha256:0")
    with pytest.raises(ValueError, match="has no field 'phone'"):
        store.record_result(run_id, manual_create("甲"), "ok", resource=account("甲", phone="138"))
    assert store.history()[0].results == ()


def test_a_resource_and_forget_together_are_refused(store: StateStore) -> None:
    run_id = store.begin_run("ci", None, "sha256:0")
    with pytest.raises(ValueError, match="not both"):
        store.record_result(run_id, manual_create(), "ok", resource=account(), forget=True)
    assert store.history()[0].results == ()


def test_a_result_settles_its_intent_in_the_same_transaction(store: StateStore) -> None:
    created = manual_create("甲")
    run_id = store.begin_run("ci", None, "sha256:0")
    store.intend(created, account("甲", "acme-pdd"), run_id)
    # The result row fails (no such run): the intent stays, with nothing recorded.
    with pytest.raises(StateError, match="FOREIGN KEY"):
        store.record_result(404, created, "ok", resource=account("甲", "acme-pdd"), settle=True)
    assert list(store.intents()) == [created.address] and store.resources() == {}
    store.record_result(run_id, created, "ok", resource=account("甲", "acme-pdd"), settle=True)
    assert store.intents() == {} and list(store.resources()) == [created.address]


def test_a_task_opened_in_a_run_comes_with_its_result(store: StateStore) -> None:
    run_id = store.begin_run("li.lei", None, "sha256:0")
    task = store.open_task_in_run(run_id, manual_create("甲"), ("step",))
    again = store.open_task_in_run(run_id, manual_create("甲"), ("other",))  # idempotent
    assert again == task and task.created_by == "li.lei" and task.run_id == run_id
    results = store.history()[0].results
    assert [(r.status, r.message) for r in results] == [("task_opened", f"task #{task.id}")] * 2
    with pytest.raises(StateError, match="FOREIGN KEY"):  # no such run: no task either
        store.open_task_in_run(404, manual_create("乙"), ("step",))
    assert [t.address.name for t in store.tasks("open")] == ["甲"]
