"""The plan as the versioned JSON document of DESIGN §5: `plan --format json` and saved plans."""

from __future__ import annotations

from provisioner.plan.document import document_text, plan_to_document
from provisioner.plan.model import Plan


def render_json(plan: Plan) -> str:
    """Format 1, keys in their documented order, Chinese kept readable (not \\u-escaped)."""
    return document_text(plan_to_document(plan))
