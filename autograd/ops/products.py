"""Products: einsum, mm, bmm, mv, dot, outer, addmm, baddbmm, tensordot, cross, kron.

``einsum`` is one Function: numpy's einsum forward, and each operand's gradient
is another einsum (of the upstream gradient and the other operands), so it is
differentiable as often as needed. The rest are composites of matmul, einsum
and the shape ops, with no backward of their own; they check their shapes
first, so a mistake names the op a caller wrote.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ..dtypes import result_type
from ..errors import OpError
from ..function import Function
from ..registry import OPS, register
from ..tensor import Tensor
from ._common import norm_dim, pair, promoted, tensor_arg
from ._notation import Derivative


class ShapeError(OpError):
    """Operand shapes that do not fit the product (a RuntimeError as PyTorch's, and a
    ValueError as numpy's)."""


_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _einsum_symbol(args: dict) -> str:
    eq = args.get(0)
    return f"einsum {eq}" if isinstance(eq, str) else "einsum"


class Einsum(Function):
    """``np.einsum`` on an explicit equation (no ``...``, no broadcasting: the public
    function rewrites those); the gradient of an operand is an einsum of the others."""

    symbol = _einsum_symbol
    derivative = Derivative(None, others="∂L/∂Xₖ = einsum(G, the other operands)")

    @staticmethod
    def forward(ctx, eq, *ops):
        ctx.save_for_backward(*ops)
        ctx.eq = eq
        # numpy's contraction-order search (and BLAS) pays off beyond small operands
        big = len(ops) > 2 or sum(np.size(o) for o in ops) > 4096
        return np.einsum(eq, *ops, optimize=big)

    @staticmethod
    def backward(ctx, grad):
        ops = ctx.saved_tensors
        ins, out = ctx.eq.split("->")
        subs = ins.split(",")
        need = ctx.needs_input_grad
        grads: list = [None]
        for k in range(len(ops)):
            grads.append(_operand_grad(k, subs, out, grad, ops) if need[k + 1] else None)
        return tuple(grads)


def _operand_grad(k: int, subs: list, out: str, grad: Tensor, ops: tuple) -> Tensor:
    """``∂L/∂ops[k]``: G contracted with every other operand onto operand k's subscripts.

    Labels only operand k has were summed in forward: their gradient is spread back
    with a vector of ones. A label repeated in operand k (a diagonal, ``ii``) is
    written with a fresh label and an identity matrix tying the two.
    """
    sub = subs[k]
    size = dict(zip(sub, ops[k].shape))
    terms = [out] + [s for j, s in enumerate(subs) if j != k]
    tensors: list = [grad] + [t for j, t in enumerate(ops) if j != k]
    dtype = ops[k].dtype
    used = set("".join(subs) + out)
    fresh = (c for c in _LETTERS if c not in used)
    elsewhere = set("".join(terms))
    target, seen = "", set()
    for c in sub:
        if c in seen:
            f = next(fresh)
            terms.append(c + f)
            tensors.append(Tensor._make(np.eye(size[c], dtype=dtype)))
            target += f
            continue
        seen.add(c)
        target += c
        if c not in elsewhere:
            terms.append(c)
            tensors.append(Tensor._make(np.ones(size[c], dtype=dtype)))
    return Einsum.apply(",".join(terms) + "->" + target, *tensors)


def _parse(equation: str, ops: Sequence[Tensor]) -> tuple[list, str]:
    """Each operand's subscripts and the output's, with ``...`` spelled out in letters."""
    eq = equation.replace(" ", "")
    ins, arrow, out = eq.partition("->")
    subs = ins.split(",")
    if len(subs) != len(ops):
        raise OpError(f"einsum(): the equation {equation!r} has {len(subs)} operand(s) but "
                         f"{len(ops)} were given")
    for s in subs + ([out] if arrow else []):
        body = s.replace("...", "", 1)
        if not all(c in _LETTERS for c in body):
            raise OpError(f"einsum(): invalid subscript in {equation!r}: subscripts must be "
                             "letters in [a-zA-Z], with at most one '...' per operand")
    free = [c for c in _LETTERS if c not in eq]
    ell_dims = []
    for k, (s, t) in enumerate(zip(subs, ops)):
        n = len(s.replace("...", ""))
        e = t.ndim - n
        if ("..." not in s and e != 0) or e < 0:
            raise ShapeError(f"einsum(): the subscripts {s!r} of operand {k} do not match its "
                             f"{t.ndim} dims (shape {tuple(t.shape)})")
        ell_dims.append(e if "..." in s else 0)
    ell = "".join(free[:max(ell_dims, default=0)])
    subs = [s.replace("...", ell[len(ell) - e:] if e else "") for s, e in zip(subs, ell_dims)]
    if not arrow:
        joined = "".join(subs)
        out = ell + "".join(sorted(c for c in set(joined) if joined.count(c) == 1
                                   and c not in ell))
    else:
        out = out.replace("...", ell)
        for c in out:
            if c not in "".join(subs) or out.count(c) > 1:
                raise OpError(f"einsum(): output subscript {c!r} in {equation!r} must "
                                 "appear in an operand and only once in the output")
    return subs, out


def _broadcast(subs: list, ops: list, equation: str) -> tuple[list, list]:
    """Drop size-1 dims that broadcast against a larger size of the same label."""
    for k, (s, t) in enumerate(zip(subs, ops)):
        for c in set(s):
            if len({n for c2, n in zip(s, t.shape) if c2 == c}) > 1:
                raise ShapeError(f"einsum(): subscript {c!r} is repeated for operand {k} but "
                                 f"the sizes don't match (shape {tuple(t.shape)})")
    sizes: dict = {}
    for s, t in zip(subs, ops):
        for c, n in zip(s, t.shape):
            sizes[c] = n if sizes.get(c, 1) == 1 else sizes[c]
    for k, (s, t) in enumerate(zip(subs, ops)):
        for c, n in zip(s, t.shape):
            if n not in (1, sizes[c]):
                raise ShapeError(f"einsum(): operands do not broadcast with the equation "
                                 f"{equation!r}: subscript {c!r} has size {n} for operand {k} "
                                 f"(shape {tuple(t.shape)}) but size {sizes[c]} elsewhere")
    for k, (s, t) in enumerate(zip(subs, ops)):
        drop = [i for i, (c, n) in enumerate(zip(s, t.shape)) if n == 1 and sizes[c] > 1]
        if drop:
            ops[k] = OPS.squeeze(t, tuple(drop))
            subs[k] = "".join(c for i, c in enumerate(s) if i not in drop)
    return subs, ops


@register()
def einsum(equation: str, *operands: Any) -> Tensor:
    """Sum of products over the labelled dims, as ``torch.einsum`` (``...`` broadcasts).

    Args:
        equation: subscripts such as ``"bij,bjk->bik"``; without ``->`` the output is the
            labels used once, in alphabetical order, after the ``...`` dims.
        *operands: the tensors (or one list of them). PyTorch's sublist form
            ``einsum(a, [0, 1], b, [1, 2], [0, 2])`` (ints for labels) works too.

    Returns:
        The contraction, differentiable in every operand.

    Example:
        >>> import autograd as ag
        >>> a, b = ag.ones(2, 3), ag.ones(3, 4)
        >>> ag.einsum("ij,jk->ik", a, b).shape, ag.einsum("ii", ag.eye(3)).item()
        ((2, 4), 3.0)
        >>> ag.einsum(a, [0, 1], b, [1, 2], [0, 2]).shape     # PyTorch's sublist form
        (2, 4)
    """
    if not isinstance(equation, str):
        if not isinstance(equation, Tensor):
            raise TypeError(f"einsum(): the equation must be a string, got "
                            f"{type(equation).__name__}")
        equation, operands = _from_sublists((equation,) + tuple(operands))
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    if not operands:
        raise OpError("einsum(): must provide at least one operand")
    ops = [tensor_arg(t, "einsum", f"operand {k}") for k, t in enumerate(operands)]
    dtype = result_type(*ops) if len(ops) > 1 else ops[0].dtype
    ops = [promoted(t, dtype) for t in ops]
    subs, out = _parse(equation, ops)
    subs, ops = _broadcast(subs, ops, equation)
    return Einsum.apply(",".join(subs) + "->" + out, *ops)


def _from_sublists(args: tuple) -> tuple[str, tuple]:
    """PyTorch's sublist form ``einsum(a, [0, 1], b, [1, 2], [0, 2])`` as an equation."""

    def letters(sub: Any) -> str:
        if not isinstance(sub, (list, tuple)):
            raise TypeError(f"einsum(): expected a list of subscripts after each operand, got "
                            f"{type(sub).__name__}")
        out = ""
        for v in sub:
            if v is Ellipsis:
                out += "..."
            elif isinstance(v, (int, np.integer)) and 0 <= v < len(_LETTERS):
                out += _LETTERS[v]
            else:
                raise OpError(f"einsum(): subscript {v!r} in a sublist must be an int in "
                                 f"[0, {len(_LETTERS)}) or Ellipsis")
        return out

    pairs = len(args) // 2
    ops = tuple(args[0:2 * pairs:2])
    eq = ",".join(letters(s) for s in args[1:2 * pairs:2])
    if len(args) % 2:
        eq += "->" + letters(args[-1])
    return eq, ops


def _dims(op: str, t: Tensor, n: int, what: str) -> None:
    if t.ndim != n:
        raise ShapeError(f"{op}: {what} must be a {n}-D tensor, got shape {tuple(t.shape)}")


@register(method=True)
def mm(input: Any, mat2: Any) -> Tensor:  # noqa: A002
    """Matrix product of two 2-D tensors (no broadcasting), as ``torch.mm``.

    Shape:
        input (n, k), mat2 (k, m) -> (n, m)

    Example:
        >>> import autograd as ag
        >>> ag.mm(ag.ones(2, 3), ag.ones(3, 4)).shape
        (2, 4)
    """
    a, b = pair(input, mat2, "mm")
    _dims("mm", a, 2, "input")
    _dims("mm", b, 2, "mat2")
    if a.shape[1] != b.shape[0]:
        raise ShapeError(f"mm: mat1 and mat2 shapes cannot be multiplied ({a.shape[0]}x"
                         f"{a.shape[1]} and {b.shape[0]}x{b.shape[1]}): shapes "
                         f"{tuple(a.shape)} and {tuple(b.shape)}")
    return OPS.matmul(a, b)


@register(method=True)
def bmm(input: Any, mat2: Any) -> Tensor:  # noqa: A002
    """Batched matrix product of two 3-D tensors with the same batch size, as ``torch.bmm``.

    Shape:
        input (b, n, k), mat2 (b, k, m) -> (b, n, m)

    Example:
        >>> import autograd as ag
        >>> ag.bmm(ag.ones(5, 2, 3), ag.ones(5, 3, 4)).shape
        (5, 2, 4)
    """
    a, b = pair(input, mat2, "bmm")
    _dims("bmm", a, 3, "input")
    _dims("bmm", b, 3, "mat2")
    if a.shape[0] != b.shape[0] or a.shape[2] != b.shape[1]:
        raise ShapeError(f"bmm: shapes {tuple(a.shape)} and {tuple(b.shape)} do not fit "
                         "(need (b, n, k) and (b, k, m))")
    return OPS.matmul(a, b)


@register(method=True)
def mv(input: Any, vec: Any) -> Tensor:  # noqa: A002
    """Matrix-vector product, as ``torch.mv``.

    Shape:
        input (n, m), vec (m,) -> (n,)

    Example:
        >>> import autograd as ag
        >>> ag.mv(ag.ones(2, 3), ag.ones(3))
        tensor([3., 3.])
    """
    a, v = pair(input, vec, "mv")
    _dims("mv", a, 2, "input")
    _dims("mv", v, 1, "vec")
    if a.shape[1] != v.shape[0]:
        raise ShapeError(f"mv: shapes {tuple(a.shape)} and {tuple(v.shape)} do not fit "
                         f"(need vec of size {a.shape[1]})")
    return OPS.matmul(a, v)


@register(method=True)
def dot(input: Any, other: Any) -> Tensor:  # noqa: A002
    """Inner product of two 1-D tensors of the same size, as ``torch.dot``.

    Example:
        >>> import autograd as ag
        >>> ag.dot(ag.tensor([1.0, 2.0]), ag.tensor([3.0, 4.0]))
        tensor(11.)
    """
    a, b = pair(input, other, "dot")
    _dims("dot", a, 1, "input")
    _dims("dot", b, 1, "other")
    if a.shape != b.shape:
        raise ShapeError(f"dot: the two vectors must have the same size, got shapes "
                         f"{tuple(a.shape)} and {tuple(b.shape)}")
    return OPS.matmul(a, b)


@register(method=True, aliases=("ger",))
def outer(input: Any, vec2: Any) -> Tensor:  # noqa: A002
    """Outer product ``input[i] * vec2[j]`` of two 1-D tensors, as ``torch.outer``.

    Shape:
        input (n,), vec2 (m,) -> (n, m)

    Example:
        >>> import autograd as ag
        >>> ag.outer(ag.tensor([1.0, 2.0]), ag.tensor([1.0, 10.0, 100.0])).shape
        (2, 3)
    """
    a, b = pair(input, vec2, "outer")
    _dims("outer", a, 1, "input")
    _dims("outer", b, 1, "vec2")
    return OPS.mul(OPS.unsqueeze(a, 1), b)


def _scaled_sum(op: str, inp: Tensor, prod: Tensor, beta: Any, alpha: Any) -> Tensor:
    try:
        fits = np.broadcast_shapes(inp.shape, prod.shape) == tuple(prod.shape)
    except ValueError:
        fits = False
    if not fits:
        raise ShapeError(f"{op}: input of shape {tuple(inp.shape)} does not broadcast to the "
                         f"product's shape {tuple(prod.shape)}")
    if alpha != 1:
        prod = OPS.mul(prod, alpha)
    if beta == 0:  # as PyTorch: input is ignored (NaN in it does not propagate)
        return prod
    return OPS.add(OPS.mul(inp, beta) if beta != 1 else inp, prod)


@register(method=True)
def addmm(input: Any, mat1: Any, mat2: Any, *, beta: float = 1, alpha: float = 1) -> Tensor:  # noqa: A002
    """``beta * input + alpha * (mat1 @ mat2)``, as ``torch.addmm``.

    Shape:
        input broadcastable to (n, m), mat1 (n, k), mat2 (k, m) -> (n, m)

    Example:
        >>> import autograd as ag
        >>> ag.addmm(ag.ones(3), ag.ones(2, 4), ag.ones(4, 3), beta=0.5)
        tensor([[4.5000, 4.5000, 4.5000],
                [4.5000, 4.5000, 4.5000]])
    """
    inp = tensor_arg(input, "addmm")
    return _scaled_sum("addmm", inp, mm(mat1, mat2), beta, alpha)


@register(method=True)
def baddbmm(input: Any, batch1: Any, batch2: Any, *, beta: float = 1,  # noqa: A002
            alpha: float = 1) -> Tensor:
    """``beta * input + alpha * bmm(batch1, batch2)``, as ``torch.baddbmm``.

    Shape:
        input broadcastable to (b, n, m), batch1 (b, n, k), batch2 (b, k, m) -> (b, n, m)

    Example:
        >>> import autograd as ag
        >>> ag.baddbmm(ag.zeros(2, 1, 1), ag.ones(2, 1, 3), ag.ones(2, 3, 1), alpha=2).flatten()
        tensor([6., 6.])
    """
    inp = tensor_arg(input, "baddbmm")
    return _scaled_sum("baddbmm", inp, bmm(batch1, batch2), beta, alpha)


def _tensordot_dims(a: Tensor, b: Tensor, dims: Any) -> tuple[list, list]:
    if isinstance(dims, (int, np.integer)) and not isinstance(dims, bool):
        if dims < 0 or dims > min(a.ndim, b.ndim):
            raise OpError(f"tensordot: dims={dims} must be between 0 and "
                             f"{min(a.ndim, b.ndim)} for shapes {tuple(a.shape)} and "
                             f"{tuple(b.shape)}")
        return list(range(a.ndim - dims, a.ndim)), list(range(dims))
    if isinstance(dims, Tensor):
        dims = dims.tolist()
    if not (isinstance(dims, (list, tuple)) and len(dims) == 2):
        raise TypeError(f"tensordot: dims must be an int or a pair of dim lists, got {dims!r}")
    da, db = ([d] if isinstance(d, (int, np.integer)) else list(d) for d in dims)
    if len(da) != len(db):
        raise OpError(f"tensordot: both dim lists must have the same length, got {dims!r}")
    return ([norm_dim(int(d), a.ndim, "tensordot") for d in da],
            [norm_dim(int(d), b.ndim, "tensordot") for d in db])


@register()
def tensordot(a: Any, b: Any, dims: Any = 2) -> Tensor:
    """Contract ``dims`` of ``a`` with ``dims`` of ``b``, as ``torch.tensordot``.

    Args:
        a, b: the tensors.
        dims: an int n (the last n dims of a with the first n of b) or two lists of dims.

    Example:
        >>> import autograd as ag
        >>> ag.tensordot(ag.ones(2, 3, 4), ag.ones(3, 4, 5)).shape
        (2, 5)
        >>> ag.tensordot(ag.ones(2, 3), ag.ones(3, 2), dims=([0], [1])).shape
        (3, 3)
    """
    a, b = pair(a, b, "tensordot")
    da, db = _tensordot_dims(a, b, dims)
    for i, j in zip(da, db):
        if a.shape[i] != b.shape[j]:
            raise ShapeError(f"tensordot: contracted dimensions need to match, but dim {i} of "
                             f"{tuple(a.shape)} has size {a.shape[i]} and dim {j} of "
                             f"{tuple(b.shape)} has size {b.shape[j]}")
    la, lb = _LETTERS[:a.ndim], _LETTERS[a.ndim:a.ndim + b.ndim]
    lb = "".join(la[da[db.index(j)]] if j in db else c for j, c in enumerate(lb))
    out = "".join(c for i, c in enumerate(la) if i not in da) + \
        "".join(c for j, c in enumerate(lb) if j not in db)
    return Einsum.apply(f"{la},{lb}->{out}", a, b)


@register(method=True)
def cross(input: Any, other: Any, dim: int | None = None) -> Tensor:  # noqa: A002
    """Cross product of 3-vectors along ``dim`` (broadcasting), as ``torch.cross``.

    Args:
        input, other: tensors with size 3 along ``dim``.
        dim: the dim of the vectors; None (PyTorch's default) takes the first dim of size 3.

    Example:
        >>> import autograd as ag
        >>> ag.cross(ag.tensor([1.0, 0.0, 0.0]), ag.tensor([0.0, 1.0, 0.0]))
        tensor([0., 0., 1.])
    """
    a, b = pair(input, other, "cross")
    if a.ndim != b.ndim:
        raise ShapeError(f"cross: inputs must have the same number of dims, got shapes "
                         f"{tuple(a.shape)} and {tuple(b.shape)}")
    try:
        shape = np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        raise ShapeError(f"cross: shapes {tuple(a.shape)} and {tuple(b.shape)} cannot be "
                         "broadcast together") from None
    if dim is None:
        dim = next((i for i, n in enumerate(shape) if n == 3), None)
        if dim is None:
            raise ShapeError(f"cross: no dimension of size 3 in shapes {tuple(a.shape)} and "
                             f"{tuple(b.shape)}")
    d = norm_dim(dim, len(shape), "cross")
    if a.shape[d] != 3 or b.shape[d] != 3:
        raise ShapeError(f"cross: dimension {dim} does not have size 3 in shapes "
                         f"{tuple(a.shape)} and {tuple(b.shape)}")

    def at(t: Tensor, order: list) -> Tensor:
        return OPS.getitem(t, (slice(None),) * d + (np.array(order),))

    first = OPS.mul(at(a, [1, 2, 0]), at(b, [2, 0, 1]))
    return OPS.sub(first, OPS.mul(at(a, [2, 0, 1]), at(b, [1, 2, 0])))


@register(method=True)
def kron(input: Any, other: Any) -> Tensor:  # noqa: A002
    """Kronecker product, as ``torch.kron`` (the shorter shape is padded with leading 1s).

    Shape:
        input (a0, a1, ...), other (b0, b1, ...) -> (a0*b0, a1*b1, ...)

    Example:
        >>> import autograd as ag
        >>> ag.kron(ag.eye(2), ag.ones(2, 2)).shape
        (4, 4)
    """
    a, b = pair(input, other, "kron")
    n = max(a.ndim, b.ndim)
    sa = (1,) * (n - a.ndim) + tuple(a.shape)
    sb = (1,) * (n - b.ndim) + tuple(b.shape)
    a2 = OPS.reshape(a, tuple(x for s in sa for x in (s, 1)))  # (a0, 1, a1, 1, ...)
    b2 = OPS.reshape(b, tuple(x for s in sb for x in (1, s)))  # (1, b0, 1, b1, ...)
    return OPS.reshape(OPS.mul(a2, b2), tuple(x * y for x, y in zip(sa, sb)))
