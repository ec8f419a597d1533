"""Files are what they claim: a FIFO, a device, a directory or a huge file is refused at once.

Each would hang (a FIFO blocks until a writer comes), never end (`/dev/zero`) or exhaust memory
when read; each run here is a real process with a deadline, so a hang fails the test.
"""

from __future__ import annotations

import os
from pathlib import Path

from engine_project import Project, account, agent, config, memory_shop


def team() -> dict[str, object]:
    return config({"mem": memory_shop()}, {"a0": agent("a0", account("mem", "a0"))})


def test_a_fifo_device_or_directory_as_the_plan_file_is_refused_at_once(project: Project) -> None:
    project.write(team())
    fifo = project.root / "plan.fifo"
    os.mkfifo(fifo)
    for command, path, kind in (
        ("apply", "plan.fifo", "is a FIFO (named pipe), not a regular file"),
        ("show", "/dev/zero", "is a character device, not a regular file"),
    ):
        result = project.run_process(command, path, timeout=20)
        assert result.code == 1
        assert (
            result.err == f"error: {path} {kind}: a saved plan is a file written by `plan --out`\n"
        )
    (project.root / "plans").mkdir()
    directory = project.run("apply", "plans")
    assert directory.code == 1
    assert "'plans' is a directory" in directory.err
    assert project.live_accounts("mem") == set()


def test_a_huge_plan_file_is_refused_before_it_is_read(project: Project) -> None:
    project.write(team())
    huge = project.root / "huge.json"
    with huge.open("wb") as handle:  # sparse: costs no disk
        handle.truncate(300 * 1024 * 1024)
    result = project.run("apply", "huge.json")
    assert result.code == 1
    assert "error: huge.json is 300 MiB, more than the 256 MiB allowed" in result.err


def test_a_symlink_to_a_regular_plan_file_is_fine(project: Project) -> None:
    project.write(team())
    project.ok("plan", "--out", "p.json")
    Path(project.root / "link.json").symlink_to(project.root / "p.json")
    assert project.ok("apply", "link.json").code == 0
    assert project.live_accounts("mem") == {"a0"}
