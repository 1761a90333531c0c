"""Pieces every subcommand shares: the one-line user error, optional imports, shapes."""
from __future__ import annotations

import importlib
import os
from types import ModuleType

EXTRAS_HINT = 'pip install "scratchgrad[examples]"'


class CLIError(Exception):
    """A mistake the user can fix; the command prints it as one line, with the fix.

    Args:
        message: what went wrong, naming the bad value.
        fix: how to put it right (appended after a semicolon).

    Example:
        >>> str(CLIError("unknown model 'lenett'", "choose one of: mlp, lenet"))
        "unknown model 'lenett'; choose one of: mlp, lenet"
    """

    def __init__(self, message: str, fix: str | None = None) -> None:
        super().__init__(message if not fix else f"{message}; {fix}")
        self.message = message
        self.fix = fix


def require(module: str, what: str) -> ModuleType:
    """Import an optional dependency, or raise :class:`CLIError` saying how to install it.

    Example:
        >>> require("math", "arithmetic").sqrt(4.0)
        2.0
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        top = module.split(".")[0]
        raise CLIError(f"{what} needs {top}, which is not installed ({exc})",
                       f"install the extras: {EXTRAS_HINT}") from exc


def pyplot():
    """matplotlib's pyplot on the file-only Agg backend (imported on first use)."""
    os.environ.setdefault("MPLBACKEND", "Agg")
    matplotlib = require("matplotlib", "drawing plots")
    matplotlib.use("Agg")
    return require("matplotlib.pyplot", "drawing plots")


def parse_shape(spec: str) -> tuple[int, ...]:
    """Parse ``3x4`` (or ``3,4``) into ``(3, 4)``; ``()`` or ``scalar`` is 0-d.

    Example:
        >>> parse_shape("3x4"), parse_shape("5"), parse_shape("()")
        ((3, 4), (5,), ())
    """
    text = spec.strip().lower()
    if text in ("()", "scalar", ""):
        return ()
    parts = text.replace("*", "x").replace(",", "x").split("x")
    try:
        dims = tuple(int(p) for p in parts)
    except ValueError:
        raise CLIError(f"bad shape {spec!r}",
                       "write a shape as sizes joined by 'x', e.g. 3x4, or () for a scalar"
                       ) from None
    if any(d < 0 for d in dims):
        raise CLIError(f"bad shape {spec!r}: sizes must be >= 0")
    return dims


def parse_shapes(spec: str) -> list[tuple[int, ...]]:
    """Parse a comma-separated list of shapes, e.g. ``3x4,4`` -> ``[(3, 4), (4,)]``.

    Example:
        >>> parse_shapes("3x4,4"), parse_shapes("2x3x5")
        ([(3, 4), (4,)], [(2, 3, 5)])
    """
    if not spec.strip():
        raise CLIError("empty --shapes", "give one shape per input, e.g. --shapes 3x4,4")
    return [parse_shape(s) for s in spec.split(",")]


def fmt_number(x: float) -> str:
    """Short, exact-looking text for a float (six significant digits).

    Example:
        >>> fmt_number(2.200000047683716), fmt_number(110.0), fmt_number(1e-9)
        ('2.2', '110', '1e-09')
    """
    return f"{float(x):.6g}"


def small_blas_threads() -> None:
    """Run BLAS on one thread for the rest of the process (if threadpoolctl is installed).

    The models here multiply small matrices, thousands of times; a multi-threaded
    BLAS spends more time waking and syncing its threads than computing, and on a
    busy machine a step can take ten times longer. threadpoolctl comes with
    scikit-learn (the ``examples`` extra); without it nothing changes.
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return
    global _LIMITER
    _LIMITER = threadpool_limits(limits=1, user_api="blas")


_LIMITER = None
