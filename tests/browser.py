"""Headless Chromium as a layout oracle: many HTML documents laid out in ONE browser start.

The page holds one iframe; its script writes each document into it in turn (same origin, so the
script can read the layout), with the iframe as wide as that document's viewport, so media
queries see that width. It measures each, then writes the results as JSON into the page, which
``--dump-dom`` hands back. A start takes about a second and each document a few milliseconds
(an iframe per document would take 30 ms each), so a test lays out hundreds of card sides at once.

``probe`` loads a whole page instead (the preview page), runs a test's script in it once loaded
and returns what the script returned along with every error the page reported.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

# Nothing but the page: no network, no first-run UI, no profile left behind, overlay scrollbars
# like a phone's (a classic scrollbar would take 15 px off the width being tested).
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--window-size=1280,800",
)
RESULT = "lmn-layout-result"


def chromium() -> str:
    """The browser to use ($LMNDECK_CHROMIUM, else Debian's `chromium`); skips the test when there
    is none, except in CI, which installs it (.ci/run) and must not pass by skipping."""
    found = os.environ.get("LMNDECK_CHROMIUM") or shutil.which("chromium")
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail("chromium is not installed (.ci/run installs Debian's chromium)")
    pytest.skip("chromium is not installed: apt-get install chromium")


@dataclass(frozen=True)
class Frame:
    """One complete HTML document, laid out in a viewport ``width`` px wide."""

    name: str
    html: str
    width: int
    height: int = 800


@dataclass(frozen=True)
class Box:
    left: float
    right: float
    top: float
    bottom: float

    @property
    def centre(self) -> float:
        return (self.left + self.right) / 2


@dataclass(frozen=True)
class Layout:
    """What a document looks like in its viewport."""

    name: str
    width: int
    client_width: int  # of the document: the viewport less any scrollbar
    scroll_width: int  # of the document: wider than client_width = the page scrolls sideways
    # Elements reaching outside the viewport, or scrolling sideways inside a box of their own
    # (which the document's scroll width does not show), e.g. "table.lmn-table right=512".
    overflowing: tuple[str, ...]
    # Per selector asked for, the box of the content (text and children) of each match: a
    # centred line's content box is centred, its block box always is.
    boxes: Mapping[str, tuple[Box, ...]]

    @property
    def fits(self) -> bool:
        return self.scroll_width <= self.client_width and not self.overflowing


# Runs in the outer page once loaded.
MEASURE = """
const selectors = JSON.parse(document.getElementById("lmn-selectors").textContent);
function describe(el) {
  const classes = [...el.classList].map(c => "." + c).join("");
  return el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + classes;
}
function box(r) { return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; }
function measure(frame, name) {
  const doc = frame.contentDocument, root = doc.documentElement, width = root.clientWidth;
  const overflowing = [];
  for (const el of doc.body.querySelectorAll("*")) {
    const r = el.getBoundingClientRect(), style = doc.defaultView.getComputedStyle(el);
    if (r.width > 0 && (r.right > width + 0.5 || r.left < -0.5)) {
      overflowing.push(`${describe(el)} left=${Math.round(r.left)} right=${Math.round(r.right)}`);
    } else if (style.overflowX !== "visible" && el.scrollWidth > el.clientWidth + 1) {
      overflowing.push(`${describe(el)} scrolls ${el.scrollWidth} in ${el.clientWidth}`);
    }
  }
  const boxes = {};
  for (const selector of selectors) {
    boxes[selector] = [...doc.querySelectorAll(selector)].map(el => {
      const range = doc.createRange();
      range.selectNodeContents(el);
      return box(range.getBoundingClientRect());
    });
  }
  return {name, width: frame.clientWidth, client_width: width, scroll_width: root.scrollWidth,
          overflowing, boxes};
}
window.addEventListener("load", () => {
  let result;
  try {
    const frame = document.getElementById("lmn-frame"), layouts = [];
    for (const item of JSON.parse(document.getElementById("lmn-documents").textContent)) {
      frame.style.width = item.width + "px";
      frame.style.height = item.height + "px";
      const doc = frame.contentDocument;
      doc.open();
      doc.write(item.html);
      doc.close();
      layouts.push(measure(frame, item.name));
    }
    result = {layouts};
  } catch (error) {
    result = {error: String(error.stack || error)};
  }
  // A script element's text is dumped as is; every '<' escaped, so nothing in it can end it.
  document.getElementById("RESULT_ID").textContent = JSON.stringify(result).replace(/</g, "\\\\u003c");
});
""".replace("RESULT_ID", RESULT)


def lay_out(frames: Sequence[Frame], selectors: Sequence[str] = ()) -> list[Layout]:
    """Lay out every frame in one page load of headless Chromium and measure each."""
    documents = [
        {"name": frame.name, "html": frame.html, "width": frame.width, "height": frame.height}
        for frame in frames
    ]
    page = (
        "<!doctype html><html><head><meta charset=utf-8></head><body style=margin:0>"
        '<iframe id="lmn-frame" style="border:0;display:block"></iframe>'
        f'<script type="application/json" id="lmn-documents">{_json_in_script(documents)}</script>'
        f'<script type="application/json" id="lmn-selectors">{_json_in_script(selectors)}</script>'
        f'<script type="application/json" id="{RESULT}"></script>'
        f"<script>{MEASURE}</script></body></html>"
    )
    result = run_page(page)
    return [_layout(data) for data in result["layouts"]]


def run_page(page: str, timeout: float = 60) -> Any:
    """Load ``page`` from a file:// address and return the JSON its script wrote into the
    element with id ``lmn-layout-result`` (a page's script error is raised here)."""
    with tempfile.TemporaryDirectory(prefix="lmndeck-chromium-") as directory:
        path = Path(directory) / "page.html"
        path.write_text(page, encoding="utf-8")
        done = subprocess.run(
            [
                chromium(),
                *FLAGS,
                f"--user-data-dir={directory}/profile",
                "--dump-dom",
                path.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    found = re.search(
        rf'<script type="application/json" id="{RESULT}">(.*?)</script>', done.stdout, re.S
    )
    if done.returncode != 0 or not found or not found.group(1):
        raise RuntimeError(
            f"chromium gave no result (exit {done.returncode}):\n{done.stderr[-2000:]}"
        )
    result = json.loads(found.group(1))
    if "error" in result:
        raise RuntimeError(f"the measuring script failed: {result['error']}")
    return result


# Put first in a page's head by probe(): every script error, failed load of a resource, unhandled
# promise rejection and console error or warning of the page, in the order they came.
COLLECT_ERRORS = """
window.lmnErrors = [];
window.addEventListener("error", event => {
  const where = event.filename ? ` (${event.filename}:${event.lineno})` : "";
  const what = event.message || `${event.type} loading ${event.target.src || event.target.href}`;
  window.lmnErrors.push(what + where);
}, true);
window.addEventListener("unhandledrejection", event => {
  window.lmnErrors.push(`unhandled rejection: ${event.reason}`);
});
for (const level of ["error", "warn"]) {
  const original = console[level];
  console[level] = (...args) => {
    window.lmnErrors.push(`console.${level}: ${args.join(" ")}`);
    original.apply(console, args);
  };
}
"""

# Appended to the page's body by probe(): runs the test's script once the page has loaded.
PROBE = """
window.addEventListener("load", () => {
  let result;
  try {
    result = {value: (() => { SCRIPT })(), errors: window.lmnErrors};
  } catch (error) {
    result = {error: String(error.stack || error)};
  }
  const out = document.createElement("script");
  out.type = "application/json";
  out.id = "RESULT_ID";
  out.textContent = JSON.stringify(result).replace(/</g, "\\u003c");
  document.body.append(out);
});
"""


@dataclass(frozen=True)
class Probed:
    value: Any  # what the script returned
    errors: tuple[str, ...]  # the page's script and console errors (COLLECT_ERRORS)


def probe(page: str, script: str) -> Probed:
    """Load ``page`` (a whole HTML document) from a file:// address in headless Chromium, run
    ``script`` (the body of a JavaScript function) once it has loaded, and return what the
    function returned, with every error the page reported until then. The page's own scripts
    run first, as in a browser: the script sees what a user would, and may click its controls."""
    head, found, rest = page.partition("<head>")
    assert found, "the page has no <head>"
    body, found, tail = rest.rpartition("</body>")
    assert found, "the page has no </body>"
    run = PROBE.replace("SCRIPT", script).replace("RESULT_ID", RESULT)
    result = run_page(
        f"{head}<head><script>{COLLECT_ERRORS}</script>{body}<script>{run}</script></body>{tail}"
    )
    return Probed(result["value"], tuple(result["errors"]))


def _json_in_script(value: object) -> str:
    return json.dumps(value).replace("<", "\\u003c")


def _layout(data: dict[str, Any]) -> Layout:
    boxes = {
        selector: tuple(Box(**box) for box in found) for selector, found in data["boxes"].items()
    }
    return Layout(
        data["name"],
        data["width"],
        data["client_width"],
        data["scroll_width"],
        tuple(data["overflowing"]),
        boxes,
    )


def anki_card(body: str, css: str, night: bool = False, ordinal: int = 1) -> str:
    """A card side as Anki's reviewer shows it: the note type's CSS, the side's HTML in the body
    with the classes Anki gives it ('card', 'card1', and in night mode 'nightMode night_mode').
    No styles of Anki's own: the note type's CSS must make the card fit by itself, on every
    client."""
    night_classes = " nightMode night_mode" if night else ""
    return (
        '<!doctype html><html><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>{css}</style></head>"
        f'<body class="card card{ordinal}{night_classes}"><div id="qa">{body}</div></body></html>'
    )
