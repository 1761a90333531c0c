"""Grad mode and anomaly mode: thread-local switches, as PyTorch's."""
from __future__ import annotations

import os
import threading
import traceback
from contextlib import ContextDecorator
from typing import Any

from .hooks import ACTIVE

_ENGINE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


class _State(threading.local):
    def __init__(self) -> None:
        self.grad_enabled = True
        self.anomaly = False


STATE = _State()


def is_grad_enabled() -> bool:
    """True when operations are being recorded for backward in this thread."""
    return STATE.grad_enabled


class _GradMode(ContextDecorator):
    _enabled = True

    def __enter__(self) -> None:
        self._prev = STATE.grad_enabled
        STATE.grad_enabled = self._enabled

    def __exit__(self, *exc: Any) -> None:
        STATE.grad_enabled = self._prev


class no_grad(_GradMode):
    """Context manager (or decorator) that stops recording operations.

    Example:
        >>> import autograd as ag
        >>> x = ag.tensor([1.0, 2.0], requires_grad=True)
        >>> with ag.no_grad():
        ...     y = x * 2
        >>> y.requires_grad
        False
    """

    _enabled = False


class inference_mode(_GradMode):
    """``no_grad`` under PyTorch's other name (``torch.inference_mode()``); ``mode=False``
    leaves recording as it is."""

    def __init__(self, mode: bool = True) -> None:
        self._mode = bool(mode)

    def __enter__(self) -> None:
        self._prev = STATE.grad_enabled
        if self._mode:
            STATE.grad_enabled = False


def is_inference_mode_enabled() -> bool:
    """True inside ``inference_mode()`` or ``no_grad()`` in this thread."""
    return not STATE.grad_enabled


class enable_grad(_GradMode):
    """Context manager (or decorator) that turns recording back on inside ``no_grad``."""

    _enabled = True


class set_grad_enabled(_GradMode):
    """Set grad mode to ``mode`` for the enclosed block."""

    def __init__(self, mode: bool) -> None:
        self._enabled = bool(mode)


class detect_anomaly(ContextDecorator):
    """Make a NaN or inf produced in backward raise, naming the op and where it was created.

    Forward records the creation site of every op while this is active, so it
    costs time; use it to debug, not to train.

    Example:
        >>> import autograd as ag
        >>> x = ag.tensor([0.0], requires_grad=True)
        >>> with ag.detect_anomaly():
        ...     y = x.sqrt().sum()   # d sqrt(x)/dx = inf at 0
        ...     try:
        ...         y.backward()
        ...     except RuntimeError as e:
        ...         print(str(e).splitlines()[0])
        Sqrt.backward produced inf in its gradient for input 0 of shape (1,)
    """

    def __init__(self, check_nan: bool = True) -> None:
        self.check_nan = check_nan

    def __enter__(self) -> None:
        self._prev = STATE.anomaly
        STATE.anomaly = self.check_nan
        self._prev_hooks = ACTIVE.created
        ACTIVE.created = self._prev_hooks + (_record_creation_site,)

    def __exit__(self, *exc: Any) -> None:
        STATE.anomaly = self._prev
        ACTIVE.created = self._prev_hooks


def _record_creation_site(node: Any) -> None:
    """The last few stack frames outside the engine: where the user created the op."""
    frames = [f for f in traceback.extract_stack() if not f.filename.startswith(_ENGINE_DIR)]
    node._trace = "".join(traceback.format_list(frames[-5:]))


def set_detect_anomaly(mode: bool) -> None:
    """Turn anomaly mode on or off for this thread (``detect_anomaly`` as a switch)."""
    STATE.anomaly = bool(mode)
    hooks = tuple(h for h in ACTIVE.created if h is not _record_creation_site)
    ACTIVE.created = hooks + (_record_creation_site,) if mode else hooks


def is_anomaly_enabled() -> bool:
    """True inside ``detect_anomaly()`` in this thread."""
    return STATE.anomaly
