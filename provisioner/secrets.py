"""Resolving `{env: NAME}` / `{file: PATH}` references into values that refuse to be printed."""

from __future__ import annotations

import os
from pathlib import Path

from provisioner.errors import SecretError
from provisioner.model import SecretRef


class Secret:
    """A credential value. `str()` and `repr()` never show it; only `reveal()` does."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


def resolve(ref: SecretRef, where: str, base_dir: Path) -> Secret:
    """Read the value a reference points to; errors name the reference, never a value."""
    if ref.env is not None:
        value = os.environ.get(ref.env)
        if value is None:
            raise SecretError(f"{where}: environment variable {ref.env} is not set")
        return Secret(value)
    assert ref.file is not None
    path = Path(ref.file).expanduser()
    if not path.is_absolute():
        path = base_dir / path
    try:
        return Secret(path.read_text(encoding="utf-8").strip())
    except OSError as exc:
        raise SecretError(f"{where}: cannot read secret file {path}: {exc.strerror}") from None
