"""The network view: a small classifier learns 2-D points with softmax and cross-entropy; one example's backward pass.

Training runs once per setting on the server (cached); its snapshots become animation frames that
play in the browser. Changing what is shown (the picked point, the weights of the backward pass)
does not train again.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from components.content import backprop
from components.content import network as words
from components.content.formulas import MAX_TERMS
from components.controls import widget
from components.controls.url import link_params, parse
from components.figures import network as figures
from components.params import NET_PICK_MAX, PARAMS, param
from components.render import display
from components.render.numbers import fmt
from components.render.text import md, shown
from core.datasets import (
    CSV_MAX_BYTES,
    DEFAULT_NOISE,
    Dataset,
    Points,
    make_points,
    parse_points_csv,
    split,
)
from core.explanation import Explanation
from core.network import (
    TIE,
    ExampleBackward,
    TrainConfig,
    Training,
    explain_example,
    export_weights,
    predicted_classes,
    train,
)

#: Training runs kept per server process (each about 4.5 MB, most of it 41 snapshots of a 100 x 100 grid).
CACHE_ENTRIES = 16
GRID_RESOLUTION = 100
SNAPSHOTS = 41
MISCLASSIFIED_SHOWN = 50
CSV_KEY = "net_csv"
UPLOAD_KEY = "net_csv_file"
PRESET_KEY = "net_preset"
MISSED_KEY = "net_missed"
PICK_CHECKED_KEY = "_net_pick_checked"


def _example_csv() -> str:
    """What the CSV box holds at first: two interleaved moons, 25 points each, as ``x1,x2,label``."""
    pts = make_points("moons", 2, 25, seed=3)
    rows = [f"{x1:.3f},{x2:.3f},{int(c) + 1}" for (x1, x2), c in zip(pts.x.tolist(), pts.y.tolist(), strict=True)]
    return "x1,x2,label\n" + "\n".join(rows) + "\n"


EXAMPLE_CSV = _example_csv()


@dataclass(frozen=True)
class NetSettings:
    """Every setting that changes the training run (and nothing that only changes what is shown)."""

    data: str
    k: int
    pts: int
    noise: float
    test: float
    seed: int
    layers: int
    width: int
    act: str
    init: str
    opt: str
    lr: float
    steps: int
    batch: int | None  # None: the full batch

    @property
    def hidden(self) -> tuple[int, ...]:
        return (self.width,) * self.layers

    def config(self) -> TrainConfig:
        return TrainConfig(
            hidden=self.hidden,
            activation=self.act,
            optimizer=self.opt,
            learning_rate=self.lr,
            steps=self.steps,
            batch_size=self.batch,
            init="normal" if self.init == "small" else self.init,
            init_scale=0.01 if self.init == "small" else 1.0,
            seed=self.seed,
            snapshots=SNAPSHOTS,
            grid_resolution=GRID_RESOLUTION,
        )


# ----------------------------------------------------------------------------- presets


@dataclass(frozen=True)
class NetPreset:
    label: str
    values: dict[str, Any]
    help: str


#: The controls a preset sets: every setting of the run (not the point shown).
RUN_PARAMS = (
    "data",
    "k",
    "pts",
    "noise",
    "test",
    "seed",
    "layers",
    "width",
    "act",
    "init",
    "opt",
    "nlr",
    "nsteps",
    "batch",
)


def _defaults(**changes: Any) -> dict[str, Any]:
    """Every run setting at its default, but for ``changes``."""
    return {**{name: param(name).default for name in RUN_PARAMS}, **changes}


PRESETS = (
    NetPreset("Spiral", _defaults(), "The defaults: 3 spiral arms, two hidden layers of 16 ReLUs, Adam."),
    NetPreset(
        "Vanishing gradients",
        _defaults(layers=3, act="tanh", init="small", opt="sgd", nlr="0.5"),
        "Three tanh layers started from tiny weights N(0, 0.01²), plain SGD: the error signal shrinks "
        "at every layer on its way down, and the first layers hardly learn.",
    ),
    NetPreset(
        "No hidden layer",
        _defaults(data="xor", k=2, layers=0),
        "XOR with a linear model z = W x + b: straight boundaries cannot separate it.",
    ),
)


def _apply_preset() -> None:
    label = st.session_state.get(PRESET_KEY)
    for preset in PRESETS:
        if preset.label == label:
            for name, value in preset.values.items():
                st.session_state[name] = value
    st.session_state[PRESET_KEY] = None


# ----------------------------------------------------------------------------- controls


def _summaries() -> tuple[str, str, str]:
    """The three groups' current settings in a few words, for their (collapsed) headers."""

    def value(name: str) -> Any:
        """The widget's value; before the widget is drawn the first time, the link's (if usable) or the default."""
        if name in st.session_state:
            return st.session_state[name]
        from_link = parse(param(name), st.query_params.get_all(name))
        return param(name).default if from_link is None else from_link

    pattern = f"{value('data')}, {value('k')} classes × {value('pts')}"
    data = "your points (CSV)" if value("data") == "csv" else pattern
    layers, width = int(value("layers")), int(value("width"))
    classes = "K" if value("data") == "csv" else str(value("k"))
    hidden = " → ".join(["2", *[str(width)] * layers, classes])
    net = f"{hidden}, {value('act')}" if layers else f"{hidden}, linear"
    batch = "full batch" if value("batch") == "full" else f"batches of {value('batch')}"
    training = f"{value('opt')}, η = {value('nlr')}, {value('nsteps')} steps, {batch}"
    return f"**Data**: {data}", f"**Network**: {net}", f"**Training**: {training}"


def render_settings() -> tuple[NetSettings, OwnPoints]:
    """Presets, then the Data, Network and Training controls in three expanders side by side (stacked on a
    phone), each headed by its current settings; returns the settings and the user's points (none unless
    `data=csv`)."""
    st.pills(
        "Presets",
        options=[p.label for p in PRESETS],
        selection_mode="single",
        default=None,
        key=PRESET_KEY,
        on_change=_apply_preset,
        help=" · ".join(f"{p.label}: {p.help}" for p in PRESETS),
    )
    data_label, net_label, train_label = _summaries()
    data_col, net_col, train_col = st.columns(3, gap="small")
    with data_col.expander(data_label, key="net_data_box"):
        data = str(widget("data", st))
        own = data == "csv"
        k = int(widget("k", st, disabled=own))
        pts = int(widget("pts", st, disabled=own))
        noise = float(widget("noise", st, disabled=own))
        test = float(widget("test", st))
        seed = int(widget("seed", st))
    with net_col.expander(net_label, key="net_net_box"):
        layers = int(widget("layers", st))
        width = int(widget("width", st, disabled=layers == 0))
        act = str(widget("act", st, disabled=layers == 0))
        init = str(widget("init", st))
    with train_col.expander(train_label, key="net_train_box"):
        opt = str(widget("opt", st))
        lr = float(widget("nlr", st))
        steps = int(widget("nsteps", st))
        batch_text = str(widget("batch", st))
    batch = None if batch_text == "full" else int(batch_text)
    settings = NetSettings(data, k, pts, noise, test, seed, layers, width, act, init, opt, lr, steps, batch)
    return settings, _own_points() if own else OwnPoints()


@dataclass(frozen=True)
class OwnPoints:
    """The points typed or uploaded, or why a file could not be read as text."""

    text: str = ""
    problem: str | None = None


def _own_points() -> OwnPoints:
    """The CSV box and an upload button; an uploaded file wins over the box."""
    st.markdown("**Your points** (one a line: `x1,x2,label`; labels 0 or 1 up; 2 to 5 classes; at most 2,000 points)")
    upload_col, text_col = st.columns([1, 2])
    upload = upload_col.file_uploader("Upload a CSV file", type=["csv", "txt"], key=UPLOAD_KEY, max_upload_size=1)
    text = text_col.text_area("…or paste them here", value=EXAMPLE_CSV, height=160, key=CSV_KEY)
    display.caption("Your points stay in this browser session: a link shares the settings, not the points.")
    if upload is None:
        return OwnPoints(str(text))
    if upload.size > CSV_MAX_BYTES:  # said without reading the file
        return OwnPoints(problem=f"the file is too large: {upload.size:,} bytes, at most {CSV_MAX_BYTES:,}")
    try:
        return OwnPoints(upload.getvalue().decode("utf-8"))
    except UnicodeDecodeError:
        return OwnPoints(problem="the file is not UTF-8 text")


# ----------------------------------------------------------------------------- data and training


def load_points(settings: NetSettings, own: OwnPoints) -> tuple[Points, str | None]:
    """The points to learn and, for a CSV that cannot be used, the message saying why (then: the default pattern)."""
    if settings.data != "csv":
        kind = settings.data
        noise = min(1.0, settings.noise * DEFAULT_NOISE[kind])
        return make_points(kind, settings.k, settings.pts, noise, settings.seed), None
    error = own.problem
    if error is None:
        try:
            return parse_points_csv(own.text), None
        except ValueError as err:
            error = str(err)
    fallback = param("data").default
    return make_points(str(fallback), int(param("k").default), int(param("pts").default), None, settings.seed), error


@dataclass(frozen=True)
class NetworkRun:
    """A training run and the figures drawn from it (they only change with the run)."""

    data: Dataset
    training: Training
    animation: dict[str, Any]
    curves: dict[str, Any]
    confusion: dict[str, Any]


@dataclass(frozen=True)
class TrainKey:
    """What a training run depends on besides the points themselves (which are keyed by their hash)."""

    test: float
    seed: int
    config: TrainConfig


@st.cache_data(max_entries=CACHE_ENTRIES, show_spinner="Training the network…")
def run_training(key: TrainKey, points_hash: str, _points: Points) -> NetworkRun:
    """Split, train and draw. Cached by the settings that matter and a hash of the points (pattern or CSV), so a
    change of what is only shown (the picked point, the weights written out) never trains again."""
    data = split(_points, key.test, key.seed)
    training = train(data, key.config)
    return NetworkRun(
        data,
        training,
        figures.learning_animation(training, data),
        figures.curves_figure(training),
        figures.confusion_figure(training),
    )


def points_hash(points: Points) -> str:
    digest = hashlib.sha256(np.ascontiguousarray(points.x).tobytes())
    digest.update(np.ascontiguousarray(points.y).tobytes())
    digest.update(str(points.n_classes).encode())
    return digest.hexdigest()


# ----------------------------------------------------------------------------- words


def percent(x: float) -> str:
    return f"{100.0 * x:.1f}%"


def learning_summary(run: NetworkRun, settings: NetSettings) -> str:
    tr = run.training
    sizes = " → ".join(str(s) for s in tr.sizes)
    text = (
        f"The network {sizes} ({'no hidden layer: a linear model' if settings.layers == 0 else settings.act}) "
        f"learnt from {len(run.data.y_train)} points in {int(tr.steps[-1])} steps: training loss "
        f"**{fmt(float(tr.train_loss[0]))}** → **{fmt(float(tr.train_loss[-1]))}**, accuracy "
        f"**{percent(float(tr.train_accuracy[0]))}** → **{percent(float(tr.train_accuracy[-1]))}**"
    )
    if tr.test_accuracy is not None and tr.test_loss is not None:
        text += (
            f"; on the {len(run.data.y_test)} test points it never saw, loss **{fmt(float(tr.test_loss[-1]))}** "
            f"and accuracy **{percent(float(tr.test_accuracy[-1]))}**"
        )
    else:
        text += " (no test points held out)"
    return text + "."


def gradient_summary(training: Training) -> str:
    """What the ‖δ‖ chart says: how much of the error signal at the top reaches the first layer."""
    norms = training.delta_norms[-1]
    n_layers = norms.size
    if n_layers == 1:
        return "With no hidden layer, δ at the top, p − y, is the only error signal: ∂E/∂W = (p − y) xᵀ directly."
    first, top = float(norms[0]), float(norms[-1])
    if top == 0.0:
        return "At the end, p − y is 0 for every training point (to float64's precision): no error signal is left."
    silent = np.flatnonzero(norms == 0.0)
    if silent.size:
        highest = int(silent.max()) + 1
        where = f"layer {highest}" + (" and below" if highest > 1 else "")
        why = (
            f"every ReLU of layer {highest} is off (a ≤ 0, so f′(a) = 0) for every training point. These “dead” "
            "ReLUs pass nothing back, so the weights under them no longer learn. Another seed, wider layers or "
            "tanh avoid it."
            if training.config.activation == "relu"
            else "it has shrunk below the smallest number float64 can hold."
        )
        return f"At the end, **no error signal at all reaches {where}**: {why}"
    ratio = first / top
    text = (
        f"At the end, the error signal ‖δ‖ (over all training points) is {fmt(top, 3)} at the top, p − y, and "
        f"{fmt(first, 3)} when it reaches layer 1: {fmt(ratio, 3) if ratio < 1 else f'{ratio:.3g}'} times as large."
    )
    if ratio < 1e-2:
        text += (
            " **Vanishing gradients**: on its way down, each layer multiplies the signal by Wᵀ and by f′(a), "
            "which is at most 1 for tanh and ReLU; with small weights it shrinks layer by layer, so the first "
            "layers barely change."
        )
    return text


# ----------------------------------------------------------------------------- the example


def _check_pick_in_url(n_train: int) -> None:
    """Once per session: a link's `pick` beyond this run's training points gets a notice (the slider
    would drop it without a word)."""
    if PICK_CHECKED_KEY in st.session_state:
        return
    st.session_state[PICK_CHECKED_KEY] = True
    raw = st.query_params.get_all("pick")
    if len(raw) == 1 and raw[0].isdigit() and n_train < int(raw[0]) <= NET_PICK_MAX:
        st.warning(
            f"Link parameter `pick` = {shown(raw[0])} cannot be used: there are {n_train} training points. "
            "Showing training point 1.",
            icon="⚠️",
        )


def _go_to_missed() -> None:
    choice = st.session_state.get(MISSED_KEY)
    if choice is not None:
        st.session_state["pick"] = int(choice)
    st.session_state[MISSED_KEY] = None


def render_pick(run: NetworkRun) -> tuple[int, int]:
    """The point (0-based) and the snapshot (0 or the last) whose backward pass is written out."""
    n_train = len(run.data.y_train)
    _check_pick_in_url(n_train)
    if st.session_state.get("pick", 1) > n_train:
        st.session_state["pick"] = n_train
    p = param("pick")
    pick_col, missed_col, at_col = st.columns([3, 3, 2], vertical_alignment="bottom")
    chosen = pick_col.slider(
        p.label, min_value=1, max_value=n_train, value=int(p.default), step=1, key=p.name, bind="query-params",
        help=f"Which of the {n_train} training points to follow through the network.",
    )  # fmt: skip
    index = int(chosen) - 1
    at = str(widget("at", at_col))
    snapshot = 0 if at == "initial" else len(run.training.steps) - 1
    params = run.training.params[snapshot]
    predicted = predicted_classes(params, run.data.x_train, run.training.config.activation)
    missed = np.flatnonzero(predicted != run.data.y_train)  # wrong, or a tie (no single class predicted)
    options = [int(i) + 1 for i in missed[:MISCLASSIFIED_SHOWN]]

    def describe(number: int) -> str:
        return words.missed_label(number, int(run.data.y_train[number - 1]), int(predicted[number - 1]))

    n_ties = int(np.count_nonzero(predicted == TIE))
    missed_col.selectbox(
        words.missed_heading(missed.size - n_ties, n_ties),
        options=options,
        format_func=describe,
        index=None,
        placeholder="none: all right" if not options else "choose a point",
        key=MISSED_KEY,
        on_change=_go_to_missed,
        disabled=not options,
    )
    return index, snapshot


def formula_terms() -> int:
    """Entries a written-out vector keeps: fewer on a projector, where the formulas are larger."""
    return backprop.COMPACT_TERMS if display.presenting() else MAX_TERMS


WHY_DELTA = (
    "The backward pass starts at the top with **δ = ∂E/∂z = p − y**: the error signal that every weight's "
    "gradient below is built from. That is why the tutorial differentiates the loss with respect to z, the "
    "softmax's input, and not straight away with respect to the weights: once p − y is known, each layer's "
    "gradient is its δ times what came into it, and each δ below is the one above sent back through Wᵀ and f′."
)


def render_example(run: NetworkRun, index: int, snapshot: int) -> ExampleBackward:
    """The point on the regions, what the network says about it, and its forward pass with the numbers."""
    tr = run.training
    ex = explain_example(
        tr.params[snapshot], run.data.x_train[index], int(run.data.y_train[index]), tr.config.activation
    )
    when = "the initial weights (step 0)" if snapshot == 0 else f"the weights after step {int(tr.steps[snapshot])}"
    left, right = st.columns([1, 1], gap="large")
    with left:
        display.show_chart(figures.picked_figure(tr, run.data, index, snapshot), key="chart_net_picked")
    with right:
        st.markdown(words.example_summary(ex, index, when))
        st.markdown(WHY_DELTA)
    st.markdown(f"**Forward pass** of training point {index + 1}, layer by layer:")
    st.latex(backprop.forward(ex, formula_terms()))
    display.caption(
        "Vectors are written as rows. Long ones show their first and last entries and the largest ones "
        "(by size) in between; ⋯ stands for the rest."
    )
    return ex


def render_backward(ex: ExampleBackward) -> None:
    """δ at the top, then each layer's δ and gradients going down, then the finite-difference check."""
    n = len(ex.layers)
    terms = formula_terms()
    st.markdown("**Backward pass**, from the top:")
    st.latex(backprop.top_delta(ex, terms))
    st.latex(backprop.weight_gradient(ex, n - 1, terms))
    for i in range(n - 2, -1, -1):
        name = "ReLU" if ex.activation == "relu" else "tanh"
        st.markdown(f"Down to layer {i + 1}, through {name}: ${backprop.derivative_rule(ex.activation)}$")
        st.latex(backprop.hidden_delta(ex, i, terms))
        st.latex(backprop.weight_gradient(ex, i, terms))
    st.markdown(
        "**Check by finite differences**: nudge one weight by ±h (h = 10⁻⁵) and measure the loss, "
        "(E(w + h) − E(w − h)) / 2h, for the weight with the largest gradient in each layer."
    )
    rows = backprop.check_rows(ex)
    display.table(
        pd.DataFrame(
            {
                "weight": [r.weight for r in rows],
                "back-propagation ∂E/∂w": [r.analytic for r in rows],
                "finite difference": [r.numeric for r in rows],
                "difference": [r.difference for r in rows],
            }
        )
    )


# ----------------------------------------------------------------------------- export


def weights_json(run: NetworkRun, settings: NetSettings, link: str) -> str:
    """The trained weights (``a = W h + b`` per layer), with the settings and the link that reproduce them."""
    exported = export_weights(run.training.final_params, run.training.config.activation)
    payload = {
        "about": "a = W h + b per layer, h_0 = (x1, x2); f on every hidden layer; p = softmax(z), z the last a",
        **exported,
        "classes": [f"class {k + 1}" for k in range(run.training.n_classes)],
        "train_accuracy": float(run.training.train_accuracy[-1]),
        "settings": {**settings.__dict__, "link": link},
    }
    return json.dumps(payload, indent=1)


def network_link() -> str:
    """The query that reproduces this run: the view and every Network setting that differs from its default."""
    shown_only = ("pick", "at")
    pairs = [("view", "Network")] + [
        (name, value)
        for name, value in link_params(0)
        if name not in shown_only and any(p.name == name and p.view == "Network" for p in PARAMS)
    ]
    return "?" + "&".join(f"{name}={value}" for name, value in pairs)


# ----------------------------------------------------------------------------- the page


def render(expl: Explanation) -> None:
    """Draw the network view (it does not use the sidebar's logits)."""
    del expl  # this view has its own controls
    if not display.presenting():
        st.markdown(
            "A small network learns to sort 2-D points into classes with **softmax and cross-entropy**, by "
            "back-propagating **∂E/∂z = p − y**. It uses its own controls below; the logits in the sidebar belong "
            "to the other tabs."
        )
    settings, own = render_settings()
    points, csv_error = load_points(settings, own)
    if csv_error is not None:
        st.error(
            f"Your points could not be read: {md(csv_error)}. Showing the spiral instead.", icon=":material/error:"
        )
    elif settings.data == "csv":
        base = f"labels {points.label_base} to {points.label_base + points.n_classes - 1}"
        st.success(
            f"Read {len(points)} points in {points.n_classes} classes ({base}, shown as classes 1 to "
            f"{points.n_classes}).",
            icon=":material/check_circle:",
        )
    run = run_training(TrainKey(settings.test, settings.seed, settings.config()), points_hash(points), points)

    st.subheader("1. Watch it learn")
    left, right = st.columns([3, 2], gap="medium")
    with left:
        display.show_chart(run.animation, key="chart_net_regions")
    with right:
        display.show_chart(run.curves, key="chart_net_curves")
    st.markdown(learning_summary(run, settings))
    display.caption(
        "Colour is the predicted class and its depth how sure the network is (pale: p near 1/K, deep: near 1). "
        "Filled marks are training points, hollow ones test points; each class has its own colour and shape. "
        "Press ▶ Play: every frame is the network at one step, played in your browser. On the right, ‖δ‖ is the "
        "size of the error signal δ = ∂E/∂a arriving at each layer (all training points together)."
    )
    st.markdown(gradient_summary(run.training))

    st.subheader("2. Which classes it confuses")
    left, right = st.columns([3, 2], gap="large", vertical_alignment="center")
    with left:
        display.show_chart(run.confusion, key="chart_net_confusion")
    with right:
        st.markdown(words.confusion_summary(run.training))

    st.subheader("3. One example's backward pass")
    index, snapshot = render_pick(run)
    ex = render_example(run, index, snapshot)
    render_backward(ex)

    st.subheader("4. Take it with you")
    st.download_button(
        "Download the trained weights (JSON)",
        data=weights_json(run, settings, network_link()),
        file_name="network-weights.json",
        mime="application/json",
        on_click="ignore",
        icon="⬇️",
    )
    display.caption(
        "Every setting above is in the page's link (the share box in the sidebar), and training is the same "
        "for the same seed: the link reproduces this run."
    )
