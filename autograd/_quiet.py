"""numpy's floating-point warnings off while an op computes, as PyTorch is silent.

``log(0)`` is ``-inf``, ``0/0`` is NaN and ``exp(1000)`` is ``inf`` in PyTorch, with no
warning; numpy computes the same values but also warns ("divide by zero encountered
in log"). An op's forward (in :meth:`Function.apply`) and the whole backward pass run
with those warnings off, so a script prints what it prints under PyTorch. The user's
own numpy code keeps its settings: the state is set for the call and restored after.

``token = SET(QUIET)`` ... ``RESET(token)`` brackets one forward. With numpy 2 these set
numpy's error-state context variable directly (about 0.1 µs, where ``np.errstate``
takes 0.7 µs: a sixth of a small op's whole cost); with numpy 1 they fall back to
``np.errstate``.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

SET: Callable[[Any], Any]
RESET: Callable[[Any], None]

try:  # numpy >= 2: the error state is one context variable
    from numpy._core import _ufunc_config

    _extobj_contextvar: Any = _ufunc_config._extobj_contextvar  # type: ignore[attr-defined]
except (ImportError, AttributeError):  # pragma: no cover - numpy 1.x
    QUIET: Any = {"all": "ignore"}

    def SET(state: Any) -> Any:  # noqa: N802
        manager = np.errstate(**state)
        manager.__enter__()
        return manager

    def RESET(token: Any) -> None:  # noqa: N802
        token.__exit__(None, None, None)
else:
    with np.errstate(all="ignore"):
        QUIET = _extobj_contextvar.get()
    SET, RESET = _extobj_contextvar.set, _extobj_contextvar.reset
