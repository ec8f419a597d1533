"""Resolving `{env: NAME}` / `{file: PATH}` references into values that refuse to be printed."""

from __future__ import annotations

import os
from pathlib import Path

from provisioner.errors import SecretError
from provisioner.files import KIB, UnfitFileError, read_regular
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


MAX_SECRET_BYTES = 64 * KIB  # a key, token or PEM chain; never a whole disk
MIN_SECRET_LENGTH = 8  # the sandbox's fixed credentials are 11 to 19 characters


def secret_path(ref: SecretRef, base_dir: Path) -> Path:
    assert ref.file is not None
    path = Path(ref.file).expanduser()
    return path if path.is_absolute() else base_dir / path


def resolve(ref: SecretRef, where: str, base_dir: Path) -> Secret:
    """Read the value a reference points to; errors name the reference, never a value."""
    if ref.env is not None:
        value = os.environ.get(ref.env)
        if value is None:
            raise SecretError(f"{where}: environment variable {ref.env} is not set")
        return Secret(value)
    path = secret_path(ref, base_dir)
    try:
        return Secret(_decoded(read_regular(path, MAX_SECRET_BYTES), where, path))
    except UnfitFileError as exc:
        raise SecretError(f"{where}: secret file {path} {exc}") from None
    except OSError as exc:
        raise SecretError(f"{where}: cannot read secret file {path}: {exc.strerror}") from None


def _decoded(data: bytes, where: str, path: Path) -> str:
    try:
        return data.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise SecretError(f"{where}: secret file {path} is not UTF-8 text") from None
