"""Measuring typeset formulas in the browser: rows printed over each other, formulas too wide for
their box, strokes cut off at a box's edge. Shared by the browser tests.

Rows. KaTeX stacks the rows of an array (``aligned``, ``pmatrix``) box on box, sized by TeX's
glyph heights; what is drawn is the font's glyph box, which reaches further. So each row's
extent is the union of the client rectangles of its text (and fraction bars), and a row's
bottom must stay above the next row's top.

Width. A display formula wider than its box scrolls inside it (Streamlit sets
``overflow-x: auto``); ``WIDTH_SLACK`` allows the 2 px that KaTeX's ``.vlist-s`` strut adds to
every array without anything to scroll to.

Clipping. Streamlit clips a display formula vertically (``overflow-y: hidden``). Whether ink is
lost is seen, not computed: with the clipping lifted, any drawn pixel in a band just outside
the box would have been cut off.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import numpy as np
from PIL import Image
from playwright.sync_api import Page, expect

from tests.browser.waits import wait_until

LOAD_TIMEOUT = 60_000
#: A row may reach at most this far into the next one (px).
MAX_ROW_OVERLAP = 0.5
#: KaTeX's `.vlist-s` strut makes an array's box 2 px wider than what it draws.
WIDTH_SLACK = 2
#: Height of the bands above and below a formula's box searched for cut-off ink (px; the box's
#: margin is 1em, so the bands hold nothing else).
BAND = 8
#: A pixel differing from the page background by more than this (0-255, any channel) is ink.
INK_THRESHOLD = 48

MEASURE_JS = """() => {
  const glyphs = (el) => {
    const out = [];
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode())) {
      if (!node.textContent.trim() || node.parentElement.closest('.katex-mathml')) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      for (const b of range.getClientRects()) if (b.width > 0 && b.height > 0) out.push(b);
    }
    for (const f of el.querySelectorAll('.frac-line, svg')) {
      const b = f.getBoundingClientRect();
      if (b.width > 0) out.push(b);
    }
    return out;
  };
  const texOf = (el) => ((el.closest('.katex') || el).querySelector('annotation') || {}).textContent || '';
  const rows = [];
  for (const table of document.querySelectorAll('.katex .mtable')) {
    // A column holds one positioned span per cell it has (KaTeX skips missing cells), so cells are
    // matched to rows by their baseline (the bottom of the strut that opens each cell), within 2 px.
    const cells = [];
    for (const col of table.querySelectorAll(':scope > [class*="col-align"]')) {
      const vlist = col.querySelector(':scope > .vlist-t > .vlist-r > .vlist');
      if (!vlist) continue;
      for (const cell of vlist.children) {
        const strut = cell.querySelector(':scope > .pstrut');
        if (strut) cells.push([strut.getBoundingClientRect().bottom, glyphs(cell)]);
      }
    }
    cells.sort((a, b) => a[0] - b[0]);
    const byRow = [];
    let start = -Infinity;
    for (const [baseline, boxes] of cells) {
      if (baseline - start > 2) { byRow.push([]); start = baseline; }
      byRow[byRow.length - 1].push(...boxes);
    }
    for (let i = 0; i + 1 < byRow.length; i++) {
      if (!byRow[i] || !byRow[i + 1] || !byRow[i].length || !byRow[i + 1].length) continue;
      const overlap = Math.max(...byRow[i].map(b => b.bottom)) - Math.min(...byRow[i + 1].map(b => b.top));
      rows.push({overlap: overlap, row: i + 1, tex: texOf(table)});
    }
  }
  const displays = Array.from(document.querySelectorAll('.katex-display')).map(e => {
    const box = e.getBoundingClientRect();
    const container = e.closest('[data-testid="stMarkdownContainer"]') || e.parentElement;
    return {
      scroll: e.scrollWidth - e.clientWidth,
      overflowX: getComputedStyle(e).overflowX,
      beyondContainer: box.right - container.getBoundingClientRect().right,
      width: e.scrollWidth,
      box: e.clientWidth,
      tex: texOf(e.querySelector('.katex') || e),
    };
  });
  return {rows: rows, displays: displays, pageWidth: document.documentElement.scrollWidth};
}"""

BOXES_JS = """() => Array.from(document.querySelectorAll('.katex-display')).map(e => {
  const r = e.getBoundingClientRect();
  return [Math.ceil(r.left), Math.floor(r.top), Math.floor(r.right), Math.ceil(r.bottom),
          ((e.querySelector('annotation') || {}).textContent || '').slice(0, 80)];
})"""


@dataclass(frozen=True)
class Measure:
    worst_overlap: float
    overlapping: list[str]  # rows that reach into the next one
    scrolling: list[str]  # formulas wider than their box (they scroll inside it)
    spilling: list[str]  # formulas that leave their box instead of scrolling
    page_width: int
    n_arrays: int


def wait_for_formulas(page: Page, at_least: int = 20) -> None:
    """Wait until KaTeX has typeset (fonts loaded, the count of formulas steady, no skeletons left)."""
    expect(page.locator(".katex").nth(at_least)).to_be_attached(timeout=LOAD_TIMEOUT)
    page.evaluate("() => document.fonts.ready.then(() => true)")
    wait_until(
        page,
        """() => {
          const n = document.querySelectorAll('.katex').length;
          const settled = n === window.__katexCount && !document.querySelector('[data-testid="stSkeleton"]')
            && !document.querySelector('[data-stale="true"]');
          window.__katexCount = n;
          return settled;
        }""",
        polling=400,
        timeout=LOAD_TIMEOUT,
    )


def settle(page: Page) -> None:
    """Let the layout follow a change of viewport or colour scheme (two frames, then a moment)."""
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    page.wait_for_timeout(250)


def show_as(page: Page, width: int, height: int, scheme: str) -> None:
    """Give the loaded page this viewport and colour scheme, and wait until it has taken the theme
    (``cut_off_ink`` compares pixels with its background)."""
    page.emulate_media(color_scheme=scheme)  # type: ignore[arg-type]
    page.set_viewport_size({"width": width, "height": height})
    wait_until(
        page,
        "dark => { const [r, g, b] = getComputedStyle(document.querySelector('.stApp')).backgroundColor"
        ".match(/\\d+/g).map(Number); return (r + g + b < 384) === dark; }",
        arg=scheme == "dark",
    )
    settle(page)


def measure(page: Page) -> Measure:
    """Row overlaps in every array and the fit of every display formula, as the page is now."""
    raw: dict[str, Any] = page.evaluate(MEASURE_JS)
    rows = raw["rows"]
    worst = max((float(r["overlap"]) for r in rows), default=-1e9)
    overlapping = [
        f"row {r['row']} overlaps the one above by {r['overlap']:.1f} px: {r['tex'][:90]}"
        for r in rows
        if r["overlap"] > MAX_ROW_OVERLAP
    ]
    scrolling = [
        f"{d['width']} px in {d['box']} px: {d['tex'][:90]}" for d in raw["displays"] if d["scroll"] > WIDTH_SLACK
    ]
    spilling = [
        f"{d['tex'][:90]} (overflow-x {d['overflowX']}, {d['beyondContainer']:.0f} px beyond its container)"
        for d in raw["displays"]
        if (d["scroll"] > WIDTH_SLACK and d["overflowX"] not in ("auto", "scroll")) or d["beyondContainer"] > 1
    ]
    return Measure(worst, overlapping, scrolling, spilling, int(raw["pageWidth"]), len(rows))


def _rgb(css: str) -> tuple[int, int, int]:
    parts = css[css.index("(") + 1 : css.index(")")].split(",")
    return int(parts[0]), int(parts[1]), int(parts[2])


def full_height(page: Page) -> None:
    """Make the viewport as tall as the main area's content, so one screenshot holds all of it."""
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": page.viewport_size["width"] if page.viewport_size else 1280, "height": height})
    settle(page)


def cut_off_ink(page: Page) -> list[str]:
    """Formulas whose drawing reaches beyond their box (and so is cut off there). Call on a full-height page.

    The clipping is lifted, the page photographed, and the bands just above and below each box
    searched for pixels that are not the page's background.
    """
    page.evaluate("() => document.querySelectorAll('.katex-display').forEach(e => { e.style.overflow = 'visible'; })")
    app_background = "() => getComputedStyle(document.querySelector('.stApp')).backgroundColor"
    background = np.array(_rgb(page.evaluate(app_background)))
    for _ in range(5):  # the layout must not move between reading the boxes and the photograph
        boxes = page.evaluate(BOXES_JS)
        png = page.screenshot()
        if page.evaluate(BOXES_JS) == boxes:
            break
        page.wait_for_timeout(300)
    else:
        raise AssertionError("the page kept moving")
    image = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    found = []
    for left, top, right, bottom, tex in boxes:
        for name, band in (("above", image[max(top - BAND, 0) : top, left:right]),
                           ("below", image[bottom : bottom + BAND, left:right])):  # fmt: skip
            inked = np.abs(band - background).max(axis=(1, 2)) > INK_THRESHOLD if band.size else np.zeros(0)
            ink_rows = int(np.count_nonzero(inked))
            if ink_rows:
                found.append(f"{ink_rows} px of ink {name} the box: {tex}")
    page.evaluate("() => document.querySelectorAll('.katex-display').forEach(e => { e.style.overflow = ''; })")
    return found
