"""Higher-level derivatives of a whole function (``torch.autograd.functional``).

``jacobian``, ``hessian``, ``vjp``, ``jvp``, ``vhp`` and ``hvp`` take a Python function and
its inputs (a Tensor or a tuple of Tensors) and return PyTorch's results, nested tuples
included: ``jacobian`` of a function of a tuple of inputs returning a tuple of outputs gives
``J[i][j] = ∂ outputs[i] / ∂ inputs[j]`` of shape ``outputs[i].shape + inputs[j].shape``.

Everything is reverse mode, built on :func:`autograd.grad`. A Jacobian is computed one
output element at a time (``vectorize=True`` is accepted and gives the same result the same
way; so does ``strategy="forward-mode"``). ``jvp`` and ``hvp`` use the double-backward trick,
as PyTorch does: the backward pass is linear in its upstream gradient ``u``, so
differentiating ``Jᵀu`` with respect to ``u`` against ``v`` gives ``J v``.

Under the porting alias these are ``torch.autograd.functional.jacobian`` and so on
(``import autograd as torch``: the engine is its own ``autograd`` namespace).

Example:
    >>> import autograd as torch
    >>> x = torch.tensor([1.0, 2.0])
    >>> torch.autograd.functional.jacobian(lambda x: x ** 2, x)
    tensor([[2., 0.],
            [0., 4.]])
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .factories import zeros, zeros_like
from .gradients import grad
from .mode import enable_grad, is_grad_enabled, set_grad_enabled
from .ops.shape import stack
from .tensor import Tensor

__all__ = ["jacobian", "hessian", "vjp", "jvp", "vhp", "hvp"]

Tensors = tuple  # a tuple of Tensors (or of None where an input was not used)


# ------------------------------------------------------------------ plumbing
def _tupled(x: Any, what: str, fn: str) -> tuple[bool, Tensors]:
    """(whether ``x`` was a tuple, ``x`` as a tuple of Tensors); TypeError for anything else."""
    was_tuple = isinstance(x, tuple)
    items = x if was_tuple else (x,)
    for i, el in enumerate(items):
        if not isinstance(el, Tensor):
            where = f"the value at index {i}" if was_tuple else f"the given {what}"
            raise TypeError(f"{fn}: the {what} must be either a Tensor or a tuple of Tensors, "
                            f"but {where} has type {type(el).__name__}")
    return was_tuple, items


def _tracked(inputs: Tensors, create_graph: bool) -> Tensors:
    """New Tensor objects that require grad: connected to ``inputs`` when the caller wants
    the graph (``create_graph`` and the input requires grad), detached otherwise."""
    return tuple(x.view_as(x) if create_graph and x.requires_grad
                 else x.detach().requires_grad_(True) for x in inputs)


def _constants(v: Tensors, create_graph: bool) -> Tensors:
    """``v`` as given when the caller builds a graph through it, else detached."""
    return tuple(x if create_graph and x.requires_grad else x.detach() for x in v)


def _vjp(outputs: Tensors, inputs: Tensors, grad_outputs: Any = None,
         create_graph: bool = False, retain_graph: bool | None = None) -> Tensors:
    """``autograd.grad`` over the outputs that require grad; None for unused inputs."""
    if grad_outputs is None:
        grad_outputs = (None,) * len(outputs)
    pairs = [(o, g) for o, g in zip(outputs, grad_outputs) if o is not None and o.requires_grad]
    if not pairs:
        return (None,) * len(inputs)
    return grad([o for o, _ in pairs], list(inputs), [g for _, g in pairs],
                retain_graph=retain_graph, create_graph=create_graph, allow_unused=True)


def _filled(grads: Tensors, refs: Tensors, strict: bool, create_graph: bool,
            unused: str, constant: str) -> Tensors:
    """Zeros (shaped like ``refs``) for missing gradients; in strict mode, an error instead.

    ``unused`` and ``constant`` are the strict-mode messages (with ``{i}``) for a gradient
    that is missing, and for one that does not depend on the inputs under ``create_graph``.
    """
    out = []
    for i, (g, ref) in enumerate(zip(grads, refs)):
        if g is None:
            if strict:
                raise RuntimeError(unused.format(i=i) + " This is not allowed in strict mode.")
            g = zeros_like(ref)
        elif strict and create_graph and not g.requires_grad:
            raise RuntimeError(constant.format(i=i) + " This is not allowed in strict mode "
                               "when create_graph=True.")
        out.append(g)
    return tuple(out)


def _require_grad(ts: Tensors, strict: bool, message: str) -> None:
    """In strict mode, every tensor of ``ts`` must require grad (``message`` has ``{i}``)."""
    if strict:
        for i, t in enumerate(ts):
            if t is None or not t.requires_grad:
                raise RuntimeError(message.format(i=i) + " This is not allowed in strict mode.")


def _finish(ts: Any, create_graph: bool) -> Any:
    """Detach the results (nested tuples too) unless the caller asked for the graph."""
    if isinstance(ts, tuple):
        return tuple(_finish(t, create_graph) for t in ts)
    return ts if create_graph else ts.detach()


def _untuple(res: Tensors, was_tuple: bool) -> Any:
    return res if was_tuple else res[0]


def _vector(v: Any, refs: Tensors, refs_tuple: bool, create_graph: bool, fn: str,
            of: str) -> Tensors | None:
    """Check ``v`` against ``refs`` (sizes must match); None is allowed for one element."""
    if v is None:
        if len(refs) != 1 or refs[0].numel() != 1:
            raise RuntimeError(f"{fn}: the vector v can only be None if {of} is a single "
                               "Tensor with a single element")
        return None
    _, vs = _tupled(v, "v", fn)
    if len(vs) != len(refs):
        raise RuntimeError(f"{fn}: v is a tuple of invalid length: should be {len(refs)} but "
                           f"got {len(vs)}" if refs_tuple else
                           f"{fn}: the given v should contain a single Tensor")
    for i, (a, b) in enumerate(zip(vs, refs)):
        if tuple(a.shape) != tuple(b.shape):
            entry = f"entry {i} in " if refs_tuple else ""
            raise RuntimeError(f"{fn}: {entry}v has invalid size: should be {tuple(b.shape)} "
                               f"but got {tuple(a.shape)}")
    return _constants(vs, create_graph)


_OUT_NO_GRAD = ("Output {i} of the user-provided function does not require gradients: the "
                "outputs must be computed in a differentiable manner from the inputs.")
_UNUSED = "The output of the user-provided function is independent of input {i}."
_CONSTANT_JAC = "The jacobian of the user-provided function is independent of input {i}."
_OUTPUTS = "outputs of the user-provided function"


def _scalar_output(out: Any, fn: str, strict: bool) -> Tensor:
    """The single one-element Tensor that hessian / vhp / hvp need ``func`` to return."""
    was_tuple, outs = _tupled(out, _OUTPUTS, fn)
    _require_grad(outs, strict, _OUT_NO_GRAD)
    if was_tuple:
        raise RuntimeError(f"The function given to {fn} should return a single Tensor")
    if outs[0].numel() != 1:
        raise RuntimeError(f"The Tensor returned by the function given to {fn} should contain "
                           f"a single element, got shape {tuple(outs[0].shape)}")
    return outs[0]


# ------------------------------------------------------------------ the public functions
def vjp(func: Callable, inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Any, Any]:
    """The vector-Jacobian product ``vᵀ J`` of ``func`` at ``inputs``.

    Args:
        func: a function of Tensors returning a Tensor or a tuple of Tensors.
        inputs: a Tensor or a tuple of Tensors, the point to differentiate at.
        v: shaped like the outputs; may be None when ``func`` returns one element.
        create_graph: record the computation, so the result can be differentiated.
        strict: raise instead of returning zeros where an output does not depend on an input.

    Returns:
        ``(func(*inputs), vjp)``, ``vjp`` shaped like ``inputs`` (a tuple when they are).

    Example:
        >>> import autograd as ag
        >>> out, g = ag.autograd.functional.vjp(lambda x: (x ** 2).sum(), ag.tensor([1.0, 3.0]))
        >>> out, g
        (tensor(10.), tensor([2., 6.]))
    """
    with enable_grad():
        in_tuple, ins = _tupled(inputs, "inputs", "vjp")
        ins = _tracked(ins, create_graph)
        out_tuple, outs = _tupled(func(*ins), _OUTPUTS, "vjp")
        _require_grad(outs, strict, _OUT_NO_GRAD)
        vs = _vector(v, outs, out_tuple, create_graph, "vjp", "the user-provided function's "
                     "output")
    with set_grad_enabled(create_graph or is_grad_enabled()):
        got = _vjp(outs, ins, vs, create_graph)
        res = _filled(got, ins, strict, create_graph, _UNUSED, _CONSTANT_JAC)
    return (_untuple(_finish(outs, create_graph), out_tuple),
            _untuple(_finish(res, create_graph), in_tuple))


def jvp(func: Callable, inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Any, Any]:
    """The Jacobian-vector product ``J v`` of ``func`` at ``inputs`` (double-backward trick).

    Args:
        func: a function of Tensors returning a Tensor or a tuple of Tensors.
        inputs: a Tensor or a tuple of Tensors.
        v: shaped like the inputs; may be None when the input is one element.
        create_graph: record the computation, so the result can be differentiated.
        strict: raise instead of returning zeros where an output does not depend on an input.

    Returns:
        ``(func(*inputs), jvp)``, ``jvp`` shaped like the outputs.

    Example:
        >>> import autograd as ag
        >>> _, d = ag.autograd.functional.jvp(lambda x: x ** 2, ag.tensor([1.0, 3.0]),
        ...                                   ag.tensor([1.0, 0.5]))
        >>> d
        tensor([2., 3.])
    """
    with enable_grad():
        in_tuple, ins = _tupled(inputs, "inputs", "jvp")
        ins = _tracked(ins, create_graph)
        vs = _vector(v, ins, in_tuple, create_graph, "jvp", "the input")
        out_tuple, outs = _tupled(func(*ins), _OUTPUTS, "jvp")
        _require_grad(outs, strict, _OUT_NO_GRAD)
        # backward is linear in u, so u's value does not matter (zeros: no inf or NaN)
        us = tuple(zeros_like(o).requires_grad_(True) for o in outs)
        grad_ins = _vjp(outs, ins, us, create_graph=True)
        _require_grad(grad_ins, strict, "The gradient with respect to input {i} is "
                      "independent of the inputs of the user-provided function.")
    with set_grad_enabled(create_graph or is_grad_enabled()):
        got = _vjp(grad_ins, us, vs, create_graph)
        res = _filled(got, outs, strict, create_graph, "The gradient with respect to the input "
                      "is independent of entry {i} in the grad_outputs when using the double "
                      "backward trick to compute forward mode gradients.", _CONSTANT_JAC)
    return (_untuple(_finish(outs, create_graph), out_tuple),
            _untuple(_finish(res, create_graph), out_tuple))


def _jacobian_of(out: Tensor, i: int, ins: Tensors, create_graph: bool,
                 strict: bool) -> Tensors:
    """The Jacobian blocks of output ``i``, one per input, row by row."""
    rows: list[list[Tensor]] = [[] for _ in ins]
    for k in range(out.numel()):
        seed = np.zeros(out.numel(), dtype=out.array.dtype)
        seed[k] = 1
        got = _vjp((out,), ins, (Tensor._make(seed.reshape(out.shape)),), create_graph,
                   retain_graph=True)
        for j, (g, x) in enumerate(zip(got, ins)):
            if g is None:
                if strict:
                    raise RuntimeError(f"Output {i} of the user-provided function is "
                                       f"independent of input {j}. This is not allowed in "
                                       "strict mode.")
                g = zeros_like(x)
            elif strict and create_graph and not g.requires_grad:
                raise RuntimeError(_CONSTANT_JAC.format(i=i) + " This is not allowed in strict "
                                   "mode when create_graph=True.")
            rows[j].append(g)
    return tuple(stack(r).reshape(tuple(out.shape) + tuple(x.shape)) if r else
                 zeros(tuple(out.shape) + tuple(x.shape), dtype=x.dtype)
                 for r, x in zip(rows, ins))


def _check_strategy(strategy: str, vectorize: bool, strict: bool, create_graph: bool) -> None:
    if strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError(f'jacobian: expected strategy to be either "forward-mode" or '
                             f'"reverse-mode", got {strategy!r}')
    if strict and (vectorize or strategy == "forward-mode"):
        raise RuntimeError("jacobian: strict=True is not supported together with "
                           "vectorize=True or strategy='forward-mode' (as in PyTorch); set "
                           "strict=False")
    if strategy == "forward-mode":
        if create_graph:
            raise NotImplementedError("jacobian: create_graph=True and "
                                      "strategy='forward-mode' are not supported together; use "
                                      "strategy='reverse-mode'")
        if not vectorize:
            raise NotImplementedError("jacobian: strategy='forward-mode' is only implemented "
                                      "for vectorize=True (as in PyTorch)")


def jacobian(func: Callable, inputs: Any, create_graph: bool = False, strict: bool = False,
             vectorize: bool = False, strategy: str = "reverse-mode") -> Any:
    """The Jacobian of ``func`` at ``inputs``.

    Args:
        func: a function of Tensors returning a Tensor or a tuple of Tensors.
        inputs: a Tensor or a tuple of Tensors.
        create_graph: record the computation, so the Jacobian can be differentiated.
        strict: raise instead of returning zeros where an output does not depend on an input.
        vectorize: accepted; the rows are computed one at a time either way.
        strategy: ``"reverse-mode"`` or ``"forward-mode"`` (needs ``vectorize=True``, as in
            PyTorch; computed in reverse mode here, with the same result).

    Shape:
        Block ``[i][j]`` is ``outputs[i].shape + inputs[j].shape``.

    Returns:
        A Tensor for one input and one output; a tuple over the inputs (or the outputs)
        when one of them is a tuple; a tuple (outputs) of tuples (inputs) when both are.

    Example:
        >>> import autograd as ag
        >>> J = ag.autograd.functional.jacobian(lambda a, b: a * b,
        ...                                     (ag.tensor([1.0, 2.0]), ag.tensor([3.0, 4.0])))
        >>> J[0]
        tensor([[3., 0.],
                [0., 4.]])
    """
    _check_strategy(strategy, vectorize, strict, create_graph)
    with enable_grad():
        in_tuple, ins = _tupled(inputs, "inputs", "jacobian")
        ins = _tracked(ins, create_graph)
        out_tuple, outs = _tupled(func(*ins), _OUTPUTS, "jacobian")
        _require_grad(outs, strict, _OUT_NO_GRAD)
        blocks = tuple(_jacobian_of(o, i, ins, create_graph, strict) for i, o in enumerate(outs))
    blocks = _finish(blocks, create_graph)
    if not in_tuple:
        blocks = tuple(b[0] for b in blocks)
    return blocks if out_tuple else blocks[0]


def hessian(func: Callable, inputs: Any, create_graph: bool = False, strict: bool = False,
            vectorize: bool = False, outer_jacobian_strategy: str = "reverse-mode") -> Any:
    """The Hessian of a scalar function ``func`` at ``inputs``.

    Args:
        func: a function of Tensors returning a Tensor of one element.
        inputs: a Tensor or a tuple of Tensors.
        create_graph: record the computation, so the Hessian can be differentiated.
        strict: raise instead of returning zeros where the gradient does not depend on an
            input.
        vectorize: accepted (the rows are computed one at a time).
        outer_jacobian_strategy: ``"reverse-mode"`` or ``"forward-mode"`` (with
            ``vectorize=True``), as :func:`jacobian`'s ``strategy``.

    Shape:
        Block ``[i][j]`` is ``inputs[i].shape + inputs[j].shape``.

    Returns:
        A Tensor for one input, else a tuple of tuples of Tensors.

    Example:
        >>> import autograd as ag
        >>> ag.autograd.functional.hessian(lambda x: (x ** 3).sum(), ag.tensor([1.0, 2.0]))
        tensor([[ 6.,  0.],
                [ 0., 12.]])
    """
    if outer_jacobian_strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError('hessian: expected strategy to be either "forward-mode" or '
                             f'"reverse-mode", got {outer_jacobian_strategy!r}')
    in_tuple, ins = _tupled(inputs, "inputs", "hessian")

    def gradient(*xs: Tensor) -> Tensors:
        def scalar(*ys: Tensor) -> Tensor:
            return _scalar_output(func(*ys), "hessian", strict).reshape(())

        g = jacobian(scalar, xs, create_graph=True)
        _require_grad(g, strict, "While computing the hessian, found that the jacobian of the "
                      "user-provided function with respect to input {i} is independent of "
                      "the input (a linear function, for example).")
        return g

    res = jacobian(gradient, ins, create_graph=create_graph, strict=strict,
                   vectorize=vectorize, strategy=outer_jacobian_strategy)
    return res if in_tuple else res[0][0]


def _second_order(fn: str, func: Callable, inputs: Any, v: Any, create_graph: bool,
                  strict: bool) -> tuple[bool, Tensors, Tensor, Tensors, Tensors | None]:
    """The shared start of vhp / hvp: checked inputs, the output and its gradient."""
    in_tuple, ins = _tupled(inputs, "inputs", fn)
    ins = _tracked(ins, create_graph)
    vs = _vector(v, ins, in_tuple, create_graph, fn, "the input")
    out = _scalar_output(func(*ins), fn, strict)
    jac = _vjp((out,), ins, create_graph=True)
    _require_grad(jac, strict, "While computing the hessian, found that the jacobian of the "
                  "user-provided function with respect to input {i} is independent of the "
                  "input (a linear function, for example).")
    return in_tuple, ins, out, jac, vs


def vhp(func: Callable, inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Tensor, Any]:
    """The vector-Hessian product ``vᵀ H`` of a scalar function ``func`` at ``inputs``.

    Args:
        func: a function of Tensors returning a Tensor of one element.
        inputs: a Tensor or a tuple of Tensors.
        v: shaped like the inputs; may be None when the input is one element.
        create_graph: record the computation, so the result can be differentiated.
        strict: raise instead of returning zeros where the gradient does not depend on an
            input.

    Returns:
        ``(func(*inputs), vhp)``, ``vhp`` shaped like ``inputs``.

    Example:
        >>> import autograd as ag
        >>> _, d = ag.autograd.functional.vhp(lambda x: (x ** 3).sum(), ag.tensor([1.0, 2.0]),
        ...                                   ag.tensor([1.0, 1.0]))
        >>> d
        tensor([ 6., 12.])
    """
    with enable_grad():
        in_tuple, ins, out, jac, vs = _second_order("vhp", func, inputs, v, create_graph,
                                                    strict)
    with set_grad_enabled(create_graph or is_grad_enabled()):
        got = _vjp(jac, ins, vs, create_graph)
        res = _filled(got, ins, strict, create_graph, _CONSTANT_JAC,
                      "The hessian of the user-provided function is independent of input {i}.")
    return _finish(out, create_graph), _untuple(_finish(res, create_graph), in_tuple)


def hvp(func: Callable, inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Tensor, Any]:
    """The Hessian-vector product ``H v`` of a scalar function ``func`` at ``inputs``.

    Computed with the double-backward trick (as PyTorch does); equal to :func:`vhp` for a
    twice continuously differentiable ``func``, whose Hessian is symmetric.

    Args:
        func: a function of Tensors returning a Tensor of one element.
        inputs: a Tensor or a tuple of Tensors.
        v: shaped like the inputs; may be None when the input is one element.
        create_graph: record the computation, so the result can be differentiated.
        strict: raise instead of returning zeros where the gradient does not depend on an
            input.

    Returns:
        ``(func(*inputs), hvp)``, ``hvp`` shaped like ``inputs``.

    Example:
        >>> import autograd as ag
        >>> f = lambda a, b: (a * b * b).sum()
        >>> _, (da, db) = ag.autograd.functional.hvp(f, (ag.tensor([1.0]), ag.tensor([2.0])),
        ...                                          (ag.tensor([1.0]), ag.tensor([0.0])))
        >>> da, db
        (tensor([0.]), tensor([4.]))
    """
    with enable_grad():
        in_tuple, ins, out, jac, vs = _second_order("hvp", func, inputs, v, create_graph,
                                                    strict)
        us = tuple(zeros_like(x).requires_grad_(True) for x in ins)
        double_back = _vjp(jac, ins, us, create_graph=True)
        _require_grad(double_back, strict, "The hessian of the user-provided function with "
                      "respect to input {i} is independent of the input (the function must be "
                      "thrice differentiable and its hessian depend on the inputs).")
    with set_grad_enabled(create_graph or is_grad_enabled()):
        got = _vjp(double_back, us, vs, create_graph)
        res = _filled(got, ins, strict, create_graph, "The hessian of the user-provided "
                      "function is independent of entry {i} in the grad_jacobian.",
                      "The hessian of the user-provided function is independent of input {i}.")
    return _finish(out, create_graph), _untuple(_finish(res, create_graph), in_tuple)
