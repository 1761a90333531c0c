"""Checkpoints: ``save(obj, f)`` and ``load(f)``, as ``torch.save``/``torch.load``, never pickle.

``import autograd as torch`` makes ``torch.save``/``torch.load`` these
functions; ``nn.save``/``nn.load`` are the same ones. The file is an
uncompressed numpy ``.npz``: every array is one ``.npy`` member named by its
dotted path (``model.fc1.weight``, ``optimizer.state.0.exp_avg``), and the
shape of the container tree, with its scalars, strings and key types, is
JSON text in one more member. Nothing is ever unpickled, so ``weights_only``
is always in effect and a file from a stranger cannot run code; reading
checks every member's size before allocating it.

Round trip: Tensors come back as (detached) Tensors with their dtype, numpy
arrays as numpy arrays, numpy scalars as numpy scalars; dicts (str or int
keys, order kept), lists, tuples, ints, floats, bools, strings and None as
themselves. A ``.safetensors`` file (a flat dict of str to tensor, the
format of the wider ecosystem) is written with ``format="safetensors"`` or
by the extension, and read back as a dict of Tensors; this needs the
``safetensors`` package (``pip install safetensors``).

The names PyTorch scripts use around ``weights_only`` loading
(:func:`add_safe_globals`, :func:`safe_globals`, ...) exist and do nothing:
there are no pickled globals to allow.
"""
from __future__ import annotations

import contextlib
import io
import os
import stat
import tempfile
import threading
from typing import IO, Any, Callable, Iterator

import numpy as np

from ._npz import CheckpointError, check_key, flatten, read_npz, write_npz
from .tensor import Tensor

__all__ = ["save", "load", "CheckpointError", "atomic_write", "add_safe_globals",
           "clear_safe_globals", "get_safe_globals", "safe_globals"]

FileLike = str | os.PathLike | IO[bytes]


def save(obj: Any, f: FileLike, *, format: str | None = None) -> None:  # noqa: A002
    """Write ``obj`` (a tensor, a state dict, or nested dicts/lists of them) to ``f``.

    On a path the write is atomic: a temporary file in the same directory is
    written, fsynced and renamed over ``f``, so a crash leaves the old file or
    the new one, never a mix (a writer killed mid-save may leave a hidden
    ``.<name>.*.tmp`` beside it, safe to delete). A replaced file keeps its
    permission bits; a new one gets the umask's. Everything is checked before
    the old file is touched. ``f`` is used as given (no extension is added).

    Args:
        obj: Tensors, numpy arrays, numbers, strings, None, and dicts (str or
            int keys), lists and tuples of them.
        f: a path, or a binary file object open for writing.
        format: ``"npz"`` (the default) or ``"safetensors"`` (a flat dict of
            str to tensors; the default for a path ending in ``.safetensors``).

    Raises:
        TypeError: an object the format cannot store (the message says where).
        ValueError: a dict key the format cannot store (NUL, lone surrogate).
        ImportError: ``format="safetensors"`` without the safetensors package.

    Example:
        >>> import os, tempfile, autograd as torch
        >>> path = os.path.join(tempfile.mkdtemp(), "ckpt.pt")
        >>> torch.save({"model": {"weight": torch.ones(2, 3)}, "epoch": 3}, path)
        >>> ckpt = torch.load(path, map_location="cpu", weights_only=True)
        >>> ckpt["epoch"], ckpt["model"]["weight"].shape, ckpt["model"]["weight"].dtype
        (3, (2, 3), dtype('float32'))
    """
    if _pick_format(f, format) == "safetensors":
        data = _safetensors_bytes(obj)
        writer: Callable[[IO[bytes]], Any] = lambda fh: fh.write(data)  # noqa: E731
    else:
        arrays = flatten(obj)
        writer = lambda fh: write_npz(fh, arrays)  # noqa: E731
    if isinstance(f, (str, os.PathLike)):
        atomic_write(f, writer)
    elif hasattr(f, "write"):
        writer(f)
    else:
        raise TypeError(f"save: f must be a path or a binary file object, got "
                        f"{type(f).__name__}")


def load(f: FileLike, map_location: Any = None, pickle_module: Any = None, *,
         weights_only: bool | None = None, mmap: bool | None = None) -> Any:
    """Read what :func:`save` wrote (an ``.npz`` checkpoint, or a ``.safetensors`` file).

    A plain ``.npz`` of numeric arrays (no metadata) loads as a dict of
    Tensors; a ``.safetensors`` file (found by its content) as a dict of
    Tensors, for which the safetensors package is needed.

    Args:
        f: a path, or a binary file object open for reading (read from its
            current position to its end).
        map_location: where tensors go, as ``torch.load``: None, ``"cpu"``, a
            device object whose ``.type`` is ``"cpu"``, a dict mapping saved
            locations (``"cpu"`` here) to new ones, or a function called as
            ``fn(tensor, "cpu")`` returning the tensor to use (or None). A CUDA
            (or other non-CPU) device is a RuntimeError: this engine runs on CPU.
        pickle_module: must be None: nothing is unpickled.
        weights_only: accepted for PyTorch scripts; loading is always
            weights-only safe, whatever its value.
        mmap: accepted for PyTorch scripts; arrays are always read into memory.

    Returns:
        the object saved.

    Raises:
        CheckpointError: the file is truncated, corrupt, hostile (pickle,
            compressed or oversized members) or not a checkpoint; the
            message names the file and, where it applies, the member.
        FileNotFoundError: there is no such file.

    Example:
        >>> import io, autograd as torch
        >>> buf = io.BytesIO()
        >>> torch.save([torch.tensor([1, 2]), {"lr": 0.1}], buf)
        >>> _ = buf.seek(0)
        >>> torch.load(buf, map_location="cpu", weights_only=True)
        [tensor([1, 2]), {'lr': 0.1}]
    """
    tensor = _tensor_maker(map_location)
    if pickle_module is not None:
        raise TypeError("load: pickle_module must be None: checkpoints are never unpickled")
    for flag, value in (("weights_only", weights_only), ("mmap", mmap)):
        if value not in (None, True, False):
            raise TypeError(f"load: {flag} must be True, False or None, got {value!r}")
    with _reading(f) as (fp, name):
        kind = _sniff(fp, name)
        if kind == "safetensors":
            return _load_safetensors(fp, name, tensor)
        return read_npz(fp, name, tensor)


# ----------------------------------------------------------- devices
_NOT_CPU = "this engine runs on the CPU only; use map_location='cpu' (or leave it out)"


def _check_device(loc: Any) -> None:
    kind = loc if isinstance(loc, str) else getattr(loc, "type", None)
    if not isinstance(kind, str):
        raise TypeError(f"load: map_location {loc!r} is not a device name or device")
    if kind.split(":")[0].strip().lower() != "cpu":
        raise RuntimeError(f"load: map_location={loc!r} names a "
                           f"{'CUDA' if 'cuda' in kind.lower() else 'non-CPU'} device, but "
                           f"{_NOT_CPU}")


def _tensor_maker(map_location: Any) -> Callable[[np.ndarray], Any]:
    """The function that turns a loaded array into what a tensor entry loads as."""
    if map_location is None or isinstance(map_location, str) or hasattr(map_location, "type"):
        if map_location is not None:
            _check_device(map_location)
        return _tensor
    if isinstance(map_location, dict):
        if "cpu" in map_location:
            _check_device(map_location["cpu"])
        return _tensor
    if callable(map_location):
        fn = map_location

        def mapped(arr: np.ndarray) -> Any:
            t = _tensor(arr)
            out = fn(t, "cpu")
            if out is None:
                return t
            if isinstance(out, np.ndarray):
                return _tensor(out)
            if not isinstance(out, Tensor):
                raise TypeError(f"load: map_location returned a {type(out).__name__}, "
                                "not a Tensor (or None)")
            return out
        return mapped
    raise TypeError(f"load: map_location must be None, a device, a dict or a function, got "
                    f"{type(map_location).__name__}")


def _tensor(arr: np.ndarray) -> Tensor:
    if not arr.dtype.isnative:
        arr = arr.astype(arr.dtype.newbyteorder("="))
    return Tensor(arr)


# ----------------------------------------------------------- files
@contextlib.contextmanager
def _reading(f: FileLike) -> Iterator[tuple[IO[bytes], str]]:
    """``f`` as a seekable binary file and the name that error messages use."""
    if isinstance(f, (str, os.PathLike)):
        path = os.fspath(f)
        if not os.path.exists(path):
            raise FileNotFoundError(f"load: no checkpoint at {path!r}")
        with open(path, "rb") as fp:
            yield fp, str(path)
        return
    if not hasattr(f, "read"):
        raise TypeError(f"load: f must be a path or a binary file object, got {type(f).__name__}")
    name = str(getattr(f, "name", "<file object>"))
    data = f.read()
    if not isinstance(data, (bytes, bytearray)):
        raise TypeError(f"load: {name} is open in text mode; open it with 'rb'")
    yield io.BytesIO(data), name


def _sniff(fp: IO[bytes], name: str) -> str:
    head = fp.read(9)
    fp.seek(0)
    if not head:
        raise CheckpointError(f"{name}: corrupt or not a checkpoint (the file is empty)")
    if head.startswith(b"PK"):
        return "npz"
    if head.startswith(b"\x93NUMPY"):
        raise CheckpointError(f"{name}: not an .npz checkpoint (it is a single .npy array)")
    if head[:1] == b"\x80":
        raise CheckpointError(f"{name}: the file is a pickle, which is refused because loading "
                              "it could run code; save checkpoints with nn.save / torch.save "
                              "of this library, or as .safetensors")
    if len(head) == 9 and head[8:9] == b"{":
        return "safetensors"
    raise CheckpointError(f"{name}: corrupt or not a checkpoint (no .npz or .safetensors "
                          "header)")


def _pick_format(f: Any, format: str | None) -> str:  # noqa: A002
    if format is None:
        is_st = isinstance(f, (str, os.PathLike)) and os.fspath(f).endswith(".safetensors")
        return "safetensors" if is_st else "npz"
    if format not in ("npz", "safetensors"):
        raise ValueError(f"save: format must be 'npz' or 'safetensors', got {format!r}")
    return format


def atomic_write(path: str | os.PathLike, write: Callable[[IO[bytes]], Any],
                 *, fsync: bool = True) -> None:
    """Create or replace the file ``path`` atomically with what ``write(fileobj)`` writes.

    The data goes to a hidden temporary file in the same directory, is
    fsynced, given the mode of the file it replaces (a new file: the umask's,
    as ``open`` would), and renamed over ``path``; then the directory is
    fsynced. A crash leaves the old file or the new one. A symlink at ``path``
    stays a symlink: the file it points to is replaced.

    Args:
        path: the file to write; its directory must exist.
        write: called once with the open binary temporary file.
        fsync: flush to disk before the rename (drawings may skip it).

    Example:
        >>> import os, tempfile
        >>> from autograd.serialization import atomic_write
        >>> path = os.path.join(tempfile.mkdtemp(), "notes.txt")
        >>> atomic_write(path, lambda f: f.write(b"hello"))
        >>> open(path, "rb").read()
        b'hello'
    """
    path = os.fspath(path)
    target = os.path.realpath(path)
    directory = os.path.dirname(target)
    if not os.path.isdir(directory):
        raise FileNotFoundError(f"cannot write {path}: no such directory {directory!r}")
    if os.path.isdir(target):
        raise IsADirectoryError(f"cannot write {path}: it is a directory")
    mode = _mode_for(target)
    try:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix="." + os.path.basename(target) + ".",
                                   suffix=".tmp")
    except OSError as e:
        raise OSError(e.errno, f"cannot write {path}: {e.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            if fsync:
                os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    if fsync:
        _fsync_dir(directory)


def _mode_for(target: str) -> int:
    """The permission bits the written file should get."""
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        return 0o666 & ~_umask()


_umask_lock = threading.Lock()


def _umask() -> int:
    try:  # Linux: read it without changing it
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    with _umask_lock:
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


def _fsync_dir(directory: str) -> None:
    flags = getattr(os, "O_DIRECTORY", None)
    if flags is None:  # not available (Windows): the rename is still atomic
        return
    fd = os.open(directory, os.O_RDONLY | flags)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# ----------------------------------------------------------- safetensors
def _safetensors() -> Any:
    try:
        import safetensors.numpy as st
    except ImportError:
        raise ImportError("safetensors files need the safetensors package: pip install "
                          "safetensors (or pip install scratchgrad[safetensors])") from None
    return st


def _safetensors_bytes(obj: Any) -> bytes:
    """``obj`` (a flat dict of str to Tensors / arrays) as safetensors bytes; checks first."""
    if not isinstance(obj, dict):
        raise TypeError(f"save: a safetensors file holds a flat dict of str to tensors, got a "
                        f"{type(obj).__name__}; use the default .npz format for other objects")
    arrays = {}
    for k, v in obj.items():
        if not isinstance(k, str):
            raise TypeError(f"save: safetensors keys must be str, got {k!r}")
        check_key(k, "top level")
        arr = v.array if isinstance(v, Tensor) else v
        if not isinstance(arr, np.ndarray):
            raise TypeError(f"save: a safetensors file holds a flat dict of str to tensors "
                            f"only, but {k!r} is a {type(v).__name__}; use the default .npz "
                            "format for nested checkpoints (epoch numbers, optimizer state)")
        if arr.dtype.kind not in "biuf" or arr.dtype.itemsize > 8:
            raise TypeError(f"save: safetensors cannot store {k!r} of dtype {arr.dtype}")
        arrays[k] = np.ascontiguousarray(arr)
    return bytes(_safetensors().save(arrays))


def _load_safetensors(fp: IO[bytes], name: str, tensor: Callable[[np.ndarray], Any]) -> Any:
    st = _safetensors()
    try:
        arrays = st.load(fp.read())
    except Exception as e:  # the parser's own error type (SafetensorError)
        raise CheckpointError(f"{name}: corrupt safetensors file ({e})") from e
    out = {}
    for k, arr in arrays.items():
        if arr.dtype.kind not in "biufc":
            raise CheckpointError(f"{name}: tensor {k!r} has dtype {arr.dtype}, which cannot "
                                  "be a Tensor")
        out[k] = tensor(np.array(arr))
    return out


# ----------------------------------------------------------- weights_only names
_SAFE_GLOBALS: list[Any] = []


def add_safe_globals(safe_globals: list[Any]) -> None:
    """Accepted for PyTorch scripts; does nothing, as nothing is unpickled.

    PyTorch's ``weights_only`` loader needs classes allow-listed before it
    unpickles them; this format holds no pickled objects, so there is nothing
    to allow. The names are remembered for :func:`get_safe_globals`.

    Example:
        >>> import autograd as torch
        >>> torch.serialization.add_safe_globals([dict])
        >>> dict in torch.serialization.get_safe_globals()
        True
        >>> torch.serialization.clear_safe_globals()
    """
    _SAFE_GLOBALS.extend(safe_globals)


def get_safe_globals() -> list[Any]:
    """What :func:`add_safe_globals` was given (it has no effect on loading)."""
    return list(_SAFE_GLOBALS)


def clear_safe_globals() -> None:
    """Forget what :func:`add_safe_globals` was given."""
    _SAFE_GLOBALS.clear()


@contextlib.contextmanager
def safe_globals(safe_globals: list[Any]) -> Iterator[None]:
    """Accepted for PyTorch scripts: ``with safe_globals([...]): load(...)`` is just ``load``.

    Example:
        >>> import autograd as torch
        >>> with torch.serialization.safe_globals([dict]):
        ...     pass
    """
    n = len(_SAFE_GLOBALS)
    _SAFE_GLOBALS.extend(safe_globals)
    try:
        yield
    finally:
        del _SAFE_GLOBALS[n:]
