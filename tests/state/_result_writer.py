"""Test helper: record results with their state updates as fast as possible until killed.

    python _result_writer.py DB TRIAL

Every iteration records account tTRIAL-I with reception_limit I (message "limit=I"); every
third also forgets the previous account (message "forget"). Each call is one record_result, so
replaying the result rows in id order must give exactly the recorded resources.
"""

import sys
from pathlib import Path

from provisioner.resources import Address, Change, Resource
from provisioner.state import StateStore


def change(name: str, action: str) -> Change:
    address = Address("crash-shop", "account", name)
    return Change(address, "pinduoduo", action, "api", "crash test")  # type: ignore[arg-type]


path, trial = Path(sys.argv[1]), sys.argv[2]
store = StateStore.open(path)
run_id = store.begin_run("crash-test", None, "sha256:0")
print("ready", flush=True)
i = 0
while True:
    name = f"t{trial}-{i}"
    resource = Resource(
        Address("crash-shop", "account", name), {"reception_limit": i, "roles": ("a", "b")}
    )
    store.record_result(run_id, change(name, "create"), "ok", f"limit={i}", resource=resource)
    if i % 3 == 2:
        store.record_result(
            run_id, change(f"t{trial}-{i - 1}", "delete"), "ok", "forget", forget=True
        )
    i += 1
