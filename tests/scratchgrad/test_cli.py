"""The ``scratchgrad`` command: parsing, graph, gradcheck exit codes, one-line errors."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from scratchgrad.cli import build_parser, main

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

USER_OPS = textwrap.dedent('''
    import autograd as ag

    class Cube(ag.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return grad * 3 * x ** 2

    class BrokenCube(Cube):
        @staticmethod
        def backward(ctx, grad):          # 2 instead of 3
            (x,) = ctx.saved_tensors
            return grad * 2 * x ** 2

    def affine(x, w, b):
        return x @ w + b

    def forgets_w(x, w, b):
        return x @ w.detach() + b

    def raises(x):
        raise ValueError("boom")
''')


@pytest.fixture
def user_ops(tmp_path, monkeypatch):
    (tmp_path / "user_ops_mod.py").write_text(USER_OPS)
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    sys.modules.pop("user_ops_mod", None)


def test_parser_defaults_and_choices():
    args = build_parser().parse_args(["train", "--model", "lenet", "--data", "mnist5k",
                                      "--optim", "sgd", "--lr", "0.1", "--epochs", "3",
                                      "--resume", "ck.npz", "--early-stopping", "2"])
    assert (args.model, args.data, args.optim, args.lr, args.epochs) == (
        "lenet", "mnist5k", "sgd", 0.1, 3)
    assert args.resume == "ck.npz" and args.early_stopping == 2 and args.batch_size is None
    args = build_parser().parse_args(["graph", "a*b", "--let", "a=1", "b=2", "-o", "g.svg"])
    assert args.let == ["a=1", "b=2"] and args.output == "g.svg"
    args = build_parser().parse_args(["--debug", "gradcheck", "m:f", "--shapes", "3x4,4"])
    assert args.debug and args.dtype == "float64" and args.shapes == "3x4,4"


def test_usage_errors_return_2(capsys):
    assert main(["gradcheck", "m:f"]) == 2           # --shapes is required
    assert main(["gradcheck", "m:f", "--shapes", "3", "--dtype", "int8"]) == 2
    err = capsys.readouterr().err
    assert "--shapes" in err and "int8" in err


def test_graph_apple_tax_prints_the_textbook_gradients(capsys):
    code = main(["graph", "apple * num * tax", "--let", "apple=100", "num=2", "tax=1.1"])
    assert code == 0
    out = capsys.readouterr().out
    assert "= 220" in out
    lines = {ln.split("=")[0].strip(): ln.split("=")[1].strip()
             for ln in out.splitlines() if ln.startswith("  ")}
    assert lines == {"apple": "2.2", "num": "110", "tax": "200"}


def test_graph_apples_and_oranges_and_functions(capsys):
    code = main(["graph", "(apple * a_num + orange * o_num) * tax", "--let", "apple=100",
                 "a_num=2", "orange=150", "o_num=3", "tax=1.1", "--dtype", "float64"])
    assert code == 0
    out = capsys.readouterr().out
    assert "= 715" in out and "tax    = 650" in out and "o_num  = 165" in out
    assert main(["graph", "x * x * 3 + 2 * x", "--let", "x=[1, 2]", "--dtype", "float64"]) == 0
    out = capsys.readouterr().out
    assert "[ 8., 14.]" in out and "gradient of ones" in out


def test_graph_writes_dot_and_mermaid(tmp_path, capsys):
    pytest.importorskip("autograd.viz")
    from autograd import viz

    if not hasattr(viz, "to_dot"):
        pytest.skip("viz.to_dot not available yet")
    dot = tmp_path / "g.dot"
    mmd = tmp_path / "g.mmd"
    assert main(["graph", "a * b", "--let", "a=2", "b=3", "-o", str(dot)]) == 0
    assert main(["graph", "a * b", "--let", "a=2", "b=3", "-o", str(mmd)]) == 0
    assert "digraph" in dot.read_text()
    assert mmd.read_text().strip()


@pytest.mark.parametrize("argv, needle", [
    (["graph", "a * c", "--let", "a=1"], "define it with --let c=1.0"),
    (["graph", "a *", "--let", "a=1"], "cannot parse the expression"),
    (["graph", "__import__('os').system('true')", "--let", "a=1"], "unknown function"),
    (["graph", "a.__class__", "--let", "a=1"], "is not allowed"),
    (["graph", "a * 2", "--let", "a=3y4"], "bad value for --let a"),
    (["graph", "a * 2", "--let", "a"], "expected NAME=VALUE"),
    (["graph", "a * 2", "--let", "a=2", "-o", "g.txt"], "unknown extension"),
    (["graph", "a @ b", "--let", "a=2x3", "b=4x5"], "matmul"),
    (["gradcheck", "nosuchmodule_xyz:f", "--shapes", "3"], "cannot import"),
    (["gradcheck", "no_colon", "--shapes", "3"], "MODULE:FUNCTION"),
    (["gradcheck", "user_ops_mod:nothing", "--shapes", "3"], "it defines: BrokenCube, Cube"),
    (["gradcheck", "user_ops_mod:affine", "--shapes", "2x3,3x5,4"], "check --shapes"),
    (["gradcheck", "user_ops_mod:raises", "--shapes", "2"], "ValueError: boom"),
    (["gradcheck", "user_ops_mod:Cube", "--shapes", "3y4"], "bad shape '3y4'"),
])
def test_errors_are_one_line_without_traceback(user_ops, capsys, argv, needle):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert needle in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_debug_shows_the_traceback():
    with pytest.raises(Exception, match="define it with --let c"):
        main(["--debug", "graph", "a * c", "--let", "a=1"])


def test_gradcheck_passes_on_a_good_function(user_ops, capsys):
    assert main(["gradcheck", "user_ops_mod:Cube", "--shapes", "3x4"]) == 0
    assert main(["gradcheck", "user_ops_mod:affine", "--shapes", "2x3,3x4,4"]) == 0
    out = capsys.readouterr().out
    assert "x (3, 4)" in out.replace("  ", " ")
    assert out.count(" ok") == 4 and "FAIL" not in out


def test_gradcheck_fails_on_a_broken_function(user_ops, capsys):
    assert main(["gradcheck", "user_ops_mod:BrokenCube", "--shapes", "3x4"]) == 1
    out = capsys.readouterr().out
    assert "FAIL" in out and "analytic" in out and "numeric" in out
    assert main(["gradcheck", "user_ops_mod:forgets_w", "--shapes", "2x3,3x4,4"]) == 1
    out = capsys.readouterr().out
    report = [ln.split() for ln in out.splitlines() if ln.startswith("  ") and "(" in ln]
    verdicts = {r[0]: r[-1] if r[-1] == "ok" else "FAIL" for r in report if r[0] in "xwb"}
    assert verdicts == {"x": "ok", "w": "FAIL", "b": "ok"}


def test_gradcheck_accepts_a_file_path(user_ops, capsys):
    assert main(["gradcheck", "user_ops_mod.py:Cube", "--shapes", "4", "--dtype",
                 "float32"]) == 0
    assert "float64" in capsys.readouterr().out   # the float32 note


def test_python_dash_m_scratchgrad_runs_the_cli(user_ops):
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    res = subprocess.run([sys.executable, "-m", "scratchgrad", "gradcheck",
                          "user_ops_mod:BrokenCube", "--shapes", "2"],
                         capture_output=True, text=True, env=env, cwd=user_ops, timeout=60)
    assert res.returncode == 1, res.stderr
    assert "FAIL" in res.stdout
    res = subprocess.run([sys.executable, "-m", "scratchgrad", "train", "--model", "nope"],
                         capture_output=True, text=True, env=env, cwd=user_ops, timeout=60)
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert "unknown model 'nope'" in res.stderr


def _train(out, *extra):
    return main(["train", "--model", "mlp", "--data", "spiral", "--optim", "momentum",
                 "--scheduler", "step", "--dropout", "0.2", "--batch-size", "32",
                 "--no-progress", "--out", str(out), *extra])


def test_train_writes_checkpoint_and_resume_continues_exactly(tmp_path, capsys):
    import numpy as np

    import nn

    assert _train(tmp_path / "a", "--epochs", "2") == 0
    ckpt = tmp_path / "a" / "checkpoint.npz"
    assert ckpt.exists() and (tmp_path / "a" / "metrics.json").exists()
    assert main(["train", "--resume", str(ckpt), "--epochs", "3", "--no-progress",
                 "--out", str(tmp_path / "b")]) == 0
    out = capsys.readouterr().out
    assert "resuming" in out and "test: loss" in out and "train loss" in out
    assert _train(tmp_path / "c", "--epochs", "3") == 0
    resumed, straight = nn.load(tmp_path / "b" / "checkpoint.npz"), nn.load(
        tmp_path / "c" / "checkpoint.npz")
    for key in straight["model"]:
        assert np.array_equal(np.asarray(resumed["model"][key]),
                              np.asarray(straight["model"][key])), key
    hist_r, hist_s = resumed["meta"]["history"], straight["meta"]["history"]
    assert hist_r["train_loss"] == hist_s["train_loss"] and hist_r["lr"] == hist_s["lr"]
    assert len(hist_r["train_loss"]) == 3


def test_train_resume_refuses_changed_options_and_bad_files(tmp_path, capsys):
    assert _train(tmp_path, "--epochs", "1") == 0
    ckpt = str(tmp_path / "checkpoint.npz")
    capsys.readouterr()
    assert main(["train", "--resume", ckpt, "--lr", "0.5", "--no-progress"]) == 2
    assert "differs from the checkpoint" in capsys.readouterr().err
    (tmp_path / "junk.npz").write_bytes(b"not a checkpoint")
    assert main(["train", "--resume", str(tmp_path / "junk.npz")]) == 2
    assert main(["train", "--resume", str(tmp_path / "missing.npz")]) == 2
    err = capsys.readouterr().err
    assert "junk.npz" in err and "no checkpoint at" in err and "Traceback" not in err


@pytest.mark.parametrize("argv, needle", [
    (["--model", "transformer"], "unknown model 'transformer'"),
    (["--data", "cifar"], "unknown dataset 'cifar'"),
    (["--optim", "lion"], "unknown optimizer 'lion'"),
    (["--lr", "-1"], "bad --lr -1"),
    (["--data", "mnist:/no/such/folder"], "MNIST IDX"),
    (["--model", "lenet", "--data", "spiral"], "needs images"),
])
def test_train_errors_name_the_fix(tmp_path, capsys, argv, needle):
    assert main(["train", *argv, "--no-progress", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert needle in err and len(err.strip().splitlines()) == 1


def _write_idx(path, arr):
    import numpy as np

    arr = np.ascontiguousarray(arr, dtype=np.uint8)
    header = bytes([0, 0, 0x08, arr.ndim]) + b"".join(
        int(d).to_bytes(4, "big") for d in arr.shape)
    path.write_bytes(header + arr.tobytes())


def test_train_reads_mnist_idx_files_from_a_folder(tmp_path, capsys):
    import numpy as np

    rng = np.random.default_rng(0)
    for prefix, n in (("train", 60), ("t10k", 20)):
        labels = np.arange(n) % 3
        images = (rng.random((n, 28, 28)) * 40).astype(np.uint8)
        images[:, 4:8, :] += (labels[:, None, None] * 70).astype(np.uint8)   # learnable
        _write_idx(tmp_path / f"{prefix}-images-idx3-ubyte", images)
        _write_idx(tmp_path / f"{prefix}-labels-idx1-ubyte", labels)
    assert main(["train", "--model", "mlp", "--data", f"mnist:{tmp_path}", "--epochs", "2",
                 "--batch-size", "16", "--no-progress", "--out", str(tmp_path / "run")]) == 0
    out = capsys.readouterr().out
    assert "mlp on mnist:" in out and "20 test samples" in out
    (tmp_path / "t10k-labels-idx1-ubyte").unlink()
    assert main(["train", "--data", f"mnist:{tmp_path}", "--no-progress",
                 "--out", str(tmp_path / "run")]) == 2
    assert "t10k-labels-idx1-ubyte" in capsys.readouterr().err


def test_train_interrupted_keeps_the_last_epoch_and_says_how_to_resume(tmp_path, capsys,
                                                                         monkeypatch):
    from scratchgrad.apps import loop

    real, calls = loop.train_epoch, []

    def interrupted_in_epoch_2(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(loop, "train_epoch", interrupted_in_epoch_2)
    assert _train(tmp_path, "--epochs", "3") == 130
    ckpt = tmp_path / "checkpoint.npz"
    assert f"resume with: scratchgrad train --resume {ckpt}" in capsys.readouterr().out
    monkeypatch.setattr(loop, "train_epoch", real)
    assert main(["train", "--resume", str(ckpt), "--no-progress", "--out",
                 str(tmp_path / "resumed")]) == 0
    assert "at epoch 2 of 3" in capsys.readouterr().out
    import json

    metrics = json.loads((tmp_path / "resumed" / "metrics.json").read_text())
    assert len(metrics["history"]["train_loss"]) == 3
