"""`validate --format json`: the versioned document CI and editors script against.

Format 1:

    {"format_version": "1", "valid": true,
     "summary": {"shops": 5, "roles": 5, "agents": 14, "accounts": 32, "files": 7},
     "errors": [{"file": "agents/a.yaml", "line": 4, "column": 48,
                 "path": "agents.wang.accounts[0].roles[0]", "message": "unknown role ..."}],
     "warnings": [...same shape...]}

`summary` is null when the config is invalid. An error that is not about a place in a file
(the config path does not exist) has null `file`, `line` and `column` and an empty `path`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from provisioner.config.loader import LoadedConfig
from provisioner.errors import Diagnostic

FORMAT_VERSION = "1"


def summary(loaded: LoadedConfig) -> dict[str, int]:
    """What a valid config declares, counted."""
    config = loaded.config
    return {
        "shops": len(config.shops),
        "roles": len(config.roles),
        "agents": len(config.agents),
        "accounts": sum(len(agent.accounts) for agent in config.agents.values()),
        "files": len(loaded.files),
    }


def _finding(diagnostic: Diagnostic) -> dict[str, Any]:
    return {
        "file": diagnostic.file,
        "line": diagnostic.line,
        "column": diagnostic.col,
        "path": diagnostic.path,
        "message": diagnostic.message,
    }


def unplaced(message: str) -> dict[str, Any]:
    """An error about the config as a whole, not a place in it."""
    return {"file": None, "line": None, "column": None, "path": "", "message": message}


def render_validation(
    loaded: LoadedConfig | None,
    errors: Iterable[Diagnostic | dict[str, Any]] = (),
    warnings: Iterable[Diagnostic] = (),
) -> str:
    document = {
        "format_version": FORMAT_VERSION,
        "valid": loaded is not None,
        "summary": summary(loaded) if loaded is not None else None,
        "errors": [e if isinstance(e, dict) else _finding(e) for e in errors],
        "warnings": [_finding(w) for w in warnings],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
