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


def enter_scope(name: str) -> tuple:
    """Open scope ``name`` in this thread; returns what :func:`leave_scope` needs to close it.

    The same as entering :class:`module_scope`, without a context-manager object:
    ``Module.__call__`` runs this for every module call.
    """
    prev = _SCOPES.current
    if prev is None:
        _SCOPES.current = (name,)
        hooks = ACTIVE.created
        ACTIVE.created = hooks + (_stamp,)
        return prev, hooks
    _SCOPES.current = prev + (name,)
    return prev, None


def leave_scope(token: tuple) -> None:
    """Close the scope :func:`enter_scope` opened."""
    prev, hooks = token
    _SCOPES.current = prev
    if prev is None:
        ACTIVE.created = hooks


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
        self._token = enter_scope(self.name)

    def __exit__(self, *exc: Any) -> None:
        leave_scope(self._token)
