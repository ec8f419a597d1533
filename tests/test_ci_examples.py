"""The shipped CI files and pre-commit hook, checked by the real tools of those formats.

`actionlint` (GitHub Actions) and `check-jsonschema --builtin-schema vendor.gitlab-ci` (GitLab
CI, its schema vendored in the package: no network) are dev dependencies; each is also shown a
broken copy, so a linter that silently checks nothing fails here. The hook is installed and run
by `pre-commit try-repo` from this checkout, as a user's repository would get it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
CI = REPO / "examples" / "ci"
BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    found = shutil.which(name, path=str(BIN)) or shutil.which(name)
    assert found, f"{name} is not installed: pip install -e '.[dev]'"
    return found


def run(
    *argv: str, cwd: Path = REPO, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        argv, cwd=cwd, capture_output=True, text=True, timeout=600, check=False, env=env
    )


def load(name: str) -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((CI / name).read_text(encoding="utf-8"))
    return document


def test_the_github_workflow_passes_actionlint() -> None:
    result = run(tool("actionlint"), "-no-color", str(CI / "github-actions.yml"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_really_checks_it(tmp_path: Path) -> None:
    broken = tmp_path / "access.yml"
    text = (CI / "github-actions.yml").read_text(encoding="utf-8")
    broken.write_text(text.replace("${{ github.token }}", "${{ github.tokn }}"))
    result = run(tool("actionlint"), "-no-color", str(broken))
    assert result.returncode == 1
    assert 'property "tokn" is not defined' in result.stdout, result.stdout


def test_the_github_workflow_plans_on_pull_requests_and_applies_from_main_one_at_a_time() -> None:
    workflow = load("github-actions.yml")
    plan, apply = workflow["jobs"]["plan"], workflow["jobs"]["apply"]
    assert workflow[True] == {  # PyYAML reads the key `on` as True
        "pull_request": {"paths": ["access/**", ".github/workflows/access.yml"]},
        "push": {"branches": ["main"], "paths": ["access/**", ".github/workflows/access.yml"]},
        "schedule": [{"cron": "17 1 * * *"}],
        "workflow_dispatch": None,
    }
    assert plan["if"] == "github.event_name == 'pull_request'"
    assert apply["if"] == "github.event_name == 'push'"  # never from the schedule
    steps = "\n".join(str(step) for step in plan["steps"])
    assert "provisioner validate" in steps
    assert "--out plan.json --format markdown" in steps
    assert "actions/upload-artifact" in steps
    assert "updateComment" in steps and "createComment" in steps  # one comment, edited
    assert apply["concurrency"] == {"group": "access-apply", "cancel-in-progress": False}
    apply_steps = "\n".join(str(step) for step in apply["steps"])
    assert 'provisioner apply -c "$CONFIG" reviewed/plan.json' in apply_steps
    assert "is stale" in apply_steps  # a stale reviewed plan: plan again
    assert workflow["env"]["PROVISIONER_STATE_DSN"] == "${{ secrets.PROVISIONER_STATE_DSN }}"


def test_the_gitlab_pipeline_passes_the_gitlab_ci_schema() -> None:
    result = run(
        tool("check-jsonschema"), "--builtin-schema", "vendor.gitlab-ci", str(CI / "gitlab-ci.yml")
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_gitlab_schema_really_checks_it(tmp_path: Path) -> None:
    broken = tmp_path / ".gitlab-ci.yml"
    text = (CI / "gitlab-ci.yml").read_text(encoding="utf-8")
    broken.write_text(text.replace("resource_group: provisioner-apply", "resource_group: [oops]"))
    result = run(tool("check-jsonschema"), "--builtin-schema", "vendor.gitlab-ci", str(broken))
    assert result.returncode == 1, result.stdout


def test_the_gitlab_pipeline_plans_merge_requests_and_applies_one_at_a_time() -> None:
    pipeline = load("gitlab-ci.yml")
    assert pipeline["plan"]["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}]
    assert pipeline["plan"]["artifacts"]["paths"] == ["plan.json", "plan.md"]
    plan_script = "\n".join(pipeline["plan"]["script"])
    assert "--out plan.json --format markdown" in plan_script
    assert '"PUT"' in plan_script and '"POST"' in plan_script  # one note, edited
    assert pipeline["apply"]["resource_group"] == "provisioner-apply"
    assert pipeline["apply"]["rules"] == [
        {"if": '$CI_PIPELINE_SOURCE == "schedule"', "when": "never"},
        {"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"},
    ]
    assert "is stale" in "\n".join(pipeline["apply"]["script"])


def test_both_run_a_drift_check_on_a_schedule_that_applies_nothing() -> None:
    drift = load("github-actions.yml")["jobs"]["drift"]
    assert (
        drift["if"] == "github.event_name == 'schedule' || github.event_name == 'workflow_dispatch'"
    )
    steps = "\n".join(str(step) for step in drift["steps"])
    assert 'provisioner plan -c "$CONFIG" --format markdown --detailed-exitcode' in steps
    assert "provisioner apply" not in steps and "--out" not in steps
    gitlab = load("gitlab-ci.yml")["drift"]
    assert gitlab["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "schedule"'}]
    script = "\n".join(gitlab["script"])
    assert "--detailed-exitcode" in script and "provisioner apply" not in script


def test_the_pre_commit_hook_installs_from_this_checkout_and_reports_config_errors(
    tmp_path: Path,
) -> None:
    consumer = tmp_path / "access-repo"
    consumer.mkdir()
    (consumer / "access.yaml").write_text(
        "version: 1\nshops: {}\nagents:\n  wang:\n    name: 王\n    accounts:\n"
        "      - {shop: nowhere, nickname: 小王, roles: [presales]}\n",
        encoding="utf-8",
    )
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    env.pop("PYTHONPATH", None)  # the hook's own environment, not the tests'
    for argv in (("init", "-q"), ("add", "-A")):
        assert run("git", *argv, cwd=consumer).returncode == 0
    result = run(
        tool("pre-commit"), "try-repo", str(REPO), "provisioner-validate", "--all-files",
        cwd=consumer, env=env,
    )  # fmt: skip
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "provisioner validate" in output and "Failed" in output
    assert "access.yaml:7:16: agents.wang.accounts[0].shop: unknown shop 'nowhere'" in output


@pytest.mark.parametrize("name", ["github-actions.yml", "gitlab-ci.yml"])
def test_no_ci_file_holds_a_secret_value(name: str) -> None:
    text = (CI / name).read_text(encoding="utf-8")
    assert "postgresql://" not in text
    assert "password" not in text.lower()
