"""Imports flow one way: autograd <- nn <- optim <- scratchgrad.

Every ``.py`` file under ``autograd/``, ``nn/`` and ``optim/`` is parsed with
:mod:`ast`, and every import statement in it (at module level or inside a
function or class, absolute or relative) is resolved to the top-level package
it names. A package may import only the packages below it.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("autograd", "nn", "optim", "scratchgrad")


def forbidden_for(package: str) -> set[str]:
    """The project packages ``package`` must not import: itself and everything above it
    may be imported only by the packages above."""
    return set(LAYERS[LAYERS.index(package) + 1:])


def imported_packages(source: str, module: str, is_package: bool = False) -> list[tuple[int, str]]:
    """``(line, top-level package)`` for every import statement in ``source``.

    ``module`` is the dotted name of the file (``autograd.viz.dot``), used to
    resolve relative imports; ``is_package`` says the file is an ``__init__.py``.
    """
    parts = module.split(".") if is_package else module.split(".")[:-1]
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name.split(".")[0]) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                assert node.module is not None
                found.append((node.lineno, node.module.split(".")[0]))
            else:
                base = parts[:len(parts) - node.level + 1]
                full = base + (node.module.split(".") if node.module else [])
                # `from .. import x` above the top package would name the package itself
                found.append((node.lineno, full[0] if full else "<outside the project>"))
    return found


def _files(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def _module_name(path: Path) -> tuple[str, bool]:
    rel = path.relative_to(ROOT).with_suffix("")
    is_package = rel.name == "__init__"
    parts = rel.parts[:-1] if is_package else rel.parts
    return ".".join(parts), is_package


@pytest.mark.parametrize("package", LAYERS[:3])
def test_no_package_imports_a_layer_above_it(package):
    files = _files(package)
    assert len(files) > 3, f"no sources found under {package}/"
    bad = []
    for path in files:
        module, is_package = _module_name(path)
        for line, target in imported_packages(path.read_text(encoding="utf-8"), module,
                                              is_package):
            if target in forbidden_for(package):
                bad.append(f"{path.relative_to(ROOT)}:{line} imports {target}")
    assert not bad, f"{package} must not import {sorted(forbidden_for(package))}:\n" + \
        "\n".join(bad)


def test_the_checker_sees_every_kind_of_import():
    source = '''
import numpy as np
import nn.functional as F

def later():
    from optim import SGD
    import scratchgrad.cli

class Lazy:
    def method(self):
        from .. import nn
        from ..optim import lr_scheduler
        from . import ops
'''
    found = sorted(imported_packages(source, "autograd.viz.dot"))
    # `from .. import nn` inside autograd/viz/ names autograd.nn, not the nn package
    assert found == [(2, "numpy"), (3, "nn"), (6, "optim"), (7, "scratchgrad"),
                     (11, "autograd"), (12, "autograd"), (13, "autograd")]
    # `..optim` from a top-level package's module leaves the package: it names optim
    assert [t for _, t in imported_packages("from ..optim import SGD", "nn.linear")] == \
        ["optim"]
    assert [t for _, t in imported_packages("from . import functional", "nn", True)] == ["nn"]
    assert [t for _, t in imported_packages("from .ops import add", "autograd.tensor")] == \
        ["autograd"]


def test_forbidden_layers():
    assert forbidden_for("autograd") == {"nn", "optim", "scratchgrad"}
    assert forbidden_for("nn") == {"optim", "scratchgrad"}
    assert forbidden_for("optim") == {"scratchgrad"}
