"""The platform descriptors: one per platform, read by every layer; the sandbox stays off the
production path; the `memory` test platform is the tests' plugin, never a user's platform."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from provisioner.connectors.registry import connector_class
from provisioner.platforms import builtin_platforms, descriptor, known_platforms
from provisioner.platforms.builtin import BUILTIN

PLUGINS = Path(__file__).parent / "plugins"
LOADED = "import json, sys; print(json.dumps(sorted(sys.modules)))"


def run_python(code: str, *, with_test_plugins: bool = True) -> subprocess.CompletedProcess[str]:
    paths = os.environ.get("PYTHONPATH", "").split(os.pathsep)
    if not with_test_plugins:
        paths = [p for p in paths if Path(p or ".").resolve() != PLUGINS.resolve()]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in paths if p)}
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )


def modules_after(imports: str) -> list[str]:
    loaded: list[str] = json.loads(run_python(f"{imports}\n{LOADED}").stdout)
    return loaded


def test_real_connectors_load_no_emulator_and_no_werkzeug() -> None:
    modules = sorted({BUILTIN[name].connector.partition(":")[0] for name in BUILTIN})
    assert {"provisioner.connectors.top", "provisioner.connectors.kuaishou"} <= set(modules)
    imports = "\n".join(
        [f"import {module}" for module in modules]
        + ["import provisioner.connectors.registry, provisioner.connectors.endpoints"]
        + ["import provisioner.run.workflow, provisioner.apply.executor, provisioner.apply.tasks"]
    )
    loaded = modules_after(imports)
    assert set(modules) <= set(loaded)
    offending = [m for m in loaded if m.startswith(("provisioner.emulators", "werkzeug"))]
    assert offending == []


def test_the_in_process_sandbox_is_what_loads_the_emulators() -> None:
    # The check above would pass vacuously if nothing ever loaded them.
    loaded = modules_after("import provisioner.connectors.sandbox")
    assert "provisioner.emulators.app" in loaded
    assert "werkzeug" in loaded


@pytest.mark.parametrize("name", sorted(BUILTIN))
def test_each_builtin_connector_is_the_one_its_descriptor_names(name: str) -> None:
    platform = descriptor(name)
    connector = connector_class(name)
    assert connector.platform == platform.name == name
    assert connector.capabilities == platform.capabilities
    assert connector.display_name == platform.display_name


def test_account_names_follow_each_platforms_format() -> None:
    assert descriptor("tmall").account_name("小王", "acme旗舰店") == "acme旗舰店:小王"
    assert descriptor("tmall").needs_main_account
    assert descriptor("kuaishou").account_name("小王", "acme") == "小王"
    assert not descriptor("jd").needs_main_account


def test_memory_is_registered_by_the_tests_as_a_plugin() -> None:
    assert "memory" in known_platforms()
    assert "memory" not in builtin_platforms()
    assert connector_class("memory").__module__ == "memory_platform"


def test_users_are_not_offered_the_memory_platform(tmp_path: Path) -> None:
    code = (
        "import json\n"
        "from provisioner.platforms import known_platforms\n"
        "from provisioner.config.schema import json_schema\n"
        "schema = json_schema()\n"
        "shop = schema['$defs']['Shop']['properties']['platform']\n"
        "print(json.dumps([list(known_platforms()), shop['enum']]))\n"
    )
    known, offered = json.loads(run_python(code, with_test_plugins=False).stdout)
    assert known == sorted(builtin_platforms())
    assert offered == list(builtin_platforms())
    assert "memory" not in known

    config = tmp_path / "shops.yaml"
    config.write_text("version: 1\nshops:\n  s: {platform: memory}\n", encoding="utf-8")
    validate = f"from provisioner.cli.main import main; raise SystemExit(main(['validate', '-c', {str(config)!r}]))"
    with pytest.raises(subprocess.CalledProcessError) as failed:
        run_python(validate, with_test_plugins=False)
    assert "unknown platform 'memory'" in failed.value.stderr
