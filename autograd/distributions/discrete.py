"""Bernoulli, Categorical and OneHotCategorical, parameterized by ``probs`` or ``logits``."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..factories import full, tensor
from ..mode import no_grad
from ..ops.activation import softplus
from ..ops.reshape_more import broadcast_tensors
from ..sampling import bernoulli, multinomial
from ..tensor import Tensor
from ..torch_names import Size, finfo
from . import constraints
from .distribution import Distribution, broadcast_all, lazy_property


def _one_of(probs: Any, logits: Any) -> None:
    if (probs is None) == (logits is None):
        raise ValueError("Either `probs` or `logits` must be specified, but not both.")


def clamp_probs(probs: Tensor) -> Tensor:
    """Probabilities clamped to ``[eps, 1 - eps]`` of their dtype, so their logs are finite."""
    eps = float(finfo(probs.dtype).eps)
    return probs.clamp(min=eps, max=1 - eps)


def probs_to_logits(probs: Tensor, is_binary: bool = False) -> Tensor:
    """Logits from probabilities: ``log p - log(1 - p)`` when binary, else ``log p``."""
    p = clamp_probs(probs)
    return p.log() - (-p).log1p() if is_binary else p.log()


class Bernoulli(Distribution):
    """A draw of 1 with probability ``probs`` (or ``sigmoid(logits)``) and 0 otherwise.

    Args:
        probs: the probability of 1, in ``[0, 1]``.
        logits: the log-odds of 1 (give exactly one of ``probs`` and ``logits``).
        validate_args: check the parameter and that ``log_prob``'s values are 0 or 1.

    Example:
        >>> import autograd as ag
        >>> d = ag.distributions.Bernoulli(probs=ag.tensor([0.25, 0.5]))
        >>> [round(v, 4) for v in d.log_prob(ag.tensor([1.0, 0.0])).tolist()]
        [-1.3863, -0.6931]
    """

    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.boolean
    has_enumerate_support = True

    def __init__(self, probs: Any = None, logits: Any = None,
                 validate_args: bool | None = None) -> None:
        _one_of(probs, logits)
        if probs is not None:
            (self.probs,) = broadcast_all(probs)
        else:
            (self.logits,) = broadcast_all(logits)
        self._param = self.probs if probs is not None else self.logits
        super().__init__(self._param.shape, validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> Bernoulli:
        new = self._get_checked_instance(Bernoulli, _instance)
        shape = tuple(batch_shape)
        if "probs" in self.__dict__:
            new.probs = self.probs.expand(shape)
            new._param = new.probs
        if "logits" in self.__dict__:
            new.logits = self.logits.expand(shape)
            new._param = new.logits
        Distribution.__init__(new, shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @lazy_property
    def logits(self) -> Tensor:
        """The log-odds of 1."""
        return probs_to_logits(self.probs, is_binary=True)

    @lazy_property
    def probs(self) -> Tensor:
        """The probability of 1."""
        return self.logits.sigmoid()

    @property
    def param_shape(self) -> Size:
        return Size(self._param.shape)

    @property
    def mean(self) -> Tensor:
        return self.probs

    @property
    def mode(self) -> Tensor:
        p = self.probs.detach()
        return tensor(np.where(p.numpy() == 0.5, np.nan, (p.numpy() >= 0.5)), dtype=p.dtype)

    @property
    def variance(self) -> Tensor:
        return self.probs * (1 - self.probs)

    def sample(self, sample_shape: Any = ()) -> Tensor:
        with no_grad():
            return bernoulli(self.probs.expand(self._extended_shape(sample_shape)))

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        logits, value = broadcast_all(self.logits, value)
        return value * logits - softplus(logits)

    def entropy(self) -> Tensor:
        return softplus(self.logits) - self.probs * self.logits

    def enumerate_support(self, expand: bool = True) -> Tensor:
        """The values 0 and 1, shape ``(2,) + batch_shape`` (or ``(2, 1, ...)`` unexpanded)."""
        values = tensor([0.0, 1.0], dtype=self._param.dtype)
        values = values.reshape((2,) + (1,) * len(self.batch_shape))
        return values.expand((2,) + tuple(self.batch_shape)) if expand else values


class Categorical(Distribution):
    """A draw of an index in ``0 .. K-1`` with probabilities ``probs`` along the last dimension.

    ``probs`` need not sum to 1 (they are normalized); ``logits`` are unnormalized log
    probabilities (normalized by subtracting their ``logsumexp``).

    Args:
        probs: non-negative weights, shape ``batch_shape + (K,)``.
        logits: log weights (give exactly one of ``probs`` and ``logits``).
        validate_args: check the parameter and that ``log_prob``'s values are indices.

    Example:
        >>> import autograd as ag
        >>> d = ag.distributions.Categorical(probs=ag.tensor([1.0, 3.0]))
        >>> d.probs.tolist(), round(d.log_prob(ag.tensor(1)).item(), 4)
        ([0.25, 0.75], -0.2877)
    """

    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}
    has_enumerate_support = True

    def __init__(self, probs: Any = None, logits: Any = None,
                 validate_args: bool | None = None) -> None:
        _one_of(probs, logits)
        if probs is not None:
            if probs.dim() < 1:
                raise ValueError("`probs` parameter must be at least one-dimensional.")
            self.probs = probs / probs.sum(-1, keepdim=True)
        else:
            if logits.dim() < 1:
                raise ValueError("`logits` parameter must be at least one-dimensional.")
            self.logits = logits - logits.logsumexp(dim=-1, keepdim=True)
        self._param = self.probs if probs is not None else self.logits
        self._num_events = self._param.shape[-1]
        super().__init__(self._param.shape[:-1], validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> Categorical:
        new = self._get_checked_instance(Categorical, _instance)
        shape = tuple(batch_shape) + (self._num_events,)
        if "probs" in self.__dict__:
            new.probs = self.probs.expand(shape)
            new._param = new.probs
        if "logits" in self.__dict__:
            new.logits = self.logits.expand(shape)
            new._param = new.logits
        new._num_events = self._num_events
        Distribution.__init__(new, tuple(batch_shape), validate_args=False)
        new._validate_args = self._validate_args
        return new

    @property
    def support(self) -> Any:  # type: ignore[override]
        return constraints.integer_interval(0, self._num_events - 1)

    @lazy_property
    def logits(self) -> Tensor:
        """Normalized log probabilities."""
        return probs_to_logits(self.probs)

    @lazy_property
    def probs(self) -> Tensor:
        """Normalized probabilities."""
        return self.logits.softmax(-1)

    @property
    def param_shape(self) -> Size:
        return Size(self._param.shape)

    @property
    def mean(self) -> Tensor:
        return full(self._extended_shape(), float("nan"), dtype=self.probs.dtype)

    @property
    def mode(self) -> Tensor:
        return self.probs.argmax(-1)

    @property
    def variance(self) -> Tensor:
        return full(self._extended_shape(), float("nan"), dtype=self.probs.dtype)

    def sample(self, sample_shape: Any = ()) -> Tensor:
        n = int(np.prod(tuple(Size(sample_shape)), dtype=np.int64))
        with no_grad():
            probs_2d = self.probs.reshape(-1, self._num_events)
            draws = multinomial(probs_2d, n, True).T if n else probs_2d[:, :0].long().T
            return draws.reshape(self._extended_shape(sample_shape))

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        index = value.long().unsqueeze(-1)
        index, log_pmf = broadcast_tensors(index, self.logits)
        return log_pmf.gather(-1, index[..., :1]).squeeze(-1)

    def entropy(self) -> Tensor:
        logits = self.logits.clamp(min=float(finfo(self.logits.dtype).min))
        return -(logits * self.probs).sum(-1)

    def enumerate_support(self, expand: bool = True) -> Tensor:
        """Every index, shape ``(K,) + batch_shape`` (or ``(K, 1, ...)`` unexpanded)."""
        k = self._num_events
        values = tensor(np.arange(k)).reshape((k,) + (1,) * len(self.batch_shape))
        return values.expand((k,) + tuple(self.batch_shape)) if expand else values


class OneHotCategorical(Distribution):
    """A Categorical draw written as a one-hot vector of length ``K``.

    Args:
        probs: non-negative weights, shape ``batch_shape + (K,)``.
        logits: log weights (give exactly one of ``probs`` and ``logits``).
        validate_args: check the parameter and that ``log_prob``'s values are one-hot.

    Shape:
        ``event_shape`` is ``(K,)``.

    Example:
        >>> import autograd as ag
        >>> d = ag.distributions.OneHotCategorical(probs=ag.tensor([1.0, 3.0]))
        >>> round(d.log_prob(ag.tensor([0.0, 1.0])).item(), 4), tuple(d.sample((5,)).shape)
        (-0.2877, (5, 2))
    """

    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}
    support = constraints.one_hot
    has_enumerate_support = True

    def __init__(self, probs: Any = None, logits: Any = None,
                 validate_args: bool | None = None) -> None:
        self._categorical = Categorical(probs, logits, validate_args=validate_args)
        super().__init__(self._categorical.batch_shape, self._categorical.param_shape[-1:],
                         validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> OneHotCategorical:
        new = self._get_checked_instance(OneHotCategorical, _instance)
        new._categorical = self._categorical.expand(batch_shape)
        Distribution.__init__(new, tuple(batch_shape), self.event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @property
    def _param(self) -> Tensor:
        return self._categorical._param

    @property
    def probs(self) -> Tensor:
        return self._categorical.probs

    @property
    def logits(self) -> Tensor:
        return self._categorical.logits

    @property
    def param_shape(self) -> Size:
        return self._categorical.param_shape

    @property
    def mean(self) -> Tensor:
        return self.probs

    @property
    def mode(self) -> Tensor:
        return self._one_hot(self._categorical.mode)

    @property
    def variance(self) -> Tensor:
        return self.probs * (1 - self.probs)

    def _one_hot(self, index: Tensor) -> Tensor:
        k = self.event_shape[0]
        return tensor(np.eye(k)[index.numpy()], dtype=self.probs.dtype)

    def sample(self, sample_shape: Any = ()) -> Tensor:
        return self._one_hot(self._categorical.sample(sample_shape))

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        return self._categorical.log_prob(value.argmax(-1))

    def entropy(self) -> Tensor:
        return self._categorical.entropy()

    def enumerate_support(self, expand: bool = True) -> Tensor:
        """Every one-hot vector, shape ``(K,) + batch_shape + (K,)``."""
        k = self.event_shape[0]
        values = tensor(np.eye(k), dtype=self._param.dtype)
        values = values.reshape((k,) + (1,) * len(self.batch_shape) + (k,))
        return values.expand((k,) + tuple(self.batch_shape) + (k,)) if expand else values

    def __repr__(self) -> str:
        return repr(self._categorical).replace("Categorical", "OneHotCategorical", 1)
