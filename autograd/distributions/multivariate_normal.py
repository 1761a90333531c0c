"""MultivariateNormal: a Gaussian over vectors, held by the Cholesky factor of its covariance."""
from __future__ import annotations

import math
from typing import Any

from ..factories import randn
from ..linalg import cholesky, inv, solve
from ..tensor import Tensor
from ..torch_names import broadcast_shapes
from . import constraints
from .distribution import Distribution, lazy_property


def _batch_mahalanobis(tril: Tensor, x: Tensor) -> Tensor:
    """``x^T (L L^T)^{-1} x`` over broadcast batch dimensions, for lower-triangular ``L``."""
    k = x.shape[-1]
    batch = tuple(broadcast_shapes(tril.shape[:-2], x.shape[:-1]))
    solved = _solve_lower(tril.expand(batch + (k, k)), x.expand(batch + (k,)).unsqueeze(-1))
    return solved.squeeze(-1).pow(2).sum(-1)


def _solve_lower(tril: Tensor, rhs: Tensor) -> Tensor:
    """``L^{-1} rhs`` reading only the lower triangle of ``L`` (a triangular solve), so
    the entries above the diagonal get no gradient, as in PyTorch."""
    return solve(tril.tril(), rhs)


def _half_log_det(tril: Tensor) -> Tensor:
    """``log det(L)`` for lower-triangular ``L``: half the log-determinant of ``L L^T``."""
    return tril.diagonal(dim1=-2, dim2=-1).log().sum(-1)


def _at_least(t: Tensor, ndim: int, name: str) -> None:
    if t.dim() < ndim:
        raise ValueError(f"{name} matrix must be at least two-dimensional, "
                         "with optional leading batch dimensions")


class MultivariateNormal(Distribution):
    """The multivariate normal distribution with mean ``loc`` and a covariance given as
    ``covariance_matrix``, ``precision_matrix`` (its inverse) or ``scale_tril`` (its
    lower Cholesky factor); give exactly one.

    .. math:: \\log p(x) = -\\tfrac12 \\big(k \\log 2\\pi + (x-\\mu)^T \\Sigma^{-1} (x-\\mu)\\big)
              - \\tfrac12 \\log\\det\\Sigma

    Args:
        loc: the mean, shape ``batch_shape + (k,)``.
        covariance_matrix: symmetric positive-definite, shape ``batch_shape + (k, k)``.
        precision_matrix: its inverse.
        scale_tril: lower-triangular with a positive diagonal.
        validate_args: check the parameters and that ``log_prob``'s values are real.

    Shape:
        ``event_shape`` is ``(k,)``; ``batch_shape`` broadcasts ``loc``'s and the matrix's.

    Example:
        >>> import autograd as ag
        >>> d = ag.distributions.MultivariateNormal(ag.zeros(2), covariance_matrix=ag.eye(2) * 4)
        >>> round(d.log_prob(ag.zeros(2)).item(), 4), d.variance.tolist()
        (-3.2242, [4.0, 4.0])
    """

    arg_constraints = {"loc": constraints.real_vector,
                       "covariance_matrix": constraints.positive_definite,
                       "precision_matrix": constraints.positive_definite,
                       "scale_tril": constraints.lower_cholesky}
    support = constraints.real_vector
    has_rsample = True

    def __init__(self, loc: Tensor, covariance_matrix: Tensor | None = None,
                 precision_matrix: Tensor | None = None, scale_tril: Tensor | None = None,
                 validate_args: bool | None = None) -> None:
        if loc.dim() < 1:
            raise ValueError("loc must be at least one-dimensional.")
        given = [m for m in (covariance_matrix, precision_matrix, scale_tril) if m is not None]
        if len(given) != 1:
            raise ValueError("Exactly one of covariance_matrix or precision_matrix or "
                             "scale_tril may be specified.")
        matrix = given[0]
        name = ("scale_tril" if scale_tril is not None else
                "covariance_matrix" if covariance_matrix is not None else "precision_matrix")
        _at_least(matrix, 2, name)
        batch = tuple(broadcast_shapes(matrix.shape[:-2], loc.shape[:-1]))
        k = loc.shape[-1]
        setattr(self, name, matrix.expand(batch + (k, k)))
        self.loc = loc.expand(batch + (k,))
        super().__init__(batch, (k,), validate_args=validate_args)
        if scale_tril is not None:
            self._unbroadcasted_scale_tril = scale_tril
        elif covariance_matrix is not None:
            self._unbroadcasted_scale_tril = cholesky(covariance_matrix)
        else:
            assert precision_matrix is not None
            self._unbroadcasted_scale_tril = cholesky(inv(precision_matrix))

    def expand(self, batch_shape: Any, _instance: Any = None) -> MultivariateNormal:
        new = self._get_checked_instance(MultivariateNormal, _instance)
        batch = tuple(batch_shape)
        k = self.event_shape[0]
        new.loc = self.loc.expand(batch + (k,))
        new._unbroadcasted_scale_tril = self._unbroadcasted_scale_tril
        for name in ("covariance_matrix", "precision_matrix", "scale_tril"):
            if name in self.__dict__:
                setattr(new, name, self.__dict__[name].expand(batch + (k, k)))
        Distribution.__init__(new, batch, (k,), validate_args=False)
        new._validate_args = self._validate_args
        return new

    def _matrix_shape(self) -> tuple:
        return tuple(self._batch_shape) + tuple(self._event_shape) * 2

    @lazy_property
    def scale_tril(self) -> Tensor:
        """The lower Cholesky factor of the covariance."""
        return self._unbroadcasted_scale_tril.expand(self._matrix_shape())

    @lazy_property
    def covariance_matrix(self) -> Tensor:
        """The covariance ``L L^T``."""
        tril = self._unbroadcasted_scale_tril
        return (tril @ tril.mT).expand(self._matrix_shape())

    @lazy_property
    def precision_matrix(self) -> Tensor:
        """The inverse of the covariance."""
        tril = self._unbroadcasted_scale_tril
        return inv(tril @ tril.mT).expand(self._matrix_shape())

    @property
    def mean(self) -> Tensor:
        return self.loc

    @property
    def mode(self) -> Tensor:
        return self.loc

    @property
    def variance(self) -> Tensor:
        shape = tuple(self._batch_shape) + tuple(self._event_shape)
        return self._unbroadcasted_scale_tril.pow(2).sum(-1).expand(shape)

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        eps = randn(self._extended_shape(sample_shape), dtype=self.loc.dtype)
        return self.loc + (self._unbroadcasted_scale_tril @ eps.unsqueeze(-1)).squeeze(-1)

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        k = self._event_shape[0]
        tril = self._unbroadcasted_scale_tril
        m = _batch_mahalanobis(tril, value - self.loc)
        return -0.5 * (k * math.log(2 * math.pi) + m) - _half_log_det(tril)

    def entropy(self) -> Tensor:
        k = self._event_shape[0]
        h = 0.5 * k * (1.0 + math.log(2 * math.pi)) + _half_log_det(self._unbroadcasted_scale_tril)
        return h.expand(tuple(self._batch_shape)) if len(self._batch_shape) else h


def kl_mvn_mvn(p: MultivariateNormal, q: MultivariateNormal) -> Tensor:
    """KL between two multivariate normals of the same event size."""
    if p.event_shape != q.event_shape:
        raise ValueError("KL-divergence between two Multivariate Normals with different "
                         "event shapes cannot be computed")
    k = p.event_shape[0]
    p_tril, q_tril = p._unbroadcasted_scale_tril, q._unbroadcasted_scale_tril
    batch = tuple(broadcast_shapes(q_tril.shape[:-2], p_tril.shape[:-2]))
    # ||q_L^{-1} p_L||_F^2 = trace(Sigma_q^{-1} Sigma_p)
    solved = _solve_lower(q_tril.expand(batch + (k, k)), p_tril.expand(batch + (k, k)))
    term2 = solved.pow(2).sum((-2, -1))
    term3 = _batch_mahalanobis(q_tril, q.loc - p.loc)
    return _half_log_det(q_tril) - _half_log_det(p_tril) + 0.5 * (term2 + term3 - k)
