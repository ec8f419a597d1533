"""Test helper: take the apply lock, say so, hold it for N seconds, then exit normally.

python _lock_holder.py DB HOLDER SECONDS [SCHEMA]

DB is a SQLite path, or with SCHEMA a PostgreSQL DSN.
"""

import sys
import time
from pathlib import Path

from provisioner.secrets import Secret
from provisioner.state import StateStore
from provisioner.state.location import Location, PostgresLocation

where: Location = Path(sys.argv[1])
holder, seconds = sys.argv[2], float(sys.argv[3])
if len(sys.argv) > 4:
    where = PostgresLocation(Secret(sys.argv[1]), sys.argv[4])
with StateStore.open(where) as store, store.lock(holder, "apply"):
    print("locked", flush=True)
    time.sleep(seconds)
