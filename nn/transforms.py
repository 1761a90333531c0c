"""Image augmentations and normalisation, with torchvision's names, on whole batches.

``ToTensor`` turns an image as a dataset returns it (a uint8 ``(H, W)`` or
``(H, W, C)`` array, or a PIL image) into a float ``(C, H, W)`` Tensor in
[0, 1], as torchvision's. The other transforms take such an image, one
image ``(C, H, W)`` or a batch ``(N, C, H, W)`` (a float array or a Tensor),
and return the same kind (data, not recorded for backward). A batch is
transformed with one vectorised numpy call, each sample with its own random
draw, so augmenting in the training loop costs little::

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

__all__ = ["Compose", "Normalize", "RandomHorizontalFlip", "RandomCrop", "RandomErasing",
           "ToTensor", "Lambda", "Pad", "Resize", "CenterCrop", "InterpolationMode"]


def _batch(x: Any, who: str) -> tuple[np.ndarray, tuple[bool, str]]:
    """``x`` as an (N, C, H, W) array, and how to turn the result back into ``x``'s kind.

    Tensors and float arrays are ``(C, H, W)`` or ``(N, C, H, W)``; a 2-D array
    is one ``(H, W)`` image; a uint8 ``(H, W, C)`` array or a PIL image is an
    image as PIL holds it (channels last), which is what datasets return before
    ``ToTensor``.
    """
    is_t = isinstance(x, Tensor)
    arr = x.array if is_t else np.asarray(x)
    if arr.ndim == 2 and not is_t:
        return arr[None, None], (False, "hw")
    if not is_t and arr.ndim == 3 and (arr.dtype == np.uint8 or _is_pil(x)):
        return arr.transpose(2, 0, 1)[None], (False, "hwc")
    if arr.ndim not in (3, 4):
        raise ValueError(f"{who}: expected an image (C, H, W) or a batch (N, C, H, W), got "
                         f"shape {arr.shape}")
    return (arr[None] if arr.ndim == 3 else arr), (is_t, "chw" if arr.ndim == 3 else "nchw")


def _is_pil(x: Any) -> bool:
    return type(x).__module__.startswith("PIL.")


def _back(arr: np.ndarray, how: tuple[bool, str]) -> Any:
    is_t, layout = how
    out = {"hw": lambda a: a[0, 0], "hwc": lambda a: a[0].transpose(1, 2, 0),
           "chw": lambda a: a[0], "nchw": lambda a: a}[layout](arr)
    return Tensor._make(np.ascontiguousarray(out)) if is_t else np.ascontiguousarray(out)


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
        inplace: accepted for torchvision scripts; a new array is always returned.

    Example:
        >>> import numpy as np
        >>> Normalize([0.1307], [0.3081])(np.full((1, 2, 2), 0.1307)).tolist()
        [[[0.0, 0.0], [0.0, 0.0]]]
    """

    def __init__(self, mean: Sequence[float] | float, std: Sequence[float] | float,
                 inplace: bool = False) -> None:
        self.mean = np.atleast_1d(np.asarray(mean, dtype=np.float64))
        self.std = np.atleast_1d(np.asarray(std, dtype=np.float64))
        if (self.std == 0).any():
            raise ValueError(f"Normalize: std must be non-zero, got {self.std.tolist()}")

    def __call__(self, x: Any) -> Any:
        arr, how = _batch(x, "Normalize")
        c = arr.shape[1]
        if self.mean.size not in (1, c) or self.std.size not in (1, c):
            raise ValueError(f"Normalize: {self.mean.size} means and {self.std.size} stds for "
                             f"an input with {c} channels")
        dt = arr.dtype if arr.dtype.kind == "f" else np.dtype(np.float32)
        m = self.mean.reshape(1, -1, 1, 1).astype(dt)
        s = self.std.reshape(1, -1, 1, 1).astype(dt)
        return _back((arr - m) / s, how)

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
        arr, how = _batch(x, "RandomHorizontalFlip")
        flip = np.asarray(self.rng.random(arr.shape[0]) < self.p)  # (N,)
        return _back(np.where(flip[:, None, None, None], arr[..., ::-1], arr), how)

    def __repr__(self) -> str:
        return f"RandomHorizontalFlip(p={self.p})"


class RandomCrop(_Random):
    """Pad the image (optionally), then cut a random ``size`` window (torchvision's ``RandomCrop``).

    Args:
        size: output ``(h, w)``, or an int for a square.
        padding: pixels added first: an int for every side, ``(left/right,
            top/bottom)`` or ``(left, top, right, bottom)``; None for none.
        pad_if_needed: pad (symmetrically) an image smaller than ``size``
            instead of refusing it.
        fill: the padding value for ``padding_mode="constant"``.
        padding_mode: ``"constant"``, ``"edge"``, ``"reflect"`` or ``"symmetric"``.
        seed, generator: (not in torchvision) the crop positions' own generator.

    Each image of a batch gets its own position.

    Example:
        >>> import numpy as np
        >>> out = RandomCrop(28, padding=4, seed=0)(np.ones((8, 1, 28, 28)))
        >>> out.shape, bool(out.min() == 0)      # shifted copies with zero borders
        ((8, 1, 28, 28), True)
    """

    def __init__(self, size: int | Sequence[int], padding: int | Sequence[int] | None = None,
                 pad_if_needed: bool = False, fill: float = 0.0,
                 padding_mode: str = "constant", *, seed: int | None = None,
                 generator: np.random.Generator | None = None) -> None:
        super().__init__(seed, generator)
        self.size = _size_pair(size, "RandomCrop")
        self.padding = None if padding is None else _pad_widths(padding, "RandomCrop")
        self.pad_if_needed, self.fill = bool(pad_if_needed), fill
        self._pad = Pad(0, fill, padding_mode)  # checks the mode

    def __call__(self, x: Any) -> Any:
        arr, how = _batch(x, "RandomCrop")
        h, w = self.size
        if self.padding is not None and any(self.padding):
            self._pad.padding = self.padding
            arr = self._pad(arr)
        H, W = arr.shape[-2:]
        if self.pad_if_needed and (h > H or w > W):
            dw, dh = max(w - W, 0), max(h - H, 0)
            self._pad.padding = (dw, dh, dw, dh)  # as torchvision: the shortfall on both sides
            arr = self._pad(arr)
        n, c, H, W = arr.shape
        if h > H or w > W:
            raise ValueError(f"RandomCrop: crop size {self.size} is larger than the padded "
                             f"image {(H, W)}; pass pad_if_needed=True or more padding")
        top = self.rng.integers(0, H - h + 1, n)  # (N,)
        left = self.rng.integers(0, W - w + 1, n)
        rows = (top[:, None] + np.arange(h))[:, None, :, None]  # (N, 1, h, 1)
        cols = (left[:, None] + np.arange(w))[:, None, None, :]  # (N, 1, 1, w)
        out = arr[np.arange(n)[:, None, None, None], np.arange(c)[None, :, None, None],
                  rows, cols]  # (N, C, h, w)
        return _back(out, how)

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
        arr, how = _batch(x, "RandomErasing")
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
        return _back(np.where(mask, fill, arr), how)

    def __repr__(self) -> str:
        return (f"RandomErasing(p={self.p}, scale={self.scale}, ratio={self.ratio}, "
                f"value={self.value})")


class InterpolationMode:
    """torchvision's interpolation names for :class:`Resize` (the two it supports here)."""

    NEAREST = "nearest"
    BILINEAR = "bilinear"


class ToTensor:
    """A uint8 image ``(H, W)`` / ``(H, W, C)`` (or a PIL image) to a float ``(C, H, W)`` Tensor.

    As torchvision's: uint8 pixels are divided by 255 into [0, 1] (float32);
    arrays of other dtypes are only moved to channels-first. A batch
    ``(N, H, W, C)`` of uint8 images becomes ``(N, C, H, W)``.

    Example:
        >>> import numpy as np
        >>> t = ToTensor()(np.array([[0, 255], [51, 102]], dtype=np.uint8))
        >>> t.shape, t.dtype, t.tolist()
        ((1, 2, 2), dtype('float32'), [[[0.0, 1.0], [0.20000000298023224, 0.4000000059604645]]])
    """

    def __call__(self, pic: Any) -> Tensor:
        if isinstance(pic, Tensor):
            raise TypeError("ToTensor: pic should be a PIL image or a numpy array (H, W[, C]), "
                            "got a Tensor (it is already one)")
        arr = np.asarray(pic)
        if arr.ndim == 2:
            arr = arr[:, :, None]
        if arr.ndim not in (3, 4) or arr.dtype.kind not in "biuf":
            raise ValueError(f"ToTensor: expected an image (H, W) or (H, W, C) of numbers, got "
                             f"shape {arr.shape} and dtype {arr.dtype}")
        chw = np.moveaxis(arr, -1, -3)  # (..., C, H, W)
        if arr.dtype == np.uint8:
            out = chw.astype(np.float32) / np.float32(255.0)
        else:
            out = chw.astype(np.float32) if arr.dtype.kind in "bf" and arr.dtype != np.float64 \
                else chw.copy()
        return Tensor._make(np.ascontiguousarray(out))

    def __repr__(self) -> str:
        return "ToTensor()"


class Lambda:
    """Apply a function of yours as a transform.

    Example:
        >>> Lambda(lambda x: x * 2)(3)
        6
    """

    def __init__(self, lambd: Callable[[Any], Any]) -> None:
        if not callable(lambd):
            raise TypeError(f"Lambda: argument should be callable, got {type(lambd).__name__}")
        self.lambd = lambd

    def __call__(self, x: Any) -> Any:
        return self.lambd(x)

    def __repr__(self) -> str:
        return "Lambda()"


def _pad_widths(padding: int | Sequence[int], who: str) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) from an int, (left/right, top/bottom) or four values."""
    p = (padding,) if isinstance(padding, (int, np.integer)) else tuple(padding)
    if len(p) not in (1, 2, 4) or any(not isinstance(v, (int, np.integer)) or v < 0 for v in p):
        raise ValueError(f"{who}: padding must be an int >= 0 or a sequence of 2 or 4 of them, "
                         f"got {padding!r}")
    if len(p) == 1:
        return (int(p[0]),) * 4  # type: ignore[return-value]
    if len(p) == 2:
        return int(p[0]), int(p[1]), int(p[0]), int(p[1])
    return int(p[0]), int(p[1]), int(p[2]), int(p[3])


class Pad:
    """Pad every side of the image (torchvision's ``Pad``).

    Args:
        padding: an int for all sides, ``(left/right, top/bottom)``, or
            ``(left, top, right, bottom)``.
        fill: the value for ``padding_mode="constant"``.
        padding_mode: ``"constant"``, ``"edge"``, ``"reflect"`` or ``"symmetric"``.

    Example:
        >>> import numpy as np
        >>> Pad((1, 0), padding_mode="edge")(np.array([[[1.0, 2.0]]])).tolist()
        [[[1.0, 1.0, 2.0, 2.0]]]
    """

    _MODES = {"constant": "constant", "edge": "edge", "reflect": "reflect",
              "symmetric": "symmetric"}

    def __init__(self, padding: int | Sequence[int], fill: float = 0,
                 padding_mode: str = "constant") -> None:
        self.padding = _pad_widths(padding, "Pad")
        if padding_mode not in self._MODES:
            raise ValueError(f"Pad: padding_mode must be one of {sorted(self._MODES)}, got "
                             f"{padding_mode!r}")
        self.fill, self.padding_mode = fill, padding_mode

    def __call__(self, x: Any) -> Any:
        arr, how = _batch(x, "Pad")
        left, top, right, bottom = self.padding
        widths = ((0, 0), (0, 0), (top, bottom), (left, right))
        if self.padding_mode == "constant":
            out = np.pad(arr, widths, constant_values=self.fill)
        else:
            out = np.pad(arr, widths, mode=self._MODES[self.padding_mode])  # type: ignore
        return _back(out, how)

    def __repr__(self) -> str:
        return f"Pad(padding={self.padding}, fill={self.fill}, padding_mode={self.padding_mode})"


def _size_pair(size: int | Sequence[int], who: str) -> tuple[int, int]:
    s = (size, size) if isinstance(size, (int, np.integer)) else tuple(size)
    if len(s) == 1:
        s = (s[0], s[0])
    if len(s) != 2 or any(not isinstance(v, (int, np.integer)) or v < 1 for v in s):
        raise ValueError(f"{who}: size must be a positive int or (h, w), got {size!r}")
    return int(s[0]), int(s[1])


class CenterCrop:
    """Cut the central ``size`` window (padding with zeros first if the image is smaller).

    Example:
        >>> import numpy as np
        >>> CenterCrop(2)(np.arange(16.0).reshape(1, 4, 4)).tolist()
        [[[5.0, 6.0], [9.0, 10.0]]]
    """

    def __init__(self, size: int | Sequence[int]) -> None:
        self.size = _size_pair(size, "CenterCrop")

    def __call__(self, x: Any) -> Any:
        arr, how = _batch(x, "CenterCrop")
        h, w = self.size
        H, W = arr.shape[-2:]
        if h > H or w > W:  # as torchvision: pad (zeros) to at least the crop size
            ph, pw = max(h - H, 0), max(w - W, 0)
            arr = np.pad(arr, ((0, 0), (0, 0), (ph // 2, (ph + 1) // 2),
                               (pw // 2, (pw + 1) // 2)))
            H, W = arr.shape[-2:]
        top, left = int(round((H - h) / 2.0)), int(round((W - w) / 2.0))
        return _back(arr[..., top:top + h, left:left + w], how)

    def __repr__(self) -> str:
        return f"CenterCrop(size={self.size})"


class Resize:
    """Resize the image: to ``(h, w)``, or its shorter side to ``size`` keeping the aspect ratio.

    Args:
        size: ``(h, w)``, or an int for the shorter side (as torchvision).
        interpolation: ``"bilinear"`` (default) or ``"nearest"`` (or
            :class:`InterpolationMode`), computed as ``torch.nn.functional.interpolate``
            does (``align_corners=False``). uint8 images stay uint8 (rounded).
        max_size, antialias: accepted for torchvision scripts; shrinking is
            not antialiased (torchvision's default is), so downscaled images
            can differ from torchvision's.

    Example:
        >>> import numpy as np
        >>> Resize((2, 4), interpolation="nearest")(np.array([[[1.0, 2.0]]])).tolist()
        [[[1.0, 1.0, 2.0, 2.0], [1.0, 1.0, 2.0, 2.0]]]
        >>> Resize(4)(np.zeros((3, 8, 16))).shape
        (3, 4, 8)
    """

    def __init__(self, size: int | Sequence[int], interpolation: Any = "bilinear",
                 max_size: int | None = None, antialias: bool | None = True) -> None:
        self.size = size if isinstance(size, (int, np.integer)) else _size_pair(size, "Resize")
        if isinstance(size, (int, np.integer)) and size < 1:
            raise ValueError(f"Resize: size must be positive, got {size!r}")
        mode = str(getattr(interpolation, "value", interpolation)).lower()
        if mode not in ("bilinear", "nearest"):
            raise ValueError(f"Resize: interpolation must be 'bilinear' or 'nearest', got "
                             f"{interpolation!r}")
        self.interpolation = mode

    def _out_size(self, H: int, W: int) -> tuple[int, int]:
        if not isinstance(self.size, (int, np.integer)):
            return self.size
        s = int(self.size)
        return (s, int(s * W / H)) if H <= W else (int(s * H / W), s)

    def __call__(self, x: Any) -> Any:
        arr, how = _batch(x, "Resize")
        H, W = arr.shape[-2:]
        h, w = self._out_size(H, W)
        work = arr.astype(np.float32) if arr.dtype.kind != "f" else arr
        if self.interpolation == "nearest":
            rows = np.minimum((np.arange(h) * (H / h)).astype(np.int64), H - 1)
            cols = np.minimum((np.arange(w) * (W / w)).astype(np.int64), W - 1)
            out = work[..., rows[:, None], cols[None, :]]
        else:
            r0, r1, fr = _linear_weights(H, h, work.dtype)
            c0, c1, fc = _linear_weights(W, w, work.dtype)
            top = work[..., r0, :] * (1 - fr)[:, None] + work[..., r1, :] * fr[:, None]
            out = top[..., c0] * (1 - fc) + top[..., c1] * fc
        if arr.dtype.kind in "iu":
            info = np.iinfo(arr.dtype)
            out = np.clip(np.round(out), info.min, info.max).astype(arr.dtype)
        return _back(out, how)

    def __repr__(self) -> str:
        return f"Resize(size={self.size}, interpolation={self.interpolation})"


def _linear_weights(n_in: int, n_out: int, dt: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Source indices and weights of linear interpolation with align_corners=False."""
    src = np.maximum((np.arange(n_out) + 0.5) * (n_in / n_out) - 0.5, 0.0)
    i0 = np.minimum(np.floor(src).astype(np.int64), n_in - 1)
    i1 = np.minimum(i0 + 1, n_in - 1)
    return i0, i1, (src - i0).astype(dt)
