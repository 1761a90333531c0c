"""``make_grid`` and ``save_image``, as torchvision.utils: tile a batch of images, write a PNG.

``save_image`` writes through matplotlib (the ``examples`` extra:
``pip install scratchgrad[examples]``); ``make_grid`` needs only numpy.
"""
from __future__ import annotations

import math
import os
from typing import Any

import numpy as np

from autograd.tensor import Tensor

__all__ = ["make_grid", "save_image"]


def _as_batch(tensor: Any) -> np.ndarray:
    if isinstance(tensor, (list, tuple)):
        arr = np.stack([t.numpy() if isinstance(t, Tensor) else np.asarray(t) for t in tensor])
    else:
        arr = tensor.numpy() if isinstance(tensor, Tensor) else np.asarray(tensor)
    if arr.ndim == 2:
        arr = arr[None, None]
    elif arr.ndim == 3:
        arr = arr[None]
    if arr.ndim != 4:
        raise ValueError(f"make_grid: expected images (N, C, H, W), (C, H, W) or (H, W), got "
                         f"shape {arr.shape}")
    if arr.shape[1] == 1:  # one channel: repeat it, as torchvision makes a grey RGB grid
        arr = np.repeat(arr, 3, axis=1)
    return arr.astype(np.float32, copy=True) if arr.dtype.kind != "f" else arr.copy()


def _normalize(arr: np.ndarray, value_range: tuple[float, float] | None,
               scale_each: bool) -> np.ndarray:
    def norm(a: np.ndarray, lo: float, hi: float) -> np.ndarray:
        np.clip(a, lo, hi, out=a)
        a -= lo
        a /= max(hi - lo, 1e-5)
        return a

    if scale_each:
        for img in arr:
            norm(img, *(value_range or (float(img.min()), float(img.max()))))
        return arr
    return norm(arr, *(value_range or (float(arr.min()), float(arr.max()))))


def make_grid(tensor: Any, nrow: int = 8, padding: int = 2, normalize: bool = False,
              value_range: tuple[float, float] | None = None, scale_each: bool = False,
              pad_value: float = 0.0) -> Tensor:
    """Tile a batch of images into one image, ``nrow`` per row (torchvision's layout).

    Args:
        tensor: images ``(N, C, H, W)`` (a Tensor, an array, or a list of ``(C, H, W)``).
        nrow: images per row.
        padding: pixels between and around the images.
        normalize: shift and scale into [0, 1] by ``value_range`` (default:
            the min and max of the batch, or of each image with ``scale_each``).
        value_range: ``(low, high)`` used by ``normalize`` (values are clamped first).
        scale_each: normalize each image by its own min and max.
        pad_value: the value of the padding pixels.

    Returns:
        A float Tensor ``(C, H', W')`` (one-channel images become 3 grey channels).

    Example:
        >>> import numpy as np
        >>> make_grid(np.ones((5, 1, 4, 4)), nrow=3, padding=1).shape
        (3, 11, 16)
    """
    if not isinstance(nrow, (int, np.integer)) or nrow < 1:
        raise ValueError(f"make_grid: nrow must be a positive int, got {nrow!r}")
    if not isinstance(padding, (int, np.integer)) or padding < 0:
        raise ValueError(f"make_grid: padding must be an int >= 0, got {padding!r}")
    arr = _as_batch(tensor)
    if normalize:
        arr = _normalize(arr, value_range, scale_each)
    n, c, h, w = arr.shape
    if n == 1:
        return Tensor._make(np.ascontiguousarray(arr[0]))
    cols = min(nrow, n)
    rows = int(math.ceil(n / cols))
    H, W = h + padding, w + padding
    grid = np.full((c, rows * H + padding, cols * W + padding), pad_value, dtype=arr.dtype)
    for k in range(n):
        y, x = divmod(k, cols)
        grid[:, y * H + padding:y * H + padding + h, x * W + padding:x * W + padding + w] = arr[k]
    return Tensor._make(grid)


def save_image(tensor: Any, fp: str | os.PathLike | Any, format: str | None = None,  # noqa: A002
               **kwargs: Any) -> None:
    """Write images as one PNG (a grid for a batch), as torchvision's ``save_image``.

    Args:
        tensor: an image ``(C, H, W)`` / ``(H, W)`` or a batch ``(N, C, H, W)``,
            values in [0, 1] (or use ``normalize=True``).
        fp: a path or an open binary file.
        format: the image format when ``fp`` has no extension (default PNG).
        **kwargs: passed to :func:`make_grid` (nrow, padding, normalize,
            value_range, scale_each, pad_value).

    Needs matplotlib: ``pip install scratchgrad[examples]``.

    Example:
        >>> import numpy as np, os, tempfile
        >>> p = os.path.join(tempfile.mkdtemp(), "samples.png")
        >>> save_image(np.random.default_rng(0).random((4, 1, 8, 8)), p, nrow=2)
        >>> open(p, "rb").read(4)
        b'\\x89PNG'
    """
    try:
        import matplotlib.image as mpimg
    except ImportError:
        raise ImportError("save_image needs matplotlib, an optional extra: "
                          "pip install scratchgrad[examples]") from None
    grid = make_grid(tensor, **kwargs).numpy()  # (C, H, W) in [0, 1]
    # as torchvision: scale to 0..255, round half up, clamp, to uint8, channels last
    img = np.clip(grid * 255 + 0.5, 0, 255).astype(np.uint8).transpose(1, 2, 0)
    if img.shape[2] == 1:
        img = img[..., 0]
    fmt = format or (None if isinstance(fp, (str, os.PathLike))
                     and os.path.splitext(os.fspath(fp))[1] else "png")
    mpimg.imsave(fp, img, format=fmt)
