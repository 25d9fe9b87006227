// The live components of the page, one ES module for every instance (components/live/*.py mount them).
//
//   kind "logits":   one compact slider per logit; while a hand moves one, it announces the in-between
//                    logits to its group 60 times a second, and commits the values to Python (a trigger)
//                    on release or after a 150 ms pause.
//   kind "chart":    a Plotly figure drawn once and then updated in place (Plotly.react, short
//                    transition): never removed, so it never blinks and keeps its zoom. With `follow`
//                    set it also redraws the in-between states of its group's logits, once per frame,
//                    by moving the SVG elements Plotly drew (quickDraw: a Plotly.react is too slow).
//   kind "headline": the loss, p of the true class and the prediction, as text; follows like a chart.
//
// Python's numbers always win: every instance draws what Python sent, except while the hand is ahead of
// Python (a newer `seq` than the one Python answered), when it draws the browser's twin (softmax.js).

import { fmt, fmtProbability, fmtSigned, softmaxNumbers, verdict } from "./softmax.js";

const COMMIT_PAUSE_MS = 150;
const BUS = new EventTarget(); // in-between logits, per group: one module instance serves the whole page
const INSTANCES = new WeakMap(); // parentElement -> instance: Streamlit calls us again on each new `data`

let plotlyPromise = null;
/** Plotly.js, loaded once per page. Streamlit serves its files with no validators, so a browser would
 * fetch the 4.8 MB again on every visit: the first visit keeps it in Cache Storage under its version
 * (in secure contexts: https, localhost), and later visits take it from there. */
function loadPlotly(url) {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  plotlyPromise ??= cachedScript(url).then(
    (src) =>
      new Promise((resolve, reject) => {
        const script = document.createElement("script");
        script.src = src;
        script.onload = () => resolve(window.Plotly);
        script.onerror = () => reject(new Error(`Plotly.js did not load from ${url}`));
        document.head.appendChild(script);
      }),
  );
  return plotlyPromise;
}

async function cachedScript(url) {
  try {
    const cache = await window.caches.open("softmax-live");
    let response = await cache.match(url);
    if (!response) {
      response = await fetch(url);
      if (!response.ok) return url;
      await cache.put(url, response.clone());
      for (const old of await cache.keys()) if (old.url !== new URL(url, location.href).href) await cache.delete(old);
    }
    return URL.createObjectURL(await response.blob());
  } catch {
    return url; // no Cache Storage here (plain http on a LAN): the network, as Streamlit serves it
  }
}

let cssReady = null;
/** live.css, once per page; resolves once it applies (or failed to load: then unstyled, not hidden). */
function loadCss(base) {
  cssReady ??= new Promise((resolve) => {
    const link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = new URL("live.css", base).href;
    link.onload = link.onerror = () => resolve();
    document.head.appendChild(link);
  });
  return cssReady;
}

/** Keep `node` out of the layout until live.css applies: unstyled, a headline is a column twice its
 * height, and the page below it would jump when the styles arrive. */
function hiddenUntilStyled(node) {
  node.hidden = true;
  cssReady.then(() => { node.hidden = false; }); // at once (a microtask, before the paint) if already loaded
}

function el(tag, className, parent) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (parent) parent.appendChild(node);
  return node;
}

// ---------------------------------------------------------------- theme: Streamlit's --st-* variables
function themeOf(node) {
  const style = getComputedStyle(node);
  const v = (name, fallback) => style.getPropertyValue(name).trim() || fallback;
  return {
    text: v("--st-text-color", "#31333F"),
    font: v("--st-font", "sans-serif"),
    grid: v("--st-border-color-light", "rgba(128,128,128,0.2)"),
    line: v("--st-border-color", "rgba(128,128,128,0.45)"),
    background: v("--st-background-color", "#ffffff"),
    panel: v("--st-secondary-background-color", "#f0f2f6"),
  };
}

/** The figure's layout on the app's theme, as st.plotly_chart's "streamlit" theme draws it (text, grid and
 * hover colours from the theme, no vertical grid, axes that make room for their labels); what the spec
 * sets itself wins. */
function themedLayout(layout, theme) {
  const out = { ...layout };
  out.font = { family: theme.font, color: theme.text, ...(layout.font || {}) };
  out.hoverlabel = { bgcolor: theme.panel, bordercolor: theme.line, font: { color: theme.text }, ...(layout.hoverlabel || {}) };
  const axes = Object.keys(layout).filter((k) => /^[xy]axis\d*$/.test(k));
  for (const key of axes.length ? axes : ["xaxis", "yaxis"]) {
    const across = key.startsWith("x");
    out[key] = {
      gridcolor: theme.grid,
      linecolor: theme.line,
      zerolinecolor: theme.grid,
      tickcolor: theme.grid,
      automargin: true,
      ...(across ? { showgrid: false, zeroline: false } : {}),
      ...(layout[key] || {}),
    };
  }
  return out;
}

/** The spec with Streamlit's placeholder colours (components/render/theme.py TEXT and PAGE, which
 * st.plotly_chart's theme replaces) replaced by the app's theme colours. */
function onTheme(spec, theme) {
  const text = JSON.stringify(spec);
  if (!/#00003[78]/i.test(text)) return spec;
  return JSON.parse(
    text.replace(/"#000037"/gi, JSON.stringify(theme.text)).replace(/"#000038"/gi, JSON.stringify(theme.background)),
  );
}

// ------------------------------------------------ what each followed figure shows of the numbers
// Twins of components/charts.py: the fields each builder fills from the Explanation. They write into a
// copy made by `shallow`, so Python's spec stays as it came and unchanged arrays stay shared.
const PATCHES = {
  p(fig, nums) {
    const bars = fig.data[0];
    bars.y = nums.p;
    bars.text = nums.p.map((p, i) => fmtProbability(p, nums.oneMinusP[i]));
  },
  grad(fig, nums) {
    const d = nums.descent;
    fig.data[0].y = d;
    const heads = fig.data[1];
    heads.y = d;
    heads.marker = { ...heads.marker, symbol: d.map((x) => (x > 0 ? "triangle-up" : x < 0 ? "triangle-down" : "circle")) };
    heads.text = d.map((x) => fmtSigned(x));
    fig.layout.annotations = (fig.layout.annotations || []).map((a, i) =>
      i < d.length
        ? { ...a, y: d[i], text: fmtSigned(d[i]), yanchor: d[i] >= 0 ? "bottom" : "top", yshift: (d[i] >= 0 ? 1 : -1) * Math.abs(a.yshift ?? 12) }
        : a,
    );
  },
  loss(fig, nums, target) {
    const pTrue = nums.p[target];
    const point = fig.data[1];
    point.x = [pTrue];
    point.y = [nums.loss];
    point.text = [`E = ${fmt(nums.loss)}`];
    point.textposition = pTrue < 0.6 ? "top right" : "top left";
    // figures/explore.py loss_axis_top: 5, or the next multiple of 5 above E with 15 % room
    fig.layout.yaxis = { ...fig.layout.yaxis, range: [0, 5 * Math.max(1, Math.ceil((nums.loss * 1.15) / 5))] };
  },
};

/** A figure whose traces and layout can be replaced field by field: arrays are shared, not copied. */
function shallow(spec) {
  return { data: spec.data.map((t) => ({ ...t })), layout: { ...(spec.layout || {}) }, frames: spec.frames };
}

/** The figure as it would look for the logits `live` (Python's spec is not changed). */
export function patchedSpec(spec, follow, live) {
  const fig = shallow(spec);
  PATCHES[follow](fig, softmaxNumbers(live.z, live.target), live.target);
  return fig;
}

const sameNumbers = (a, b) => Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => v === b[i]);

/** Python sends every array anew each run: keep the arrays already drawn where the numbers are equal,
 * so Plotly.react sees the same array and skips the traces that did not change (the loss curve). */
function reuseArrays(previous, fig) {
  if (!previous) return fig;
  fig.data.forEach((trace, i) => {
    const old = previous.data[i];
    if (!old) return;
    for (const key of ["x", "y", "z"]) if (trace[key] !== old[key] && sameNumbers(trace[key], old[key])) trace[key] = old[key];
  });
  return fig;
}

// A hand-made glide: Plotly's own transitions throw on bars with a `marker.pattern` (plotly.js 4.1),
// so the numbers that move (trace x and y, annotation y, axis ranges) are interpolated over a few frames.
const GLIDE_MS = 160;
const GLIDE_MAX_NUMBERS = 2000; // larger figures are drawn at once
const ease = (t) => (t < 0.5 ? 4 * t * t * t : 1 - (-2 * t + 2) ** 3 / 2);

function lerpArray(a, b, t) {
  return b.map((v, i) => (typeof v === "number" && typeof a[i] === "number" ? a[i] + (v - a[i]) * t : v));
}

/** Numbers apart by more than rounding (the browser's twin and core agree to ~1e-12: no glide between them). */
const apart = (a, b) => b.some((v, i) => typeof v === "number" && typeof a[i] === "number" && Math.abs(v - a[i]) > 1e-9 * Math.max(1, Math.abs(v)));

function movingNumbers(from, to) {
  let count = 0;
  to.data.forEach((trace, i) => {
    for (const key of ["x", "y"]) {
      const a = from.data[i]?.[key];
      if (Array.isArray(trace[key]) && Array.isArray(a) && a !== trace[key] && a.length === trace[key].length && apart(a, trace[key])) count += a.length;
    }
  });
  return count;
}

function between(from, to, t) {
  const fig = shallow(to);
  fig.data.forEach((trace, i) => {
    for (const key of ["x", "y"]) {
      const a = from.data[i]?.[key];
      if (Array.isArray(trace[key]) && Array.isArray(a) && a !== trace[key] && a.length === trace[key].length) trace[key] = lerpArray(a, trace[key], t);
    }
  });
  const notes = to.layout.annotations;
  const oldNotes = from.layout.annotations;
  if (notes && oldNotes && notes.length === oldNotes.length) {
    fig.layout.annotations = notes.map((n, i) => (typeof n.y === "number" && typeof oldNotes[i].y === "number" ? { ...n, y: oldNotes[i].y + (n.y - oldNotes[i].y) * t } : n));
  }
  for (const key of Object.keys(to.layout).filter((k) => /^[xy]axis\d*$/.test(k))) {
    const r = to.layout[key]?.range;
    const r0 = from.layout[key]?.range;
    if (Array.isArray(r) && Array.isArray(r0) && r.length === 2 && r0.length === 2 && !sameList(r, r0)) fig.layout[key] = { ...to.layout[key], range: lerpArray(r0, r, t) };
  }
  return fig;
}

// ------------------------------------------------ the quick draw: moving what Plotly drew
// One Plotly.react costs 15-25 ms on a slow machine (software rendering): it works out every attribute's
// default again, redraws the axes and measures every text. While a hand moves a slider only a few numbers
// change: the tops of the bars, where markers and annotations sit, and their text. When the new figure
// differs from the one Plotly drew only in those, `quickDraw` moves Plotly's own SVG elements there
// (well under 1 ms); anything else (a symbol, a text position, an axis range, a size) is Plotly.react's.
// Plotly's own data (hover) catch up with one Plotly.react once the hand rests (TRUE_UP_MS).

const SLOW_FOLLOW_MS = 100; // in-between states that need a Plotly.react: at most 10 a second
const TRUE_UP_MS = 1000; // Python has mostly answered by then (its answer is a Plotly.react)
const MOVING_TRACE_KEYS = new Set(["x", "y", "text", "marker"]);
const BAR_PATH = /^M([^,]+),([^V]+)V([^H]+)H([^V]+)V([^Z]+)Z$/;
const TRANSLATE = /^translate\(\s*([^,\s)]+)[\s,]+([^,\s)]+)\s*\)/;
const ROTATE = /^rotate\(\s*([^,\s)]+)[\s,]+([^,\s)]+)[\s,]+([^,\s)]+)\s*\)/;
const LENGTHEN = Symbol("a turned text's place, once its new length is known");
const PLAIN = (text) => typeof text === "string" && !/[<>&\n]/.test(text); // no Plotly pseudo-HTML

function sameList(a, b) {
  if (a === b) return true;
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  return a.every((v, i) => v === b[i]);
}

/** Objects equal key by key (the same values, as `shallow` shares them), but for `except`. */
function sameBut(a, b, except) {
  if (a === b) return true;
  if (!a || !b || typeof a !== "object" || typeof b !== "object") return false;
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) if (!except.includes(key) && a[key] !== b[key]) return false;
  return true;
}

/** True if figure `b` differs from `a` (the one Plotly drew) only in what quickDraw moves. */
export function movable(a, b) {
  if (!a || !b || a.data.length !== b.data.length || a.frames !== b.frames) return false;
  for (let i = 0; i < b.data.length; i++) {
    const s = a.data[i];
    const t = b.data[i];
    for (const key of new Set([...Object.keys(s), ...Object.keys(t)])) {
      if (s[key] === t[key]) continue;
      if (!MOVING_TRACE_KEYS.has(key)) return false;
      if (key === "marker") {
        if (!sameBut(s.marker, t.marker, ["symbol"]) || !sameList(s.marker?.symbol, t.marker?.symbol)) return false;
      } else if (!Array.isArray(s[key]) || !Array.isArray(t[key]) || s[key].length !== t[key].length) return false;
    }
  }
  for (const key of new Set([...Object.keys(a.layout), ...Object.keys(b.layout)])) {
    const s = a.layout[key];
    const t = b.layout[key];
    if (s === t) continue;
    if (key === "annotations") {
      if (!Array.isArray(s) || !Array.isArray(t) || s.length !== t.length) return false;
      if (!t.every((n, j) => sameBut(s[j], n, ["y", "text"]) && !n.showarrow && (n.yref ?? "y") === "y" && PLAIN(n.text))) return false;
    } else if (!/^[xy]axis$/.test(key) || !sameBut(s, t, ["range"]) || !sameList(s?.range, t?.range)) return false;
  }
  return true;
}

function shiftTranslate(transform, dx, dy) {
  const m = TRANSLATE.exec(transform ?? "");
  return m && `translate(${Number(m[1]) + dx},${Number(m[2]) + dy})${transform.slice(m[0].length)}`;
}

/** Move the SVG that Plotly drew for figure `from` to figure `to` (movable from it). Returns false,
 * having changed nothing, where the SVG is not as expected: Plotly.react draws then. */
export function quickDraw(gd, from, to) {
  const xa = gd._fullLayout?.xaxis;
  const ya = gd._fullLayout?.yaxis;
  if (typeof xa?.c2p !== "function" || typeof ya?.c2p !== "function") return false;
  const writes = []; // [element, attribute or null for its text, value]
  const layers = { bar: gd.querySelectorAll(".barlayer .trace.bars"), scatter: gd.querySelectorAll(".scatterlayer .trace.scatter") };
  const seen = { bar: 0, scatter: 0 };
  for (let i = 0; i < to.data.length; i++) {
    const a = from.data[i];
    const b = to.data[i];
    const type = b.type ?? "scatter";
    const moved = a.x !== b.x || a.y !== b.y || a.text !== b.text;
    if (!(type in layers) || b.visible === false || b.visible === "legendonly") {
      if (moved) return false;
      continue;
    }
    const node = layers[type][seen[type]++];
    if (!moved) continue;
    if (!node || (b.xaxis ?? "x") !== "x" || (b.yaxis ?? "y") !== "y") return false;
    const ok = type === "bar" ? moveBars(gd, node, a, b, ya, writes) : moveScatter(node, a, b, xa, ya, writes);
    if (!ok) return false;
  }
  const notes = to.layout.annotations;
  const oldNotes = from.layout.annotations;
  if (notes !== oldNotes) {
    for (let j = 0; j < notes.length; j++) {
      if (notes[j] === oldNotes[j]) continue;
      const rotated = gd.querySelector(`.annotation[data-index="${j}"] > .annotation-text-g`);
      const box = rotated?.querySelector(":scope > .cursor-pointer");
      const text = box?.querySelector(":scope > text.annotation-text");
      const dy = ya.c2p(notes[j].y) - ya.c2p(oldNotes[j].y);
      const r = ROTATE.exec(rotated?.getAttribute("transform") ?? "");
      const moved = shiftTranslate(box?.getAttribute("transform"), 0, dy);
      if (!text || !r || !moved || !Number.isFinite(dy) || text.children.length) return false;
      const turn = (extra) => `rotate(${r[1]},${r[2]},${Number(r[3]) + dy + extra})`;
      writes.push([rotated, "transform", turn(0)], [box, "transform", moved]);
      if (notes[j].text === oldNotes[j].text) continue;
      writes.push([text, null, notes[j].text], [text, "data-unformatted", notes[j].text]);
      const angle = Number(r[1]);
      if (angle % 180 === 0) continue;
      // turned, it stands on its anchor (yanchor "bottom") or hangs from it ("top"): see moveBars
      const away = { bottom: -1, top: 1 }[notes[j].yanchor];
      if (!away) return false;
      const sin = Math.abs(Math.sin((angle * Math.PI) / 180));
      writes.push([text, LENGTHEN, { before: text.getComputedTextLength(), place: (change) => [[rotated, turn((away * sin * change) / 2)], [box, shiftTranslate(moved, 0, (away * sin * change) / 2)]] }]);
    }
  }
  for (const [element, attribute, value] of writes) {
    if (attribute === null) element.textContent = value;
    else if (attribute !== LENGTHEN) element.setAttribute(attribute, value);
  }
  // the texts' new lengths, all read at once (one layout), then their places
  const lengthened = writes.filter((w) => w[1] === LENGTHEN).map(([element, , v]) => [v, element.getComputedTextLength()]);
  for (const [{ before, place }, after] of lengthened) {
    for (const [element, transform] of place(after - before)) element.setAttribute("transform", transform);
  }
  return true;
}

/** Plotly's edges of a bar (plotly.js bar/plot.js) under 2 px tall: out to whole pixels, so it stays visible. */
const barEdge = (v, other) => (v === other || Math.abs(v - other) >= 2 ? v : v > other ? Math.ceil(v) : Math.floor(v));

/** Vertical bars from 0 (no outline, opaque): each bar's top, and its text, moved with the top. */
function moveBars(gd, node, a, b, ya, writes) {
  if ((b.orientation ?? "v") !== "v" || b.base !== undefined || !sameList(a.x, b.x) || !Array.isArray(b.y)) return false;
  if ((b.marker?.line?.width ?? 0) > 0.01 || gd._context?.staticPlot || !["group", "overlay"].includes(gd._fullLayout.barmode)) return false;
  const points = node.querySelectorAll(":scope > .points > .point");
  if (points.length !== b.y.length) return false;
  const zero = ya.c2p(0);
  for (let j = 0; j < points.length; j++) {
    const path = points[j].querySelector(":scope > path");
    const m = BAR_PATH.exec(path?.getAttribute("d") ?? "");
    const bottom = barEdge(zero, ya.c2p(b.y[j]));
    const top = barEdge(ya.c2p(b.y[j]), bottom);
    if (!m || !Number.isFinite(top) || !Number.isFinite(bottom) || Number(path.style.fillOpacity || 1) < 1) return false;
    writes.push([path, "d", `M${m[1]},${bottom}V${top}H${m[4]}V${bottom}Z`]);
    const label = points[j].querySelector(":scope > text.bartext");
    const text = Array.isArray(b.text) ? b.text[j] : undefined;
    if (!label) {
      if (text !== undefined && text !== "") return false; // Plotly drew no text there: it decides where
      continue;
    }
    const transform = label.getAttribute("transform") ?? "";
    const moved = shiftTranslate(transform, 0, top - Number(m[3]));
    if (Array.isArray(a.y) && b.y[j] >= 0 !== a.y[j] >= 0) return false; // its text changes side
    if (b.textposition !== "outside") return false; // inside a bar, Plotly fits (scales, moves) the text
    if (!moved || label.children.length || (text !== undefined && !PLAIN(text)) || /scale\(/.test(transform)) return false;
    writes.push([label, "transform", moved]);
    if (text === undefined || (Array.isArray(a.text) && a.text[j] === text)) continue;
    writes.push([label, null, text], [label, "data-unformatted", text]);
    const angle = Number(/rotate\(\s*([^,\s)]+)/.exec(transform)?.[1] ?? 0);
    if (angle % 180 === 0) continue;
    // A turned text outside its bar stands on the bar's top: a longer text reaches further (up, or down
    // under a negative bar), so its centre moves by half the change of length, measured once written.
    const away = (b.y[j] >= 0 ? -1 : 1) * Math.abs(Math.sin((angle * Math.PI) / 180));
    writes.push([label, LENGTHEN, { before: label.getComputedTextLength(), place: (change) => [[label, shiftTranslate(moved, 0, (away * change) / 2)]] }]);
  }
  return true;
}

/** Markers and their text (no lines, no fill: those are Plotly.react's). */
function moveScatter(node, a, b, xa, ya, writes) {
  const mode = b.mode;
  if (typeof mode !== "string" || /lines/.test(mode) || (b.fill && b.fill !== "none")) return false;
  if (!Array.isArray(b.x) || !Array.isArray(b.y) || b.x.length !== b.y.length) return false;
  const n = b.y.length;
  const xs = b.x.map((v) => xa.c2p(v));
  const ys = b.y.map((v) => ya.c2p(v));
  if (!xs.every(Number.isFinite) || !ys.every(Number.isFinite)) return false;
  if (/markers/.test(mode)) {
    const points = node.querySelectorAll(":scope > .points > path.point");
    if (points.length !== n) return false;
    points.forEach((point, j) => writes.push([point, "transform", `translate(${xs[j]},${ys[j]})`]));
  }
  if (/text/.test(mode)) {
    const labels = node.querySelectorAll(":scope > .text > .textpoint > text");
    if (labels.length !== n || !Array.isArray(b.text) || b.text.length !== n || !b.text.every(PLAIN)) return false;
    if (Array.from(labels).some((label) => label.children.length)) return false; // several lines
    labels.forEach((label, j) => {
      writes.push([label, "x", xs[j]], [label, "y", ys[j]]);
      if (!Array.isArray(a.text) || a.text[j] !== b.text[j]) writes.push([label, null, b.text[j]], [label, "data-unformatted", b.text[j]]);
    });
  }
  return true;
}

// One drawing loop for every chart of the page: each animation frame draws the charts that have
// something new, the longest-waiting first, until the frame's budget is spent (the rest wait a frame),
// so a moving hand is never held up by three charts drawn one after another.
const FRAME_BUDGET_MS = 20;
const waiting = new Set();
let loopFrame = 0;

function request(chart) {
  waiting.add(chart);
  if (!loopFrame) loopFrame = requestAnimationFrame(drawFrame);
}

function drawFrame(now) {
  loopFrame = 0;
  const start = performance.now();
  const due = [...waiting].sort((a, b) => (a.lastDrawn ?? -1) - (b.lastDrawn ?? -1));
  for (const chart of due) {
    if (performance.now() - start > FRAME_BUDGET_MS) break;
    waiting.delete(chart);
    if (chart.paint(now)) waiting.add(chart);
  }
  if (waiting.size) loopFrame = requestAnimationFrame(drawFrame);
}

// -------------------------------------------------------------------------------------- a chart
class Chart {
  constructor(root, urls) {
    this.root = root;
    this.urls = urls;
    this.box = el("div", "sxl-chart sxl-own", root);
    this.gd = el("div", "sxl-plot", this.box);
    this.data = null;
    this.live = null; // the latest in-between logits of the group, if ahead of Python
    this.shown = null; // the figure on screen
    this.glide = null; // { from, to, start } while gliding
    this.lastDrawn = null;
    this.pending = null; // { glide }: the hand moved; its figure is made at the next frame, once per frame
    this.drawnByPlotly = null; // the figure Plotly.react drew last (quickDraw moves its SVG since)
    this.trueUp = 0; // the timer of the Plotly.react that catches Plotly's data up after quick draws
    this.lastReact = -Infinity; // when Plotly.react last drew this chart
    this.onLive = (event) => this.follow(event.detail);
    // Plotly is given the width, so it never measures the page (a forced layout of all of Streamlit's).
    this.width = 0;
    this.resize = new ResizeObserver(([entry]) => {
      const width = Math.round(entry.contentRect.width);
      if (width === this.width || width === 0) return;
      this.width = width;
      if (this.shown && window.Plotly) this.react(this.shown);
    });
    this.resize.observe(this.box);
  }

  update(data) {
    data = { ...data, spec: onTheme(data.spec, themeOf(this.root)) };
    if (this.data?.group !== data.group || this.data?.follow !== data.follow) {
      BUS.removeEventListener(this.data?.group, this.onLive);
      if (data.follow) BUS.addEventListener(data.group, this.onLive);
    }
    this.data = data;
    const theme = themeOf(this.root); // Streamlit calls us again when the app's theme changes
    const newTheme = JSON.stringify(theme) !== JSON.stringify(this.theme);
    this.theme = theme;
    this.gd.setAttribute("role", "img");
    this.gd.setAttribute("aria-label", data.label || "chart");
    const ahead = data.follow && this.live && this.live.seq > data.seq;
    if (ahead) {
      // Python answered an older commit while the hand moved on: keep drawing the hand's numbers.
      this.draw(patchedSpec(data.spec, data.follow, this.live), false, "browser");
      return;
    }
    const text = JSON.stringify(data.spec);
    if (text === this.drawnText && this.source === "python" && !newTheme) return; // nothing new to draw
    this.drawnText = text;
    this.draw(reuseArrays(this.target, shallow(data.spec)), true, "python");
  }

  /** The hand moved (an input event): only note the logits; the next animation frame makes the figure
   * for the latest of them and draws it (several moves in one frame are drawn once). */
  follow(live) {
    if (!this.data || live.seq <= this.data.seq) return; // Python already answered this one
    this.live = live;
    const now = performance.now();
    const isolated = now - (this.lastFollow ?? -Infinity) > GLIDE_MS; // a single key step, not a held key
    this.lastFollow = now;
    this.pending = { glide: live.jump && isolated && !this.pending };
    if (!window.Plotly) loadPlotly(this.urls.plotly).then(() => request(this));
    else request(this);
  }

  /** Draw `figure` (whose numbers come from `source`: "python" or "browser"), gliding there if `glide`. */
  draw(figure, glide, source) {
    this.aim(figure, glide, source);
    if (!window.Plotly) loadPlotly(this.urls.plotly).then(() => request(this));
    else request(this);
  }

  /** What the next frames draw: `figure`, gliding there if `glide`. */
  aim(figure, glide, source) {
    this.pending = null;
    this.target = figure;
    this.source = source;
    const moving = this.shown ? movingNumbers(this.shown, figure) : 0;
    const glides = glide && window.Plotly && moving > 0 && moving <= GLIDE_MAX_NUMBERS;
    this.glide = glides ? { from: this.shown, to: figure, start: performance.now() } : null;
  }

  /** Called by the drawing loop: draw what is due now; true if more frames are needed (a glide). */
  paint(now) {
    if (this.pending) this.aim(patchedSpec(this.data.spec, this.data.follow, this.live), this.pending.glide, "browser");
    // An in-between state that only a whole Plotly.react can draw (an axis range that grows with the loss,
    // a text that changes side) is drawn at most every SLOW_FOLLOW_MS: the charts drawn quickly keep up
    // with the hand at the frame rate, this one follows a few times a second.
    const slow = this.source === "browser" && !this.glide && !this.quickable(this.target);
    if (slow && now - this.lastReact < SLOW_FOLLOW_MS) return true; // wait in the loop, a frame at a time
    this.lastDrawn = now;
    const g = this.glide;
    if (!g) {
      this.react(this.target);
      return false;
    }
    const t = Math.min(1, (now - g.start) / GLIDE_MS);
    if (t >= 1) {
      this.glide = null;
      this.react(g.to);
      return false;
    }
    this.react(between(g.from, g.to, ease(t)), g.to);
    return true;
  }

  /** The size, theme and config `figure` is drawn with. */
  frameOf(figure) {
    if (!this.width) this.width = Math.round(this.box.getBoundingClientRect().width) || 600;
    this.theme ??= themeOf(this.root); // read once per update from Python (a theme change reruns us)
    // A chart never taller than the screen (a projector at 1024 x 768, a phone turned sideways).
    const height = Math.min(figure.layout.height ?? 380, Math.max(240, window.innerHeight - 24));
    return { width: this.width, height, theme: this.theme, config: this.data?.config };
  }

  /** Whether quickDraw can draw `figure` over what Plotly.react drew last. */
  quickable(figure) {
    const drawn = this.drawnByPlotly;
    return !!drawn && sameBut(drawn.frame, this.frameOf(figure), []) && movable(drawn.figure, figure);
  }

  react(figure, settlesTo = null, full = false) {
    const frame = this.frameOf(figure);
    const t0 = performance.now();
    // Only in-between states are drawn quickly (the hand's numbers, a glide's frames): a figure that
    // settles on Python's numbers is Plotly.react's, so Plotly's own data are core's numbers too.
    const inBetween = settlesTo !== null || this.source === "browser";
    const quick = !full && inBetween && this.quickable(figure) && quickDraw(this.gd, this.shown, figure);
    if (quick) {
      clearTimeout(this.trueUp);
      this.trueUp = setTimeout(() => this.catchUp(), TRUE_UP_MS);
    } else {
      clearTimeout(this.trueUp);
      const layout = themedLayout(figure.layout, this.theme);
      layout.autosize = false;
      layout.width = frame.width;
      layout.height = frame.height;
      layout.uirevision ??= "keep"; // zoom and pan survive an update
      this.box.style.height = `${layout.height}px`;
      const config = { displayModeBar: false, responsive: false, ...(this.data?.config || {}) };
      window.Plotly.react(this.gd, { data: figure.data, layout, frames: figure.frames, config });
      this.drawnByPlotly = { figure, frame };
      this.lastReact = performance.now();
    }
    // bench/live.py and the tests read each draw: whose, how long, when, quick or Plotly.react, whose
    // numbers (set window.__liveDraws = [] to record them)
    window.__liveDraws?.push([this.data?.follow ?? "chart", performance.now() - t0, t0, quick, this.source]);
    // What is on screen, for the next glide; a figure mid-glide counts as where it is now.
    this.shown = figure;
    if (!settlesTo) this.box.dataset.drawn = this.source; // for tests: whose numbers are on screen
  }

  /** After quick draws, once the hand rests: Plotly.react of what is on screen, so Plotly's own data
   * (hover, a resize) are the numbers drawn. */
  catchUp() {
    if (this.glide || waiting.has(this) || this.drawnByPlotly?.figure === this.shown || !this.gd.isConnected) return;
    this.react(this.shown, null, true);
  }

  destroy() {
    clearTimeout(this.trueUp);
    BUS.removeEventListener(this.data?.group, this.onLive);
    waiting.delete(this);
    this.resize.disconnect();
    window.Plotly?.purge(this.gd);
  }
}

/** Streamlit keeps a fixed height for an element mounted with one (the room kept while loading,
 * components/live/component.py): once drawn, the element takes its own height instead. */
function fitContent(parentElement) {
  const container = parentElement.closest('[data-testid="stElementContainer"]');
  for (let node = parentElement; node && container && node !== container.parentElement; node = node.parentElement) {
    node.style.height = "auto";
    node.style.minHeight = "0";
  }
  if (container) Object.assign(container.style, { overflow: "visible", flex: "0 0 auto" }); // its height was a flex basis
}

// ----------------------------------------------------------------------------------- the headline
class Headline {
  constructor(root) {
    this.root = el("div", "sxl-headline sxl-own", root);
    this.metrics = [0, 1, 2].map(() => {
      const box = el("div", "sxl-metric", this.root);
      return { box, label: el("div", "sxl-metric-label", box), value: el("div", "sxl-metric-value", box), delta: el("div", "sxl-metric-delta", box) };
    });
    this.onLive = (event) => this.follow(event.detail);
    this.data = null;
  }

  update(data) {
    if (this.data?.group !== data.group) {
      BUS.removeEventListener(this.data?.group, this.onLive);
      BUS.addEventListener(data.group, this.onLive);
    }
    this.data = data;
    this.root.classList.toggle("sxl-present", !!data.present);
    if (this.live && this.live.seq > data.seq) return this.follow(this.live); // the hand is ahead of Python
    this.show(data.text, data.tone, data.target);
    this.root.dataset.drawn = "python"; // whose numbers it shows, as a chart's data-drawn
  }

  follow(live) {
    if (!this.data || live.seq <= this.data.seq) return;
    this.live = live;
    const d = this.data;
    const nums = softmaxNumbers(live.z, live.target);
    const t = live.target;
    const said = verdict(live.z, t, d.labels, d.named, nums);
    this.show({ loss: fmt(nums.loss), p_true: fmtProbability(nums.p[t], nums.oneMinusP[t]), ...said }, said.tone, t);
    this.root.dataset.drawn = "browser";
  }

  show(text, tone, target) {
    const labels = this.data.labels; // user text: only ever textContent
    const [loss, pTrue, verdictBox] = this.metrics;
    loss.label.textContent = "Cross-entropy loss E";
    loss.value.textContent = text.loss;
    pTrue.label.textContent = `p of the true class (${labels[target]})`;
    pTrue.value.textContent = text.p_true;
    verdictBox.label.textContent = "Network predicts";
    verdictBox.value.textContent = text.value;
    verdictBox.delta.textContent = text.under;
    verdictBox.box.title = text.why;
    for (const name of ["right", "wrong", "tie"]) verdictBox.delta.classList.toggle(`sxl-${name}`, tone === name);
  }

  destroy() {
    BUS.removeEventListener(this.data?.group, this.onLive);
  }
}

// ------------------------------------------------------------------------------ the logit sliders
let uid = 0;

class Logits {
  constructor(root) {
    this.root = el("div", "sxl-logits sxl-own", root);
    this.root.setAttribute("role", "group");
    this.rows = [];
    this.values = [];
    this.seq = null; // the last commit Python has answered (or that this instance sent)
    this.pointer = false; // a pointer holds a thumb
    this.keys = 0; // keys held down
    this.dirty = false; // moved since the last commit
    this.timer = 0;
    this.pendingData = null;
    this.id = `sxl-${++uid}`;
    this.onPointerUp = () => this.pointerUp();
    // A hand that moves keeps the commit waiting even while the value stays on the same step.
    this.onPointerMove = () => { if (this.pointer) this.lastInput = performance.now(); };
    window.addEventListener("pointerup", this.onPointerUp, true);
    window.addEventListener("pointercancel", this.onPointerUp, true);
    window.addEventListener("pointermove", this.onPointerMove, true);
  }

  update(data, setTriggerValue) {
    this.setTriggerValue = setTriggerValue;
    const reshaped = data.n !== this.rows.length;
    const old = this.data;
    this.data = data;
    this.root.setAttribute("aria-label", data.group_label || "Logits");
    this.root.classList.toggle("sxl-present", !!data.present);
    if (reshaped) this.build(data);
    this.rows.forEach((row, i) => {
      row.name.textContent = data.labels_short[i]; // user text: only ever textContent
      Object.assign(row.input, { min: data.low, max: data.high, step: data.step });
    });
    if (this.seq === null) this.seq = data.seq; // mounted anew: continue Python's count
    const interacting = this.pointer || this.keys > 0 || this.dirty;
    if (reshaped || (!interacting && data.seq >= this.seq)) {
      this.seq = Math.max(this.seq, data.seq);
      this.values = data.sliders.slice();
      this.rows.forEach((row, i) => this.showValue(i));
    } else if (old && !reshaped) {
      this.rows.forEach((row, i) => this.showValue(i)); // the scale may have changed
    }
  }

  build(data) {
    this.root.replaceChildren();
    this.rows = data.sliders.map((value, i) => {
      const row = el("div", "sxl-row", this.root);
      const name = el("label", "sxl-name", row);
      const input = el("input", "sxl-range", row);
      const out = el("output", "sxl-value", row);
      input.type = "range";
      input.id = `${this.id}-z${i + 1}`;
      name.htmlFor = input.id;
      out.htmlFor = input.id;
      input.addEventListener("input", () => this.moved(i));
      input.addEventListener("change", () => this.released());
      input.addEventListener("pointerdown", () => { this.pointer = true; });
      input.addEventListener("keydown", (e) => { if (!e.repeat && /^(Arrow|Page|Home|End)/.test(e.key)) this.keys += 1; });
      input.addEventListener("keyup", (e) => { if (/^(Arrow|Page|Home|End)/.test(e.key)) { this.keys = Math.max(0, this.keys - 1); this.later(); } });
      input.addEventListener("blur", () => { this.keys = 0; });
      return { name, input, out };
    });
  }

  showValue(i) {
    const { input, out } = this.rows[i];
    const v = this.values[i];
    input.value = String(v);
    const text = v.toFixed(this.data.decimals);
    const logit = this.data.scale !== 1 ? ` ×${this.data.scale} = ${fmt(v * this.data.scale)}` : "";
    out.textContent = text + logit;
    input.setAttribute("aria-valuetext", text + logit);
  }

  moved(i) {
    this.values[i] = Number(this.rows[i].input.value);
    this.showValue(i);
    this.dirty = true;
    this.announce(); // input events come at most once a frame, just before its animation callbacks
    this.later();
  }

  /** The in-between logits, to every follower of the group. */
  announce() {
    const d = this.data;
    const detail = {
      seq: this.seq + 1,
      z: this.values.map((v) => v * d.scale),
      target: d.target,
      jump: !this.pointer, // keys step: glide; a dragging pointer moves on its own
    };
    BUS.dispatchEvent(new CustomEvent(d.group, { detail }));
  }

  /** Commit after a pause of the hand: 150 ms without input, and two frames without input since (on a
   * busy machine a frame can take longer than 150 ms, and a moving hand would look paused). */
  later() {
    this.lastInput = performance.now();
    clearTimeout(this.timer);
    const token = (this.pauseToken = {});
    this.timer = setTimeout(() => this.pauseCheck(token, 0), COMMIT_PAUSE_MS);
  }

  pauseCheck(token, frames) {
    if (token !== this.pauseToken) return; // a newer input started its own wait
    const quiet = performance.now() - this.lastInput;
    if (quiet < COMMIT_PAUSE_MS) {
      // the pointer moved (without changing the value): wait for the rest of the pause
      this.timer = setTimeout(() => this.pauseCheck(token, 0), COMMIT_PAUSE_MS - quiet);
      return;
    }
    if (frames < 2) {
      requestAnimationFrame(() => this.pauseCheck(token, frames + 1));
      return;
    }
    this.commit();
  }

  released() {
    if (!this.keys && !this.pointer) this.later();
  }

  pointerUp() {
    if (!this.pointer) return;
    this.pointer = false;
    if (this.dirty) this.commit();
  }

  commit() {
    clearTimeout(this.timer);
    if (!this.dirty || (this.pointer && performance.now() - this.lastInput < COMMIT_PAUSE_MS)) return;
    this.dirty = false;
    this.seq += 1;
    this.setTriggerValue("commit", { sliders: this.values.slice(), seq: this.seq });
  }

  destroy() {
    clearTimeout(this.timer);
    window.removeEventListener("pointerup", this.onPointerUp, true);
    window.removeEventListener("pointercancel", this.onPointerUp, true);
    window.removeEventListener("pointermove", this.onPointerMove, true);
  }
}

// ------------------------------------------------------------------------------------ the entry
const KINDS = { chart: Chart, headline: Headline, logits: Logits };

const DECODER = new TextDecoder();

export default function mount({ data, parentElement, setTriggerValue }, urls) {
  loadCss(urls.base);
  // Python sends the data as JSON bytes (components/live/component.py: orjson, cheaper for the server)
  if (data instanceof Uint8Array) data = JSON.parse(DECODER.decode(data));
  let instance = INSTANCES.get(parentElement);
  if (!instance || !(instance instanceof KINDS[data.kind])) {
    instance?.destroy();
    parentElement.querySelectorAll(":scope > .sxl-own").forEach((node) => node.remove());
    instance = new KINDS[data.kind](parentElement, urls);
    INSTANCES.set(parentElement, instance);
    // (a chart is not hidden: Plotly.js measures its text, and draws only after its 4.8 MB have loaded)
    if (!(instance instanceof Chart)) hiddenUntilStyled(instance.root);
    if (instance instanceof Headline) cssReady.then(() => fitContent(parentElement));
  }
  instance.update(data, setTriggerValue);
  // Streamlit also calls this cleanup when new data arrived while this call was still loading the module
  // (its effect was cancelled), not only on unmount: end the instance only once its element has left the page.
  return () => {
    setTimeout(() => {
      if (parentElement.isConnected || INSTANCES.get(parentElement) !== instance) return;
      instance.destroy();
      INSTANCES.delete(parentElement);
    }, 0);
  };
}
