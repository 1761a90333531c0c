"""The one place where drawings read a recorded node and watch backward.

Everything the pictures need from the engine goes through these few
functions: a node's inputs (with the constants it used), its module path,
whether a ``create_graph`` backward made it, the output index of a tensor,
and a way to watch backward run. When the engine changes how a node keeps its
inputs, only this file changes.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Callable, Iterator

from .. import hooks
from ..function import InputStub
from ..tensor import Tensor

#: an input the engine did not keep
UNKNOWN = object()


def node_inputs(fn: Any) -> list:
    """``(position, value)`` for each input of a recorded node.

    ``value`` is a Tensor (a leaf, a constant the node kept, or, for an input
    another node made, a stand-in Tensor pointing at that node whose ``data``
    is the value when it is small and an :class:`~autograd.function.InputStub`
    giving shape and dtype when it is not), or a Python value the op took
    (an exponent, a dim).

    Example:
        >>> import autograd as ag
        >>> x = ag.tensor(2.0, requires_grad=True)
        >>> [(i, type(v).__name__) for i, v in node_inputs((x * 3.0).grad_fn)]
        [(0, 'Tensor'), (1, 'Tensor')]
    """
    got = []
    for pos, producer, key, _shape, name in getattr(fn, "_edges", ()):
        if producer is None:
            got.append((pos, key))  # a leaf: the Tensor itself
            continue
        oshape, dtype, value = producer._outs[key]
        shown: Any = value if value is not None else InputStub.of(oshape, dtype, name)
        t = Tensor._make(shown, producer, key, True)
        t.name = name
        got.append((pos, t))
    for pos, value in getattr(fn, "_consts", ()):
        if isinstance(value, InputStub):
            live = value.tensor()
            value = live if live is not None else Tensor._make(value)  # type: ignore[arg-type]
        got.append((pos, value))
    return sorted(got, key=lambda kv: kv[0])


def node_parents(fn: Any) -> list:
    """The nodes that made ``fn``'s differentiable inputs (leaves give nothing)."""
    return [e[1] for e in getattr(fn, "_edges", ()) if e[1] is not None]


def node_leaves(fn: Any) -> list:
    """The leaf Tensors that require grad among ``fn``'s inputs."""
    return [e[2] for e in getattr(fn, "_edges", ()) if e[1] is None]


def node_scope(fn: Any) -> tuple | None:
    """The ``nn.Module`` call path recorded on a node, outermost first (None outside nn)."""
    return getattr(fn, "_scope", None)


def built_in_backward(fn: Any) -> bool:
    """True when a ``create_graph=True`` backward recorded this node."""
    return getattr(fn, "_backward_built", False) is True


def output_index(t: Tensor) -> int:
    """Which output of its node ``t`` is (0 for single-output ops)."""
    return getattr(t, "_out_idx", 0)


Observer = Callable[[Any, Any, Any], None]


@contextmanager
def observing(observe: Observer) -> Iterator[None]:
    """Call ``observe(node, out_grads, in_grads)`` for every node backward runs in this block.

    Nested watchers all see every node (each is one entry in the engine's hook list).
    """
    with hooks.node_ran(observe):
        yield
