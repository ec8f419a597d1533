"""Platforms with no account API (Pinduoduo, Douyin): every change is a manual task.

Nothing can be read, so the recorded state is the current state; nothing can be written, so
apply only opens tasks with the back office's steps.
"""

from __future__ import annotations

from typing import ClassVar

from provisioner.connectors.base import (
    NO_API,
    Capabilities,
    Connector,
    LiveShop,
    ShopReader,
    ShopWriter,
)
from provisioner.errors import InvalidError
from provisioner.platforms.builtin import DOUYIN, PINDUODUO
from provisioner.resources import Address, Change, Resource


class _Blind:
    """Reads nothing and writes nothing: the platform has no API for it."""

    def __init__(self, platform: str) -> None:
        self.platform = platform

    def read(self) -> LiveShop:
        return LiveShop()

    def apply(self, change: Change) -> str | None:
        raise InvalidError(
            f"{self.platform} has no API for {change.action} of a {change.address.kind}"
        )

    def find(self, address: Address) -> Resource | None:
        return None


class ManualConnector(Connector):
    capabilities: ClassVar[Capabilities] = NO_API

    def reader(self) -> ShopReader:
        return _Blind(self.platform)

    def writer(self) -> ShopWriter:
        return _Blind(self.platform)


class PinduoduoConnector(ManualConnector):
    platform = PINDUODUO.name
    display_name = PINDUODUO.display_name


class DouyinConnector(ManualConnector):
    platform = DOUYIN.name
    display_name = DOUYIN.display_name
