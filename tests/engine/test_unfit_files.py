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


def secret_team(credentials: dict[str, object]) -> dict[str, object]:
    document = team()
    document["shops"]["mem"]["credentials"] = credentials  # type: ignore[index]
    return document


def position(project: Project, key: str) -> str:
    lines = (project.root / "provisioner.yaml").read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(lines, 1) if text.strip().startswith(f"{key}:"))
    return f"provisioner.yaml:{line}:"


def test_a_fifo_or_device_as_a_secret_file_is_a_positioned_error_at_once(project: Project) -> None:
    os.mkfifo(project.root / "session.fifo")
    project.write(secret_team({"session": {"file": "session.fifo"}, "key": {"file": "/dev/zero"}}))
    for command in ("validate", "plan"):
        result = project.run_process(command, timeout=20)
        assert result.code == 1
        lines = result.err.splitlines()
        assert any(
            line.startswith(position(project, "file"))
            and line.endswith(
                "shops.mem.credentials.session.file: secret file session.fifo is a FIFO (named pipe), "
                "not a regular file"
            )
            for line in lines
        ), result.err
        assert any(
            line.endswith(
                "shops.mem.credentials.key.file: secret file /dev/zero is a character device, "
                "not a regular file"
            )
            for line in lines
        ), result.err


def test_a_huge_secret_file_is_refused(project: Project) -> None:
    with (project.root / "big.txt").open("wb") as handle:
        handle.truncate(1024 * 1024)
    project.write(secret_team({"session": {"file": "big.txt"}}))
    result = project.run("validate")
    assert result.code == 1
    assert (
        "shops.mem.credentials.session.file: secret file big.txt is 1 MiB, "
        "more than the 64 KiB allowed"
    ) in result.err


def test_a_secret_shorter_than_8_characters_is_refused_with_its_position(project: Project) -> None:
    (project.root / "session.txt").write_text("k\n", encoding="utf-8")
    project.write(secret_team({"session": {"file": "session.txt"}, "key": {"env": "MEM_KEY"}}))
    result = project.run("validate", env={"MEM_KEY": "abc1234"})
    assert result.code == 1
    assert (
        "shops.mem.credentials.session.file: this secret is 1 character long; a credential has "
        "at least 8"
    ) in result.err
    assert "shops.mem.credentials.key.env: this secret is 7 characters long" in result.err
    assert "abc1234" not in result.err
    assert project.run("validate", env={"MEM_KEY": "abc12345"}).err.count("secret is") == 1
    # unset here (set only in CI, say): not judged at validate time
    project.write(secret_team({"key": {"env": "MEM_KEY"}}))
    assert project.run("validate").code == 0
