"""Stopping an apply never loses what it did: Ctrl-C, SIGTERM and a closed stdout.

Ctrl-C (SIGINT) and SIGTERM stop starting changes, let those in flight finish and be
recorded, and exit 130; a reader that goes away (`apply | head -1`) stops the printing, never
the apply. Each runs the real CLI in a process of its own against the memory platform, whose
writes are slowed down so the signal lands mid-apply.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

import pytest
from engine_project import Project, account, agent, config, memory_shop

ACCOUNTS = 20


def roster(project: Project) -> set[str]:
    names = {f"p{i:02d}" for i in range(ACCOUNTS)}
    agents = {name: agent(name, account("mem", name)) for name in sorted(names)}
    project.write(config({"mem": memory_shop()}, agents))
    return names


def recorded_accounts(project: Project) -> set[str]:
    if not project.db.exists():
        return set()
    return {address.split("/")[-1] for address in project.recorded() if "/account/" in address}


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_stops_new_changes_records_those_in_flight_and_exits_130(
    project: Project, signum: signal.Signals
) -> None:
    names = roster(project)
    apply = project.spawn(
        "apply", "--auto-approve", "--parallelism", "1", env={"PROVISIONER_MEMORY_DELAY": "0.5"}
    )
    deadline = time.monotonic() + 30
    while len(recorded_accounts(project)) < 1:  # one account done and recorded
        assert apply.poll() is None and time.monotonic() < deadline
        time.sleep(0.02)
    time.sleep(0.25)  # the next write (0.5 s each) is in flight
    apply.send_signal(signum)
    out, err = apply.communicate(timeout=30)

    assert apply.returncode == 130, err
    assert f"{signum.name}: starting no new changes; finishing and recording those in flight" in err
    assert "Apply interrupted: " in out and " not started." in out
    assert "Traceback" not in err
    created = project.live_accounts("mem")
    assert 2 <= len(created) < ACCOUNTS  # the one in flight when the signal came was finished
    assert recorded_accounts(project) == created  # nothing done is unrecorded
    assert " interrupted: " in project.ok("state", "history").out

    again = project.run("apply", "--auto-approve")
    assert again.code == 0, again.output
    assert project.live_accounts("mem") == recorded_accounts(project) == names


def test_a_closed_stdout_stops_the_printing_never_the_apply(project: Project) -> None:
    names = roster(project)
    apply = subprocess.Popen(
        [sys.executable, "-m", "provisioner.cli.main", "apply", "--auto-approve"],
        cwd=project.root,
        env=project.process_env({"PROVISIONER_MEMORY_DELAY": "0.02"}),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert apply.stdout is not None and apply.stderr is not None
    apply.stdout.readline()  # `| head -1`
    apply.stdout.close()
    err = apply.stderr.read()
    apply.stderr.close()
    assert apply.wait(timeout=60) == 0, err
    assert "BrokenPipe" not in err and "Traceback" not in err
    assert project.live_accounts("mem") == recorded_accounts(project) == names
    assert "No changes." in project.ok("plan").out


def test_ctrl_c_while_planning_exits_130_and_changes_nothing(project: Project) -> None:
    roster(project)
    slow = {"PROVISIONER_MEMORY_READ_DELAY": "5"}
    for command in (("plan",), ("apply", "--auto-approve")):
        started = project.spawn(*command, env=slow)
        time.sleep(1.5)  # loaded and reading the shop: no change has started
        started.send_signal(signal.SIGINT)
        _, err = started.communicate(timeout=30)
        assert started.returncode == 130, (command, err)
        assert err.rstrip().endswith("error: interrupted"), err
        assert "Traceback" not in err
    assert project.live_accounts("mem") == set()


def test_an_interrupted_apply_says_so_in_its_json(project: Project) -> None:
    roster(project)
    planned = len(project.plan_json()["changes"])
    apply = project.spawn(
        "apply",
        "--auto-approve",
        "--format",
        "json",
        "--parallelism",
        "1",
        env={"PROVISIONER_MEMORY_DELAY": "0.5"},
    )
    deadline = time.monotonic() + 30
    while len(recorded_accounts(project)) < 1:
        assert apply.poll() is None and time.monotonic() < deadline
        time.sleep(0.02)
    apply.send_signal(signal.SIGTERM)
    out, err = apply.communicate(timeout=30)
    assert apply.returncode == 130, err
    document = json.loads(out)
    assert document["interrupted"] is True
    results = [r for shop in document["shops"] for r in shop["results"]]
    assert {r["name"] for r in results if r["kind"] == "account"} == project.live_accounts("mem")
    assert 0 < document["not_started"] == planned - len(results)
