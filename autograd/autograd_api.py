"""``autograd.grad``: gradients of outputs with respect to chosen inputs, returned."""
from __future__ import annotations

from typing import Any, Sequence

from . import engine
from .tensor import Tensor, _grad_for


def grad(outputs: Any, inputs: Any, grad_outputs: Any = None, retain_graph: bool | None = None,
         create_graph: bool = False, allow_unused: bool = False) -> tuple:
    """d(outputs)/d(inputs), returned as a tuple instead of accumulated into ``.grad``.

    Args:
        outputs: a Tensor or a sequence of Tensors.
        inputs: the Tensors to differentiate with respect to (leaves or not).
        grad_outputs: the vector in the vector-Jacobian product, one per output
            (may be omitted for one-element outputs).
        retain_graph: keep the graph for another backward (default: ``create_graph``).
        create_graph: record the backward pass, for higher-order derivatives.
        allow_unused: return None for inputs the outputs do not depend on
            instead of raising.

    Example:
        >>> import autograd as ag
        >>> x = ag.tensor(3.0, requires_grad=True)
        >>> (dx,) = ag.grad(x ** 3, x, create_graph=True)
        >>> (dxx,) = ag.grad(dx, x)
        >>> dx.item(), dxx.item()
        (27.0, 18.0)
    """
    outs = [outputs] if isinstance(outputs, Tensor) else list(outputs)
    ins = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    if grad_outputs is None or isinstance(grad_outputs, Tensor):
        gos: Sequence[Any] = [grad_outputs] * len(outs) if grad_outputs is None else [grad_outputs]
    else:
        gos = list(grad_outputs)
    if len(gos) != len(outs):
        raise ValueError(f"grad: got {len(gos)} grad_outputs for {len(outs)} outputs")
    for k, t in enumerate(ins):
        if not isinstance(t, Tensor) or not t.requires_grad:
            raise RuntimeError(f"grad: input {k} does not require grad")
    roots, seeds = [], []
    for k, (o, g) in enumerate(zip(outs, gos)):
        if not o.requires_grad:
            raise RuntimeError(f"grad: output {k} does not require grad and has no grad_fn")
        roots.append(o)
        seeds.append(_grad_for(o, g, "grad"))
    keep = create_graph if retain_graph is None else retain_graph
    result = engine.run_backward(roots, seeds, bool(keep), create_graph, inputs=ins,
                                 allow_unused=allow_unused)
    return tuple(result or ())
