"""The configuration language as typed, immutable values (DESIGN §2).

These models are the single source of the JSON Schema in `schemas/` (`provisioner schema`).
They check shape and types only; cross-references, naming rules and policies are checked by
`provisioner.config.checks`, which can name every offending place at once.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from provisioner.platforms import builtin_platforms

Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
Names = tuple[str, ...]


class Strict(BaseModel):
    """Unknown keys are errors, values are never coerced, instances never change."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        frozen=True,
        populate_by_name=True,
        revalidate_instances="never",
    )


def _reject_plaintext(value: Any) -> Any:
    if isinstance(value, str | int | float):
        raise PydanticCustomError(
            "plaintext_secret",
            "plaintext credential: write {env: NAME} or {file: PATH} instead (value not shown)",
        )
    return value


class SecretRef(Strict):
    """Where a secret lives: an environment variable or a file, never the value itself."""

    env: str | None = Field(
        None, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", description="Environment variable name"
    )
    file: str | None = Field(
        None, min_length=1, description="Path to a file holding the value; ~ expands"
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> SecretRef:
        if (self.env is None) == (self.file is None):
            raise PydanticCustomError(
                "secret_ref", "a secret reference needs exactly one of env or file"
            )
        return self


SecretValue = Annotated[SecretRef, BeforeValidator(_reject_plaintext)]


def _reject_plaintext_webhook(value: Any) -> Any:
    if isinstance(value, str | int | float):
        raise PydanticCustomError(
            "plaintext_secret",
            "plaintext webhook: its URL carries the bot's token; write {env: NAME} or "
            "{file: PATH} instead (value not shown)",
        )
    return value


WebhookValue = Annotated[SecretRef, BeforeValidator(_reject_plaintext_webhook)]


class StateSettings(Strict):
    """Where the state store lives: a SQLite file (one person), or PostgreSQL (a team, CI)."""

    backend: Literal["sqlite", "postgres"] = "sqlite"
    path: str = Field(
        ".provisioner/state.db", min_length=1, description="SQLite file, relative to the config"
    )
    dsn: SecretValue | None = Field(
        None,
        description="PostgreSQL connection string or URL (a secret reference: it may hold a password)",
    )
    db_schema: str = Field(
        "provisioner",
        alias="schema",
        pattern=r"^[a-z_][a-z0-9_]{0,62}$",
        description="PostgreSQL schema holding the tables; several configs can share a database with one schema each",
    )

    @model_validator(mode="after")
    def _postgres_needs_dsn(self) -> StateSettings:
        if self.backend == "postgres" and self.dsn is None:
            raise PydanticCustomError(
                "state_dsn",
                "backend postgres needs a dsn, e.g. dsn: {env: PROVISIONER_STATE_DSN}",
            )
        return self


class Safety(Strict):
    max_delete_percent: float = Field(30, ge=0, le=100)
    max_update_percent: float = Field(50, ge=0, le=100)
    min_accounts: int = Field(10, ge=0)


class Policy(Strict):
    """Deny permissions to roles (globs over role template names), or require agent fields."""

    name: str = Field(min_length=1)
    description: str = ""
    roles: Names = ("*",)
    except_roles: Names = ()
    deny: Names = Field((), description="Globs over canonical permission names")
    require_agent_fields: tuple[Literal["name", "phone"], ...] = ()


class Due(Strict):
    """How long a manual task may stay open: `4h`, `3d`, `90m`, `1d12h` (w, d, h, m)."""

    offboarding: str = Field(
        "4h", description="Tasks that remove access (delete, disable, fewer roles)"
    )
    default: str = Field("3d", description="Every other manual task")


class TaskSettings(Strict):
    due: Due = Due()


class Notify(Strict):
    """A group bot told about opened and overdue manual tasks.

    The webhook is the full URL the platform hands out; it carries the bot's token, so it is a
    secret reference like every credential. `secret` is the signing secret (DingTalk 加签,
    Feishu 签名校验); WeCom bots have none.
    """

    to: Literal["dingtalk", "feishu", "wecom"]
    webhook: WebhookValue = Field(description="The bot's webhook URL (a secret reference)")
    secret: SecretValue | None = Field(None, description="Signing secret (a secret reference)")


class Settings(Strict):
    state: StateSettings = StateSettings()
    language: Literal["zh-CN", "en"] = Field(
        "zh-CN", description="Task steps, notifications and the task list"
    )
    timezone: str = Field("Asia/Shanghai", description="Every time shown (an IANA zone)")
    tasks: TaskSettings = TaskSettings()
    notify: tuple[Notify, ...] = Field(
        (), description="Group bots told about opened and overdue manual tasks"
    )
    safety: Safety = Safety()
    policies: tuple[Policy, ...] = ()


class Group(Strict):
    description: str = ""


class Shop(Strict):
    platform: str = Field(json_schema_extra={"examples": list(builtin_platforms())})
    name: str = ""
    main_account: str | None = Field(None, description="Tmall/Taobao: sub-accounts are MAIN:NICK")
    endpoint: str | None = Field(None, description='"sandbox", a URL, or omitted for the real API')
    credentials: dict[str, SecretValue] = {}
    rate_limit: float | None = Field(
        None,
        gt=0,
        description="Requests per second for this shop's app key (default: per platform)",
    )
    unmanaged: Literal["report", "remove", "ignore"] = "report"
    offboarding: Literal["delete", "disable"] = Field(
        "delete",
        description="An account no longer declared: delete it (where the API can only disable, "
        "disable it at once and open a task to delete it), or only disable it",
    )
    protected: Names = Field((), description="Nicknames never modified or deleted")
    groups: dict[str, Group] = {}
    retired: bool = Field(False, description="The shop is gone: forget its recorded resources")


class NativeRole(Strict):
    permission_codes: Names = ()
    roles: Names = Field((), description="Existing platform role names this template binds to")


class Role(Strict):
    description: str = ""
    extends: Names = ()
    permissions: Names = ()
    native: dict[str, NativeRole] = {}


class Shift(Strict):
    days: tuple[Day, ...] = Field(min_length=1)
    from_: str = Field(alias="from", description='"HH:MM"')
    to: str = Field(description='"HH:MM"')


class Schedule(Strict):
    timezone: str = "Asia/Shanghai"
    shifts: tuple[Shift, ...] = Field(min_length=1)


class Account(Strict):
    shop: str
    nickname: str = Field(min_length=1)
    roles: Names = ()
    dispatch: bool | None = None
    reception_limit: int | None = Field(None, ge=0, le=10000)
    schedule: str | None = None
    groups: Names = ()
    valid_from: str | None = Field(
        None, description='Not created before: "2026-06-01" or "2026-06-01 09:00" (team time zone)'
    )
    expires: str | None = Field(
        None, description='Offboarded after: "2026-06-30" (end of that day) or "2026-06-30 18:00"'
    )
    handover_from: str | None = Field(
        None,
        min_length=1,
        description="Person id of the previous holder of this account: hand it over (reset "
        "first) instead of refusing a name recorded as someone else's",
    )


class Agent(Strict):
    name: str | None = None
    phone: str | None = Field(None, description="Personal data: masked in every output")
    status: Literal["active", "disabled"] = "active"
    previously: Names = Field((), description="Former person ids: a rename, not a new person")
    valid_from: str | None = Field(
        None, description='Not created before: "2026-06-01" or "2026-06-01 09:00" (team time zone)'
    )
    expires: str | None = Field(
        None, description='Offboarded after: "2026-06-30" (end of that day) or "2026-06-30 18:00"'
    )
    accounts: tuple[Account, ...] = ()


class Config(Strict):
    """A whole configuration: every file of a config directory merged."""

    version: Literal[1]
    settings: Settings = Settings()
    shops: dict[str, Shop] = {}
    roles: dict[str, Role] = {}
    schedules: dict[str, Schedule] = {}
    agents: dict[str, Agent] = {}


def mask_phone(phone: str | None) -> str | None:
    """138****0001: enough to recognise, not enough to call."""
    if not phone:
        return phone
    if len(phone) <= 4:
        return "*" * len(phone)
    return phone[:3] + "*" * max(len(phone) - 7, 1) + phone[-4:]
