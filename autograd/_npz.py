"""The checkpoint file format: an uncompressed ``.npz`` of ``.npy`` members plus JSON metadata.

Writing flattens a container tree: every array becomes one stored (never
compressed) ``<name>.npy`` member named by its dotted path, and the tree, with
its scalars, strings and key types, is JSON text in one more uint8 member.
Names never end in ``.npy``, so numpy's own ``np.load`` cannot confuse ``x``
with ``x.npy`` either.

Reading trusts nothing in the file. Every member is checked before any array
is allocated: one name once, a ``.npy`` of a plain numeric (or, for numpy
arrays, text) dtype, stored uncompressed, and a header whose shape times item
size is exactly the bytes the member holds. The metadata must reference
each member exactly once, with the shape and dtype it recorded.
"""
from __future__ import annotations

import json
import math
import os
import struct
import zipfile
import zlib
from typing import IO, Any, Callable

import numpy as np

from .tensor import Tensor

META = "__scratchgrad_meta__"
FORMAT = "scratchgrad-checkpoint"
VERSION = 1
#: containers nested deeper than this are refused (on save and in a file's metadata)
MAX_DEPTH = 100
_TENSOR_KINDS = "biufc"  # dtypes a Tensor holds
_ARRAY_KINDS = "biufcSU"  # dtypes a numpy array in a checkpoint may have
_CHUNK = 1 << 22


class CheckpointError(RuntimeError, ValueError):
    """A checkpoint file that cannot be read: truncated, corrupt, hostile, or not one of ours.

    A RuntimeError (as PyTorch's load errors) and a ValueError (as this
    library's earlier versions raised).
    """


def check_key(key: str, where: str) -> None:
    """Refuse a dict key the format cannot store faithfully (NUL, lone surrogates)."""
    if "\x00" in key:
        raise ValueError(f"save: the key {key!r} at {where} contains a NUL character "
                         "('\\x00'); checkpoint keys must be text without NUL")
    try:
        key.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(f"save: the key {key!r} at {where} is not valid Unicode text (it "
                         "holds a lone surrogate); checkpoint keys must encode as UTF-8") from None


class Flattener:
    """Turns a container tree into ``arrays`` (member name -> array) and a JSON-able tree."""

    def __init__(self) -> None:
        self.arrays: dict[str, np.ndarray] = {}

    def _name(self, path: list[str]) -> str:
        base = ".".join(path)[:200] if path else "value"
        name, i = base, 1
        while name in self.arrays or name == META or name.endswith(".npy"):
            name, i = f"{base}#{i}", i + 1
        return name

    def _array(self, arr: np.ndarray, path: list[str], kind: str) -> dict:
        if arr.dtype.kind not in _ARRAY_KINDS or arr.dtype.hasobject or arr.dtype.itemsize == 0:
            raise TypeError(f"save: cannot store {'.'.join(path) or 'value'}: arrays of dtype "
                            f"{arr.dtype} would need pickle; convert to a numeric array")
        name = self._name(path)
        self.arrays[name] = arr
        return {"t": kind, "key": name, "dtype": arr.dtype.str, "shape": list(arr.shape)}

    def node(self, obj: Any, path: list[str]) -> Any:
        where = ".".join(path) or "top level"
        if len(path) > MAX_DEPTH:
            raise ValueError(f"save: containers nest deeper than {MAX_DEPTH} levels at "
                             f"{where[:200]}... (does a container hold itself?)")
        if isinstance(obj, Tensor):
            return self._array(obj.array, path, "tensor")
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
                    raise TypeError(f"save: dict keys must be str or int, got {k!r} at {where}")
                key = k if isinstance(k, str) else int(k)
                if isinstance(key, str):
                    check_key(key, where)
                items.append([key, self.node(v, path + [str(key)])])
            return {"t": "dict", "items": items}
        if isinstance(obj, (list, tuple)):
            return {"t": "list" if isinstance(obj, list) else "tuple",
                    "items": [self.node(v, path + [str(i)]) for i, v in enumerate(obj)]}
        raise TypeError(f"save: cannot store an object of type {type(obj).__name__} at "
                        f"{where}; use Tensors, numpy arrays, numbers, strings, None, and "
                        "dicts / lists / tuples of them")


def flatten(obj: Any) -> dict[str, np.ndarray]:
    """``obj`` as the members of a checkpoint (metadata included); raises before any I/O."""
    flat = Flattener()
    tree = flat.node(obj, [])
    meta = json.dumps({"format": FORMAT, "version": VERSION, "tree": tree},
                      allow_nan=True, separators=(",", ":"))
    arrays = dict(flat.arrays)
    arrays[META] = np.frombuffer(meta.encode("utf-8"), dtype=np.uint8)
    return arrays


def write_npz(f: IO[bytes], arrays: dict[str, np.ndarray]) -> None:
    """Write ``arrays`` to the open binary file ``f`` as an uncompressed ``.npz``."""
    with zipfile.ZipFile(f, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
        for name, arr in arrays.items():
            with zf.open(name + ".npy", "w", force_zip64=True) as member:
                np.lib.format.write_array(member, np.asarray(arr), allow_pickle=False)


# ----------------------------------------------------------------- reading
class _Member:
    """One checked ``.npy`` member: where its data starts, and what its header declares."""

    def __init__(self, info: zipfile.ZipInfo, shape: tuple, fortran: bool, dtype: np.dtype,
                 offset: int) -> None:
        self.info, self.shape, self.fortran, self.dtype = info, shape, fortran, dtype
        self.offset = offset

    @property
    def key(self) -> str:
        return self.info.filename[:-4]


def _fail(name: str, member: str, why: str) -> CheckpointError:
    return CheckpointError(f"{name}: member {member!r} {why}")


def check_entry_count(f: IO[bytes], name: str, found: int) -> None:
    """Refuse an archive whose directory lists fewer entries than its end record counts.

    zipfile trusts each directory entry's lengths, so one damaged length can hide
    the entries after it (the metadata among them).
    """
    size = f.seek(0, os.SEEK_END)
    f.seek(max(0, size - 65_557))  # end record (22 bytes) + the longest comment
    tail = f.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + 22 > len(tail):
        raise CheckpointError(f"{name}: corrupt or truncated checkpoint (no end-of-archive "
                              "record)")
    total = int.from_bytes(tail[at + 10:at + 12], "little")
    if total != 0xFFFF and found != total:  # 0xFFFF: a zip64 archive counts elsewhere
        raise CheckpointError(f"{name}: corrupt checkpoint: the archive lists {total} entries "
                              f"but only {found} can be read")


def _header(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, size: int) -> _Member:
    m = info.filename
    if info.compress_type != zipfile.ZIP_STORED:
        raise _fail(name, m, f"is compressed (zip method {info.compress_type}); checkpoints are "
                    "never compressed, and inflating a stranger's data is refused: re-save "
                    "it with numpy.savez (not savez_compressed) or nn.save")
    if info.flag_bits & 0x1:
        raise _fail(name, m, "is encrypted, which is not supported")
    if info.file_size != info.compress_size or info.header_offset + info.compress_size > size:
        raise CheckpointError(f"{name}: corrupt or truncated checkpoint: member {m!r} declares "
                              f"{info.file_size} bytes but the file is {size} bytes")
    with zf.open(info) as fp:
        major, _ = np.lib.format.read_magic(fp)
        if major == 1:
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(fp)
        elif major == 2:
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(fp)
        else:
            raise ValueError(f".npy format version {major} is not supported")
        offset = fp.tell()
    if dtype.hasobject:
        raise _fail(name, m, f"holds pickled (object) data (dtype {dtype}), which is refused "
                    "because loading it could run code")
    if dtype.kind not in _ARRAY_KINDS or dtype.itemsize == 0:
        raise _fail(name, m, f"has dtype {dtype}, which is not a numeric array dtype")
    if any(d < 0 for d in shape):
        raise _fail(name, m, f"has a negative dimension in shape {shape}")
    data = math.prod(shape) * dtype.itemsize
    if offset + data != info.file_size:
        raise _fail(name, m, f"declares shape {shape} of {dtype} ({data} bytes) but holds "
                    f"{info.file_size - offset} bytes of data")
    return _Member(info, shape, fortran, dtype, offset)


def _read(zf: zipfile.ZipFile, mem: _Member, name: str) -> np.ndarray:
    """The member's array (a fresh writable one); the zip CRC is checked at the end."""
    nbytes = math.prod(mem.shape) * mem.dtype.itemsize
    buf = bytearray(nbytes)
    view = memoryview(buf)
    with zf.open(mem.info) as fp:
        fp.read(mem.offset)
        pos = 0
        while pos < nbytes:
            chunk = fp.read(min(_CHUNK, nbytes - pos))
            if not chunk:
                raise CheckpointError(f"{name}: corrupt or truncated checkpoint: member "
                                      f"{mem.info.filename!r} ends early")
            view[pos:pos + len(chunk)] = chunk
            pos += len(chunk)
        fp.read(1)  # reaches the end, where zipfile compares the CRC
    arr = np.frombuffer(buf, dtype=mem.dtype)
    return arr.reshape(mem.shape, order="F" if mem.fortran else "C")


_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, OSError, EOFError, struct.error,
               zipfile.LargeZipFile, NotImplementedError, KeyError, ValueError)


def read_npz(f: IO[bytes], name: str, tensor: Callable[[np.ndarray], Any]) -> Any:
    """Read an ``.npz`` checkpoint from the seekable binary file ``f``; ``name`` is for messages.

    ``tensor`` turns an array into what a "tensor" entry loads as.
    """
    try:
        size = f.seek(0, os.SEEK_END)
        f.seek(0)
        with zipfile.ZipFile(f) as zf:
            infos = zf.infolist()
            check_entry_count(f, name, len(infos))
            if any(i.filename.endswith(".pkl") for i in infos):
                raise CheckpointError(f"{name}: a PyTorch checkpoint (torch.save's zip of "
                                      "pickles), which is refused because loading it could run "
                                      "code; in PyTorch, save the state dict with "
                                      "safetensors.torch.save_file and load that file here")
            members: dict[str, _Member] = {}
            for info in infos:
                m = info.filename
                if m in members:
                    raise _fail(name, m, "appears twice in the archive")
                if not m.endswith(".npy"):
                    raise _fail(name, m, "is not a .npy array")
                try:
                    members[m] = _header(zf, info, name, size)
                except (ValueError, EOFError, struct.error) as e:
                    if isinstance(e, CheckpointError):
                        raise
                    raise _fail(name, m, f"has a corrupt .npy header ({e})") from e
            meta = members.pop(META + ".npy", None)
            if meta is None:
                return _plain(zf, members, name, tensor)
            tree = _metadata(_read(zf, meta, name), name)
            used: dict[str, _Member] = {}
            _check(tree, members, used, name, 0)
            unused = sorted(set(members) - set(used))
            if unused:
                raise _fail(name, unused[0], "is not referenced by the checkpoint's metadata")
            arrays = {m: _read(zf, mem, name) for m, mem in used.items()}
            return _build(tree, arrays, tensor)
    except CheckpointError:
        raise
    except _ZIP_ERRORS as e:
        raise CheckpointError(f"{name}: corrupt or truncated checkpoint "
                              f"({type(e).__name__}: {e})") from e


def _plain(zf: zipfile.ZipFile, members: dict[str, _Member], name: str,
           tensor: Callable[[np.ndarray], Any]) -> dict[str, Any]:
    """A plain ``.npz`` (no metadata): a dict of tensors keyed by member name."""
    for m, mem in members.items():
        if mem.dtype.kind not in _TENSOR_KINDS:
            raise _fail(name, m, f"has dtype {mem.dtype}, which cannot be a Tensor")
    return {mem.key: tensor(_read(zf, mem, name)) for mem in members.values()}


def _metadata(raw: np.ndarray, name: str) -> Any:
    try:
        meta = json.loads(raw.tobytes().decode("utf-8"))
    except RecursionError:
        raise CheckpointError(f"{name}: corrupt checkpoint metadata (nested too deeply)") from None
    except (ValueError, UnicodeDecodeError) as e:
        raise CheckpointError(f"{name}: corrupt checkpoint metadata ({e})") from e
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        fmt = meta.get("format") if isinstance(meta, dict) else None
        raise CheckpointError(f"{name}: corrupt checkpoint metadata (unknown format {fmt!r})")
    version = meta.get("version", 0)
    if not isinstance(version, int) or version > VERSION:
        raise CheckpointError(f"{name}: written by a newer version (format {version!r}, this "
                              f"reader knows {VERSION}); upgrade scratchgrad to read it")
    if "tree" not in meta:
        raise CheckpointError(f"{name}: corrupt checkpoint metadata (no tree)")
    return meta["tree"]


def _bad(name: str, why: str) -> CheckpointError:
    return CheckpointError(f"{name}: corrupt checkpoint metadata ({why})")


_KINDS = ("value", "tensor", "ndarray", "npscalar", "dict", "list", "tuple")


def _check(node: Any, members: dict[str, _Member], used: dict[str, _Member], name: str,
           depth: int) -> None:
    """Validate the metadata tree against the members, before any data is read."""
    if depth > MAX_DEPTH:
        raise _bad(name, f"containers nest deeper than {MAX_DEPTH} levels")
    if not isinstance(node, dict) or node.get("t") not in _KINDS:
        raise _bad(name, f"a node is {str(node)[:80]!r}, not an entry")
    kind = node["t"]
    if kind == "value":
        v = node.get("v")
        if v is not None and not isinstance(v, (bool, int, float, str)):
            raise _bad(name, f"a plain value is a {type(v).__name__}")
        return
    if kind in ("dict", "list", "tuple"):
        items = node.get("items")
        if not isinstance(items, list):
            raise _bad(name, f"a {kind} has no list of items")
        if kind != "dict":
            for child in items:
                _check(child, members, used, name, depth + 1)
            return
        keys = set()
        for item in items:
            if (not isinstance(item, list) or len(item) != 2 or isinstance(item[0], bool)
                    or not isinstance(item[0], (str, int))):
                raise _bad(name, f"a dict item is {str(item)[:80]!r}, not [key, entry]")
            if item[0] in keys:
                raise _bad(name, f"the key {item[0]!r} appears twice in one dict")
            keys.add(item[0])
            _check(item[1], members, used, name, depth + 1)
        return
    _check_array(node, members, used, name)


def _check_array(node: dict, members: dict[str, _Member], used: dict[str, _Member],
                 name: str) -> None:
    key, kind = node.get("key"), node["t"]
    m = f"{key}.npy" if isinstance(key, str) else repr(key)
    if m not in members:
        raise _bad(name, f"the entry for member {m!r} has no such member")
    if m in used:
        raise _fail(name, m, "is referenced twice by the metadata")
    mem = members[m]
    if kind == "tensor" and mem.dtype.kind not in _TENSOR_KINDS:
        raise _fail(name, m, f"has dtype {mem.dtype}, which cannot be a Tensor")
    if kind == "npscalar" and mem.shape != ():
        raise _fail(name, m, f"holds an array of shape {mem.shape} where the metadata "
                    "records a scalar")
    if "shape" in node and node["shape"] != list(mem.shape):
        raise _fail(name, m, f"holds shape {mem.shape} where the metadata records "
                    f"{node['shape']}")
    if "dtype" in node and node["dtype"] != mem.dtype.str:
        raise _fail(name, m, f"holds dtype {mem.dtype.str} where the metadata records "
                    f"{node['dtype']}")
    used[m] = mem


def _build(node: dict, arrays: dict[str, np.ndarray], tensor: Callable[[np.ndarray], Any]) -> Any:
    kind = node["t"]
    if kind == "value":
        return node.get("v")
    if kind == "tensor":
        return tensor(arrays[node["key"] + ".npy"])
    if kind == "ndarray":
        return arrays[node["key"] + ".npy"]
    if kind == "npscalar":
        return arrays[node["key"] + ".npy"][()]
    if kind == "dict":
        return {k: _build(v, arrays, tensor) for k, v in node["items"]}
    items = [_build(v, arrays, tensor) for v in node["items"]]
    return items if kind == "list" else tuple(items)
