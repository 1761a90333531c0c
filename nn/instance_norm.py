"""Instance normalization (Ulyanov et al., 2016): each sample's channel standardised alone.

``y = (x - mean) / sqrt(var + eps) * weight + bias`` with the mean and biased
variance of one ``(n, c)`` slice over its spatial dims, the same fused
:class:`nn.norm.Normalize` node as batch and layer norm. PyTorch's defaults:
no affine parameters and no running statistics unless asked for.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from autograd.mode import no_grad
from autograd.tensor import Tensor

from ._factory import check_device, float_dtype
from .module import Module, Parameter
from .norm import Normalize, _Stats, _stats

__all__ = ["instance_norm", "InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d"]


def _update_running(running: Tensor | None, batch: np.ndarray, momentum: float) -> None:
    if running is None:
        return
    with no_grad():
        new = (1 - momentum) * running.array + momentum * batch
        running.copy_(new.astype(running.dtype, copy=False))


def instance_norm(input: Tensor, running_mean: Tensor | None = None,  # noqa: A002
                  running_var: Tensor | None = None, weight: Tensor | None = None,
                  bias: Tensor | None = None, use_input_stats: bool = True,
                  momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Normalise every ``(n, c)`` slice of ``(N, C, *)`` over its spatial dims.

    With ``use_input_stats`` the slice's own statistics are used and the running
    ones (when given) move towards their mean over the batch:
    ``running = (1 - momentum) running + momentum mean_n(stat)``, the variance
    unbiased, as PyTorch; otherwise the running statistics normalise.

    Args:
        input: ``(N, C, *spatial)`` with at least one spatial dim.
        running_mean, running_var: ``(C,)`` buffers, or None.
        weight, bias: ``(C,)`` affine parameters, or None.

    Example:
        >>> import autograd as ag
        >>> y = instance_norm(ag.tensor([[[1.0, 3.0], [0.0, 4.0]]]))
        >>> [[round(v, 3) for v in row] for row in y.tolist()[0]]
        [[-1.0, 1.0], [-1.0, 1.0]]
    """
    x = input
    if x.ndim < 3:
        raise ValueError(f"instance_norm: expected input of shape (N, C, *spatial), got "
                         f"{tuple(x.shape)}")
    c = x.shape[1]
    for what, t in (("running_mean", running_mean), ("running_var", running_var),
                    ("weight", weight), ("bias", bias)):
        if t is not None and tuple(t.shape) != (c,):
            raise ValueError(f"instance_norm: {what} of shape {tuple(t.shape)} does not fit "
                             f"{c} channels (input of shape {tuple(x.shape)})")
    shape = (1, c) + (1,) * (x.ndim - 2)
    axes = tuple(range(2, x.ndim))
    w = None if weight is None else weight.reshape(shape)
    b = None if bias is None else bias.reshape(shape)
    if not use_input_stats:
        if running_mean is None or running_var is None:
            raise ValueError("instance_norm: running_mean and running_var are needed when "
                             "use_input_stats=False")
        mu = running_mean.array.reshape(shape).astype(x.dtype)
        inv = (1.0 / np.sqrt(running_var.array.reshape(shape) + eps)).astype(x.dtype)
        y = (x - Tensor._make(mu)) * Tensor._make(inv)
        y = y * w if w is not None else y
        return y + b if b is not None else y
    count = int(np.prod(x.shape[2:]))
    if count <= 1:
        raise ValueError(f"instance_norm: expected more than 1 spatial element per channel "
                         f"when training, got input of shape {tuple(x.shape)}")
    stats = _Stats(_stats(x.array, axes))
    mean, var = stats.arrays[0].reshape(x.shape[:2]), stats.arrays[1].reshape(x.shape[:2])
    _update_running(running_mean, mean.mean(0), momentum)
    _update_running(running_var, (var * (count / (count - 1))).mean(0), momentum)
    return Normalize.apply(x, w, b, axes, float(eps), stats)


class _InstanceNorm(Module):
    _spatial = 1

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = False, track_running_stats: bool = False, device: Any = None,
                 dtype: Any = None, *, bias: bool = True) -> None:
        super().__init__()
        who = type(self).__name__
        check_device(device, who)
        if not isinstance(num_features, (int, np.integer)) or num_features <= 0:
            raise ValueError(f"{who}: num_features must be a positive int, got {num_features!r}")
        dt = float_dtype(dtype, who)
        self.num_features, self.eps, self.momentum = int(num_features), float(eps), momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        self.use_bias = bias
        if affine:
            self.weight = Parameter(np.ones(num_features, dt))
            if bias:
                self.bias = Parameter(np.zeros(num_features, dt))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if track_running_stats:
            self.register_buffer("running_mean", Tensor._make(np.zeros(num_features, dt)))
            self.register_buffer("running_var", Tensor._make(np.ones(num_features, dt)))
            self.register_buffer("num_batches_tracked", Tensor._make(np.array(0, np.int64)))
        else:
            for name in ("running_mean", "running_var", "num_batches_tracked"):
                self.register_buffer(name, None)

    def forward(self, x: Tensor) -> Tensor:
        who, s = type(self).__name__, self._spatial
        if x.ndim not in (s + 1, s + 2):
            raise ValueError(f"{who}: expected a {s + 1}-D (unbatched) or {s + 2}-D input, got "
                             f"shape {tuple(x.shape)}")
        unbatched = x.ndim == s + 1
        if unbatched:
            x = x.unsqueeze(0)
        if x.shape[1] != self.num_features and self.affine:
            raise ValueError(f"{who}: expected input with {self.num_features} channels, got "
                             f"shape {tuple(x.shape)}")
        y = instance_norm(x, self.running_mean, self.running_var, self.weight, self.bias,
                          self.training or not self.track_running_stats,
                          0.0 if self.momentum is None else self.momentum, self.eps)
        return y.squeeze(0) if unbatched else y

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, bias={self.affine and self.use_bias}, "
                f"track_running_stats={self.track_running_stats}")


class InstanceNorm1d(_InstanceNorm):
    """Instance normalization of ``(N, C, L)`` sequences, per sample and channel.

    Args:
        num_features: ``C``.
        eps: added to the variance.
        momentum: weight of each batch in the running statistics.
        affine: learn per-channel ``weight`` (init 1) and ``bias`` (init 0); default False.
        bias: with ``affine``, learn the bias too (keyword only).
        track_running_stats: keep running statistics and use them in eval mode;
            default False (each input is normalised by its own statistics in eval too).
        device, dtype: factory keywords (CPU only).

    Shape:
        - Input: ``(N, C, L)`` or ``(C, L)``; Output: the same.

    Example:
        >>> import autograd as ag, nn
        >>> nn.InstanceNorm1d(100)(ag.randn(20, 100, 40)).shape
        (20, 100, 40)
    """

    _spatial = 1


class InstanceNorm2d(_InstanceNorm):
    """Instance normalization of ``(N, C, H, W)`` images (style transfer's normalisation).

    Args: as :class:`InstanceNorm1d`.

    Shape:
        - Input: ``(N, C, H, W)`` or ``(C, H, W)``; Output: the same.

    Example:
        >>> import autograd as ag, nn
        >>> nn.InstanceNorm2d(3, affine=True)(ag.randn(2, 3, 8, 8)).shape
        (2, 3, 8, 8)
    """

    _spatial = 2


class InstanceNorm3d(_InstanceNorm):
    """Instance normalization of ``(N, C, D, H, W)`` volumes. Args: as :class:`InstanceNorm1d`.

    Example:
        >>> import autograd as ag, nn
        >>> nn.InstanceNorm3d(2)(ag.randn(1, 2, 3, 3, 3)).shape
        (1, 2, 3, 3, 3)
    """

    _spatial = 3
