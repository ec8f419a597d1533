"""Connecting to each shop and reading what is live, shops in parallel."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

from provisioner.config.checks import Finding
from provisioner.config.loader import LoadedConfig
from provisioner.connectors.base import Connector, LiveShop, ShopContext
from provisioner.connectors.registry import connector_class
from provisioner.egress import check_endpoint
from provisioner.errors import ConnectorError, MissingCredentialsError, PlanError
from provisioner.plan.desired import DesiredState, Placed, accounts_by_shop
from provisioner.plan.refresh import unchanged_accounts
from provisioner.platforms import descriptor
from provisioner.resources import Address, Resource, ResourceKind
from provisioner.secrets import Secret, resolve

# The recorded remote ids of one shop's resources of some kinds (see `StateReader.remote_ids`).
RecordedIds = Callable[[str, frozenset[ResourceKind]], Mapping[Address, str]]
# One shop's recorded resources (see `StateSnapshot.resources`).
RecordedOf = Callable[[str], Mapping[Address, Resource]]


def work_dir(loaded: LoadedConfig) -> Path:
    """`.provisioner/` beside the config: state, sandbox and test platforms live there."""
    return loaded.base_dir / ".provisioner"


def connect(
    loaded: LoadedConfig,
    shops: Iterable[str],
    recorded_ids: RecordedIds | None = None,
    trust_recorded: RecordedOf | None = None,
) -> dict[str, Connector]:
    """One connector per shop, with its credentials resolved (never printed), the role
    templates its accounts use and, where its platform needs them, the agents' contact phones
    and the recorded ids of what it reads back by id. With `trust_recorded` (`plan
    --refresh=changed`), each shop may take as read the recorded accounts the config does not
    change."""
    config = loaded.config
    placed = accounts_by_shop(config)
    desired = DesiredState(config)  # role bindings computed once per platform, not per shop
    connectors = {}
    for name in shops:
        shop = config.shops[name]
        used = {role for _, _, account in placed.get(name, []) for role in account.roles}
        bindings = {
            role: binding
            for role, binding in desired.bindings(shop.platform).items()
            if role in used
        }
        check_endpoint(name, shop.platform, shop.endpoint)  # before any secret is read
        credentials = {
            key: resolve(ref, f"shops.{name}.credentials.{key}", loaded.base_dir)
            for key, ref in shop.credentials.items()
        }
        platform = descriptor(shop.platform)
        contacts = {
            account.nickname: Secret(agent.phone)
            for _, agent, account in placed.get(name, [])
            if platform.needs_contact_phone and agent.phone
        }
        kinds = platform.read_by_recorded_id
        ids = recorded_ids(name, kinds) if recorded_ids is not None and kinds else {}
        context = ShopContext(
            name,
            shop,
            bindings,
            credentials,
            work_dir(loaded),
            contacts,
            ids,
            language=config.settings.language,
            timezone=config.settings.timezone,
            schedules=config.schedules,
            trusted=_trusted(desired, name, placed.get(name, []), trust_recorded),
        )
        connectors[name] = connector_class(shop.platform)(context)
    return connectors


def _trusted(
    desired: DesiredState, shop: str, placed: list[Placed], recorded: RecordedOf | None
) -> dict[str, Resource]:
    if recorded is None:
        return {}
    capabilities = connector_class(desired.config.shops[shop].platform).capabilities
    return unchanged_accounts(desired.shop(shop, capabilities, placed).resources, recorded(shop))


def problems(connectors: Mapping[str, Connector], parallelism: int = 4) -> list[Finding]:
    """Each shop's configuration problems, checked in parallel (some need a platform call),
    each at the place in the config that caused it (the shop's entry when the connector does
    not say)."""

    def check(name: str) -> list[Finding]:
        try:
            found = connectors[name].problems()
        except MissingCredentialsError as exc:  # the check needed a platform call it cannot make
            return [Finding(("shops", name), str(exc), at_key=True)]
        return [
            Finding(("shops", name), f"{name}: {problem}", at_key=True)
            if isinstance(problem, str)
            else replace(problem, message=f"{name}: {problem.message}")
            for problem in found
        ]

    with ThreadPoolExecutor(max_workers=max(1, parallelism)) as pool:
        return [problem for found in pool.map(check, sorted(connectors)) for problem in found]


def observe(connectors: Mapping[str, Connector], parallelism: int = 4) -> dict[str, LiveShop]:
    """Read every shop live, in parallel; any failure stops planning with the shop named."""

    def read(name: str) -> tuple[str, LiveShop]:
        try:
            return name, connectors[name].reader().read()
        except MissingCredentialsError:
            raise  # a config problem: the caller shows it at the shop's entry
        except ConnectorError as exc:
            raise PlanError(f"{name}: cannot read the live state: {exc}") from exc

    with ThreadPoolExecutor(max_workers=max(1, parallelism)) as pool:
        return dict(pool.map(read, sorted(connectors)))
