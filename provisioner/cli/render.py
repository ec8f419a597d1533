"""Choosing a renderer for a plan by --format, and the width a text plan folds to."""

from __future__ import annotations

import os
import shutil
import sys
from typing import TextIO

from provisioner.cli.output import use_color
from provisioner.plan.model import Plan
from provisioner.render.json import render_json
from provisioner.render.markdown import render_markdown
from provisioner.render.text import render_text
from provisioner.render.wrap import MIN_WIDTH

DEFAULT_WIDTH = 100  # a log or a pipe has no width; this reads well in CI logs and pagers


def rendered(plan: Plan, output_format: str, *, steps: bool = False, verbose: bool = False) -> str:
    """`steps`: each manual change's back-office steps in text (`show` does); `verbose`: low-risk
    permissions listed in text and Markdown instead of counted."""
    if output_format == "json":
        return render_json(plan)
    if output_format == "markdown":
        return render_markdown(plan, verbose=verbose)
    width = terminal_width(sys.stdout)
    return render_text(plan, color=use_color(sys.stdout), steps=steps, verbose=verbose, width=width)


def terminal_width(stream: TextIO) -> int:
    """A terminal's own width; else COLUMNS when set (a user's or CI's choice); else 100."""
    if stream.isatty():
        return max(shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns, MIN_WIDTH)
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return max(int(columns), MIN_WIDTH)
    return DEFAULT_WIDTH
