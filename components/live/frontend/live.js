// The live components of the page, one ES module for every instance (components/live/*.py mount them).
//
//   kind "logits":   one compact slider per logit; while a hand moves one, it announces the in-between
//                    logits to its group 60 times a second, and commits the values to Python (a trigger)
//                    on release or after a 150 ms pause.
//   kind "chart":    a Plotly figure drawn once and then updated in place (Plotly.react, short
//                    transition): never removed, so it never blinks and keeps its zoom. With `follow`
//                    set it also redraws the in-between states of its group's logits.
//   kind "headline": the loss, p of the true class and the prediction, as text; follows like a chart.
//
// Python's numbers always win: every instance draws what Python sent, except while the hand is ahead of
// Python (a newer `seq` than the one Python answered), when it draws the browser's twin (softmax.js).

import { fmt, fmtProbability, fmtSigned, softmaxNumbers } from "./softmax.js";

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

let cssLoaded = false;
function loadCss(base) {
  if (cssLoaded) return;
  cssLoaded = true;
  const link = document.createElement("link");
  link.rel = "stylesheet";
  link.href = new URL("live.css", base).href;
  document.head.appendChild(link);
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
    fig.layout.yaxis = { ...fig.layout.yaxis, range: [0, Math.max(5, nums.loss * 1.15)] };
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

function movingNumbers(from, to) {
  let count = 0;
  to.data.forEach((trace, i) => {
    for (const key of ["x", "y"]) {
      const a = from.data[i]?.[key];
      if (Array.isArray(trace[key]) && Array.isArray(a) && a !== trace[key] && a.length === trace[key].length) count += a.length;
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
    if (Array.isArray(r) && Array.isArray(r0) && r.length === 2 && r0.length === 2) fig.layout[key] = { ...to.layout[key], range: lerpArray(r0, r, t) };
  }
  return fig;
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

  follow(live) {
    if (!this.data || live.seq <= this.data.seq) return; // Python already answered this one
    this.live = live;
    const now = performance.now();
    const isolated = now - (this.lastFollow ?? -Infinity) > GLIDE_MS; // a single key step, not a held key
    this.lastFollow = now;
    this.draw(patchedSpec(this.data.spec, this.data.follow, live), live.jump && isolated, "browser");
  }

  /** Draw `figure` (whose numbers come from `source`: "python" or "browser"), gliding there if `glide`. */
  draw(figure, glide, source) {
    this.target = figure;
    this.source = source;
    if (!window.Plotly) {
      loadPlotly(this.urls.plotly).then(() => request(this));
      return;
    }
    const moving = this.shown ? movingNumbers(this.shown, figure) : 0;
    const glides = glide && moving > 0 && moving <= GLIDE_MAX_NUMBERS;
    this.glide = glides ? { from: this.shown, to: figure, start: performance.now() } : null;
    request(this);
  }

  /** Called by the drawing loop: draw what is due now; true if more frames are needed (a glide). */
  paint(now) {
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

  react(figure, settlesTo = null) {
    if (!this.width) this.width = Math.round(this.box.getBoundingClientRect().width) || 600;
    this.theme ??= themeOf(this.root); // read once per update from Python (a theme change reruns us)
    const layout = themedLayout(figure.layout, this.theme);
    layout.autosize = false;
    layout.width = this.width;
    layout.height ??= 380;
    // A chart never taller than the screen (a projector at 1024 x 768, a phone turned sideways).
    layout.height = Math.min(layout.height, Math.max(240, window.innerHeight - 24));
    layout.uirevision ??= "keep"; // zoom and pan survive an update
    this.box.style.height = `${layout.height}px`;
    const config = { displayModeBar: false, responsive: false, ...(this.data?.config || {}) };
    const t0 = performance.now();
    window.Plotly.react(this.gd, { data: figure.data, layout, frames: figure.frames, config });
    // bench/live.py reads each draw: whose, how long, when (set window.__liveDraws = [] to record them)
    window.__liveDraws?.push([this.data?.follow ?? "chart", performance.now() - t0, t0]);
    // What is on screen, for the next glide; a figure mid-glide counts as where it is now.
    this.shown = figure;
    if (!settlesTo) this.box.dataset.drawn = this.source; // for tests: whose numbers are on screen
  }

  destroy() {
    BUS.removeEventListener(this.data?.group, this.onLive);
    waiting.delete(this);
    this.resize.disconnect();
    window.Plotly?.purge(this.gd);
  }
}

// ----------------------------------------------------------------------------------- the headline
class Headline {
  constructor(root) {
    this.root = el("div", "sxl-headline sxl-own", root);
    this.metrics = [0, 1, 2].map(() => {
      const box = el("div", "sxl-metric", this.root);
      return { label: el("div", "sxl-metric-label", box), value: el("div", "sxl-metric-value", box), delta: el("div", "sxl-metric-delta", box) };
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
    this.show(data.text, data.target, data.predicted);
  }

  follow(live) {
    if (!this.data || live.seq <= this.data.seq) return;
    const nums = softmaxNumbers(live.z, live.target);
    const t = live.target;
    this.show({ loss: fmt(nums.loss), p_true: fmtProbability(nums.p[t], nums.oneMinusP[t]) }, t, nums.predicted);
  }

  show(text, target, predicted) {
    const labels = this.data.labels; // user text: only ever textContent
    const [loss, pTrue, verdict] = this.metrics;
    loss.label.textContent = "Cross-entropy loss E";
    loss.value.textContent = text.loss;
    pTrue.label.textContent = `p of the true class (${labels[target]})`;
    pTrue.value.textContent = text.p_true;
    verdict.label.textContent = "Network predicts";
    verdict.value.textContent = labels[predicted];
    const right = predicted === target;
    verdict.delta.textContent = `${right ? "right" : "wrong"}: true class is ${labels[target]}`;
    verdict.delta.classList.toggle("sxl-right", right);
    verdict.delta.classList.toggle("sxl-wrong", !right);
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

export default function mount({ data, parentElement, setTriggerValue }, urls) {
  loadCss(urls.base);
  let instance = INSTANCES.get(parentElement);
  if (!instance || !(instance instanceof KINDS[data.kind])) {
    instance?.destroy();
    parentElement.querySelectorAll(":scope > .sxl-own").forEach((node) => node.remove());
    instance = new KINDS[data.kind](parentElement, urls);
    INSTANCES.set(parentElement, instance);
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
