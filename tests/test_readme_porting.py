"""The README's porting snippet runs as written, and as PyTorch code with the imports put back."""
from __future__ import annotations

import pathlib
import re

import pytest

README = pathlib.Path(__file__).resolve().parents[1] / "README.md"
BACK_TO_TORCH = [
    (r"^import autograd as torch\b", "import torch"),
    (r"^import nn\.functional as F\b", "import torch.nn.functional as F"),
    (r"^import nn\b", "import torch.nn as nn"),
    (r"^import optim\b", "import torch.optim as optim"),
]


def _snippet() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("import autograd as torch                 # was: import torch")
    return text[start:text.index("```", start)]


def _run(code: str, folder: pathlib.Path, capsys) -> float:
    exec(compile(code.replace('"model.pt"', repr(str(folder / "model.pt"))), "README", "exec"),
         {})
    out = capsys.readouterr().out
    return float(re.search(r"final loss ([0-9.]+)", out).group(1))


def test_the_ported_snippet_runs_and_learns(tmp_path, capsys):
    loss = _run(_snippet(), tmp_path, capsys)
    assert loss < 0.05  # y = x³ - x/2 + noise of variance 0.01: the fit reaches the noise
    assert (tmp_path / "model.pt").exists()


def test_the_same_lines_are_pytorch_code(tmp_path, capsys):
    pytest.importorskip("torch")
    code = _snippet()
    for pattern, torch_line in BACK_TO_TORCH:
        code = re.sub(pattern, torch_line, code, flags=re.M)
    assert all("autograd" not in line.split("#")[0] for line in code.splitlines())
    ours = _run(_snippet(), tmp_path, capsys)
    theirs = _run(code, tmp_path, capsys)
    assert abs(ours - theirs) < 0.02  # different initial weights, the same fit
