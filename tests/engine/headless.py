"""Load a page in headless Chromium (Debian's `chromium`) and read the DOM after its scripts ran.

`.ci/run` installs Chromium when it is missing; elsewhere the tests that need it are skipped
with that reason. Chromium runs with no network features, a throwaway profile and a timeout.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--virtual-time-budget=5000",
)


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.skip("headless Chromium is not installed (.ci/run installs Debian's chromium)")
    return found


def dump_dom(page: Path, fragment: str, profile: Path) -> str:
    """The page's DOM, serialised after its scripts ran, opened as `file://PAGE#FRAGMENT`."""
    url = page.resolve().as_uri() + (f"#{fragment}" if fragment else "")
    result = subprocess.run(
        [chromium(), *FLAGS, f"--user-data-dir={profile}", "--dump-dom", url],
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "<html" in result.stdout, result.stderr[-2000:]
    return result.stdout


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    hidden: bool  # this element or one around it has the `hidden` attribute
    text: str = ""
    children: list[Element] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())


class _Dom(HTMLParser):
    VOID = frozenset({"br", "meta", "link", "input", "img", "hr"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[Element] = []
        self.all: list[Element] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        parent_hidden = bool(self.stack) and self.stack[-1].hidden
        element = Element(tag, values, parent_hidden or "hidden" in values)
        if self.stack:
            self.stack[-1].children.append(element)
        self.all.append(element)
        if tag not in self.VOID:
            self.stack.append(element)

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.stack.pop().tag == tag:
                break

    def handle_data(self, data: str) -> None:
        for element in self.stack:
            element.text += data


def parse(dom: str) -> list[Element]:
    parser = _Dom()
    parser.feed(dom)
    return parser.all


def visible(elements: list[Element], tag: str, cls: str) -> list[Element]:
    """What a person sees: elements of `tag` with class `cls` not hidden (nor inside a hidden one)."""
    return [e for e in elements if e.tag == tag and cls in e.classes and not e.hidden]


def by_id(elements: list[Element], ident: str) -> Element:
    return next(e for e in elements if e.attrs.get("id") == ident)
