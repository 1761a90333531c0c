"""Local response normalization (Krizhevsky et al., 2012), AlexNet's cross-channel norm.

``b_c = a_c / (k + alpha / n * sum_{c' near c} a_{c'}^2) ** beta`` over a window
of ``n`` neighbouring channels (zero outside), composed from pad, avg_pool2d
and elementwise ops, as PyTorch computes it.
"""
from __future__ import annotations

import autograd as ag
from autograd.ops.pool import avg_pool2d
from autograd.tensor import Tensor

from .module import Module

__all__ = ["local_response_norm", "LocalResponseNorm"]


def local_response_norm(input: Tensor, size: int, alpha: float = 1e-4,  # noqa: A002
                        beta: float = 0.75, k: float = 1.0) -> Tensor:
    """Normalise each channel by the energy of its ``size`` neighbouring channels.

    Args:
        input: ``(N, C, *)`` with at least one dim after C.
        size: neighbouring channels in the window.

    Example:
        >>> import autograd as ag
        >>> y = local_response_norm(ag.ones(1, 3, 1, 1) * 2, size=3, alpha=3.0, beta=1.0)
        >>> [round(v, 4) for v in y.numpy().ravel().tolist()]
        [0.2222, 0.1538, 0.2222]
    """
    x = input
    if x.ndim < 3:
        raise ValueError(f"local_response_norm: expected an input of 3 or more dims (N, C, *), "
                         f"got shape {tuple(x.shape)}")
    if size < 1:
        raise ValueError(f"local_response_norm: size must be positive, got {size}")
    n, c = x.shape[0], x.shape[1]
    sq = (x * x).reshape(n, 1, c, -1)  # (N, 1, C, rest)
    sq = ag.pad(sq, (0, 0, size // 2, (size - 1) // 2))  # zero channels outside
    div = avg_pool2d(sq, (size, 1), stride=1).reshape(x.shape)  # mean over the window
    return x / (div * alpha + k) ** beta


class LocalResponseNorm(Module):
    """Local response normalization over neighbouring channels; see :func:`local_response_norm`.

    Args:
        size: neighbouring channels used.
        alpha: multiplicative factor; beta: exponent; k: additive factor.

    Shape:
        - Input: ``(N, C, *)``; Output: the same.

    Example:
        >>> import autograd as ag, nn
        >>> nn.LocalResponseNorm(5, alpha=1e-4, beta=0.75, k=2.0)(ag.randn(2, 8, 4, 4)).shape
        (2, 8, 4, 4)
    """

    def __init__(self, size: int, alpha: float = 1e-4, beta: float = 0.75,
                 k: float = 1.0) -> None:
        super().__init__()
        if not isinstance(size, int) or isinstance(size, bool) or size < 1:
            raise ValueError(f"LocalResponseNorm: size must be a positive int, got {size!r}")
        self.size, self.alpha, self.beta, self.k = size, alpha, beta, k

    def forward(self, x: Tensor) -> Tensor:
        return local_response_norm(x, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self) -> str:
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"
