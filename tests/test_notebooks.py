"""Each course notebook runs top to bottom in a fresh kernel, in time, printing what was committed.

Slow: each notebook is executed. The fast checks of the committed outputs (the course's worked
examples and the accuracies) are in tests/notebooks/.
"""
from __future__ import annotations

import importlib.util
import re
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "notebooks"
LIMIT_SECONDS = 120       # per notebook; each takes under a minute on an idle 2-core machine
CHAPTERS = 15
NUMBER = re.compile(r"[+\-]?\d+\.?\d*(?:e[+\-]?\d+)?")
TIMING = re.compile(r"\d\s*(?:s|ms)\b")     # wall-clock figures differ from run to run

pytestmark = pytest.mark.slow


def _build():
    spec = importlib.util.spec_from_file_location("notebooks_build", BOOK / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _printed_lines(nb) -> list[str]:
    lines = []
    for cell in nb.cells:
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if out.get("name") == "stderr":     # warnings depend on the machine, not the course
                continue
            text = out.get("text") or out.get("data", {}).get("text/plain", "")
            lines += [ln for ln in "".join(text).splitlines()
                      if ln.strip() and not ln.startswith("<") and not TIMING.search(ln)]
    return lines


def _same_line(committed: str, fresh: str) -> bool:
    """Same words; every number within 3% (or 0.02 absolute, or both below 1e-6 for tiny errors)."""
    if NUMBER.sub("#", committed) != NUMBER.sub("#", fresh):
        return False
    for a, b in zip(NUMBER.findall(committed), NUMBER.findall(fresh)):
        x, y = float(a), float(b)
        if not (abs(x - y) <= max(0.02, 0.03 * abs(x)) or max(abs(x), abs(y)) < 1e-6):
            return False
    return True


def test_there_is_one_notebook_per_chapter():
    names = sorted(p.name for p in BOOK.glob("[0-9][0-9]_*.ipynb"))
    assert [n[:2] for n in names] == [f"{k:02d}" for k in range(1, CHAPTERS + 1)], names


def test_line_comparison_catches_drift():
    assert _same_line("test acc 0.930 (loss 2.303)", "test acc 0.935 (loss 2.301)")
    assert not _same_line("test acc 0.930", "test acc 0.830")
    assert not _same_line("price = 22", "price = 220")
    assert not _same_line("AND [0, 0, 0, 1]", "OR [0, 0, 0, 1]")


@pytest.mark.parametrize("path", sorted(BOOK.glob("[0-9][0-9]_*.ipynb")), ids=lambda p: p.stem)
def test_notebook_executes_in_time_and_prints_what_was_committed(path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    committed = nbformat.read(path, as_version=4)
    code = [c for c in committed.cells if c.cell_type == "code"]
    assert code and all(c.get("outputs") is not None for c in code)
    assert sum(bool(c.get("outputs")) for c in code) >= len(code) // 2, \
        f"{path.name} was committed without outputs; run python notebooks/build.py"
    _build().kernel_env()
    fresh = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    nbclient.NotebookClient(fresh, timeout=LIMIT_SECONDS, kernel_name="python3",
                            resources={"metadata": {"path": str(BOOK)}}).execute()
    assert time.perf_counter() - start < LIMIT_SECONDS
    old, new = _printed_lines(committed), _printed_lines(fresh)
    assert len(old) == len(new), f"{path.name}: printed {len(new)} lines, committed {len(old)}"
    drift = [(a, b) for a, b in zip(old, new) if not _same_line(a, b)]
    assert not drift, f"{path.name}: output drifted from the committed run: {drift[:3]}"
