"""The plan as the versioned JSON document of DESIGN §5: `plan --format json` and saved plans."""

from __future__ import annotations

import json

from provisioner.plan.document import plan_to_document
from provisioner.plan.model import Plan


def render_json(plan: Plan) -> str:
    """Format 1, keys in their documented order, Chinese kept readable (not \\u-escaped)."""
    return json.dumps(plan_to_document(plan), ensure_ascii=False, indent=2, sort_keys=False) + "\n"
