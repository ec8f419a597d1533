"""Sending one message to every bot in `settings.notify`; problems are returned, never raised."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from provisioner.config.webhooks import is_http_url
from provisioner.errors import SecretError
from provisioner.model import Notify, Settings
from provisioner.notify.bots import BOTS, Bot, Clock
from provisioner.notify.message import Message
from provisioner.notify.webhook import Sleep, client, deliver
from provisioner.secrets import resolve


@dataclass(frozen=True)
class Sent:
    """How one bot fared: `problem` None when every part was delivered."""

    to: str
    where: str  # settings.notify[N]
    parts: int
    problem: str | None = None


def notify(
    settings: Settings,
    base_dir: Path,
    message: Message,
    *,
    sleep: Sleep = time.sleep,
    clock: Clock = time.time,
) -> list[Sent]:
    """Send `message` to each configured bot, one after the other."""
    results = []
    for index, target in enumerate(settings.notify):
        where = f"settings.notify[{index}]"
        try:
            bot = _bot(target, where, base_dir, clock)
        except SecretError as exc:
            results.append(Sent(target.to, where, 0, str(exc)))
            continue
        if bot is None:
            problem = "the webhook is not an http(s) URL"
            results.append(Sent(target.to, where, 0, problem))
            continue
        results.append(_send(bot, where, message, sleep))
    return results


def _bot(target: Notify, where: str, base_dir: Path, clock: Clock) -> Bot | None:
    webhook = resolve(target.webhook, f"{where}.webhook", base_dir).reveal().strip()
    secret = None
    if target.secret is not None:
        secret = resolve(target.secret, f"{where}.secret", base_dir).reveal()
    if not is_http_url(webhook):
        return None
    return BOTS[target.to](webhook, secret, clock)


def _send(bot: Bot, where: str, message: Message, sleep: Sleep) -> Sent:
    secrets = tuple(_secret_parts(bot))
    parts = bot.parts(message)
    with client(secrets) as http:
        for number, part in enumerate(parts, 1):
            delivery = deliver(http, bot, part, sleep)
            if delivery.problem is not None:
                attempts = f"{delivery.attempts} attempt{'s' if delivery.attempts != 1 else ''}"
                problem = _scrubbed(f"{delivery.problem} ({attempts})", secrets)
                if len(parts) > 1:
                    problem = f"message {number} of {len(parts)}: {problem}"
                return Sent(bot.name, where, number - 1, problem)
    return Sent(bot.name, where, len(parts))


def _secret_parts(bot: Bot) -> Iterator[str]:
    """The webhook, the tokens inside it (query values, the last path segment) and the secret."""
    yield bot.webhook
    parts = urlsplit(bot.webhook)
    for _, value in parse_qsl(parts.query):
        if len(value) >= 8:
            yield value
    segment = parts.path.rstrip("/").rsplit("/", 1)[-1]
    if len(segment) >= 16:
        yield segment
    if bot.secret:
        yield bot.secret


def _scrubbed(text: str, secrets: tuple[str, ...]) -> str:
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, "***")
    return text
