"""Module scopes: which ``nn.Module`` calls an op was recorded inside.

``Module.__call__`` enters :class:`module_scope` with the call's qualified
name; while any scope is open in a thread, a node-created hook
(:func:`autograd.hooks.node_created`) stamps each recorded node with the open
scopes as ``node._scope`` (outermost first), and graph drawings group the ops
of each call into a box. Outside any module no hook is installed, so plain
tensor code pays nothing for this.
"""
from __future__ import annotations

import threading
from contextlib import ContextDecorator
from typing import Any

from autograd.hooks import ACTIVE


class _Scopes(threading.local):
    def __init__(self) -> None:
        self.current: tuple | None = None


_SCOPES = _Scopes()


def current_scope() -> tuple | None:
    """The open module calls in this thread, outermost first (None outside any)."""
    return _SCOPES.current


def _stamp(node: Any) -> None:
    node._scope = _SCOPES.current


class module_scope(ContextDecorator):
    """Record ``name`` on every op created inside (used by ``nn.Module.__call__``).

    Example:
        >>> import autograd as ag
        >>> x = ag.tensor([1.0], requires_grad=True)
        >>> with module_scope("net"), module_scope("net.fc"):
        ...     y = x * 2.0
        >>> y.grad_fn._scope
        ('net', 'net.fc')
    """

    def __init__(self, name: str) -> None:
        self.name = name

    def __enter__(self) -> None:
        self._prev = _SCOPES.current
        _SCOPES.current = (self._prev or ()) + (self.name,)
        if self._prev is None:
            self._prev_hooks = ACTIVE.created
            ACTIVE.created = self._prev_hooks + (_stamp,)

    def __exit__(self, *exc: Any) -> None:
        _SCOPES.current = self._prev
        if self._prev is None:
            ACTIVE.created = self._prev_hooks
