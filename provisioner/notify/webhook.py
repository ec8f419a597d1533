"""POSTing to a group bot: short timeouts, a few attempts, and errors that never show the URL.

The only module of `notify` that imports httpx (tests/test_architecture.py, ruff banned-api).
Platform connectors have their own HTTP layer (connectors/http.py) with rate limits and signing
per app key; a chat bot needs none of that, and must never hold up an apply for long.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import httpx

from provisioner import __version__
from provisioner.notify.bots import Bot, Part

# Seconds per attempt; PROVISIONER_NOTIFY_TIMEOUT overrides (a slow proxy, or a test's bot that
# never answers). Three attempts at most: a dead bot delays an apply by seconds, not minutes.
TIMEOUT_SECONDS = 5.0
ATTEMPTS = 3
BACKOFF = 0.5  # seconds before the 2nd attempt, doubled before each next one

Sleep = Callable[[float], None]


@dataclass(frozen=True)
class Delivery:
    """How sending one part went: None for delivered, else why not (no URL, no secret)."""

    problem: str | None
    attempts: int


def deliver(client: httpx.Client, bot: Bot, part: Part, sleep: Sleep = time.sleep) -> Delivery:
    problem = "not sent"
    for attempt in range(1, ATTEMPTS + 1):
        request = bot.request(part)  # built per attempt: a DingTalk/Feishu timestamp stays fresh
        try:
            response = client.post(
                request.url,
                content=request.body,
                headers={"Content-Type": "application/json; charset=utf-8"},
            )
        except httpx.TimeoutException:
            problem, retry = "timed out", True
        except httpx.HTTPError as exc:
            problem, retry = f"cannot connect ({type(exc).__name__})", True
        else:
            verdict = bot.failure(response.status_code, response.content)
            if verdict is None:
                return Delivery(None, attempt)
            problem, retry = verdict, bot.retryable(response.status_code, response.content)
        if not retry or attempt == ATTEMPTS:
            return Delivery(problem, attempt)
        sleep(BACKOFF * 2 ** (attempt - 1))
    return Delivery(problem, ATTEMPTS)


def client(secrets: Iterable[str]) -> httpx.Client:
    """A client for one run; `secrets` (webhook URLs, their tokens, signing secrets) are scrubbed
    from every log record httpx and httpcore write (with --debug they log each request's URL)."""
    _SCRUB.secrets.update(secret for secret in secrets if secret)
    seconds = _timeout()
    return httpx.Client(
        timeout=httpx.Timeout(seconds, connect=min(seconds, 3.0)),
        headers={"User-Agent": f"provisioner/{__version__}"},
        follow_redirects=False,
    )


def _timeout() -> float:
    try:
        seconds = float(os.environ.get("PROVISIONER_NOTIFY_TIMEOUT", TIMEOUT_SECONDS))
    except ValueError:
        return TIMEOUT_SECONDS
    return seconds if seconds > 0 else TIMEOUT_SECONDS


class _Scrubber(logging.Filter):
    def __init__(self) -> None:
        super().__init__()
        self.secrets: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        scrubbed = message
        for secret in sorted(self.secrets, key=len, reverse=True):
            scrubbed = scrubbed.replace(secret, "***")
        if scrubbed != message:
            record.msg, record.args = scrubbed, ()
        return True


_SCRUB = _Scrubber()
for _name in ("httpx", "httpcore", "httpcore.connection", "httpcore.http11", "httpcore.proxy"):
    logging.getLogger(_name).addFilter(_SCRUB)
