"""Field values to and from the JSON text columns, exactly: tuples come back as tuples.

The encoding is canonical (sorted keys, no spaces, UTF-8 kept as is) so equal values always
give equal text; the state digest hashes that text. Only the fields `provisioner.resources`
declares for a kind (`FIELDS`, plus the bookkeeping `META_FIELDS`) are accepted: the store
never keeps anything else, a phone number say.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

from provisioner.resources import FIELDS, KINDS, META_FIELDS, Address, FieldChange, FieldValue

_ALLOWED = {kind: frozenset(FIELDS[kind]) | frozenset(META_FIELDS) for kind in KINDS}

Pairs = tuple[tuple[str, FieldValue], ...]


def dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def encode_fields(address: Address, fields: Mapping[str, FieldValue]) -> str:
    """Raises ValueError for a field the kind does not have or a value that is no FieldValue."""
    for name, value in fields.items():
        _check(address, name, value)
    return dumps(dict(fields))


def decode_many(texts: list[str]) -> list[Mapping[str, FieldValue]]:
    """Decode many `encode_fields` texts at once, into read-only mappings.

    Speed matters at 50,000 recorded accounts: each distinct text is parsed once (accounts of
    a team mostly share their fields), and all of them as one JSON document.
    """
    distinct = list(dict.fromkeys(texts))
    parsed: list[dict[str, Any]] = json.loads(f"[{','.join(distinct)}]")
    for fields in parsed:
        for name, value in fields.items():
            if value.__class__ is list:  # JSON has no tuple: a list can only be a tuple of str
                fields[name] = tuple(value)
    # Equal texts share one read-only view: copying 50,000 dicts costs more than parsing them.
    by_text = {
        text: MappingProxyType(fields) for text, fields in zip(distinct, parsed, strict=True)
    }
    return [by_text[text] for text in texts]


def encode_changes(address: Address, changes: Iterable[FieldChange]) -> str:
    rows = []
    for change in changes:
        _check(address, change.field, change.before)
        _check(address, change.field, change.after)
        rows.append([change.field, change.before, change.after])
    return dumps(rows)


def decode_changes(text: str) -> tuple[FieldChange, ...]:
    return tuple(
        FieldChange(name, _value(before), _value(after)) for name, before, after in json.loads(text)
    )


def encode_pairs(address: Address, pairs: Pairs) -> str:
    for name, value in pairs:
        _check(address, name, value)
    return dumps([list(pair) for pair in pairs])


def decode_pairs(text: str) -> Pairs:
    return tuple((name, _value(value)) for name, value in json.loads(text))


def encode_strings(values: Iterable[str]) -> str:
    return dumps(list(values))


def decode_strings(text: str) -> tuple[str, ...]:
    return tuple(json.loads(text))


def _value(value: Any) -> FieldValue:
    # JSON has no tuple: the only list a field value can be is a tuple of strings.
    return tuple(value) if type(value) is list else value


def _check(address: Address, name: str, value: object) -> None:
    if name not in _ALLOWED[address.kind]:
        raise ValueError(f"{address}: {address.kind} has no field {name!r}; refusing to record it")
    if not _is_field_value(value):
        raise ValueError(
            f"{address}: field {name!r} holds a {type(value).__name__}, not a field value"
        )


def _is_field_value(value: object) -> bool:
    if isinstance(value, tuple):
        return all(isinstance(item, str) for item in value)
    return value is None or isinstance(value, str | int | bool)
