"""Losses: numpy references, gradients by central differences, PyTorch parity, errors.

Each case in LOSSES is (name, our loss(input, target, **kw), numpy reference,
input maker, target maker, keyword variants). Generic tests walk the table.
"""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd as ag
import nn
import nn.functional as F
from autograd.gradcheck import gradcheck

RNG = np.random.default_rng(0)


def _logsoftmax(x: np.ndarray, axis: int = 1) -> np.ndarray:
    m = x.max(axis=axis, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(axis=axis, keepdims=True))


def _reduce(loss: np.ndarray, reduction: str) -> np.ndarray:
    return {"mean": loss.mean(), "sum": loss.sum(), "none": loss}[reduction]


def _nll_ref(logp, t, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0):
    C = logp.shape[1]
    valid = t != ignore_index
    safe = np.where(valid, t, 0)
    picked = np.take_along_axis(logp, np.expand_dims(safe, 1), axis=1).squeeze(1)
    w = np.ones(C) if weight is None else weight
    wt = w[safe] * valid
    loss = -picked * wt
    if label_smoothing:
        smooth = -(logp * w.reshape((1, C) + (1,) * (logp.ndim - 2))).sum(1) * valid
        loss = (1 - label_smoothing) * loss + label_smoothing / C * smooth
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    return loss.sum() / wt.sum()


def _ce_ref(x, t, **kw):
    if t.dtype.kind == "f":  # probabilities
        s = kw.get("label_smoothing", 0.0)
        C = x.shape[1]
        t = (1 - s) * t + s / C
        w = kw.get("weight")
        w = np.ones(C) if w is None else w
        loss = -(t * _logsoftmax(x) * w.reshape((1, C) + (1,) * (x.ndim - 2))).sum(1)
        return _reduce(loss, kw.get("reduction", "mean"))
    return _nll_ref(_logsoftmax(x), t, **kw)


def _bce_logits_ref(x, y, weight=None, reduction="mean", pos_weight=None):
    pw = 1.0 if pos_weight is None else pos_weight
    log_sig = -np.logaddexp(0, -x)
    log_one_minus = -np.logaddexp(0, x)
    loss = -(pw * y * log_sig + (1 - y) * log_one_minus)
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def _bce_ref(x, y, weight=None, reduction="mean"):
    loss = -(y * np.maximum(np.log(x), -100) + (1 - y) * np.maximum(np.log(1 - x), -100))
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def _huber_ref(x, y, reduction="mean", delta=1.0):
    d = np.abs(x - y)
    return _reduce(np.where(d < delta, 0.5 * d * d, delta * (d - 0.5 * delta)), reduction)


def _smooth_l1_ref(x, y, reduction="mean", beta=1.0):
    d = np.abs(x - y)
    return _reduce(np.where(d < beta, 0.5 * d * d / beta, d - 0.5 * beta), reduction)


def _kl_ref(x, y, reduction="mean", log_target=False):
    if log_target:
        loss = np.exp(y) * (y - x)
    else:
        loss = np.where(y > 0, y * np.log(np.where(y > 0, y, 1.0)), 0.0) - y * x
    if reduction == "batchmean":
        return loss.sum() / x.shape[0]
    return _reduce(loss, reduction)


def _real(*shape):
    return lambda: RNG.standard_normal(shape)


def _prob(*shape):
    return lambda: RNG.uniform(0.05, 0.95, shape)


def _log_prob(*shape):
    return lambda: _logsoftmax(RNG.standard_normal(shape))


def _classes(n, c, *rest):
    return lambda: RNG.integers(0, c, (n,) + rest)


def _dist(*shape):
    def make():
        p = RNG.uniform(0.0, 1.0, shape)
        p[..., 0] = 0.0  # a zero probability: 0 log 0 must count as 0
        return p / p.sum(1, keepdims=True)
    return make


W4 = np.array([0.5, 1.0, 2.0, 1.5])

# name, ours, numpy reference, input maker, target maker, keyword variants
LOSSES = [
    ("mse", F.mse_loss, lambda x, y, reduction="mean": _reduce((x - y) ** 2, reduction),
     _real(3, 4), _real(3, 4), [{}]),
    ("l1", F.l1_loss, lambda x, y, reduction="mean": _reduce(np.abs(x - y), reduction),
     _real(3, 4), _real(3, 4), [{}]),
    ("huber", F.huber_loss, _huber_ref, lambda: 2 * RNG.standard_normal((5, 3)), _real(5, 3),
     [{}, {"delta": 0.5}]),
    ("smooth_l1", F.smooth_l1_loss, _smooth_l1_ref, lambda: 2 * RNG.standard_normal((5, 3)),
     _real(5, 3), [{}, {"beta": 0.3}]),
    ("cross_entropy", F.cross_entropy, _ce_ref, _real(6, 4), _classes(6, 4),
     [{}, {"weight": W4}, {"label_smoothing": 0.2}, {"weight": W4, "label_smoothing": 0.1}]),
    ("cross_entropy_ignore", F.cross_entropy, _ce_ref, _real(6, 4),
     lambda: np.array([0, -100, 3, 2, -100, 1]), [{}, {"weight": W4}]),
    ("cross_entropy_kdim", F.cross_entropy, _ce_ref, _real(2, 4, 3, 2), _classes(2, 4, 3, 2),
     [{}, {"weight": W4}]),
    ("cross_entropy_probs", F.cross_entropy, _ce_ref, _real(5, 4), _dist(5, 4),
     [{}, {"label_smoothing": 0.3}, {"weight": W4}]),
    ("nll", F.nll_loss, _nll_ref, _log_prob(6, 4), _classes(6, 4), [{}, {"weight": W4}]),
    ("nll_ignore", F.nll_loss, _nll_ref, _log_prob(5, 4),
     lambda: np.array([1, 7, 2, 7, 0]), [{"ignore_index": 7}, {"ignore_index": 7, "weight": W4}]),
    ("nll_kdim", F.nll_loss, _nll_ref, lambda: _logsoftmax(RNG.standard_normal((2, 4, 3, 2))),
     _classes(2, 4, 3, 2), [{}, {"weight": W4}]),
    ("bce", F.binary_cross_entropy, _bce_ref, _prob(4, 3), _prob(4, 3),
     [{}, {"weight": np.array([1.0, 2.0, 0.5])}]),
    ("bce_logits", F.binary_cross_entropy_with_logits, _bce_logits_ref,
     lambda: 3 * RNG.standard_normal((4, 3)), _prob(4, 3),
     [{}, {"pos_weight": np.array([2.0, 0.5, 1.0])}, {"weight": np.array([1.0, 2.0, 0.5])}]),
    ("kl_div", F.kl_div, _kl_ref, _log_prob(4, 5), _dist(4, 5),
     [{}, {"reduction": "batchmean"}]),
    ("kl_div_log_target", F.kl_div, _kl_ref, _log_prob(4, 5), _log_prob(4, 5),
     [{"log_target": True}]),
]

REDUCTIONS = ["mean", "sum", "none"]
CASES = [(case, kw) for case in LOSSES for kw in case[5]]
IDS = [f"{c[0]}-{'-'.join(kw) or 'default'}" for c, kw in CASES]
# every case under every reduction (a variant that names its reduction keeps it)
RCASES = [(case, {"reduction": r, **kw}) for case, kw in CASES
          for r in ([kw["reduction"]] if "reduction" in kw else REDUCTIONS)]
RIDS = [f"{c[0]}-{kw['reduction']}-{'-'.join(k for k in kw if k != 'reduction') or 'default'}"
        for c, kw in RCASES]


def _kw_tensors(kw: dict) -> dict:
    return {k: ag.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kw.items()}


def _target(arr: np.ndarray) -> ag.Tensor:
    return ag.tensor(arr)


@pytest.mark.parametrize("case,kw", RCASES, ids=RIDS)
def test_forward_matches_numpy(case, kw):
    name, ours, ref, mk_x, mk_t, _ = case
    x, t = mk_x(), mk_t()
    got = ours(ag.tensor(x), _target(t), **_kw_tensors(kw))
    want = ref(x, t, **kw)
    assert got.dtype == np.float64
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("case,kw", CASES, ids=IDS)
def test_gradient_matches_central_differences(case, kw):
    name, ours, _, mk_x, mk_t, _ = case
    x = ag.tensor(mk_x(), requires_grad=True)
    t = _target(mk_t())
    kwt = _kw_tensors(kw)
    reduction = kwt.pop("reduction", "none")  # 'none' checks every element's gradient
    assert gradcheck(lambda a: ours(a, t, reduction=reduction, **kwt), (x,))


@pytest.mark.parametrize("ours", [F.mse_loss, F.l1_loss, F.huber_loss, F.smooth_l1_loss,
                                  F.binary_cross_entropy_with_logits])
def test_gradient_reaches_float_targets(ours):
    x = ag.tensor(RNG.standard_normal((3, 2)), requires_grad=True)
    t = ag.tensor(RNG.uniform(0.1, 0.9, (3, 2)), requires_grad=True)
    assert gradcheck(lambda a, b: ours(a, b, reduction="sum"), (x, t))


# ---------------------------------------------------------------- PyTorch parity
def _torch_case(name, ours, torch_fn, x, t, kw):
    torch = pytest.importorskip("torch")
    xs = ag.tensor(x, requires_grad=True)
    got = ours(xs, ag.tensor(t), **_kw_tensors(kw))
    got.sum().backward()
    xt = torch.tensor(x, requires_grad=True)
    tt = torch.tensor(t)
    want = torch_fn(xt, tt, **{k: torch.tensor(v) if isinstance(v, np.ndarray) else v
                                for k, v in kw.items()})
    want.sum().backward()
    np.testing.assert_allclose(got.numpy(), want.detach().numpy(), rtol=1e-7, atol=1e-10,
                               err_msg=name)
    np.testing.assert_allclose(xs.grad.numpy(), xt.grad.numpy(), rtol=1e-7, atol=1e-10,
                               err_msg=name)


TORCH_NAMES = {
    "mse": "mse_loss", "l1": "l1_loss", "huber": "huber_loss", "smooth_l1": "smooth_l1_loss",
    "cross_entropy": "cross_entropy", "nll": "nll_loss", "bce": "binary_cross_entropy",
    "bce_logits": "binary_cross_entropy_with_logits", "kl_div": "kl_div",
}


@pytest.mark.filterwarnings("ignore:reduction. 'mean' divides:UserWarning")
@pytest.mark.parametrize("case,kw", RCASES, ids=RIDS)
def test_matches_torch_functional(case, kw):
    torch = pytest.importorskip("torch")
    name, ours, _, mk_x, mk_t, _ = case
    base = next(k for k in sorted(TORCH_NAMES, key=len, reverse=True) if name.startswith(k))
    torch_fn = getattr(torch.nn.functional, TORCH_NAMES[base])
    _torch_case(name, ours, torch_fn, mk_x(), mk_t(), kw)


MODULES = [  # our module, torch module name, kwargs, input, target
    (nn.MSELoss, "MSELoss", {}, _real(4, 3), _real(4, 3)),
    (nn.L1Loss, "L1Loss", {"reduction": "sum"}, _real(4, 3), _real(4, 3)),
    (nn.HuberLoss, "HuberLoss", {"delta": 0.7}, _real(4, 3), _real(4, 3)),
    (nn.SmoothL1Loss, "SmoothL1Loss", {"beta": 0.5}, _real(4, 3), _real(4, 3)),
    (nn.CrossEntropyLoss, "CrossEntropyLoss",
     {"weight": W4, "ignore_index": 1, "label_smoothing": 0.1}, _real(7, 4), _classes(7, 4)),
    (nn.NLLLoss, "NLLLoss", {"weight": W4}, _log_prob(7, 4), _classes(7, 4)),
    (nn.BCELoss, "BCELoss", {}, _prob(5, 2), _prob(5, 2)),
    (nn.BCEWithLogitsLoss, "BCEWithLogitsLoss", {"pos_weight": np.array([3.0, 0.5])},
     _real(5, 2), _prob(5, 2)),
    (nn.KLDivLoss, "KLDivLoss", {"reduction": "batchmean"}, _log_prob(3, 4), _dist(3, 4)),
]


@pytest.mark.parametrize("ours,torch_name,kw,mk_x,mk_t", MODULES, ids=[m[1] for m in MODULES])
def test_loss_modules_match_torch(ours, torch_name, kw, mk_x, mk_t):
    torch = pytest.importorskip("torch")
    crit = ours(**_kw_tensors(kw))
    ref = getattr(torch.nn, torch_name)(**{k: torch.tensor(v) if isinstance(v, np.ndarray)
                                           else v for k, v in kw.items()})
    x, t = mk_x(), mk_t()
    got = crit(ag.tensor(x), ag.tensor(t))
    want = ref(torch.tensor(x), torch.tensor(t))
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-7, atol=1e-10)
    # class weights and pos_weight are buffers, as in PyTorch's state dict
    assert list(crit.state_dict()) == list(ref.state_dict())


# ---------------------------------------------------------------- stability
def test_bce_with_logits_is_finite_for_huge_logits():
    x = ag.tensor([1e4, -1e4, 80.0, -80.0, 0.0], dtype="float32", requires_grad=True)
    y = ag.tensor([0.0, 1.0, 1.0, 0.0, 1.0], dtype="float32")
    loss = F.binary_cross_entropy_with_logits(x, y, reduction="none")
    np.testing.assert_allclose(loss.numpy(), [1e4, 1e4, 0.0, 0.0, np.log(2)], rtol=1e-6,
                               atol=1e-6)
    loss.sum().backward()
    # d/dx = sigmoid(x) - y
    np.testing.assert_allclose(x.grad.numpy(), [1.0, -1.0, 0.0, 0.0, -0.5], atol=1e-6)


def test_cross_entropy_is_finite_for_huge_logits():
    x = ag.tensor([[1000.0, -1000.0, 0.0]], requires_grad=True)
    loss = nn.CrossEntropyLoss()(x, ag.tensor([1]))
    assert np.isclose(loss.item(), 2000.0)
    loss.backward()
    assert np.isfinite(x.grad.numpy()).all()


def test_bce_clamps_log_of_zero_like_pytorch():
    loss = F.binary_cross_entropy(ag.tensor([0.0, 1.0]), ag.tensor([1.0, 0.0]), reduction="none")
    np.testing.assert_allclose(loss.numpy(), [100.0, 100.0], rtol=1e-5)


def test_kl_div_zero_target_contributes_zero_and_finite_grad():
    x = ag.tensor(np.log([[0.5, 0.5]]), requires_grad=True)
    loss = F.kl_div(x, ag.tensor([[0.0, 1.0]]), reduction="sum")
    assert np.isclose(loss.item(), -np.log(0.5))
    loss.backward()
    np.testing.assert_allclose(x.grad.numpy(), [[0.0, -1.0]])


# ---------------------------------------------------------------- errors
ERRORS = [  # call, error type, words the message must contain
    (lambda: F.mse_loss(ag.zeros(3), ag.zeros(3, 1)), ValueError, ["mse_loss", "(3,)", "(3, 1)"]),
    (lambda: nn.L1Loss()(ag.zeros(2, 2), ag.zeros(4)), ValueError, ["l1_loss", "(2, 2)", "(4,)"]),
    (lambda: nn.BCEWithLogitsLoss()(ag.zeros(4, 1), ag.zeros(4)), ValueError,
     ["binary_cross_entropy_with_logits", "(4, 1)", "(4,)"]),
    (lambda: nn.BCELoss()(ag.tensor([1.5]), ag.tensor([1.0])), ValueError, ["between 0 and 1"]),
    (lambda: F.nll_loss(ag.zeros(3, 4), ag.tensor([0, 1])), ValueError,
     ["nll_loss", "(3, 4)", "(2,)"]),
    (lambda: F.nll_loss(ag.zeros(2, 4), ag.tensor([0, 4])), IndexError, ["[0, 4)"]),
    (lambda: F.nll_loss(ag.zeros(2, 4), ag.tensor([0.0, 1.0])), TypeError, ["integers"]),
    (lambda: F.mse_loss(ag.zeros(2), ag.zeros(2), reduction="avg"), ValueError, ["'avg'"]),
    (lambda: nn.MSELoss(reduction="avg"), ValueError, ["MSELoss", "'avg'"]),
    (lambda: nn.CrossEntropyLoss(label_smoothing=1.5), ValueError, ["label_smoothing"]),
    (lambda: F.huber_loss(ag.zeros(2), ag.zeros(2), delta=0.0), ValueError, ["delta"]),
    (lambda: nn.CrossEntropyLoss()(ag.zeros(3, 4), ag.tensor([0, 1])), ValueError,
     ["cross_entropy", "(2,)", "(3, 4)"]),
    (lambda: nn.CrossEntropyLoss()(ag.zeros(3, 4), ag.zeros(3, 5)), ValueError,
     ["cross_entropy", "(3, 5)", "(3, 4)"]),
    (lambda: nn.CrossEntropyLoss()(ag.zeros(3, 4), ag.tensor([0, 1, 7])), IndexError, ["7"]),
]


@pytest.mark.parametrize("call,exc,words", ERRORS)
def test_errors_name_the_loss_and_shapes(call, exc, words):
    with pytest.raises(exc) as info:
        call()
    for w in words:
        assert w in str(info.value)


def test_nll_with_every_target_ignored_is_nan_like_pytorch():
    loss = F.nll_loss(ag.zeros(2, 3), ag.tensor([-100, -100]))
    assert np.isnan(loss.item())


def test_one_hot_and_losses_keep_float32():
    logits = ag.randn(4, 3, requires_grad=True)
    target = F.one_hot(ag.tensor([0, 2, 1, 2]), 3)
    assert target.dtype == np.int64 and target.numpy().sum() == 4
    loss = F.cross_entropy(logits, target.float())
    assert loss.dtype == np.float32
    loss.backward()
    assert logits.grad.dtype == np.float32


# ---------------------------------------------------------------- properties
ELEMENTWISE = [F.mse_loss, F.l1_loss, F.huber_loss, F.smooth_l1_loss,
               F.binary_cross_entropy_with_logits]


@settings(max_examples=30, deadline=None)
@given(shape=st.lists(st.integers(1, 4), min_size=0, max_size=3),
       which=st.integers(0, len(ELEMENTWISE) - 1), seed=st.integers(0, 2 ** 16))
def test_reductions_agree_for_any_shape(shape, which, seed):
    loss = ELEMENTWISE[which]
    rng = np.random.default_rng(seed)
    x = ag.tensor(rng.standard_normal(shape), requires_grad=True)
    y = ag.tensor(rng.uniform(0, 1, shape))
    none = loss(x, y, reduction="none")
    assert none.shape == tuple(shape)
    np.testing.assert_allclose(loss(x, y, reduction="sum").numpy(), none.numpy().sum())
    np.testing.assert_allclose(loss(x, y, reduction="mean").numpy(), none.numpy().mean())
    assert gradcheck(lambda a: loss(a, y, reduction="mean"), (x,))


@settings(max_examples=20, deadline=None)
@given(n=st.integers(1, 5), c=st.integers(2, 5), extra=st.lists(st.integers(1, 3), max_size=2),
       smoothing=st.sampled_from([0.0, 0.25]), seed=st.integers(0, 2 ** 16))
def test_cross_entropy_equals_nll_of_log_softmax(n, c, extra, smoothing, seed):
    rng = np.random.default_rng(seed)
    x = ag.tensor(rng.standard_normal([n, c] + extra))
    t = ag.tensor(rng.integers(0, c, [n] + extra))
    ce = F.cross_entropy(x, t, reduction="none")
    nll = F.nll_loss(F.log_softmax(x, dim=1), t, reduction="none")
    np.testing.assert_allclose(ce.numpy(), nll.numpy(), rtol=1e-12, atol=1e-12)
    if smoothing:
        got = F.cross_entropy(x, t, label_smoothing=smoothing, reduction="sum").item()
        soft = F.one_hot(t, c).numpy().astype(float) * (1 - smoothing) + smoothing / c
        soft = np.moveaxis(soft, -1, 1)  # class dim second, like the logits
        want = F.cross_entropy(x, ag.tensor(soft), reduction="sum").item()
        assert got == pytest.approx(want, rel=1e-12)


def test_unbatched_inputs_match_torch():
    torch = pytest.importorskip("torch")
    x = RNG.standard_normal(4)
    for ours, theirs, inp in [(F.cross_entropy, torch.nn.functional.cross_entropy, x),
                              (F.nll_loss, torch.nn.functional.nll_loss, _logsoftmax(x, 0))]:
        a = ag.tensor(inp, requires_grad=True)
        t = torch.tensor(inp, requires_grad=True)
        got, want = ours(a, ag.tensor(2)), theirs(t, torch.tensor(2))
        got.backward()
        want.backward()
        assert got.item() == pytest.approx(want.item(), rel=1e-12)
        np.testing.assert_allclose(a.grad.numpy(), t.grad.numpy(), rtol=1e-12)
