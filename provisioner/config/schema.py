"""The published JSON Schema, generated from the models so the two never drift apart."""

from __future__ import annotations

import json
from typing import Any

import jsonschema

from provisioner.config.schemadocs import enrich
from provisioner.model import Config

SCHEMA_ID = "https://provisioner.dev/schemas/provisioner.schema.json"


def json_schema(*, plugins: bool = True) -> dict[str, Any]:
    """The schema editors use to complete and check config files (one file or a fragment).

    `plugins`: name installed plugin platforms too (see `schemadocs.enrich`).
    """
    schema = Config.model_json_schema(mode="validation")
    # A directory splits sections over files, so no single file must hold `version`.
    schema["required"] = []
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "provisioner configuration",
        **enrich(schema, plugins=plugins),
    }
    jsonschema.Draft202012Validator.check_schema(schema)
    return schema


def schema_text(*, plugins: bool = True) -> str:
    """The schema as `provisioner schema` prints it; `plugins=False`: as committed in
    `schemas/provisioner.schema.json` (no plugin platforms)."""
    schema = json_schema(plugins=plugins)
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def schema_errors(document: Any) -> list[str]:
    """Where `document` (one parsed file) breaks the published schema; for tests and CI."""
    validator = jsonschema.Draft202012Validator(json_schema())
    # The loader builds tuples; JSON Schema arrays are lists.
    plain = json.loads(json.dumps(document))
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator.iter_errors(plain)
    ]
