"""Checkpoints: ``nn.save(state, path)`` and ``nn.load(path)``, as numpy ``.npz``, never pickle.

The file holds arrays only. Nested containers (a model's ``state_dict()``,
an optimizer's ``{"state": {0: {...}}, "param_groups": [...]}``, an epoch
counter) are flattened: every array is one ``.npz`` entry named by its
dotted path (``model.fc1.weight``, ``optimizer.state.0.exp_avg``), and the
shape of the container tree, with its scalars, strings and key types, is
stored as JSON text in one more uint8 entry. Reading uses
``allow_pickle=False``, so a file from a stranger cannot run code.

Round trip: Tensors come back as (detached) Tensors, numpy arrays as numpy
arrays, numpy scalars as numpy scalars; dicts (with str or int keys, order
kept), lists, tuples, ints, floats, bools, strings and None as themselves.
"""
from __future__ import annotations

import json
import os
import tempfile
import zipfile
from typing import Any

import numpy as np

from autograd.tensor import Tensor

__all__ = ["save", "load", "CheckpointError"]

_META = "__scratchgrad_meta__"
_FORMAT = "scratchgrad-checkpoint"
_VERSION = 1


class CheckpointError(ValueError):
    """A checkpoint file that cannot be read: truncated, corrupt, or not one of ours."""


class _Flattener:
    def __init__(self) -> None:
        self.arrays: dict[str, np.ndarray] = {}

    def _name(self, path: list[str]) -> str:
        base = ".".join(path) if path else "value"
        name, i = base, 1
        while name in self.arrays or name == _META:
            name, i = f"{base}#{i}", i + 1
        return name

    def _array(self, arr: np.ndarray, path: list[str], kind: str) -> dict:
        if arr.dtype.kind not in "biufcSU" or arr.dtype.hasobject:
            raise TypeError(f"save: cannot store {'.'.join(path) or 'value'}: arrays of dtype "
                            f"{arr.dtype} would need pickle; convert to a numeric array")
        name = self._name(path)
        self.arrays[name] = arr
        return {"t": kind, "key": name}

    def node(self, obj: Any, path: list[str]) -> Any:
        if isinstance(obj, Tensor):
            return self._array(obj.data, path, "tensor")
        if isinstance(obj, np.ndarray):
            return self._array(obj, path, "ndarray")
        if isinstance(obj, np.generic):
            return self._array(np.asarray(obj), path, "npscalar")
        if obj is None or isinstance(obj, (bool, int, float, str)):
            return {"t": "value", "v": obj}
        if isinstance(obj, dict):
            items = []
            for k, v in obj.items():
                if isinstance(k, (bool, np.bool_)) or not isinstance(k, (str, int, np.integer)):
                    raise TypeError(f"save: dict keys must be str or int, got {k!r} "
                                    f"at {'.'.join(path) or 'top level'}")
                key = k if isinstance(k, str) else int(k)
                items.append([key, self.node(v, path + [str(key)])])
            return {"t": "dict", "items": items}
        if isinstance(obj, (list, tuple)):
            return {"t": "list" if isinstance(obj, list) else "tuple",
                    "items": [self.node(v, path + [str(i)]) for i, v in enumerate(obj)]}
        raise TypeError(f"save: cannot store an object of type {type(obj).__name__} at "
                        f"{'.'.join(path) or 'top level'}; use Tensors, numpy arrays, numbers, "
                        "strings, None, and dicts / lists / tuples of them")


def save(obj: Any, path: str | os.PathLike) -> None:
    """Write ``obj`` (a state dict, or nested dicts/lists of them) to ``path`` atomically.

    The file is written to a temporary file in the same directory, flushed,
    fsynced and renamed over ``path``; the directory is fsynced too. A crash
    at any point leaves either the old file or the new one, never a mix (a
    writer killed mid-save may leave its hidden ``.<name>.*.tmp`` file beside
    the target; it is safe to delete). ``path`` is used as given (no ``.npz``
    is appended).

    Args:
        obj: Tensors, numpy arrays, numbers, strings, None, and dicts (str or
            int keys), lists and tuples of them.
        path: the file to write.

    Example:
        >>> import os, tempfile, nn
        >>> model = nn.Linear(3, 2)
        >>> path = os.path.join(tempfile.mkdtemp(), "ckpt.npz")
        >>> nn.save({"model": model.state_dict(), "epoch": 3}, path)
        >>> ckpt = nn.load(path)
        >>> ckpt["epoch"], list(ckpt["model"]), type(ckpt["model"]["weight"]).__name__
        (3, ['weight', 'bias'], 'Tensor')
    """
    flat = _Flattener()
    tree = flat.node(obj, [])
    meta = json.dumps({"format": _FORMAT, "version": _VERSION, "tree": tree},
                      allow_nan=True, separators=(",", ":"))
    arrays = dict(flat.arrays)
    arrays[_META] = np.frombuffer(meta.encode("utf-8"), dtype=np.uint8)

    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix="." + os.path.basename(path) + ".",
                               suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **arrays)  # type: ignore[arg-type]
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    _fsync_dir(directory)


def _fsync_dir(directory: str) -> None:
    flags = getattr(os, "O_DIRECTORY", None)
    if flags is None:  # not available (Windows): the rename is still atomic
        return
    fd = os.open(directory, os.O_RDONLY | flags)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def load(path: str | os.PathLike) -> Any:
    """Read a checkpoint written by :func:`save` (see the module docs for the round trip).

    A plain ``.npz`` of numeric arrays (no metadata) loads as a dict of Tensors.

    Raises:
        CheckpointError: the file is truncated, corrupt, holds object arrays
            (pickle) or is not an ``.npz``; the message names the file.
        FileNotFoundError: there is no such file.
    """
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"load: no checkpoint at {path!r}")
    with open(path, "rb") as f:
        magic = f.read(6)
    if magic.startswith(b"\x93NUMPY"):
        raise CheckpointError(f"{path}: not an .npz checkpoint (it is a single .npy array)")
    if magic[:1] == b"\x80":
        raise CheckpointError(f"{path}: the file is a pickle, which is refused because loading "
                              "it could run code; save checkpoints with nn.save")
    if not magic.startswith(b"PK"):
        raise CheckpointError(f"{path}: corrupt or not a checkpoint (no .npz archive header)")
    try:
        _check_entry_count(path)
        with np.load(path, allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in archive.files}
    except ValueError as e:
        if "pickle" in str(e):
            raise CheckpointError(f"{path}: the file holds pickled (object) data, which is "
                                  "refused because loading it could run code") from e
        raise CheckpointError(f"{path}: corrupt or truncated checkpoint ({e})") from e
    except (zipfile.BadZipFile, OSError, EOFError, KeyError, RuntimeError) as e:
        raise CheckpointError(f"{path}: corrupt or truncated checkpoint "
                              f"({type(e).__name__}: {e})") from e
    if _META not in arrays:
        return {name: Tensor._make(arr) for name, arr in arrays.items()}
    try:
        meta = json.loads(arrays.pop(_META).tobytes().decode("utf-8"))
        if meta.get("format") != _FORMAT:
            raise ValueError(f"unknown format {meta.get('format')!r}")
        if meta.get("version", 0) > _VERSION:
            raise ValueError(f"written by a newer version (format {meta['version']}, "
                             f"this reader knows {_VERSION})")
        return _build(meta["tree"], arrays)
    except (ValueError, KeyError, TypeError, UnicodeDecodeError, AttributeError) as e:
        raise CheckpointError(f"{path}: corrupt checkpoint metadata ({e})") from e


def _check_entry_count(path: str) -> None:
    """Refuse an archive whose directory lists fewer entries than its end record counts.

    zipfile trusts each directory entry's lengths, so one damaged length can hide
    the entries after it (the metadata among them) and the file would load as
    a partial dict without any error.
    """
    with open(path, "rb") as f:
        f.seek(0, os.SEEK_END)
        size = f.tell()
        f.seek(max(0, size - 65_557))  # end record (22 bytes) + the longest comment
        tail = f.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + 22 > len(tail):
        raise CheckpointError(f"{path}: corrupt or truncated checkpoint (no end-of-archive "
                              "record)")
    total = int.from_bytes(tail[at + 10:at + 12], "little")
    with zipfile.ZipFile(path) as z:
        found = len(z.infolist())
    if total != 0xFFFF and found != total:  # 0xFFFF: a zip64 archive counts elsewhere
        raise CheckpointError(f"{path}: corrupt checkpoint: the archive lists {total} entries "
                              f"but only {found} can be read")


def _build(node: dict, arrays: dict) -> Any:
    kind = node["t"]
    if kind == "value":
        return node["v"]
    if kind in ("tensor", "ndarray", "npscalar"):
        key = node["key"]
        if key not in arrays:
            raise KeyError(f"array entry {key!r} is missing")
        arr = arrays[key]
        if kind == "tensor":
            return Tensor._make(arr)
        return arr[()] if kind == "npscalar" else arr
    if kind == "dict":
        return {k: _build(v, arrays) for k, v in node["items"]}
    if kind == "list":
        return [_build(v, arrays) for v in node["items"]]
    if kind == "tuple":
        return tuple(_build(v, arrays) for v in node["items"])
    raise ValueError(f"unknown node kind {kind!r}")
