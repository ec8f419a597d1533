"""One Change as lines of text, Terraform-style, shared by the text and Markdown renderers."""

from __future__ import annotations

from provisioner.render.values import clean, format_value, is_blank
from provisioner.resources import Action, Change, FieldChange

SIGNS: dict[Action, str] = {"create": "+", "update": "~", "delete": "-"}


def change_title(change: Change) -> str:
    """`acme-tmall/account/小王 (manual)`."""
    manual = " (manual)" if change.execution == "manual" else ""
    return f"{clean(str(change.address))}{manual}"


def change_details(change: Change) -> tuple[str, ...]:
    """The reason as a `#` comment, then `field: before -> after` lines, names aligned."""
    return tuple(head + " ".join(words) for head, words in change_detail_parts(change))


def change_detail_parts(change: Change) -> tuple[tuple[str, list[str]], ...]:
    """`change_details` as (head, words): a line may fold between words, under its head's end."""
    reason = (("# ", clean(change.reason).split(" ")),) if change.reason else ()
    shown = [item for item in change.fields if _worth_showing(change.action, item)]
    width = max((len(item.field) for item in shown), default=0)
    return reason + tuple(
        (
            f"{(clean(item.field) + ':').ljust(width + 1)} ",
            _field_text(change.action, item).split(" "),
        )
        for item in shown
    )


def _worth_showing(action: Action, item: FieldChange) -> bool:
    # A create or delete lists every field; the empty ones say nothing a reviewer needs.
    if action == "create":
        return not is_blank(item.after)
    if action == "delete":
        return not is_blank(item.before)
    return True


def _field_text(action: Action, item: FieldChange) -> str:
    if action == "create":
        return format_value(item.after)
    if action == "delete":
        return format_value(item.before)
    return f"{format_value(item.before)} -> {format_value(item.after)}"
