"""Sets a distribution's parameters and samples lie in (``torch.distributions.constraints``).

A constraint's ``check(value)`` returns a bool Tensor, True where ``value`` lies in the set
(reduced over the last ``event_dim`` dimensions). Checks read the values and never take
part in a gradient.

Example:
    >>> import autograd as ag
    >>> from autograd.distributions import constraints
    >>> constraints.positive.check(ag.tensor([1.0, -1.0]))
    tensor([ True, False])
    >>> constraints.simplex.check(ag.tensor([0.25, 0.75]))
    tensor(True)
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..factories import tensor
from ..tensor import Tensor


def _fmt(bound: Any) -> Any:
    """A bound as PyTorch prints it: a one-element tensor as its number."""
    return bound.item() if isinstance(bound, Tensor) and bound.numel() == 1 else bound


def _array(value: Any) -> np.ndarray:
    return value.detach().numpy() if isinstance(value, Tensor) else np.asarray(value)


class Constraint:
    """A set of values; ``check`` says which entries lie in it.

    Attributes:
        is_discrete: the set holds integers only.
        event_dim: how many rightmost dimensions one point of the set spans.
    """

    is_discrete = False
    event_dim = 0

    def check(self, value: Any) -> Tensor:
        """A bool Tensor, True where ``value`` lies in the set."""
        with np.errstate(invalid="ignore"):
            ok = self._check(_array(value))
        return tensor(ok.all(axis=tuple(range(-self.event_dim, 0))) if self.event_dim else ok)

    def _check(self, v: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__.lstrip('_')}()"


class _Dependent(Constraint):
    """A placeholder for a support that depends on other parameters; it cannot be checked."""

    def __init__(self, *, is_discrete: bool = False, event_dim: int = 0) -> None:
        self.is_discrete = is_discrete
        self.event_dim = event_dim

    def check(self, value: Any) -> Tensor:
        raise ValueError("Cannot determine validity of dependent constraint")


def is_dependent(constraint: Any) -> bool:
    """True for ``constraints.dependent`` (a constraint that cannot be checked)."""
    return isinstance(constraint, _Dependent)


class _Real(Constraint):
    def _check(self, v: np.ndarray) -> np.ndarray:
        return v == v  # NaN is the one real-typed value outside the reals


class _Boolean(Constraint):
    is_discrete = True

    def _check(self, v: np.ndarray) -> np.ndarray:
        return (v == 0) | (v == 1)


class _GreaterThan(Constraint):
    def __init__(self, lower_bound: Any) -> None:
        self.lower_bound = lower_bound

    def _check(self, v: np.ndarray) -> np.ndarray:
        return _array(self.lower_bound) < v

    def __repr__(self) -> str:
        return f"GreaterThan(lower_bound={_fmt(self.lower_bound)})"


class _GreaterThanEq(_GreaterThan):
    def _check(self, v: np.ndarray) -> np.ndarray:
        return _array(self.lower_bound) <= v

    def __repr__(self) -> str:
        return f"GreaterThanEq(lower_bound={_fmt(self.lower_bound)})"


class _LessThan(Constraint):
    def __init__(self, upper_bound: Any) -> None:
        self.upper_bound = upper_bound

    def _check(self, v: np.ndarray) -> np.ndarray:
        return v < _array(self.upper_bound)

    def __repr__(self) -> str:
        return f"LessThan(upper_bound={_fmt(self.upper_bound)})"


class _Interval(Constraint):
    def __init__(self, lower_bound: Any, upper_bound: Any) -> None:
        self.lower_bound = lower_bound
        self.upper_bound = upper_bound

    def _check(self, v: np.ndarray) -> np.ndarray:
        return (_array(self.lower_bound) <= v) & (v <= _array(self.upper_bound))

    def __repr__(self) -> str:
        return (f"{type(self).__name__.lstrip('_')}(lower_bound={_fmt(self.lower_bound)}, "
                f"upper_bound={_fmt(self.upper_bound)})")


class _HalfOpenInterval(_Interval):
    def _check(self, v: np.ndarray) -> np.ndarray:
        return (_array(self.lower_bound) <= v) & (v < _array(self.upper_bound))


class _IntegerInterval(_Interval):
    is_discrete = True

    def _check(self, v: np.ndarray) -> np.ndarray:
        return (v % 1 == 0) & super()._check(v)


class _IntegerGreaterThan(_GreaterThan):
    is_discrete = True

    def _check(self, v: np.ndarray) -> np.ndarray:
        return (v % 1 == 0) & (v >= _array(self.lower_bound))

    def __repr__(self) -> str:
        return f"IntegerGreaterThan(lower_bound={_fmt(self.lower_bound)})"


class _Simplex(Constraint):
    event_dim = 1

    def _check(self, v: np.ndarray) -> np.ndarray:
        return (v >= 0) & (np.abs(v.sum(-1, keepdims=True) - 1) < 1e-6)


class _OneHot(Constraint):
    is_discrete = True
    event_dim = 1

    def _check(self, v: np.ndarray) -> np.ndarray:
        return ((v == 0) | (v == 1)) & (v.sum(-1, keepdims=True) == 1)


class _IndependentReal(_Real):
    event_dim = 1

    def __repr__(self) -> str:
        return "IndependentConstraint(Real(), 1)"


class _LowerCholesky(Constraint):
    event_dim = 2

    def _check(self, v: np.ndarray) -> np.ndarray:
        lower = np.tril(v) == v
        diag = np.diagonal(v, axis1=-2, axis2=-1)[..., None, :] > 0
        return lower & diag


class _PositiveDefinite(Constraint):
    event_dim = 2

    def check(self, value: Any) -> Tensor:
        v = _array(value)
        symmetric = np.isclose(v, np.swapaxes(v, -1, -2), atol=1e-6).all(axis=(-1, -2))
        eig = np.linalg.eigvalsh(np.where(symmetric[..., None, None], v, np.eye(v.shape[-1])))
        return tensor(symmetric & (eig > 0).all(-1))


dependent = _Dependent()
real = _Real()
real_vector = _IndependentReal()
boolean = _Boolean()
positive = _GreaterThan(0.0)
nonnegative = _GreaterThanEq(0.0)
unit_interval = _Interval(0.0, 1.0)
nonnegative_integer = _IntegerGreaterThan(0)
simplex = _Simplex()
one_hot = _OneHot()
lower_cholesky = _LowerCholesky()
positive_definite = _PositiveDefinite()
greater_than = _GreaterThan
greater_than_eq = _GreaterThanEq
less_than = _LessThan
interval = _Interval
half_open_interval = _HalfOpenInterval
integer_interval = _IntegerInterval
