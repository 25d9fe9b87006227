"""The one table of URL parameters: every control of the page is declared here, once.

From each declaration come its widget (``components.controls.widgets``), the check of
its raw URL value and the notice when it cannot be used (``components.controls.url``),
its place in the share link, the list of known parameters, and its row in the README's
parameter table (``readme_table``; a test keeps the README in step). Adding a control is
one entry here plus the code that uses its value.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from core.derivation import DEFAULT_X
from core.explanation import WORKED_EXAMPLE_TARGET, WORKED_EXAMPLE_Z
from core.layer_examples import BN_F_MAX, BN_N_MAX, INPUT_PRESETS, LAYERS, POOL_KERNELS, UPSTREAM_KINDS

#: How a value is written in the URL and checked:
#: number (a decimal), whole (an integer), choice (one of ``options``, verbatim),
#: class (a class number from 1 to the number of classes), bool (true/false), text (anything).
Kind = Literal["number", "whole", "choice", "class", "bool", "text"]
#: Which Streamlit widget draws it (``tabs`` is drawn by app.py as the page's tabs).
Widget = Literal["slider", "select_slider", "radio", "selectbox", "toggle", "text_input", "tabs"]

N_MIN, N_MAX, N_DEFAULT = 2, 10, len(WORKED_EXAMPLE_Z)
Z_MIN, Z_MAX, Z_STEP = -10.0, 10.0, 0.1
#: `huge=true` multiplies every logit slider by this: logits in the hundreds, for stability.
HUGE_SCALE = 100.0
#: Default logits: the worked example's, then 0 for classes 4 to 10.
Z_DEFAULTS: tuple[float, ...] = WORKED_EXAMPLE_Z + (0.0,) * (N_MAX - len(WORKED_EXAMPLE_Z))
Y_DEFAULT = WORKED_EXAMPLE_TARGET + 1  # on screen and in the URL, classes count from 1
#: The views of the page: tab labels, values of `view`, and the modules of components/views/.
VIEW_NAMES = ("Explore", "Derivation", "Learning", "Compare", "Quiz", "Network", "Layers")
#: Derivation steps: `all`, or one step at a time.
N_STEPS = 7
STEP_ALL = "all"
STEP_OPTIONS = (STEP_ALL, *(str(k) for k in range(1, N_STEPS + 1)))
TEMPERATURE_OPTIONS = ("0.05", "0.1", "0.2", "0.5", "1", "2", "5", "10", "20")
BOOLEAN_OPTIONS = ("true", "false")
#: Layers view: a one-hot dout's cell, "row,column" (the largest output is batch norm's N x F).
CELL_OPTIONS = tuple(f"{r},{c}" for r in range(1, BN_N_MAX + 1) for c in range(1, BN_F_MAX + 1))
LAYER_MODES = ("train", "eval")
#: Where a parameter applies, for the README: every view, or one of VIEW_NAMES.
ALL_VIEWS = "all"

#: The Network view's choices (its own controls, independent of the sidebar's logits).
NET_DATA_OPTIONS = ("spiral", "blobs", "circles", "moons", "xor", "csv")
NET_DATA_DEFAULT = "spiral"
NET_ACTIVATIONS = ("relu", "tanh")
NET_INITS = ("he", "xavier", "small")
NET_OPTIMIZERS = ("sgd", "momentum", "adam")
NET_RATES = ("0.001", "0.002", "0.005", "0.01", "0.02", "0.05", "0.1", "0.2", "0.5", "1", "2")
NET_BATCHES = ("full", "8", "16", "32", "64", "128")
NET_AT_OPTIONS = ("trained", "initial")
#: The most training points there can be: 2,000 rows of a CSV (5 classes x 300 points is fewer).
NET_PICK_MAX = 2000

Value = float | int | str | bool


@dataclass(frozen=True)
class Param:
    """One URL parameter and the control that sets it.

    ``what`` names the value in a notice ("the learning rate must be …"); ``instead`` says what
    the page shows when the URL's value cannot be used (generated from the default when empty).
    ``family`` groups numbered parameters (``z1`` … ``z10``) into one README row; ``class_index``
    marks a per-class parameter, used only while that class exists. ``doc_*`` override the
    README's generated cells.
    """

    name: str
    kind: Kind
    widget: Widget
    label: str
    default: Value
    what: str
    view: str = ALL_VIEWS
    help: str = ""
    low: float = 0.0
    high: float = 0.0
    step: float = 1.0
    options: tuple[str, ...] = ()
    display_format: str | None = None
    instead: str = ""
    family: str = ""
    class_index: int | None = None
    doc_meaning: str = ""
    doc_values: str = ""
    doc_default: str = ""

    @property
    def readme_name(self) -> str:
        return self.family or f"`{self.name}`"

    def shows_instead(self) -> str:
        """What the page shows when the URL's value cannot be used."""
        if self.instead:
            return self.instead
        default = f"{self.default:.4g}" if isinstance(self.default, float | int) else str(self.default)
        return f"Showing the default {self.name} = {default}."

    def rule(self, n_classes: int) -> str:
        """What a usable value is, for a notice: "a logit must be a number from −10 to 10"."""
        if self.kind in ("number", "whole"):
            whole = "whole number" if self.kind == "whole" else "number"
            return f"{self.what} must be a {whole} from {self.low:g} to {self.high:g}"
        if self.kind == "class":
            return f"{self.what} must be a class number from 1 to {n_classes}"
        if self.kind == "bool":
            return "it must be true or false"
        return f"{self.what} must be one of {', '.join(self.options)}"

    def readme_values(self) -> str:
        if self.doc_values:
            return self.doc_values
        if self.kind == "number":
            return f"number from {self.low:g} to {self.high:g}"
        if self.kind == "whole":
            return f"whole number from {self.low:g} to {self.high:g}"
        if self.kind == "class":
            return "class number from 1 to `n`"
        if self.kind == "bool":
            return "`true` or `false`"
        if self.kind == "text":
            return "any text"
        return "one of " + " ".join(f"`{option}`" for option in self.options)

    def readme_default(self) -> str:
        if self.doc_default:
            return self.doc_default
        if isinstance(self.default, bool):
            return "`true`" if self.default else "`false`"
        if isinstance(self.default, float):
            return f"`{self.default:g}`"
        return f"`{self.default}`" if self.default != "" else "none"


def z_key(i: int) -> str:
    """URL/widget key of logit ``i`` (0-based): ``z1`` … ``z10``."""
    return f"z{i + 1}"


def x_key(j: int) -> str:
    """URL/widget key of the layer input ``j`` (0-based): ``x1`` … ``x3``."""
    return f"x{j + 1}"


def _logit(i: int) -> Param:
    return Param(
        z_key(i), "number", "slider", z_key(i), Z_DEFAULTS[i], "a logit",
        low=Z_MIN, high=Z_MAX, step=Z_STEP, display_format="%.2f", class_index=i,
        family=f"`z1` … `z{N_MAX}`", doc_meaning=f"logit of class 1 … {N_MAX} (slider value)",
        doc_values=f"number from {Z_MIN:g} to {Z_MAX:g} (`z1` … `zn` are used)",
        doc_default=f"`z2 = ln 3 = {math.log(3.0):.4f}…`, the others `0`",
    )  # fmt: skip


def _layer_input(j: int) -> Param:
    return Param(
        x_key(j), "number", "slider", f"input x{j + 1}", DEFAULT_X[j], "a layer input", view="Derivation",
        low=-3.0, high=3.0, step=0.5, family=f"`x1` … `x{len(DEFAULT_X)}`",
        doc_meaning=f"inputs of the layer in step {N_STEPS}",
        doc_default=", ".join(f"`{x:g}`" for x in DEFAULT_X),
    )  # fmt: skip


#: Every URL parameter, in the order of the share link (its notices: `n` and the logits first).
PARAMS: tuple[Param, ...] = (
    Param(
        "view", "choice", "tabs", "View", VIEW_NAMES[0], "the view", options=VIEW_NAMES,
        instead=f"Showing {VIEW_NAMES[0]}.", doc_meaning="the tab shown",
    ),
    Param(
        "present", "bool", "toggle", "Presenter mode", False, "",
        help="Larger text and charts for a projector; hides captions, tables and other reading aids.",
        instead="Presenter mode is off.", doc_meaning="presenter mode",
    ),
    Param(
        "n", "whole", "select_slider", "Number of classes H", N_DEFAULT, "the number of classes",
        low=N_MIN, high=N_MAX, instead=f"Showing {N_DEFAULT} classes.", doc_meaning="number of classes `H`",
        doc_values=f"whole number {N_MIN}–{N_MAX}",
    ),
    Param(
        "y", "class", "radio", "True class (the one-hot y has its 1 here)", Y_DEFAULT, "the true class",
        instead=f"Showing class {Y_DEFAULT} as the true class.", doc_meaning="the true class",
    ),
    Param(
        "huge", "bool", "toggle", f"×{HUGE_SCALE:g}: huge logits", False, "",
        help="Multiplies every slider by 100: logits up to ±1000, where e^z overflows float64.",
        instead="Showing the logits as set, not multiplied by 100.", doc_meaning="logits are the sliders × 100",
    ),
    *(_logit(i) for i in range(N_MAX)),
    Param(
        "names", "text", "text_input", "Class names (optional, comma-separated)", "", "",
        help="Shown in every chart, table and formula; any text is shown as typed.",
        instead="using the default class names.", doc_meaning="class names",
        doc_values="any text, comma-separated", doc_default="none (`Class 1` …)",
    ),
    Param(
        "step", "choice", "radio", "Step (all at once for reading, one at a time for a lecture)", STEP_ALL,
        "the derivation step", view="Derivation", options=STEP_OPTIONS, instead="Showing all steps.",
        doc_meaning="derivation step shown", doc_values=f"`all` or `1` … `{N_STEPS}`",
    ),
    *(_layer_input(j) for j in range(len(DEFAULT_X))),
    Param(
        "lr", "number", "slider", "Learning rate η", 1.0, "the learning rate", view="Learning",
        low=0.1, high=5.0, step=0.1, display_format="%.1f", doc_meaning="learning rate η",
    ),
    Param(
        "steps", "whole", "slider", "Steps in the animation", 100, "the number of descent steps", view="Learning",
        low=10, high=300, step=10, doc_meaning="steps in the animation",
    ),
    Param(
        "zi", "class", "selectbox", "Landscape: across, logit", 1, "an axis of the landscape", view="Learning",
        instead="Showing z1.", family="`zi`, `zj`", doc_meaning="logits across and up on the landscape",
        doc_values="logit number from 1 to `n`", doc_default="`1`, `2`",
    ),
    Param(
        "zj", "class", "selectbox", "Landscape: up, logit", 2, "an axis of the landscape", view="Learning",
        instead="Showing z2.", family="`zi`, `zj`",
    ),
    Param(
        "T", "choice", "select_slider", "Temperature T", "1", "the temperature", view="Compare",
        options=TEMPERATURE_OPTIONS, instead="Showing T = 1.", doc_meaning="temperature",
    ),
    Param(
        "eps", "number", "slider", "Label smoothing ε", 0.1, "the label smoothing ε", view="Compare",
        low=0.0, high=0.3, step=0.01, display_format="%.2f", doc_meaning="label smoothing ε",
    ),
    Param(
        "c", "whole", "slider", "Shift every logit by c", 720, "the shift c", view="Compare",
        low=-1000, high=1000, step=1, doc_meaning="shift of every logit in the log-sum-exp demo",
    ),
    # ---- Network view: data, network, training, and the example whose backward pass is written out.
    Param(
        "data", "choice", "selectbox", "Points", NET_DATA_DEFAULT, "the data set", view="Network",
        options=NET_DATA_OPTIONS, instead=f"Showing the {NET_DATA_DEFAULT}.",
        help="Five patterns of 2-D points, or your own (CSV: x1,x2,label).",
        doc_meaning="the points: a pattern, or `csv` for your own (pasted or uploaded; not part of the link)",
    ),
    Param(
        "k", "whole", "select_slider", "Classes", 3, "the number of classes", view="Network",
        low=2, high=5, doc_meaning="classes of the pattern", doc_values="whole number 2–5",
    ),
    Param(
        "pts", "whole", "slider", "Points per class", 100, "the number of points per class", view="Network",
        low=10, high=300, step=10, doc_meaning="points per class",
    ),
    Param(
        "noise", "number", "slider", "Noise (× the pattern's usual)", 1.0, "the noise", view="Network",
        low=0.0, high=4.0, step=0.1, display_format="%.1f",
        help="1 is the pattern's usual jitter (spiral 0.2 rad, blobs 0.2, circles 0.06, moons 0.1, XOR 0.05); "
        "0 is none.",
        doc_meaning="jitter, as a multiple of the pattern's usual",
    ),
    Param(
        "test", "number", "slider", "Held out for testing", 0.2, "the test fraction", view="Network",
        low=0.0, high=0.5, step=0.05, display_format="%.2f",
        help="The fraction of each class kept out of training, to see how the network does on points it never saw.",
        doc_meaning="fraction of the points held out as a test set",
    ),
    Param(
        "seed", "whole", "slider", "Seed", 0, "the seed", view="Network", low=0, high=99,
        help="Draws the points, the split, the initial weights and the mini-batches: the same seed gives the same run.",
        doc_meaning="random seed of points, split, weights and batches",
    ),
    Param(
        "layers", "whole", "select_slider", "Hidden layers", 2, "the number of hidden layers", view="Network",
        low=0, high=3, help="0 makes the network linear: z = W x + b, one straight boundary between each two classes.",
        doc_meaning="hidden layers", doc_values="whole number 0–3",
    ),
    Param(
        "width", "whole", "slider", "Neurons per hidden layer", 16, "the width of a hidden layer", view="Network",
        low=2, high=32, doc_meaning="neurons in each hidden layer",
    ),
    Param(
        "act", "choice", "radio", "Activation f", "relu", "the activation", view="Network", options=NET_ACTIVATIONS,
        instead="Showing ReLU.", doc_meaning="activation of the hidden layers",
    ),
    Param(
        "init", "choice", "radio", "Initial weights", "he", "the initialisation", view="Network",
        options=NET_INITS, instead="Showing He initialisation.",
        help="he: N(0, 2/n_in), for ReLU · xavier: N(0, 2/(n_in + n_out)), for tanh · small: N(0, 0.01²) everywhere.",
        doc_meaning="initial weights: He, Xavier/Glorot, or small N(0, 0.01²)",
    ),
    Param(
        "opt", "choice", "radio", "Optimizer", "adam", "the optimizer", view="Network", options=NET_OPTIMIZERS,
        instead="Showing Adam.",
        help="sgd: w ← w − η g · momentum: v ← 0.9 v − η g, w ← w + v · "
        "adam: steps scaled by running averages of g and g².",
        doc_meaning="optimizer",
    ),
    Param(
        "nlr", "choice", "select_slider", "Learning rate η", "0.02", "the learning rate", view="Network",
        options=NET_RATES, instead="Showing η = 0.02.", doc_meaning="learning rate η",
    ),
    Param(
        "nsteps", "whole", "slider", "Training steps", 300, "the number of training steps", view="Network",
        low=50, high=2000, step=50, doc_meaning="training steps",
    ),
    Param(
        "batch", "choice", "select_slider", "Batch size", "full", "the batch size", view="Network",
        options=NET_BATCHES, instead="Showing full-batch training.",
        help="full: every training point in each step (gradient descent); a number: that many points a step, "
        "reshuffled every epoch (stochastic gradient descent).",
        doc_meaning="points per step: `full` (all) or a mini-batch size",
    ),
    Param(
        "pick", "whole", "slider", "Training point", 1, "the training point", view="Network", low=1,
        high=NET_PICK_MAX, instead="Showing training point 1.",
        doc_meaning="the training point whose backward pass is written out",
        doc_values="whole number from 1 to the number of training points",
    ),
    Param(
        "at", "choice", "radio", "Weights", "trained", "the weights", view="Network", options=NET_AT_OPTIONS,
        instead="Showing the trained weights.",
        help="trained: after the last step · initial: the random weights of step 0.",
        doc_meaning="weights of the backward pass: after training, or the initial ones",
    ),
    # --- Layers view (issue 15): one layer's forward and backward on a small input
    Param(
        "layer", "choice", "radio", "Layer", LAYERS[0], "the layer", view="Layers", options=LAYERS,
        instead=f"Showing the {LAYERS[0]} layer.", doc_meaning="the layer shown",
    ),
    Param(
        "lin", "choice", "radio", "Input", INPUT_PRESETS[0], "the input", view="Layers", options=INPUT_PRESETS,
        help="example: picked to show the layer's point (zeros for ReLU; a tie and overlapping windows for "
        "max-pool); random: drawn from the seed, one decimal.",
        instead="Showing the example input.", doc_meaning="input: the layer's example, or random from `lseed`",
    ),
    Param(
        "lseed", "whole", "slider", "Seed (random input and random dout)", 0, "the seed", view="Layers",
        low=0, high=999, step=1, doc_meaning="seed of the random input and of the random `dout`",
    ),
    Param(
        "dout", "choice", "radio", "Upstream gradient dout", UPSTREAM_KINDS[0], "the upstream gradient",
        view="Layers", options=UPSTREAM_KINDS, instead=f"Showing a {UPSTREAM_KINDS[0]} dout.",
        help="random: one decimal, from the seed; ones: the same 1 everywhere (uniform); onehot: 1 in one cell.",
        doc_meaning="upstream gradient `dout`: random, all ones (uniform) or one-hot",
    ),
    Param(
        "cell", "choice", "selectbox", "One-hot cell (row,column)", CELL_OPTIONS[0], "the one-hot cell",
        view="Layers", options=CELL_OPTIONS, instead="Showing the one-hot 1 in cell 1,1.",
        doc_meaning="cell of the 1 in a one-hot `dout`",
        doc_values=f"`row,column`, row 1–{BN_N_MAX}, column 1–{BN_F_MAX} (moved inside a smaller output)",
    ),
    Param(
        "pool", "choice", "radio", "Pool kernel (stride 2)", str(POOL_KERNELS[0]), "the pool kernel", view="Layers",
        options=tuple(str(k) for k in POOL_KERNELS), instead=f"Showing kernel {POOL_KERNELS[0]}.",
        doc_meaning="max-pool kernel (stride 2; 3 overlaps)",
    ),
    Param(
        "drop", "number", "slider", "Drop probability p", 0.2, "the drop probability", view="Layers",
        low=0.0, high=0.9, step=0.05, display_format="%.2f", doc_meaning="dropout's drop probability p",
    ),
    Param(
        "mode", "choice", "radio", "Mode", LAYER_MODES[0], "the mode", view="Layers", options=LAYER_MODES,
        instead="Showing training mode.", doc_meaning="training or evaluation (dropout, batch norm)",
    ),
    Param(
        "mseed", "whole", "slider", "Seed of the dropout mask", 0, "the mask seed", view="Layers",
        low=0, high=999, step=1, doc_meaning="seed of the dropout mask",
    ),
    Param(
        "bn", "whole", "slider", "Examples N in the batch", 4, "the batch size N", view="Layers",
        low=1, high=BN_N_MAX, step=1, doc_meaning="batch norm: examples N in the batch",
    ),
    Param(
        "bf", "whole", "slider", "Features F", 3, "the number of features F", view="Layers",
        low=1, high=BN_F_MAX, step=1, doc_meaning="batch norm: features F",
    ),
)  # fmt: skip

BY_NAME: dict[str, Param] = {param.name: param for param in PARAMS}


def param(name: str) -> Param:
    return BY_NAME[name]


def known_params() -> frozenset[str]:
    return frozenset(BY_NAME)


def readme_rows() -> Iterator[tuple[str, str, str, str]]:
    """One row per parameter (or family of numbered parameters): name, meaning, values, default."""
    seen: set[str] = set()
    for p in PARAMS:
        if p.readme_name in seen:
            continue
        seen.add(p.readme_name)
        meaning = p.doc_meaning or p.label
        if p.view != ALL_VIEWS:
            meaning += f" ({p.view})"
        yield p.readme_name, meaning, p.readme_values(), p.readme_default()


def readme_table() -> str:
    """The README's parameter table, generated from the declarations."""
    lines = ["| parameter | meaning | values | default |", "| --- | --- | --- | --- |"]
    lines += [f"| {' | '.join(row)} |" for row in readme_rows()]
    return "\n".join(lines)
