"""The merchant back office: what a person does by hand, done directly on the emulator's data.

The sandbox carries out manual tasks with it (create a Tmall sub-account, assign its roles, set
a reception limit...), so the next plan reads the result back; tests set shops up with it. The
same platform rules apply as through the API (unique nicknames, name lengths). On TOP, account
nicks are full sub-account names, "<main account>:<nickname>".
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from provisioner.emulators import accounts, groups, roles
from provisioner.emulators.store import NotFound, Platform, Store, Tenant


@dataclass(frozen=True)
class AccountSettings:
    """What to set on an account; None leaves a setting alone. `roles` and `groups` are names;
    `clear` names the settings to empty (`reception_limit`, `schedule`)."""

    disabled: bool | None = None
    dispatch: bool | None = None
    roles: tuple[str, ...] | None = None
    reception_limit: int | None = None
    schedule: str | None = None
    groups: tuple[str, ...] | None = None
    clear: tuple[str, ...] = ()

    def patch(self) -> accounts.AccountPatch:
        return accounts.AccountPatch(
            disabled=self.disabled,
            dispatch=self.dispatch,
            reception_limit=self.reception_limit,
            schedule=self.schedule,
            clear=self.clear,
        )


class BackOffice:
    """One seller's back office on one platform ("top" or "kuaishou")."""

    def __init__(self, store: Store, platform: Platform, seller: str) -> None:
        self._store = store
        self.platform = platform
        self.seller = seller

    @classmethod
    def at(cls, data_dir: Path, platform: Platform, seller: str) -> BackOffice:
        return cls(Store(data_dir), platform, seller)

    @contextmanager
    def _tenant(self) -> Iterator[Tenant]:
        with self._store.tenant(self.platform, self.seller) as tenant:
            yield tenant

    # Accounts.

    def create_account(self, nick: str, settings: AccountSettings = AccountSettings()) -> int:
        with self._tenant() as tenant:
            account_id = accounts.create_account(tenant, nick, settings.patch())
            _apply_memberships(tenant, account_id, settings)
            return account_id

    def update_account(self, nick: str, settings: AccountSettings) -> None:
        with self._tenant() as tenant:
            account_id = _account_id(tenant, nick)
            accounts.update_account(tenant, account_id, settings.patch())
            _apply_memberships(tenant, account_id, settings)

    def delete_account(self, nick: str) -> None:
        with self._tenant() as tenant:
            accounts.delete_account(tenant, _account_id(tenant, nick))

    def find_account(self, nick: str) -> accounts.Account | None:
        with self._tenant() as tenant:
            return accounts.find_account(tenant, nick)

    def list_accounts(self) -> list[accounts.Account]:
        with self._tenant() as tenant:
            return accounts.list_accounts(tenant, accounts.Query(), 0, 1_000_000)[0]

    # Roles.

    def create_role(self, name: str, codes: Iterable[str] = (), description: str = "") -> int:
        with self._tenant() as tenant:
            return roles.create_role(tenant, name, description, codes)

    def set_role_permissions(self, name: str, codes: Iterable[str]) -> None:
        with self._tenant() as tenant:
            roles.set_permissions(tenant, _role(tenant, name).id, codes)

    def delete_role(self, name: str) -> None:
        with self._tenant() as tenant:
            roles.delete_role(tenant, _role(tenant, name).id)

    def list_roles(self) -> list[roles.Role]:
        with self._tenant() as tenant:
            return roles.list_roles(tenant)

    # Dispatch groups.

    def create_group(self, name: str, description: str = "", members: Iterable[str] = ()) -> int:
        with self._tenant() as tenant:
            group_id = groups.create_group(tenant, name, description)
            ids = [_account_id(tenant, nick) for nick in members]
            groups.change_members(tenant, group_id, add=ids)
            return group_id

    def update_group(
        self, name: str, description: str | None = None, members: Iterable[str] | None = None
    ) -> None:
        with self._tenant() as tenant:
            group = _group(tenant, name)
            if description is not None:
                groups.describe_group(tenant, group.id, description)
            if members is not None:
                wanted = {_account_id(tenant, nick) for nick in members}
                stale = set(group.member_ids) - wanted
                groups.change_members(tenant, group.id, add=sorted(wanted), remove=sorted(stale))

    def delete_group(self, name: str) -> None:
        with self._tenant() as tenant:
            groups.delete_group(tenant, _group(tenant, name).id)

    def list_groups(self) -> list[groups.Group]:
        with self._tenant() as tenant:
            return groups.list_groups(tenant)


def _account_id(tenant: Tenant, nick: str) -> int:
    account = accounts.find_account(tenant, nick)
    if account is None:
        raise NotFound(f"sub-account {nick!r} does not exist")
    return account.id


def _role(tenant: Tenant, name: str) -> roles.Role:
    role = roles.find_role(tenant, name)
    if role is None:
        raise NotFound(f"role {name!r} does not exist")
    return role


def _group(tenant: Tenant, name: str) -> groups.Group:
    group = groups.find_group(tenant, name)
    if group is None:
        raise NotFound(f"group {name!r} does not exist")
    return group


def _apply_memberships(tenant: Tenant, account_id: int, settings: AccountSettings) -> None:
    if settings.roles is not None:
        role_ids = [_role(tenant, name).id for name in settings.roles]
        accounts.set_roles(tenant, account_id, role_ids)
    if settings.groups is not None:
        _set_groups(tenant, account_id, settings.groups)


def _set_groups(tenant: Tenant, account_id: int, names: tuple[str, ...]) -> None:
    # A person assigning an account to a group that is not there yet creates it on the spot.
    for name in names:
        found = groups.find_group(tenant, name)
        group_id = found.id if found else groups.create_group(tenant, name)
        groups.change_members(tenant, group_id, add=[account_id])
    for group in groups.list_groups(tenant):
        if group.name not in names:
            groups.change_members(tenant, group.id, remove=[account_id])
