"""The shape of a platform descriptor: every fact about one platform the rest of the code needs.

A descriptor is plain data, cheap to import: the connector is named by an import string, so
validating a config or rendering a plan never loads HTTP clients, wire code or emulators.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from provisioner.platforms.capabilities import NO_API, Capabilities
from provisioner.resources import ResourceKind

# Which wire protocol a platform speaks (DESIGN §4); None: it has no account API at all.
ApiFamily = Literal["top", "kuaishou", "jos"]
NICKNAME = "{nickname}"
MAIN_ACCOUNT = "{main_account}"


@dataclass(frozen=True)
class NamingRule:
    """The back office's limits on names: lengths, and characters a nickname may not hold."""

    max_nickname: int
    max_role: int
    forbidden: str = ""


@dataclass(frozen=True)
class BackOffice:
    """Where things live in one platform's merchant back office, for manual-task steps."""

    home: str
    accounts: str
    roles: str
    groups: str
    service: str  # reception limits, dispatch and schedules
    role_word: str = "岗位"


GENERIC_BACK_OFFICE = BackOffice(
    "the merchant back office",
    "sub-accounts",
    "roles",
    "customer-service groups",
    "customer-service settings",
    "role",
)
DEFAULT_NAMING = NamingRule(max_nickname=64, max_role=64)


@dataclass(frozen=True)
class Platform:
    """One platform, as every layer sees it.

    - `name`: what a shop's `platform:` says; `display_name`: how people call it;
    - `api`: the wire family its connector speaks (None: no account API, every change manual);
    - `connector`: the connector class as `"module:Class"`, imported only when a shop connects;
    - `capabilities`: per resource kind, what its API can read and write;
    - `naming`: name limits `validate` enforces;
    - `account_format`: how the platform names a sub-account from its nickname, with
      `{nickname}` and `{main_account}` (Tmall: `"{main_account}:{nickname}"`); a format that
      uses `{main_account}` makes `main_account` required on the shop;
    - `back_office`: the menus manual-task steps send a person to;
    - `needs_contact_phone`: creating a sub-account needs the agent's phone (`validate`
      requires one; the connector gets it in `ShopContext.contacts`);
    - `api_hosts`: the official API's URL prefixes (https), the only remote endpoints a
      shop's credentials go to unless the operator allows more (see `provisioner.egress`);
    - `read_by_recorded_id`: kinds the API cannot list but reads back one by one by the id
      recorded at create (`ShopContext.recorded_ids`);
    - `emulator`: its API family's emulator as `"module:FAMILY"` (`endpoint: sandbox` and
      `sandbox serve`); empty when there is none;
    - `handover`: an account can be reset for a new person in the back office (new password,
      the new person's phone bound), so `handover_from` may hand it over.
    """

    name: str
    display_name: str
    connector: str
    api: ApiFamily | None = None
    capabilities: Capabilities = field(default_factory=lambda: NO_API)
    naming: NamingRule = DEFAULT_NAMING
    account_format: str = NICKNAME
    back_office: BackOffice = GENERIC_BACK_OFFICE
    needs_contact_phone: bool = False
    read_by_recorded_id: frozenset[ResourceKind] = frozenset()
    emulator: str = ""
    api_hosts: tuple[str, ...] = ()
    handover: bool = False

    @property
    def needs_main_account(self) -> bool:
        return MAIN_ACCOUNT in self.account_format

    def account_name(self, nickname: str, main_account: str | None) -> str:
        """The platform's name for the sub-account `nickname` (the nickname when no main account
        is known yet)."""
        if self.needs_main_account and not main_account:
            return nickname
        return self.account_format.replace(MAIN_ACCOUNT, main_account or "").replace(
            NICKNAME, nickname
        )
