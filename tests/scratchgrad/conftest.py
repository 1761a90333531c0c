"""Shared checks for the PNG pictures the tour and ``train`` write."""
from __future__ import annotations

import struct

import numpy as np
import pytest

#: picture -> (max width px, max height px, min grey-level variance, min share of coloured pixels)
#: Measured at 100 dpi: xor 460x480, filters (6) 850x200, curves 900x350, misclassified (16)
#: 1120x320. A blank canvas has variance 0; a title alone ~64; empty axes with ticks ~690.
PNG_BUDGETS = {
    "xor_boundary.png": (600, 600, 1000.0, 0.15),
    "lenet_filters.png": (1000, 400, 1000.0, 0.20),
    "lenet_curves.png": (1000, 450, 1000.0, 0.01),
    "lenet_misclassified.png": (1200, 500, 1000.0, 0.0),
}


def png_size(path) -> tuple[int, int]:
    """Width and height from the PNG header (and a check that it is a PNG)."""
    head = open(path, "rb").read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", head[16:24])


def png_content(path) -> tuple[float, float]:
    """(variance of the grey levels 0..255, share of clearly coloured pixels)."""
    image = pytest.importorskip("PIL.Image")
    rgb = np.asarray(image.open(path).convert("RGB"), dtype=np.float64)
    grey = rgb.mean(axis=2)
    coloured = (rgb.max(axis=2) - rgb.min(axis=2)) > 40
    return float(grey.var()), float(coloured.mean())


def check_png(path, budget: tuple[int, int, float, float]) -> tuple[int, int, float, float]:
    """Assert a PNG is within its size budget and not blank; return what was measured."""
    max_w, max_h, min_var, min_colour = budget
    w, h = png_size(path)
    var, colour = png_content(path)
    assert 100 <= w <= max_w and 100 <= h <= max_h, f"{path}: {w}x{h} px, budget {max_w}x{max_h}"
    assert var > min_var, f"{path}: grey variance {var:.0f} <= {min_var:.0f}, nearly blank"
    assert colour >= min_colour, f"{path}: {colour:.1%} coloured pixels < {min_colour:.0%}"
    return w, h, var, colour


@pytest.fixture
def png_check():
    """The checker :func:`check_png` and the budgets :data:`PNG_BUDGETS`, for the tests."""
    return check_png, PNG_BUDGETS
