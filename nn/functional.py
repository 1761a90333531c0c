"""``nn.functional``: stateless layers, activations and losses, as ``torch.nn.functional``.

Convolution and pooling are registered autograd ops (fused), taken from the
registry at the end of this file with every op PyTorch has in
``torch.nn.functional`` that needs no wrapper here; normalisation comes from
``nn.norm`` and the embedding lookup from ``nn.embedding``. All are
re-exported here so ``import nn.functional as F`` reaches them all.

Everything here is composed from registered autograd ops, so each gradient
is the chain rule through gradient-checked primitives; the one fused op used
is the engine's stable cross-entropy. Losses check that input and target
shapes agree and name both in the error.
"""
from __future__ import annotations

import warnings
from typing import Any

import numpy as np

import autograd as ag
from autograd.random import default_generator
from autograd.registry import functional_ops
from autograd.tensor import Tensor

from .attention import scaled_dot_product_attention
from .channel_dropout import dropout1d, dropout2d, dropout3d
from .conv1d import conv1d, conv_transpose1d
from .distance import cosine_similarity, normalize, pairwise_distance
from .dropout_more import alpha_dropout, feature_alpha_dropout
from .embedding import embedding
from .embedding_bag import embedding_bag
from .fractional_pool import (
    fractional_max_pool2d,
    fractional_max_pool2d_with_indices,
    fractional_max_pool3d,
    fractional_max_pool3d_with_indices,
)
from .inplace_functional import (
    celu_,
    elu_,
    hardtanh_,
    leaky_relu_,
    relu_,
    rrelu_,
    selu_,
    threshold_,
)
from .instance_norm import instance_norm
from .local_response_norm import local_response_norm
from .loss_functional import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    huber_loss,
    kl_div,
    l1_loss,
    mse_loss,
    nll_loss,
    smooth_l1_loss,
)
from .margin_losses import (
    cosine_embedding_loss,
    gaussian_nll_loss,
    hinge_embedding_loss,
    margin_ranking_loss,
    multi_margin_loss,
    multilabel_margin_loss,
    multilabel_soft_margin_loss,
    poisson_nll_loss,
    soft_margin_loss,
    triplet_margin_loss,
)
from .misc_layers import (
    channel_shuffle,
    gumbel_softmax,
    triplet_margin_with_distance_loss,
    upsample_bilinear,
    upsample_nearest,
)
from .norm import batch_norm, group_norm, layer_norm
from .pooling import adaptive_max_pool2d
from .pooling1d import (
    adaptive_avg_pool1d,
    adaptive_max_pool1d,
    avg_pool1d,
    max_pool1d,
    max_unpool2d,
)
from .pooling_lp import lp_pool1d, lp_pool2d, lp_pool3d
from .pooling_more import (
    adaptive_avg_pool3d,
    adaptive_max_pool1d_with_indices,
    adaptive_max_pool2d_with_indices,
    adaptive_max_pool3d,
    adaptive_max_pool3d_with_indices,
    max_pool1d_with_indices,
    max_pool2d_with_indices,
    max_pool3d_with_indices,
    max_unpool1d,
    max_unpool3d,
)
from .rms_norm import rms_norm
from .sampling import affine_grid
from .upsample import interpolate, pixel_shuffle, pixel_unshuffle, upsample

__all__ = [
    "linear", "bilinear", "dropout", "one_hot", "pad",
    "affine_grid", "alpha_dropout", "feature_alpha_dropout", "channel_shuffle",
    "gumbel_softmax", "upsample_bilinear", "upsample_nearest",
    "triplet_margin_with_distance_loss", "relu_", "elu_", "celu_", "selu_", "leaky_relu_",
    "hardtanh_", "rrelu_", "threshold_",
    "batch_norm", "layer_norm", "group_norm", "embedding", "embedding_bag",
    "relu", "relu6", "leaky_relu", "elu", "gelu", "silu", "sigmoid", "tanh", "softplus",
    "logsigmoid", "softmax", "log_softmax",
    "mse_loss", "l1_loss", "huber_loss", "smooth_l1_loss", "cross_entropy", "nll_loss",
    "binary_cross_entropy", "binary_cross_entropy_with_logits", "kl_div",
    "conv1d", "conv_transpose1d", "dropout1d", "dropout2d", "dropout3d", "instance_norm",
    "adaptive_max_pool2d", "interpolate", "upsample", "pixel_shuffle", "pixel_unshuffle",
    "scaled_dot_product_attention", "local_response_norm",
    "max_pool1d", "avg_pool1d", "adaptive_avg_pool1d", "adaptive_max_pool1d", "max_unpool2d",
    "normalize", "cosine_similarity", "pairwise_distance",
    "cosine_embedding_loss", "margin_ranking_loss", "triplet_margin_loss", "hinge_embedding_loss",
    "soft_margin_loss", "multilabel_soft_margin_loss", "multi_margin_loss",
    "multilabel_margin_loss", "poisson_nll_loss", "gaussian_nll_loss",
    "rms_norm", "adaptive_avg_pool3d", "adaptive_max_pool3d", "lp_pool1d", "lp_pool2d",
    "lp_pool3d", "max_unpool1d", "max_unpool3d", "fractional_max_pool2d",
    "fractional_max_pool3d", "fractional_max_pool2d_with_indices",
    "fractional_max_pool3d_with_indices", "max_pool1d_with_indices", "max_pool2d_with_indices",
    "max_pool3d_with_indices", "adaptive_max_pool1d_with_indices",
    "adaptive_max_pool2d_with_indices", "adaptive_max_pool3d_with_indices",
]

# ------------------------------------------------------------------ layers
def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:  # noqa: A002
    """Affine map ``input @ weight.T + bias``.

    Args:
        input: ``(*, in_features)``.
        weight: ``(out_features, in_features)``.
        bias: ``(out_features,)`` or None.

    Returns:
        ``(*, out_features)``.

    Example:
        >>> import autograd as ag, nn.functional as F
        >>> F.linear(ag.ones(2, 3), ag.ones(4, 3), ag.zeros(4)).tolist()
        [[3.0, 3.0, 3.0, 3.0], [3.0, 3.0, 3.0, 3.0]]
    """
    return ag.linear(input, weight, bias)  # (*, in) -> (*, out), one fused op


def bilinear(input1: Tensor, input2: Tensor, weight: Tensor,
             bias: Tensor | None = None) -> Tensor:
    """``y_k = input1^T weight_k input2 + bias_k``.

    Shape:
        input1 ``(*, in1)``, input2 ``(*, in2)``, weight ``(out, in1, in2)`` -> ``(*, out)``.
    """
    if (weight.ndim != 3 or input1.shape[-1] != weight.shape[1]
            or input2.shape[-1] != weight.shape[2] or input1.shape[:-1] != input2.shape[:-1]):
        raise ValueError(f"bilinear: inputs {tuple(input1.shape)} and {tuple(input2.shape)} do "
                         f"not fit weight {tuple(weight.shape)}")
    left = input1.unsqueeze(-2).unsqueeze(-3) @ weight  # (*, 1, 1, in1) @ (out, in1, in2)
    out = (left.squeeze(-2) * input2.unsqueeze(-2)).sum(-1)  # (*, out, in2) -> (*, out)
    if bias is not None:
        out = out + bias
    return out


def dropout(input: Tensor, p: float = 0.5, training: bool = True,  # noqa: A002
            inplace: bool = False) -> Tensor:
    """Inverted dropout: zero each element with probability ``p``, scale the rest by 1/(1-p).

    The mask comes from ``autograd.random.default_generator()`` (seed it with
    ``ag.manual_seed``). With ``training=False`` or ``p == 0`` the input is returned.

    Example:
        >>> import autograd as ag, nn.functional as F
        >>> _ = ag.manual_seed(0)
        >>> y = F.dropout(ag.ones(1000), p=0.5)
        >>> sorted(set(y.tolist()))
        [0.0, 2.0]
    """
    if not isinstance(p, (int, float)) or not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout: probability has to be between 0 and 1, but got {p!r}")
    if not training or p == 0.0:
        return input
    dtype = input.dtype if input.dtype.kind == "f" else np.dtype(np.float32)
    if p == 1.0:
        mask = np.zeros(input.shape, dtype)
    else:
        keep = default_generator().random(input.shape) >= p
        mask = keep.astype(dtype) * dtype.type(1.0 / (1.0 - p))
    return input * Tensor._make(mask)


def one_hot(tensor: Any, num_classes: int = -1) -> Tensor:
    """Class indices ``(*)`` to an int64 one-hot tensor ``(*, num_classes)``.

    Example:
        >>> import autograd as ag, nn.functional as F
        >>> F.one_hot(ag.tensor([0, 2]), 3).tolist()
        [[1, 0, 0], [0, 0, 1]]
    """
    idx = np.asarray(tensor.array if isinstance(tensor, Tensor) else tensor)
    if idx.dtype.kind not in "iu":
        raise TypeError(f"one_hot: class values must be integers, got dtype {idx.dtype}")
    if num_classes < 0:
        num_classes = int(idx.max()) + 1 if idx.size else 0
    if idx.size and (idx.min() < 0 or idx.max() >= num_classes):
        raise ValueError(f"one_hot: class values must be in [0, {num_classes}), got range "
                         f"[{idx.min()}, {idx.max()}]")
    return Tensor._make(np.eye(num_classes, dtype=np.int64)[idx])


def pad(input: Tensor, pad: Any, mode: str = "constant",  # noqa: A002
        value: float | None = None) -> Tensor:
    """Pad the last dims; ``pad`` is (left, right) for the last dim first (see ``ag.pad``).

    Modes ``constant`` (fill ``value``, default 0), ``reflect``, ``replicate`` and
    ``circular``; negative pads crop.
    """
    return ag.pad(input, pad, mode=mode, value=value)


# ------------------------------------------------------------- activations
def relu(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """``max(x, 0)``."""
    return ag.relu(input)


def relu6(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """``min(max(x, 0), 6)``: ``hardtanh(x, 0, 6)`` (gradient 0 at the corners, as PyTorch)."""
    return ag.relu6(input)


def leaky_relu(input: Tensor, negative_slope: float = 0.01,  # noqa: A002
               inplace: bool = False) -> Tensor:
    """``x`` for x > 0, ``negative_slope * x`` otherwise."""
    return ag.leaky_relu(input, negative_slope)


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:  # noqa: A002
    """``x`` for x > 0, ``alpha * (exp(x) - 1)`` otherwise (Clevert et al., 2015).

    Example:
        >>> import autograd as ag, nn.functional as F
        >>> [round(v, 4) for v in F.elu(ag.tensor([-1.0, 0.0, 2.0])).tolist()]
        [-0.6321, 0.0, 2.0]
    """
    neg = alpha * (ag.minimum(input, 0.0).exp() - 1.0)  # exp of min(x, 0) cannot overflow
    return ag.where(input.array > 0, input, neg)


def gelu(input: Tensor, approximate: str = "none") -> Tensor:  # noqa: A002
    """``x * Phi(x)``; ``approximate='tanh'`` uses the tanh formula (Hendrycks & Gimpel)."""
    return ag.gelu(input, approximate=approximate)


def silu(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """``x * sigmoid(x)`` (also called swish)."""
    return ag.silu(input)


def sigmoid(input: Tensor) -> Tensor:  # noqa: A002
    """``1 / (1 + exp(-x))``."""
    return ag.sigmoid(input)


def tanh(input: Tensor) -> Tensor:  # noqa: A002
    """Hyperbolic tangent."""
    return ag.tanh(input)


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:  # noqa: A002
    """``log(1 + exp(beta * x)) / beta``, linear where ``beta * x > threshold``."""
    return ag.softplus(input, beta, threshold)


def logsigmoid(input: Tensor) -> Tensor:  # noqa: A002
    """``log(sigmoid(x)) = -softplus(-x)``, stable for large |x|."""
    return ag.logsigmoid(input)


def _softmax_dim(ndim: int, dim: int | None, name: str) -> int:
    if dim is not None:
        return dim
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated; pass dim=",
                  UserWarning, stacklevel=3)
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input: Tensor, dim: int | None = None, dtype: Any = None) -> Tensor:  # noqa: A002
    """``exp(x) / sum(exp(x))`` along ``dim`` (stable: the max is subtracted first).

    Example:
        >>> import autograd as ag, nn.functional as F
        >>> F.softmax(ag.tensor([[0.0, 0.0]]), dim=1).tolist()
        [[0.5, 0.5]]
    """
    if dtype is not None:
        input = input.to(dtype)  # noqa: A001
    return ag.softmax(input, _softmax_dim(input.ndim, dim, "softmax"))


def log_softmax(input: Tensor, dim: int | None = None, dtype: Any = None) -> Tensor:  # noqa: A002
    """``x - logsumexp(x)`` along ``dim``."""
    if dtype is not None:
        input = input.to(dtype)  # noqa: A001
    return ag.log_softmax(input, _softmax_dim(input.ndim, dim, "log_softmax"))


# The registered ops that PyTorch has in torch.nn.functional and that need no wrapper above
# (conv2d, max_pool2d, ...): taken from the registry, so a new op needs no line here.
_REGISTERED = {name: fn for name, fn in functional_ops().items() if name not in globals()}
globals().update(_REGISTERED)
__all__ += sorted(_REGISTERED)
