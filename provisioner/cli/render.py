"""Choosing a renderer for a plan by --format."""

from __future__ import annotations

import sys

from provisioner.cli.output import use_color
from provisioner.plan.model import Plan
from provisioner.render.json import render_json
from provisioner.render.markdown import render_markdown
from provisioner.render.text import render_text


def rendered(plan: Plan, output_format: str, *, steps: bool = False) -> str:
    """`steps`: show each manual change's back-office steps in text (`show` does)."""
    if output_format == "json":
        return render_json(plan)
    if output_format == "markdown":
        return render_markdown(plan)
    return render_text(plan, color=use_color(sys.stdout), steps=steps)
