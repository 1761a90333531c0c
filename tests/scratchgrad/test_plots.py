"""The tour's pictures drawn from small data: size budgets, not blank, colour scale, legend."""
from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("matplotlib")
pytest.importorskip("PIL.Image")

from scratchgrad.apps import plots  # noqa: E402
from scratchgrad.apps._common import pyplot  # noqa: E402

XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([0, 1, 1, 0])


def xor_rule(points: np.ndarray) -> np.ndarray:
    """XOR of the two coordinates thresholded at 0.5 (what a trained MLP draws)."""
    return ((points[:, 0] > 0.5) != (points[:, 1] > 0.5)).astype(int)


@pytest.fixture
def figures(monkeypatch):
    """Keep every figure the plotting functions save, to read its artists afterwards."""
    kept = []
    save = plots._save

    def keep(fig, path):
        kept.append(fig)
        return save(fig, path)

    monkeypatch.setattr(plots, "_save", keep)
    return kept


def draw_all(out):
    """The four tour pictures, from data small enough for the default suite."""
    rng = np.random.default_rng(0)
    weight = rng.uniform(-0.35, 0.35, (6, 1, 5, 5))
    weight[2, 0, 1, 1] = 0.8                                # the largest |weight|: the scale
    history = {"train_loss": [1.2, 0.6, 0.3], "train_acc": [0.6, 0.85, 0.93],
               "val_loss": [1.3, 0.7, 0.4], "val_acc": [0.55, 0.8, 0.9]}
    images = rng.random((40, 1, 28, 28))
    labels = rng.integers(0, 10, 40)
    preds = labels.copy()
    preds[:20] = (preds[:20] + 1) % 10
    paths = {
        "xor_boundary.png": plots.decision_boundary(
            xor_rule, XOR_X, XOR_Y, str(out / "xor_boundary.png"), title="XOR",
            class_names=("x1 xor x2 = 0", "x1 xor x2 = 1")),
        "lenet_filters.png": plots.filters(weight, str(out / "lenet_filters.png")),
        "lenet_curves.png": plots.curves(history, str(out / "lenet_curves.png"),
                                         labels=("train", "test")),
        "lenet_misclassified.png": plots.misclassified(images, labels, preds,
                                                       str(out / "lenet_misclassified.png")),
    }
    return paths, weight


def test_every_picture_is_within_its_budget_and_not_blank(tmp_path, png_check):
    check, budgets = png_check
    paths, _ = draw_all(tmp_path)
    assert set(paths) == set(budgets)
    for name, path in paths.items():
        check(path, budgets[name])


@pytest.mark.parametrize("draw", ["blank", "title", "axes"])
def test_the_check_rejects_blank_pictures(tmp_path, png_check, draw):
    check, budgets = png_check
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(4.6, 4.8))
    if draw == "title":
        ax.set_title("a title and nothing else")
    if draw != "axes":
        ax.axis("off")
    path = plots._save(fig, str(tmp_path / "empty.png"))
    with pytest.raises(AssertionError, match="nearly blank"):
        check(path, budgets["xor_boundary.png"])


def test_the_check_rejects_an_oversized_picture(tmp_path, png_check):
    check, budgets = png_check
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(12, 3))
    ax.plot([0, 1], [0, 1])
    path = plots._save(fig, str(tmp_path / "wide.png"))
    with pytest.raises(AssertionError, match="1200x300 px, budget 1000x450"):
        check(path, budgets["lenet_curves.png"])


def test_filters_share_one_symmetric_scale_stated_by_a_colorbar(tmp_path, figures):
    weight = np.zeros((3, 2, 3, 3))
    weight[0, 0] = 0.1
    weight[1, 0, 0, 0] = -0.42                              # channel 0's largest |weight|
    weight[2, 1] = 5.0                                      # channel 1: not drawn
    plots.filters(weight, str(tmp_path / "f.png"))
    (fig,) = figures
    images = [im for ax in fig.axes for im in ax.images]
    assert len(images) == 3
    assert all(im.get_clim() == (-0.42, 0.42) for im in images)   # one symmetric range
    (bar,) = [im.colorbar for im in images if im.colorbar is not None]
    assert (bar.vmin, bar.vmax) == (-0.42, 0.42)
    ticks = [t.get_text() for t in bar.ax.get_yticklabels()]
    assert ticks == ["\u22120.42", "0", "+0.42"]
    assert "\u00b10.42" in bar.ax.get_ylabel()
    assert "red +" in fig._suptitle.get_text() and "blue \u2212" in fig._suptitle.get_text()


def test_filters_of_all_zeros_still_get_a_scale(tmp_path, figures):
    plots.filters(np.zeros((2, 1, 3, 3)), str(tmp_path / "z.png"))
    (bar,) = [im.colorbar for ax in figures[0].axes for im in ax.images if im.colorbar]
    assert (bar.vmin, bar.vmax) == (-1.0, 1.0)


def test_decision_boundary_has_a_legend_for_both_classes_and_the_boundary(tmp_path, figures):
    plots.decision_boundary(xor_rule, XOR_X, XOR_Y, str(tmp_path / "b.png"),
                            class_names=("x1 xor x2 = 0", "x1 xor x2 = 1"))
    (fig,) = figures
    ax = fig.axes[0]
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert texts == ["x1 xor x2 = 0 (points, shaded region)",
                     "x1 xor x2 = 1 (points, shaded region)", "decision boundary"]
    # each class's points are drawn in its own colour, matching its legend entry
    points = [c for c in ax.collections if c.get_offsets().shape[0] == 2]
    colours = [tuple(np.round(p.get_facecolor()[0], 3)) for p in points]
    assert len(points) == 2 and colours[0] != colours[1]
    assert {tuple(map(float, xy)) for xy in points[0].get_offsets()} == {(0.0, 0.0), (1.0, 1.0)}


def test_decision_boundary_default_names_and_no_boundary_for_one_class(tmp_path, figures):
    plots.decision_boundary(lambda p: np.zeros(len(p), int), XOR_X, np.zeros(4, int),
                            str(tmp_path / "one.png"))
    texts = [t.get_text() for t in figures[0].axes[0].get_legend().get_texts()]
    assert texts == ["class 0 (points, shaded region)"]
