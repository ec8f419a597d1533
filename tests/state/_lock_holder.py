"""Test helper: take the apply lock, say so, hold it for N seconds, then exit normally.

python _lock_holder.py DB HOLDER SECONDS
"""

import sys
import time
from pathlib import Path

from provisioner.state import StateStore

path, holder, seconds = Path(sys.argv[1]), sys.argv[2], float(sys.argv[3])
with StateStore.open(path) as store, store.lock(holder, "apply"):
    print("locked", flush=True)
    time.sleep(seconds)
