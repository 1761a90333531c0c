"""Tensor methods of the statistics, extra products and extra selection ops (``x.quantile(q)``,
``x.cov()``, ``x.inner(y)``, ``x.mode()``, ``x.index_reduce_(...)`` ...): a mixin of
``Tensor``, each a one-line call into the registered op, as ``tensor_methods.py`` does for
the core ops."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .registry import OPS as _ops

if TYPE_CHECKING:  # annotations only: tensor.py imports this module
    from .tensor import Tensor


def _flag(*operands: Any) -> Any:
    """The operand an in-place op checks for ``requires_grad``: the first that requires it."""
    for x in operands:
        if getattr(x, "requires_grad", False):
            return x
    return None


class StatsMethods:
    """Method forms of the ops in ``ops/stats.py``, ``products_more.py``, ``select_more.py``."""

    __slots__ = ()

    def quantile(self, q: Any, dim: int | None = None, keepdim: bool = False, *,
                 interpolation: str = "linear") -> Tensor:
        return _ops.quantile(self, q, dim, keepdim, interpolation=interpolation)

    def nanquantile(self, q: Any, dim: int | None = None, keepdim: bool = False, *,
                    interpolation: str = "linear") -> Tensor:
        return _ops.nanquantile(self, q, dim, keepdim, interpolation=interpolation)

    def cov(self, *, correction: int = 1, fweights: Any = None, aweights: Any = None) -> Tensor:
        return _ops.cov(self, correction=correction, fweights=fweights, aweights=aweights)

    def corrcoef(self) -> Tensor:
        return _ops.corrcoef(self)

    def histogram(self, bins: Any = 100, *, range: Any = None, weight: Any = None,  # noqa: A002
                  density: bool = False) -> Any:
        return _ops.histogram(self, bins, range=range, weight=weight, density=density)

    def dist(self, other: Any, p: float = 2) -> Tensor:
        return _ops.dist(self, other, p)

    def renorm(self, p: float, dim: int, maxnorm: float) -> Tensor:
        return _ops.renorm(self, p, dim, maxnorm)

    def renorm_(self, p: float, dim: int, maxnorm: float) -> Tensor:
        return self._inplace(lambda x, _: _ops.renorm(x, p, dim, maxnorm),  # type: ignore
                             None, "renorm_")

    def logdet(self) -> Tensor:
        return _ops.logdet(self)

    def matrix_exp(self) -> Tensor:
        return _ops.matrix_exp(self)

    def inner(self, other: Any) -> Tensor:
        return _ops.inner(self, other)

    def vdot(self, other: Any) -> Tensor:
        return _ops.vdot(self, other)

    def addmv(self, mat: Any, vec: Any, *, beta: float = 1, alpha: float = 1) -> Tensor:
        return _ops.addmv(self, mat, vec, beta=beta, alpha=alpha)

    def addr(self, vec1: Any, vec2: Any, *, beta: float = 1, alpha: float = 1) -> Tensor:
        return _ops.addr(self, vec1, vec2, beta=beta, alpha=alpha)

    def addbmm(self, batch1: Any, batch2: Any, *, beta: float = 1, alpha: float = 1) -> Tensor:
        return _ops.addbmm(self, batch1, batch2, beta=beta, alpha=alpha)

    def diagflat(self, offset: int = 0) -> Tensor:
        return _ops.diagflat(self, offset)

    def unique_consecutive(self, return_inverse: bool = False, return_counts: bool = False,
                           dim: int | None = None) -> Any:
        return _ops.unique_consecutive(self, return_inverse, return_counts, dim)

    def index_reduce(self, dim: int, index: Any, source: Any, reduce: str, *,
                     include_self: bool = True) -> Tensor:
        return _ops.index_reduce(self, dim, index, source, reduce, include_self=include_self)

    def index_reduce_(self, dim: int, index: Any, source: Any, reduce: str, *,
                      include_self: bool = True) -> Tensor:
        return self._inplace(  # type: ignore[attr-defined]
            lambda x, _: _ops.index_reduce(x, dim, index, source, reduce,
                                           include_self=include_self),
            _flag(source), "index_reduce_")

    def diagonal_scatter(self, src: Any, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
        return _ops.diagonal_scatter(self, src, offset, dim1, dim2)

    def select_scatter(self, src: Any, dim: int, index: int) -> Tensor:
        return _ops.select_scatter(self, src, dim, index)

    def slice_scatter(self, src: Any, dim: int = 0, start: int | None = None,
                      end: int | None = None, step: int = 1) -> Tensor:
        return _ops.slice_scatter(self, src, dim, start, end, step)

    def mode(self, dim: int = -1, keepdim: bool = False) -> Any:
        return _ops.mode(self, dim, keepdim)
