"""Pydantic's validation errors, rewritten as messages a person fixing YAML understands.

Messages never include the offending value itself: it may be a pasted secret.
"""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel
from pydantic_core import ErrorDetails

from provisioner.config.suggest import did_you_mean
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
        return f"missing required key '{loc[-1]}'", False
    if kind in _EXPECTED:
        return _wrong_type(kind, error.get("input"), loc), False
    if kind == "literal_error":
        return _literal(error), False
    return _sentence(error["msg"]), False


def _wrong_type(kind: str, value: Any, loc: tuple[int | str, ...]) -> str:
    got = _describe(value)
    message = f"expected {_EXPECTED[kind]}, got {got}"
    if kind == "string_type" and isinstance(value, int | float) and not isinstance(value, bool):
        message += " (quote it: \"...\")"
    if kind == "bool_type" and isinstance(value, str):
        message += " (only true and false are booleans)"
    return message


def _literal(error: ErrorDetails) -> str:
    expected = str((error.get("ctx") or {}).get("expected", ""))
    value = error.get("input")
    hint = ""
    if isinstance(value, str):
        options = [option.strip(" '") for option in expected.replace(" or ", ",").split(",")]
        hint = did_you_mean(value, [option for option in options if option])
    return f"must be {expected}{hint}"


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, tuple | list):
        return "a list"
    return type(value).__name__


def _sentence(message: str) -> str:
    return message[:1].lower() + message[1:]


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
