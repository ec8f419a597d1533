"""The one HTTP layer every platform connector uses (the only module that imports httpx).

- `HttpClient`: one connection pool per connector, timeouts, and `call()`, which sends a freshly
  built (so freshly signed) request, lets the platform module turn the answer into a value or a
  typed error, and retries what may be retried with capped exponential backoff and jitter,
  honouring the platform's own wait ("This ban will last for N more seconds").
- `TokenBucket` / `shared_bucket`: calls per second per app key, shared by every connector of
  the same app key in the process; a platform ban holds the whole bucket.
- `paginate` and `create_once` (create exactly once although a call may time out).
- Secrets handed to the client never appear in an error message or a log record: every
  message that leaves `call()` is scrubbed of them.

The transport is injectable: the in-process sandbox passes `wsgi_transport(app)`, which calls
the emulator directly with no socket.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import random
import re
import ssl
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

import certifi
import httpx

from provisioner import __version__
from provisioner.connectors.budget import remaining
from provisioner.errors import (
    CallTimeoutError,
    ConflictError,
    ConnectorError,
    InvalidError,
    RateLimitedError,
    TransientError,
)

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication

logger = logging.getLogger(__name__)
T = TypeVar("T")
DEFAULT_TIMEOUT = 20.0
MIN_THROTTLE_WAIT = 1.0  # seconds; a throttled call with no stated ban waits out a QPS window


class NotSentError(TransientError):
    """The request never reached the platform (no connection), so even a create may retry."""


@dataclass(frozen=True)
class HttpRequest:
    """A form POST: `path` below the base URL, every field a string."""

    path: str
    form: Mapping[str, str]


@dataclass(frozen=True)
class HttpReply:
    status: int
    body: bytes

    def json_object(self, where: str) -> Mapping[str, object]:
        """The body as a JSON object; anything else is a transient platform fault."""
        try:
            data = json.loads(self.body)
        except ValueError:
            data = None
        if isinstance(data, dict):
            return data
        text = f"{where}: the endpoint answered HTTP {self.status} without JSON"
        if 400 <= self.status < 500:
            raise InvalidError(f"{text}: check the shop's endpoint")
        raise TransientError(text)


class Transport:
    """Another way to reach a platform than the network (see `wsgi_transport`)."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner


def wsgi_transport(app: WSGIApplication) -> Transport:
    """Calls go straight to a WSGI app in this process: no socket, no port."""
    return Transport(httpx.WSGITransport(app=app))


@dataclass(frozen=True)
class RetryPolicy:
    """`attempts` in all; waits of `base_delay` doubling up to `max_delay`, each between half and
    all of that (jitter); a platform-stated ban longer than `max_ban_wait` is not waited out."""

    attempts: int = 6
    base_delay: float = 0.5
    max_delay: float = 8.0
    max_ban_wait: float = 120.0

    def backoff(self, attempt: int, rng: Callable[[], float] = random.random) -> float:
        cap = min(self.max_delay, self.base_delay * 2.0 ** (attempt - 1))
        return cap / 2 + rng() * cap / 2


class TokenBucket:
    """`rate` calls per second, evenly spaced (no burst), safe across threads.

    Each call gets the next free slot, 1/rate after the previous one: a platform that counts
    calls per second never sees more than `rate` in any second, even right after an idle
    spell, so the limit itself can be used as the rate. `hold` pushes every slot past a ban.
    """

    def __init__(
        self,
        rate: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.rate = rate
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next = clock()

    def acquire(self) -> float:
        """Take the next slot, sleeping until it comes; returns the wait."""
        with self._lock:
            now = self._clock()
            slot = max(now, self._next)
            self._next = slot + 1.0 / self.rate
            wait = slot - now
        if wait > 0:
            self._sleep(wait)
        return wait

    def hold(self, seconds: float) -> None:
        """No call from now for `seconds` (the platform banned this app key)."""
        with self._lock:
            self._next = max(self._next, self._clock() + seconds)

    def limit(self, rate: float) -> None:
        with self._lock:
            self.rate = min(self.rate, rate)


@functools.cache
def _tls_context() -> ssl.SSLContext:
    # httpx would load the CA bundle for every client: 200 shops cost seconds and 165 MiB.
    return ssl.create_default_context(cafile=certifi.where())


_BUCKETS: dict[str, TokenBucket] = {}
_BUCKETS_LOCK = threading.Lock()


def shared_bucket(endpoint: str, app_key: str, rate: float) -> TokenBucket:
    """The process-wide bucket of one app key at one endpoint; the lowest rate asked wins."""
    # The app key is a credential: the registry keeps only a digest of it.
    key = hashlib.sha256(f"{endpoint}\0{app_key}".encode()).hexdigest()
    with _BUCKETS_LOCK:
        bucket = _BUCKETS.get(key)
        if bucket is None:
            bucket = _BUCKETS[key] = TokenBucket(rate)
        else:
            bucket.limit(rate)
        return bucket


# A secret is masked where it stands as a token of its own: not inside a longer word, where
# masking would both garble the word and tell what the secret is ("token" -> "to***en" gives a
# one-letter secret away). A percent escape before it (`access_token%3D...`) is a boundary.
_BEFORE = r"(?:(?<![A-Za-z0-9_])|(?<=%[0-9A-Fa-f]{2}))"
_AFTER = r"(?![A-Za-z0-9_])"


def redact(text: str, secrets: Iterable[str]) -> str:
    for secret in sorted((s for s in set(secrets) if s), key=len, reverse=True):
        text = re.sub(_BEFORE + re.escape(secret) + _AFTER, "***", text)
    return text


class HttpClient:
    """One platform endpoint: a pooled httpx client, a bucket, a retry policy, the secrets."""

    def __init__(
        self,
        base_url: str,
        *,
        bucket: TokenBucket,
        secrets: Iterable[str] = (),
        transport: Transport | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        retry: RetryPolicy = RetryPolicy(),
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = base_url
        self.timeout = timeout
        self.retry = retry
        self._bucket = bucket
        self._secrets = tuple(secrets)
        self._sleep = sleep
        self._client = httpx.Client(
            base_url=base_url,
            # Loading the CA bundle costs ~15 ms: only a real network connection needs it.
            verify=_tls_context() if transport is None else True,
            transport=transport.inner if transport else None,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            headers={"User-Agent": f"provisioner/{__version__}"},
        )

    def __repr__(self) -> str:
        return f"HttpClient({self.base_url!r})"

    def close(self) -> None:
        self._client.close()

    def call(
        self,
        build: Callable[[], HttpRequest],
        parse: Callable[[HttpReply], T],
        *,
        idempotent: bool,
        label: str,
    ) -> T:
        """Send `build()` and return `parse(reply)`, retrying what may be retried.

        `parse` raises typed `ConnectorError`s for the platform's refusals. A call that is not
        `idempotent` is retried only when it surely did not happen (rate-limited, never sent).
        """
        attempt, started = 0, time.monotonic()
        while True:
            attempt += 1
            self._bucket.acquire()
            try:
                return parse(self._send(build(), label))
            except ConnectorError as exc:
                failure = exc
            wait = self._retry_wait(failure, attempt, idempotent)
            left = remaining()
            if wait is not None and left is not None and wait >= left:
                wait = None  # the change's time budget would run out while waiting
            if wait is None:
                raise self._given_up(failure, attempt, time.monotonic() - started)
            self._pause(failure, wait, label, attempt)

    def _send(self, request: HttpRequest, label: str) -> HttpReply:
        failure: ConnectorError | None = None
        left = remaining()
        # Never wait for an answer past the change's budget (but give every call a chance).
        timeout = self.timeout if left is None else max(1.0, min(self.timeout, left))
        try:
            response = self._client.post(request.path, data=dict(request.form), timeout=timeout)
        except httpx.HTTPError as exc:
            failure = self._transport_error(exc, label)
        if failure is not None:
            raise failure  # outside the except block: the request (and its secrets) stays behind
        return _reply(response, label)

    def _transport_error(self, exc: httpx.HTTPError, label: str) -> ConnectorError:
        detail = self._redact(f"{type(exc).__name__}: {exc}")
        if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
            return NotSentError(f"{label}: cannot reach {self.base_url} ({detail})")
        if isinstance(exc, httpx.TimeoutException):
            return CallTimeoutError(
                f"{label}: no answer within {self.timeout:g}s; it may or may not have taken effect"
            )
        return TransientError(f"{label}: the connection failed ({detail})")

    def _retry_wait(self, failure: ConnectorError, attempt: int, idempotent: bool) -> float | None:
        if attempt >= self.retry.attempts:
            return None
        if isinstance(failure, RateLimitedError):
            if failure.retry_after is None:
                # No stated ban (Kuaishou): its QPS window is one second, so wait one out.
                return max(MIN_THROTTLE_WAIT, self.retry.backoff(attempt))
            if failure.retry_after > self.retry.max_ban_wait:
                return None
            return failure.retry_after + random.random() * 0.25
        if isinstance(failure, NotSentError) or (idempotent and failure.retryable):
            return self.retry.backoff(attempt)
        return None

    def _pause(self, failure: ConnectorError, wait: float, label: str, attempt: int) -> None:
        logger.warning(
            "%s; retrying in %.1fs (attempt %d of %d)",
            self._redact(str(failure)),
            wait,
            attempt + 1,
            self.retry.attempts,
        )
        if isinstance(failure, RateLimitedError):
            self._bucket.hold(wait)  # every caller of this app key waits out the ban
        else:
            self._sleep(wait)

    def _given_up(self, failure: ConnectorError, attempts: int, seconds: float) -> ConnectorError:
        text = self._redact(str(failure))
        if attempts > 1:
            text += f" (gave up after {attempts} attempts in {seconds:.1f}s)"
        failure.args = (text,)
        return failure

    def _redact(self, text: str) -> str:
        return redact(text, self._secrets)


def _reply(response: httpx.Response, label: str) -> HttpReply:
    status = response.status_code
    if status == 429:
        retry_after = response.headers.get("Retry-After", "")
        wait = float(retry_after) if retry_after.replace(".", "", 1).isdigit() else None
        raise RateLimitedError(f"{label}: HTTP 429 Too Many Requests", retry_after=wait)
    if status >= 500:
        raise TransientError(f"{label}: HTTP {status} from the platform")
    return HttpReply(status, response.content)


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a listing; `total` is the platform's count of all items, when it gives one."""

    items: tuple[T, ...]
    total: int | None = None


def paginate(
    fetch: Callable[[int], Page[T]], page_size: int, *, first: int = 1, max_pages: int = 100_000
) -> Iterator[T]:
    """Every item of a paged listing: pages `first`, `first + 1`, ... until a short page or the
    total is reached (never more than `max_pages` pages)."""
    seen = 0
    for number in range(first, first + max_pages):
        page = fetch(number)
        yield from page.items
        seen += len(page.items)
        if len(page.items) < page_size or (page.total is not None and seen >= page.total):
            return
    raise TransientError(f"the listing did not end after {max_pages} pages")


def create_once(
    create: Callable[[], str],
    lookup: Callable[[], str | None],
    *,
    label: str,
    attempts: int = RetryPolicy.attempts,
) -> str:
    """Create something exactly once: after a failure whose outcome is unknown (timeout, 5xx),
    look it up by its natural key and only create again if it is not there (within the
    change's time budget)."""
    failure: TransientError | None = None
    for attempt in range(1, attempts + 1):
        left = remaining()
        if failure is not None and left is not None and left <= 0:
            break
        try:
            return create()
        except TransientError as exc:
            failure = exc
        except ConflictError:
            if failure is None:
                raise  # it existed before we ever tried: a real conflict
        found = lookup()
        if found is not None:
            logger.info("%s: the earlier attempt had created it (id %s)", label, found)
            return found
        logger.warning("%s: not created yet; trying again (attempt %d)", label, attempt + 1)
    assert failure is not None
    raise failure
