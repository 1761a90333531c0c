"""Image augmentations and normalisation, with torchvision's names, on whole batches.

Each transform takes one image ``(C, H, W)`` or a batch ``(N, C, H, W)``, as a
numpy array or a Tensor, and returns the same kind (data, not recorded for
backward). A batch is transformed with one vectorised numpy call, each
sample with its own random draw, so augmenting in the training loop costs
little::

    augment = Compose([RandomCrop(28, padding=2), RandomHorizontalFlip()], seed=0)
    for xb, yb in loader:
        xb = augment(xb)

Randomness comes from the transform's own generator when ``seed=`` or
``generator=`` is given (so runs repeat), else from ``autograd.manual_seed``'s.
"""
from __future__ import annotations

import math
from typing import Any, Callable, Sequence

import numpy as np

from autograd.random import default_generator
from autograd.tensor import Tensor

__all__ = ["Compose", "Normalize", "RandomHorizontalFlip", "RandomCrop", "RandomErasing"]


def _batch(x: Any, who: str) -> tuple[np.ndarray, bool, bool]:
    """``x`` as an (N, C, H, W) array; flags: it was a Tensor, it was a single image."""
    is_t = isinstance(x, Tensor)
    arr = x.data if is_t else np.asarray(x)
    if arr.ndim not in (3, 4):
        raise ValueError(f"{who}: expected an image (C, H, W) or a batch (N, C, H, W), got "
                         f"shape {arr.shape}")
    single = arr.ndim == 3
    return (arr[None] if single else arr), is_t, single


def _back(arr: np.ndarray, is_t: bool, single: bool) -> Any:
    out = arr[0] if single else arr
    return Tensor._make(np.ascontiguousarray(out)) if is_t else out


class _Random:
    def __init__(self, seed: int | None = None,
                 generator: np.random.Generator | None = None) -> None:
        if seed is not None and generator is not None:
            raise ValueError(f"{type(self).__name__}: give seed= or generator=, not both")
        self._gen = np.random.default_rng(seed) if seed is not None else generator

    @property
    def rng(self) -> np.random.Generator:
        return self._gen if self._gen is not None else default_generator()


class Compose:
    """Apply transforms one after another.

    Args:
        transforms: the callables, in order.
        seed: if given, one generator seeded with it is shared by every random
            transform in the list that has no generator of its own.

    Example:
        >>> import numpy as np
        >>> t = Compose([RandomHorizontalFlip(p=1.0), Normalize([0.5], [0.5])])
        >>> t(np.array([[[0.0, 1.0]]])).tolist()
        [[[1.0, -1.0]]]
    """

    def __init__(self, transforms: Sequence[Callable[[Any], Any]], seed: int | None = None):
        self.transforms = list(transforms)
        if seed is not None:
            gen = np.random.default_rng(seed)
            for t in self.transforms:
                if isinstance(t, _Random) and t._gen is None:
                    t._gen = gen

    def __call__(self, x: Any) -> Any:
        for t in self.transforms:
            x = t(x)
        return x

    def __repr__(self) -> str:
        return "Compose(\n" + "".join(f"    {t!r}\n" for t in self.transforms) + ")"


class Normalize:
    """Per-channel ``(x - mean[c]) / std[c]``.

    Args:
        mean, std: one value per channel (or one for all).

    Example:
        >>> import numpy as np
        >>> Normalize([0.1307], [0.3081])(np.full((1, 2, 2), 0.1307)).tolist()
        [[[0.0, 0.0], [0.0, 0.0]]]
    """

    def __init__(self, mean: Sequence[float] | float, std: Sequence[float] | float) -> None:
        self.mean = np.atleast_1d(np.asarray(mean, dtype=np.float64))
        self.std = np.atleast_1d(np.asarray(std, dtype=np.float64))
        if (self.std == 0).any():
            raise ValueError(f"Normalize: std must be non-zero, got {self.std.tolist()}")

    def __call__(self, x: Any) -> Any:
        arr, is_t, single = _batch(x, "Normalize")
        c = arr.shape[1]
        if self.mean.size not in (1, c) or self.std.size not in (1, c):
            raise ValueError(f"Normalize: {self.mean.size} means and {self.std.size} stds for "
                             f"an input with {c} channels")
        dt = arr.dtype if arr.dtype.kind == "f" else np.dtype(np.float32)
        m = self.mean.reshape(1, -1, 1, 1).astype(dt)
        s = self.std.reshape(1, -1, 1, 1).astype(dt)
        return _back((arr - m) / s, is_t, single)

    def __repr__(self) -> str:
        return f"Normalize(mean={self.mean.tolist()}, std={self.std.tolist()})"


class RandomHorizontalFlip(_Random):
    """Mirror each image left-right with probability ``p``.

    Example:
        >>> import numpy as np
        >>> RandomHorizontalFlip(p=1.0)(np.array([[[1, 2, 3]]])).tolist()
        [[[3, 2, 1]]]
    """

    def __init__(self, p: float = 0.5, seed: int | None = None,
                 generator: np.random.Generator | None = None) -> None:
        super().__init__(seed, generator)
        if not 0 <= p <= 1:
            raise ValueError(f"RandomHorizontalFlip: p must be in [0, 1], got {p!r}")
        self.p = float(p)

    def __call__(self, x: Any) -> Any:
        arr, is_t, single = _batch(x, "RandomHorizontalFlip")
        flip = np.asarray(self.rng.random(arr.shape[0]) < self.p)  # (N,)
        return _back(np.where(flip[:, None, None, None], arr[..., ::-1], arr), is_t, single)

    def __repr__(self) -> str:
        return f"RandomHorizontalFlip(p={self.p})"


class RandomCrop(_Random):
    """Pad each side by ``padding`` (with ``fill``), then cut a random ``size`` window.

    Args:
        size: output ``(h, w)``, or an int for a square.
        padding: pixels added on every side first (int), or ``(left/right, top/bottom)``.
        fill: the padding value.

    Example:
        >>> import numpy as np
        >>> out = RandomCrop(28, padding=4, seed=0)(np.ones((8, 1, 28, 28)))
        >>> out.shape, bool(out.min() == 0)      # shifted copies with zero borders
        ((8, 1, 28, 28), True)
    """

    def __init__(self, size: int | Sequence[int], padding: int | Sequence[int] = 0,
                 fill: float = 0.0, seed: int | None = None,
                 generator: np.random.Generator | None = None) -> None:
        super().__init__(seed, generator)
        self.size = (int(size), int(size)) if isinstance(size, (int, np.integer)) \
            else (int(size[0]), int(size[1]))
        pw, ph = (padding, padding) if isinstance(padding, (int, np.integer)) else padding
        if min(self.size) < 1 or pw < 0 or ph < 0:
            raise ValueError(f"RandomCrop: size must be positive and padding non-negative, got "
                             f"size={size!r}, padding={padding!r}")
        self.padding, self.fill = (int(ph), int(pw)), fill

    def __call__(self, x: Any) -> Any:
        arr, is_t, single = _batch(x, "RandomCrop")
        ph, pw = self.padding
        if ph or pw:
            arr = np.pad(arr, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=self.fill)
        n, c, H, W = arr.shape
        h, w = self.size
        if h > H or w > W:
            raise ValueError(f"RandomCrop: crop size {self.size} is larger than the padded "
                             f"image {(H, W)}")
        top = self.rng.integers(0, H - h + 1, n)  # (N,)
        left = self.rng.integers(0, W - w + 1, n)
        rows = (top[:, None] + np.arange(h))[:, None, :, None]  # (N, 1, h, 1)
        cols = (left[:, None] + np.arange(w))[:, None, None, :]  # (N, 1, 1, w)
        out = arr[np.arange(n)[:, None, None, None], np.arange(c)[None, :, None, None],
                  rows, cols]  # (N, C, h, w)
        return _back(out, is_t, single)

    def __repr__(self) -> str:
        return f"RandomCrop(size={self.size}, padding={self.padding})"


class RandomErasing(_Random):
    """Blank a random rectangle of each image with probability ``p`` (Zhong et al., 2017).

    The rectangle covers a fraction ``scale`` of the image with aspect ratio in
    ``ratio`` (drawn log-uniformly); a draw that does not fit is retried up
    to 10 times, then that image is left alone, as torchvision.

    Args:
        p: probability of erasing each image.
        scale: range of the erased area as a fraction of the image.
        ratio: range of the rectangle's height / width.
        value: the fill value, or ``'random'`` for standard normal noise.

    Example:
        >>> import numpy as np
        >>> out = RandomErasing(p=1.0, seed=0)(np.ones((4, 1, 10, 10)))
        >>> bool((out == 0).any(axis=(1, 2, 3)).all())   # every image has a hole
        True
    """

    def __init__(self, p: float = 0.5, scale: tuple[float, float] = (0.02, 0.33),
                 ratio: tuple[float, float] = (0.3, 3.3), value: float | str = 0.0,
                 seed: int | None = None, generator: np.random.Generator | None = None) -> None:
        super().__init__(seed, generator)
        if not 0 <= p <= 1:
            raise ValueError(f"RandomErasing: p must be in [0, 1], got {p!r}")
        if not 0 < scale[0] <= scale[1] <= 1 or not 0 < ratio[0] <= ratio[1]:
            raise ValueError(f"RandomErasing: need 0 < scale[0] <= scale[1] <= 1 and "
                             f"0 < ratio[0] <= ratio[1], got scale={scale}, ratio={ratio}")
        if isinstance(value, str) and value != "random":
            raise ValueError(f"RandomErasing: value must be a number or 'random', got {value!r}")
        self.p, self.scale, self.ratio, self.value = float(p), scale, ratio, value

    def __call__(self, x: Any) -> Any:
        arr, is_t, single = _batch(x, "RandomErasing")
        n, _, H, W = arr.shape
        rng = self.rng
        todo = rng.random(n) < self.p  # images still looking for a rectangle
        h = np.zeros(n, np.int64)
        w = np.zeros(n, np.int64)
        lr = (math.log(self.ratio[0]), math.log(self.ratio[1]))
        for _ in range(10):
            area = rng.uniform(self.scale[0], self.scale[1], n) * H * W
            r = np.exp(rng.uniform(lr[0], lr[1], n))
            hh = np.round(np.sqrt(area * r)).astype(np.int64)
            ww = np.round(np.sqrt(area / r)).astype(np.int64)
            ok = todo & (hh < H) & (ww < W) & (hh > 0) & (ww > 0)
            h[ok], w[ok] = hh[ok], ww[ok]
            todo &= ~ok
            if not todo.any():
                break
        top = (rng.random(n) * (H - h + 1)).astype(np.int64)
        left = (rng.random(n) * (W - w + 1)).astype(np.int64)
        r_in = (np.arange(H) >= top[:, None]) & (np.arange(H) < (top + h)[:, None])  # (N, H)
        c_in = (np.arange(W) >= left[:, None]) & (np.arange(W) < (left + w)[:, None])  # (N, W)
        mask = r_in[:, None, :, None] & c_in[:, None, None, :]  # (N, 1, H, W)
        if self.value == "random":
            fill = rng.standard_normal(arr.shape).astype(arr.dtype, copy=False)
        else:
            fill = np.asarray(self.value, dtype=arr.dtype)
        return _back(np.where(mask, fill, arr), is_t, single)

    def __repr__(self) -> str:
        return (f"RandomErasing(p={self.p}, scale={self.scale}, ratio={self.ratio}, "
                f"value={self.value})")
