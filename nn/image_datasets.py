"""torchvision-shaped datasets: ``MNIST``, ``FashionMNIST`` (IDX files on disk) and ``FakeData``.

Re-exported by :mod:`nn.datasets` (``from nn import datasets`` stands for
``from torchvision import datasets``). Nothing is downloaded.
"""
from __future__ import annotations

import os
from typing import Any, Callable

import numpy as np

from autograd.tensor import Tensor
from autograd.utils.data import Dataset

from .datasets import _find_idx, _idx_pair

__all__ = ["MNIST", "FashionMNIST", "FakeData"]

_IDX_FILES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
              "t10k-labels-idx1-ubyte")


class MNIST(Dataset):
    """torchvision's ``MNIST``: the IDX files in ``root/MNIST/raw/``, one sample at a time.

    Args:
        root: the folder that holds ``MNIST/raw/`` (as torchvision lays it out);
            the four files ``train-images-idx3-ubyte``, ``train-labels-idx1-ubyte``,
            ``t10k-images-idx3-ubyte``, ``t10k-labels-idx1-ubyte``, plain or ``.gz``.
        train: the training split (60,000), else the test split (10,000).
        transform: applied to each image, e.g. ``transforms.ToTensor()``.
        target_transform: applied to each label.
        download: nothing is downloaded here (no network is used): with the
            files missing this raises an error that names them and the folder.

    Samples are ``(image, label)``: the image a ``(28, 28)`` uint8 array
    (what a PIL image of mode ``"L"`` holds; ``ToTensor`` makes it a
    ``(1, 28, 28)`` float Tensor in [0, 1]), the label an int. ``data`` and
    ``targets`` are the whole split as Tensors (uint8 and int64).

    Example:
        >>> import os, tempfile, gzip, numpy as np
        >>> root = tempfile.mkdtemp(); raw = os.path.join(root, "MNIST", "raw")
        >>> os.makedirs(raw)
        >>> for split, n in (("train", 2), ("t10k", 1)):
        ...     img = bytes([0, 0, 8, 3, 0, 0, 0, n, 0, 0, 0, 2, 0, 0, 0, 2]) + bytes(4 * n)
        ...     lab = bytes([0, 0, 8, 1, 0, 0, 0, n]) + bytes(range(n))
        ...     _ = open(os.path.join(raw, f"{split}-images-idx3-ubyte"), "wb").write(img)
        ...     _ = open(os.path.join(raw, f"{split}-labels-idx1-ubyte"), "wb").write(lab)
        >>> ds = MNIST(root, train=True)
        >>> len(ds), ds[1][0].shape, ds[1][1]
        (2, (2, 2), 1)
    """

    classes = ["0 - zero", "1 - one", "2 - two", "3 - three", "4 - four", "5 - five", "6 - six",
               "7 - seven", "8 - eight", "9 - nine"]

    def __init__(self, root: str | os.PathLike, train: bool = True,
                 transform: Callable[[Any], Any] | None = None,
                 target_transform: Callable[[Any], Any] | None = None,
                 download: bool = False) -> None:
        self.root, self.train = os.fspath(root), bool(train)
        self.transform, self.target_transform = transform, target_transform
        missing = [f for f in _IDX_FILES if _find_idx(self.raw_folder, f) is None]
        if missing:
            name = type(self).__name__
            where = (f"put {', '.join(n + '[.gz]' for n in missing)} into {self.raw_folder!r} "
                     f"(from the {name} distribution)")
            if download:
                raise RuntimeError(f"{name}: download=True, but this package does not download "
                                   f"(it runs offline); {where}")
            raise RuntimeError(f"{name}: dataset not found: {where}")
        X, y = _idx_pair(self.raw_folder, self.train, type(self).__name__)
        self._images = np.ascontiguousarray(X)
        self._labels = y

    @property
    def raw_folder(self) -> str:
        """``root/<ClassName>/raw``, where the IDX files are read from."""
        return os.path.join(self.root, type(self).__name__, "raw")

    @property
    def data(self) -> Tensor:
        """All images of the split, ``(N, 28, 28)``, sharing memory."""
        return Tensor._make(self._images)

    @property
    def targets(self) -> Tensor:
        """All labels of the split, ``(N,)`` int64."""
        return Tensor._make(self._labels)

    @property
    def class_to_idx(self) -> dict[str, int]:
        return {c: i for i, c in enumerate(self.classes)}

    def __len__(self) -> int:
        return len(self._labels)

    def __getitem__(self, index: int) -> tuple[Any, Any]:
        img: Any = self._images[index]
        target: Any = int(self._labels[index])
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def __repr__(self) -> str:
        return (f"Dataset {type(self).__name__}\n    Number of datapoints: {len(self)}\n"
                f"    Root location: {self.root}\n    Split: "
                f"{'Train' if self.train else 'Test'}")


class FashionMNIST(MNIST):
    """torchvision's ``FashionMNIST``: as :class:`MNIST`, from ``root/FashionMNIST/raw/``."""

    classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
               "Sneaker", "Bag", "Ankle boot"]


class FakeData(Dataset):
    """torchvision's ``FakeData``: random images and labels, the same for the same index.

    Args:
        size: number of samples (default 1000).
        image_size: ``(C, H, W)`` (default (3, 224, 224)).
        num_classes: labels are drawn from ``0 .. num_classes - 1`` (default 10).
        transform, target_transform: as :class:`MNIST`.
        random_offset: shifts the per-index seeds (sample ``i`` is drawn from
            a generator seeded with ``i + random_offset``).

    Samples are ``(image, label)``, the image a uint8 array ``(H, W, C)``
    (``(H, W)`` for one channel), as a PIL image would hold it.

    Example:
        >>> ds = FakeData(size=4, image_size=(1, 5, 6), num_classes=3)
        >>> img, label = ds[2]
        >>> img.shape, img.dtype, 0 <= label < 3, bool((ds[2][0] == img).all())
        ((5, 6), dtype('uint8'), True, True)
    """

    def __init__(self, size: int = 1000, image_size: tuple[int, int, int] = (3, 224, 224),
                 num_classes: int = 10, transform: Callable[[Any], Any] | None = None,
                 target_transform: Callable[[Any], Any] | None = None,
                 random_offset: int = 0) -> None:
        if not isinstance(size, (int, np.integer)) or size < 0:
            raise ValueError(f"FakeData: size must be an int >= 0, got {size!r}")
        if len(tuple(image_size)) != 3 or min(image_size) < 1:
            raise ValueError(f"FakeData: image_size must be (C, H, W), got {image_size!r}")
        if not isinstance(num_classes, (int, np.integer)) or num_classes < 1:
            raise ValueError(f"FakeData: num_classes must be a positive int, got "
                             f"{num_classes!r}")
        self.size, self.image_size = int(size), tuple(int(s) for s in image_size)
        self.num_classes, self.random_offset = int(num_classes), int(random_offset)
        self.transform, self.target_transform = transform, target_transform

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, index: int) -> tuple[Any, Any]:
        if not -self.size <= index < self.size:
            raise IndexError(f"FakeData: index {index} out of range for {self.size} samples")
        rng = np.random.default_rng(index % self.size + self.random_offset)
        c, h, w = self.image_size
        img: Any = rng.integers(0, 256, (h, w, c), dtype=np.uint8)
        img = img[..., 0] if c == 1 else img
        target: Any = int(rng.integers(0, self.num_classes))
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target
