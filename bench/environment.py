"""The benchmark's own virtualenv (``bench/.work/venv``): octoDNS and PyYAML, never provisioner's.

octoDNS is only the peer being measured; it is not a dependency of provisioner and is installed
from PyPI into this git-ignored environment the first time the runner needs it.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
WORK_DIR = BENCH_DIR / ".work"
VENV_DIR = WORK_DIR / "venv"
# Pinned so that figures stay comparable across runs; bump deliberately and re-measure.
REQUIREMENTS = ("octodns==1.22.0", "PyYAML==6.0.3")


@dataclass(frozen=True)
class BenchEnv:
    python: Path
    octodns_sync: Path

    def version_of(self, distribution: str) -> str:
        code = f"import importlib.metadata as m; print(m.version({distribution!r}))"
        return subprocess.run(
            [str(self.python), "-c", code], check=True, capture_output=True, text=True
        ).stdout.strip()


def _bin(name: str) -> Path:
    return VENV_DIR / "bin" / name


def ensure_env() -> BenchEnv:
    """Create the virtualenv and install the requirements if they are not there yet."""
    env = BenchEnv(python=_bin("python"), octodns_sync=_bin("octodns-sync"))
    if not env.python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV_DIR)], check=True)
    if not env.octodns_sync.exists():
        pip = [str(env.python), "-m", "pip", "install", "--quiet", *REQUIREMENTS]
        subprocess.run(pip, check=True)
    if not _has_libyaml(env.python):
        raise RuntimeError(f"PyYAML in {VENV_DIR} lacks libyaml: the floor needs yaml.CSafeLoader")
    return env


def _has_libyaml(python: Path) -> bool:
    code = "import yaml, sys; sys.exit(0 if yaml.__with_libyaml__ else 1)"
    return subprocess.run([str(python), "-c", code], check=False).returncode == 0
