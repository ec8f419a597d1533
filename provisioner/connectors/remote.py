"""What the TOP and Kuaishou connectors share: one platform API per shop, opened on first use.

A subclass implements `_connect` (resolve the endpoint, build the API object; in the sandbox the
endpoint brings the back-office desk) and builds its HTTP client with `_client`; opening is thread-safe and
happens once, and `close` releases the client.
"""

from __future__ import annotations

import threading
from abc import abstractmethod
from typing import Generic, Protocol, TypeVar

from provisioner.connectors.base import BackOfficeDesk, Connector, ShopContext
from provisioner.connectors.endpoints import Endpoint
from provisioner.connectors.http import DEFAULT_TIMEOUT, HttpClient, RetryPolicy, shared_bucket


class PlatformApi(Protocol):
    client: HttpClient


ApiT = TypeVar("ApiT", bound=PlatformApi)


class RemoteConnector(Connector, Generic[ApiT]):
    """A shop reached over HTTP: `timeout` per call (seconds) and `retry` policy, for tests and
    tuning; the API object and its client are made on first use and shared by readers and
    writers."""

    def __init__(
        self,
        context: ShopContext,
        *,
        timeout: float | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        super().__init__(context)
        self._timeout = timeout
        self._retry = retry
        self._lock = threading.Lock()
        self._opened: tuple[ApiT, BackOfficeDesk | None] | None = None

    def close(self) -> None:
        with self._lock:
            if self._opened is not None:
                self._opened[0].client.close()
                self._opened = None

    def desk(self) -> BackOfficeDesk | None:
        return self._open()[1]

    def _open(self) -> tuple[ApiT, BackOfficeDesk | None]:
        with self._lock:
            if self._opened is None:
                self._opened = self._connect()
            return self._opened

    @abstractmethod
    def _connect(self) -> tuple[ApiT, BackOfficeDesk | None]:
        """The shop's API object and, for `endpoint: sandbox`, its back-office desk."""

    def _client(self, endpoint: Endpoint, url: str, app_key: str, secrets: list[str]) -> HttpClient:
        """A client for `url`, paced by the bucket this endpoint and app key share."""
        rate = self.context.shop.rate_limit or endpoint.default_rate
        return HttpClient(
            url,
            bucket=shared_bucket(endpoint.base_url, app_key, rate),
            secrets=secrets,
            transport=endpoint.transport,
            timeout=self._timeout or DEFAULT_TIMEOUT,
            retry=self._retry or RetryPolicy(),
        )
