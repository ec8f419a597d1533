"""`endpoint: sandbox`: the emulator in this process, and the stand-in back office beside it.

Only `provisioner.connectors.endpoints` imports this module, and only for a sandbox shop, so the
production path never loads the emulators or werkzeug. The emulator runs behind a WSGI
transport (no socket), persisted in `<state_dir>/sandbox/emulator.db`. Credentials are optional:
the fixed sandbox ones apply, with the session / access token `sandbox-session/<shop name>`, so
every shop is its own seller. There the `SandboxDesk` performs manual changes as the
back-office person would.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Mapping
from pathlib import Path

from provisioner.connectors.base import ShopContext
from provisioner.connectors.endpoints import Endpoint
from provisioner.connectors.http import wsgi_transport
from provisioner.connectors.native import native_codes
from provisioner.emulators import identity
from provisioner.emulators.app import EmulatorApp, make_app
from provisioner.emulators.backoffice import AccountSettings, BackOffice
from provisioner.emulators.family import Family
from provisioner.emulators.store import Duplicate, EmulatorError, Invalid, NotFound
from provisioner.errors import (
    ConflictError,
    ConnectorError,
    InvalidError,
    NotFoundError,
)
from provisioner.resources import Change, FieldValue
from provisioner.secrets import Secret

SANDBOX_DIR = "sandbox"
SANDBOX_URL = "http://sandbox.invalid"  # never resolved: the WSGI transport answers
# The emulator in this process is paced and limited like a platform, but at a local machine's
# rate: a real platform's 10-100 calls a second would only make the example slow.
SANDBOX_RATE = 1000.0


def sandbox_dir(context: ShopContext) -> Path:
    return context.state_dir / SANDBOX_DIR


_APPS: dict[Path, EmulatorApp] = {}
_APPS_LOCK = threading.Lock()


def sandbox_app(data_dir: Path) -> EmulatorApp:
    """One emulator per sandbox directory and process, so its shops share one flow control."""
    key = data_dir.resolve()
    with _APPS_LOCK:
        if key not in _APPS:
            _APPS[key] = make_app(key, admin=False, qps=SANDBOX_RATE)
        return _APPS[key]


def sandbox_endpoint(context: ShopContext) -> Endpoint:
    """The in-process emulator of the shop's API family, its credentials and its desk."""
    family = _family(context)
    app = sandbox_app(sandbox_dir(context))
    office = BackOffice(app.store, family.name, context.name)
    credentials = {**_sandbox_credentials(family, context.name), **context.credentials}
    desk = SandboxDesk(office, context)
    return Endpoint(SANDBOX_URL, wsgi_transport(app), credentials, SANDBOX_RATE, desk)


def _family(context: ShopContext) -> Family:
    """The emulated family the shop's descriptor names (`Platform.emulator`)."""
    module, _, name = context.descriptor.emulator.partition(":")
    if not module:
        raise InvalidError(
            f"{context.name}: {context.platform} has no sandbox; remove endpoint: sandbox"
        )
    found = getattr(importlib.import_module(module), name)
    assert isinstance(found, Family), context.descriptor.emulator
    return found


def _sandbox_credentials(family: Family, shop: str) -> dict[str, Secret]:
    values = dict(family.credentials)
    values[family.session_key] = identity.session_for(shop)
    return {name: Secret(value) for name, value in values.items()}


class SandboxDesk:
    """The sandbox's back-office person: carries a manual change out in the emulator.

    Done work is not redone: creating what exists updates it, deleting what is gone is fine.
    Accounts are named as the platform names them (TOP: "<main>:<nickname>", where a sandbox
    shop without `main_account` uses its shop name).
    """

    def __init__(self, office: BackOffice, context: ShopContext) -> None:
        self._office = office
        self._platform = context.platform
        self._descriptor = context.descriptor
        self._main = context.shop.main_account or context.name

    def _nick(self, nickname: str) -> str:
        return self._descriptor.account_name(nickname, self._main)

    def perform(self, change: Change) -> None:
        try:
            self._perform(change)
        except EmulatorError as exc:
            raise _typed(exc, change) from None

    def _perform(self, change: Change) -> None:
        name, action, after = change.address.name, change.action, change.after()
        kind = change.address.kind
        if kind == "account":
            self._account(self._nick(name), action, after)
        elif kind == "role":
            self._role(name, action, after)
        else:
            self._group(name, action, after)

    def _account(self, nick: str, action: str, after: dict[str, FieldValue]) -> None:
        exists = self._office.find_account(nick) is not None
        if action == "delete":
            if exists:
                self._office.delete_account(nick)
        elif exists:
            self._office.update_account(nick, account_settings(after))
        else:
            self._office.create_account(nick, account_settings(after))

    def _role(self, name: str, action: str, after: dict[str, FieldValue]) -> None:
        exists = any(role.name == name for role in self._office.list_roles())
        if action == "delete":
            if exists:
                self._office.delete_role(name)
            return
        codes = native_codes(self._platform, after)
        if exists:
            self._office.set_role_permissions(name, codes)
        else:
            self._office.create_role(name, codes)

    def _group(self, name: str, action: str, after: dict[str, FieldValue]) -> None:
        exists = any(group.name == name for group in self._office.list_groups())
        description = after.get("description")
        members = after.get("members")
        nicks = [self._nick(m) for m in members] if isinstance(members, tuple) else None
        if action == "delete":
            if exists:
                self._office.delete_group(name)
            return
        if not exists:
            self._office.create_group(name)
        text = description if isinstance(description, str) else None
        self._office.update_group(name, text, nicks)


def account_settings(after: Mapping[str, FieldValue]) -> AccountSettings:
    """Back-office settings for an account change's `after` values (None empties a setting)."""
    status, roles, limit, schedule = (
        after.get(name) for name in ("status", "roles", "reception_limit", "schedule")
    )
    clear = tuple(
        name for name in ("reception_limit", "schedule") if name in after and after[name] is None
    )
    return AccountSettings(
        disabled=(status == "disabled") if "status" in after else None,
        dispatch=bool(after["dispatch"]) if "dispatch" in after else None,
        roles=tuple(roles) if isinstance(roles, tuple) else (() if "roles" in after else None),
        reception_limit=limit if isinstance(limit, int) and not isinstance(limit, bool) else None,
        schedule=schedule if isinstance(schedule, str) else None,
        clear=clear,
    )


def _typed(exc: EmulatorError, change: Change) -> ConnectorError:
    text = f"{change.address}: the sandbox back office refused: {exc}"
    if isinstance(exc, NotFound):
        return NotFoundError(text)
    if isinstance(exc, Duplicate):
        return ConflictError(text)
    if isinstance(exc, Invalid):
        return InvalidError(text)
    return ConnectorError(text)
