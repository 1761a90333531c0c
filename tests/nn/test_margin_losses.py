"""The margin, embedding, Poisson, Gaussian and CTC losses and their modules: written
values, gradcheck in float64, PyTorch parity for every reduction, errors."""
from __future__ import annotations

import math

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
from autograd.gradcheck import gradcheck, gradgradcheck

RNG = np.random.default_rng(0)
N, C = 4, 5
X1, X2, X3 = (RNG.standard_normal((N, C)) for _ in range(3))
SIGNS = np.array([1, -1, 1, -1])
TARGET = np.array([0, 3, 4, 1])
LABELS = np.array([[3, 0, -1, 1, 2], [1, 2, 3, 4, 0], [-1, 0, 0, 0, 0], [4, -1, 2, 2, 2]])
W = RNG.random(C) + 0.5
POISSON = RNG.poisson(2.0, (N, C)).astype(float)
VAR = np.abs(X3) + 0.5

# (name, differentiable inputs, constant arguments (ours, torch's as a function), keywords)
CASES = [
    ("cosine_embedding_loss", [X1, X2], [SIGNS], dict(margin=0.2)),
    ("margin_ranking_loss", [X1[:, 0], X2[:, 0]], [SIGNS.astype(float)], dict(margin=0.3)),
    ("triplet_margin_loss", [X1, X2, X3], [], dict(margin=2.0, swap=True)),
    ("triplet_margin_loss", [X1, X2, X3], [], dict(margin=1.5, p=1)),
    ("hinge_embedding_loss", [X1], [np.tile([1.0, -1, 1, -1, 2], (N, 1))], dict(margin=0.5)),
    ("soft_margin_loss", [X1], [np.sign(X2)], {}),
    ("multilabel_soft_margin_loss", [X1], [(X2 > 0).astype(float), W], {}),
    ("multi_margin_loss", [X1], [TARGET], dict(p=2, margin=0.7, weight=W)),
    ("multi_margin_loss", [X1], [TARGET], {}),
    ("multi_margin_loss", [X1[0]], [np.array(2)], {}),
    ("multilabel_margin_loss", [X1], [LABELS], {}),
    ("multilabel_margin_loss", [X1[0]], [LABELS[0]], {}),
    ("poisson_nll_loss", [X1], [POISSON], {}),
    ("poisson_nll_loss", [np.abs(X1) + 0.1], [POISSON], dict(log_input=False, full=True)),
    ("gaussian_nll_loss", [X1, X2, VAR], [], dict(full=True)),
    ("gaussian_nll_loss", [X1, X2, VAR[:, :1]], [], {}),
    ("gaussian_nll_loss", [X1, X2, VAR[:, 0]], [], {}),
]
IDS = [f"{c[0]}-{i}" for i, c in enumerate(CASES)]


def _ours(name, diff, consts, kw, reduction):
    fn = getattr(F, name)
    kw = {k: ag.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kw.items()}
    if name == "gaussian_nll_loss":
        return lambda *a: fn(*a, reduction=reduction, **kw)
    return lambda *a: fn(*a, *[ag.tensor(c) for c in consts], reduction=reduction, **kw)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("name,diff,consts,kw", CASES, ids=IDS)
def test_gradcheck(name, diff, consts, kw, reduction):
    args = [ag.tensor(d, requires_grad=True) for d in diff]
    assert gradcheck(_ours(name, diff, consts, kw, reduction), args)
    if reduction == "sum":
        assert gradgradcheck(_ours(name, diff, consts, kw, reduction), args)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("name,diff,consts,kw", CASES, ids=IDS)
def test_pytorch_parity(name, diff, consts, kw, reduction):
    torch = pytest.importorskip("torch")
    ours = [ag.tensor(d, requires_grad=True) for d in diff]
    theirs = [torch.tensor(d, requires_grad=True) for d in diff]
    out = _ours(name, diff, consts, kw, reduction)(*ours)
    tkw = {k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kw.items()}
    want = getattr(torch.nn.functional, name)(*theirs, *[torch.tensor(c) for c in consts],
                                               reduction=reduction, **tkw)
    assert out.shape == tuple(want.shape)
    g = RNG.standard_normal(tuple(want.shape))
    (out * ag.tensor(g)).sum().backward()
    (want * torch.tensor(g)).sum().backward()
    np.testing.assert_allclose(out.numpy(), want.detach().numpy(), rtol=1e-10, atol=1e-12)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-8, atol=1e-12)


def test_written_values():
    t = ag.tensor
    assert F.cosine_embedding_loss(t([[1.0, 0.0]]), t([[0.0, 1.0]]), t([1])).item() == 1.0
    assert F.margin_ranking_loss(t([1.0, 0.0]), t([0.0, 1.0]), t([1.0, 1.0]), margin=0.5,
                                 reduction="none").tolist() == [0.0, 1.5]
    np.testing.assert_allclose(F.triplet_margin_loss(t([[0.0, 0.0]]), t([[3.0, 4.0]]),
                                                     t([[0.0, 1.0]]), eps=0.0).item(), 5.0)
    np.testing.assert_allclose(F.hinge_embedding_loss(t([0.3, 0.3]), t([1.0, -1.0]),
                                                      reduction="none").numpy(), [0.3, 0.7])
    assert np.isclose(F.soft_margin_loss(t([0.0]), t([1.0])).item(), math.log(2))
    # one sample: margins 1 - 0.8 + x_i over the three other classes, divided by C = 4
    assert np.isclose(F.multi_margin_loss(t([[0.1, 0.2, 0.4, 0.8]]), t([3])).item(),
                      (0.3 + 0.4 + 0.6) / 4)
    # targets 3 and 0 against classes 1 and 2: PyTorch's documented example gives 0.85
    assert np.isclose(F.multilabel_margin_loss(t([[0.1, 0.2, 0.4, 0.8]]),
                                               t([[3, 0, -1, 1]])).item(), 0.85)
    assert F.poisson_nll_loss(t([0.0]), t([2.0])).item() == 1.0
    assert F.gaussian_nll_loss(t([1.0]), t([3.0]), t([1.0])).item() == 2.0


def test_gaussian_variance_clamp_passes_the_gradient():
    var = ag.tensor(np.array([1e-9, 2.0]), requires_grad=True)
    loss = F.gaussian_nll_loss(ag.tensor(np.zeros(2)), ag.tensor(np.zeros(2)), var,
                               reduction="sum")
    loss.backward()
    assert np.isclose(loss.item(), 0.5 * (math.log(1e-6) + math.log(2.0)))
    np.testing.assert_allclose(var.grad.numpy(), [0.5 / 1e-6, 0.25])   # as at var = eps


def test_modules_match_the_functions_and_pytorch_reprs():
    a, b, c = (ag.tensor(x) for x in (X1, X2, X3))
    s = ag.tensor(SIGNS)
    pairs = [
        (nn.CosineEmbeddingLoss(0.1)(a, b, s), F.cosine_embedding_loss(a, b, s, 0.1)),
        (nn.MarginRankingLoss(0.2)(a[:, 0], b[:, 0], ag.tensor(SIGNS.astype(float))),
         F.margin_ranking_loss(a[:, 0], b[:, 0], ag.tensor(SIGNS.astype(float)), 0.2)),
        (nn.TripletMarginLoss(swap=True)(a, b, c), F.triplet_margin_loss(a, b, c, swap=True)),
        (nn.HingeEmbeddingLoss()(a, ag.tensor(np.sign(X2))),
         F.hinge_embedding_loss(a, ag.tensor(np.sign(X2)))),
        (nn.SoftMarginLoss(reduction="sum")(a, ag.tensor(np.sign(X2))),
         F.soft_margin_loss(a, ag.tensor(np.sign(X2)), reduction="sum")),
        (nn.MultiLabelSoftMarginLoss(weight=ag.tensor(W))(a, ag.tensor((X2 > 0) * 1.0)),
         F.multilabel_soft_margin_loss(a, ag.tensor((X2 > 0) * 1.0), ag.tensor(W))),
        (nn.MultiMarginLoss(p=2)(a, ag.tensor(TARGET)), F.multi_margin_loss(a, ag.tensor(TARGET),
                                                                            p=2)),
        (nn.MultiLabelMarginLoss()(a, ag.tensor(LABELS)),
         F.multilabel_margin_loss(a, ag.tensor(LABELS))),
        (nn.PoissonNLLLoss(full=True)(a, ag.tensor(POISSON)),
         F.poisson_nll_loss(a, ag.tensor(POISSON), full=True)),
        (nn.GaussianNLLLoss(eps=1e-3)(a, b, ag.tensor(VAR)),
         F.gaussian_nll_loss(a, b, ag.tensor(VAR), eps=1e-3)),
    ]
    for got, want in pairs:
        np.testing.assert_array_equal(got.numpy(), want.numpy())
    assert "weight" in dict(nn.MultiMarginLoss(weight=ag.tensor(W)).named_buffers())
    torch = pytest.importorskip("torch")
    for name in ("CosineEmbeddingLoss", "MarginRankingLoss", "TripletMarginLoss",
                 "HingeEmbeddingLoss", "SoftMarginLoss", "MultiLabelSoftMarginLoss",
                 "MultiMarginLoss", "MultiLabelMarginLoss", "PoissonNLLLoss", "GaussianNLLLoss",
                 "CTCLoss"):
        assert repr(getattr(nn, name)()) == repr(getattr(torch.nn, name)())


def test_ctc_module():
    x = RNG.standard_normal((6, 2, 4))
    targets, il, tl = np.array([[1, 2, 2], [3, 0, 0]]), np.array([6, 5]), np.array([3, 1])
    lp = ag.log_softmax(ag.tensor(x, requires_grad=True), 2)
    for reduction in ("mean", "sum", "none"):
        got = nn.CTCLoss(blank=0, reduction=reduction)(lp, ag.tensor(targets), il, tl)
        want = F.ctc_loss(lp, targets, il, tl, reduction=reduction)
        np.testing.assert_array_equal(got.numpy(), want.numpy())
    torch = pytest.importorskip("torch")
    want = torch.nn.CTCLoss(zero_infinity=True)(torch.tensor(x).log_softmax(2),
                                                torch.tensor(targets), torch.tensor(il),
                                                torch.tensor(tl))
    got = nn.CTCLoss(zero_infinity=True)(lp, targets, il, tl)
    np.testing.assert_allclose(got.item(), want.item(), rtol=1e-10)


@pytest.mark.filterwarnings("ignore:reduction. 'mean' divides:UserWarning")
@pytest.mark.parametrize("log_target", [False, True])
@pytest.mark.parametrize("reduction", ["batchmean", "mean", "sum", "none"])
def test_kl_div_matches_pytorch(log_target, reduction):
    torch = pytest.importorskip("torch")
    logp = X1 - np.log(np.exp(X1).sum(1, keepdims=True))
    q = np.exp(X2) / np.exp(X2).sum(1, keepdims=True)
    target = np.log(q) if log_target else q
    a, b = ag.tensor(logp, requires_grad=True), torch.tensor(logp, requires_grad=True)
    t1, t2 = ag.tensor(target, requires_grad=True), torch.tensor(target, requires_grad=True)
    out = F.kl_div(a, t1, reduction=reduction, log_target=log_target)
    want = torch.nn.functional.kl_div(b, t2, reduction=reduction, log_target=log_target)
    out.sum().backward()
    want.sum().backward()
    np.testing.assert_allclose(out.numpy(), want.detach().numpy(), rtol=1e-10)
    np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-10)
    np.testing.assert_allclose(t1.grad.numpy(), t2.grad.numpy(), rtol=1e-10)


@pytest.mark.parametrize("call,kind,match", [
    (lambda: F.margin_ranking_loss(ag.ones(3), ag.ones(4), ag.ones(3)), ValueError,
     r"margin_ranking_loss: .*input1 \(3,\), input2 \(4,\), target \(3,\)"),
    (lambda: F.cosine_embedding_loss(ag.ones(2, 3), ag.ones(2, 3), ag.ones(3)), ValueError,
     r"cosine_embedding_loss: .*target \(3,\)"),
    (lambda: F.triplet_margin_loss(ag.ones(2, 3), ag.ones(2, 3), ag.ones(2, 3), margin=0.0),
     ValueError, "triplet_margin_loss: margin must be greater than 0"),
    (lambda: F.multi_margin_loss(ag.ones(2, 3), ag.tensor([0, 3])), IndexError,
     r"multi_margin_loss: target values must be in \[0, 3\)"),
    (lambda: F.multi_margin_loss(ag.ones(2, 3), ag.tensor([0, 1]), p=3), ValueError,
     "multi_margin_loss: only p == 1 and p == 2"),
    (lambda: F.multilabel_margin_loss(ag.ones(2, 3), ag.tensor([0, 1])), ValueError,
     r"multilabel_margin_loss: input \(2, 3\)"),
    (lambda: F.gaussian_nll_loss(ag.ones(2, 3), ag.ones(2, 3), ag.ones(3, 2)), ValueError,
     r"gaussian_nll_loss: var of shape \(3, 2\)"),
    (lambda: F.gaussian_nll_loss(ag.ones(2), ag.ones(2), -ag.ones(2)), ValueError,
     "gaussian_nll_loss: var has negative entries"),
    (lambda: F.soft_margin_loss(ag.ones(2), ag.ones(2), reduction="avg"), ValueError,
     "soft_margin_loss: reduction must be one of"),
    (lambda: nn.PoissonNLLLoss(reduction="avg"), ValueError, "PoissonNLLLoss: reduction"),
])
def test_errors(call, kind, match):
    with pytest.raises(kind, match=match):
        call()
