"""Reductions and the softmax family: the table and its walks."""
import numpy as np
import pytest
from hypothesis import strategies as st

import autograd as ag
from autograd.testing import Input
from tests.autograd.opspec import Nan, OpSpec, torch_walk, walk
from tests.autograd.rows_reduce import ROWS as MORE_ROWS
from tests.robustness import bad_op_cases as bad


def _np_softmax(x, d):
    e = np.exp(x - x.max(axis=d, keepdims=True))
    return e / e.sum(axis=d, keepdims=True)


def _np_lse(x, d):
    m = x.max(axis=d, keepdims=True)
    return np.squeeze(np.log(np.exp(x - m).sum(axis=d, keepdims=True)) + m, d)


def _dim_op(name, fn, ref, not_int=False, empty=None, **kw):
    """A reduction over ``dim``: out-of-range dims are refused, as is a non-Tensor."""
    extra = (("dim-not-int", bad.dim_not_int),) if not_int else ()
    return OpSpec(name, fn, ref, bad=bad.DIM_BAD + extra,
                  nan=Nan(ag.REGISTRY[name], empty=empty), non_tensor=(), **kw)


NONEMPTY = dict(min_side=1, min_dims=1)
# values far apart so max/min have no ties (ties are tested on their own)
DISTINCT = st.integers(1, 4).map(lambda n: (n, 3))
_T = np.array([0, 2, 1, 2])  # class indices for the cross-entropy row

TABLE = [
    _dim_op("sum", ag.sum, np.sum, not_int=True, torch="sum"),
    OpSpec("sum", lambda x: ag.sum(x, -1, keepdim=True), lambda x: x.sum(-1, keepdims=True),
           kw=dict(min_dims=1), torch=lambda T, x: T.sum(x, -1, keepdim=True),
           bad=(("repeated-dims", bad.fixed(bad.dims_repeated)),)),
    OpSpec("sum", lambda x: ag.sum(x, axis=(0, 1)), lambda x: x.sum(axis=(0, 1)),
           kw=dict(min_dims=2), torch=lambda T, x: T.sum(x, (0, 1))),
    _dim_op("mean", ag.mean, np.mean, not_int=True, kw=dict(min_side=1), torch="mean"),
    OpSpec("mean", lambda x: ag.mean(x, 0), lambda x: x.mean(0), kw=NONEMPTY,
           torch=lambda T, x: T.mean(x, 0)),
    _dim_op("var", ag.var, lambda x: x.var(ddof=1), kw=dict(min_dims=1, min_side=2),
            torch="var"),
    OpSpec("var", lambda x: ag.var(x, 0, correction=0, keepdim=True),
           lambda x: x.var(0, keepdims=True), kw=NONEMPTY,
           torch=lambda T, x: T.var(x, 0, correction=0, keepdim=True)),
    _dim_op("std", lambda x: ag.std(x, -1), lambda x: x.std(-1, ddof=1),
            kw=dict(min_dims=1, min_side=2), torch=lambda T, x: T.std(x, -1)),
    _dim_op("max", ag.max, np.max, not_int=True, empty=False, kw=NONEMPTY, torch="max"),
    OpSpec("max", lambda x: ag.max(x, 1).values, lambda x: x.max(1), (Input(DISTINCT),),
           torch=lambda T, x: T.max(x, 1).values),
    _dim_op("min", ag.min, np.min, empty=False, kw=NONEMPTY, torch="min"),
    OpSpec("min", lambda x: ag.min(x, -1, keepdim=True).values,
           lambda x: x.min(-1, keepdims=True), (Input(DISTINCT),),
           torch=lambda T, x: T.min(x, -1, keepdim=True).values),
    _dim_op("logsumexp", lambda x: ag.logsumexp(x, -1), lambda x: _np_lse(x, -1), kw=NONEMPTY,
            torch=lambda T, x: T.logsumexp(x, -1)),
    _dim_op("softmax", lambda x: ag.softmax(x, -1), lambda x: _np_softmax(x, -1), not_int=True,
            kw=NONEMPTY, torch=lambda T, x: T.softmax(x, -1)),
    OpSpec("softmax", lambda x: ag.softmax(x, 0), lambda x: _np_softmax(x, 0), kw=NONEMPTY,
           torch=lambda T, x: T.softmax(x, 0)),
    _dim_op("log_softmax", lambda x: ag.log_softmax(x, -1),
            lambda x: np.log(_np_softmax(x, -1)), kw=NONEMPTY,
            torch=lambda T, x: T.log_softmax(x, -1)),
    OpSpec("sum_to", lambda x: ag.sum_to(x, (1, 3)), lambda x: x.sum(0, keepdims=True),
           (Input((4, 3)),), torch=lambda T, x: x.sum_to_size(1, 3),
           bad=(("shape", bad.fixed(bad.sum_to_shape)),),
           nan=Nan(lambda x: ag.sum_to(x, (4,)), empty=False)),
    OpSpec("cross_entropy", lambda z: ag.cross_entropy(z, _T), lambda z: _np_ce(z, _T),
           (Input((4, 3)),),
           torch=lambda T, z: T.nn.functional.cross_entropy(z, T.as_tensor(_T)),
           bad=tuple((k, bad.fixed(bad.cross_entropy(k))) for k in (
               "batch", "class", "prob", "weight", "reduction", "smoothing", "rank")),
           nan=Nan(lambda x: ag.cross_entropy(x, ag.tensor([0, 1, 2])), empty=False)),
] + MORE_ROWS  # prod, scans, amax, median, norm, ... (tests/autograd/rows_reduce.py)


@pytest.mark.parametrize("spec", TABLE, ids=str)
def test_op(spec):
    walk(spec)


@pytest.mark.parametrize("spec", [s for s in TABLE if s.torch], ids=str)
def test_pytorch_parity(spec):
    torch_walk(spec)


def _np_ce(z, t, w=None, smooth=0.0, reduction="mean", ignore=-100):
    c = z.shape[1]
    logp = np.log(_np_softmax(z, 1))
    w = np.ones(c) if w is None else w
    losses, weights = [], []
    for i, ti in enumerate(t):
        if ti == ignore:
            losses.append(0.0)
            weights.append(0.0)
            continue
        q = np.full(c, smooth / c)
        q[ti] += 1 - smooth
        losses.append(-(q * w * logp[i]).sum())
        weights.append(w[ti])
    losses = np.array(losses)
    if reduction == "none":
        return losses
    return losses.sum() / (np.sum(weights) if reduction == "mean" else 1)


CE = [  # the plain call is the table's row
    dict(reduction="sum"),
    dict(reduction="none"),
    dict(label_smoothing=0.2),
    dict(weight=np.array([0.2, 1.0, 3.0])),
    dict(weight=np.array([0.5, 1.0, 2.0]), label_smoothing=0.1, reduction="sum"),
]


@pytest.mark.parametrize("kw", CE, ids=str)
def test_cross_entropy_indices(kw):
    t = np.array([0, 2, 1, 2])
    ref_kw = {("w" if k == "weight" else "smooth" if k == "label_smoothing" else k): v
              for k, v in kw.items()}
    spec = OpSpec("cross_entropy", lambda z: ag.cross_entropy(z, t, **kw),
                  lambda z: _np_cross(z, t, ref_kw), (Input((4, 3)),))
    walk(spec)


def _np_cross(z, t, kw):
    return _np_ce(z, t, **kw)


def test_cross_entropy_probabilities_and_spatial():
    rng = np.random.default_rng(0)
    q = _np_softmax(rng.normal(size=(2, 3, 4)), 1)
    walk(OpSpec("cross_entropy", lambda z: ag.cross_entropy(z, q),
                lambda z: -(q * np.log(_np_softmax(z, 1))).sum(1).mean(), (Input((2, 3, 4)),)))
    t = rng.integers(0, 3, size=(2, 4))
    t[0, 1] = -100
    ref = (lambda z: _np_ce(np.moveaxis(z, 1, -1).reshape(-1, 3), t.reshape(-1)))
    walk(OpSpec("cross_entropy", lambda z: ag.cross_entropy(z, t), ref, (Input((2, 3, 4)),)))


def test_cross_entropy_gradient_is_softmax_minus_target():
    z = ag.tensor(np.random.default_rng(1).normal(size=(5, 4)), requires_grad=True)
    t = np.array([0, 1, 2, 3, 0])
    ag.cross_entropy(z, t, reduction="sum").backward()
    expected = _np_softmax(z.array, 1) - np.eye(4)[t]
    np.testing.assert_allclose(z.grad.array, expected, atol=1e-12)


@pytest.mark.parametrize("big", [1e4, -1e4])
def test_softmax_family_finite_at_1e4(big):
    z = ag.tensor([[big, 0.0, -big]], dtype="float64", requires_grad=True)
    for out in (ag.softmax(z, 1), ag.log_softmax(z, 1), ag.logsumexp(z, 1),
                ag.cross_entropy(z, [2])):
        assert np.isfinite(out.array).all()
        z.grad = None
        out.sum().backward()
        assert np.isfinite(z.grad.array).all()


def test_max_ties_full_splits_dim_picks_one():
    x = ag.tensor([[3.0, 3.0, 1.0]], requires_grad=True)
    x.max().backward()
    assert x.grad.tolist() == [[0.5, 0.5, 0.0]]
    x.grad = None
    x.max(dim=1).values.sum().backward()
    assert sorted(x.grad.tolist()[0]) == [0.0, 0.0, 1.0]


def test_reduce_errors():
    with pytest.raises(IndexError, match="sum: dim 2 is out of range"):
        ag.ones(2, 3).sum(2)
    with pytest.raises(ValueError, match="max: cannot reduce an empty tensor of shape"):
        ag.zeros(0, 3).max()
    with pytest.raises(ValueError, match=r"cross_entropy: index target of shape \(3,\)"):
        ag.cross_entropy(ag.zeros(2, 4), [0, 1, 2])
    with pytest.raises(IndexError, match="target 7 is out of range for 4 classes"):
        ag.cross_entropy(ag.zeros(2, 4), [0, 7])


def test_numpy_aliases():
    x = ag.tensor(np.arange(6.0).reshape(2, 3))
    assert x.sum(axis=1, keepdims=True).shape == (2, 1)
    assert x.mean(axis=0).tolist() == [1.5, 2.5, 3.5]


def test_axis_and_keepdims_aliases_of_the_other_reductions():
    x = ag.tensor([[1.0, 3.0, 2.0], [5.0, 0.0, 4.0]])
    s, m = ag.std_mean(x, axis=(0, 1))
    assert round(s.item(), 4) == 1.8708 and m.item() == 2.5
    v, m = ag.var_mean(x, axis=1, keepdims=True, correction=0)
    assert v.shape == (2, 1) and [round(a, 4) for a in v.flatten().tolist()] == [0.6667, 4.6667]
    assert ag.argmax(x, axis=1, keepdims=True).tolist() == [[1], [0]]
    assert ag.argmin(x, axis=0).tolist() == [0, 1, 0]
    assert ag.nansum(x, axis=0).tolist() == [6.0, 3.0, 6.0]
    assert ag.nanmean(x, axis=1, keepdims=True).tolist() == [[2.0], [3.0]]
    assert ag.count_nonzero(x, axis=(0, 1)).item() == 5
    assert ag.aminmax(x, axis=1).max.tolist() == [3.0, 5.0]
    with pytest.raises(TypeError, match="std_mean: give dim or axis, not both"):
        ag.std_mean(x, 0, axis=1)


def test_std_mean_with_no_degrees_of_freedom_warns_and_gives_nan():
    x = ag.zeros(1, 0, 3, 0, 5)
    with pytest.warns(UserWarning, match=r"std_mean\(\): degrees of freedom is <= 0"):
        s, m = ag.std_mean(x, axis=(1, 3))
    assert s.shape == m.shape == (1, 3, 5)
    assert np.isnan(s.numpy()).all() and np.isnan(m.numpy()).all()
    with pytest.warns(UserWarning, match=r"var_mean\(\): degrees of freedom"):
        v, m = ag.var_mean(ag.ones(3, 1), 1)
    assert np.isnan(v.numpy()).all() and m.tolist() == [1.0, 1.0, 1.0]


def test_std_mean_aliases_match_pytorch():
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(0).standard_normal((3, 4, 5, 2))
    for name, kw in (("std_mean", dict(axis=(1, 2))), ("var_mean", dict(axis=-1, keepdims=True)),
                     ("std_mean", dict(axis=(1, 3), correction=0))):
        mine = getattr(ag, name)(ag.tensor(x), **kw)
        theirs = getattr(torch, name)(torch.tensor(x), **kw)
        for a, b in zip(mine, theirs):
            np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-12)
    with pytest.warns(UserWarning):
        theirs = torch.std_mean(torch.zeros(1, 0, 3, 0, 5), axis=(1, 3))
    with pytest.warns(UserWarning):
        mine = ag.std_mean(ag.zeros(1, 0, 3, 0, 5), axis=(1, 3))
    for a, b in zip(mine, theirs):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


SCAN_SORT_AXIS = [  # the scan and ordering ops PyTorch also lets a caller give ``axis``:
    # (the call with axis=, the same call with dim=)
    (lambda L, x: L.median(x, axis=1), lambda L, x: L.median(x, dim=1)),
    (lambda L, x: L.nanmedian(x, axis=0, keepdims=True),
     lambda L, x: L.nanmedian(x, dim=0, keepdim=True)),
    (lambda L, x: L.kthvalue(x, 2, axis=1, keepdims=True),
     lambda L, x: L.kthvalue(x, 2, dim=1, keepdim=True)),
    (lambda L, x: L.sort(x, axis=0, descending=True), lambda L, x: L.sort(x, 0, True)),
    (lambda L, x: L.argsort(x, axis=0), lambda L, x: L.argsort(x, 0)),
    (lambda L, x: L.topk(x, 2, axis=0), lambda L, x: L.topk(x, 2, 0)),
    (lambda L, x: L.cumsum(x, axis=1), lambda L, x: L.cumsum(x, 1)),
    (lambda L, x: L.cumprod(x, axis=0), lambda L, x: L.cumprod(x, 0)),
    (lambda L, x: L.cummax(x, axis=0), lambda L, x: L.cummax(x, 0)),
    (lambda L, x: L.cummin(x, axis=0), lambda L, x: L.cummin(x, 0)),
    (lambda L, x: L.logcumsumexp(x, axis=0), lambda L, x: L.logcumsumexp(x, 0)),
    (lambda L, x: x.cumsum(axis=0) + x.sort(axis=0)[0] + x.cummax(axis=0)[0],
     lambda L, x: x.cumsum(0) + x.sort(0)[0] + x.cummax(0)[0]),
]
AXIS_X = np.array([[3.0, 1.0, 2.0, 5.0], [0.5, 4.0, -1.0, 2.5], [2.0, 2.0, 7.0, -3.0]])


def _first(out):
    return out[0] if isinstance(out, tuple) else out


@pytest.mark.parametrize("case", range(len(SCAN_SORT_AXIS)))
def test_scan_and_sort_accept_axis_as_dim(case):
    by_axis, by_dim = SCAN_SORT_AXIS[case]
    x = ag.tensor(AXIS_X)
    np.testing.assert_array_equal(_first(by_axis(ag, x)).numpy(), _first(by_dim(ag, x)).numpy())
    with pytest.raises(TypeError, match="dim or axis"):
        ag.cumsum(x, dim=0, axis=1)


@pytest.mark.parametrize("case", range(len(SCAN_SORT_AXIS)))
def test_scan_and_sort_axis_match_torch(case):
    torch = pytest.importorskip("torch")
    by_axis = SCAN_SORT_AXIS[case][0]
    ours = _first(by_axis(ag, ag.tensor(AXIS_X))).numpy()
    theirs = _first(by_axis(torch, torch.tensor(AXIS_X))).numpy()
    np.testing.assert_allclose(ours, theirs)
