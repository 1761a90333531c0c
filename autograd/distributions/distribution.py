"""The base class every distribution builds on (``torch.distributions.Distribution``)."""
from __future__ import annotations

from typing import Any

from ..dtypes import get_default_dtype
from ..factories import tensor
from ..mode import no_grad
from ..ops.reshape_more import broadcast_tensors
from ..tensor import Tensor
from ..torch_names import Size
from . import constraints


class lazy_property:  # noqa: N801  (PyTorch's name)
    """A property computed on first access and then stored on the instance (``probs`` from
    ``logits`` and the reverse), so a distribution built from one never computes the other
    unless asked."""

    def __init__(self, fn: Any) -> None:
        self.fn = fn
        self.__doc__ = fn.__doc__

    def __get__(self, instance: Any, owner: Any = None) -> Any:
        if instance is None:
            return self
        value = self.fn(instance)
        instance.__dict__[self.fn.__name__] = value
        return value


def broadcast_all(*values: Any) -> tuple:
    """Tensors of one broadcast shape from tensors and Python numbers (numbers take the
    default dtype, or the dtype of the first tensor among the values).

    Example:
        >>> import autograd as ag
        >>> a, b = broadcast_all(ag.zeros(2, 1), 1.0)
        >>> tuple(a.shape), tuple(b.shape)
        ((2, 1), (2, 1))
    """
    like = next((v for v in values if isinstance(v, Tensor)), None)
    dtype = like.dtype if like is not None and like.is_floating_point() else get_default_dtype()
    as_tensors = [v if isinstance(v, Tensor) else tensor(v, dtype=dtype) for v in values]
    return tuple(broadcast_tensors(*as_tensors))


def _shown(param: Tensor) -> Any:
    """A parameter as PyTorch's repr shows it: one element as its number, else its size."""
    return param.item() if param.numel() == 1 else Size(param.shape)


def _shown_value(value: Tensor) -> Any:
    """Invalid values as PyTorch's message shows them: a 0-d tensor as its number."""
    return value.item() if value.dim() == 0 else value


class Distribution:
    """A probability distribution over a batch of independent events.

    Args:
        batch_shape: the shape of independent, differently-parameterized draws.
        event_shape: the shape of one draw.
        validate_args: check parameters (at construction) and values (in ``log_prob``);
            default :meth:`set_default_validate_args` (on, as in PyTorch).

    Shape:
        ``sample(sample_shape)`` is ``sample_shape + batch_shape + event_shape``;
        ``log_prob(value)`` is ``value``'s shape without ``event_shape``.

    Example:
        >>> import autograd as ag
        >>> d = ag.distributions.Normal(ag.zeros(3), 1.0)
        >>> d.batch_shape, d.event_shape, tuple(d.sample((2,)).shape)
        (torch.Size([3]), torch.Size([]), (2, 3))
    """

    has_rsample = False
    has_enumerate_support = False
    arg_constraints: dict[str, Any] = {}
    support: Any = None
    _validate_args = True

    @staticmethod
    def set_default_validate_args(value: bool) -> None:
        """Turn argument validation on or off for distributions built afterwards."""
        if value not in (True, False):
            raise ValueError
        Distribution._validate_args = value

    def __init__(self, batch_shape: Any = (), event_shape: Any = (),
                 validate_args: bool | None = None) -> None:
        self._batch_shape = Size(batch_shape)
        self._event_shape = Size(event_shape)
        if validate_args is not None:
            self._validate_args = validate_args
        if self._validate_args:
            self._check_parameters()

    def _check_parameters(self) -> None:
        for param, constraint in self.arg_constraints.items():
            if constraints.is_dependent(constraint):
                continue
            if param not in self.__dict__ and isinstance(getattr(type(self), param), lazy_property):
                continue  # the parameter was not given; checking would compute it
            value = getattr(self, param)
            if not bool(constraint.check(value).all()):
                raise ValueError(
                    f"Expected parameter {param} ({type(value).__name__} of shape "
                    f"{tuple(value.shape)}) of distribution {self!r} to satisfy the constraint "
                    f"{constraint!r}, but found invalid values:\n{_shown_value(value)}")

    @property
    def batch_shape(self) -> Size:
        """The shape over which parameters are batched."""
        return self._batch_shape

    @property
    def event_shape(self) -> Size:
        """The shape of a single sample (without batching)."""
        return self._event_shape

    def _extended_shape(self, sample_shape: Any = ()) -> tuple:
        return tuple(Size(sample_shape)) + tuple(self._batch_shape) + tuple(self._event_shape)

    def sample(self, sample_shape: Any = ()) -> Tensor:
        """Draw without gradient; shape ``sample_shape + batch_shape + event_shape``."""
        with no_grad():
            return self.rsample(sample_shape)

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        """A reparameterized draw: differentiable in the parameters."""
        raise NotImplementedError

    def sample_n(self, n: int) -> Tensor:
        """``sample((n,))``."""
        return self.sample((n,))

    def log_prob(self, value: Tensor) -> Tensor:
        """The log of the density (or mass) at ``value``."""
        raise NotImplementedError

    def cdf(self, value: Tensor) -> Tensor:
        """The cumulative distribution function at ``value``."""
        raise NotImplementedError

    def icdf(self, value: Tensor) -> Tensor:
        """The inverse cumulative distribution function at ``value``."""
        raise NotImplementedError

    def entropy(self) -> Tensor:
        """The entropy, one value per batch element."""
        raise NotImplementedError

    def perplexity(self) -> Tensor:
        """``exp(entropy())``."""
        return self.entropy().exp()

    @property
    def mean(self) -> Tensor:
        """The mean of each batch element."""
        raise NotImplementedError(f"{type(self).__name__} does not implement mean")

    @property
    def mode(self) -> Tensor:
        """The most likely value of each batch element."""
        raise NotImplementedError(f"{type(self).__name__} does not implement mode")

    @property
    def variance(self) -> Tensor:
        """The variance of each batch element."""
        raise NotImplementedError(f"{type(self).__name__} does not implement variance")

    @property
    def stddev(self) -> Tensor:
        """The square root of the variance."""
        return self.variance.sqrt()

    def expand(self, batch_shape: Any, _instance: Any = None) -> Distribution:
        """The same distribution with its parameters broadcast to ``batch_shape``."""
        raise NotImplementedError

    def _get_checked_instance(self, cls: type, _instance: Any = None) -> Any:
        if _instance is None and type(self).__init__ != cls.__init__:  # type: ignore[misc]
            raise NotImplementedError(
                f"Subclass {type(self).__name__} of {cls.__name__} that defines a custom "
                "__init__ method must also define a custom .expand() method.")
        return object.__new__(type(self)) if _instance is None else _instance

    def _validate_sample(self, value: Any) -> None:
        if not isinstance(value, Tensor):
            raise ValueError("The value argument to log_prob must be a Tensor")
        event_dim = len(self._event_shape)
        if tuple(value.shape[len(value.shape) - event_dim:]) != tuple(self._event_shape):
            raise ValueError("The right-most size of value must match event_shape: "
                             f"{value.size()} vs {self._event_shape}.")
        actual = tuple(value.shape)
        expected = tuple(self._batch_shape) + tuple(self._event_shape)
        for i, j in zip(reversed(actual), reversed(expected)):
            if i != 1 and j != 1 and i != j:
                raise ValueError("Value is not broadcastable with batch_shape+event_shape: "
                                 f"{Size(actual)} vs {Size(expected)}.")
        support = self.support
        if not bool(support.check(value).all()):
            raise ValueError(
                f"Expected value argument ({type(value).__name__} of shape "
                f"{tuple(value.shape)}) to be within the support ({support!r}) of the "
                f"distribution {self!r}, but found invalid values:\n{_shown_value(value)}")

    def __repr__(self) -> str:
        names = [p for p in self.arg_constraints if p in self.__dict__]
        args = ", ".join(
            f"{p}: {_shown(self.__dict__[p])}"
            for p in names)
        return f"{type(self).__name__}({args})"
