"""torch.save / torch.load under ``import autograd as torch``, and safetensors files.

The same functions as nn.save / nn.load; here: file objects, map_location,
weights_only, the ``torch.serialization`` names PyTorch scripts use, and
safetensors in both directions (with PyTorch's own writer when torch is
installed).
"""
from __future__ import annotations

import builtins
import io
import os

import numpy as np
import pytest

import autograd as torch
import nn
from autograd import serialization


def _same_tensors(a: dict, b: dict) -> None:
    assert set(a) == set(b)
    for k in a:
        assert isinstance(b[k], torch.Tensor), k
        assert b[k].dtype == a[k].dtype, k
        np.testing.assert_array_equal(b[k].numpy(), a[k].numpy(), err_msg=k)


def test_the_alias_and_nn_share_one_implementation():
    assert torch.save is nn.save is serialization.save
    assert torch.load is nn.load is serialization.load
    assert nn.CheckpointError is torch.serialization.CheckpointError


def test_checkpoint_error_is_a_runtime_and_a_value_error():
    assert issubclass(nn.CheckpointError, RuntimeError)
    assert issubclass(nn.CheckpointError, ValueError)


def test_tensor_round_trip_keeps_dtype(tmp_path):
    for dtype in ("float32", "float64", "int64", "int32", "bool", "uint8", "float16"):
        t = torch.tensor(np.arange(6).reshape(2, 3).astype(dtype))
        path = tmp_path / f"{dtype}.pt"
        torch.save(t, path)
        back = torch.load(path)
        assert isinstance(back, torch.Tensor) and back.dtype == np.dtype(dtype)
        np.testing.assert_array_equal(back.numpy(), t.numpy())
        assert not back.requires_grad


def test_loaded_tensors_are_writable_and_independent(tmp_path):
    torch.save({"w": torch.ones(3)}, tmp_path / "a.pt")
    first, second = torch.load(tmp_path / "a.pt"), torch.load(tmp_path / "a.pt")
    first["w"].array[0] = 5.0
    assert second["w"].numpy().tolist() == [1.0, 1.0, 1.0]


def test_nested_plain_values_round_trip(tmp_path):
    obj = {"model": {"w": torch.randn(2, 2)}, "epochs": [1, 2.5, True, None, "x"],
           "pair": (torch.zeros(1), {"k": np.arange(3)})}
    torch.save(obj, str(tmp_path / "c.pt"))
    back = torch.load(str(tmp_path / "c.pt"), weights_only=True)
    assert back["epochs"] == [1, 2.5, True, None, "x"]
    assert isinstance(back["pair"], tuple) and isinstance(back["pair"][1]["k"], np.ndarray)
    np.testing.assert_array_equal(back["model"]["w"].numpy(), obj["model"]["w"].numpy())


def test_open_binary_files_and_buffers(tmp_path):
    sd = nn.Linear(3, 2).state_dict()
    buf = io.BytesIO()
    torch.save(sd, buf)
    buf.seek(0)
    _same_tensors(sd, torch.load(buf))
    with open(tmp_path / "f.pt", "wb") as f:
        torch.save(sd, f)
    with open(tmp_path / "f.pt", "rb") as f:
        _same_tensors(sd, torch.load(f))
    with open(tmp_path / "f.pt", encoding="latin-1") as f, pytest.raises(TypeError, match="rb"):
        torch.load(f)


def test_errors_name_the_file_object(tmp_path):
    path = tmp_path / "junk.pt"
    path.write_bytes(b"\x80\x04K\x01.")
    with open(path, "rb") as f, pytest.raises(nn.CheckpointError, match="junk.pt.*pickle"):
        torch.load(f)
    with pytest.raises(nn.CheckpointError, match="file object"):
        torch.load(io.BytesIO(b"hello"))


@pytest.mark.parametrize("where", ["cpu", "cpu:0", {"cuda:0": "cpu"}, {"cpu": "cpu"}, None])
def test_map_location_to_the_cpu(tmp_path, where):
    torch.save({"w": torch.ones(2)}, tmp_path / "m.pt")
    assert torch.load(tmp_path / "m.pt", map_location=where)["w"].numpy().tolist() == [1, 1]


class _Device:
    def __init__(self, kind: str) -> None:
        self.type = kind


@pytest.mark.parametrize("where", ["cuda", "cuda:1", _Device("cuda"), {"cpu": "cuda:0"},
                                  "mps", _Device("mps")])
def test_map_location_to_a_gpu_says_cpu_only(tmp_path, where):
    torch.save({"w": torch.ones(2)}, tmp_path / "m.pt")
    with pytest.raises(RuntimeError, match="runs on the CPU"):
        torch.load(tmp_path / "m.pt", map_location=where)


def test_map_location_as_a_function(tmp_path):
    torch.save({"w": torch.ones(2), "n": 4}, tmp_path / "m.pt")
    seen = []

    def to_cpu(t, location):
        seen.append(location)
        return t * 3

    back = torch.load(tmp_path / "m.pt", map_location=to_cpu)
    assert back["w"].numpy().tolist() == [3.0, 3.0] and back["n"] == 4 and seen == ["cpu"]
    back = torch.load(tmp_path / "m.pt", map_location=lambda storage, loc: storage)
    assert back["w"].numpy().tolist() == [1.0, 1.0]
    with pytest.raises(TypeError, match="map_location"):
        torch.load(tmp_path / "m.pt", map_location=lambda storage, loc: "cuda")
    with pytest.raises(TypeError, match="map_location"):
        torch.load(tmp_path / "m.pt", map_location=3)


def test_weights_only_and_pickle_module(tmp_path):
    torch.save([torch.ones(1)], tmp_path / "w.pt")
    for flag in (True, False, None):
        assert isinstance(torch.load(tmp_path / "w.pt", weights_only=flag)[0], torch.Tensor)
    with pytest.raises(TypeError, match="never unpickled"):
        torch.load(tmp_path / "w.pt", pickle_module=object())


def test_safe_globals_names_are_accepted():
    ser = torch.serialization
    ser.clear_safe_globals()
    ser.add_safe_globals([dict, list])
    assert ser.get_safe_globals() == [dict, list]
    with ser.safe_globals([tuple]):
        assert tuple in ser.get_safe_globals()
    assert ser.get_safe_globals() == [dict, list]
    ser.clear_safe_globals()
    assert ser.get_safe_globals() == []


@pytest.fixture
def torch_real():
    return pytest.importorskip("torch")


def test_torch_reads_nothing_of_ours_as_pickle_and_we_refuse_its_pickles(tmp_path, torch_real):
    """A file from real torch.save is a zip of pickles: refused, never unpickled."""
    torch_real.save({"w": torch_real.ones(2)}, tmp_path / "t.pt")
    with pytest.raises(nn.CheckpointError, match="t.pt.*PyTorch.*safetensors"):
        torch.load(tmp_path / "t.pt")


# ------------------------------------------------------------ safetensors
@pytest.fixture
def safetensors_pkg():
    return pytest.importorskip("safetensors")


def _model():
    return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))


def test_safetensors_round_trip_by_extension_and_by_format(tmp_path, safetensors_pkg):
    sd = dict(_model().state_dict())
    sd["steps"] = torch.tensor([1, 2, 3])
    nn.save(sd, tmp_path / "m.safetensors")
    _same_tensors(sd, nn.load(tmp_path / "m.safetensors"))
    nn.save(sd, tmp_path / "m.bin", format="safetensors")
    with open(tmp_path / "m.bin", "rb") as f:
        assert f.read(9)[8:9] == b"{"  # safetensors: a length, then the JSON header
    _same_tensors(sd, nn.load(tmp_path / "m.bin"))  # found by content, not by name
    nn.save(sd, tmp_path / "m.npz.safetensors", format="npz")
    _same_tensors(sd, nn.load(tmp_path / "m.npz.safetensors"))
    buf = io.BytesIO()
    torch.save(sd, buf, format="safetensors")
    buf.seek(0)
    _same_tensors(sd, torch.load(buf))


def test_safetensors_file_is_read_by_the_safetensors_package(tmp_path, safetensors_pkg):
    from safetensors.numpy import load_file

    sd = dict(_model().state_dict())
    nn.save(sd, tmp_path / "m.safetensors")
    raw = load_file(str(tmp_path / "m.safetensors"))
    for k, v in sd.items():
        np.testing.assert_array_equal(raw[k], v.numpy())


@pytest.mark.parametrize("obj,words", [
    ({"model": {"w": torch.ones(1)}}, ["flat", "npz"]),
    ({"epoch": 3}, ["tensors", "epoch"]),
    ([torch.ones(1)], ["flat dict"]),
    ({1: torch.ones(1)}, ["str"]),
    ({"c": np.array([1 + 1j])}, ["complex"]),
])
def test_safetensors_refuses_what_it_cannot_hold_before_writing(tmp_path, safetensors_pkg, obj,
                                                                words):
    path = tmp_path / "x.safetensors"
    path.write_bytes(b"old")
    with pytest.raises(TypeError) as info:
        nn.save(obj, path)
    assert all(w in str(info.value) for w in words), info.value
    assert path.read_bytes() == b"old" and os.listdir(tmp_path) == ["x.safetensors"]


def test_damaged_safetensors_is_a_checkpoint_error(tmp_path, safetensors_pkg):
    nn.save({"w": torch.ones(4)}, tmp_path / "m.safetensors")
    blob = (tmp_path / "m.safetensors").read_bytes()
    (tmp_path / "cut.safetensors").write_bytes(blob[:-5])
    with pytest.raises(nn.CheckpointError, match="cut.safetensors"):
        nn.load(tmp_path / "cut.safetensors")
    huge = (10**12).to_bytes(8, "little") + b'{"w": 1}'
    (tmp_path / "huge.safetensors").write_bytes(huge)
    with pytest.raises(nn.CheckpointError, match="huge.safetensors"):
        nn.load(tmp_path / "huge.safetensors")


def test_without_the_package_the_error_says_pip_install(tmp_path, safetensors_pkg, monkeypatch):
    real_import = builtins.__import__

    def no_safetensors(name, *args, **kwargs):
        if name.startswith("safetensors"):
            raise ModuleNotFoundError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_safetensors)
    with pytest.raises(ImportError, match="pip install safetensors"):
        nn.save({"w": torch.ones(1)}, tmp_path / "m.safetensors")
    assert os.listdir(tmp_path) == []
    monkeypatch.undo()
    nn.save({"w": torch.ones(1)}, tmp_path / "m.safetensors")
    monkeypatch.setattr(builtins, "__import__", no_safetensors)
    with pytest.raises(ImportError, match="pip install safetensors"):
        nn.load(tmp_path / "m.safetensors")


def test_pytorch_state_dict_saved_by_torch_safetensors_loads_into_our_module(
        tmp_path, torch_real, safetensors_pkg):
    from safetensors.torch import save_file

    torch_real.manual_seed(0)
    theirs = torch_real.nn.Sequential(torch_real.nn.Linear(4, 8), torch_real.nn.ReLU(),
                                      torch_real.nn.Linear(8, 3))
    save_file(theirs.state_dict(), str(tmp_path / "theirs.safetensors"))
    ours = _model()
    ours.load_state_dict(nn.load(tmp_path / "theirs.safetensors"))
    x = np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32)
    with torch_real.no_grad():
        expected = theirs(torch_real.from_numpy(x)).numpy()
    np.testing.assert_allclose(ours(torch.tensor(x)).numpy(), expected, rtol=1e-6, atol=1e-6)


def test_our_safetensors_load_into_a_pytorch_module(tmp_path, torch_real, safetensors_pkg):
    from safetensors.torch import load_file

    ours = _model()
    nn.save(ours.state_dict(), tmp_path / "ours.safetensors")
    theirs = torch_real.nn.Sequential(torch_real.nn.Linear(4, 8), torch_real.nn.ReLU(),
                                      torch_real.nn.Linear(8, 3))
    theirs.load_state_dict(load_file(str(tmp_path / "ours.safetensors")))
    x = np.random.default_rng(1).standard_normal((5, 4)).astype(np.float32)
    with torch_real.no_grad():
        got = theirs(torch_real.from_numpy(x)).numpy()
    np.testing.assert_allclose(got, ours(torch.tensor(x)).numpy(), rtol=1e-6, atol=1e-6)
