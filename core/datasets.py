"""Two-dimensional toy data sets for the network view, and a reader for a user's CSV of points.

Every generator returns :class:`Points`: ``x`` of shape ``(n, 2)`` and class
labels ``y`` numbered from 0 (the page shows them from 1). The patterns lie in
about ``[-1, 1]²`` and ``noise`` is the standard deviation of a Gaussian
jitter in the pattern's own unit (the spiral jitters its angle, in radians,
as CS231n's does; the moons have radius 1 before they are scaled into the
box). The same seed gives the same points.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, Literal, get_args

import numpy as np
from numpy.typing import NDArray

from core._validate import Array
from core.layers import as_count, as_real

Labels = NDArray[np.intp]
Kind = Literal["spiral", "blobs", "circles", "moons", "xor"]

KINDS: Final[tuple[str, ...]] = get_args(Kind)
MIN_CLASSES: Final = 2
MAX_CLASSES: Final = 5
MAX_POINTS_PER_CLASS: Final = 1000
MAX_NOISE: Final = 1.0
MAX_TEST_FRACTION: Final = 0.9
#: The noise each pattern is drawn with unless told otherwise (spiral: CS231n's 0.2 rad).
DEFAULT_NOISE: Final[dict[str, float]] = {"spiral": 0.2, "blobs": 0.2, "circles": 0.06, "moons": 0.1, "xor": 0.05}
#: Limits of :func:`parse_points_csv`.
CSV_MAX_BYTES: Final = 100_000
CSV_MAX_ROWS: Final = 2000


@dataclass(frozen=True)
class Points:
    """Labelled points in the plane: ``x[i]`` has class ``y[i]`` (0-based, ``0 .. n_classes - 1``).

    ``label_base`` is how the labels were written where they came from: 0 for the
    generators, 0 or 1 for a CSV (1 means the file's label 1 is class ``y = 0``).
    """

    x: Array  # (n, 2)
    y: Labels  # (n,)
    n_classes: int
    label_base: int = 0

    def __len__(self) -> int:
        return int(self.y.shape[0])


@dataclass(frozen=True)
class Dataset:
    """Points split into a training and a test set (the test set may be empty)."""

    x_train: Array  # (n_train, 2)
    y_train: Labels  # (n_train,)
    x_test: Array  # (n_test, 2)
    y_test: Labels  # (n_test,)
    n_classes: int

    @property
    def has_test(self) -> bool:
        return bool(self.y_test.shape[0] > 0)

    def bounds(self, margin: float = 0.1) -> tuple[float, float, float, float]:
        """``(x1_min, x1_max, x2_min, x2_max)`` of all points, widened by ``margin`` of each span."""
        pts = np.concatenate([self.x_train, self.x_test])
        lo, hi = pts.min(axis=0), pts.max(axis=0)
        pad = np.maximum(hi - lo, 1e-3) * margin
        return float(lo[0] - pad[0]), float(hi[0] + pad[0]), float(lo[1] - pad[1]), float(hi[1] + pad[1])


# ----------------------------------------------------------------------------- generators
# Each takes (rng, n_classes K, points per class n, noise) and returns (K n, 2), class j in rows j n .. (j+1) n - 1.


def _spiral(rng: np.random.Generator, k: int, n: int, noise: float) -> Array:
    """CS231n's spiral: arm ``j`` at radius ``r ∈ [0, 1]`` and angle ``t = t_j + 4 r + noise``.

    CS231n starts the arms at ``t_j = 4 j``; here at ``t_j = 2π j / K``, so that
    4 and 5 arms are evenly spread too.
    """
    r = np.tile(np.linspace(0.0, 1.0, n), k)
    start = np.repeat(2.0 * math.pi * np.arange(k) / k, n)
    t = start + 4.0 * r + noise * rng.standard_normal(k * n)
    return np.column_stack([r * np.sin(t), r * np.cos(t)])


def _blobs(rng: np.random.Generator, k: int, n: int, noise: float) -> Array:
    """Gaussian blobs around ``K`` centres on a circle of radius 0.7."""
    angle = np.repeat(2.0 * math.pi * np.arange(k) / k + math.pi / 2.0, n)
    centres = 0.7 * np.column_stack([np.cos(angle), np.sin(angle)])
    jitter: Array = noise * rng.standard_normal((k * n, 2))
    return centres + jitter


def _circles(rng: np.random.Generator, k: int, n: int, noise: float) -> Array:
    """Concentric rings, class ``j`` at radius ``(j + 1) / K``."""
    radius = np.repeat((np.arange(k) + 1.0) / k, n)
    angle = rng.uniform(0.0, 2.0 * math.pi, k * n)
    ring: Array = radius[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
    return ring + noise * rng.standard_normal((k * n, 2))


def _moons(rng: np.random.Generator, k: int, n: int, noise: float) -> Array:
    """Interlocking half circles of radius 1 (the two classic moons, then more along the line).

    Moon ``j`` is centred at ``x = j + 0.5 ⌊j / 2⌋``; odd moons hang upside down,
    0.5 lower. The whole chain is then centred and scaled into ``[-1, 1]²``.
    """
    j = np.repeat(np.arange(k), n)
    t = rng.uniform(0.0, math.pi, k * n)
    flip = np.where(j % 2 == 1, -1.0, 1.0)
    centre = j + 0.5 * (j // 2)
    pts = np.column_stack([centre + flip * np.cos(t), 0.5 * (j % 2) + flip * np.sin(t)])
    pts += noise * rng.standard_normal((k * n, 2))
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    scaled: Array = (pts - (lo + hi) / 2.0) / (max(hi - lo) / 2.0)
    return scaled


def _xor(rng: np.random.Generator, k: int, n: int, noise: float) -> Array:
    """A ``K x K`` checkerboard on ``[-1, 1]²``: cell ``(a, b)`` has class ``(a + b) mod K`` (XOR for K = 2).

    Each class owns ``K`` cells and its points go round-robin over them,
    uniform inside a cell less a 10% border.
    """
    cell = 2.0 / k
    cls = np.repeat(np.arange(k), n)
    a = np.tile(np.arange(n) % k, k)
    b = (cls - a) % k
    u = rng.uniform(0.1, 0.9, (k * n, 2))
    pts = np.column_stack([-1.0 + (a + u[:, 0]) * cell, -1.0 + (b + u[:, 1]) * cell])
    jitter: Array = noise * rng.standard_normal((k * n, 2))
    return pts + jitter


_GENERATORS: Final[dict[str, Callable[[np.random.Generator, int, int, float], Array]]] = {
    "spiral": _spiral,
    "blobs": _blobs,
    "circles": _circles,
    "moons": _moons,
    "xor": _xor,
}


def make_points(
    kind: str = "spiral",
    n_classes: int = 3,
    points_per_class: int = 100,
    noise: float | None = None,
    seed: int = 0,
) -> Points:
    """Draw ``points_per_class`` points of each of ``n_classes`` classes in the pattern ``kind``.

    ``kind`` is one of :data:`KINDS`; ``noise`` in ``[0, 1]`` (None: the
    pattern's :data:`DEFAULT_NOISE`). Rows come class by class.
    """
    if kind not in _GENERATORS:
        raise ValueError(f"unknown data set {kind!r}: choose one of {', '.join(KINDS)}")
    k = as_count(n_classes, "n_classes", MIN_CLASSES)
    if k > MAX_CLASSES:
        raise ValueError(f"n_classes must be at most {MAX_CLASSES}: got {n_classes!r}")
    n = as_count(points_per_class, "points_per_class")
    if n > MAX_POINTS_PER_CLASS:
        raise ValueError(f"points_per_class must be at most {MAX_POINTS_PER_CLASS}: got {points_per_class!r}")
    sigma = DEFAULT_NOISE[kind] if noise is None else as_real(noise, "noise")
    if not 0.0 <= sigma <= MAX_NOISE:
        raise ValueError(f"noise must be in [0, {MAX_NOISE}]: got {noise!r}")
    s = as_count(seed, "seed", minimum=0)
    x = _GENERATORS[kind](np.random.default_rng(s), k, n, sigma)
    y: Labels = np.repeat(np.arange(k, dtype=np.intp), n)
    return Points(np.ascontiguousarray(x, dtype=np.float64), y, k)


def split(points: Points, test_fraction: float = 0.2, seed: int = 0) -> Dataset:
    """Split into training and test sets, class by class (stratified), shuffled, reproducibly.

    Each class puts ``round(test_fraction · its count)`` points in the test set,
    but always keeps at least one for training. ``test_fraction`` in ``[0, 0.9]``.
    """
    f = as_real(test_fraction, "test_fraction")
    if not 0.0 <= f <= MAX_TEST_FRACTION:
        raise ValueError(f"test_fraction must be in [0, {MAX_TEST_FRACTION}]: got {test_fraction!r}")
    s = as_count(seed, "seed", minimum=0)
    rng = np.random.default_rng([s, 1])
    train: list[NDArray[np.intp]] = []
    test: list[NDArray[np.intp]] = []
    for c in range(points.n_classes):
        idx = rng.permutation(np.flatnonzero(points.y == c))
        n_test = min(round(f * idx.size), idx.size - 1)
        test.append(idx[:n_test])
        train.append(idx[n_test:])
    tr = rng.permutation(np.concatenate(train))
    te = rng.permutation(np.concatenate(test))
    return Dataset(points.x[tr], points.y[tr], points.x[te], points.y[te], points.n_classes)


def make_dataset(
    kind: str = "spiral",
    n_classes: int = 3,
    points_per_class: int = 100,
    noise: float | None = None,
    test_fraction: float = 0.2,
    seed: int = 0,
) -> Dataset:
    """:func:`make_points` then :func:`split`, with one seed."""
    return split(make_points(kind, n_classes, points_per_class, noise, seed), test_fraction, seed)


# ----------------------------------------------------------------------------- CSV


def _parse_number(text: str, what: str, line: int) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"line {line}: {what} is not a number: {text!r}") from None
    if not math.isfinite(value):
        raise ValueError(f"line {line}: {what} must be finite: got {text!r}")
    return value


def _parse_label(text: str, line: int) -> int:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"line {line}: the label must be an integer: got {text!r}") from None
    if not value.is_integer():  # also NaN and infinity
        raise ValueError(f"line {line}: the label must be an integer: got {text!r}")
    if abs(value) > MAX_CLASSES:
        raise ValueError(f"line {line}: the label {text} is out of range: labels are 0 to {MAX_CLASSES}")
    return int(value)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def parse_points_csv(text: str) -> Points:
    """Read points from CSV text, one point a line: ``x1,x2,label``.

    - An optional header line (the first non-empty line, if its first field is
      not a number), empty lines and lines starting with ``#`` are skipped.
    - ``x1, x2`` are finite numbers; ``label`` an integer (``2`` or ``2.0``).
    - Labels are 0-based or 1-based, decided by the smallest label in the file:
      0 means the classes are ``0 .. K-1``, 1 means ``1 .. K`` (as on screen).
      Every class in between must have at least one point; ``2 <= K <= 5``.
    - At most :data:`CSV_MAX_ROWS` points and :data:`CSV_MAX_BYTES` bytes.

    Raises ``ValueError`` with a message for the user, naming the line where
    there is one.
    """
    if not isinstance(text, str):
        raise ValueError(f"CSV text must be a string: got {type(text).__name__}")
    size = len(text.encode("utf-8"))
    if size > CSV_MAX_BYTES:
        raise ValueError(f"the file is too large: {size:,} bytes, at most {CSV_MAX_BYTES:,}")
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff")))
    coords: list[tuple[float, float]] = []
    labels: list[int] = []
    first = True
    try:
        for row in reader:
            line = reader.line_num
            fields = [f.strip() for f in row]
            if not any(fields) or fields[0].startswith("#"):
                continue
            if first and not _is_number(fields[0]):
                first = False
                continue  # a header
            first = False
            if len(fields) != 3:
                raise ValueError(f"line {line}: expected 3 values x1,x2,label: got {len(fields)}")
            if len(labels) == CSV_MAX_ROWS:
                raise ValueError(f"too many points: at most {CSV_MAX_ROWS}")
            coords.append((_parse_number(fields[0], "x1", line), _parse_number(fields[1], "x2", line)))
            labels.append(_parse_label(fields[2], line))
    except csv.Error as err:
        raise ValueError(f"line {reader.line_num}: not valid CSV ({err})") from None
    if not labels:
        raise ValueError("no points found: expected lines x1,x2,label")
    lab = np.array(labels, dtype=np.intp)
    base = int(lab.min())
    if base not in (0, 1):
        raise ValueError(f"labels must start at 0 or at 1: the smallest is {base}")
    y: Labels = lab - base
    k = int(y.max()) + 1
    if k < MIN_CLASSES:
        raise ValueError(f"too few classes: need at least {MIN_CLASSES}, all points have label {base}")
    if k > MAX_CLASSES:
        raise ValueError(f"too many classes: at most {MAX_CLASSES} (labels {base} to {base + MAX_CLASSES - 1})")
    missing = np.setdiff1d(np.arange(k), y)
    if missing.size:
        raise ValueError(f"labels must be consecutive: no point has label {int(missing[0]) + base}")
    return Points(np.array(coords, dtype=np.float64).reshape(-1, 2), y, k, base)
