"""F.rms_norm and nn.RMSNorm: worked numbers, the default eps per dtype, gradients to second
order on drawn shapes, the module's attributes / repr / state_dict, errors, PyTorch parity."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd as ag
import nn
import nn.functional as F
from autograd.errors import OpError
from autograd.gradcheck import gradcheck, gradgradcheck


def ref_rms_norm(x, k, w=None, eps=None):
    eps = np.finfo(x.dtype).eps if eps is None else eps
    axes = tuple(range(x.ndim - k, x.ndim))
    y = x / np.sqrt(np.mean(x * x, axis=axes, keepdims=True) + eps)
    return y if w is None else y * w


def test_worked_numbers():
    # rms of (3, 4) is sqrt(12.5); with a gain (1, 2)
    y = F.rms_norm(ag.tensor([[3.0, 4.0]], dtype=ag.float64), [2], ag.tensor([1.0, 2.0],
                   dtype=ag.float64), eps=0.0)
    np.testing.assert_allclose(y.numpy(), [[3 / 12.5 ** 0.5, 8 / 12.5 ** 0.5]], rtol=1e-15)
    # a row of zeros stays zero (eps keeps the root finite)
    assert F.rms_norm(ag.zeros(2, 3), 3).tolist() == [[0.0] * 3] * 2


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_default_eps_is_the_machine_epsilon_of_the_dtype(dtype):
    x = np.full((1, 4), 1e-4, dtype)                 # mean square 1e-8, comparable to eps
    got = F.rms_norm(ag.tensor(x), 4).numpy()
    np.testing.assert_allclose(got, ref_rms_norm(x, 1, eps=np.finfo(dtype).eps), rtol=1e-6)
    assert got.dtype == dtype
    assert not np.allclose(got, ref_rms_norm(x, 1, eps=1e-5), rtol=1e-3)


@settings(max_examples=8, deadline=None, database=None)
@given(lead=st.lists(st.integers(1, 3), max_size=2), norm=st.lists(st.integers(1, 3),
       min_size=1, max_size=2), affine=st.booleans(), seed=st.integers(0, 2**16))
def test_forward_gradcheck_and_gradgradcheck(lead, norm, affine, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(tuple(lead) + tuple(norm))
    w = rng.standard_normal(tuple(norm))
    args = (ag.tensor(x, requires_grad=True),) + ((ag.tensor(w, requires_grad=True),)
                                                  if affine else ())

    def f(a, *wt):
        return F.rms_norm(a, norm, wt[0] if wt else None, eps=1e-6)

    np.testing.assert_allclose(f(*args).numpy(), ref_rms_norm(x, len(norm), w if affine
                                                              else None, 1e-6), rtol=1e-12)
    assert gradcheck(f, args, seed=seed)
    assert gradgradcheck(f, args, seed=seed)


def test_module_attributes_repr_and_state_dict():
    m = nn.RMSNorm([2, 3])
    assert m.normalized_shape == (2, 3) and m.eps is None and m.elementwise_affine
    assert repr(m) == "RMSNorm((2, 3), eps=None, elementwise_affine=True)"
    assert list(m.state_dict()) == ["weight"] and m.weight.shape == (2, 3)
    assert m.weight.dtype == np.float32 and (m.weight.numpy() == 1).all()
    m2 = nn.RMSNorm(4, eps=1e-5, elementwise_affine=False, dtype=ag.float64)
    assert repr(m2) == "RMSNorm((4,), eps=1e-05, elementwise_affine=False)"
    assert m2.weight is None and list(m2.state_dict()) == []
    m.weight.data.fill_(3.0)
    m.reset_parameters()
    assert (m.weight.numpy() == 1).all()
    y = m(ag.ones(5, 2, 3))
    y.sum().backward()
    assert m.weight.grad.shape == (2, 3)


@pytest.mark.parametrize("call, err, needle", [
    (lambda: F.rms_norm(ag.ones(2, 3), [4]), OpError, r"normalized_shape=\(4,\).*\(2, 3\)"),
    (lambda: F.rms_norm(ag.ones(3), [2, 3]), OpError, "normalized_shape"),
    (lambda: F.rms_norm(ag.ones(2, 3), [3], ag.ones(4)), OpError, r"weight of shape \(4,\)"),
    (lambda: F.rms_norm(ag.ones(2, 3), []), OpError, "at least one element"),
    (lambda: F.rms_norm(ag.ones(2, 3, dtype=ag.int64), [3]), NotImplementedError, "int64"),
    (lambda: nn.RMSNorm(-2), ValueError, "-2"),
])
def test_errors(call, err, needle):
    with pytest.raises(err, match=needle):
        call()


def test_matches_pytorch_with_copied_weights():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    for dtype, eps in ((np.float32, None), (np.float64, None), (np.float32, 1e-3)):
        x = rng.standard_normal((4, 3, 5)).astype(dtype)
        ours, theirs = nn.RMSNorm([3, 5], eps=eps, dtype=dtype), torch.nn.RMSNorm(
            [3, 5], eps=eps, dtype=getattr(torch, np.dtype(dtype).name))
        w = rng.standard_normal((3, 5)).astype(dtype)
        ours.load_state_dict({"weight": ag.tensor(w)})
        theirs.load_state_dict({"weight": torch.tensor(w)})
        a, b = ag.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        ya, yb = ours(a), theirs(b)
        assert repr(ours) == repr(theirs) and ya.dtype == np.dtype(dtype)
        tol = 1e-6 if dtype == np.float32 else 1e-12
        np.testing.assert_allclose(ya.numpy(), yb.detach().numpy(), rtol=tol, atol=tol)
        g = rng.standard_normal(x.shape).astype(dtype)
        (ya * ag.tensor(g)).sum().backward()
        (yb * torch.tensor(g)).sum().backward()
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=10 * tol, atol=10 * tol)
        np.testing.assert_allclose(ours.weight.grad.numpy(), theirs.weight.grad.numpy(),
                                   rtol=10 * tol, atol=10 * tol)
