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
const TRANSITION = { duration: 160, easing: "cubic-in-out" };
const BUS = new EventTarget(); // in-between logits, per group: one module instance serves the whole page
const INSTANCES = new WeakMap(); // parentElement -> instance: Streamlit calls us again on each new `data`

let plotlyPromise = null;
function loadPlotly(url) {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  plotlyPromise ??= new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = url;
    script.onload = () => resolve(window.Plotly);
    script.onerror = () => reject(new Error(`Plotly.js did not load from ${url}`));
    document.head.appendChild(script);
  });
  return plotlyPromise;
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

/** The figure's layout with the app theme's text, font and grid colours where the spec sets none. */
function themedLayout(layout, theme) {
  const out = { ...layout };
  out.font = { family: theme.font, color: theme.text, ...(layout.font || {}) };
  out.hoverlabel = { bgcolor: theme.panel, bordercolor: theme.line, font: { color: theme.text }, ...(layout.hoverlabel || {}) };
  const axes = Object.keys(layout).filter((k) => /^[xy]axis\d*$/.test(k));
  for (const key of axes.length ? axes : ["xaxis", "yaxis"]) {
    out[key] = { gridcolor: theme.grid, linecolor: theme.line, zerolinecolor: theme.line, ...(layout[key] || {}) };
  }
  return out;
}

// ------------------------------------------------ what each followed figure shows of the numbers
// Twins of components/charts.py: the fields each builder fills from the Explanation.
const PATCHES = {
  p(spec, nums) {
    const bars = spec.data[0];
    bars.y = nums.p;
    bars.text = nums.p.map((p, i) => fmtProbability(p, nums.oneMinusP[i]));
  },
  grad(spec, nums) {
    const d = nums.descent;
    spec.data[0].y = d;
    spec.data[1].y = d;
    spec.data[1].marker.symbol = d.map((x) => (x > 0 ? "triangle-up" : x < 0 ? "triangle-down" : "circle"));
    spec.data[1].text = d.map((x) => fmtSigned(x));
    (spec.layout.annotations || []).slice(0, d.length).forEach((a, i) => {
      a.y = d[i];
      a.text = fmtSigned(d[i]);
      a.yanchor = d[i] >= 0 ? "bottom" : "top";
      a.yshift = (d[i] >= 0 ? 1 : -1) * Math.abs(a.yshift ?? 12);
    });
  },
  loss(spec, nums, target) {
    const pTrue = nums.p[target];
    const point = spec.data[1];
    point.x = [pTrue];
    point.y = [nums.loss];
    point.text = [`E = ${fmt(nums.loss)}`];
    point.textposition = pTrue < 0.6 ? "top right" : "top left";
    spec.layout.yaxis.range = [0, Math.max(5, nums.loss * 1.15)];
  },
};

/** The spec as it would look for the logits `live` (a copy; the spec itself is Python's and stays). */
export function patchedSpec(spec, follow, live) {
  const copy = structuredClone(spec);
  PATCHES[follow](copy, softmaxNumbers(live.z, live.target), live.target);
  return copy;
}

// -------------------------------------------------------------------------------------- a chart
class Chart {
  constructor(root, urls) {
    this.root = root;
    this.urls = urls;
    this.box = el("div", "sxl-chart", root);
    this.gd = el("div", "sxl-plot", this.box);
    this.data = null;
    this.live = null; // the latest in-between logits of the group, if ahead of Python
    this.drawing = null; // a Plotly promise in flight
    this.next = null; // the newest figure waiting for it
    this.onLive = (event) => this.follow(event.detail);
    this.resize = new ResizeObserver(() => window.Plotly && this.gd.data && window.Plotly.Plots.resize(this.gd));
    this.resize.observe(this.box);
  }

  update(data) {
    if (this.data?.group !== data.group || this.data?.follow !== data.follow) {
      BUS.removeEventListener(this.data?.group, this.onLive);
      if (data.follow) BUS.addEventListener(data.group, this.onLive);
    }
    this.data = data;
    this.gd.setAttribute("role", "img");
    this.gd.setAttribute("aria-label", data.label || "chart");
    const ahead = data.follow && this.live && this.live.seq > data.seq;
    this.draw(ahead ? patchedSpec(data.spec, data.follow, this.live) : structuredClone(data.spec), true);
  }

  follow(live) {
    if (!this.data || live.seq <= this.data.seq) return; // Python already answered this one
    this.live = live;
    this.draw(patchedSpec(this.data.spec, this.data.follow, live), live.jump);
  }

  draw(figure, glide) {
    this.next = { figure, glide };
    if (this.drawing) return; // drawn when the one in flight ends: only the newest counts
    if (!window.Plotly) {
      this.drawing = loadPlotly(this.urls.plotly).then(() => { this.drawing = null; this.flush(); });
      return;
    }
    this.flush();
  }

  flush() {
    const job = this.next;
    if (!job) return;
    this.next = null;
    const { figure, glide } = job;
    const layout = themedLayout(figure.layout || {}, themeOf(this.root));
    layout.autosize = true;
    layout.uirevision ??= "keep"; // zoom and pan survive an update
    const first = !this.gd.data;
    if (glide && !first) layout.transition = TRANSITION;
    else delete layout.transition;
    this.box.style.height = `${layout.height || 380}px`;
    const config = { displayModeBar: false, responsive: true, ...(this.data?.config || {}) };
    const done = window.Plotly.react(this.gd, { data: figure.data, layout, frames: figure.frames, config });
    this.drawing = Promise.resolve(done).finally(() => {
      this.drawing = null;
      this.flush();
    });
  }

  destroy() {
    BUS.removeEventListener(this.data?.group, this.onLive);
    this.resize.disconnect();
    window.Plotly?.purge(this.gd);
  }
}

// ----------------------------------------------------------------------------------- the headline
class Headline {
  constructor(root) {
    this.root = el("div", "sxl-headline", root);
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
    this.root = el("div", "sxl-logits", root);
    this.root.setAttribute("role", "group");
    this.rows = [];
    this.values = [];
    this.seq = null; // the last commit Python has answered (or that this instance sent)
    this.pointer = false; // a pointer holds a thumb
    this.keys = 0; // keys held down
    this.dirty = false; // moved since the last commit
    this.frame = 0;
    this.timer = 0;
    this.pendingData = null;
    this.id = `sxl-${++uid}`;
    this.onPointerUp = () => this.pointerUp();
    window.addEventListener("pointerup", this.onPointerUp, true);
    window.addEventListener("pointercancel", this.onPointerUp, true);
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
    if (!this.frame) this.frame = requestAnimationFrame(() => this.announce());
    this.later();
  }

  /** The in-between logits, to every follower of the group, once per animation frame. */
  announce() {
    this.frame = 0;
    const d = this.data;
    const detail = {
      seq: this.seq + 1,
      z: this.values.map((v) => v * d.scale),
      target: d.target,
      jump: !this.pointer, // keys step: glide; a dragging pointer moves on its own
    };
    BUS.dispatchEvent(new CustomEvent(d.group, { detail }));
  }

  later() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.commit(), COMMIT_PAUSE_MS);
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
    if (!this.dirty) return;
    this.dirty = false;
    this.seq += 1;
    this.setTriggerValue("commit", { sliders: this.values.slice(), seq: this.seq });
  }

  destroy() {
    clearTimeout(this.timer);
    cancelAnimationFrame(this.frame);
    window.removeEventListener("pointerup", this.onPointerUp, true);
    window.removeEventListener("pointercancel", this.onPointerUp, true);
  }
}

// ------------------------------------------------------------------------------------ the entry
const KINDS = { chart: Chart, headline: Headline, logits: Logits };

export default function mount({ data, parentElement, setTriggerValue }, urls) {
  loadCss(urls.base);
  let instance = INSTANCES.get(parentElement);
  if (!instance || !(instance instanceof KINDS[data.kind])) {
    instance?.destroy();
    instance = new KINDS[data.kind](parentElement, urls);
    INSTANCES.set(parentElement, instance);
  }
  instance.update(data, setTriggerValue);
  return () => {
    instance.destroy();
    INSTANCES.delete(parentElement);
  };
}
