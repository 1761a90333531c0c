"""The pictures the committed notebooks show are readable: within a size budget, not blank.

Every PNG output of every notebook is decoded and checked the way a person would look at it:
not wider or taller than a page allows, and with real content (grey-level variance and a share
of inked pixels), so an empty axes or a blank canvas fails.
"""
from __future__ import annotations

import base64
import io
import json
import pathlib

import numpy as np
import pytest

plt_image = pytest.importorskip("matplotlib.image")

NOTEBOOKS = sorted((pathlib.Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb"))
MAX_WIDTH, MAX_HEIGHT = 2000, 1600   # px: readable on a laptop without zooming out
MIN_VARIANCE = 300                   # grey levels² (a blank canvas is 0)
MIN_INKED = 0.005                    # share of pixels darker than near-white


def _pngs(path: pathlib.Path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for k, cell in enumerate(nb["cells"]):
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if "image/png" in data:
                yield k, base64.b64decode(data["image/png"])


def test_the_notebooks_show_pictures():
    assert sum(1 for p in NOTEBOOKS for _ in _pngs(p)) >= 20


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_picture_is_within_budget_and_not_blank(path):
    for cell, raw in _pngs(path):
        img = plt_image.imread(io.BytesIO(raw), format="png")
        h, w = img.shape[:2]
        where = f"{path.name} cell {cell}"
        assert w <= MAX_WIDTH and h <= MAX_HEIGHT, f"{where}: {w}x{h} px"
        grey = (img[..., :3].mean(-1) if img.ndim == 3 else img) * 255.0
        assert grey.var() >= MIN_VARIANCE, f"{where}: looks blank (variance {grey.var():.0f})"
        assert (grey < 235).mean() >= MIN_INKED, f"{where}: almost nothing drawn"
