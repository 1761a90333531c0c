"""``scratchgrad graph``: evaluate a small expression, backpropagate, draw the graph.

The expression language (a whitelisted, size-limited AST walk that never runs
Python) lives in :mod:`scratchgrad.apps.expr`; this module turns ``--let``
words into leaf tensors, prints the gradients and writes the drawings.
"""
from __future__ import annotations

import ast
import math
import os
import re
import shutil
from pathlib import Path
from typing import Any

import numpy as np

import autograd as ag
from autograd import viz
from autograd.viz.steps import MAX_STEPS, StepsPage

from ._common import CLIError, fmt_number, parse_shape
from .expr import MAX_ELEMENTS, evaluate

#: longest ``--let`` value read as a number or list (longer ones are refused)
_MAX_VALUE = 100_000
_USAGE = "use a number (apple=100), a list (v=[1,2,3]) or a shape (W=3x4, b=randn:4, p=rand:3)"


def parse_let(items: list[str], dtype: str, seed: int) -> dict[str, Any]:
    """Turn ``NAME=VALUE`` words into leaf tensors that require grad, named NAME.

    Example:
        >>> leaves = parse_let(["a=2", "W=2x3", "v=[1,2]"], "float64", 0)
        >>> leaves["a"].item(), leaves["W"].shape, leaves["v"].tolist()
        (2.0, (2, 3), [1.0, 2.0])
    """
    rng = np.random.default_rng(seed)
    leaves: dict[str, Any] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name, value = name.strip(), value.strip()
        if not sep or not name.isidentifier() or not value:
            raise CLIError(f"bad --let {_short(item, 60)!r}: expected NAME=VALUE", _USAGE)
        leaves[name] = ag.tensor(_parse_value(name, value, rng).astype(dtype),
                                 requires_grad=True, name=name)
    return leaves


def _parse_value(name: str, value: str, rng: np.random.Generator) -> np.ndarray:
    kind, colon, shape_text = value.partition(":")
    if colon and kind in ("randn", "rand", "zeros", "ones"):
        shape = _shape(name, shape_text)
        if kind == "randn":
            return rng.standard_normal(shape)
        if kind == "rand":
            return rng.random(shape)
        return np.zeros(shape) if kind == "zeros" else np.ones(shape)
    try:
        literal = ast.literal_eval(value) if len(value) <= _MAX_VALUE else None
    except (ValueError, SyntaxError, RecursionError, MemoryError):
        literal = None
    if isinstance(literal, (int, float, list, tuple)) and not isinstance(literal, bool):
        try:
            return np.asarray(literal, dtype=np.float64)
        except (ValueError, TypeError):
            raise CLIError(f"bad value for --let {name}: {_short(value, 60)!r} is a ragged list",
                           _USAGE) from None
        except OverflowError:
            raise CLIError(f"bad value for --let {name}: a number is too large", _USAGE) from None
    if "x" in value.lower():
        return rng.standard_normal(_shape(name, value))
    raise CLIError(f"bad value for --let {name}: {_short(value, 60)!r}", _USAGE)


def _shape(name: str, text: str) -> tuple[int, ...]:
    try:
        shape = parse_shape(text)
    except CLIError:
        raise CLIError(f"bad shape for --let {name}: {_short(text, 60)!r}", _USAGE) from None
    if math.prod(shape) > MAX_ELEMENTS:
        raise CLIError(f"--let {name}={text} has {math.prod(shape):,} values, over the limit "
                       f"of {MAX_ELEMENTS:,}", "use a smaller shape")
    return shape


def _show(t: Any) -> str:
    arr = np.asarray(t.numpy() if hasattr(t, "numpy") else t)
    if arr.size == 1:
        return fmt_number(float(arr.reshape(())))
    body = np.array2string(arr, precision=4, suppress_small=True, separator=", ")
    return f"shape {tuple(arr.shape)}\n" + "\n".join("    " + ln for ln in body.splitlines())


def run(args: Any) -> int:
    """Evaluate, backpropagate, print the gradients, write the drawings asked for.

    NaN and infinity are shown as values (``log(0)`` is ``-inf``, as in numpy),
    without numpy's floating-point warnings.
    """
    with np.errstate(all="ignore"):
        return _run(args)


def _run(args: Any) -> int:
    output = _check_output(args.output) if args.output is not None else None
    steps = _prepare_steps(args.steps) if args.steps is not None else None
    leaves = parse_let(args.let, args.dtype, args.seed)
    out = evaluate(args.expr, leaves)
    if not isinstance(out, ag.Tensor) or out.grad_fn is None:
        raise CLIError(f"the expression {_short(args.expr)!r} does not depend on any --let name",
                       "use at least one name defined with --let")
    print(f"out = {_short(args.expr)} = {_show(out)}")
    gradient = None
    if out.numel() != 1:
        print(f"(out has shape {tuple(out.shape)}; backpropagating a gradient of ones, "
              "as out.sum().backward())")
        gradient = ag.ones_like(out)
    graph = viz.trace(out, gradient=gradient)      # runs backward, keeps every edge's gradient
    used = [n for n, t in leaves.items() if t.grad is not None]
    width = max(len(n) for n in used)
    print("gradients of out:")
    for name in used:
        print(f"  {name:<{width}} = {_show(leaves[name].grad)}")
    if args.mermaid:
        print(viz.to_mermaid(graph))
    if output:
        print(f"wrote {write_graph(graph, output)}")
    if steps:
        fresh = {n: ag.tensor(t.numpy(), requires_grad=True, name=n) for n, t in leaves.items()}
        _write_steps(evaluate(args.expr, fresh), steps, gradient)
    return 0


def _short(expr: str, width: int = 200) -> str:
    text = expr.strip()
    return text if len(text) <= width else text[:width - 3] + "..."


#: files ``--steps`` writes into its folder (and may replace on a second run)
_FRAME = re.compile(r"step_\d+\.svg$")


def _prepare_steps(directory: str) -> Path:
    """Check ``--steps DIR`` before any work: DIR may be new, empty, or hold only old frames."""
    folder = Path(directory)
    if folder.exists() and not folder.is_dir():
        raise CLIError(f"--steps {directory!r} is a file, not a folder", "give a folder")
    parent = folder.absolute().parent
    if not parent.is_dir():
        raise CLIError(f"cannot write frames into {directory!r}", _missing(str(parent)))
    if folder.is_dir():
        other = [p.name for p in folder.iterdir()
                 if not (_FRAME.match(p.name) or p.name == "index.html")]
        if other:
            shown = ", ".join(sorted(other)[:3]) + (", ..." if len(other) > 3 else "")
            raise CLIError(f"--steps {directory!r} holds other files ({shown})",
                           "give an empty or new folder for the frames")
    _need_dot("--steps")
    return folder


def _write_steps(root: Any, folder: Path, gradient: Any) -> None:
    """Write the frames with :func:`viz.render_steps`; say how many it wrote and replaced.

    render_steps removes the frames of an earlier run itself and refuses a
    folder it did not write; each refusal is one line.
    """
    try:
        index = viz.render_steps(root, folder, gradient=gradient)
    except FileExistsError:
        raise CLIError(f"--steps {str(folder)!r} is not empty and holds no frames of an earlier "
                       "run", "give an empty or new folder for the frames") from None
    except ValueError as exc:
        if "max_steps" not in str(exc):
            raise
        raise CLIError(f"--steps: this backward has more than {MAX_STEPS} steps, too many to "
                       "draw one frame each", "drop --steps, or draw a smaller expression"
                       ) from None
    except OSError as exc:
        raise CLIError(f"cannot write frames into {str(folder)!r}: "
                       f"{exc.strerror or type(exc).__name__}") from None
    assert isinstance(index, StepsPage)          # the page path, with the frames it wrote
    replaced = f" (replacing {len(index.removed)} frames of an earlier run)" \
        if index.removed else ""
    print(f"wrote {len(index.frames)} backward-step frames into {folder}{replaced}; open {index}")


def _need_dot(what: str) -> None:
    if shutil.which("dot") is None:
        raise CLIError(f"{what} needs the Graphviz program 'dot', which is not installed",
                       "install it (Debian/Ubuntu: sudo apt-get install graphviz; macOS: "
                       "brew install graphviz; conda: conda install graphviz), or write "
                       ".dot or .mmd, which need no Graphviz")


def _missing(folder: str) -> str:
    """What is wrong with the folder a file should go into, and the fix."""
    if os.path.exists(folder):
        return f"{folder!r} is not a folder; choose another place"
    return f"the folder {folder!r} does not exist; create it first (mkdir -p {folder})"


_TEXT = (".dot", ".gv", ".mmd")
_IMAGE = (".svg", ".png", ".pdf")


def _check_output(path: str) -> str:
    """Check ``-o PATH`` before any work: a known extension, an existing folder, dot if needed."""
    ext = os.path.splitext(path)[1].lower()
    if ext not in _TEXT + _IMAGE:
        raise CLIError(f"cannot write a graph to {path!r}: unknown extension {ext!r}",
                       "use .svg, .png, .pdf (Graphviz) or .dot, .mmd (no Graphviz needed)")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise CLIError(f"cannot write {path!r}", _missing(folder))
    if os.path.isdir(path):
        raise CLIError(f"cannot write {path!r}: it is a folder", "give a file name")
    if ext in _IMAGE:
        _need_dot(f"writing {ext}")
    return path


def write_graph(graph: Any, path: str) -> str:
    """Write a traced graph to ``path``: DOT (.dot/.gv), Mermaid (.mmd) or an image (Graphviz).

    Errors name ``path`` (never the temporary file the writer uses).

    Example:
        >>> import autograd as ag, os, tempfile
        >>> x = ag.tensor(3.0, requires_grad=True, name="x")
        >>> p = write_graph(viz.trace(x * x), os.path.join(tempfile.mkdtemp(), "sq.dot"))
        >>> open(p).read().startswith("digraph")
        True
    """
    _check_output(path)
    try:
        return str(viz.render(graph, path))
    except viz.GraphvizNotFoundError:
        _need_dot(f"writing {os.path.splitext(path)[1]}")
        raise
    except OSError as exc:
        raise CLIError(f"cannot write {path!r}: {exc.strerror or type(exc).__name__}") from None
