"""The sandbox's fixed credentials and how a session names a seller.

Every sandbox shop signs with the same app: app key `sandbox-app`, app secret `sandbox-secret`
(TOP), signSecret `sandbox-sign-secret` (Kuaishou). The session (TOP) or access token (Kuaishou)
says which seller is calling: `sandbox-session` is the default seller, `sandbox-session/<name>`
the seller `<name>`; any other token is refused as invalid. A seller is created on first use, so
several sandbox shops stay apart simply by using different names (the in-process sandbox uses the
shop's name).
"""

from __future__ import annotations

APP_KEY = "sandbox-app"
APP_SECRET = "sandbox-secret"
SIGN_SECRET = "sandbox-sign-secret"
SESSION = "sandbox-session"
DEFAULT_SELLER = "sandbox"


def session_for(seller: str | None) -> str:
    """The session / access token that acts as `seller` (None: the default seller)."""
    return SESSION if seller is None else f"{SESSION}/{seller}"


def seller_for(session: str) -> str | None:
    """The seller a session acts as, or None when the session is not a sandbox one."""
    if session == SESSION:
        return DEFAULT_SELLER
    prefix = SESSION + "/"
    if session.startswith(prefix) and len(session) > len(prefix):
        return session[len(prefix) :]
    return None
