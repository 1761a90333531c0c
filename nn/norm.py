"""Normalization layers: batch_norm, layer_norm, group_norm and their modules.

All three standardise ``x`` over some axes, ``xhat = (x - mean) / sqrt(var + eps)``
(biased variance), then apply an affine map ``y = weight * xhat + bias`` with
parameters that broadcast against ``x`` (per channel, or per element). Both
steps are one fused op, :class:`Normalize`.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from autograd.function import Function
from autograd.mode import is_grad_enabled, no_grad
from autograd.tensor import Tensor
from autograd.version import increment_version

from . import init
from ._checks import check_size
from ._factory import check_device
from .module import Module, Parameter

__all__ = [
    "Normalize", "normalize", "batch_norm", "layer_norm", "group_norm",
    "BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "LayerNorm", "GroupNorm",
]


def _stats(x: np.ndarray, axes: tuple) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean, biased variance (both keepdims) and ``x - mean``.

    Two passes, so no catastrophic cancellation as in E[x^2] - E[x]^2.
    """
    mean = x.mean(axis=axes, keepdims=True)
    xc = x - mean
    sq = np.square(xc)
    var = sq.mean(axis=axes, keepdims=True)
    return mean, var, xc


def _sum_to(a: np.ndarray, shape: tuple) -> np.ndarray:
    """Sum a broadcast result back to ``shape`` (numpy's trailing alignment)."""
    lead = a.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(lead + i for i, s in enumerate(shape)
                                      if s == 1 and a.shape[lead + i] != 1)
    return a.sum(axis=axes, keepdims=True).reshape(shape) if axes else a


class _Stats:
    """Batch statistics handed to :class:`Normalize` (a short label in graph drawings)."""

    __slots__ = ("arrays",)

    def __init__(self, arrays: tuple) -> None:
        self.arrays = arrays

    def __repr__(self) -> str:
        return "batch statistics"


def _per_slice(shape: tuple, xshape: tuple, axes: tuple) -> bool:
    """True when parameters of ``shape`` are constant along ``axes`` and full along the rest."""
    full = (1,) * (len(xshape) - len(shape)) + tuple(shape)
    return all(full[a] == 1 if a in axes else full[a] == xshape[a] for a in range(len(xshape)))


class Normalize(Function):
    """``y = weight * (x - mean) / sqrt(var + eps) + bias``, statistics over ``axes``, as one node.

    Fused for speed and stability. Written with primitives this is about ten
    nodes, each a full pass over ``x`` forward and again backward, with the
    variance recomputed. Here forward keeps ``xhat`` and ``1/std``, and
    backward is the closed form (with ``gh = g * weight``)
    ``gx = (gh - mean(gh) - xhat * mean(gh * xhat)) / std``,
    ``gweight = sum(g * xhat)``, ``gbias = sum(g)``; for batch norm, whose
    parameters are constant along ``axes``, the two means are the parameter
    gradients rescaled, so backward makes four passes over the data.

    Backward that is not being recorded runs on the arrays directly. When it
    is recorded (``create_graph=True``) it recomputes ``xhat`` and ``1/std``
    from ``x`` with Tensor ops instead, so second derivatives are exact.

    Args (of ``apply``): x, weight, bias (Tensors or None, broadcastable
    against ``x``), axes, eps, and optionally ``_Stats(_stats(x, axes))`` when
    the caller needs the statistics too (its ``x - mean`` is reused in place).
    """

    broadcasts = True  # weight and bias broadcast against x

    @staticmethod
    def forward(ctx, x, w, b, axes, eps, stats=None):
        _, var, xhat = _stats(x, axes) if stats is None else stats.arrays
        invstd = (1.0 / np.sqrt(var + eps)).astype(x.dtype, copy=False)
        xhat *= invstd  # in place on x - mean: big temporaries cost page faults
        ctx.axes, ctx.eps, ctx.invstd, ctx.xhat = axes, eps, invstd, xhat
        ctx.w_shape = None if w is None else w.shape
        ctx.b_shape = None if b is None else b.shape
        if w is None and b is None:
            # the output is xhat itself: saving it lets an in-place change of it raise
            ctx.save_for_backward(x, w, xhat)
            return xhat
        ctx.save_for_backward(x, w)
        y = np.multiply(xhat, w) if w is not None else xhat.copy()
        if b is not None:
            y += b
        return y

    @staticmethod
    def backward(ctx, g):
        x, w = ctx.saved_tensors[:2]
        if is_grad_enabled():
            return Normalize._backward_recorded(ctx, g, x, w)
        axes, xhat, invstd = ctx.axes, ctx.xhat, ctx.invstd
        ga = g.array
        n = xhat.size // invstd.size  # values per statistic
        gw = _sum_to(ga * xhat, ctx.w_shape) if ctx.w_shape is not None else None
        gb = _sum_to(ga, ctx.b_shape) if ctx.b_shape is not None else None
        gx = None
        if ctx.needs_input_grad[0]:
            shared = (ctx.w_shape is not None and ctx.b_shape == ctx.w_shape
                      and _per_slice(ctx.w_shape, xhat.shape, axes))
            if shared:  # batch norm: the means are the parameter gradients rescaled
                wa = w.array
                m1 = (wa * gb / n).reshape(invstd.shape)
                m2 = (wa * gw / n).reshape(invstd.shape)
                gh = ga * wa
            else:
                gh = ga * w.array if w is not None else ga.copy()
                m1 = gh.mean(axis=axes, keepdims=True)
                m2 = (gh * xhat).mean(axis=axes, keepdims=True)
            gx = gh  # (gh - m1 - xhat * m2) * invstd, in place
            gx -= m1
            gx -= np.multiply(xhat, m2)
            gx *= invstd
        wrap = lambda a: None if a is None else Tensor._make(a)  # noqa: E731
        return wrap(gx), wrap(gw), wrap(gb), None, None, None

    @staticmethod
    def _backward_recorded(ctx, g, x, w):
        axes = ctx.axes
        mean = x.mean(axes, keepdim=True)
        xc = x - mean
        invstd = 1.0 / ((xc * xc).mean(axes, keepdim=True) + ctx.eps).sqrt()
        xhat = xc * invstd
        gh = g * w if w is not None else g
        gx = (gh - gh.mean(axes, keepdim=True)
              - xhat * (gh * xhat).mean(axes, keepdim=True)) * invstd
        gw = g * xhat if ctx.w_shape is not None else None  # the engine sums to w's shape
        gb = g if ctx.b_shape is not None else None
        return gx, gw, gb, None, None, None


def normalize(x: Tensor, axes: Sequence[int], eps: float = 1e-5) -> Tensor:
    """Standardise ``x`` to zero mean and unit (biased) variance over ``axes``.

    Example:
        >>> import autograd as ag
        >>> y = normalize(ag.tensor([[1.0, 2.0, 3.0]]), axes=(1,))
        >>> [round(v, 3) for v in y.tolist()[0]]
        [-1.225, 0.0, 1.225]
    """
    axes = tuple(sorted(a % x.ndim for a in axes))
    return Normalize.apply(x, None, None, axes, float(eps), None)


def _param(p: Tensor | None, shape: tuple) -> Tensor | None:
    return None if p is None else p.reshape(shape)


def _check_channels(x: Tensor, c: int, who: str, what: str) -> None:
    if x.ndim < 2 or x.shape[1] != c:
        raise ValueError(f"{who}: expected input of shape (N, {c}, *), got {tuple(x.shape)} "
                         f"({what} has {c} channels)")


def batch_norm(input: Tensor, running_mean: Tensor | None, running_var: Tensor | None,  # noqa: A002
               weight: Tensor | None = None, bias: Tensor | None = None, training: bool = False,
               momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Batch normalization over every dim but the channel dim 1 (Ioffe & Szegedy, 2015).

    In training, each channel is standardised with the batch's mean and biased
    variance, and the running statistics (when given) are updated in place:
    ``running = (1 - momentum) * running + momentum * batch_stat``, with the
    *unbiased* batch variance, as PyTorch. Otherwise the running statistics are used.

    Args:
        input: ``(N, C)``, ``(N, C, L)``, ``(N, C, H, W)`` or ``(N, C, D, H, W)``.
        running_mean, running_var: ``(C,)`` buffers, or None.
        weight, bias: ``(C,)`` affine parameters, or None.
        training: use batch statistics (and update the running ones).
        momentum: weight of the new batch in the running average.
        eps: added to the variance for stability.

    Example:
        >>> import autograd as ag
        >>> x = ag.tensor([[1.0], [3.0]])
        >>> rm, rv = ag.zeros(1), ag.ones(1)
        >>> batch_norm(x, rm, rv, training=True).tolist()
        [[-0.999...], [0.999...]]
        >>> rm.tolist(), rv.tolist()
        ([0.2...], [1.1...])
    """
    x = input
    c = x.shape[1] if x.ndim >= 2 else 0
    if x.ndim < 2:
        raise ValueError(f"batch_norm: expected input of shape (N, C, *), got {tuple(x.shape)}")
    axes = (0,) + tuple(range(2, x.ndim))
    shape = (1, c) + (1,) * (x.ndim - 2)
    for what, t in (("running_mean", running_mean), ("running_var", running_var),
                    ("weight", weight), ("bias", bias)):
        if t is not None and tuple(t.shape) != (c,):
            raise ValueError(f"batch_norm: {what} of shape {tuple(t.shape)} does not fit "
                             f"{c} channels (input of shape {tuple(x.shape)}); expected ({c},)")
    if training:
        count = x.array.size // max(c, 1)
        if count <= 1:
            raise ValueError(f"batch_norm: expected more than 1 value per channel when "
                             f"training, got input of shape {tuple(x.shape)}")
        stats = _Stats(_stats(x.array, axes))
        mean, var = stats.arrays[0], stats.arrays[1]
        y = Normalize.apply(x, _param(weight, shape), _param(bias, shape), axes, float(eps),
                            stats)
        with no_grad():
            if running_mean is not None:
                rm = running_mean.array
                rm *= 1 - momentum
                rm += (momentum * mean.reshape(c)).astype(rm.dtype, copy=False)
                increment_version(running_mean)
            if running_var is not None:
                rv = running_var.array
                rv *= 1 - momentum
                rv += (momentum * var.reshape(c) * (count / (count - 1))).astype(rv.dtype,
                                                                                   copy=False)
                increment_version(running_var)
    else:
        if running_mean is None or running_var is None:
            raise ValueError("batch_norm: running_mean and running_var are needed when "
                             "training=False")
        mu = Tensor._make(running_mean.array.reshape(shape).astype(x.dtype, copy=False))
        inv = 1.0 / np.sqrt(running_var.array.reshape(shape) + eps)
        y = (x - mu) * Tensor._make(inv.astype(x.dtype, copy=False))
        if weight is not None:
            y = y * weight.reshape(shape)
        if bias is not None:
            y = y + bias.reshape(shape)
    return y


def layer_norm(input: Tensor, normalized_shape: Sequence[int], weight: Tensor | None = None,  # noqa: A002
               bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:
    """Layer normalization over the trailing ``normalized_shape`` dims (Ba et al., 2016).

    Args:
        input: ``(*, *normalized_shape)``.
        normalized_shape: the trailing dims to standardise over.
        weight, bias: of shape ``normalized_shape``, or None.

    Example:
        >>> import autograd as ag
        >>> y = layer_norm(ag.tensor([[0.0, 4.0], [1.0, 1.0]]), (2,))
        >>> [[round(v, 3) for v in r] for r in y.tolist()]
        [[-1.0, 1.0], [0.0, 0.0]]
    """
    ns = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    k = len(ns)
    if k == 0 or tuple(input.shape[input.ndim - k:]) != ns or input.ndim < k:
        raise ValueError(f"layer_norm: input of shape {tuple(input.shape)} does not end with "
                         f"normalized_shape {ns}")
    axes = tuple(range(input.ndim - k, input.ndim))
    return Normalize.apply(input, _param(weight, ns), _param(bias, ns), axes, float(eps))


def group_norm(input: Tensor, num_groups: int, weight: Tensor | None = None,  # noqa: A002
               bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:
    """Group normalization: standardise each sample over groups of channels (Wu & He, 2018).

    Args:
        input: ``(N, C, *)`` with ``C`` divisible by ``num_groups``.
        num_groups: number of channel groups.
        weight, bias: ``(C,)`` per-channel affine parameters, or None.
    """
    x = input
    if x.ndim < 2 or x.shape[1] % num_groups:
        raise ValueError(f"group_norm: input of shape {tuple(x.shape)} must be (N, C, *) with C "
                         f"divisible by num_groups={num_groups}")
    n, c = x.shape[0], x.shape[1]
    g = num_groups
    xg = x.reshape(n, g, c // g, -1)  # (N, G, C/G, spatial)
    pshape = (1, g, c // g, 1)  # per-channel parameters in the grouped layout
    y = Normalize.apply(xg, _param(weight, pshape), _param(bias, pshape), (2, 3), float(eps))
    return y.reshape(x.shape)  # (N, C, *)


# --------------------------------------------------------------------- modules
def _affine_parameters(module: Module, affine: bool, bias: bool, channels: int,
                       dt: np.dtype) -> None:
    """A per-channel ``weight`` (ones) with ``affine``, and a ``bias`` (zeros) if ``bias`` too."""
    module.register_parameter("weight", Parameter(np.ones(channels, dt)) if affine else None)
    module.register_parameter("bias", Parameter(np.zeros(channels, dt))
                              if affine and bias else None)


class _BatchNorm(Module):
    _ndims: tuple = ()

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = True, track_running_stats: bool = True,
                 device: Any = None, dtype: Any = None, *, bias: bool = True) -> None:
        super().__init__()
        check_device(device, type(self).__name__)
        if not isinstance(num_features, (int, np.integer)) or num_features <= 0:
            raise ValueError(f"{type(self).__name__}: num_features must be a positive int, "
                             f"got {num_features!r}")
        if momentum is not None and not 0.0 <= momentum <= 1.0:
            raise ValueError(f"{type(self).__name__}: momentum must be in [0, 1] or None, "
                             f"got {momentum!r}")
        dt = np.dtype(np.float32 if dtype is None else dtype)
        self.num_features, self.eps, self.momentum = int(num_features), float(eps), momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        _affine_parameters(self, affine, bias, num_features, dt)
        if track_running_stats:
            self.register_buffer("running_mean", Tensor._make(np.zeros(num_features, dt)))
            self.register_buffer("running_var", Tensor._make(np.ones(num_features, dt)))
            self.register_buffer("num_batches_tracked", Tensor._make(np.array(0, np.int64)))
        else:
            for name in ("running_mean", "running_var", "num_batches_tracked"):
                self.register_buffer(name, None)

    def reset_running_stats(self) -> None:
        if self.track_running_stats:
            self.running_mean.array[...] = 0
            self.running_var.array[...] = 1
            self.num_batches_tracked.array[...] = 0

    def reset_parameters(self) -> None:
        self.reset_running_stats()
        if self.weight is not None:
            init.ones_(self.weight)
        if self.bias is not None:
            init.zeros_(self.bias)

    def forward(self, x: Tensor) -> Tensor:
        if x.ndim not in self._ndims:
            dims = " or ".join(f"{d}-D" for d in self._ndims)
            raise ValueError(f"{type(self).__name__}: expected a {dims} input, got shape "
                             f"{tuple(x.shape)}")
        _check_channels(x, self.num_features, type(self).__name__, "the layer")
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats:
            self.num_batches_tracked.array += 1
            if self.momentum is None:  # cumulative moving average
                factor = 1.0 / float(self.num_batches_tracked.array)
        use_batch = self.training or self.running_mean is None
        track = not self.training or self.track_running_stats
        return batch_norm(x, self.running_mean if track else None,
                          self.running_var if track else None, self.weight, self.bias,
                          use_batch, factor, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, bias={self.bias is not None}, "
                f"track_running_stats={self.track_running_stats}")


class BatchNorm1d(_BatchNorm):
    """Batch normalization of ``(N, C)`` or ``(N, C, L)`` inputs, per channel.

    Args:
        num_features: ``C``.
        eps: added to the variance.
        momentum: weight of each new batch in the running statistics; None
            gives the cumulative average over all batches so far.
        affine: learn ``weight`` (init 1) and ``bias`` (init 0).
        track_running_stats: keep ``running_mean``, ``running_var`` and
            ``num_batches_tracked`` buffers and use them in eval mode.
        bias: with ``affine``, learn the bias too (keyword only, as PyTorch 2.13).

    Shape:
        - Input: ``(N, C)`` or ``(N, C, L)``; Output: the same.

    Example:
        >>> import autograd as ag, nn
        >>> _ = ag.manual_seed(0)
        >>> bn = BatchNorm1d(3)
        >>> y = bn(ag.randn(8, 3) * 5 + 2)
        >>> [abs(round(v, 3)) for v in y.mean(0).tolist()]
        [0.0, 0.0, 0.0]
        >>> list(bn.state_dict())
        ['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']
    """

    _ndims = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Batch normalization of ``(N, C, H, W)`` images, per channel (statistics over N, H, W).

    Args: as :class:`BatchNorm1d`.

    Shape:
        - Input: ``(N, C, H, W)``; Output: the same.

    Example:
        >>> import autograd as ag, nn
        >>> bn = BatchNorm2d(4).eval()
        >>> bn(ag.randn(2, 4, 5, 5)).shape
        (2, 4, 5, 5)
    """

    _ndims = (4,)


class BatchNorm3d(_BatchNorm):
    """Batch normalization of ``(N, C, D, H, W)`` volumes, per channel (over N, D, H, W).

    Args: as :class:`BatchNorm1d`.

    Shape:
        - Input: ``(N, C, D, H, W)``; Output: the same.

    Example:
        >>> import autograd as ag
        >>> BatchNorm3d(2)(ag.randn(2, 2, 3, 3, 3)).shape
        (2, 2, 3, 3, 3)
    """

    _ndims = (5,)


class LayerNorm(Module):
    """Layer normalization over the trailing ``normalized_shape`` dims.

    Args:
        normalized_shape: int or tuple, the trailing dims.
        eps: added to the variance.
        elementwise_affine: learn ``weight`` (init 1) and ``bias`` (init 0) of that shape.
        bias: learn the bias (when affine).

    Shape:
        - Input: ``(*, *normalized_shape)``; Output: the same.

    Example:
        >>> import autograd as ag
        >>> LayerNorm(8)(ag.randn(2, 5, 8)).shape
        (2, 5, 8)
    """

    def __init__(self, normalized_shape: int | Sequence[int], eps: float = 1e-5,
                 elementwise_affine: bool = True, bias: bool = True, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__()
        check_device(device, type(self).__name__)
        ns = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
        for size in ns:
            check_size("LayerNorm", "normalized_shape", size)
        self.normalized_shape, self.eps = tuple(int(s) for s in ns), float(eps)
        self.elementwise_affine = elementwise_affine
        dt = np.dtype(np.float32 if dtype is None else dtype)
        if elementwise_affine:
            self.weight = Parameter(np.ones(self.normalized_shape, dt))
            if bias:
                self.bias = Parameter(np.zeros(self.normalized_shape, dt))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    def forward(self, x: Tensor) -> Tensor:
        return layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}, bias={self.bias is not None}")


class GroupNorm(Module):
    """Group normalization: per sample, over groups of ``num_channels // num_groups`` channels.

    Args:
        num_groups: number of groups (divides ``num_channels``).
        num_channels: ``C``.
        eps: added to the variance.
        affine: learn per-channel ``weight`` (init 1) and ``bias`` (init 0).
        bias: with ``affine``, learn the bias too (keyword only).

    Shape:
        - Input: ``(N, C, *)``; Output: the same.

    Example:
        >>> import autograd as ag
        >>> GroupNorm(2, 6)(ag.randn(3, 6, 4, 4)).shape
        (3, 6, 4, 4)
    """

    def __init__(self, num_groups: int, num_channels: int, eps: float = 1e-5,
                 affine: bool = True, device: Any = None, dtype: Any = None, *,
                 bias: bool = True) -> None:
        super().__init__()
        check_device(device, type(self).__name__)
        if num_groups <= 0 or num_channels % num_groups:
            raise ValueError(f"GroupNorm: num_channels={num_channels} must be divisible by "
                             f"num_groups={num_groups}")
        self.num_groups, self.num_channels = int(num_groups), int(num_channels)
        self.eps, self.affine = float(eps), affine
        _affine_parameters(self, affine, bias, num_channels,
                           np.dtype(np.float32 if dtype is None else dtype))

    def forward(self, x: Tensor) -> Tensor:
        _check_channels(x, self.num_channels, "GroupNorm", "the layer")
        return group_norm(x, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.num_groups}, {self.num_channels}, eps={self.eps}, "
                f"affine={self.affine}, bias={self.bias is not None}")
