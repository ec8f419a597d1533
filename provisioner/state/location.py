"""Where the state lives, from `settings.state`: a SQLite file, or a PostgreSQL schema.

Opening goes through `writable` / `readonly`, which pick the backend. The PostgreSQL backend
(and psycopg with it) is imported only when a config asks for it, so SQLite users never pay
for loading it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from provisioner.errors import StateError
from provisioner.state.sql import Database

if TYPE_CHECKING:  # the models (pydantic) load slowly: state users that need none skip them
    from provisioner.model import StateSettings
    from provisioner.secrets import Secret


@dataclass(frozen=True)
class PostgresLocation:
    """A schema of a PostgreSQL database; `dsn` is a secret (it may hold a password)."""

    dsn: Secret
    schema: str = "provisioner"


Location = Path | PostgresLocation


def location_of(settings: StateSettings, base_dir: Path) -> Location:
    """The configured store; a relative SQLite path is relative to the config's directory.

    Raises SecretError naming `settings.state.dsn` when the DSN cannot be read.
    """
    from provisioner.secrets import resolve

    if settings.backend == "postgres":
        assert settings.dsn is not None  # the model requires a dsn for postgres
        dsn = resolve(settings.dsn, "settings.state.dsn", base_dir)
        return PostgresLocation(dsn, settings.db_schema)
    path = Path(settings.path).expanduser()
    return path if path.is_absolute() else base_dir / path


def writable(where: Location) -> Database:
    if isinstance(where, PostgresLocation):
        from provisioner.state.postgres import PostgresDatabase

        return PostgresDatabase.writable(where.dsn, where.schema)
    from provisioner.state.sqlite import SqliteDatabase

    with _file_errors(where):
        return SqliteDatabase.writable(where)


def readonly(where: Location) -> Database:
    if isinstance(where, PostgresLocation):
        from provisioner.state.postgres import PostgresDatabase

        return PostgresDatabase.readonly(where.dsn, where.schema)
    from provisioner.state.sqlite import SqliteDatabase

    with _file_errors(where):
        return SqliteDatabase.readonly(where)


@contextmanager
def _file_errors(path: Path) -> Iterator[None]:
    """What the file system refuses (a name too long, no permission) is a StateError naming
    the path, not a crash."""
    try:
        yield
    except OSError as exc:
        raise StateError(f"{path}: cannot open the state store: {exc.strerror or exc}") from exc
