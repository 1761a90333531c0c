"""Conv3d, ConvTranspose3d, MaxPool3d, AvgPool3d layers; trilinear interpolate and Upsample;
bilinear interpolate of uint8 images (PyTorch's integer rounding)."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd as ag
import nn
import nn.functional as F
from autograd.gradcheck import gradcheck, gradgradcheck
from tests.autograd.rows_conv3d import ref_conv3d

SETTINGS = dict(deadline=None, database=None)


# ------------------------------------------------------------------- layers
def test_conv3d_layer_shapes_init_state_dict_and_repr():
    ag.manual_seed(0)
    m = nn.Conv3d(4, 6, (1, 2, 3), stride=2, padding=1, groups=2)
    assert m.weight.shape == (6, 2, 1, 2, 3) and m.bias.shape == (6,)
    bound = 1 / math.sqrt(2 * 1 * 2 * 3)               # PyTorch's default: U(+-1/sqrt(fan_in))
    assert np.abs(m.weight.array).max() <= bound and np.abs(m.bias.array).max() <= bound
    assert m.weight.array.std() > bound / 3            # spread over the range, not zeros
    assert list(m.state_dict()) == ["weight", "bias"]
    assert repr(m) == ("Conv3d(4, 6, kernel_size=(1, 2, 3), stride=(2, 2, 2), "
                       "padding=(1, 1, 1), groups=2)")
    x = ag.randn(2, 4, 5, 6, 7)
    assert m(x).shape == (2, 6, 4, 4, 4)
    want = ref_conv3d(x.numpy().astype(np.float64), m.weight.numpy().astype(np.float64),
                      m.bias.numpy(), 2, 1, 1, 2)
    np.testing.assert_allclose(m(x).numpy(), want, rtol=1e-4, atol=1e-5)
    assert m(ag.randn(4, 5, 6, 7)).shape == (6, 4, 4, 4)          # unbatched


def test_conv_transpose3d_layer_and_output_size():
    m = nn.ConvTranspose3d(4, 2, 3, stride=2, padding=1, bias=False)
    assert m.weight.shape == (4, 2, 3, 3, 3) and m.bias is None
    assert repr(m) == "ConvTranspose3d(4, 2, kernel_size=(3, 3, 3), stride=(2, 2, 2), " \
                      "padding=(1, 1, 1), bias=False)"
    x = ag.randn(1, 4, 3, 4, 5)
    assert m(x).shape == (1, 2, 5, 7, 9)
    assert m(x, output_size=(6, 8, 9)).shape == (1, 2, 6, 8, 9)
    with pytest.raises(ValueError, match=r"requested output size \(8, 8, 9\) is not reachable"):
        m(x, output_size=(8, 8, 9))


def test_pool_layers_and_repr():
    x = ag.arange(64.0).reshape(1, 1, 4, 4, 4)
    mp = nn.MaxPool3d(2)
    assert repr(mp) == "MaxPool3d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)"
    np.testing.assert_array_equal(mp(x).numpy().ravel(), [21, 23, 29, 31, 53, 55, 61, 63])
    out, idx = nn.MaxPool3d(2, return_indices=True)(x)
    np.testing.assert_array_equal(idx.numpy(), out.numpy().astype(np.int64))
    ap = nn.AvgPool3d(2, stride=(1, 2, 2))
    assert repr(ap) == "AvgPool3d(kernel_size=2, stride=(1, 2, 2), padding=0)"
    assert ap(x).shape == (1, 1, 3, 2, 2)
    assert ap(x).numpy()[0, 0, 0, 0, 0] == np.mean([0, 1, 4, 5, 16, 17, 20, 21])


@pytest.mark.parametrize("make,shape", [
    (lambda: nn.Conv3d(2, 3, 2, padding=1, dilation=(1, 2, 1), dtype=np.float64), (2, 2, 3, 4, 3)),
    (lambda: nn.ConvTranspose3d(2, 4, 2, stride=2, groups=2, dtype=np.float64), (1, 2, 2, 3, 2)),
    (lambda: nn.MaxPool3d(3, 2, 1, ceil_mode=True), (2, 2, 4, 5, 3)),
    (lambda: nn.AvgPool3d(3, 2, 1, count_include_pad=False), (2, 2, 4, 5, 3)),
])
def test_layers_match_pytorch_with_the_same_weights(make, shape):
    torch = pytest.importorskip("torch")
    m = make()
    cls = getattr(torch.nn, type(m).__name__)
    kwargs = {k: getattr(m, k) for k in ("kernel_size", "stride", "padding", "dilation",
                                         "groups", "ceil_mode", "count_include_pad")
              if hasattr(m, k)}
    if hasattr(m, "in_channels"):
        tm = cls(m.in_channels, m.out_channels, dtype=torch.float64, **kwargs)
        tm.load_state_dict({k: torch.tensor(v.numpy()) for k, v in m.state_dict().items()})
    else:
        tm = cls(**kwargs)
    x = np.random.default_rng(0).normal(size=shape)
    ours, theirs = ag.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    y, yt = m(ours), tm(theirs)
    np.testing.assert_allclose(y.numpy(), yt.detach().numpy(), rtol=1e-10, atol=1e-12)
    y.sum().backward()
    yt.sum().backward()
    np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_functional_and_top_level_names():
    assert F.conv3d is ag.conv3d and F.conv_transpose3d is ag.conv_transpose3d
    assert F.max_pool3d is ag.max_pool3d and F.avg_pool3d is ag.avg_pool3d


# ------------------------------------------------------------------ trilinear
def _linear_volume():
    """f(d, h, w) = 4d + 2h + w on a 2x2x2 grid: linear, so interpolation reproduces it."""
    return ag.arange(8.0, dtype=ag.float64).reshape(1, 1, 2, 2, 2)


def test_trilinear_aligned_corners_reproduces_a_linear_function():
    y = F.interpolate(_linear_volume(), size=(3, 3, 3), mode="trilinear", align_corners=True)
    c = np.arange(3) / 2                                           # source coordinates 0, .5, 1
    want = 4 * c[:, None, None] + 2 * c[None, :, None] + c[None, None, :]
    np.testing.assert_allclose(y.numpy()[0, 0], want, rtol=1e-12)


def test_trilinear_half_pixel_coordinates():
    y = F.interpolate(_linear_volume(), scale_factor=2, mode="trilinear")
    c = np.array([0.0, 0.25, 0.75, 1.0])       # (i + 0.5) / 2 - 0.5, clamped to [0, 1]
    want = 4 * c[:, None, None] + 2 * c[None, :, None] + c[None, None, :]
    assert y.shape == (1, 1, 4, 4, 4)
    np.testing.assert_allclose(y.numpy()[0, 0], want, rtol=1e-12)


def test_trilinear_gradients_and_upsample_module():
    x = ag.tensor(np.random.default_rng(1).normal(size=(1, 2, 2, 3, 2)), requires_grad=True)
    for ac in (False, True):
        def f(a, ac=ac):
            return F.interpolate(a, size=(3, 4, 3), mode="trilinear", align_corners=ac)
        assert gradcheck(f, (x,)) and gradgradcheck(f, (x,))
    # the gradient sums the weights each input voxel gives out: 27*8/8 per voxel when
    # a 2x2x2 volume is resized to 3x3x3 with aligned corners and summed
    v = ag.ones(1, 1, 2, 2, 2, dtype=ag.float64, requires_grad=True)
    F.interpolate(v, size=3, mode="trilinear", align_corners=True).sum().backward()
    np.testing.assert_allclose(v.grad.numpy(), np.full((1, 1, 2, 2, 2), 27 / 8))
    up = nn.Upsample(scale_factor=2, mode="trilinear")
    assert up(ag.randn(1, 2, 2, 3, 4)).shape == (1, 2, 4, 6, 8)
    assert repr(up) == "Upsample(scale_factor=2.0, mode='trilinear')"


def test_trilinear_refuses_other_ranks():
    with pytest.raises(ValueError, match=r"mode 'trilinear' expects a 5-D"):
        F.interpolate(ag.randn(1, 1, 4, 4), scale_factor=2, mode="trilinear")


@settings(max_examples=10, **SETTINGS)
@given(shape=st.tuples(st.integers(1, 2), st.integers(1, 2), st.integers(1, 4),
                       st.integers(1, 4), st.integers(1, 4)),
       out=st.tuples(st.integers(1, 6), st.integers(1, 6), st.integers(1, 6)),
       align=st.booleans(), by_scale=st.booleans(), seed=st.integers(0, 2**16))
def test_trilinear_matches_pytorch(shape, out, align, by_scale, seed):
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(seed).normal(size=shape)
    kw = (dict(scale_factor=tuple(o / 2 + 0.5 for o in out)) if by_scale and not align
          else dict(size=out))
    if "scale_factor" in kw and any(math.floor(n * s) < 1 for n, s in
                                    zip(shape[2:], kw["scale_factor"])):
        kw = dict(size=out)
    ours, theirs = ag.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    y = F.interpolate(ours, mode="trilinear", align_corners=align, **kw)
    yt = torch.nn.functional.interpolate(theirs, mode="trilinear", align_corners=align, **kw)
    np.testing.assert_allclose(y.numpy(), yt.detach().numpy(), rtol=1e-10, atol=1e-12)
    up = np.random.default_rng(seed + 1).normal(size=y.shape)
    y.backward(ag.tensor(up))
    yt.backward(torch.tensor(up))
    np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), rtol=1e-10, atol=1e-12)


# ------------------------------------------------------------ uint8 bilinear
def test_uint8_bilinear_rounds_half_up_and_stays_uint8():
    x = ag.tensor(np.array([[[[0, 255]]]], np.uint8))
    y = F.interpolate(x, size=(1, 3), mode="bilinear", align_corners=True)
    assert y.dtype == np.uint8
    assert y.numpy().ravel().tolist() == [0, 128, 255]             # 127.5 rounds up


def test_uint8_bilinear_rounds_after_each_axis():
    x = ag.tensor(np.array([[[[1, 2], [2, 3]]]], np.uint8))
    y = F.interpolate(x, size=(3, 3), mode="bilinear", align_corners=True).numpy()[0, 0]
    # rows after the width pass: [1, 2, 2] and [2, 3, 3] (1.5 -> 2, 2.5 -> 3);
    # the middle row is their midpoint rounded half up: [2, 3, 3] (a float resize gives 2.0
    # in the centre; rounding once per axis, as PyTorch's kernel does, gives 3)
    np.testing.assert_array_equal(y, [[1, 2, 2], [2, 3, 3], [2, 3, 3]])


@pytest.mark.parametrize("mode,dtype,shape", [("bilinear", np.int64, (1, 1, 2, 2)),
                                              ("trilinear", np.uint8, (1, 1, 2, 2, 2)),
                                              ("linear", np.uint8, (1, 1, 2))])
def test_other_integer_input_to_linear_modes_is_refused(mode, dtype, shape):
    with pytest.raises(NotImplementedError, match=rf"interpolate: mode '{mode}' is not "
                                                  rf"implemented for integer input"):
        F.interpolate(ag.tensor(np.ones(shape, dtype)), scale_factor=2, mode=mode)


@settings(max_examples=30, **SETTINGS)
@given(shape=st.tuples(st.integers(1, 2), st.integers(1, 4), st.integers(1, 9),
                       st.integers(2, 9)),
       out=st.tuples(st.integers(1, 14), st.integers(2, 14)), align=st.booleans(),
       scale=st.sampled_from([None, (0.5, 0.7), (1.5, 2.0), (2.5, 1.3)]),
       seed=st.integers(0, 2**16))
def test_uint8_bilinear_matches_pytorch(shape, out, align, scale, seed):
    """Up to 4 channels and output width >= 2: with more channels and an output width of 1,
    PyTorch 2.x's generic CPU kernel returns the first column unchanged (a PyTorch bug)."""
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(seed).integers(0, 256, shape).astype(np.uint8)
    kw = dict(size=out)
    if scale is not None and not align and all(math.floor(n * s) >= 2 for n, s in
                                               zip(shape[2:], scale)):
        kw = dict(scale_factor=scale)
    y = F.interpolate(ag.tensor(x), mode="bilinear", align_corners=align, **kw)
    yt = torch.nn.functional.interpolate(torch.from_numpy(x), mode="bilinear",
                                         align_corners=align, **kw)
    assert y.dtype == np.uint8
    np.testing.assert_array_equal(y.numpy(), yt.numpy())
