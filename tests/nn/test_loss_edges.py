"""Losses at the edges of their domain give PyTorch's values and gradients (issue 12).

Each case has written expected values that always run and, when torch is
installed, the same computation in PyTorch.
"""
from __future__ import annotations

import numpy as np
import pytest

import autograd as ag
import nn.functional as F
from autograd.gradcheck import gradcheck

INF = float("inf")


def _torch():
    return pytest.importorskip("torch")


def _ce(z, t, **kw):
    x = ag.tensor(np.asarray(z, np.float32), requires_grad=True)
    loss = F.cross_entropy(x, ag.tensor(np.asarray(t)), **kw)
    loss.backward()
    return loss.item(), x.grad.numpy()


def _torch_ce(z, t, **kw):
    torch = _torch()
    x = torch.tensor(np.asarray(z, np.float32), requires_grad=True)
    kw = {k: torch.tensor(v) if k == "weight" else v for k, v in kw.items()}
    loss = torch.nn.functional.cross_entropy(x, torch.tensor(np.asarray(t)), **kw)
    loss.backward()
    return loss.item(), x.grad.numpy()


MASKED = [[0.0, -INF, 1.0], [2.0, -INF, -INF]]
S = 1 / (1 + np.e)  # softmax([0, 1])[0]
CE_CASES = [  # (logits, targets, kwargs, loss, gradient)
    (MASKED, [0, 0], {}, -np.log(S) / 2, [[(S - 1) / 2, 0, (1 - S) / 2], [0, 0, 0]]),
    (MASKED, [0, 0], {"weight": np.array([1.0, 2.0, 3.0], np.float32)}, -np.log(S) / 2,
     [[(S - 1) / 2, 0, (1 - S) / 2], [0, 0, 0]]),
    (MASKED, [0, 0], {"reduction": "sum"}, -np.log(S), [[S - 1, 0, 1 - S], [0, 0, 0]]),
    ([[-3e38, 0.0, 3e38]], [1], {}, 3e38, [[0, -1, 1]]),
    ([[-3e38, 0.0, 3e38]], [2], {}, 0.0, [[0, 0, 0]]),
]


@pytest.mark.parametrize("z,t,kw,loss,grad", CE_CASES)
def test_cross_entropy_with_masked_and_huge_logits_is_finite(z, t, kw, loss, grad):
    got_loss, got_grad = _ce(z, t, **kw)
    np.testing.assert_allclose(got_loss, loss, rtol=1e-6)
    np.testing.assert_allclose(got_grad, grad, rtol=1e-6, atol=1e-7)
    assert np.isfinite(got_grad).all()


@pytest.mark.parametrize("z,t,kw,loss,grad", CE_CASES)
def test_cross_entropy_masked_matches_pytorch(z, t, kw, loss, grad):
    want_loss, want_grad = _torch_ce(z, t, **kw)
    got_loss, got_grad = _ce(z, t, **kw)
    np.testing.assert_allclose(got_loss, want_loss, rtol=1e-6)
    np.testing.assert_allclose(got_grad, want_grad, rtol=1e-6, atol=1e-7)


def test_cross_entropy_masked_logit_with_label_smoothing_is_inf_as_pytorch():
    loss, grad = _ce(MASKED, [0, 0], label_smoothing=0.1)
    assert loss == INF and np.isfinite(grad).all()
    if pytest.importorskip("torch"):
        want_loss, want_grad = _torch_ce(MASKED, [0, 0], label_smoothing=0.1)
        assert want_loss == INF
        np.testing.assert_allclose(grad, want_grad, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("kw", [{}, {"weight": np.ones(4, np.float32)}, {"reduction": "sum"}])
def test_all_targets_ignored_gives_zero_gradients(kw):
    z = np.random.default_rng(0).standard_normal((3, 4)).astype(np.float32)
    loss, grad = _ce(z, [-100, -100, -100], **kw)
    assert np.isnan(loss) if kw.get("reduction", "mean") == "mean" else loss == 0.0
    np.testing.assert_array_equal(grad, np.zeros((3, 4)))


def test_all_targets_ignored_matches_pytorch():
    z = np.random.default_rng(0).standard_normal((3, 4)).astype(np.float32)
    want_loss, want_grad = _torch_ce(z, [-100, -100, -100])
    loss, grad = _ce(z, [-100, -100, -100])
    np.testing.assert_equal(np.isnan(loss), np.isnan(want_loss))
    np.testing.assert_array_equal(grad, want_grad)


def _prob_case(rng):
    z = rng.standard_normal((3, 4))
    q = rng.random((3, 4))
    return z, q / q.sum(1, keepdims=True)


@pytest.mark.parametrize("kw", [{}, {"label_smoothing": 0.2}, {"reduction": "none"},
                                {"weight": np.array([1.0, 2.0, 0.5, 1.5])}])
def test_probability_targets_receive_their_gradient(kw):
    z, q = _prob_case(np.random.default_rng(1))
    w = kw.get("weight")
    kw = {k: ag.tensor(v) if k == "weight" else v for k, v in kw.items()}

    def f(x, t):
        return F.cross_entropy(x, t, **kw)

    assert gradcheck(f, (ag.tensor(z, requires_grad=True), ag.tensor(q, requires_grad=True)))
    # written: d loss / d target = -log_softmax(z) * (1 - s) * weight / N for the mean
    t = ag.tensor(q, requires_grad=True)
    F.cross_entropy(ag.tensor(z), t, **kw).sum().backward()
    logp = z - np.log(np.exp(z).sum(1, keepdims=True))
    s = kw.get("label_smoothing", 0.0)
    n = 1 if kw.get("reduction") == "none" else 3
    want = -logp * (1 - s) * (1.0 if w is None else w) / n
    np.testing.assert_allclose(t.grad.numpy(), want, rtol=1e-10)


def test_probability_target_gradient_matches_pytorch():
    torch = _torch()
    z, q = _prob_case(np.random.default_rng(2))
    x, t = ag.tensor(z, requires_grad=True), ag.tensor(q, requires_grad=True)
    F.cross_entropy(x, t, label_smoothing=0.1).backward()
    tx, tt = torch.tensor(z, requires_grad=True), torch.tensor(q, requires_grad=True)
    torch.nn.functional.cross_entropy(tx, tt, label_smoothing=0.1).backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-10)
    np.testing.assert_allclose(t.grad.numpy(), tt.grad.numpy(), rtol=1e-10)


# ------------------------------------------------------------ binary cross-entropy
def test_bce_refuses_nan_input_as_pytorch():
    x, y = ag.tensor([float("nan"), 0.5]), ag.tensor([1.0, 0.0])
    with pytest.raises(RuntimeError, match="binary_cross_entropy: all elements of input "
                                           "should be between 0 and 1"):
        F.binary_cross_entropy(x, y)
    with pytest.raises(ValueError, match=r"\(2,\)"):
        F.binary_cross_entropy(x, y)
    torch = pytest.importorskip("torch")
    with pytest.raises(RuntimeError, match="between 0 and 1"):
        torch.nn.functional.binary_cross_entropy(torch.tensor([float("nan"), 0.5]),
                                                 torch.tensor([1.0, 0.0]))


def test_bce_gradient_at_saturated_probabilities():
    p = ag.tensor(np.array([0.0, 1.0]), requires_grad=True)
    loss = F.binary_cross_entropy(p, ag.tensor(np.array([1.0, 0.0])))
    loss.backward()
    assert loss.item() == 100.0  # each log clamped at -100
    np.testing.assert_allclose(p.grad.numpy(), [-5e11, 5e11], rtol=1e-12)  # (p - y) / 1e-12 / 2
    torch = pytest.importorskip("torch")
    tp = torch.tensor([0.0, 1.0], dtype=torch.float64, requires_grad=True)
    tl = torch.nn.functional.binary_cross_entropy(tp, torch.tensor([1.0, 0.0],
                                                                  dtype=torch.float64))
    tl.backward()
    assert tl.item() == loss.item()
    np.testing.assert_allclose(p.grad.numpy(), tp.grad.numpy(), rtol=1e-8)  # eps as float32


def test_bce_gradients_inside_the_domain_and_for_the_target():
    rng = np.random.default_rng(3)
    p = rng.uniform(0.05, 0.95, (3, 2))
    y = rng.uniform(0, 1, (3, 2))
    assert gradcheck(lambda a, b: F.binary_cross_entropy(a, b, reduction="sum"),
                     (ag.tensor(p, requires_grad=True), ag.tensor(y, requires_grad=True)))
    torch = pytest.importorskip("torch")
    a, b = ag.tensor(p, requires_grad=True), ag.tensor(y, requires_grad=True)
    F.binary_cross_entropy(a, b, weight=ag.tensor(np.array([1.0, 2.0]))).backward()
    ta, tb = torch.tensor(p, requires_grad=True), torch.tensor(y, requires_grad=True)
    torch.nn.functional.binary_cross_entropy(ta, tb, weight=torch.tensor([1.0, 2.0],
                                             dtype=torch.float64)).backward()
    np.testing.assert_allclose(a.grad.numpy(), ta.grad.numpy(), rtol=1e-10)
    np.testing.assert_allclose(b.grad.numpy(), tb.grad.numpy(), rtol=1e-10)


# ------------------------------------------------------------ huber / smooth L1
@pytest.mark.parametrize("name,kw,slope", [("huber_loss", {"delta": 2.0}, 2.0),
                                           ("smooth_l1_loss", {"beta": 0.5}, 1.0)])
def test_huber_and_smooth_l1_keep_a_bounded_gradient_at_inf(name, kw, slope):
    vals = np.array([INF, -INF, 0.25, 3.0])
    x = ag.tensor(vals, requires_grad=True)
    getattr(F, name)(x, ag.zeros(4, dtype=np.float64), reduction="sum", **kw).backward()
    quad = 0.25 if name == "huber_loss" else 0.25 / kw["beta"]
    np.testing.assert_allclose(x.grad.numpy(), [slope, -slope, quad, slope])
    torch = pytest.importorskip("torch")
    tx = torch.tensor(vals, requires_grad=True)
    getattr(torch.nn.functional, name)(tx, torch.zeros(4, dtype=torch.float64),
                                       reduction="sum", **kw).backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy())


def test_probability_target_row_without_mass_still_gets_its_gradient():
    z = np.random.default_rng(4).standard_normal((2, 3))
    q = np.array([[0.0, 0.0, 0.0], [0.2, 0.3, 0.5]])
    t = ag.tensor(q, requires_grad=True)
    F.cross_entropy(ag.tensor(z), t, reduction="none").sum().backward()
    logp = z - np.log(np.exp(z).sum(1, keepdims=True))
    np.testing.assert_allclose(t.grad.numpy(), -logp, rtol=1e-12)   # d/dq of -q . log p
    torch = pytest.importorskip("torch")
    tt = torch.tensor(q, requires_grad=True)
    torch.nn.functional.cross_entropy(torch.tensor(z), tt, reduction="none").sum().backward()
    np.testing.assert_allclose(t.grad.numpy(), tt.grad.numpy(), rtol=1e-12)
