"""Every course notebook runs top to bottom in a fresh kernel, within its time limit (slow)."""
from __future__ import annotations

import importlib.util
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "notebooks"
LIMIT_SECONDS = 300       # per notebook; each takes well under a minute on an idle 2-core machine
CHAPTERS = 13

pytestmark = pytest.mark.slow


def _build():
    spec = importlib.util.spec_from_file_location("notebooks_build", BOOK / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_there_is_one_notebook_per_chapter():
    names = sorted(p.name for p in BOOK.glob("[0-9][0-9]_*.ipynb"))
    assert [n[:2] for n in names] == [f"{k:02d}" for k in range(1, CHAPTERS + 1)], names


@pytest.mark.parametrize("path", sorted(BOOK.glob("[0-9][0-9]_*.ipynb")), ids=lambda p: p.stem)
def test_notebook_executes_and_was_committed_with_outputs(path):
    nbformat = pytest.importorskip("nbformat")
    pytest.importorskip("nbclient")
    committed = nbformat.read(path, as_version=4)
    code = [c for c in committed.cells if c.cell_type == "code"]
    assert code and all(c.get("outputs") is not None for c in code)
    assert sum(bool(c.get("outputs")) for c in code) >= len(code) // 2, \
        f"{path.name} was committed without outputs; run python notebooks/build.py"
    start = time.perf_counter()
    _build().execute(path, timeout=LIMIT_SECONDS, write=False)
    assert time.perf_counter() - start < LIMIT_SECONDS
