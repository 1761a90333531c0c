"""Beta: a distribution on [0, 1] with two positive concentrations."""
from __future__ import annotations

from typing import Any

from ..factories import tensor
from ..mode import no_grad
from ..ops.binary import xlogy
from ..ops.select import where
from ..random import default_generator
from ..tensor import Tensor
from . import constraints
from .distribution import Distribution, broadcast_all


def _lbeta(a: Tensor, b: Tensor) -> Tensor:
    """``log B(a, b) = lgamma(a) + lgamma(b) - lgamma(a + b)``."""
    return a.lgamma() + b.lgamma() - (a + b).lgamma()


class Beta(Distribution):
    """The Beta distribution: :math:`p(x) \\propto x^{\\alpha-1} (1-x)^{\\beta-1}` on [0, 1].

    ``log_prob``, ``entropy``, the moments and ``kl_divergence`` are differentiable in the
    concentrations; ``sample`` draws (from the global generator) without a gradient, as
    this Beta has no reparameterized ``rsample``.

    Args:
        concentration1: :math:`\\alpha > 0`, the exponent of ``x``.
        concentration0: :math:`\\beta > 0`, the exponent of ``1 - x``.
        validate_args: check both are positive and that ``log_prob``'s values are in [0, 1].

    Example:
        >>> import autograd as ag
        >>> d = ag.distributions.Beta(2.0, 3.0)
        >>> round(d.log_prob(ag.tensor(0.5)).item(), 4), round(d.mean.item(), 4)
        (0.4055, 0.4)
    """

    arg_constraints = {"concentration1": constraints.positive,
                       "concentration0": constraints.positive}
    support = constraints.unit_interval

    def __init__(self, concentration1: Any, concentration0: Any,
                 validate_args: bool | None = None) -> None:
        self.concentration1, self.concentration0 = broadcast_all(concentration1, concentration0)
        super().__init__(self.concentration1.shape, validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> Beta:
        new = self._get_checked_instance(Beta, _instance)
        new.concentration1 = self.concentration1.expand(tuple(batch_shape))
        new.concentration0 = self.concentration0.expand(tuple(batch_shape))
        Distribution.__init__(new, batch_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @property
    def mean(self) -> Tensor:
        return self.concentration1 / (self.concentration1 + self.concentration0)

    @property
    def mode(self) -> Tensor:
        a, b = self.concentration1, self.concentration0
        am1, bm1 = (a - 1).clamp(min=0), (b - 1).clamp(min=0)
        interior = am1 / (am1 + bm1)
        # both below 1: the density peaks at an end, the one of the larger concentration
        end = (a >= b).type_as(a)
        return where((a < 1) & (b < 1), end, interior)

    @property
    def variance(self) -> Tensor:
        total = self.concentration1 + self.concentration0
        return self.concentration1 * self.concentration0 / (total.pow(2) * (total + 1))

    def sample(self, sample_shape: Any = ()) -> Tensor:
        with no_grad():
            shape = self._extended_shape(sample_shape)
            a = self.concentration1.expand(shape).numpy()
            b = self.concentration0.expand(shape).numpy()
            return tensor(default_generator().beta(a, b).astype(a.dtype))

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        a, b = self.concentration1, self.concentration0
        return xlogy(a - 1, value) + xlogy(b - 1, 1 - value) - _lbeta(a, b)

    def entropy(self) -> Tensor:
        a, b = self.concentration1, self.concentration0
        total = a + b
        return (_lbeta(a, b) - (2 - total) * total.digamma()
                - (a - 1) * a.digamma() - (b - 1) * b.digamma())


def kl_beta_beta(p: Beta, q: Beta) -> Tensor:
    """KL between two Beta distributions."""
    p1, p0, q1, q0 = p.concentration1, p.concentration0, q.concentration1, q.concentration0
    return (_lbeta(q1, q0) - _lbeta(p1, p0) + (p1 - q1) * p1.digamma()
            + (p0 - q0) * p0.digamma() + (q1 + q0 - p1 - p0) * (p1 + p0).digamma())
