"""``autograd.grad`` and ``autograd.backward``: gradients of outputs, returned or accumulated."""
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
                                 allow_unused=allow_unused, tensor_cls=Tensor)
    return tuple(result or ())


def backward(tensors: Any, grad_tensors: Any = None, retain_graph: bool | None = None,
             create_graph: bool = False, inputs: Any = None) -> None:
    """Accumulate the gradients of ``tensors`` into the leaves' ``.grad`` (PyTorch's
    ``torch.autograd.backward``): ``backward([a, b])`` is ``(a + b).backward()`` for scalars.

    Args:
        tensors: a Tensor or a sequence of them.
        grad_tensors: one gradient per tensor (may be omitted for one-element tensors).
        retain_graph: keep the graph for another backward (default: ``create_graph``).
        create_graph: record the backward pass, for higher-order derivatives.
        inputs: accumulate only into these leaves (default: every leaf that requires grad).

    Example:
        >>> import autograd as ag
        >>> x = ag.tensor(2.0, requires_grad=True)
        >>> ag.autograd.backward([x * x, x * 3.0]); x.grad.item()
        7.0
    """
    outs = [tensors] if isinstance(tensors, Tensor) else list(tensors)
    if grad_tensors is None or isinstance(grad_tensors, Tensor):
        gs: Sequence[Any] = [grad_tensors] * len(outs) if grad_tensors is None else [grad_tensors]
    else:
        gs = list(grad_tensors)
    if len(gs) != len(outs):
        raise ValueError(f"backward: got {len(gs)} grad_tensors for {len(outs)} tensors")
    seeds = [_grad_for(t, g, "backward") for t, g in zip(outs, gs)]
    keep = bool(create_graph if retain_graph is None else retain_graph)
    if inputs is None:
        engine.run_backward(outs, seeds, keep, create_graph, tensor_cls=Tensor)
        return
    leaves = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    grads = engine.run_backward(outs, seeds, keep, create_graph, inputs=leaves,
                                allow_unused=True, tensor_cls=Tensor)
    for t, g in zip(leaves, grads or ()):
        if g is not None:
            t.grad = g if t.grad is None else t.grad + g
