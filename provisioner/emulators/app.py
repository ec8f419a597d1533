"""The emulator as one WSGI app: every emulated family at its own path (TOP at `/router/rest`,
Kuaishou at `/open/...`, JD's JOS at `/routerjson`; see `provisioner.emulators.family`), and
the faults admin.

Faults apply to API calls only, in this order: latency; an injected HTTP error (the call is not
carried out); a rate-limit ban starting now; then the call; then, for a hang, the answer is held.
"""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from werkzeug.wrappers import Request, Response

from provisioner.emulators import guard
from provisioner.emulators.calls import Call
from provisioner.emulators.family import Family, families
from provisioner.emulators.faults import FaultBox, Faults
from provisioner.emulators.ratelimit import DEFAULT_BAN_SECONDS, DEFAULT_QPS, Limiter
from provisioner.emulators.store import Store

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

logger = logging.getLogger(__name__)
FAULTS_PATH = "/_emulator/faults"


def _utc_now() -> datetime:
    return datetime.now(UTC)


class EmulatorApp:
    """Every emulated platform's API over one SQLite file under `data_dir`.

    `faults` starts the fault injection (see `Faults`); `admin` serves `/_emulator/faults` so
    tests and benchmarks can change them over HTTP; `qps` and `ban_seconds` set the per-app-key
    flow control every platform applies.
    """

    def __init__(
        self,
        data_dir: Path,
        faults: Faults | None = None,
        *,
        admin: bool = True,
        qps: float = DEFAULT_QPS,
        ban_seconds: float = DEFAULT_BAN_SECONDS,
        clock: Callable[[], datetime] = _utc_now,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.store = Store(data_dir)
        self.faults = FaultBox(faults)
        self.limiter = Limiter(qps, ban_seconds)
        self._admin = admin
        self._clock = clock
        self._sleep = sleep

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        response = self._respond(Request(environ))
        return response(environ, start_response)

    def _respond(self, request: Request) -> Response:
        for family in families():
            if family.serves(request.path):
                return self._api(request, family)
        if request.path == FAULTS_PATH and self._admin:
            return self._faults_admin(request)
        return Response("not found", status=404, mimetype="text/plain")

    def _api(self, request: Request, family: Family) -> Response:
        try:
            params = guard.params(request)
        except guard.BadRequest as exc:
            return _json(guard.refusal(family.name, str(exc)))
        method = family.method_of(request.path, params)
        draw = self.faults.draw(method)
        if draw.latency:
            self._sleep(draw.latency)
        if draw.fail_status is not None:
            return Response("<html><body>Service Unavailable</body></html>", draw.fail_status)
        if draw.reset:
            return _drop_connection(request)
        if draw.ban_seconds is not None:
            self.limiter.ban(params.get("app_key") or params.get("appkey", ""), draw.ban_seconds)
        try:
            body = self._handle(family, method, params)
        except Exception:  # an emulator bug: still the platform's shape, never an HTML page
            logger.exception("emulator: %s %s failed", family.name, method)
            body = guard.service_error(family.name)
        if draw.hang_seconds is not None:
            self._sleep(draw.hang_seconds)
        return _json(body)

    def _handle(self, family: Family, method: str, params: dict[str, str]) -> dict[str, object]:
        faults = self.faults.get()
        call = Call(method, params, self._clock(), faults.qps, faults.retired)
        return family.handle(self.store, self.limiter, call)

    def _faults_admin(self, request: Request) -> Response:
        if request.method == "DELETE":
            self.faults.set(Faults())
        elif request.method == "POST":
            try:
                self.faults.set(Faults.from_json(json.loads(request.get_data(as_text=True))))
            except (ValueError, TypeError, AttributeError) as exc:
                return _json({"error": str(exc)}, status=400)
        elif request.method != "GET":
            return Response("method not allowed", status=405, mimetype="text/plain")
        return _json(self.faults.get().to_json())


def _drop_connection(request: Request) -> Response:
    """End the connection unanswered, as a reset or a crashed proxy does (the client sees no
    reply at all); in process, with no socket, a gateway's 503 stands in for it."""
    connection = request.environ.get("werkzeug.socket")
    if connection is None:
        return Response("<html><body>Service Unavailable</body></html>", 503)
    with contextlib.suppress(OSError):
        connection.shutdown(socket.SHUT_RDWR)
    return Response(b"", 503)  # werkzeug's write to the closed socket is a dropped connection


def _json(body: object, status: int = 200) -> Response:
    text = json.dumps(body, ensure_ascii=False)
    return Response(text, status=status, content_type="application/json;charset=UTF-8")


def make_app(
    data_dir: Path, faults: Faults | None = None, *, admin: bool = True, qps: float = DEFAULT_QPS
) -> EmulatorApp:
    """The emulator app over `data_dir/emulator.db` (created on first use)."""
    return EmulatorApp(data_dir, faults, admin=admin, qps=qps)
