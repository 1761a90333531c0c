"""Window functions for spectral analysis, as PyTorch's ``torch.hann_window`` and friends.

Each takes ``window_length`` and ``periodic`` (default True: the window of length
``window_length + 1`` without its last point, the form used before a DFT); with
``periodic=False`` the window is symmetric. ``dtype`` must be floating (default: the
default dtype). Windows never need gradients, but ``requires_grad=True`` is accepted.

Example:
    >>> import autograd as torch
    >>> torch.hann_window(4).tolist()
    [0.0, 0.5, 1.0, 0.5]
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .device import check_device
from .dtypes import get_default_dtype
from .tensor import Tensor


def _window(name: str, window_length: int, periodic: bool, dtype: Any, device: Any,
            requires_grad: bool, points: Callable[[np.ndarray, int], np.ndarray]) -> Tensor:
    """Evaluate ``points(n, N)`` at n = 0..L-1 with N the symmetric window's last index."""
    check_device(device, name)
    dt = np.dtype(get_default_dtype() if dtype is None else dtype)
    if dt.kind != "f":
        raise RuntimeError(f"{name}: expects floating point dtypes, got {dt}")
    if not isinstance(window_length, (int, np.integer)) or window_length < 0:
        raise RuntimeError(f"{name}: requires non-negative window_length, got "
                           f"window_length={window_length!r}")
    n = int(window_length)
    if n <= 1:
        values = np.ones(n)
    else:
        last = n if periodic else n - 1  # periodic: the symmetric window of n + 1 points
        values = points(np.arange(n, dtype=np.float64), last)
    return Tensor._make(values.astype(dt), None, 0, bool(requires_grad))


def hann_window(window_length: int, periodic: bool = True, *, dtype: Any = None,
                layout: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """The Hann window, w[n] = sin²(π n / N) = (1 − cos(2π n / N)) / 2.

    Args:
        window_length: the number of points L.
        periodic: N = L (for a DFT) when True, N = L − 1 (symmetric) when False.
        dtype: a floating dtype (default: the default dtype).

    Shape:
        (L,)

    Example:
        >>> import autograd as torch
        >>> torch.hann_window(5, periodic=False).tolist()
        [0.0, 0.5, 1.0, 0.5, 0.0]
    """
    return _window("hann_window", window_length, periodic, dtype, device, requires_grad,
                   lambda n, N: 0.5 - 0.5 * np.cos(2 * np.pi * n / N))


def hamming_window(window_length: int, periodic: bool = True, alpha: float = 0.54,
                   beta: float = 0.46, *, dtype: Any = None, layout: Any = None,
                   device: Any = None, requires_grad: bool = False) -> Tensor:
    """The Hamming window, w[n] = α − β cos(2π n / N).

    Args:
        window_length: the number of points L.
        periodic: N = L when True, N = L − 1 when False.
        alpha, beta: the coefficients (0.54 and 0.46 by default).
        dtype: a floating dtype.

    Shape:
        (L,)

    Example:
        >>> import autograd as torch
        >>> [round(v, 4) for v in torch.hamming_window(3, periodic=False).tolist()]
        [0.08, 1.0, 0.08]
    """
    return _window("hamming_window", window_length, periodic, dtype, device, requires_grad,
                   lambda n, N: alpha - beta * np.cos(2 * np.pi * n / N))


def blackman_window(window_length: int, periodic: bool = True, *, dtype: Any = None,
                    layout: Any = None, device: Any = None, requires_grad: bool = False
                    ) -> Tensor:
    """The Blackman window, w[n] = 0.42 − 0.5 cos(2π n / N) + 0.08 cos(4π n / N).

    Args:
        window_length: the number of points L.
        periodic: N = L when True, N = L − 1 when False.
        dtype: a floating dtype.

    Shape:
        (L,)

    Example:
        >>> import autograd as torch
        >>> [round(v, 4) for v in torch.blackman_window(5, periodic=False).tolist()]
        [-0.0, 0.34, 1.0, 0.34, -0.0]
    """
    return _window("blackman_window", window_length, periodic, dtype, device, requires_grad,
                   lambda n, N: (0.42 - 0.5 * np.cos(2 * np.pi * n / N)
                                 + 0.08 * np.cos(4 * np.pi * n / N)))


def bartlett_window(window_length: int, periodic: bool = True, *, dtype: Any = None,
                    layout: Any = None, device: Any = None, requires_grad: bool = False
                    ) -> Tensor:
    """The Bartlett (triangular) window, w[n] = 1 − |2n / N − 1|.

    Args:
        window_length: the number of points L.
        periodic: N = L when True, N = L − 1 when False.
        dtype: a floating dtype.

    Shape:
        (L,)

    Example:
        >>> import autograd as torch
        >>> torch.bartlett_window(4).tolist()
        [0.0, 0.5, 1.0, 0.5]
    """
    return _window("bartlett_window", window_length, periodic, dtype, device, requires_grad,
                   lambda n, N: 1 - np.abs(2 * n / N - 1))


def kaiser_window(window_length: int, periodic: bool = True, beta: float = 12.0, *,
                  dtype: Any = None, layout: Any = None, device: Any = None,
                  requires_grad: bool = False) -> Tensor:
    """The Kaiser window, w[n] = I₀(β √(1 − (2n / N − 1)²)) / I₀(β), I₀ the modified Bessel
    function of order 0.

    Args:
        window_length: the number of points L.
        periodic: N = L when True, N = L − 1 when False.
        beta: the shape parameter (larger: a wider main lobe, lower side lobes).
        dtype: a floating dtype.

    Shape:
        (L,)

    Example:
        >>> import autograd as torch
        >>> torch.kaiser_window(3, periodic=False, beta=0.0).tolist()
        [1.0, 1.0, 1.0]
    """
    return _window("kaiser_window", window_length, periodic, dtype, device, requires_grad,
                   lambda n, N: (np.i0(beta * np.sqrt(np.clip(1 - (2 * n / N - 1) ** 2, 0, None)))
                                 / np.i0(beta)))
