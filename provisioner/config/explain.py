"""Pydantic's validation errors, rewritten as messages a person fixing YAML understands.

Messages never include the offending value itself: it may be a pasted secret.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel
from pydantic_core import ErrorDetails

from provisioner.config.suggest import did_you_mean
from provisioner.config.yamlsource import OversizedNumber
from provisioner.model import Config

_EXPECTED = {
    "string_type": "a string",
    "int_type": "an integer",
    "float_type": "a number",
    "bool_type": "true or false",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "tuple_type": "a list",
    "list_type": "a list",
}


def explain(error: ErrorDetails) -> tuple[str, bool]:
    """(message, whether it points at the key rather than the value)."""
    kind, loc = error["type"], error["loc"]
    if kind == "extra_forbidden":
        allowed = _allowed_keys(loc[:-1])
        return f"unknown key '{loc[-1]}'{did_you_mean(str(loc[-1]), allowed)}", True
    if kind == "missing":
        hint = ' (add "version: 1")' if loc == ("version",) else ""
        return f"missing required key '{loc[-1]}'{hint}", True
    # A key with nothing after it: the value's place is the end of the line; show the key.
    empty = error.get("input", "") is None
    if kind in _EXPECTED:
        return _wrong_type(kind, error.get("input"), loc), empty
    if kind == "literal_error":
        return _literal(error), empty
    return _RULES.get(kind, _sentence)(error), empty


def _wrong_type(kind: str, value: Any, loc: tuple[int | str, ...]) -> str:
    expected, got = _EXPECTED[kind], _describe(value)
    number = isinstance(value, int | float | OversizedNumber) and not isinstance(value, bool)
    if kind == "string_type" and number and loc[-1] == "phone":
        return 'expected a string, got a number: quote phone numbers, e.g. "13800000001"'
    if kind == "string_type" and number and loc[-1] in ("from", "to"):
        return 'expected a time in quotes, "HH:MM", got a number'
    message = f"expected {expected}, got {got}"
    if kind == "string_type" and number:
        message += ' (quote it: "...")'
    elif kind in ("int_type", "float_type") and isinstance(value, str) and _numeric(value):
        message += " (remove the quotes)"
    elif kind in ("int_type", "float_type") and isinstance(value, OversizedNumber):
        message += " (far too large for any setting)"
    elif kind == "bool_type" and isinstance(value, str):
        message += " (only true and false are booleans)"
    elif kind == "tuple_type" and isinstance(value, str | int | float):
        message += " (a single item is still a list: [item])"
    elif kind == "tuple_type" and value is None:
        message += "; write [] for an empty one"
    elif kind in ("dict_type", "model_type", "model_attributes_type") and value is None:
        message += "; write {} for an empty one"
    return message


def _numeric(text: str) -> bool:
    try:
        float(text.replace("_", ""))
    except ValueError:
        return False
    return True


def _literal(error: ErrorDetails) -> str:
    expected = str((error.get("ctx") or {}).get("expected", ""))
    value = error.get("input")
    if error["loc"] == ("version",):
        if isinstance(value, str) and value.strip() == expected:
            return f"expected the number {expected}, got a string (remove the quotes)"
        if value is None:
            return f"expected the number {expected}, got nothing; write version: {expected}"
        shown = f" {value}" if isinstance(value, int) else ""
        return (
            f"unsupported configuration version{shown}: this provisioner reads version "
            f"{expected} (a newer config needs a newer provisioner)"
        )
    hint = ""
    if isinstance(value, str):
        options = [option.strip(" '") for option in expected.replace(" or ", ",").split(",")]
        meant = _SYNONYMS.get(value.lower())
        if meant in options:
            hint = f"; did you mean '{meant}'?"
        elif value.lower() not in _SYNONYMS:
            hint = did_you_mean(value, [option for option in options if option])
    return f"must be {expected}{hint}"


# Words people use for the values we accept. Spelling alone would steer some of them to the
# opposite: "inactive" is closest to "active".
_SYNONYMS = {
    "inactive": "disabled",
    "deactivated": "disabled",
    "suspended": "disabled",
    "disable": "disabled",
    "enabled": "active",
    "enable": "active",
    "delete": "remove",
    "keep": "ignore",
    "wechat": "wecom",
    "weixin": "wecom",
    "wework": "wecom",
    "lark": "feishu",
    "ding": "dingtalk",
    "zh": "zh-CN",
    "zh_cn": "zh-CN",
    "cn": "zh-CN",
    "chinese": "zh-CN",
    "en-us": "en",
    "english": "en",
}


def _bound(error: ErrorDetails) -> str:
    ctx = error.get("ctx") or {}
    words = {"ge": "at least", "gt": "greater than", "le": "at most", "lt": "less than"}
    for key, word in words.items():
        if key in ctx:
            limit = ctx[key]
            shown = int(limit) if isinstance(limit, float) and limit.is_integer() else limit
            return f"must be {word} {shown}"
    return _sentence(error)


def _too_short(error: ErrorDetails) -> str:
    if error["type"] == "string_too_short":
        return "must not be empty"
    minimum = (error.get("ctx") or {}).get("min_length", 1)
    return f"needs at least {minimum} item{'s' if minimum != 1 else ''}"


def _pattern(error: ErrorDetails) -> str:
    if error["loc"][-1] == "env":
        return (
            "must be an environment variable name: letters, digits and _, not starting with a digit"
        )
    return f"must match the pattern {(error.get('ctx') or {}).get('pattern')}"


def _sentence(error: ErrorDetails) -> str:
    message = error["msg"]
    return message[:1].lower() + message[1:]


_RULES: dict[str, Callable[[ErrorDetails], str]] = {
    "greater_than": _bound,
    "greater_than_equal": _bound,
    "less_than": _bound,
    "less_than_equal": _bound,
    "too_short": _too_short,
    "string_too_short": _too_short,
    "string_pattern_mismatch": _pattern,
}


_KINDS: tuple[tuple[type | tuple[type, ...], str], ...] = (
    (type(None), "nothing (null)"),
    (bool, "a boolean"),  # before int: True is an int too
    ((int, float), "a number"),
    (str, "a string"),
    (dict, "a mapping"),
    ((tuple, list), "a list"),
)


def _describe(value: Any) -> str:
    """What the user wrote, in YAML terms; never the value itself (it may be a secret)."""
    if isinstance(value, OversizedNumber):
        return f"a number with {value.digits:,} digits"
    return next((name for kind, name in _KINDS if isinstance(value, kind)), "something else")


def _allowed_keys(loc: tuple[int | str, ...]) -> list[str]:
    """The keys the model at `loc` accepts, for 'did you mean'."""
    annotation: Any = Config
    for part in loc:
        annotation = _step(annotation, part)
        if annotation is None:
            return []
    model = _model_of(annotation)
    if model is None:
        return []
    return [field.alias or name for name, field in model.model_fields.items()]


def _step(annotation: Any, part: int | str) -> Any:
    model = _model_of(annotation)
    if model is not None:
        field = model.model_fields.get(str(part)) or next(
            (f for f in model.model_fields.values() if f.alias == part), None
        )
        return field.annotation if field else None
    args = typing.get_args(annotation)
    origin = typing.get_origin(annotation)
    if origin is dict:
        return args[1]
    if origin is tuple:
        return args[0]
    return None


def _model_of(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _model_of(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        models = [m for m in map(_model_of, typing.get_args(annotation)) if m is not None]
        return models[0] if models else None
    return None
