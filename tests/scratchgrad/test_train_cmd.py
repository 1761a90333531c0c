"""``scratchgrad train``: resume refusals, crafted checkpoints, splits, progress output.

The refusals run in the default suite on a checkpoint written without
training (they stop before the first step); tests that train are marked slow.
"""
from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

import autograd as ag
import nn
from scratchgrad.apps import checkpoint, loop, models, train
from scratchgrad.cli import main

ROOT = Path(__file__).resolve().parents[2]
SPIRAL = ["--model", "mlp", "--data", "spiral", "--batch-size", "32"]


def _write_checkpoint(path: Path, epoch: int = 3, epochs: int = 3, **option_changes) -> dict:
    """A checkpoint as ``train`` writes it after ``epoch`` epochs, without training."""
    args = SimpleNamespace(**{k: None for k in train.DEFAULTS})
    args.model, args.array, args.batch_size, args.epochs = "mlp", "spiral", 32, epochs
    for key, value in option_changes.items():
        setattr(args, key, value)
    o = train.resolve(args)
    train.validate(o)
    (Xtr, _), _, _, n_classes = train.split_data(o)
    ag.manual_seed(o["seed"])
    model = models.build(o["model"], Xtr.shape[1:], n_classes)
    opt = train.make_optimizer(o, list(model.parameters()))
    sched = train.make_scheduler(o, opt)
    history = {k: [0.5] * epoch for k in checkpoint.HISTORY}
    meta = {"options": o, "epoch": epoch, "history": history, "best": 0.5, "bad_epochs": 0,
            "order_rng": np.random.default_rng(2).bit_generator.state,
            "autograd_rng": ag.get_rng_state()}
    path.parent.mkdir(parents=True, exist_ok=True)
    checkpoint.save(str(path), model, opt, sched, meta)
    return nn.load(path)


def _one_line(capsys) -> str:
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err and "KeyError" not in err and "TypeError" not in err
    return err


def test_resume_refuses_epochs_not_past_the_checkpoint(tmp_path, capsys):
    ckpt = tmp_path / "run" / "checkpoint.npz"
    _write_checkpoint(ckpt, epoch=3, epochs=3)
    before = ckpt.stat().st_mtime_ns
    for epochs in (["--epochs", "2"], ["--epochs", "3"], []):
        assert main(["train", "--resume", str(ckpt), *epochs, "--no-progress"]) == 2
        err = _one_line(capsys)
        assert "already trained 3 epochs" in err and "--epochs 8" in err
    assert ckpt.stat().st_mtime_ns == before            # nothing was written
    assert sorted(p.name for p in ckpt.parent.iterdir()) == ["checkpoint.npz"]


def _crafted(tmp_path, change) -> str:
    good = tmp_path / "good" / "checkpoint.npz"
    state = _write_checkpoint(good, epoch=1, epochs=3) if not good.exists() else nn.load(good)
    state = copy.deepcopy(state)
    change(state)
    bad = tmp_path / "bad" / "checkpoint.npz"
    bad.parent.mkdir(exist_ok=True)
    nn.save(state, bad)
    return str(bad)


def _set(path, value):
    def change(state):
        *keys, last = path
        target = state
        for k in keys:
            target = target[k]
        if value is KeyError:
            del target[last]
        else:
            target[last] = value
    return change


CRAFTED = [
    (("meta", "options", "lr"), "0.1", "option 'lr' is '0.1', not a number"),
    (("optimizer", "param_groups", 0, "lr"), "0.1", "optimizer option 'lr' is '0.1'"),
    (("optimizer", "param_groups", 0, "betas"), KeyError, "optimizer options lack 'betas'"),
    (("optimizer", "param_groups", 0, "betas"), [0.9], "optimizer option 'betas'"),
    (("meta", "history"), [1, 2], "history is a list, not a dict"),
    (("meta", "history", "train_loss"), ["x"], "history 'train_loss' is not a list of numbers"),
    (("meta", "order_rng", "bit_generator"), "MT19937", "not the PCG64 generator"),
    (("meta", "autograd_rng"), {"bit_generator": "Philox"}, "dropout random generator"),
    (("meta", "order_rng", "state"), {"state": "x"},
     "data-order random generator state is damaged"),
    (("meta", "epoch"), -1, "epoch -1 is not a count"),
    (("meta", "epoch"), 1.5, "epoch 1.5 is not a count"),
    (("meta", "bad_epochs"), "2", "early-stopping count"),
    (("meta", "options", "epochs"), KeyError, "option 'epochs' is None"),
    (("meta", "options", "batch_size"), 0, "its options are invalid (bad --batch-size 0)"),
    (("model",), KeyError, "'model' part is missing"),
    (("meta",), KeyError, "'meta' part is missing"),
    (("model", "1.weight"), KeyError, "its model state does not fit"),
    (("scheduler",), KeyError, "its scheduler state is missing"),
]


@pytest.mark.parametrize("path, value, needle", CRAFTED)
def test_crafted_checkpoints_give_one_line(tmp_path, capsys, path, value, needle):
    if path == ("scheduler",):
        good = tmp_path / "good" / "checkpoint.npz"
        _write_checkpoint(good, epoch=1, epochs=3, scheduler="step")
    ckpt = _crafted(tmp_path, _set(path, value))
    assert main(["train", "--resume", ckpt, "--epochs", "4", "--no-progress"]) == 2
    err = _one_line(capsys)
    assert needle in err and "cannot resume from" in err, err
    assert not (Path(ckpt).parent / "metrics.json").exists()


def test_a_crafted_file_that_is_fine_passes_the_checks(tmp_path):
    state = _write_checkpoint(tmp_path / "checkpoint.npz", epoch=1, epochs=3)
    checkpoint.check_meta(state["meta"], "x")            # no exception


@pytest.mark.parametrize("argv, needle", [
    (["--val-split", "0", "--early-stopping", "2"],
     "--early-stopping watches the validation loss, but --val-split 0"),
    (["--val-split", "0", "--scheduler", "plateau"],
     "--scheduler plateau watches the validation loss"),
    (["--test-split", "0.999"], "leave 1 training sample of spiral, fewer than one batch of 32"),
    (["--test-split", "0.97"], "leave 24 training samples of spiral, fewer than one batch"),
    (["--val-split", "0.001", "--test-split", "0.5"], "leaves no validation sample"),
    (["--lr", "inf"], "bad --lr inf"),
    (["--lr", "nan"], "bad --lr nan"),
    (["--weight-decay", "inf"], "bad --weight-decay inf"),
    (["--seed", "-1"], "bad --seed -1; it must be 0 or more"),
])
def test_splits_that_leave_too_little_are_refused(tmp_path, capsys, argv, needle):
    assert main(["train", *SPIRAL, *argv, "--no-progress", "--out", str(tmp_path)]) == 2
    assert needle in _one_line(capsys)
    assert not list(tmp_path.iterdir())


# ------------------------------------------------------------ slow: these train
@pytest.mark.slow
def test_resume_writes_into_the_checkpoints_folder(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["train", *SPIRAL, "--epochs", "1", "--no-progress", "--out", "first"]) == 0
    ckpt = tmp_path / "first" / "checkpoint.npz"
    assert main(["train", "--resume", str(ckpt), "--epochs", "2", "--no-progress"]) == 0
    assert not (tmp_path / "scratchgrad-out").exists()
    assert len(nn.load(ckpt)["meta"]["history"]["train_loss"]) == 2
    assert len(json.loads((tmp_path / "first" / "metrics.json").read_text())["history"]
               ["train_loss"]) == 2
    assert main(["train", "--resume", str(ckpt), "--epochs", "3", "--no-progress",
                 "--out", "elsewhere"]) == 0
    assert nn.load(tmp_path / "elsewhere" / "checkpoint.npz")["meta"]["epoch"] == 3
    assert nn.load(ckpt)["meta"]["epoch"] == 2                 # --out left it alone


@pytest.mark.slow
def test_val_split_0_says_there_is_no_validation_set(tmp_path, capsys):
    assert main(["train", *SPIRAL, "--val-split", "0", "--epochs", "2", "--no-progress",
                 "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "no validation set" in out and "0 validation" in out
    rows = [ln.split() for ln in out.splitlines() if ln.strip()[:1].isdigit()]
    assert [r[0] for r in rows] == ["1", "2"] and all(r[3] == "-" and r[4] == "-" for r in rows)
    history = nn.load(tmp_path / "checkpoint.npz")["meta"]["history"]
    assert history["val_loss"] == [] and len(history["train_loss"]) == 2
    # a resumed run without validation keeps working
    assert main(["train", "--resume", str(tmp_path / "checkpoint.npz"), "--epochs", "3",
                 "--no-progress"]) == 0


@pytest.mark.slow
def test_no_progress_prints_each_epoch_once(tmp_path, capsys):
    assert main(["train", *SPIRAL, "--epochs", "3", "--no-progress", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert out.count("train loss") == 1                       # one table header
    rows = [ln.split()[0] for ln in out.splitlines() if ln.strip()[:1].isdigit()]
    assert rows == ["1", "2", "3"]
    assert "epoch 1/3" not in out


@pytest.mark.slow
def test_progress_to_a_pipe_is_plain_lines(tmp_path):
    pytest.importorskip("tqdm")
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    res = subprocess.run([sys.executable, "-m", "scratchgrad", "train", *SPIRAL, "--epochs", "3",
                          "--out", str(tmp_path)], capture_output=True, text=True, env=env,
                         cwd=tmp_path, timeout=300)
    assert res.returncode == 0, res.stderr[-2000:]
    assert "\r" not in res.stderr
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 3 and all(ln.startswith(f"epoch {k}/3: ") for k, ln in
                                   enumerate(lines, 1)), lines
    assert "batches" in lines[0] and "loss=" in lines[0]
    rows = [ln.split()[0] for ln in res.stdout.splitlines() if ln.strip()[:1].isdigit()]
    assert rows == ["1", "2", "3"] and res.stdout.count("train loss") == 1


def test_progress_lines_without_a_terminal(capsys):
    bar = loop.progress(range(4), "epoch 2/5")
    for _ in bar:
        bar.set_postfix(loss="0.1234", acc="0.5")
    bar.close()
    err = capsys.readouterr().err
    assert err == "epoch 2/5: 4/4 batches, loss=0.1234, acc=0.5\n"
    assert not loop.live_bars()
