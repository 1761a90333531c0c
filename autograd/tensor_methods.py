"""The Tensor methods that forward to registered ops (``x.sum()``, ``x.exp()``,
``x.reshape(...)`` ...): a mixin of ``Tensor``, kept apart so tensor.py holds the
data model, the operators and autograd.

The registry (``autograd.registry``) records which ops PyTorch has as Tensor
methods (``register(method=True)``); the methods themselves are written out
here rather than generated from that record, for three reasons: most are not
plain forwards (``x.reshape(2, 3)`` takes sizes as separate arguments,
``x.max(y)`` is ``maximum``, ``x.where(cond, y)`` puts ``x`` second), type
checkers and editors see each method and its signature, and the class reads
as what it is, with nothing attached to it at import time. A test
(``tests/autograd/test_registry.py``) checks the two against each other: every
op registered with a method has it here, and every method here belongs to a
registered op.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .registry import OPS as _ops
from .tensor_stats_methods import StatsMethods

if TYPE_CHECKING:  # annotations only: tensor.py imports this module
    from .tensor import Tensor


def _shape_args(shape: tuple) -> tuple:
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        return tuple(shape[0])
    return tuple(shape)


def _flag(*operands: Any) -> Any:
    """The operand an in-place op checks for ``requires_grad``: the first that requires it."""
    for x in operands:
        if getattr(x, "requires_grad", False):
            return x
    return None


class IndexInplaceMethods:
    """In-place forms of the indexing ops (``x.masked_fill_(mask, v)``, ``x.scatter_(...)``):
    each writes the op's result into ``x`` through ``Tensor._inplace`` (version counter,
    history as PyTorch)."""

    __slots__ = ()

    def masked_fill_(self, mask: Any, value: Any) -> Tensor:
        return self._inplace(lambda x, _: _ops.masked_fill(x, mask, value),  # type: ignore
                             _flag(value), "masked_fill_")

    def masked_scatter_(self, mask: Any, source: Any) -> Tensor:
        return self._inplace(lambda x, _: _ops.masked_scatter(x, mask, source),  # type: ignore
                             _flag(source), "masked_scatter_")

    def scatter_(self, dim: int, index: Any, src: Any = None, **kw: Any) -> Tensor:
        return self._inplace(lambda x, _: _ops.scatter(x, dim, index, src, **kw),  # type: ignore
                             _flag(src, kw.get("value")), "scatter_")

    def scatter_add_(self, dim: int, index: Any, src: Any) -> Tensor:
        return self._inplace(lambda x, _: _ops.scatter_add(x, dim, index, src),  # type: ignore
                             _flag(src), "scatter_add_")

    def scatter_reduce_(self, dim: int, index: Any, src: Any, reduce: str, **kw: Any) -> Tensor:
        return self._inplace(  # type: ignore[attr-defined]
            lambda x, _: _ops.scatter_reduce(x, dim, index, src, reduce, **kw), _flag(src),
            "scatter_reduce_")

    def index_fill_(self, dim: int, index: Any, value: Any) -> Tensor:
        return self._inplace(lambda x, _: _ops.index_fill(x, dim, index, value),  # type: ignore
                             _flag(value), "index_fill_")

    def index_add_(self, dim: int, index: Any, source: Any, **kw: Any) -> Tensor:
        return self._inplace(  # type: ignore[attr-defined]
            lambda x, _: _ops.index_add(x, dim, index, source, **kw), _flag(source), "index_add_")

    def index_copy_(self, dim: int, index: Any, source: Any) -> Tensor:
        return self._inplace(lambda x, _: _ops.index_copy(x, dim, index, source),  # type: ignore
                             _flag(source), "index_copy_")


class OpMethods(IndexInplaceMethods, StatsMethods):
    """Method forms of the registered ops; every one is a one-line call into ``OPS``."""

    __slots__ = ()

    def sum(self, dim: Any = None, keepdim: bool = False, **kw: Any) -> Tensor:
        return _ops.sum(self, dim, keepdim, **kw)

    def mean(self, dim: Any = None, keepdim: bool = False, **kw: Any) -> Tensor:
        return _ops.mean(self, dim, keepdim, **kw)

    def var(self, dim: Any = None, keepdim: bool = False, **kw: Any) -> Tensor:
        return _ops.var(self, dim, keepdim=keepdim, **kw)

    def std(self, dim: Any = None, keepdim: bool = False, **kw: Any) -> Tensor:
        return _ops.std(self, dim, keepdim=keepdim, **kw)

    def max(self, dim: Any = None, keepdim: bool = False, **kw: Any) -> Any:
        if isinstance(dim, OpMethods):
            return _ops.maximum(self, dim)
        return _ops.max(self, dim, keepdim, **kw)

    def min(self, dim: Any = None, keepdim: bool = False, **kw: Any) -> Any:
        if isinstance(dim, OpMethods):
            return _ops.minimum(self, dim)
        return _ops.min(self, dim, keepdim, **kw)

    def logsumexp(self, dim: Any = None, keepdim: bool = False) -> Tensor:
        return _ops.logsumexp(self, dim, keepdim)

    def softmax(self, dim: int = -1) -> Tensor:
        return _ops.softmax(self, dim)

    def log_softmax(self, dim: int = -1) -> Tensor:
        return _ops.log_softmax(self, dim)

    def add(self, other: Any, alpha: Any = 1) -> Tensor:
        return _ops.add(self, other if alpha == 1 else _ops.mul(other, alpha))

    def sub(self, other: Any, alpha: Any = 1) -> Tensor:
        return _ops.sub(self, other if alpha == 1 else _ops.mul(other, alpha))

    def mul(self, other: Any) -> Tensor:
        return _ops.mul(self, other)

    def div(self, other: Any, rounding_mode: str | None = None) -> Tensor:
        return _ops.div(self, other, rounding_mode)

    def neg(self) -> Tensor:
        return _ops.neg(self)

    def exp(self) -> Tensor:
        return _ops.exp(self)

    def log(self) -> Tensor:
        return _ops.log(self)

    def sqrt(self) -> Tensor:
        return _ops.sqrt(self)

    def abs(self) -> Tensor:
        return _ops.abs(self)

    def sin(self) -> Tensor:
        return _ops.sin(self)

    def cos(self) -> Tensor:
        return _ops.cos(self)

    def tanh(self) -> Tensor:
        return _ops.tanh(self)

    def erf(self) -> Tensor:
        return _ops.erf(self)

    def sigmoid(self) -> Tensor:
        return _ops.sigmoid(self)

    def relu(self) -> Tensor:
        return _ops.relu(self)

    def pow(self, exponent: Any) -> Tensor:
        return _ops.pow(self, exponent)

    def clamp(self, min: Any = None, max: Any = None) -> Tensor:  # noqa: A002
        return _ops.clip(self, min, max)

    clip = clamp

    def maximum(self, other: Any) -> Tensor:
        return _ops.maximum(self, other)

    def minimum(self, other: Any) -> Tensor:
        return _ops.minimum(self, other)

    def matmul(self, other: Any) -> Tensor:
        return _ops.matmul(self, other)

    def reshape(self, *shape: Any) -> Tensor:
        return _ops.reshape(self, _shape_args(shape))

    def view(self, *shape: Any) -> Tensor:
        return _ops.view(self, _shape_args(shape))

    def transpose(self, dim0: int, dim1: int) -> Tensor:
        return _ops.transpose(self, dim0, dim1)

    def permute(self, *dims: Any) -> Tensor:
        return _ops.permute(self, _shape_args(dims))

    def squeeze(self, dim: Any = None) -> Tensor:
        return _ops.squeeze(self, dim)

    def unsqueeze(self, dim: int) -> Tensor:
        return _ops.unsqueeze(self, dim)

    def expand(self, *shape: Any) -> Tensor:
        return _ops.expand(self, _shape_args(shape))

    def broadcast_to(self, shape: Any) -> Tensor:
        return _ops.expand(self, tuple(shape))

    def expand_as(self, other: Tensor) -> Tensor:
        return _ops.expand(self, other.shape)

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> Tensor:
        return _ops.flatten(self, start_dim, end_dim)

    def split(self, split_size_or_sections: Any, dim: int = 0) -> tuple:
        return _ops.split(self, split_size_or_sections, dim)

    def chunk(self, chunks: int, dim: int = 0) -> tuple:
        return _ops.chunk(self, chunks, dim)

    def sum_to_size(self, *shape: Any) -> Tensor:
        return _ops.sum_to(self, _shape_args(shape))

    def masked_fill(self, mask: Any, value: Any) -> Tensor:
        return _ops.masked_fill(self, mask, value)

    def where(self, condition: Any, other: Any) -> Tensor:
        """``self`` where ``condition`` holds, else ``other``, as ``torch.Tensor.where``."""
        return _ops.where(condition, self, other)

    def index_put(self, indices: Any, values: Any, accumulate: bool = False) -> Tensor:
        """A copy with ``[indices] = values`` (``+=`` with accumulate), as PyTorch's."""
        return self._index_put(indices, values, accumulate)  # type: ignore[attr-defined]

    # ---- shape, indexing and selection (reshape_more, diag, gather, scatter, sort)
    def flip(self, *dims: Any, **kw: Any) -> Tensor:
        return _ops.flip(self, kw["dims"] if "dims" in kw else _shape_args(dims))

    def fliplr(self) -> Tensor:
        return _ops.fliplr(self)

    def flipud(self) -> Tensor:
        return _ops.flipud(self)

    def roll(self, shifts: Any, dims: Any = None) -> Tensor:
        return _ops.roll(self, shifts, dims)

    def rot90(self, k: int = 1, dims: Any = (0, 1)) -> Tensor:
        return _ops.rot90(self, k, dims)

    def repeat(self, *sizes: Any) -> Tensor:
        return _ops.repeat(self, *sizes)

    def tile(self, *dims: Any, **kw: Any) -> Tensor:
        return _ops.tile(self, kw["dims"] if "dims" in kw else _shape_args(dims))

    def repeat_interleave(self, repeats: Any, dim: int | None = None, **kw: Any) -> Tensor:
        return _ops.repeat_interleave(self, repeats, dim, **kw)

    def movedim(self, source: Any, destination: Any) -> Tensor:
        return _ops.movedim(self, source, destination)

    def moveaxis(self, source: Any, destination: Any) -> Tensor:
        return _ops.moveaxis(self, source, destination)

    def swapaxes(self, axis0: int, axis1: int) -> Tensor:
        return _ops.swapaxes(self, axis0, axis1)

    def swapdims(self, dim0: int, dim1: int) -> Tensor:
        return _ops.swapdims(self, dim0, dim1)

    def narrow(self, dim: int, start: Any, length: int) -> Tensor:
        return _ops.narrow(self, dim, start, length)

    def unflatten(self, dim: int, sizes: Any) -> Tensor:
        return _ops.unflatten(self, dim, sizes)

    def unfold(self, dimension: int, size: int, step: int) -> Tensor:
        return _ops.unfold_dim(self, dimension, size, step)

    def tensor_split(self, indices_or_sections: Any, dim: int = 0) -> tuple:
        return _ops.tensor_split(self, indices_or_sections, dim)

    def view_as(self, other: Tensor) -> Tensor:
        return _ops.view_as(self, other)

    def reshape_as(self, other: Tensor) -> Tensor:
        return _ops.reshape_as(self, other)

    def tril(self, diagonal: int = 0) -> Tensor:
        return _ops.tril(self, diagonal)

    def triu(self, diagonal: int = 0) -> Tensor:
        return _ops.triu(self, diagonal)

    def diagonal(self, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
        return _ops.diagonal(self, offset, dim1, dim2)

    def diag_embed(self, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
        return _ops.diag_embed(self, offset, dim1, dim2)

    def diag(self, diagonal: int = 0) -> Tensor:
        return _ops.diag(self, diagonal)

    def trace(self) -> Tensor:
        return _ops.trace(self)

    def gather(self, dim: int, index: Any, **kw: Any) -> Tensor:
        return _ops.gather(self, dim, index, **kw)

    def take(self, index: Any) -> Tensor:
        return _ops.take(self, index)

    def index_select(self, dim: int, index: Any) -> Tensor:
        return _ops.index_select(self, dim, index)

    def masked_select(self, mask: Any) -> Tensor:
        return _ops.masked_select(self, mask)

    def nonzero(self, *, as_tuple: bool = False) -> Any:
        return _ops.nonzero(self, as_tuple=as_tuple)

    def scatter(self, dim: int, index: Any, src: Any = None, **kw: Any) -> Tensor:
        return _ops.scatter(self, dim, index, src, **kw)

    def scatter_add(self, dim: int, index: Any, src: Any) -> Tensor:
        return _ops.scatter_add(self, dim, index, src)

    def scatter_reduce(self, dim: int, index: Any, src: Any, reduce: str, **kw: Any) -> Tensor:
        return _ops.scatter_reduce(self, dim, index, src, reduce, **kw)

    def index_add(self, dim: int, index: Any, source: Any, **kw: Any) -> Tensor:
        return _ops.index_add(self, dim, index, source, **kw)

    def index_copy(self, dim: int, index: Any, source: Any) -> Tensor:
        return _ops.index_copy(self, dim, index, source)

    def index_fill(self, dim: int, index: Any, value: Any) -> Tensor:
        return _ops.index_fill(self, dim, index, value)

    def masked_scatter(self, mask: Any, source: Any) -> Tensor:
        return _ops.masked_scatter(self, mask, source)

    def sort(self, dim: int = -1, descending: bool = False, stable: bool = False, **kw: Any) -> Any:
        return _ops.sort(self, dim, descending, stable, **kw)

    def argsort(self, dim: int = -1, descending: bool = False, stable: bool = False,
                **kw: Any) -> Tensor:
        return _ops.argsort(self, dim, descending, stable, **kw)

    def topk(self, k: int, dim: int = -1, largest: bool = True, sorted: bool = True,  # noqa: A002
             **kw: Any) -> Any:
        return _ops.topk(self, k, dim, largest, sorted, **kw)

    def kthvalue(self, k: int, dim: int = -1, keepdim: bool = False, **kw: Any) -> Any:
        return _ops.kthvalue(self, k, dim, keepdim, **kw)

    def median(self, dim: int | None = None, keepdim: bool = False, **kw: Any) -> Any:
        return _ops.median(self, dim, keepdim, **kw)

    def take_along_dim(self, indices: Any, dim: int | None = None) -> Tensor:
        return _ops.take_along_dim(self, indices, dim)

    def unique(self, sorted: bool = True, return_inverse: bool = False,  # noqa: A002
               return_counts: bool = False, dim: int | None = None) -> Any:
        return _ops.unique(self, sorted, return_inverse, return_counts, dim)

    # products and linear algebra (autograd/ops/products.py, linalg_ops.py)
    def mm(self, mat2: Any) -> Tensor:
        return _ops.mm(self, mat2)

    def bmm(self, mat2: Any) -> Tensor:
        return _ops.bmm(self, mat2)

    def mv(self, vec: Any) -> Tensor:
        return _ops.mv(self, vec)

    def dot(self, other: Any) -> Tensor:
        return _ops.dot(self, other)

    def outer(self, vec2: Any) -> Tensor:
        return _ops.outer(self, vec2)

    def addmm(self, mat1: Any, mat2: Any, *, beta: float = 1, alpha: float = 1) -> Tensor:
        return _ops.addmm(self, mat1, mat2, beta=beta, alpha=alpha)

    def baddbmm(self, batch1: Any, batch2: Any, *, beta: float = 1, alpha: float = 1) -> Tensor:
        return _ops.baddbmm(self, batch1, batch2, beta=beta, alpha=alpha)

    def cross(self, other: Any, dim: int | None = None) -> Tensor:
        return _ops.cross(self, other, dim)

    def kron(self, other: Any) -> Tensor:
        return _ops.kron(self, other)

    def inverse(self) -> Tensor:
        return _ops.inverse(self)

    def det(self) -> Tensor:
        return _ops.det(self)

    def slogdet(self) -> tuple:
        return _ops.slogdet(self)

    def cholesky(self, upper: bool = False) -> Tensor:
        return _ops.cholesky(self, upper)

    def qr(self, some: bool = True) -> tuple:
        return _ops.qr(self, some)

    def svd(self, some: bool = True, compute_uv: bool = True) -> tuple:
        return _ops.svd(self, some, compute_uv)

    def pinverse(self, rcond: float = 1e-15) -> Tensor:
        return _ops.pinverse(self, rcond)

    def matrix_power(self, n: int) -> Tensor:
        return _ops.matrix_power(self, n)

    # ---- more reductions and scans (reduce_more, scan, norm)
    def prod(self, dim: Any = None, keepdim: bool = False, **kw: Any) -> Tensor:
        return _ops.prod(self, dim, keepdim, **kw)

    def amax(self, dim: Any = (), keepdim: bool = False) -> Tensor:
        return _ops.amax(self, dim, keepdim)

    def amin(self, dim: Any = (), keepdim: bool = False) -> Tensor:
        return _ops.amin(self, dim, keepdim)

    def aminmax(self, *, dim: int | None = None, keepdim: bool = False) -> Any:
        return _ops.aminmax(self, dim=dim, keepdim=keepdim)

    def nansum(self, dim: Any = None, keepdim: bool = False, **kw: Any) -> Tensor:
        return _ops.nansum(self, dim, keepdim, **kw)

    def nanmean(self, dim: Any = None, keepdim: bool = False, **kw: Any) -> Tensor:
        return _ops.nanmean(self, dim, keepdim, **kw)

    def count_nonzero(self, dim: Any = None) -> Tensor:
        return _ops.count_nonzero(self, dim)

    def any(self, dim: Any = None, keepdim: bool = False, **kw: Any) -> Tensor:
        return _ops.any(self, dim, keepdim, **kw)

    def all(self, dim: Any = None, keepdim: bool = False, **kw: Any) -> Tensor:
        return _ops.all(self, dim, keepdim, **kw)

    def argmax(self, dim: int | None = None, keepdim: bool = False) -> Tensor:
        return _ops.argmax(self, dim, keepdim)

    def argmin(self, dim: int | None = None, keepdim: bool = False) -> Tensor:
        return _ops.argmin(self, dim, keepdim)

    def cumsum(self, dim: int | None = None, **kw: Any) -> Tensor:
        return _ops.cumsum(self, dim, **kw)

    def cumprod(self, dim: int | None = None, **kw: Any) -> Tensor:
        return _ops.cumprod(self, dim, **kw)

    def cummax(self, dim: int | None = None, **kw: Any) -> Any:
        return _ops.cummax(self, dim, **kw)

    def cummin(self, dim: int | None = None, **kw: Any) -> Any:
        return _ops.cummin(self, dim, **kw)

    def logcumsumexp(self, dim: int | None = None, **kw: Any) -> Tensor:
        return _ops.logcumsumexp(self, dim, **kw)

    def norm(self, p: Any = "fro", dim: Any = None, keepdim: bool = False, **kw: Any) -> Tensor:
        return _ops.norm(self, p, dim, keepdim, **kw)

    # ---- stacking, splitting and counting (stack_split, sort)
    def select(self, dim: int, index: int) -> Tensor:
        return _ops.select(self, dim, index)

    def unbind(self, dim: int = 0) -> tuple:
        return _ops.unbind(self, dim)

    def hsplit(self, sections: Any) -> tuple:
        return _ops.hsplit(self, sections)

    def vsplit(self, sections: Any) -> tuple:
        return _ops.vsplit(self, sections)

    def dsplit(self, sections: Any) -> tuple:
        return _ops.dsplit(self, sections)

    def ravel(self) -> Tensor:
        return _ops.ravel(self)

    def diff(self, n: int = 1, dim: int = -1, prepend: Any = None, append: Any = None) -> Tensor:
        return _ops.diff(self, n, dim, prepend, append)

    def msort(self) -> Tensor:
        return _ops.msort(self)

    def nanmedian(self, dim: int | None = None, keepdim: bool = False, **kw: Any) -> Any:
        return _ops.nanmedian(self, dim, keepdim, **kw)

    def bincount(self, weights: Any = None, minlength: int = 0) -> Tensor:
        return _ops.bincount(self, weights, minlength)

    def histc(self, bins: int = 100, min: float = 0, max: float = 0) -> Tensor:  # noqa: A002
        return _ops.histc(self, bins, min, max)

    def argwhere(self) -> Tensor:
        return _ops.argwhere(self)
