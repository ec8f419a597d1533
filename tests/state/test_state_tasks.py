"""Manual tasks: opened once per change, closed once, rebuilt into the change they stand for."""

from __future__ import annotations

from dataclasses import replace

import pytest
from state_builders import account, manual_create

from provisioner.errors import TaskError
from provisioner.resources import FieldChange
from provisioner.state import StateReader, StateStore

STEPS = ("商家后台 → 店铺管理 → 子账号管理 → 新增子账号", "确认创建")


def test_a_task_keeps_the_full_change_and_rebuilds_it(store: StateStore) -> None:
    change = replace(
        manual_create(reception_limit=80, dispatch=True, roles=("a", "b"), schedule=None),
        remote_id="42",
        depends_on=("other#create:api",),
    )
    task = store.open_task(change, STEPS, run_id=None, who="li.lei")

    with StateReader.open(store.location) as reader:
        again = reader.task(task.id)
    assert again == task
    assert (again.id, again.status, again.created_by, again.steps) == (1, "open", "li.lei", STEPS)
    assert again.closed_at is None
    assert again.change() == replace(change, depends_on=())


def test_open_task_is_idempotent_per_change_key_while_open(store: StateStore) -> None:
    first = store.open_task(manual_create(), STEPS, run_id=None)
    again = store.open_task(manual_create(reason="other"), ("other steps",), run_id=None)
    assert again == first
    assert len(store.tasks()) == 1

    store.complete_task(first.id, "li.lei")
    reopened = store.open_task(manual_create(), STEPS, run_id=None)
    assert reopened.id == first.id + 1
    assert [t.status for t in store.tasks()] == ["done", "open"]


def test_the_creator_defaults_to_whoever_started_the_run(store: StateStore) -> None:
    run_id = store.begin_run("ci@github", "abc123", "sha256:plan")
    task = store.open_task(manual_create(), STEPS, run_id)
    assert (task.created_by, task.run_id) == ("ci@github", run_id)


def test_completing_a_task_records_its_outcome_in_the_same_step(store: StateStore) -> None:
    task = store.open_task(manual_create(), STEPS, run_id=None)
    outcome = account("小王", "acme-pdd", status="active", roles=("presales",))
    done = store.complete_task(task.id, "li.lei", "done by hand", resource=outcome)

    assert (done.status, done.closed_by, done.note) == ("done", "li.lei", "done by hand")
    assert done.closed_at is not None
    assert store.resources() == {outcome.address: outcome}
    assert store.open_tasks_by_key() == {}


def test_completing_a_delete_task_can_forget_the_address(store: StateStore) -> None:
    store.record(account("小王", "acme-pdd", status="active"))
    delete = replace(manual_create(), action="delete", key="")
    task = store.open_task(delete, ("删除子账号",), run_id=None)
    store.complete_task(task.id, "li.lei", forget=True)
    assert store.resources() == {}


def test_a_closed_task_cannot_be_closed_again(store: StateStore) -> None:
    task = store.open_task(manual_create(), STEPS, run_id=None)
    store.cancel_task(task.id, "li.lei", "not needed")
    with pytest.raises(TaskError, match=r"task 1 is already cancelled \(by li.lei, "):
        store.complete_task(task.id, "han.meimei", resource=account("小王", "acme-pdd"))
    with pytest.raises(TaskError, match="task 1 is already cancelled"):
        store.cancel_task(task.id, "han.meimei")
    assert store.resources() == {}  # the refused completion recorded nothing
    assert store.task(task.id).note == "not needed"


def test_unknown_tasks_are_task_errors(store: StateStore) -> None:
    for attempt in (
        store.task,
        lambda i: store.complete_task(i, "x"),
        lambda i: store.cancel_task(i, "x"),
    ):
        with pytest.raises(TaskError, match="there is no task 7"):
            attempt(7)


def test_tasks_list_in_id_order_and_filter_by_status(store: StateStore) -> None:
    ids = [store.open_task(manual_create(f"n{i}"), STEPS, run_id=None).id for i in range(4)]
    store.complete_task(ids[1], "a")
    store.cancel_task(ids[2], "a")
    assert [t.id for t in store.tasks()] == ids
    assert [t.id for t in store.tasks("open")] == [ids[0], ids[3]]
    assert [t.id for t in store.tasks("done")] == [ids[1]]
    assert [t.id for t in store.tasks("cancelled")] == [ids[2]]
    assert set(store.open_tasks_by_key()) == {manual_create("n0").key, manual_create("n3").key}


def test_a_task_never_stores_a_field_that_is_not_declared(store: StateStore) -> None:
    change = replace(manual_create(), fields=(FieldChange("phone", None, "13800000001"),))
    with pytest.raises(ValueError, match="account has no field 'phone'"):
        store.open_task(change, STEPS, run_id=None)
    assert store.tasks() == ()
