"""A platform with a complete API, kept in a JSON file: the test-suite's `memory` platform.

Not part of the package: the tests register it as a third-party connector would, through the
`provisioner.connectors` entry point of the `provisioner-test-platforms` distribution beside this
file (`tests/plugins/*.dist-info`, put on the path by pytest's `pythonpath` and, for the CLI
processes tests start, by `PYTHONPATH`; see tests/conftest.py). Users never see it.

`platform: memory` shops live in `<state_dir>/memory/<shop>.json`, written atomically, so
separate processes (plan, then apply) see the same "platform". Environment variables inject
trouble for tests: PROVISIONER_MEMORY_READ_DELAY (seconds a shop's read takes),
PROVISIONER_MEMORY_DELAY (seconds each write takes),
PROVISIONER_MEMORY_ANSWER_DELAY (seconds between a write being done and its answer) and
PROVISIONER_MEMORY_FAIL (comma-separated resource names whose writes fail).
"""

from __future__ import annotations

import json
import os
import threading
import time
import uuid
from pathlib import Path
from typing import Any, ClassVar

from provisioner.connectors.base import (
    Capabilities,
    Connector,
    KindCapabilities,
    LiveShop,
    ShopContext,
    ShopReader,
    ShopWriter,
)
from provisioner.errors import ConflictError, NotFoundError, TransientError
from provisioner.resources import FIELDS, KINDS, Address, Change, FieldValue, Resource

_ALL = {kind: frozenset(FIELDS[kind]) for kind in KINDS}
_LOCK = threading.Lock()


class MemoryConnector(Connector):
    platform = "memory"
    display_name = "in-memory test platform"
    capabilities: ClassVar[Capabilities] = {
        kind: KindCapabilities(
            listable=True,
            readable=_ALL[kind],
            writable=_ALL[kind],
            create=True,
            create_fields=_ALL[kind],
            delete=True,
        )
        for kind in KINDS
    }

    def reader(self) -> ShopReader:
        return _MemoryShop(self._path(), self.context.name)

    def writer(self) -> ShopWriter:
        return _MemoryShop(self._path(), self.context.name)

    def desk(self) -> _MemoryDesk:
        return _MemoryDesk(self._path(), self.context)

    def _path(self) -> Path:
        return self.context.state_dir / "memory" / f"{self.context.name}.json"


class _MemoryShop:
    def __init__(self, path: Path, shop: str) -> None:
        self.path = path
        self.shop = shop

    def read(self) -> LiveShop:
        time.sleep(float(os.environ.get("PROVISIONER_MEMORY_READ_DELAY", "0") or 0))
        data = self._load()
        resources = {}
        for key, entry in data.items():
            address = Address.parse(f"{self.shop}/{key}")
            resources[address] = Resource(address, _fields(entry["fields"]), entry["id"])
        return LiveShop(resources, frozenset(KINDS))

    def find(self, address: Address) -> Resource | None:
        return self.read().resources.get(address)

    def apply(self, change: Change) -> str | None:
        self._trouble(change)
        with _LOCK:
            data = self._load()
            key = f"{change.address.kind}/{change.address.name}"
            remote_id = self._change(data, key, change)
            self._save(data)
        # A slow answer: the change is done on the platform, the caller does not know yet.
        time.sleep(float(os.environ.get("PROVISIONER_MEMORY_ANSWER_DELAY", "0") or 0))
        return remote_id

    def _change(self, data: dict[str, Any], key: str, change: Change) -> str | None:
        if change.action == "delete":
            if data.pop(key, None) is None:
                raise NotFoundError(f"{change.address} does not exist")
            return None
        entry = data.get(key)
        if change.action == "create" and entry is not None:
            raise ConflictError(f"{change.address} already exists")
        if entry is None:
            if change.action == "update" and change.execution == "api":
                raise NotFoundError(f"{change.address} does not exist")
            entry = data[key] = {"id": uuid.uuid4().hex[:12], "fields": {}}
        entry["fields"].update(change.after())
        return str(entry["id"])

    def _trouble(self, change: Change) -> None:
        delay = float(os.environ.get("PROVISIONER_MEMORY_DELAY", "0") or 0)
        if delay:
            time.sleep(delay)
        failing = {
            name for name in os.environ.get("PROVISIONER_MEMORY_FAIL", "").split(",") if name
        }
        if change.address.name in failing:
            raise TransientError(f"injected failure for {change.address}")

    def _load(self) -> dict[str, Any]:
        try:
            loaded: dict[str, Any] = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        return loaded

    def _save(self, data: dict[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True), encoding="utf-8")
        os.replace(temporary, self.path)


class _MemoryDesk:
    """Its back office: a manual change done by hand lands in the same file."""

    def __init__(self, path: Path, context: ShopContext) -> None:
        self._shop = _MemoryShop(path, context.name)

    def perform(self, change: Change) -> None:
        self._shop.apply(change)


def _fields(raw: dict[str, Any]) -> dict[str, FieldValue]:
    return {name: tuple(value) if isinstance(value, list) else value for name, value in raw.items()}
