"""Timestamps as the store keeps them: ISO 8601, UTC, whole seconds."""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
