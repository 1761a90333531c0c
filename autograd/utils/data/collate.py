"""``default_collate`` and ``default_convert``: samples to batched Tensors, as torch.utils.data.

The rules are PyTorch's: Tensors and numeric numpy arrays are stacked along a
new first dimension; a batch of Python ints becomes an int64 Tensor and of
Python floats a float64 one, and a batch mixing ints and floats is promoted
(``[1, 2.5]`` -> float32 ``[1.0, 2.5]``, as ``torch.tensor`` would); bools
become a bool Tensor; numpy scalars keep their dtype; strings stay as they
are; dicts, namedtuples and sequences are collated field by field (a tuple
sample gives a list of fields, as PyTorch).
"""
from __future__ import annotations

from collections.abc import Mapping, MutableSequence, Sequence
from typing import Any

import numpy as np

from autograd.tensor import Tensor

__all__ = ["default_collate", "default_convert"]


class CollateShapeError(RuntimeError, ValueError):
    """Samples that cannot be stacked (PyTorch raises RuntimeError; a ValueError too)."""


def _wrap(arr: np.ndarray) -> Tensor:
    return Tensor._make(arr)


def _array(x: Any) -> np.ndarray:
    return x.array if isinstance(x, Tensor) else np.asarray(x)


def _numbers(batch: Sequence[Any]) -> Tensor:
    """Python numbers to a Tensor with ``torch.tensor``'s inference over the whole batch."""
    if all(isinstance(b, (bool, np.bool_)) for b in batch):
        return _wrap(np.asarray(batch, dtype=np.bool_))
    if isinstance(batch[0], float):
        return _wrap(np.asarray(batch, dtype=np.float64))  # PyTorch: a batch of floats is double
    if all(isinstance(b, (bool, int, np.integer)) for b in batch):
        return _wrap(np.asarray(batch, dtype=np.int64))
    if any(isinstance(b, complex) for b in batch):
        raise TypeError("default_collate: complex numbers are not supported")
    return _wrap(np.asarray(batch, dtype=np.float32))  # ints and floats mixed: the default float


def _stack(batch: Sequence[Any]) -> Tensor:
    arrays = [_array(b) for b in batch]
    kinds = {a.dtype.kind for a in arrays}
    if not kinds <= set("biuf"):
        bad = next(a.dtype for a in arrays if a.dtype.kind not in "biuf")
        raise TypeError(f"default_collate: batch must contain tensors, numpy arrays, numbers, "
                        f"dicts or lists; found an array of dtype {bad}")
    shapes = {a.shape for a in arrays}
    if len(shapes) != 1:
        raise CollateShapeError(f"default_collate: stack expects each tensor to be equal size, but "
                           f"got samples of different shapes {sorted(shapes)}; pass a "
                           "collate_fn that pads them")
    return _wrap(np.stack(arrays))


def _is_namedtuple(x: Any) -> bool:
    return isinstance(x, tuple) and hasattr(x, "_fields")


def default_collate(batch: Sequence[Any]) -> Any:
    """Turn a list of samples into a batch, keeping the samples' structure.

    Args:
        batch: the samples (as a Dataset returns them), at least one.

    Returns:
        Tensors with a new first dimension of ``len(batch)`` for tensors,
        arrays and numbers; the same container (dict, namedtuple, list) with
        each field collated for structured samples; a tuple sample gives a
        list of fields; strings are returned as they are.

    Example:
        >>> import autograd as ag
        >>> x, y = default_collate([(ag.tensor([1.0, 2.0]), 0), (ag.tensor([3.0, 4.0]), 1)])
        >>> x.shape, y.tolist()
        ((2, 2), [0, 1])
        >>> default_collate([1, 2.5])
        tensor([1.0000, 2.5000])
        >>> default_collate([{"a": 1.5}, {"a": 2.0}])["a"].dtype
        dtype('float64')
    """
    if isinstance(batch, (Tensor, np.ndarray)) or not isinstance(batch, Sequence):
        raise TypeError(f"default_collate: expected a list of samples, got "
                        f"{type(batch).__name__}")
    if len(batch) == 0:
        raise ValueError("default_collate: the batch is empty")
    elem = batch[0]
    if isinstance(elem, (Tensor, np.ndarray)):
        return _stack(batch)
    if isinstance(elem, np.generic) and elem.dtype.kind in "biuf":
        return _wrap(np.asarray(batch, dtype=np.result_type(*batch)))
    if isinstance(elem, (bool, int, float, complex)):
        return _numbers(batch)
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, Mapping):
        missing = [i for i, b in enumerate(batch) if not isinstance(b, Mapping)
                   or set(b) != set(elem)]
        if missing:
            raise RuntimeError(f"default_collate: sample {missing[0]} does not have the same "
                               f"keys as sample 0 ({sorted(map(str, elem))})")
        out = {k: default_collate([b[k] for b in batch]) for k in elem}
        if type(elem) is dict:
            return out
        try:
            return type(elem)(out)  # type: ignore[call-arg]
        except TypeError:
            return out
    if isinstance(elem, Sequence):
        if any(not isinstance(b, Sequence) or len(b) != len(elem) for b in batch):
            raise RuntimeError("default_collate: each element in list of batch should be of "
                               "equal size")
        fields = [default_collate(list(f)) for f in zip(*batch)]
        if _is_namedtuple(elem):
            return type(elem)(*fields)
        if isinstance(elem, tuple):
            return fields  # PyTorch returns a list for tuple samples
        if isinstance(elem, MutableSequence) and type(elem) is not list:
            try:
                return type(elem)(fields)  # type: ignore[call-arg]
            except TypeError:
                return fields
        return fields
    raise TypeError(f"default_collate: batch must contain tensors, numpy arrays, numbers, "
                    f"dicts or lists; found {type(elem).__name__} (pass a collate_fn=)")


def default_convert(data: Any) -> Any:
    """Numpy arrays (and numpy scalars) in ``data`` to Tensors, keeping the structure.

    Used by the DataLoader when batching is off (``batch_size=None``).

    Example:
        >>> import numpy as np
        >>> default_convert({"x": np.ones(2), "n": 3})
        {'x': tensor([1., 1.], dtype=float64), 'n': 3}
    """
    if isinstance(data, np.ndarray) and data.dtype.kind in "biuf":
        return _wrap(data)
    if isinstance(data, np.generic) and data.dtype.kind in "biuf":
        return _wrap(np.asarray(data))
    if isinstance(data, Mapping):
        return {k: default_convert(v) for k, v in data.items()}
    if _is_namedtuple(data):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, list):
        return [default_convert(d) for d in data]
    return data
