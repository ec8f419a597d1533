"""Telling the group chat, as apply and `tasks remind` do, and saying how it went."""

from __future__ import annotations

from provisioner.cli.output import echo, error, warning
from provisioner.config.loader import LoadedConfig
from provisioner.notify.message import Message
from provisioner.notify.send import Sent, notify

_AGAIN = "the tasks are recorded; `provisioner tasks remind` sends them again"


def tell(
    loaded: LoadedConfig, message: Message | None, *, strict: bool = False, err: bool = False
) -> bool:
    """Send `message` to every configured bot; True when all got it.

    A bot that fails is one line: a warning (apply must not fail for a chat message), or an
    error when `strict` (`tasks remind` exists to deliver). Never the webhook or the secret.
    `err`: say who was notified on stderr (apply's stdout may be its JSON report).
    """
    if message is None or not loaded.config.settings.notify:
        return True
    results = notify(loaded.config.settings, loaded.base_dir, message)
    delivered = [sent for sent in results if sent.problem is None]
    for sent in results:
        if sent.problem is not None:
            line = f"notify {sent.to} ({sent.where}): not delivered: {sent.problem}"
            if strict:
                error(line)
            else:
                warning(f"{line}; {_AGAIN}")
    if delivered:
        echo(f"Notified {_names(delivered)}.", err=err)
    return len(delivered) == len(results)


def _names(sent: list[Sent]) -> str:
    return ", ".join(
        f"{item.to} ({item.parts} messages)" if item.parts > 1 else item.to for item in sent
    )
