"""Whatever a file holds, loading it ends in a valid config or located errors, never a crash.

Seeded, so a failure reproduces: the example, damaged a few characters at a time.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from provisioner.config.loader import load_config
from provisioner.errors import ConfigError

EXAMPLE = Path(__file__).parents[2] / "examples" / "acme"
DAMAGE = [*":-[]{}&*!|>'\"#\t\n ,?%@`0123456789", "<<: *a\n", "&a ", "*a", "\n  ", "---\n", "~"]


def example_text() -> str:
    texts = [p.read_text(encoding="utf-8") for p in sorted(EXAMPLE.rglob("*.yaml"))]
    return "version: 1\n" + "\n".join(t.replace("version: 1", "") for t in texts)


def damaged(text: str, rng: random.Random) -> str:
    chars = list(text)
    for _ in range(rng.randint(1, 6)):
        at = rng.randrange(len(chars))
        roll = rng.random()
        if roll < 0.4:
            chars[at] = rng.choice(DAMAGE)
        elif roll < 0.7:
            chars.insert(at, rng.choice(DAMAGE))
        else:
            del chars[at]
    return "".join(chars)


@pytest.mark.parametrize("seed", range(4))
def test_damaged_configs_fail_cleanly(seed: int, tmp_path: Path) -> None:
    rng = random.Random(seed)
    text = example_text()
    config = tmp_path / "config.yaml"
    outcomes = set()
    for _ in range(60):
        config.write_text(damaged(text, rng), encoding="utf-8")
        try:
            load_config(config)
            outcomes.add("valid")
        except ConfigError as exc:
            assert exc.diagnostics
            for diagnostic in exc.diagnostics:
                assert diagnostic.file == str(config) or diagnostic.file.endswith("config.yaml")
                assert diagnostic.line >= 1
                assert diagnostic.col >= 1
            outcomes.add("invalid")
    assert "invalid" in outcomes
