"""Where a TOP or Kuaishou connector sends its calls, and the sandbox's stand-in back office.

`shop.endpoint`:
- omitted: the platform's production API, with the shop's own credentials (all required);
- `http://...` / `https://...`: that URL, exactly like a real platform (e.g. the emulator served
  by `provisioner sandbox serve`), with the shop's own credentials;
- `sandbox`: the emulator in this process, through a WSGI transport (no socket), persisted in
  `<state_dir>/sandbox/emulator.db`. Credentials are optional: the fixed sandbox ones apply,
  with the session / access token `sandbox-session/<shop name>`, so every shop is its own
  seller. There the `SandboxDesk` performs manual changes as the back-office person would.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from provisioner.catalog import load_catalog
from provisioner.connectors.base import ShopContext
from provisioner.connectors.http import Transport, wsgi_transport
from provisioner.emulators import identity
from provisioner.emulators.app import EmulatorApp, make_app
from provisioner.emulators.backoffice import AccountSettings, BackOffice
from provisioner.emulators.store import Duplicate, EmulatorError, Invalid, NotFound
from provisioner.errors import (
    AuthError,
    ConflictError,
    ConnectorError,
    InvalidError,
    NotFoundError,
)
from provisioner.resources import Change, FieldValue
from provisioner.secrets import Secret

SANDBOX = "sandbox"
SANDBOX_DIR = "sandbox"
SANDBOX_URL = "http://sandbox.invalid"  # never resolved: the WSGI transport answers
SANDBOX_RATE = 100.0
Family = Literal["top", "kuaishou"]

_SANDBOX_CREDENTIALS: Mapping[Family, Mapping[str, str]] = {
    "top": {"app_key": identity.APP_KEY, "app_secret": identity.APP_SECRET},
    "kuaishou": {
        "app_key": identity.APP_KEY,
        "app_secret": identity.APP_SECRET,
        "sign_secret": identity.SIGN_SECRET,
    },
}
_SESSION_KEY: Mapping[Family, str] = {"top": "session", "kuaishou": "access_token"}


@dataclass(frozen=True)
class Endpoint:
    """How to reach one shop's platform: base URL, optional transport, credentials, and the
    sandbox's back office (None for anything but `endpoint: sandbox`)."""

    base_url: str
    transport: Transport | None
    credentials: Mapping[str, Secret]
    office: BackOffice | None
    default_rate: float


def sandbox_dir(context: ShopContext) -> Path:
    return context.state_dir / SANDBOX_DIR


_APPS: dict[Path, EmulatorApp] = {}
_APPS_LOCK = threading.Lock()


def sandbox_app(data_dir: Path) -> EmulatorApp:
    """One emulator per sandbox directory and process, so its shops share one flow control."""
    key = data_dir.resolve()
    with _APPS_LOCK:
        if key not in _APPS:
            _APPS[key] = make_app(key, admin=False)
        return _APPS[key]


def resolve_endpoint(
    context: ShopContext, family: Family, production_url: str, default_rate: float
) -> Endpoint:
    endpoint = context.shop.endpoint
    if endpoint == SANDBOX:
        app = sandbox_app(sandbox_dir(context))
        office = BackOffice(app.store, family, context.name)
        credentials = {**_sandbox_credentials(family, context.name), **context.credentials}
        return Endpoint(SANDBOX_URL, wsgi_transport(app), credentials, office, SANDBOX_RATE)
    if endpoint is None:
        return Endpoint(production_url, None, context.credentials, None, default_rate)
    if not endpoint.startswith(("http://", "https://")):
        raise InvalidError(
            f"{context.name}: endpoint must be 'sandbox' or an http(s) URL, not {endpoint!r}"
        )
    return Endpoint(endpoint.rstrip("/"), None, context.credentials, None, default_rate)


def _sandbox_credentials(family: Family, shop: str) -> dict[str, Secret]:
    values = dict(_SANDBOX_CREDENTIALS[family])
    values[_SESSION_KEY[family]] = identity.session_for(shop)
    return {name: Secret(value) for name, value in values.items()}


def require_credentials(
    credentials: Mapping[str, Secret], names: tuple[str, ...], shop: str
) -> dict[str, str]:
    """The values of the named credentials; AuthError naming (never showing) any missing."""
    missing = [name for name in names if name not in credentials]
    if missing:
        listed = ", ".join(missing)
        raise AuthError(f"{shop}: missing credential(s) {listed}: add them under credentials:")
    return {name: credentials[name].reveal() for name in names}


class SandboxDesk:
    """The sandbox's back-office person: carries a manual change out in the emulator.

    Done work is not redone: creating what exists updates it, deleting what is gone is fine.
    `nick` turns a nickname into the platform's account name (TOP: "<main>:<nickname>").
    """

    def __init__(self, office: BackOffice, platform: str, nick: Callable[[str], str]) -> None:
        self._office = office
        self._platform = platform
        self._nick = nick

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


def native_codes(platform: str, after: Mapping[str, FieldValue]) -> tuple[str, ...]:
    """A role's native permission codes: the catalog's for its permissions, plus its extras."""
    permissions = after.get("permissions")
    extras = after.get("native")
    mapped = load_catalog().native_codes(
        platform, permissions if isinstance(permissions, tuple) else ()
    )
    return tuple(sorted({*mapped, *(extras if isinstance(extras, tuple) else ())}))


def _typed(exc: EmulatorError, change: Change) -> ConnectorError:
    text = f"{change.address}: the sandbox back office refused: {exc}"
    if isinstance(exc, NotFound):
        return NotFoundError(text)
    if isinstance(exc, Duplicate):
        return ConflictError(text)
    if isinstance(exc, Invalid):
        return InvalidError(text)
    return ConnectorError(text)
