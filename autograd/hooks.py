"""The engine's two extension points: a node was created, a node ran in backward.

Code built on the engine (``nn``'s module scopes, ``viz``'s backward recorder,
anomaly mode's creation sites) observes the graph through these thread-local
hook lists instead of fields inside the engine. Each list is a tuple, empty by
default, so an op pays one attribute look-up for hooks nobody installed.

- ``node_created(hook)``: while active in this thread, ``hook(node)`` runs for
  every node recorded (after forward, before the op returns).
- ``node_ran(hook)``: while active in this thread, ``hook(node, out_grads,
  in_grads)`` runs for every node backward runs, with the gradients (Tensors
  or None) it received and produced.

Both are context managers; hooks run in the order they were installed.

Example:
    >>> import autograd as ag
    >>> from autograd import hooks
    >>> made = []
    >>> x = ag.tensor(2.0, requires_grad=True)
    >>> with hooks.node_created(lambda node: made.append(type(node).__name__)):
    ...     y = (x * 3.0).exp()
    >>> made
    ['Mul', 'Exp']
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Any, Callable, Iterator


class _HookLists(threading.local):
    def __init__(self) -> None:
        self.created: tuple = ()
        self.ran: tuple = ()


#: ``draw(tensor) -> {mime type: data}`` functions Jupyter display uses for a
#: tensor with a graph (``autograd.viz`` registers its SVG drawing here)
DISPLAY: list = []

#: this thread's active hooks (read by the engine on every recorded op)
ACTIVE = _HookLists()


@contextmanager
def node_created(hook: Callable[[Any], None]) -> Iterator[None]:
    """Call ``hook(node)`` for every node recorded in this thread inside the block."""
    prev = ACTIVE.created
    ACTIVE.created = prev + (hook,)
    try:
        yield
    finally:
        ACTIVE.created = prev


@contextmanager
def node_ran(hook: Callable[[Any, Any, Any], None]) -> Iterator[None]:
    """Call ``hook(node, out_grads, in_grads)`` for every node backward runs in this block."""
    prev = ACTIVE.ran
    ACTIVE.ran = prev + (hook,)
    try:
        yield
    finally:
        ACTIVE.ran = prev
