"""Where a connector sends its calls, and which credentials it signs them with.

`shop.endpoint`:
- omitted: the platform's production API, with the shop's own credentials (all required);
- `http://...` / `https://...`: that URL, exactly like a real platform (e.g. the emulator served
  by `provisioner sandbox serve`), with the shop's own credentials, if `provisioner.egress`
  allows credentials to go there (official hosts, this machine, the operator's allow-list);
- `sandbox`: the emulator in this process (`provisioner.connectors.sandbox`, imported only
  then), with the fixed sandbox credentials and a desk that performs manual changes.

Nothing here imports the emulators: the production path stays free of them and of werkzeug.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from provisioner.connectors.base import BackOfficeDesk, ShopContext
from provisioner.egress import check_endpoint
from provisioner.errors import InvalidError, MissingCredentialsError
from provisioner.secrets import Secret

if TYPE_CHECKING:  # only a type here: a plan of shops with no API never loads httpx
    from provisioner.connectors.http import Transport

SANDBOX = "sandbox"


@dataclass(frozen=True)
class Endpoint:
    """How to reach one shop's platform: base URL, optional transport (None: the network),
    credentials, the default rate, and for `endpoint: sandbox` the stand-in back office."""

    base_url: str
    transport: Transport | None
    credentials: Mapping[str, Secret]
    default_rate: float
    desk: BackOfficeDesk | None = None

    @property
    def is_sandbox(self) -> bool:
        return self.desk is not None


def resolve_endpoint(context: ShopContext, production_url: str, default_rate: float) -> Endpoint:
    """The endpoint `context.shop.endpoint` names (see the module docstring)."""
    endpoint = context.shop.endpoint
    if endpoint == SANDBOX:
        from provisioner.connectors.sandbox import sandbox_endpoint

        return sandbox_endpoint(context)
    if endpoint is None:
        return Endpoint(production_url, None, context.credentials, default_rate)
    if not endpoint.startswith(("http://", "https://")):
        raise InvalidError(
            f"{context.name}: endpoint must be 'sandbox' or an http(s) URL, not {endpoint!r}"
        )
    check_endpoint(context.name, context.shop.platform, endpoint)  # however the context was made
    return Endpoint(endpoint.rstrip("/"), None, context.credentials, default_rate)


def require_credentials(
    credentials: Mapping[str, Secret], names: tuple[str, ...], shop: str
) -> dict[str, str]:
    """The values of the named credentials; AuthError naming (never showing) any missing."""
    missing = [name for name in names if name not in credentials]
    if missing:
        raise MissingCredentialsError(shop, missing)
    return {name: credentials[name].reveal() for name in names}
