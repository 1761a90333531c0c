"""Independent: reinterpret batch dimensions of a distribution as event dimensions."""
from __future__ import annotations

from typing import Any

from ..tensor import Tensor
from . import constraints
from .distribution import Distribution


def _sum_rightmost(value: Tensor, dim: int) -> Tensor:
    """``value`` summed over its last ``dim`` dimensions."""
    return value.sum(tuple(range(-dim, 0))) if dim else value


class _IndependentConstraint(constraints.Constraint):
    """``base`` checked on each point, all of the last ``ndims`` dimensions together."""

    def __init__(self, base: Any, ndims: int) -> None:
        self.base = base
        self.reinterpreted_batch_ndims = ndims
        self.is_discrete = base.is_discrete
        self.event_dim = base.event_dim + ndims

    def check(self, value: Any) -> Tensor:
        ok = self.base.check(value)
        for _ in range(self.reinterpreted_batch_ndims):
            ok = ok.all(-1)
        return ok

    def __repr__(self) -> str:
        return f"IndependentConstraint({self.base!r}, {self.reinterpreted_batch_ndims})"


class Independent(Distribution):
    """Treat the rightmost ``reinterpreted_batch_ndims`` batch dimensions of ``base_distribution``
    as event dimensions: ``log_prob`` sums over them.

    A diagonal Gaussian over vectors is ``Independent(Normal(loc, scale), 1)``.

    Args:
        base_distribution: the distribution to wrap.
        reinterpreted_batch_ndims: how many batch dimensions become event dimensions.
        validate_args: check values given to ``log_prob``.

    Example:
        >>> import autograd as ag
        >>> d = ag.distributions.Independent(ag.distributions.Normal(ag.zeros(3), 1.0), 1)
        >>> d.batch_shape, d.event_shape, round(d.log_prob(ag.zeros(3)).item(), 4)
        (torch.Size([]), torch.Size([3]), -2.7568)
    """

    arg_constraints: dict[str, Any] = {}

    def __init__(self, base_distribution: Distribution, reinterpreted_batch_ndims: int,
                 validate_args: bool | None = None) -> None:
        n = reinterpreted_batch_ndims
        if n > len(base_distribution.batch_shape):
            raise ValueError("Expected reinterpreted_batch_ndims <= "
                             f"len(base_distribution.batch_shape), actual {n} vs "
                             f"{len(base_distribution.batch_shape)}")
        shape = tuple(base_distribution.batch_shape) + tuple(base_distribution.event_shape)
        event_dim = n + len(base_distribution.event_shape)
        self.base_dist = base_distribution
        self.reinterpreted_batch_ndims = n
        super().__init__(shape[:len(shape) - event_dim], shape[len(shape) - event_dim:],
                         validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> Independent:
        new = self._get_checked_instance(Independent, _instance)
        n = self.reinterpreted_batch_ndims
        new.base_dist = self.base_dist.expand(
            tuple(batch_shape) + tuple(self.event_shape[:n]))
        new.reinterpreted_batch_ndims = n
        Distribution.__init__(new, tuple(batch_shape), self.event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @property
    def has_rsample(self) -> bool:  # type: ignore[override]
        return self.base_dist.has_rsample

    @property
    def has_enumerate_support(self) -> bool:  # type: ignore[override]
        return False if self.reinterpreted_batch_ndims else self.base_dist.has_enumerate_support

    @property
    def support(self) -> Any:  # type: ignore[override]
        return _IndependentConstraint(self.base_dist.support, self.reinterpreted_batch_ndims) \
            if self.reinterpreted_batch_ndims else self.base_dist.support

    @property
    def mean(self) -> Tensor:
        return self.base_dist.mean

    @property
    def mode(self) -> Tensor:
        return self.base_dist.mode

    @property
    def variance(self) -> Tensor:
        return self.base_dist.variance

    def sample(self, sample_shape: Any = ()) -> Tensor:
        return self.base_dist.sample(sample_shape)

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        return self.base_dist.rsample(sample_shape)

    def log_prob(self, value: Tensor) -> Tensor:
        return _sum_rightmost(self.base_dist.log_prob(value), self.reinterpreted_batch_ndims)

    def entropy(self) -> Tensor:
        return _sum_rightmost(self.base_dist.entropy(), self.reinterpreted_batch_ndims)

    def __repr__(self) -> str:
        return f"Independent({self.base_dist!r}, {self.reinterpreted_batch_ndims})"
