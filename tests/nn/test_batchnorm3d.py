"""BatchNorm3d: batch statistics over (N, D, H, W), running statistics, state_dict."""

import numpy as np
import pytest

import autograd as ag
import nn
from autograd.gradcheck import gradcheck


def _x(seed, shape=(3, 2, 2, 3, 2), dtype=np.float64):
    return np.random.default_rng(seed).normal(1.5, 2.0, shape).astype(dtype)


def test_normalises_each_channel_over_batch_and_volume():
    bn = nn.BatchNorm3d(2)
    xa = _x(0)
    y = bn(ag.tensor(xa)).numpy()
    np.testing.assert_allclose(y.mean(axis=(0, 2, 3, 4)), 0.0, atol=1e-6)
    np.testing.assert_allclose(y.var(axis=(0, 2, 3, 4)), 1.0, atol=1e-4)
    n = xa.size // 2
    expect_rv = 0.9 + 0.1 * xa.var(axis=(0, 2, 3, 4)) * n / (n - 1)  # unbiased, momentum 0.1
    np.testing.assert_allclose(bn.running_var.numpy(), expect_rv, rtol=1e-5)
    np.testing.assert_allclose(bn.running_mean.numpy(), 0.1 * xa.mean(axis=(0, 2, 3, 4)),
                               rtol=1e-5)
    assert bn.num_batches_tracked.item() == 1


def test_momentum_none_is_the_cumulative_average():
    bn = nn.BatchNorm3d(2, momentum=None)
    batches = [_x(s) for s in range(3)]
    for xa in batches:
        bn(ag.tensor(xa))
    means = [xa.mean(axis=(0, 2, 3, 4)) for xa in batches]
    np.testing.assert_allclose(bn.running_mean.numpy(), np.mean(means, axis=0), rtol=1e-5)
    assert bn.num_batches_tracked.item() == 3


def test_state_dict_repr_and_input_check():
    bn = nn.BatchNorm3d(4)
    assert list(bn.state_dict()) == ["weight", "bias", "running_mean", "running_var",
                                     "num_batches_tracked"]
    assert repr(bn) == ("BatchNorm3d(4, eps=1e-05, momentum=0.1, affine=True, bias=True, "
                        "track_running_stats=True)")
    assert list(nn.BatchNorm3d(4, affine=False, track_running_stats=False).state_dict()) == []
    with pytest.raises(ValueError, match="5-D"):
        bn(ag.zeros(2, 4, 3, 3))
    with pytest.raises(ValueError, match="4 channels"):
        bn(ag.zeros(2, 3, 3, 3, 3))


def test_gradcheck_training():
    bn = nn.BatchNorm3d(2).double()
    x = ag.tensor(_x(1, (2, 2, 2, 2, 2)), requires_grad=True)
    assert gradcheck(lambda x, w, b: nn.functional.batch_norm(x, None, None, w, b, True),
                     (x, bn.weight, bn.bias))


@pytest.mark.parametrize("kwargs", [{}, {"momentum": None}, {"affine": False}, {"bias": False},
                                    {"track_running_stats": False}, {"eps": 1e-3,
                                                                     "momentum": 0.3}])
def test_matches_torch_over_several_steps(kwargs):
    torch = pytest.importorskip("torch")
    ours, theirs = nn.BatchNorm3d(3, **kwargs), torch.nn.BatchNorm3d(3, **kwargs)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    if ours.affine:
        w = np.random.default_rng(9).normal(size=(2, 3)).astype(np.float32)
        values = {"weight": w[0], "bias": w[1]} if ours.bias is not None else {"weight": w[0]}
        ours.load_state_dict({**ours.state_dict(), **values})
        theirs.load_state_dict({**theirs.state_dict(),
                                **{k: torch.tensor(v) for k, v in values.items()}})
    for step in range(3):
        xa = _x(step, (2, 3, 2, 3, 2), np.float32)
        x, tx = ag.tensor(xa, requires_grad=True), torch.tensor(xa, requires_grad=True)
        y, ty = ours(x), theirs(tx)
        np.testing.assert_allclose(y.numpy(), ty.detach().numpy(), rtol=1e-4, atol=1e-5)
        g = _x(10 + step, ty.shape, np.float32)
        y.backward(ag.tensor(g))
        ty.backward(torch.tensor(g))
        np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-4, atol=1e-5)
    for key, val in theirs.state_dict().items():
        np.testing.assert_allclose(ours.state_dict()[key].numpy(), val.numpy(), rtol=1e-5,
                                   err_msg=key)
    ours.eval()
    theirs.eval()
    xa = _x(7, (2, 3, 2, 2, 2), np.float32)
    np.testing.assert_allclose(ours(ag.tensor(xa)).numpy(),
                               theirs(torch.tensor(xa)).detach().numpy(), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("make", [lambda m: m.BatchNorm1d(3, bias=False),
                                  lambda m: m.BatchNorm2d(3, affine=False, bias=False),
                                  lambda m: m.GroupNorm(1, 3, bias=False),
                                  lambda m: m.GroupNorm(3, 3, affine=False),
                                  lambda m: m.LayerNorm(3, bias=False),
                                  lambda m: m.LayerNorm(3)])
def test_the_bias_keyword_of_the_norms(make):
    layer = make(nn)
    assert "bias=False" in repr(layer) or layer.bias is not None
    assert ("bias" in layer.state_dict()) == (layer.bias is not None)
    torch = pytest.importorskip("torch")
    theirs = make(torch.nn)
    assert repr(layer) == repr(theirs)
    assert list(layer.state_dict()) == list(theirs.state_dict())
