"""Every expected failure is a ProvisionerError: the CLI reports it as one line and exits 1."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from provisioner.printable import printable

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One finding about the configuration, anchored to a place in a file."""

    file: str
    line: int
    col: int
    path: str
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        # The path and the message quote config values: never a raw newline or escape in them.
        prefix = "warning: " if self.severity == "warning" else ""
        where = (
            f"{printable(self.path)}: " if self.path else ""
        )  # a file-level problem names no key
        message = printable(self.message)
        return f"{printable(self.file)}:{self.line}:{self.col}: {where}{prefix}{message}"


class ProvisionerError(Exception):
    """Root of every error the user can cause or fix; never carries a secret value.

    The message is one line; `details` are further lines (one finding each), which the CLI
    prints indented below it. Neither may rely on a newline of its own: values in them are
    printed with control characters escaped, so a value cannot start a line.
    """

    details: tuple[str, ...] = ()

    def detailed(self, details: Iterable[str]) -> ProvisionerError:
        self.details = tuple(details)
        return self


class ConfigError(ProvisionerError):
    """The configuration is invalid; carries every diagnostic of the run, not just the first."""

    def __init__(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics = tuple(sorted(diagnostics))
        count = len(self.diagnostics)
        super().__init__(f"{count} error{'s' if count != 1 else ''} in the configuration")


class SecretError(ProvisionerError):
    """A credential reference could not be resolved (the message names the reference only)."""


class StateError(ProvisionerError):
    """The state store cannot be opened, read or written."""


class LockHeldError(StateError):
    """Another process holds the apply lock."""


class PlanError(ProvisionerError):
    """The plan cannot be made or must not be applied."""


class UnsafePlanError(PlanError):
    """The plan exceeds a safety threshold and needs --force."""


class StalePlanError(PlanError):
    """A saved plan no longer matches the config or the observed state."""


class TaskError(ProvisionerError):
    """A manual task cannot be found or changed as asked."""


class ConnectorError(ProvisionerError):
    """A platform call failed; subclasses say how, so callers can retry or report."""

    retryable = False


class AuthError(ConnectorError):
    """Credentials were refused (bad key, signature, session); retrying does not help."""


class MissingCredentialsError(AuthError):
    """A shop's config lacks credentials its platform needs: a config problem, with a place
    (`shop` names the shop entry that should hold them)."""

    def __init__(self, shop: str, names: Sequence[str]) -> None:
        super().__init__(
            f"{shop}: missing credential(s) {', '.join(names)}: add them under credentials:"
        )
        self.shop = shop


class RateLimitedError(ConnectorError):
    """The platform throttled us; `retry_after` is the wait it asked for, in seconds."""

    retryable = True

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class NotFoundError(ConnectorError):
    """The resource does not exist on the platform."""


class ConflictError(ConnectorError):
    """The platform refused because the name is taken or the state changed underneath."""


class InvalidError(ConnectorError):
    """The platform refused the request as invalid (missing or bad argument)."""


class TransientError(ConnectorError):
    """A temporary failure (timeout, 5xx, service busy); the same call may succeed later."""

    retryable = True


class CallTimeoutError(TransientError):
    """The call timed out: it may or may not have taken effect on the platform."""
