"""Whether a notification webhook reference holds what a bot platform hands out: an http(s) URL.

The URL carries the bot's token, so it is a secret reference and never shown. When the reference
cannot be resolved here (a CI job that validates without the secrets) nothing is judged; sending
then says so in its one warning line.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from provisioner.errors import SecretError
from provisioner.model import SecretRef
from provisioner.secrets import resolve


def is_http_url(text: str) -> bool:
    try:
        parts = urlsplit(text.strip())
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def webhook_problem(ref: SecretRef, base_dir: Path) -> str | None:
    """What is wrong with the webhook `ref` points to, or None (fine, or not resolvable here)."""
    try:
        value = resolve(ref, "webhook", base_dir).reveal()
    except SecretError:
        return None
    if is_http_url(value):
        return None
    where = f"environment variable {ref.env}" if ref.env else f"file {ref.file}"
    return f"{where} does not hold an http(s) URL (value not shown); paste the bot's whole webhook address"
