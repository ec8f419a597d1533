"""The emulators' data: sellers, accounts, roles and dispatch groups in one SQLite file.

Every request opens its own connection and runs in one `BEGIN IMMEDIATE` transaction, so
concurrent requests (the threaded server, or shops applied in parallel in process) serialise
their writes; WAL lets reads go on meanwhile. `platform` is "top" (Tmall and Taobao share it),
"kuaishou" or "jos" (JD); a seller exists per platform.
"""

from __future__ import annotations

import hashlib
import sqlite3
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from provisioner.emulators.identity import session_for

Platform = str  # an emulated family's name: "top", "kuaishou", "jos" (`Family.name`)
DB_NAME = "emulator.db"

# Every Kuaishou seller has these platform roles (DESIGN §4); Kuaishou cannot create roles.
KUAISHOU_ROLES: tuple[tuple[str, str], ...] = (
    ("客服", "接待买家咨询"),
    ("售后客服", "处理售后与退款"),
    ("客服主管", "客服管理、分流与质检"),
    ("运营", "商品与营销运营"),
    ("财务", "资金与对账"),
)
SEED_ROLES: Mapping[Platform, tuple[tuple[str, str], ...]] = {"kuaishou": KUAISHOU_ROLES}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sellers (
    platform TEXT NOT NULL, seller TEXT NOT NULL, created REAL NOT NULL,
    PRIMARY KEY (platform, seller));
CREATE TABLE IF NOT EXISTS accounts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    platform TEXT NOT NULL, seller TEXT NOT NULL, nick TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0, dispatch INTEGER NOT NULL DEFAULT 0,
    deleted INTEGER NOT NULL DEFAULT 0, reception_limit INTEGER, schedule TEXT,
    contact_phone TEXT, remarks TEXT, updated REAL NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS accounts_live_nick
    ON accounts (platform, seller, nick) WHERE deleted = 0;
CREATE TABLE IF NOT EXISTS roles (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    platform TEXT NOT NULL, seller TEXT NOT NULL, name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '', created REAL NOT NULL, modified REAL NOT NULL,
    UNIQUE (platform, seller, name));
CREATE TABLE IF NOT EXISTS role_permissions (
    role_id INTEGER NOT NULL REFERENCES roles (id) ON DELETE CASCADE, code TEXT NOT NULL,
    PRIMARY KEY (role_id, code));
CREATE TABLE IF NOT EXISTS account_roles (
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    role_id INTEGER NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    PRIMARY KEY (account_id, role_id));
CREATE TABLE IF NOT EXISTS groups (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    platform TEXT NOT NULL, seller TEXT NOT NULL, name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '', UNIQUE (platform, seller, name));
CREATE TABLE IF NOT EXISTS group_members (
    group_id INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, account_id));
"""


class EmulatorError(Exception):
    """A platform rule refused the request; each platform reports it in its own shape."""


class NotFound(EmulatorError):
    pass


class Duplicate(EmulatorError):
    pass


class Invalid(EmulatorError):
    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter


@dataclass(frozen=True)
class Tenant:
    """One seller's view of the data, inside one open transaction."""

    conn: sqlite3.Connection
    platform: Platform
    seller: str


class Store:
    """The SQLite file; `tenant()` opens a transaction scoped to one seller."""

    def __init__(self, data_dir: Path) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self.path = data_dir / DB_NAME
        conn = self._connect()
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.executescript(_SCHEMA)
            _hash_plain_sellers(conn)
        finally:
            conn.close()

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=30000")
        # WAL with NORMAL sync cannot corrupt the file; an emulator can lose its last
        # transaction on power loss, and every write is many times faster.
        conn.execute("PRAGMA synchronous=NORMAL")
        return conn

    @contextmanager
    def tenant(self, platform: Platform, seller: str) -> Iterator[Tenant]:
        """One transaction for `seller`, created (and seeded) on first use."""
        conn = self._connect()
        try:
            conn.execute("BEGIN IMMEDIATE")
            tenant = Tenant(conn, platform, seller_key(seller))
            _ensure_seller(tenant)
            yield tenant
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        finally:
            conn.close()


def seller_key(seller: str) -> str:
    """How the database names a seller: a SHA-256 digest of the session (access token) that
    acts as it, never the token itself, nor the name that rebuilds it."""
    return hashlib.sha256(session_for(seller).encode()).hexdigest()


_SELLER_TABLES = ("sellers", "accounts", "roles", "groups")


def _hash_plain_sellers(conn: sqlite3.Connection) -> None:
    # Databases written before sellers were hashed keep their data under the new keys.
    conn.create_function("seller_key", 1, seller_key, deterministic=True)
    with conn:
        for table in _SELLER_TABLES:
            conn.execute(
                f"UPDATE {table} SET seller = seller_key(seller) WHERE length(seller) != 64"
            )


def seller_id(tenant: Tenant) -> int:
    """The seller's numeric id (TOP answers carry it as `seller_id`)."""
    row = tenant.conn.execute(
        "SELECT rowid FROM sellers WHERE platform = ? AND seller = ?",
        (tenant.platform, tenant.seller),
    ).fetchone()
    return int(row[0]) if row else 0


def _ensure_seller(tenant: Tenant) -> None:
    now = time.time()
    inserted = tenant.conn.execute(
        "INSERT OR IGNORE INTO sellers (platform, seller, created) VALUES (?, ?, ?)",
        (tenant.platform, tenant.seller, now),
    ).rowcount
    if not inserted:
        return
    for name, description in SEED_ROLES.get(tenant.platform, ()):
        tenant.conn.execute(
            "INSERT INTO roles (platform, seller, name, description, created, modified)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (tenant.platform, tenant.seller, name, description, now, now),
        )
