"""The Kuaishou/TOP emulator over HTTP for the ``api`` scenario, with a request counter.

    python bench/emulator.py --data DIR [--port 0] [--stop-after SECONDS]

Runs with provisioner's own Python (it imports ``provisioner.emulators``). It is exactly what
``provisioner sandbox serve`` runs (``make_server``: werkzeug, threaded, 127.0.0.1 only, data in
``DIR/emulator.db``, faults over HTTP at ``/_emulator/faults``), plus one WSGI layer in front of
the emulator app that records every request it answers:

    GET /_bench/events?since=N   {"count": total, "events": [[t, method, result, seconds], ...]}

from the N-th on, where ``t`` is when the request reached the server (seconds since the server
started, ``time.monotonic``), ``method`` the API method (Kuaishou: from the path; TOP: the
``method`` field), ``result`` the code the emulator answered (Kuaishou ``result``: 1 success, 24
"Exceed qps limit"; TOP: 0 or the ``error_response`` code; the HTTP status for a non-JSON answer)
and ``seconds`` how long the answer took (the injected latency included). Admin paths are not
counted. The first line on stdout is ``{"url": ..., "pid": ...}`` once the socket is bound.
The server stops by itself after ``--stop-after`` seconds (default 1 hour), or on SIGTERM/SIGINT.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from provisioner.emulators.server import make_server
from provisioner.wire import kuaishou

EVENTS_PATH = "/_bench/events"
API_PREFIXES = ("/open/", "/router/rest")


class CountingApp:
    """WSGI middleware: every API request's arrival time, method, result code and duration."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.started = time.monotonic()
        self._lock = threading.Lock()
        self.events: list[tuple[float, str, int, float]] = []

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == EVENTS_PATH:
            return self._events(environ, start_response)
        if not path.startswith(API_PREFIXES):
            return self.app(environ, start_response)  # type: ignore[no-any-return]
        arrived = time.monotonic()
        status: list[str] = []

        def remember(code: str, headers: Any, exc_info: Any = None) -> Any:
            status.append(code)
            return start_response(code, headers, exc_info)

        body = b"".join(self.app(environ, remember))
        method = kuaishou.path_method(path) if path.startswith("/open/") else "top"
        result = _result_code(body, int(status[0].split()[0]) if status else 0)
        with self._lock:
            self.events.append((arrived - self.started, method, result, time.monotonic() - arrived))
        return [body]

    def _events(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        since = int(parse_qs(environ.get("QUERY_STRING", "")).get("since", ["0"])[0])
        with self._lock:
            count, events = len(self.events), self.events[since:]
        body = json.dumps({"count": count, "events": events}).encode()
        start_response("200 OK", [("Content-Type", "application/json")])
        return [body]


def _result_code(body: bytes, http_status: int) -> int:
    try:
        data = json.loads(body)
    except ValueError:
        return http_status
    if not isinstance(data, dict):
        return http_status
    if "result" in data:  # Kuaishou
        return int(data["result"]) if isinstance(data["result"], int) else http_status
    error = data.get("error_response")  # TOP
    if isinstance(error, dict):
        return int(error.get("code", http_status))
    return 0


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--stop-after", type=float, default=3600.0)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    args.data.mkdir(parents=True, exist_ok=True)
    server = make_server(args.data, "127.0.0.1", args.port)
    # The counter sits in front of the emulator app that make_server built (same server).
    server._server.app = CountingApp(server.app)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    sys.stdout.write(json.dumps({"url": server.url, "pid": os.getpid()}) + "\n")
    sys.stdout.flush()
    server.serve_forever(args.stop_after)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
