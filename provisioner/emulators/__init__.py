"""Local emulators of the TOP (Tmall/Taobao) and Kuaishou open platforms and their back offices.

One WSGI app (`make_app`) serves both: TOP at `/router/rest`, Kuaishou at `/open/...`, and the
fault-injection admin endpoint at `/_emulator/faults`. Data lives in one SQLite file
(`<data_dir>/emulator.db`). `server.serve` puts the app on 127.0.0.1; the in-process sandbox
(`provisioner.connectors.sandbox`) calls it through a WSGI transport, with no socket.
"""

from provisioner.emulators.app import EmulatorApp, make_app
from provisioner.emulators.faults import Faults

__all__ = ["EmulatorApp", "Faults", "make_app"]
