"""adaptive_avg_pool3d / adaptive_max_pool3d, max_unpool1d / max_unpool3d and the
``*_with_indices`` names: loop references on drawn sizes (ties and NaN included), gradients
to second order, the layers' attributes and reprs, errors, PyTorch parity."""
from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd as ag
import nn
import nn.functional as F
from autograd.errors import OpError
from autograd.gradcheck import gradcheck, gradgradcheck

SETTINGS = dict(deadline=None, database=None)


def t64(a, requires_grad=True):
    return ag.tensor(np.asarray(a, np.float64), requires_grad=requires_grad)


def _bin(i, n, o):
    return range((i * n) // o, -(-((i + 1) * n) // o))


def ref_adaptive3d(x, out, kind):
    """Loop reference: values and (for max) PyTorch's index, first max / last NaN."""
    n, c = x.shape[:2]
    size = x.shape[2:]
    y = np.zeros((n, c) + out)
    idx = np.zeros((n, c) + out, np.int64)
    for a, b in itertools.product(range(n), range(c)):
        for o in itertools.product(*(range(m) for m in out)):
            cells = list(itertools.product(*(_bin(o[i], size[i], out[i]) for i in range(3))))
            vals = [x[(a, b) + cell] for cell in cells]
            if kind == "avg":
                y[(a, b) + o] = np.mean(vals)
                continue
            best, at = -np.inf, 0
            for k, v in enumerate(vals):
                if v > best or np.isnan(v) or k == 0:
                    best, at = v, k
            d, h, w = cells[at]
            y[(a, b) + o], idx[(a, b) + o] = best, (d * size[1] + h) * size[2] + w
    return y, idx


sizes3 = st.tuples(*(st.integers(1, 5) for _ in range(3)))


@settings(max_examples=25, **SETTINGS)
@given(size=sizes3, out=sizes3, seed=st.integers(0, 2**16), nan=st.booleans())
def test_adaptive_pools_3d_match_loop_reference(size, out, seed, nan):
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 3, (2, 2) + size).astype(np.float64)   # ties in bins
    if nan:
        x.flat[rng.integers(0, x.size, 2)] = np.nan
    y, i = F.adaptive_max_pool3d(t64(x, False), out, return_indices=True)
    want_y, want_i = ref_adaptive3d(x, out, "max")
    np.testing.assert_array_equal(y.numpy(), want_y)
    np.testing.assert_array_equal(i.numpy(), want_i)
    assert i.dtype == np.int64 and not i.requires_grad
    if not nan:
        np.testing.assert_allclose(F.adaptive_avg_pool3d(t64(x, False), out).numpy(),
                                   ref_adaptive3d(x, out, "avg")[0], rtol=1e-12)


@settings(max_examples=6, **SETTINGS)
@given(size=st.tuples(*(st.integers(1, 4) for _ in range(3))),
       out=st.tuples(*(st.integers(1, 3) for _ in range(3))), seed=st.integers(0, 2**16))
def test_adaptive_pools_3d_gradcheck_and_gradgradcheck(size, out, seed):
    x = (t64(np.random.default_rng(seed).uniform(-1, 1, (1, 2) + size)),)  # distinct values
    for f in (lambda a: F.adaptive_max_pool3d(a, out), lambda a: F.adaptive_avg_pool3d(a, out)):
        assert gradcheck(f, x, seed=seed)
        assert gradgradcheck(f, x, seed=seed)


def test_adaptive_3d_worked_numbers_none_sizes_and_unbatched():
    x = ag.arange(24.0).reshape(1, 2, 3, 4)                # one volume (C, D, H, W)
    assert F.adaptive_avg_pool3d(x, 1).flatten().tolist() == [11.5]
    assert F.adaptive_max_pool3d(x, (1, None, 1)).shape == (1, 1, 3, 1)
    assert F.adaptive_max_pool3d(x, (1, None, 1)).flatten().tolist() == [15.0, 19.0, 23.0]
    y, i = F.adaptive_max_pool3d_with_indices(x, 1)
    assert (y.item(), i.item()) == (23.0, 23)
    assert F.adaptive_avg_pool3d(ag.ones(1, 1, 2, 2, 2), (0, 1, 1)).shape == (1, 1, 0, 1, 1)


def test_adaptive_3d_layers():
    m = nn.AdaptiveMaxPool3d((2, None, 3), return_indices=True)
    assert repr(m) == "AdaptiveMaxPool3d(output_size=(2, None, 3))"
    y, i = m(ag.randn(1, 2, 4, 5, 6))
    assert y.shape == i.shape == (1, 2, 2, 5, 3)
    assert repr(nn.AdaptiveAvgPool3d(7)) == "AdaptiveAvgPool3d(output_size=7)"
    assert nn.AdaptiveAvgPool3d((1, 2, 3))(ag.randn(2, 3, 4, 5)).shape == (2, 1, 2, 3)
    assert list(m.state_dict()) == []


@pytest.mark.parametrize("call, err, needle", [
    (lambda: F.adaptive_max_pool3d(ag.ones(2, 3, 4), 2), OpError, r"\(2, 3, 4\)"),
    (lambda: F.adaptive_avg_pool3d(ag.ones(2, 3, 4), 2), OpError, r"\(2, 3, 4\)"),
    (lambda: F.adaptive_max_pool3d(ag.ones(1, 1, 2, 2, 2), (1, 2)), OpError, r"\(1, 2\)"),
    (lambda: F.adaptive_avg_pool3d(ag.ones(1, 1, 2, 2, 2), -1), OpError, "-1"),
    (lambda: F.adaptive_avg_pool3d(ag.ones(1, 1, 0, 2, 2), 1), OpError, "non-zero"),
    (lambda: F.adaptive_avg_pool3d(ag.ones(1, 1, 2, 2, 2, dtype=ag.int64), 1), TypeError,
     "int64"),
])
def test_adaptive_3d_errors(call, err, needle):
    with pytest.raises(err, match=needle):
        call()


# ------------------------------------------------------------------ unpooling
def ref_unpool(x, idx, size):
    lead = x.shape[:-len(size)]
    out = np.zeros(lead + size)
    flat_out = out.reshape(int(np.prod(lead)), -1)
    for r, (vals, ids) in enumerate(zip(x.reshape(len(flat_out), -1),
                                        idx.reshape(len(flat_out), -1))):
        for v, i in zip(vals, ids):
            flat_out[r, i] = v
    return flat_out.reshape(lead + size)


@settings(max_examples=15, **SETTINGS)
@given(nd=st.sampled_from([1, 3]), k=st.integers(1, 3), s=st.integers(1, 3),
       extra=st.integers(0, 2), seed=st.integers(0, 2**16))
def test_max_unpool_puts_each_value_back_at_its_index(nd, k, s, extra, seed):
    rng = np.random.default_rng(seed)
    size = (k + extra,) * nd
    x = rng.standard_normal((2, 2) + size)
    pool = F.max_pool1d if nd == 1 else F.max_pool3d
    unpool = F.max_unpool1d if nd == 1 else F.max_unpool3d
    y, i = pool(t64(x, False), k, s, return_indices=True)
    got = unpool(y, i, k, s, output_size=size)
    np.testing.assert_array_equal(got.numpy(), ref_unpool(y.numpy(), i.numpy(), size))
    if s >= k:  # windows do not overlap: the unpooled values sit where pooling found them
        kept = got.numpy() != 0
        np.testing.assert_array_equal(got.numpy()[kept], x[kept])
        yt = t64(y.numpy())
        assert gradcheck(lambda a: unpool(a, i, k, s, output_size=size), (yt,), seed=seed)
        assert gradgradcheck(lambda a: unpool(a, i, k, s, output_size=size), (yt,), seed=seed)


def test_max_unpool_worked_numbers_and_layers():
    x = ag.tensor([[[1.0, 3.0, 2.0, 0.0, 5.0, 4.0]]])
    y, i = F.max_pool1d(x, 2, return_indices=True)
    assert F.max_unpool1d(y, i, 2).tolist() == [[[0.0, 3.0, 2.0, 0.0, 5.0, 0.0]]]
    assert F.max_unpool1d(y, i, 2, output_size=[7]).shape == (1, 1, 7)
    assert F.max_unpool1d(y[0], i[0], 2).shape == (1, 6)                # unbatched
    m = nn.MaxUnpool1d(2)
    assert (m.kernel_size, m.stride, m.padding) == ((2,), (2,), (0,))
    assert repr(m) == "MaxUnpool1d(kernel_size=(2,), stride=(2,), padding=(0,))"
    m3 = nn.MaxUnpool3d((2, 1, 2), stride=1, padding=(0, 0, 1))
    assert repr(m3) == ("MaxUnpool3d(kernel_size=(2, 1, 2), stride=(1, 1, 1), "
                        "padding=(0, 0, 1))")
    y3, i3 = nn.MaxPool3d(2, return_indices=True)(ag.arange(16.0).reshape(1, 1, 2, 2, 4))
    out = nn.MaxUnpool3d(2)(y3, i3)
    assert out.shape == (1, 1, 2, 2, 4) and out.flatten().tolist()[-1] == 15.0
    assert out.flatten().tolist()[13] == 13.0 and out.sum().item() == 28.0


@pytest.mark.parametrize("call, err, needle", [
    (lambda: F.max_unpool1d(ag.ones(1, 2, 3), ag.tensor([[[0, 1, 9]] * 2]), 2), OpError,
     "invalid max index 9"),
    (lambda: F.max_unpool3d(ag.ones(1, 1, 1, 1, 2), ag.zeros(1, 1, 1, 1, 1, dtype=ag.int64),
                            2), OpError, r"\(1, 1, 1, 1, 1\)"),
    (lambda: F.max_unpool3d(ag.ones(2, 2, 2), ag.zeros(2, 2, 2, dtype=ag.int64), 2), OpError,
     r"\(2, 2, 2\)"),
    (lambda: F.max_unpool1d(ag.ones(1, 1, 3), ag.zeros(1, 1, 3), 2), OpError, "float"),
    (lambda: F.max_unpool1d(ag.ones(1, 1, 3), ag.zeros(1, 1, 3, dtype=ag.int64), 2,
                            output_size=[9]), ValueError, "between 4 and 8"),
])
def test_max_unpool_errors(call, err, needle):
    with pytest.raises(err, match=needle):
        call()


def test_with_indices_names_always_return_the_indices():
    x = ag.randn(1, 2, 4, 4)
    for f, g, args in ((F.max_pool2d_with_indices, F.max_pool2d, (x, 2)),
                       (F.max_pool1d_with_indices, F.max_pool1d, (x[0], 2)),
                       (F.max_pool3d_with_indices, F.max_pool3d, (x.unsqueeze(0), 1)),
                       (F.adaptive_max_pool1d_with_indices, F.adaptive_max_pool1d, (x[0], 3)),
                       (F.adaptive_max_pool2d_with_indices, F.adaptive_max_pool2d, (x, 3)),
                       (F.adaptive_max_pool3d_with_indices, F.adaptive_max_pool3d,
                        (x.unsqueeze(0), 3))):
        y, i = f(*args)
        want_y, want_i = g(*args, return_indices=True)
        np.testing.assert_array_equal(y.numpy(), want_y.numpy())
        np.testing.assert_array_equal(i.numpy(), want_i.numpy())


# ------------------------------------------------------------------ PyTorch parity
def _compare(torch, ours, theirs, x, seed):
    a, b = t64(x), torch.tensor(x, requires_grad=True)
    got, want = ours(a), theirs(b)
    got, want = (got if isinstance(got, tuple) else (got,)), (want if isinstance(want, tuple)
                                                             else (want,))
    for g, w in zip(got, want):
        np.testing.assert_allclose(g.numpy(), w.detach().numpy(), rtol=1e-12, atol=1e-14)
    up = np.random.default_rng(seed).standard_normal(want[0].shape)
    (got[0] * ag.tensor(up)).sum().backward()
    (want[0] * torch.tensor(up)).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-12, atol=1e-14)


@settings(max_examples=10, **SETTINGS)
@given(size=sizes3, out=st.tuples(*(st.one_of(st.none(), st.integers(1, 5)) for _ in range(3))),
       seed=st.integers(0, 2**16))
def test_adaptive_3d_match_pytorch(size, out, seed):
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(seed).integers(-2, 3, (2, 3) + size).astype(np.float64)
    TF = torch.nn.functional
    _compare(torch, lambda a: F.adaptive_max_pool3d(a, out, True),
             lambda b: TF.adaptive_max_pool3d(b, out, True), x, seed)
    _compare(torch, lambda a: F.adaptive_avg_pool3d(a, out),
             lambda b: TF.adaptive_avg_pool3d(b, out), x, seed)


@pytest.mark.parametrize("nd, k, s, p", [(1, 3, 2, 1), (1, 2, None, 0), (3, 3, 2, 1),
                                         (3, (2, 1, 2), None, 0)])
def test_max_unpool_matches_pytorch_also_where_windows_overlap(nd, k, s, p):
    torch = pytest.importorskip("torch")
    TF = torch.nn.functional
    rng = np.random.default_rng(nd)
    size = (9,) if nd == 1 else (5, 4, 5)
    x = torch.tensor(rng.standard_normal((2, 2) + size))
    pool = TF.max_pool1d if nd == 1 else TF.max_pool3d
    y, i = pool(x, k, s, p, return_indices=True)
    ours = nn.MaxUnpool1d(k, s, p) if nd == 1 else nn.MaxUnpool3d(k, s, p)
    theirs = torch.nn.MaxUnpool1d(k, s, p) if nd == 1 else torch.nn.MaxUnpool3d(k, s, p)
    assert repr(ours) == repr(theirs)
    idx = ag.tensor(i.numpy())
    _compare(torch, lambda a: ours(a, idx, output_size=size),
             lambda b: theirs(b, i, output_size=size), y.numpy(), nd)


def test_empty_batch_and_zero_output_sizes_keep_the_graph():
    x = ag.randn(0, 2, 5, 5, 5, requires_grad=True)
    assert F.adaptive_max_pool3d(x, 2).shape == (0, 2, 2, 2, 2)
    assert F.adaptive_avg_pool3d(x, (2, 3, 1)).shape == (0, 2, 2, 3, 1)
    F.adaptive_max_pool3d(x, 2).sum().backward()
    assert x.grad.shape == x.shape
    y = ag.randn(1, 3, 4, 4, 4, requires_grad=True)
    out, idx = F.adaptive_max_pool3d(y, (0, 2, 2), return_indices=True)
    assert out.shape == idx.shape == (1, 3, 0, 2, 2)
    out.sum().backward()
    assert y.grad.tolist() == np.zeros(y.shape).tolist()
