"""``scratchgrad tour`` end to end into a temporary folder (slow: trains LeNet on MNIST 5k)."""
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

pytestmark = pytest.mark.slow


def test_tour_writes_its_files_and_reaches_the_accuracy(tmp_path):
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
    assert "d price / d apple     = 2.2" in text and "= 110" in text and "= 200" in text
    assert "model says" in text
    for name in ("apple_tax.dot", "apple_tax.mmd", "xor_boundary.png", "lenet_curves.png",
                 "lenet_misclassified.png", "lenet_filters.png", "lenet_mnist5k.npz"):
        assert (out / name).stat().st_size > 100, name
    assert "digraph" in (out / "apple_tax.dot").read_text()
    if shutil.which("dot"):
        assert (out / "apple_tax.svg").read_text().lstrip().startswith(("<?xml", "<svg"))
    assert (out / "xor_boundary.png").read_bytes()[:4] == b"\x89PNG"
    assert "epoch 1/" in res.stderr                      # the tqdm progress bars
    acc = float(re.search(r"test accuracy: ([\d.]+)%", text).group(1))
    assert acc >= 95.0, text[-1500:]
    import nn

    state = nn.load(out / "lenet_mnist5k.npz")
    assert abs(float(state["test_accuracy"]) * 100 - acc) < 0.01
    assert state["model"]["0.weight"].shape == (6, 1, 5, 5)
    print(f"tour: {seconds:.1f} s wall, test accuracy {acc:.2f}%")
