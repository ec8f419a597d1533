"""The emulator over HTTP on 127.0.0.1: what `provisioner sandbox serve [--port N]` runs.

One threaded werkzeug server serves both platforms on one port: TOP at
`http://127.0.0.1:PORT/router/rest`, Kuaishou at `http://127.0.0.1:PORT/open/...`, faults at
`/_emulator/faults`. Data persists in `<data_dir>/emulator.db`: serve `.provisioner/sandbox` to
share it with the in-process sandbox of `endpoint: sandbox`.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler
from werkzeug.serving import make_server as _werkzeug_server

from provisioner.emulators.app import EmulatorApp, make_app
from provisioner.emulators.faults import Faults

logger = logging.getLogger(__name__)

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
DEFAULT_PORT = 8765


class _QuietHandler(WSGIRequestHandler):
    # werkzeug prints every request to stderr by default; the library never prints.
    def log(self, type: str, message: str, *args: Any) -> None:
        logger.debug("%s: " + message, type, *args)


class EmulatorServer:
    """A running-or-ready emulator server; `port` is the real one when 0 was asked for."""

    def __init__(self, app: EmulatorApp, host: str = "127.0.0.1", port: int = DEFAULT_PORT):
        if host not in LOCAL_HOSTS:
            raise ValueError(f"the emulator listens on 127.0.0.1 only, not {host!r}")
        self.app = app
        self._server: BaseWSGIServer = _werkzeug_server(
            host, port, app, threaded=True, request_handler=_QuietHandler
        )

    @property
    def port(self) -> int:
        return int(self._server.server_port)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def serve_forever(self, stop_after: float | None = None) -> None:
        """Serve until `shutdown()`, Ctrl-C, or `stop_after` seconds have passed."""
        timer = threading.Timer(stop_after, self.shutdown) if stop_after else None
        if timer:
            timer.daemon = True
            timer.start()
        try:
            self._server.serve_forever(poll_interval=0.05)
        except KeyboardInterrupt:
            pass
        finally:
            if timer:
                timer.cancel()
            self._server.server_close()

    def shutdown(self) -> None:
        self._server.shutdown()


def make_server(
    data_dir: Path,
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    faults: Faults | None = None,
) -> EmulatorServer:
    """A server for the emulator over `data_dir`, bound but not yet serving (port 0: any free)."""
    return EmulatorServer(make_app(data_dir, faults), host, port)


def serve(
    data_dir: Path,
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    *,
    stop_after: float | None = None,
) -> None:
    """Serve the emulator until interrupted (or for `stop_after` seconds)."""
    server = make_server(data_dir, host, port)
    logger.info("emulator serving %s from %s", server.url, data_dir)
    server.serve_forever(stop_after)
