"""Toy data sets for the network view, the train/test split and the CSV reader."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from core.datasets import (
    CSV_MAX_ROWS,
    KINDS,
    make_dataset,
    make_points,
    parse_points_csv,
    split,
)

pytestmark = pytest.mark.filterwarnings("error")


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("n_classes", [2, 3, 4, 5])
def test_every_kind_gives_balanced_labelled_points_in_the_box(kind: str, n_classes: int) -> None:
    pts = make_points(kind, n_classes, 40, seed=3)
    assert pts.x.shape == (40 * n_classes, 2)
    assert pts.x.dtype == np.float64
    assert len(pts) == 40 * n_classes
    assert pts.n_classes == n_classes
    np.testing.assert_array_equal(np.bincount(pts.y), [40] * n_classes)
    assert np.all(np.isfinite(pts.x))
    assert np.abs(pts.x).max() < 2.0
    # each class is a pattern of its own: a point's nearest neighbour mostly shares its class (chance: 1/K)
    dist = np.linalg.norm(pts.x[:, None] - pts.x[None], axis=-1)
    np.fill_diagonal(dist, np.inf)
    assert (pts.y[dist.argmin(axis=1)] == pts.y).mean() > 0.75


@pytest.mark.parametrize("kind", KINDS)
def test_same_seed_same_points_other_seed_other_points(kind: str) -> None:
    a = make_points(kind, 3, 30, seed=5)
    b = make_points(kind, 3, 30, seed=5)
    c = make_points(kind, 3, 30, seed=6)
    np.testing.assert_array_equal(a.x, b.x)
    np.testing.assert_array_equal(a.y, b.y)
    assert not np.array_equal(a.x, c.x)


def test_noise_free_patterns_have_their_geometry() -> None:
    spiral = make_points("spiral", 3, 50, noise=0.0)
    np.testing.assert_allclose(np.hypot(*spiral.x.T), np.tile(np.linspace(0.0, 1.0, 50), 3), atol=1e-15)
    circles = make_points("circles", 4, 50, noise=0.0)
    np.testing.assert_allclose(np.hypot(*circles.x.T), (circles.y + 1) / 4, rtol=1e-14)
    xor = make_points("xor", 2, 100, noise=0.0)
    same_sign = xor.x[:, 0] * xor.x[:, 1] > 0
    np.testing.assert_array_equal(same_sign, xor.y == 0)
    blobs = make_points("blobs", 5, 20, noise=0.0)
    np.testing.assert_allclose(np.hypot(*blobs.x.T), 0.7, rtol=1e-14)
    moons = make_points("moons", 2, 100, noise=0.0)
    assert np.abs(moons.x).max() == pytest.approx(1.0)


def test_default_noise_follows_the_kind_and_noise_moves_points() -> None:
    quiet = make_points("moons", 2, 30, noise=0.0, seed=1)
    noisy = make_points("moons", 2, 30, noise=0.3, seed=1)
    assert not np.array_equal(quiet.x, noisy.x)
    np.testing.assert_array_equal(make_points("spiral", seed=2).x, make_points("spiral", noise=0.2, seed=2).x)


def test_split_is_stratified_disjoint_and_reproducible() -> None:
    pts = make_points("blobs", 4, 25, seed=1)
    data = split(pts, 0.2, seed=9)
    np.testing.assert_array_equal(np.bincount(data.y_test), [5] * 4)
    np.testing.assert_array_equal(np.bincount(data.y_train), [20] * 4)
    every = np.concatenate([data.x_train, data.x_test])
    assert every.shape == pts.x.shape
    assert len({tuple(row) for row in every}) == len(pts)  # every point once
    again = split(pts, 0.2, seed=9)
    np.testing.assert_array_equal(again.x_train, data.x_train)
    np.testing.assert_array_equal(again.y_test, data.y_test)
    assert data.has_test
    lo1, hi1, lo2, hi2 = data.bounds()
    assert lo1 < every[:, 0].min()
    assert hi1 > every[:, 0].max()
    assert lo2 < every[:, 1].min()
    assert hi2 > every[:, 1].max()


def test_split_keeps_a_training_point_per_class_and_allows_no_test_set() -> None:
    pts = parse_points_csv("0,0,0\n1,1,1\n2,2,1\n")
    data = split(pts, 0.9)
    np.testing.assert_array_equal(np.bincount(data.y_train), [1, 1])
    np.testing.assert_array_equal(data.y_test, [1])
    none = make_dataset("xor", 2, 10, test_fraction=0.0)
    assert not none.has_test
    assert none.x_test.shape == (0, 2)
    assert none.x_train.shape == (20, 2)


BAD_ARGS: list[tuple[Callable[[], object], str]] = [
    (lambda: make_points("galaxy"), "unknown data set 'galaxy'"),
    (lambda: make_points("spiral", 1), "n_classes must be at least 2"),
    (lambda: make_points("spiral", 6), "n_classes must be at most 5"),
    (lambda: make_points("spiral", 3.0), "n_classes must be an integer"),  # type: ignore[arg-type]
    (lambda: make_points("spiral", 3, 0), "points_per_class must be at least 1"),
    (lambda: make_points("spiral", 3, 1001), "points_per_class must be at most 1000"),
    (lambda: make_points("spiral", 3, 10, noise=-0.1), r"noise must be in \[0, 1.0\]"),
    (lambda: make_points("spiral", 3, 10, noise=float("inf")), "noise must be finite"),
    (lambda: make_points("spiral", seed=-1), "seed must be at least 0"),
    (lambda: make_dataset(test_fraction=0.95), r"test_fraction must be in \[0, 0.9\]"),
    (lambda: make_dataset(test_fraction=True), "test_fraction must be a number"),  # type: ignore[arg-type]
]


@pytest.mark.parametrize(("call", "message"), BAD_ARGS)
def test_bad_arguments_raise(call: Callable[[], object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


# ----------------------------------------------------------------------------- CSV


def test_csv_with_header_comments_blank_lines_and_zero_based_labels() -> None:
    text = "\ufeffx1, x2, label\n# a comment\n\n0.5,1.5,0\n -1 , 2e-3 , 1 \n3,4,2.0\n"
    pts = parse_points_csv(text)
    np.testing.assert_array_equal(pts.x, [[0.5, 1.5], [-1.0, 0.002], [3.0, 4.0]])
    np.testing.assert_array_equal(pts.y, [0, 1, 2])
    assert pts.y.dtype == np.intp
    assert pts.n_classes == 3
    assert pts.label_base == 0


def test_csv_one_based_labels_become_classes_from_zero() -> None:
    pts = parse_points_csv("1,1,1\n2,2,2\n3,3,2\n")
    np.testing.assert_array_equal(pts.y, [0, 1, 1])
    assert pts.n_classes == 2
    assert pts.label_base == 1


def test_csv_at_the_row_limit_is_read() -> None:
    rows = "".join(f"{i},{-i},{i % 2}\n" for i in range(CSV_MAX_ROWS))
    assert len(parse_points_csv(rows)) == CSV_MAX_ROWS


BAD_CSV: list[tuple[object, str]] = [
    ("", "no points found"),
    ("x1,x2,label\n", "no points found"),
    ("1,2,0\n3,4\n", "line 2: expected 3 values x1,x2,label: got 2"),
    ("1,2,0\n3,4,1,5\n", "line 2: expected 3 values"),
    ("1,2,0\n\n1,abc,1\n", "line 3: x2 is not a number: 'abc'"),
    ("1,2,0\nnan,1,1\n", "line 2: x1 must be finite: got 'nan'"),
    ("1,2,0\n1,-inf,1\n", "line 2: x2 must be finite"),
    ("1,2,0\n1,2,1.5\n", r"line 2: the label must be an integer: got '1\.5'"),
    ("1,2,0\n1,2,cat\n", "line 2: the label must be an integer: got 'cat'"),
    ("1,2,0\n1,2,1e9\n", "line 2: the label 1e9 is out of range"),
    ("1,2,0\n3,4,0\n", "too few classes: need at least 2, all points have label 0"),
    ("1,2,1\n3,4,1\n", "too few classes"),
    ("".join(f"0,0,{c}\n" for c in range(6)), "too many classes: at most 5"),
    ("1,2,0\n3,4,2\n", "labels must be consecutive: no point has label 1"),
    ("1,2,1\n3,4,3\n", "labels must be consecutive: no point has label 2"),
    ("1,2,2\n3,4,3\n", "labels must start at 0 or at 1: the smallest is 2"),
    ("1,2,-1\n3,4,0\n", "labels must start at 0 or at 1: the smallest is -1"),
    ("".join(f"{i},0,{i % 2}\n" for i in range(CSV_MAX_ROWS + 1)), "too many points: at most 2000"),
    ("0,0,0\n" * 20_000, "the file is too large: 120,000 bytes, at most 100,000"),
    ('1,2,0\n"3,4,1\n', "line 2: expected 3 values"),
    (b"1,2,0\n", "CSV text must be a string: got bytes"),
]


@pytest.mark.parametrize(("text", "message"), BAD_CSV)
def test_csv_errors_say_what_and_where(text: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_points_csv(text)  # type: ignore[arg-type]
