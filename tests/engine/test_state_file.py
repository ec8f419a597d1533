"""A state file is never silently replaced: an emptied, foreign or unfit file is an error.

Emptying `.provisioner/state.db` after an apply used to be a silent fresh start: plan exited 0
and apply reopened every manual task and forgot the protected names. Starting afresh is now
explicit (delete the file).
"""

from __future__ import annotations

import os
import shutil

from engine_project import Project, account, agent, config, manual_shop, memory_shop


def team() -> dict[str, object]:
    agents = {"wang": agent("王", account("mem", "小王"), account("pdd", "小王"))}
    return config({"mem": memory_shop(protected=["店长"]), "pdd": manual_shop()}, agents)


def test_an_emptied_state_file_is_an_error_naming_it_not_a_fresh_start(project: Project) -> None:
    project.write(team())
    project.converge()
    live = project.platform("mem")
    project.db.write_bytes(b"")  # `: > .provisioner/state.db`
    for name in ("-wal", "-shm"):
        (project.db.parent / f"state.db{name}").unlink(missing_ok=True)

    for args in (("plan",), ("apply", "--auto-approve"), ("tasks",), ("state", "history")):
        refused = project.run(*args)
        assert refused.code == 1, (args, refused.output)
        assert refused.err.startswith(
            "error: .provisioner/state.db is empty (0 bytes): not a provisioner state database, "
            "and never silently started afresh"
        ), refused.err
    assert project.db.read_bytes() == b""  # left as found
    assert project.platform("mem") == live

    project.db.unlink()  # starting afresh is explicit
    assert project.run("plan").code == 0


def test_a_foreign_file_or_a_fifo_at_the_state_path_is_refused_at_once(project: Project) -> None:
    project.write(team())
    project.work.mkdir()
    project.db.write_text("not a database\n" * 200, encoding="utf-8")
    foreign = project.run("plan")
    assert foreign.code == 1
    assert "error: .provisioner/state.db: not a provisioner state database" in foreign.err

    project.db.unlink()
    os.mkfifo(project.db)
    fifo = project.run_process("apply", "--auto-approve", timeout=20)
    assert fifo.code == 1
    assert "state.db is a FIFO (named pipe), not a regular file" in fifo.err
    project.db.unlink()
    project.db.mkdir()
    directory = project.run("plan")
    assert directory.code == 1
    assert "state.db is a directory, not a regular file" in directory.err
    shutil.rmtree(project.db)


def test_a_state_path_the_file_system_refuses_is_an_error_naming_it(project: Project) -> None:
    too_long = "x" * 300  # longer than any file name Linux allows (255 bytes)
    agents = {"wang": agent("王", account("pdd", "小王"))}
    project.write(config({"pdd": manual_shop()}, agents, settings={"state": {"path": too_long}}))
    for args in (("plan",), ("apply", "--auto-approve")):
        refused = project.run(*args)
        assert refused.code == 1, (args, refused.output)
        assert refused.err.startswith(f"error: {too_long}: cannot open the state store"), (
            refused.err
        )
        assert "File name too long" in refused.err and "unexpected" not in refused.err
