"""``scratchgrad tour``: the apple-tax part on its own, and end to end (slow: trains LeNet)."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _dot_edges(source: str) -> dict[tuple[str, str], list[str]]:
    """(tail, head) -> [forward label, gradient label] for every edge of the DOT text."""
    edges: dict[tuple[str, str], list[str]] = {}
    for tail, head, label in re.findall(r"(n\d+) -> (n\d+) \[label=<([^>]*)>", source):
        edges.setdefault((tail, head), []).append(label)
    return edges


def test_apple_tax_uses_the_course_numbers_and_draws_inner_gradients(tmp_path, capsys):
    from scratchgrad.apps import tour

    written = tour.apple_tax(str(tmp_path))
    out = capsys.readouterr().out
    assert "= 10 * 2 * 1.1 = 22" in out
    grads = dict(re.findall(r"d price / d (\w+) += (\S+)", out))
    assert grads == {"apple": "2.2", "apple_num": "11", "tax": "20"}
    source = (tmp_path / "apple_tax.dot").read_text()
    assert str(tmp_path / "apple_tax.dot") in written
    edges = _dot_edges(source)
    # five edges, each drawn forward (value) and backward (gradient), as in the course's
    # figure: the inner edge from apple*num into the tax multiply carries 20 forward, 1.1 back
    assert len(edges) == 5 and all(len(v) == 2 for v in edges.values())
    assert sorted(v[1] for v in edges.values()) == ["1", "1.1", "11", "2.2", "20"]
    assert ["20", "1.1"] in edges.values() and ["22", "1"] in edges.values()
    mermaid = (tmp_path / "apple_tax.mmd").read_text()
    assert "1.1" in mermaid and "2.2" in mermaid and "11" in mermaid
    if shutil.which("dot"):
        texts = re.findall(r"<text[^>]*>([^<]*)</text>", (tmp_path / "apple_tax.svg").read_text())
        for label in ("22", "20", "2.2", "11", "1.1", "1"):
            assert label in texts, (label, texts)
        assert texts.count("1.1") == 2 and texts.count("20") == 2   # value and gradient each


@pytest.mark.slow
def test_tour_writes_its_files_and_reaches_the_accuracy(tmp_path, png_check):
    for module in ("matplotlib", "tqdm", "sklearn", "mlxtend"):
        pytest.importorskip(module)
    out = tmp_path / "tour-out"
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    start = time.perf_counter()
    res = subprocess.run([sys.executable, "-m", "scratchgrad", "tour", "--out", str(out)],
                         capture_output=True, text=True, env=env, cwd=tmp_path, timeout=600)
    seconds = time.perf_counter() - start
    assert res.returncode == 0, res.stderr[-2000:]
    text = res.stdout
    assert "= 10 * 2 * 1.1 = 22" in text
    assert "d price / d apple     = 2.2" in text and "d price / d apple_num = 11" in text
    assert "d price / d tax       = 20" in text
    assert "model says" in text
    for name in ("apple_tax.dot", "apple_tax.mmd", "xor_boundary.png", "lenet_curves.png",
                 "lenet_misclassified.png", "lenet_filters.png", "lenet_mnist5k.npz"):
        assert (out / name).stat().st_size > 100, name
    assert "digraph" in (out / "apple_tax.dot").read_text()
    if shutil.which("dot"):
        assert (out / "apple_tax.svg").read_text().lstrip().startswith(("<?xml", "<svg"))
    check, budgets = png_check
    for name, budget in budgets.items():              # within size budgets, not blank
        w, h, var, colour = check(out / name, budget)
        print(f"{name}: {w}x{h} px, grey variance {var:.0f}, {colour:.1%} coloured")
    assert "epoch 1/" in res.stderr                      # the tqdm progress bars
    acc = float(re.search(r"test accuracy: ([\d.]+)%", text).group(1))
    assert acc >= 95.0, text[-1500:]
    import nn

    state = nn.load(out / "lenet_mnist5k.npz")
    assert abs(float(state["test_accuracy"]) * 100 - acc) < 0.01
    assert state["model"]["0.weight"].shape == (6, 1, 5, 5)
    print(f"tour: {seconds:.1f} s wall, test accuracy {acc:.2f}%")
