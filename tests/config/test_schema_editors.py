"""The published JSON Schema as an editor or CI meets it, checked by an independent validator.

`check-jsonschema` (its own YAML reader and JSON Schema implementation, not our loader) must
accept every example file and flag each typo case in `schema_cases/` at the right place, so an
editor underlines what `provisioner validate` would report.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from provisioner.config.schema import json_schema

ROOT = Path(__file__).parents[2]
SCHEMA = ROOT / "schemas" / "provisioner.schema.json"
EXAMPLES = sorted(p for p in (ROOT / "examples").rglob("*.yaml") if "ci" not in p.parts)
CASES = Path(__file__).parent / "schema_cases"
CHECK = Path(sys.executable).parent / "check-jsonschema"

# case -> where the validator must point, and what it must say there
FLAGGED = {
    "account-key-typo": ("$.agents.wang.accounts[0]", "'nickame' was unexpected"),
    "credential-as-plain-text": (
        "$.shops['acme-tmall'].credentials.app_key",
        "'plain-text-key' is not of type 'object'",
    ),
    "day-misspelt": ("$.schedules.day.shifts[0].days[0]", "'monday' is not one of"),
    "permission-glob-in-a-role": ("$.roles.presales.permissions[0]", "'finance.*' is not one of"),
    "permission-misspelt": ("$.roles.presales.permissions[0]", "'chat.replly' is not one of"),
    "phone-as-number": ("$.agents.wang.phone", "13800000001 is not valid"),
    "platform-key-typo": ("$.shops['acme-tmall']", "'platfrom' was unexpected"),
    "platform-misspelt": ("$.shops['acme-tmall'].platform", "'tmal' is not one of"),
    "status-misspelt": ("$.agents.wang.status", "'gone' is not one of ['active', 'disabled']"),
    "time-hour-24": ("$.schedules.day.shifts[0].to", "'24:00' does not match"),
    "time-without-leading-zero": ("$.schedules.day.shifts[0].from", "'9:00' does not match"),
    "version-2": ("$.version", "1 was expected"),
}


def check(*files: Path) -> subprocess.CompletedProcess[str]:
    command = [str(CHECK), "--schemafile", str(SCHEMA), "-o", "text", *map(str, files)]
    return subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)


def test_every_example_file_passes_an_independent_validator() -> None:
    done = check(*EXAMPLES)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ok -- validation done" in done.stdout


def test_every_typo_case_is_flagged_where_it_is() -> None:
    assert sorted(FLAGGED) == sorted(p.stem for p in CASES.glob("*.yaml"))
    done = check(*sorted(CASES.glob("*.yaml")))  # one run: the validator starts slowly
    assert done.returncode == 1
    for name, (where, says) in FLAGGED.items():
        lines = [line for line in done.stdout.splitlines() if f"/{name}.yaml::" in line]
        assert any(f"{name}.yaml::{where}: " in line and says in line for line in lines), (
            name,
            lines,
        )


def test_every_property_says_what_it_is_for() -> None:
    schema = json_schema(plugins=False)
    sections = [("Config", schema), *schema["$defs"].items()]
    missing = [
        f"{model}.{name}"
        for model, definition in sections
        for name, prop in definition.get("properties", {}).items()
        if not prop.get("description")
    ]
    assert missing == [], "describe them in provisioner/config/schemadocs.py (or on the field)"


def test_closed_sets_are_enums_and_times_are_patterns() -> None:
    definitions = json.loads(SCHEMA.read_text(encoding="utf-8"))["$defs"]
    platform = definitions["Shop"]["properties"]["platform"]
    assert platform["enum"] == ["tmall", "taobao", "pinduoduo", "douyin", "kuaishou", "jd"]
    permissions = definitions["Role"]["properties"]["permissions"]["items"]["enum"]
    assert {"chat.reply", "finance.withdraw", "subaccount.manage"} <= set(permissions)
    assert len(permissions) == 23
    for field in ("from", "to"):
        assert definitions["Shift"]["properties"][field]["pattern"] == (
            "^([01][0-9]|2[0-3]):[0-5][0-9]$"
        )


def test_the_time_pattern_accepts_what_validate_accepts(tmp_path: Path) -> None:
    cases = []
    for value in ("00:00", "09:30", "23:59"):
        case = tmp_path / f"day-{value.replace(':', '')}.yaml"
        shift = f'{{days: [mon], from: "{value}", to: "23:59"}}'
        case.write_text(f"schedules:\n  day:\n    shifts:\n      - {shift}\n", encoding="utf-8")
        cases.append(case)
    assert check(*cases).returncode == 0
