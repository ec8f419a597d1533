"""One harness per platform connector, and the emulator's faults over HTTP.

A harness hides what differs between platforms (how an account comes to exist, which role
names there are, which call creates), so one behavioural suite runs against both connectors.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from provisioner.connectors.base import Connector, ShopContext
from provisioner.connectors.http import RetryPolicy
from provisioner.connectors.kuaishou import KuaishouConnector
from provisioner.connectors.top import TmallConnector
from provisioner.emulators import identity
from provisioner.emulators.backoffice import AccountSettings, BackOffice
from provisioner.emulators.server import EmulatorServer
from provisioner.model import Shop
from provisioner.resources import Address, Change, FieldChange, FieldValue
from provisioner.secrets import Secret

SHOP = "shop-x"
MAIN = "acme"
PHONE = "13800000001"


class EveryonesPhone(Mapping[str, Secret]):
    """The config's agent phones as a connector gets them: here every nickname has one."""

    def __getitem__(self, nickname: str) -> Secret:
        return Secret(PHONE)

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


def set_faults(server: EmulatorServer, **faults: Any) -> None:
    response = httpx.post(f"{server.url}/_emulator/faults", json=faults)
    response.raise_for_status()


def faults(server: EmulatorServer) -> dict[str, Any]:
    found: dict[str, Any] = httpx.get(f"{server.url}/_emulator/faults").json()
    return found


def change(
    kind: str, name: str, action: str, execution: str = "api", **after: FieldValue
) -> Change:
    fields = tuple(FieldChange(field, None, value) for field, value in after.items())
    address = Address(SHOP, kind, name)  # type: ignore[arg-type]
    return Change(address, "test", action, execution, "test", fields)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Harness:
    """One platform as the suite sees it."""

    name: str
    family: str
    roles: tuple[str, ...]  # role names accounts get
    create_method: str  # the API call a timed-out create test makes hang

    def credentials(self, **overrides: str) -> dict[str, Secret]:
        values = {"app_key": identity.APP_KEY, "app_secret": identity.APP_SECRET}
        session = identity.session_for(SHOP)
        if self.family == "top":
            values["session"] = session
        else:
            values.update(sign_secret=identity.SIGN_SECRET, access_token=session)
        values.update(overrides)
        return {key: Secret(value) for key, value in values.items()}

    def connector(
        self, server: EmulatorServer, *, timeout: float = 5.0, **credentials: str
    ) -> Connector:
        shop = Shop(platform=self.name, endpoint=server.url, main_account=MAIN, rate_limit=1000.0)
        context = ShopContext(
            SHOP, shop, credentials=self.credentials(**credentials), contacts=EveryonesPhone()
        )
        retry = RetryPolicy(attempts=6, base_delay=0.5, max_delay=2.0)
        if self.family == "top":
            return TmallConnector(context, timeout=timeout, retry=retry)
        return KuaishouConnector(context, timeout=timeout, retry=retry)

    def office(self, server: EmulatorServer) -> BackOffice:
        return BackOffice(server.app.store, self.family, SHOP)  # type: ignore[arg-type]

    def nick(self, nickname: str) -> str:
        return f"{MAIN}:{nickname}" if self.family == "top" else nickname

    def prepare_roles(self, connector: Connector) -> None:
        """Tmall roles are created through the API first; Kuaishou's exist already."""
        if self.family == "top":
            for role in self.roles:
                connector.writer().apply(
                    change("role", role, "create", permissions=("order.view",))
                )

    def create_account(self, server: EmulatorServer, connector: Connector, nickname: str) -> None:
        """Through the API where the platform can; else in the back office, by hand."""
        if self.family == "top":
            settings = AccountSettings(roles=self.roles)
            self.office(server).create_account(self.nick(nickname), settings)
        else:
            fields: dict[str, FieldValue] = {"status": "active", "roles": self.roles}
            connector.writer().apply(change("account", nickname, "create", **fields))

    def seed(self, server: EmulatorServer, count: int) -> None:
        office = self.office(server)
        for number in range(count):
            office.create_account(self.nick(f"agent{number:03}"), AccountSettings())

    def timed_create(self) -> Change:
        if self.family == "top":
            return change("role", "aftersales", "create", permissions=("refund.view",))
        return change("account", "新人", "create", status="active", roles=self.roles)


HARNESSES = (
    Harness("tmall", "top", ("presales",), "taobao.sellercenter.role.add"),
    Harness("kuaishou", "kuaishou", ("客服",), "open.user.sub.account.create"),
)
