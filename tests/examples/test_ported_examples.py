"""Run each PyTorch-style example with its import lines ported, and check that it learns.

With torch installed, the unported script also runs under PyTorch on the same data and the
two loss curves are printed side by side (``pytest -s``). Polynomial regression and the sine
LSTM start both engines from the same numpy-drawn weights, so their curves must agree
step for step; the others start from different random weights, so only the trend and the
final loss are compared. Every test here trains a model in a subprocess: all are slow.
"""
import importlib.util
import os
import struct
import sys

import numpy as np
import pytest

pytestmark = pytest.mark.slow

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _load_runner():
    path = os.path.join(ROOT, "examples", "run_ported.py")
    spec = importlib.util.spec_from_file_location("run_ported", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("run_ported", module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


runner = _load_runner()
HAVE_TORCH = importlib.util.find_spec("torch") is not None
HAVE_TORCHVISION = importlib.util.find_spec("torchvision") is not None
needs_torch = pytest.mark.skipif(not HAVE_TORCH, reason="PyTorch not installed")

class MissingFeature(RuntimeError):
    """The ported script stopped on a name this engine does not have yet."""


def ported(script, *args, cwd=None, missing=None):
    """Run the ported script; ``missing`` names the error text of a known missing feature."""
    r = runner.run(script, list(args), cwd=cwd)
    if r.returncode and missing and missing in r.stderr:
        raise MissingFeature(r.stderr.strip().splitlines()[-1])
    return r.check()


def original(script, *args, cwd=None):
    return runner.run(script, list(args), engine="torch", cwd=cwd).check()


def head_tail(losses, k=5):
    """Mean of the first k and of the last k losses."""
    assert len(losses) >= 2 * k, losses
    return float(np.mean(losses[:k])), float(np.mean(losses[-k:]))


def compare(script, *args, every=1, missing=None):
    ours, theirs = ported(script, *args, missing=missing), original(script, *args)
    print(f"\n{script} {' '.join(args)}\n" + runner.side_by_side(ours.losses, theirs.losses,
                                                                   every))
    assert len(ours.losses) == len(theirs.losses)
    return ours, theirs


# --- MNIST CNN: Adadelta + StepLR -------------------------------------------------------------
CNN_ARGS = ("--epochs", "2", "--limit", "640")


def test_mnist_cnn_learns():
    r = ported("mnist_cnn", *CNN_ARGS)
    first, last = head_tail(r.losses)
    assert 2.0 < r.losses[0] < 2.7  # about ln 10 from a fresh network
    assert last < 0.75 * first
    assert r.values["accuracy"] > 0.7


@needs_torch
def test_mnist_cnn_against_pytorch():
    ours, theirs = compare("mnist_cnn", *CNN_ARGS, every=4)
    for r in (ours, theirs):
        first, last = head_tail(r.losses)
        assert last < 0.8 * first
    ratio = ours.values["test_loss"] / theirs.values["test_loss"]
    assert 0.5 < ratio < 2.0, (ours.values, theirs.values)
    assert abs(ours.values["accuracy"] - theirs.values["accuracy"]) < 0.2


def test_mnist_cnn_saves_and_reloads_its_state_dict(tmp_path):
    path = str(tmp_path / "mnist_cnn.pt")
    r = ported("mnist_cnn", "--epochs", "1", "--limit", "64", "--save-model", path)
    assert f"saved {path}" in r.stdout and os.path.getsize(path) > 0


def _write_idx(path, array):
    codes = {np.dtype(np.uint8): 0x08}
    with open(path, "wb") as f:
        f.write(bytes([0, 0, codes[array.dtype], array.ndim]))
        f.write(struct.pack(">" + "I" * array.ndim, *array.shape))
        f.write(array.tobytes())


def test_mnist_cnn_reads_idx_files_through_datasets_mnist(tmp_path):
    from sklearn.datasets import load_digits
    d = load_digits()
    images = np.kron(d.images / 16.0, np.ones((3, 3)))
    images = np.pad(images, ((0, 0), (2, 2), (2, 2)))
    images = (images * 255).round().astype(np.uint8)
    labels = d.target.astype(np.uint8)
    raw = tmp_path / "MNIST" / "raw"
    raw.mkdir(parents=True)
    _write_idx(raw / "train-images-idx3-ubyte", images[:1400])
    _write_idx(raw / "train-labels-idx1-ubyte", labels[:1400])
    _write_idx(raw / "t10k-images-idx3-ubyte", images[1400:])
    _write_idx(raw / "t10k-labels-idx1-ubyte", labels[1400:])
    r = ported("mnist_cnn", "--epochs", "2", "--limit", "640", "--data", str(tmp_path))
    assert r.values["accuracy"] > 0.7


# --- polynomial regression: hand-written param.data updates -----------------------------------
def test_polynomial_regression_learns():
    r = ported("polynomial_regression", "--steps", "300")
    first, last = head_tail(r.losses, 10)
    assert last < first / 20


@needs_torch
def test_polynomial_regression_matches_pytorch_step_for_step():
    ours, theirs = compare("polynomial_regression", "--steps", "300", every=25)
    np.testing.assert_allclose(ours.losses, theirs.losses, rtol=1e-5, atol=2e-6)


# --- sine-wave LSTM: LBFGS with a closure, float64 ---------------------------------------------
SINE_ARGS = ("--steps", "5", "--limit", "16", "--length", "50", "--future", "20")


def test_sine_lstm_learns():
    r = ported("sine_lstm", *SINE_ARGS)
    assert r.losses[-1] < r.losses[0] / 100
    assert r.values["test_loss"] < 0.01


@needs_torch
@pytest.mark.parametrize("line_search", [(), ("--line-search", "strong_wolfe")],
                         ids=["fixed-step", "strong-wolfe"])
def test_sine_lstm_matches_pytorch_step_for_step(line_search):
    ours, theirs = compare("sine_lstm", *SINE_ARGS, *line_search)
    np.testing.assert_allclose(ours.losses, theirs.losses, rtol=1e-4, atol=1e-8)
    np.testing.assert_allclose(ours.values["future_loss"], theirs.values["future_loss"],
                               rtol=1e-3)


# --- MNIST RNN: LSTM over rows, Adam, clip_grad_norm_ -----------------------------------------
RNN_ARGS = ("--epochs", "3", "--limit", "1000")


def test_mnist_rnn_learns():
    r = ported("mnist_rnn", *RNN_ARGS)
    first, last = head_tail(r.losses)
    assert last < 0.5 * first
    assert r.values["accuracy"] > 0.6


@needs_torch
def test_mnist_rnn_against_pytorch():
    ours, theirs = compare("mnist_rnn", *RNN_ARGS, every=8)
    last_ours, last_theirs = head_tail(ours.losses)[1], head_tail(theirs.losses)[1]
    assert 0.5 < last_ours / last_theirs < 2.0
    assert abs(ours.values["accuracy"] - theirs.values["accuracy"]) < 0.2


# --- VAE writing images with save_image ----------------------------------------------------------
VAE_ARGS = ("--epochs", "3", "--limit", "640")


def test_vae_learns_and_writes_pngs(tmp_path):
    r = ported("vae", *VAE_ARGS, "--out", str(tmp_path))
    first, last = head_tail(r.losses)
    assert last < 0.6 * first
    import matplotlib.image as mpimg
    for name in ("sample_3.png", "reconstruction_3.png"):
        image = mpimg.imread(tmp_path / name)
        assert image.ndim in (2, 3) and min(image.shape[:2]) >= 28
        assert image.std() > 0.05  # not a blank picture


@needs_torch
@pytest.mark.skipif(not HAVE_TORCHVISION, reason="the original needs torchvision.utils")
def test_vae_against_pytorch(tmp_path):
    ours, theirs = compare("vae", *VAE_ARGS, "--out", str(tmp_path), every=10)
    assert 0.7 < ours.values["test_loss"] / theirs.values["test_loss"] < 1.4


# --- word-level LSTM language model --------------------------------------------------------------
LM_ARGS = ("--epochs", "2", "--tied")


def test_word_lm_learns():
    r = ported("word_lm", *LM_ARGS)
    first, last = head_tail(r.losses)
    assert last < 0.6 * first
    assert r.values["test_ppl"] < 8  # 37 words: a uniform guess is 37


@needs_torch
def test_word_lm_against_pytorch():
    ours, theirs = compare("word_lm", *LM_ARGS, every=10)
    assert 0.67 < ours.values["test_ppl"] / theirs.values["test_ppl"] < 1.5


# --- small CNN with BatchNorm, Dropout2d, SGD + OneCycleLR / cosine ----------------------------
def test_cnn_bn_scheduler_learns():
    r = ported("cnn_bn_scheduler", "--epochs", "3")
    first, last = head_tail(r.losses)
    assert last < 0.4 * first
    assert r.values["accuracy"] > 0.9


def test_cnn_bn_scheduler_cosine_schedule():
    r = ported("cnn_bn_scheduler", "--epochs", "2", "--scheduler", "cosine", "--limit", "640")
    assert r.values["accuracy"] > 0.8


def test_cnn_bn_scheduler_resumes_from_a_checkpoint(tmp_path):
    ck = str(tmp_path / "checkpoint.pt")
    args = ("--epochs", "3", "--limit", "640", "--checkpoint", ck)
    first = ported("cnn_bn_scheduler", *args, "--stop-after", "1")
    resumed = ported("cnn_bn_scheduler", *args, "--resume")
    assert "resumed from epoch 0" in resumed.stdout
    assert len(first.losses) + len(resumed.losses) == 3 * (640 // 32)
    assert resumed.values["accuracy"] > 0.9


def test_cnn_bn_scheduler_deterministic_mode():
    r = ported("cnn_bn_scheduler", "--epochs", "1", "--limit", "320", "--deterministic")
    assert r.values["accuracy"] > 0.5


@needs_torch
def test_cnn_bn_scheduler_against_pytorch():
    ours, theirs = compare("cnn_bn_scheduler", "--epochs", "3", every=20)
    last_ours, last_theirs = head_tail(ours.losses, 10)[1], head_tail(theirs.losses, 10)[1]
    assert 0.67 < last_ours / last_theirs < 1.5
    assert abs(ours.values["accuracy"] - theirs.values["accuracy"]) < 0.05


# --- DCGAN: ConvTranspose2d, BCELoss, weights_init through .data.normal_ ------------------------
def test_dcgan_learns_and_writes_grids(tmp_path):
    r = ported("dcgan", "--epochs", "5", "--out", str(tmp_path))
    # the average generated image moves towards the average digit
    assert r.values["image_gap_end"] < 0.6 * r.values["image_gap_start"]
    import matplotlib.image as mpimg
    grid = mpimg.imread(tmp_path / "fake_samples_epoch_004.png")
    assert min(grid.shape[:2]) >= 16 * 8 and grid.std() > 0.05
