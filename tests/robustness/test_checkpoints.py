"""Checkpoints survive a writer killed mid-save, refuse damaged files, and load all-or-nothing.

A child process saves checkpoints in a loop and is killed with SIGKILL at a
random moment; the file on disk must still load and be one complete
checkpoint. Truncated, bit-flipped, pickled and wrong-architecture files must
raise a clear error and leave the model and optimizer exactly as they were.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import zipfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import autograd as ag
import nn
import optim

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SETTINGS = settings(max_examples=15, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])

# The writer: fills every parameter and the optimizer state with the step
# number k, then saves {"step": k, ...} to CKPT, over and over, printing
# "ready" once its imports are done. A 4 MB buffer makes each save long
# enough for a kill to land inside it.
WRITER = r"""
import sys
import numpy as np
import autograd as ag, nn, optim
path = sys.argv[1]
model = nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 6 * 6, 10))
opt = optim.Adam(model.parameters(), lr=1e-3)
model(ag.randn(2, 1, 8, 8)).sum().backward()
opt.step()
print("ready", flush=True)
k = 1
while True:
    with ag.no_grad():
        for p in model.parameters():
            p.array[...] = k
    for s in opt.state.values():
        s["exp_avg"][...] = k
        s["exp_avg_sq"][...] = k
    nn.save({"step": k, "model": model.state_dict(), "optim": opt.state_dict(),
             "pad": np.full(1 << 20, k, np.float32)}, path)
    k += 1
"""


def _model() -> nn.Module:
    return nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 6 * 6, 10))


def _check_complete(ckpt: dict) -> int:
    """Every array in the checkpoint holds its step number: one save, not a mix."""
    k = ckpt["step"]
    assert isinstance(k, int) and k >= 0
    arrays = [ckpt["pad"]] + [v.numpy() for v in ckpt["model"].values()]
    arrays += [np.asarray(v) for s in ckpt["optim"]["state"].values()
               for n, v in s.items() if n != "step"]
    for arr in arrays:
        assert np.all(arr == k), f"checkpoint of step {k} holds other values"
    return k


def _initial_checkpoint(path: str) -> None:
    model = _model()
    opt = optim.Adam(model.parameters(), lr=1e-3)
    model(ag.randn(2, 1, 8, 8)).sum().backward()
    opt.step()
    with ag.no_grad():
        for p in model.parameters():
            p.array[...] = 0
    for s in opt.state.values():
        s["exp_avg"][...] = 0
        s["exp_avg_sq"][...] = 0
    nn.save({"step": 0, "model": model.state_dict(), "optim": opt.state_dict(),
             "pad": np.zeros(1 << 20, np.float32)}, path)


def kill_during_save(tmp_path, trials: int, seed: int = 0) -> dict:
    """Kill a looping writer ``trials`` times; return counts of what the kills left."""
    path = str(tmp_path / "ckpt.npz")
    _initial_checkpoint(path)
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    rng = np.random.default_rng(seed)
    last, mid_write, advanced = 0, 0, 0
    for _ in range(trials):
        child = subprocess.Popen([sys.executable, str(script), path], stdout=subprocess.PIPE,
                                 env=env, cwd=str(tmp_path))
        try:
            assert child.stdout is not None
            assert child.stdout.readline().strip() == b"ready"
            time.sleep(float(rng.uniform(0.0, 0.15)))
        finally:  # never leave a writer looping, whatever failed
            child.send_signal(signal.SIGKILL)
            child.wait(timeout=30)
            child.stdout.close()
        assert child.returncode == -signal.SIGKILL
        leftovers = [f for f in os.listdir(tmp_path) if f.endswith(".tmp")]
        mid_write += bool(leftovers)
        for f in leftovers:  # a killed writer's temporary file; safe to delete
            os.unlink(tmp_path / f)
        k = _check_complete(nn.load(path))
        assert k >= 0 and (k == last or k >= 1), (k, last)
        advanced += k != last
        last = k
    return {"trials": trials, "mid_write": mid_write, "advanced": advanced}


def test_sigkill_during_save_keeps_a_complete_checkpoint(tmp_path):
    stats = kill_during_save(tmp_path, trials=4)
    print(f"\nkill-during-save: {stats}")


@pytest.mark.slow
def test_sigkill_during_save_many_times(tmp_path):
    stats = kill_during_save(tmp_path, trials=120, seed=1)
    print(f"\nkill-during-save (slow): {stats}")
    # the kills really landed inside saves, and saves in between completed
    assert stats["mid_write"] >= 5, stats
    assert stats["advanced"] >= 5, stats


# ----------------------------------------------------------- damaged files
def _trained() -> tuple[nn.Module, optim.Optimizer]:
    ag.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 3))
    opt = optim.Adam(model.parameters(), lr=1e-2)
    for _ in range(2):
        opt.zero_grad()
        nn.CrossEntropyLoss()(model(ag.randn(6, 4)), ag.tensor([0, 1, 2, 0, 1, 2])).backward()
        opt.step()
    return model, opt


def _snapshot(model: nn.Module, opt: optim.Optimizer) -> tuple:
    sd = {k: v.numpy().copy() for k, v in model.state_dict().items()}
    osd = opt.state_dict()
    ids = {k: id(v) for k, v in model.named_parameters()}
    return sd, osd, ids


def _same_as(model: nn.Module, opt: optim.Optimizer, snap: tuple) -> None:
    sd, osd, ids = snap
    now = model.state_dict()
    assert list(now) == list(sd)
    for k, v in model.named_parameters():
        assert id(v) == ids[k], f"{k} was replaced"
    for k, v in now.items():
        np.testing.assert_array_equal(v.numpy(), sd[k], err_msg=k)
    nosd = opt.state_dict()
    assert nosd["param_groups"] == osd["param_groups"]
    assert list(nosd["state"]) == list(osd["state"])
    for i, s in osd["state"].items():
        for name, v in s.items():
            np.testing.assert_array_equal(np.asarray(nosd["state"][i][name]), np.asarray(v))


def _restore(path: str, model: nn.Module, opt: optim.Optimizer) -> None:
    ckpt = nn.load(path)
    model.load_state_dict(ckpt["model"])
    opt.load_state_dict(ckpt["optim"])


class Saved(tuple):
    def __repr__(self) -> str:  # keep hypothesis' falsifying-example report short
        return f"Saved({self[2]!r})"


@pytest.fixture
def saved(tmp_path):
    model, opt = _trained()
    path = str(tmp_path / "good.npz")
    nn.save({"model": model.state_dict(), "optim": opt.state_dict(), "epoch": 2}, path)
    with open(path, "rb") as f:
        return Saved((model, opt, path, f.read()))


@SETTINGS
@given(frac=st.floats(0.0, 0.999))
def test_truncated_file_raises_and_changes_nothing(saved, tmp_path, frac):
    model, opt, _, blob = saved
    bad = str(tmp_path / "truncated.npz")
    with open(bad, "wb") as f:
        f.write(blob[: int(len(blob) * frac)])
    snap = _snapshot(model, opt)
    with pytest.raises(nn.CheckpointError, match="truncated|corrupt"):
        _restore(bad, model, opt)
    _same_as(model, opt, snap)


@SETTINGS
@given(where=st.floats(0.0, 0.999), bit=st.integers(0, 7))
def test_bit_flip_raises_or_loads_the_same_values(saved, tmp_path, where, bit):
    """A flipped bit is caught (zip CRC, headers) unless it hit bytes that hold no data."""
    model, opt, good, blob = saved
    pos = int(len(blob) * where)
    flipped = bytearray(blob)
    flipped[pos] ^= 1 << bit
    bad = str(tmp_path / "flipped.npz")
    with open(bad, "wb") as f:
        f.write(bytes(flipped))
    snap = _snapshot(model, opt)
    try:
        ckpt = nn.load(bad)
    except nn.CheckpointError as e:
        assert "flipped.npz" in str(e)
        _same_as(model, opt, snap)
        return
    # undetected: then it must be byte-for-byte the same checkpoint (a timestamp, say)
    ref = nn.load(good)
    assert ckpt["epoch"] == ref["epoch"]
    for k, v in ref["model"].items():
        np.testing.assert_array_equal(ckpt["model"][k].numpy(), v.numpy(), err_msg=f"byte {pos}")


def test_object_array_file_is_refused(saved, tmp_path):
    model, opt, _, _ = saved
    bad = str(tmp_path / "pickled.npz")
    np.savez(bad, weight=np.array([{"a": 1}, None], dtype=object))
    snap = _snapshot(model, opt)
    with pytest.raises(nn.CheckpointError, match="pickle"):
        nn.load(bad)
    _same_as(model, opt, snap)


@pytest.mark.parametrize("content", [b"", b"not a checkpoint", b"\x80\x04K\x01.",
                                     b"\x93NUMPY\x01\x00"])
def test_files_that_are_not_checkpoints(saved, tmp_path, content):
    model, opt, _, _ = saved
    bad = tmp_path / "junk.npz"
    bad.write_bytes(content)
    snap = _snapshot(model, opt)
    with pytest.raises(nn.CheckpointError, match="junk.npz"):
        _restore(str(bad), model, opt)
    _same_as(model, opt, snap)


def test_zip_with_damaged_metadata(saved, tmp_path):
    model, opt, good, _ = saved
    bad = str(tmp_path / "meta.npz")
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            if name.startswith("__scratchgrad_meta__"):
                data = data[:-40]  # cut into the JSON text
            dst.writestr(name, data)
    with pytest.raises(nn.CheckpointError):
        nn.load(bad)


WRONG = {
    "wider": lambda: nn.Sequential(nn.Linear(4, 9), nn.BatchNorm1d(9), nn.ReLU(), nn.Linear(9, 3)),
    "deeper": lambda: nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.ReLU(),
                                    nn.Linear(8, 8), nn.Linear(8, 3)),
    "no batchnorm": lambda: nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3)),
    "last layer only": lambda: nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.ReLU(),
                                             nn.Linear(8, 4)),
}


@pytest.mark.parametrize("arch", list(WRONG))
def test_wrong_architecture_raises_and_changes_nothing(saved, tmp_path, arch):
    model, opt, _, _ = saved
    other = WRONG[arch]()
    other_opt = optim.Adam(other.parameters(), lr=0.5)
    other(ag.randn(3, 4)).sum().backward()
    other_opt.step()
    path = str(tmp_path / "other.npz")
    nn.save({"model": other.state_dict(), "optim": other_opt.state_dict()}, path)
    snap = _snapshot(model, opt)
    with pytest.raises(RuntimeError, match="state_dict"):
        model.load_state_dict(nn.load(path)["model"])
    _same_as(model, opt, snap)
    if arch in ("wider", "last layer only"):  # same parameter count: shapes differ
        with pytest.raises(ValueError, match="shape"):
            opt.load_state_dict(nn.load(path)["optim"])
    else:
        with pytest.raises(ValueError, match="parameters"):
            opt.load_state_dict(nn.load(path)["optim"])
    _same_as(model, opt, snap)


# ------------------------------------------------------- all-or-nothing loads
@SETTINGS
@given(data=st.data())
def test_module_load_state_dict_is_all_or_nothing(saved, data):
    model, opt, _, _ = saved
    sd = {k: v.numpy() + 1.0 for k, v in model.state_dict().items()}
    keys = list(sd)
    key = data.draw(st.sampled_from(keys[1:]))  # keys before it are fine and must not be copied
    fault = data.draw(st.sampled_from(["shape", "missing", "unexpected", "dtype"]))
    if fault == "shape":
        sd[key] = np.zeros(sd[key].shape + (2,))
    elif fault == "missing":
        del sd[key]
    elif fault == "unexpected":
        sd[key + "_extra"] = np.zeros(1)
    else:
        sd[key] = np.array(["x"] * sd[key].size).reshape(sd[key].shape)
    snap = _snapshot(model, opt)
    with pytest.raises(RuntimeError, match=key.replace(".", r"\.")):
        model.load_state_dict(sd)
    _same_as(model, opt, snap)


@SETTINGS
@given(data=st.data())
def test_optimizer_load_state_dict_is_all_or_nothing(saved, data):
    model, opt, _, _ = saved
    osd = opt.state_dict()
    new = {"state": {i: {n: (np.asarray(v) + 1 if n != "step" else v) for n, v in s.items()}
                     for i, s in osd["state"].items()},
           "param_groups": [dict(g, lr=0.5) for g in osd["param_groups"]]}
    ids = list(new["state"])
    victim = data.draw(st.sampled_from(ids[1:]))
    fault = data.draw(st.sampled_from(["shape", "index", "groups", "count"]))
    if fault == "shape":
        new["state"][victim]["exp_avg"] = np.zeros((7, 7))
    elif fault == "index":
        new["state"][len(ids) + 5] = new["state"].pop(victim)
    elif fault == "groups":
        new["param_groups"] = new["param_groups"] * 2
    else:
        new["param_groups"][0]["params"] = new["param_groups"][0]["params"][:-1]
    snap = _snapshot(model, opt)
    with pytest.raises(ValueError, match="load_state_dict"):
        opt.load_state_dict(new)
    _same_as(model, opt, snap)


def test_scheduler_load_state_dict_refuses_junk(saved):
    _, opt, _, _ = saved
    sched = optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    sched.step()
    before = sched.state_dict()
    with pytest.raises((ValueError, TypeError, KeyError)):
        sched.load_state_dict("not a state dict")
    assert sched.state_dict() == before



def _flip_central_comment_length(blob: bytes) -> bytes:
    """Add 1024 to the comment length of the next-to-last central-directory entry.

    zipfile then skips past the end of the directory and silently reads one
    entry fewer: the last one, which holds the checkpoint's metadata.
    """
    at = blob.rindex(b"PK\x01\x02", 0, blob.rindex(b"PK\x01\x02")) + 33  # comment length
    out = bytearray(blob)
    out[at] ^= 4
    return bytes(out)


def test_central_directory_flip_is_caught(saved, tmp_path):
    _, _, _, blob = saved
    bad = tmp_path / "cd.npz"
    bad.write_bytes(_flip_central_comment_length(blob))
    with pytest.raises(nn.CheckpointError):
        nn.load(str(bad))


def _sweep(blob: bytes, good: str, tmp_path) -> dict:
    """Flip one bit in every byte; count caught, harmless and silently different loads."""
    ref = nn.load(good)
    counts = {"caught": 0, "same": 0, "different": 0}
    bad = str(tmp_path / "sweep.npz")
    for pos in range(len(blob)):
        flipped = bytearray(blob)
        flipped[pos] ^= 4
        with open(bad, "wb") as f:
            f.write(bytes(flipped))
        try:
            ckpt = nn.load(bad)
        except nn.CheckpointError:
            counts["caught"] += 1
            continue
        same = (isinstance(ckpt, dict) and list(ckpt) == list(ref)
                and list(ckpt["model"]) == list(ref["model"])
                and all(np.array_equal(ckpt["model"][k].numpy(), v.numpy())
                        for k, v in ref["model"].items()))
        counts["same" if same else "different"] += 1
    return counts


@pytest.mark.slow
def test_every_single_bit_flip_is_caught_or_harmless(saved, tmp_path):
    _, _, good, blob = saved
    counts = _sweep(blob, good, tmp_path)
    print(f"\nbit-flip sweep over {len(blob)} bytes: {counts}")
    assert counts["different"] == 0, counts
