"""Embedding: lookup, accumulated gradients, padding_idx, PyTorch parity."""
import numpy as np
import pytest

import autograd as ag
from autograd.gradcheck import gradcheck, gradgradcheck
from nn.embedding import Embedding, embedding

IDS = np.array([[1, 3, 3, 0], [2, 1, 4, 3]])  # repeats, so gradients must add up


@pytest.mark.parametrize("padding_idx", [None, 3, -2])
def test_forward_and_gradients(padding_idx):
    rng = np.random.default_rng(0)
    w = ag.tensor(rng.normal(size=(5, 3)), requires_grad=True)
    out = embedding(ag.tensor(IDS), w, padding_idx)
    assert out.shape == (2, 4, 3)
    np.testing.assert_array_equal(out.numpy(), w.numpy()[IDS])  # padding rows still returned
    if padding_idx is None:
        assert gradcheck(lambda w: embedding(IDS, w), w)
        assert gradgradcheck(lambda w: embedding(IDS, w) ** 2, w)
        return
    # padding_idx drops that row's gradient on purpose; every other row is the plain gradient
    g = ag.tensor(rng.normal(size=(2, 4, 3)))
    (gp,) = ag.grad([(embedding(IDS, w, padding_idx) * g).sum()], [w])
    (gf,) = ag.grad([(embedding(IDS, w) * g).sum()], [w])
    expect = gf.numpy().copy()
    expect[padding_idx] = 0
    np.testing.assert_allclose(gp.numpy(), expect)
    assert np.abs(gf.numpy()[padding_idx]).sum() > 0


def test_gradient_counts_repeats_and_skips_padding():
    w = ag.tensor(np.ones((5, 2)), requires_grad=True)
    embedding(IDS, w, padding_idx=3).sum().backward()
    counts = np.bincount(IDS.ravel(), minlength=5).astype(float)
    counts[3] = 0
    np.testing.assert_array_equal(w.grad.numpy(), np.repeat(counts[:, None], 2, axis=1))


def test_module_init_state_dict_and_pretrained():
    ag.manual_seed(0)
    m = Embedding(50, 8, padding_idx=0)
    assert m.weight.shape == (50, 8) and m.weight.dtype == np.float32
    assert (m.weight.numpy()[0] == 0).all()
    assert 0.7 < m.weight.numpy()[1:].std() < 1.3  # N(0, 1), as PyTorch
    assert list(m.state_dict()) == ["weight"]
    m2 = Embedding(50, 8)
    m2.load_state_dict(m.state_dict())
    x = ag.tensor([[0, 5, 49]])
    np.testing.assert_array_equal(m2(x).numpy(), m(x).numpy())
    assert repr(m) == "Embedding(50, 8, padding_idx=0)"
    frozen = Embedding.from_pretrained(np.eye(3, dtype=np.float32))
    assert not frozen.weight.requires_grad
    assert frozen(ag.tensor([2])).tolist() == [[0.0, 0.0, 1.0]]


def test_training_moves_only_used_rows():
    ag.manual_seed(0)
    m = Embedding(6, 2, padding_idx=1)
    before = m.weight.numpy().copy()
    (m(ag.tensor([0, 1, 2])) ** 2).sum().backward()
    with ag.no_grad():
        m.weight -= m.weight.grad * 0.1
    changed = (m.weight.numpy() != before).any(axis=1).tolist()
    assert changed == [True, False, True, False, False, False]


def test_max_norm_rescales_looked_up_rows_in_place():
    w = ag.tensor(np.array([[3.0, 4.0], [0.3, 0.4], [6.0, 8.0]]), requires_grad=True)
    out = embedding([0, 1, 0], w, max_norm=1.0)
    np.testing.assert_allclose(out.numpy(), [[0.6, 0.8], [0.3, 0.4], [0.6, 0.8]], rtol=1e-6)
    np.testing.assert_allclose(w.numpy()[2], [6.0, 8.0])  # rows not looked up stay
    m = Embedding(4, 3, max_norm=0.5)
    m(ag.tensor([0, 1, 2, 3]))
    assert np.linalg.norm(m.weight.numpy(), axis=1).max() <= 0.5 + 1e-6


@pytest.mark.parametrize("call,err,match", [
    (lambda: embedding([0, 5], ag.zeros(5, 2)), IndexError, r"\[0, 5\)"),
    (lambda: embedding([-1], ag.zeros(5, 2)), IndexError, "out of range"),
    (lambda: embedding([0.5], ag.zeros(5, 2)), TypeError, "integers"),
    (lambda: embedding([0], ag.zeros(5)), ValueError, "2-D"),
    (lambda: Embedding(5, 2, padding_idx=5), ValueError, "padding_idx"),
    (lambda: Embedding(0, 2), ValueError, "num_embeddings"),
    (lambda: Embedding(3, 2, sparse=True), NotImplementedError, "sparse"),
])
def test_errors(call, err, match):
    with pytest.raises(err, match=match):
        call()


def test_matches_torch():
    torch = pytest.importorskip("torch")
    ag.manual_seed(0)
    m = Embedding(5, 3, padding_idx=3)
    tm = torch.nn.Embedding(5, 3, padding_idx=3)
    tm.load_state_dict({"weight": torch.tensor(m.weight.numpy())})
    g = np.random.default_rng(1).normal(size=(2, 4, 3)).astype(np.float32)
    y, ty = m(ag.tensor(IDS)), tm(torch.tensor(IDS))
    np.testing.assert_array_equal(y.numpy(), ty.detach().numpy())
    (y * ag.tensor(g)).sum().backward()
    (ty * torch.tensor(g)).sum().backward()
    np.testing.assert_allclose(m.weight.grad.numpy(), tm.weight.grad.numpy(), rtol=1e-6)
