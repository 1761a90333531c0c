"""nn.save / nn.load: round trips, no pickle, atomic writes, clear errors on bad files."""
from __future__ import annotations

import os
import stat
import subprocess
import sys
import zipfile

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd as ag
import nn
import optim

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _model():
    return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))


def _same(a, b):
    """Deep equality that also checks types (ints stay ints, Tensors stay Tensors)."""
    assert type(a) is type(b), (type(a), type(b))
    if isinstance(a, ag.Tensor):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    elif isinstance(a, np.ndarray):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)
    elif isinstance(a, dict):
        assert list(a) == list(b)
        for k in a:
            _same(a[k], b[k])
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            _same(x, y)
    elif isinstance(a, float) and np.isnan(a):
        assert np.isnan(b)
    else:
        assert a == b


VALUES = [  # name, object to round-trip
    ("state_dict", lambda: dict(_model().state_dict())),
    ("scalars", lambda: {"epoch": 3, "lr": 0.1, "best": float("nan"), "done": False,
                         "name": "run-1", "note": None, "big": 2 ** 62}),
    ("int keys and lists of dicts", lambda: {
        "state": {0: {"step": 5, "m": np.ones((2, 2), np.float32)}, 7: {"step": 1}},
        "param_groups": [{"lr": 0.01, "betas": (0.9, 0.999), "params": [0, 7]}]}),
    ("dtypes", lambda: {"f16": np.arange(3, dtype=np.float16), "i32": np.arange(3, dtype=np.int32),
                        "b": np.array([True, False]), "u8": np.arange(4, dtype=np.uint8),
                        "c": np.array([1 + 2j]), "scalar": np.float32(2.5), "i": np.int64(4),
                        "zero_d": ag.tensor(3.0), "empty": np.zeros((0, 3))}),
    ("dotted keys that collide", lambda: {"a.b": ag.ones(1), "a": {"b": ag.zeros(1)}}),
    ("top-level tensor", lambda: ag.arange(5)),
    ("top-level list", lambda: [ag.ones(2), {"x": 1}, (2, 3)]),
]


@pytest.mark.parametrize("name,make", VALUES, ids=[v[0] for v in VALUES])
def test_round_trip(tmp_path, name, make):
    obj = make()
    path = tmp_path / "ckpt.npz"
    nn.save(obj, path)
    _same(obj, nn.load(path))


def test_file_is_a_plain_npz_with_dotted_names_and_no_pickle(tmp_path):
    model = _model()
    path = str(tmp_path / "ckpt.npz")
    nn.save({"model": model.state_dict(), "epoch": 2}, path)
    with np.load(path, allow_pickle=False) as z:
        names = set(z.files)
        assert {"model.0.weight", "model.0.bias", "model.2.weight", "model.2.bias"} <= names
        np.testing.assert_array_equal(z["model.0.weight"], model[0].weight.numpy())
        assert all(z[n].dtype != object for n in z.files)
    with zipfile.ZipFile(path) as zf:
        assert all(n.endswith(".npy") for n in zf.namelist())


def test_model_and_optimizer_resume_exactly(tmp_path):
    ag.manual_seed(0)
    x, y = ag.randn(16, 4), ag.tensor(np.arange(16) % 3)

    def step(model, opt):
        opt.zero_grad()
        nn.CrossEntropyLoss()(model(x), y).backward()
        opt.step()

    model = _model()
    opt = optim.Adam(model.parameters(), lr=0.01)
    for _ in range(3):
        step(model, opt)
    nn.save({"model": model.state_dict(), "optimizer": opt.state_dict(), "epoch": 3},
            tmp_path / "ckpt.npz")
    ckpt = nn.load(tmp_path / "ckpt.npz")
    assert ckpt["epoch"] == 3 and isinstance(ckpt["epoch"], int)
    model2 = _model()
    opt2 = optim.Adam(model2.parameters(), lr=0.5)
    model2.load_state_dict(ckpt["model"])
    opt2.load_state_dict(ckpt["optimizer"])
    for _ in range(2):
        step(model, opt)
        step(model2, opt2)
    for a, b in zip(model.parameters(), model2.parameters()):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_saved_arrays_are_a_snapshot(tmp_path):
    lin = nn.Linear(2, 2)
    nn.save(lin.state_dict(), tmp_path / "a.npz")
    with ag.no_grad():
        lin.weight.array[...] = 0
    assert nn.load(tmp_path / "a.npz")["weight"].numpy().any()


def test_path_is_used_as_given_and_overwritten(tmp_path):
    path = tmp_path / "model.pt"
    nn.save({"v": 1}, path)
    nn.save({"v": 2}, path)
    assert sorted(os.listdir(tmp_path)) == ["model.pt"]
    assert nn.load(str(path)) == {"v": 2}


@pytest.mark.parametrize("obj,words", [
    ({"f": lambda: 0}, ["function", "f"]),
    ({"o": np.array([object()])}, ["o", "pickle"]),
    ({(1, 2): 3}, ["keys"]),
    ({"s": {1, 2}}, ["set"]),
])
def test_unsupported_values_are_refused_before_writing(tmp_path, obj, words):
    path = tmp_path / "x.npz"
    with pytest.raises(TypeError) as info:
        nn.save(obj, path)
    assert all(w in str(info.value) for w in words)
    assert os.listdir(tmp_path) == []


# ---------------------------------------------------------------- atomicity
def _old_file(tmp_path):
    path = tmp_path / "ckpt.npz"
    nn.save({"version": "old", "w": ag.ones(3)}, path)
    return path, path.read_bytes()


def test_failure_mid_write_keeps_the_old_file(tmp_path, monkeypatch):
    path, before = _old_file(tmp_path)
    real_write = np.lib.format.write_array
    calls = []

    def second_member_crashes(fp, array, *args, **kwargs):
        calls.append(1)
        real_write(fp, array, *args, **kwargs)  # the first member is on disk already
        if len(calls) == 2:
            raise OSError("disk full")

    monkeypatch.setattr(np.lib.format, "write_array", second_member_crashes)
    with pytest.raises(OSError, match="disk full"):
        nn.save({"version": "new", "w": ag.zeros(3), "v": ag.ones(3)}, path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["ckpt.npz"]  # the temporary file is gone
    monkeypatch.undo()
    assert nn.load(path)["version"] == "old"


def test_failure_at_rename_keeps_the_old_file(tmp_path, monkeypatch):
    path, before = _old_file(tmp_path)

    def no_replace(src, dst):
        raise OSError("rename failed")

    monkeypatch.setattr(os, "replace", no_replace)
    with pytest.raises(OSError, match="rename failed"):
        nn.save({"version": "new"}, path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["ckpt.npz"]


def test_data_is_fsynced_before_the_rename(tmp_path, monkeypatch):
    events = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(os, "fsync", lambda fd: events.append("fsync") or real_fsync(fd))
    monkeypatch.setattr(os, "replace",
                        lambda a, b: events.append("replace") or real_replace(a, b))
    nn.save({"w": ag.ones(2)}, tmp_path / "c.npz")
    assert events[:2] == ["fsync", "replace"]
    assert events[2:] == ["fsync"]  # the directory, so the rename itself is durable


@pytest.mark.slow
def test_killing_the_writer_never_leaves_a_broken_checkpoint(tmp_path):
    path = tmp_path / "ckpt.npz"
    nn.save({"i": -1, "w": ag.zeros(1000, 1000)}, path)
    script = (
        "import sys, autograd as ag, nn\n"
        "i = 0\n"
        "while True:\n"
        f"    nn.save({{'i': i, 'w': ag.full((1000, 1000), float(i))}}, {str(path)!r})\n"
        "    i += 1\n"
    )
    for trial in range(8):
        proc = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT)
        try:
            proc.wait(timeout=0.6 + 0.15 * trial)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        ckpt = nn.load(path)  # always a complete checkpoint, old or new
        assert float(ckpt["w"].numpy()[0, 0]) == max(ckpt["i"], 0)


# ---------------------------------------------------------------- bad files
def _truncate(path):
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _flip_bytes(path):
    data = bytearray(path.read_bytes())
    mid = len(data) // 3
    data[mid:mid + 64] = bytes(b ^ 0xFF for b in data[mid:mid + 64])
    path.write_bytes(bytes(data))


def _object_array(path):
    np.savez(path.open("wb"), w=np.array([{"evil": 1}], dtype=object))


def _pickle_file(path):
    import pickle
    path.write_bytes(pickle.dumps({"w": [1, 2]}))


def _text(path):
    path.write_text("not a checkpoint")


def _npy(path):
    np.save(path.open("wb"), np.ones(3))


def _bad_meta(path):
    np.savez(path.open("wb"), __scratchgrad_meta__=np.frombuffer(b"{broken", np.uint8))


def _empty(path):
    path.write_bytes(b"")


CORRUPTIONS = [("truncated", _truncate, "truncated"), ("flipped bytes", _flip_bytes, "corrupt"),
               ("object array", _object_array, "pickle"), ("pickle", _pickle_file, "pickle"),
               ("text", _text, "not a checkpoint"), ("npy", _npy, "not an .npz"),
               ("bad metadata", _bad_meta, "metadata"), ("empty", _empty, "corrupt")]


@pytest.mark.parametrize("name,spoil,word", CORRUPTIONS, ids=[c[0] for c in CORRUPTIONS])
def test_bad_files_raise_a_checkpoint_error_naming_the_file(tmp_path, name, spoil, word):
    path = tmp_path / "bad.npz"
    nn.save({"model": _model().state_dict(), "epoch": 1}, path)
    spoil(path)
    with pytest.raises(nn.CheckpointError) as info:
        nn.load(path)
    msg = str(info.value)
    assert str(path) in msg and word in msg
    assert isinstance(info.value, ValueError)


def test_plain_npz_loads_as_tensors(tmp_path):
    path = tmp_path / "plain.npz"
    np.savez(path, weight=np.ones((2, 2)), bias=np.zeros(2))
    sd = nn.load(path)
    assert set(sd) == {"weight", "bias"} and all(isinstance(v, ag.Tensor) for v in sd.values())


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.npz"):
        nn.load(tmp_path / "nope.npz")


def _stack(widths, bias, dtype):
    layers = []
    for a, b in zip(widths, widths[1:]):
        layers += [nn.Linear(a, b, bias=bias, dtype=dtype), nn.Tanh()]
    return nn.Sequential(*layers)


@settings(max_examples=15, deadline=None)
@given(widths=st.lists(st.integers(1, 6), min_size=2, max_size=4), bias=st.booleans(),
       dtype=st.sampled_from(["float32", "float64"]))
def test_any_mlp_survives_save_and_load(tmp_path_factory, widths, bias, dtype):
    model = _stack(widths, bias, dtype)
    path = tmp_path_factory.mktemp("ckpt") / "m.npz"
    nn.save({"model": model.state_dict(), "widths": widths}, path)
    ckpt = nn.load(path)
    assert ckpt["widths"] == widths
    twin = _stack(widths, bias, dtype)  # fresh random weights, replaced by the load
    twin.load_state_dict(ckpt["model"])
    x = ag.randn(3, widths[0], dtype=dtype)
    np.testing.assert_array_equal(model(x).numpy(), twin(x).numpy())


# ---------------------------------------------------------------- keys
def test_keys_ending_in_npy_do_not_collide(tmp_path):
    """numpy's reader resolves "x.npy" to the member of key "x"; member names avoid that."""
    a, b, c = ag.zeros(2), ag.ones(3), ag.full((1,), 7.0)
    obj = {"x": a, "x.npy": b, "m": {"w.npy": c, "w": ag.ones(1)}}
    path = tmp_path / "k.npz"
    nn.save(obj, path)
    _same(obj, nn.load(path))
    with np.load(path, allow_pickle=False) as z:  # numpy's own reader sees distinct arrays too
        assert sorted(z[n].size for n in z.files if n != "__scratchgrad_meta__") == [1, 1, 2, 3]


def test_keys_that_are_numpy_savez_options_round_trip(tmp_path):
    obj = {"file": ag.ones(1), "allow_pickle": ag.zeros(1), "args": 1, "kwds": ag.ones(2)}
    nn.save(obj, tmp_path / "o.npz")
    _same(obj, nn.load(tmp_path / "o.npz"))


@pytest.mark.parametrize("bad", [{"a\x00b": ag.ones(1)}, {"\ud800": ag.ones(1)},
                                 {"model": {"w\x00": 1}}, {"ok": [{"\udfff": None}]}],
                         ids=["nul", "surrogate", "nested nul", "nested surrogate"])
def test_keys_the_format_cannot_store_are_refused_before_the_old_file_is_touched(tmp_path,
                                                                                 bad):
    path, before = _old_file(tmp_path)
    with pytest.raises(ValueError, match="key"):
        nn.save(bad, path)
    assert path.read_bytes() == before and os.listdir(tmp_path) == ["ckpt.npz"]


def test_containers_nested_too_deeply_or_in_themselves_are_refused(tmp_path):
    loop: list = []
    loop.append(loop)
    deep: dict = {}
    node = deep
    for _ in range(150):
        node["x"] = {}
        node = node["x"]
    for obj in (loop, deep):
        with pytest.raises(ValueError, match="nest"):
            nn.save(obj, tmp_path / "d.npz")
    assert os.listdir(tmp_path) == []
    fine: dict = {}
    node = fine
    for _ in range(60):
        node["x"] = {}
        node = node["x"]
    nn.save(fine, tmp_path / "d.npz")
    assert nn.load(tmp_path / "d.npz") == fine


# ---------------------------------------------------------------- file modes
@pytest.fixture
def umask():
    """Set the process umask for a test, and restore it."""
    old = os.umask(0o022)
    os.umask(old)
    yield lambda mask: os.umask(mask)
    os.umask(old)


@pytest.mark.parametrize("mask,mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_new_files_get_the_umask_mode(tmp_path, umask, mask, mode):
    umask(mask)
    nn.save({"w": ag.ones(1)}, tmp_path / "new.npz")
    assert stat.S_IMODE(os.stat(tmp_path / "new.npz").st_mode) == mode


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o755])
def test_replaced_files_keep_their_mode(tmp_path, umask, mode):
    umask(0o077)
    path = tmp_path / "old.npz"
    nn.save({"w": ag.ones(1)}, path)
    os.chmod(path, mode)
    nn.save({"w": ag.zeros(1)}, path)
    assert stat.S_IMODE(os.stat(path).st_mode) == mode
    assert nn.load(path)["w"].numpy().tolist() == [0.0]


def test_a_symlink_stays_a_symlink(tmp_path):
    real = tmp_path / "real.npz"
    nn.save({"v": 1}, real)
    link = tmp_path / "latest.npz"
    link.symlink_to(real)
    nn.save({"v": 2}, link)
    assert link.is_symlink() and nn.load(real) == {"v": 2}


def test_missing_directory_is_named_without_temporary_names(tmp_path):
    with pytest.raises(FileNotFoundError) as info:
        nn.save({"v": 1}, tmp_path / "no" / "such" / "c.npz")
    assert "no/such" in str(info.value) and ".tmp" not in str(info.value)
    assert not (tmp_path / "no").exists()


def test_a_directory_is_not_overwritten(tmp_path):
    with pytest.raises(IsADirectoryError, match="directory") as info:
        nn.save({"v": 1}, tmp_path)
    assert ".tmp" not in str(info.value) and os.listdir(tmp_path) == []
