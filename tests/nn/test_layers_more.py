"""Conv1d, channel dropout, instance norm, adaptive max pool, interpolate, pixel shuffle,
parameter containers and Bilinear: written values, gradcheck, and PyTorch parity."""
import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F

RNG = np.random.default_rng(0)


def _t(a, grad=False):
    return ag.tensor(np.asarray(a, dtype=np.float64), requires_grad=grad)


def _torch_copy(ours, theirs):
    torch = pytest.importorskip("torch")
    sd = {k: torch.tensor(v.numpy()) for k, v in ours.state_dict().items()}
    assert list(sd) == list(theirs.state_dict())
    theirs.load_state_dict(sd)
    return torch


# ---------------------------------------------------------------- written values
def test_conv1d_written_values():
    x = _t([[[1, 2, 3, 4, 5]]])
    w = _t([[[1, 0, -1]]])
    assert F.conv1d(x, w).tolist() == [[[-2.0, -2.0, -2.0]]]
    assert F.conv1d(x, w, padding=1, stride=2).tolist() == [[[-2.0, -2.0, 4.0]]]
    assert F.conv1d(x, w, padding="same").shape == (1, 1, 5)
    assert F.conv_transpose1d(_t([[[1, 2]]]), _t([[[1, 1, 1]]]), stride=2).tolist() == \
        [[[1.0, 1.0, 3.0, 2.0, 2.0]]]
    with pytest.raises(ValueError, match="conv1d"):
        F.conv1d(_t(np.ones((1, 1, 2, 2))), w)


def test_conv1d_layers_shape_repr_and_errors():
    m = nn.Conv1d(4, 6, 3, stride=2, padding=1, groups=2, bias=False)
    assert m.weight.shape == (6, 2, 3) and m.bias is None
    assert repr(m) == "Conv1d(4, 6, kernel_size=(3,), stride=(2,), padding=(1,), groups=2, " \
                      "bias=False)"
    assert m(ag.randn(2, 4, 9)).shape == (2, 6, 5)
    assert m(ag.randn(4, 9)).shape == (6, 5)  # unbatched
    t = nn.ConvTranspose1d(3, 2, 4, stride=2, padding=1)
    assert t.weight.shape == (3, 2, 4) and t(ag.randn(1, 3, 5)).shape == (1, 2, 10)
    assert t(ag.randn(1, 3, 5), output_size=[11]).shape == (1, 2, 11)
    with pytest.raises(ValueError, match="kernel_size"):
        nn.Conv1d(1, 1, (2, 2))
    with pytest.raises(ValueError, match="divisible"):
        nn.Conv1d(3, 4, 3, groups=2)


def test_conv1d_gradcheck():
    x, w, b = _t(RNG.standard_normal((2, 4, 7)), True), _t(RNG.standard_normal((6, 2, 3)),
                                                            True), _t(RNG.standard_normal(6), True)
    assert ag.gradcheck(lambda x, w, b: F.conv1d(x, w, b, 2, 1, 2, 2), (x, w, b))
    wt = _t(RNG.standard_normal((4, 3, 3)), True)
    assert ag.gradcheck(lambda x, w: F.conv_transpose1d(x, w, None, 2, 1, 1), (x, wt))


def test_channel_dropout_zeroes_whole_channels_and_scales():
    ag.manual_seed(3)
    x = ag.ones(8, 16, 5, 5)
    y = nn.Dropout2d(0.25)(x).numpy()
    per_channel = y.reshape(8, 16, 25)
    assert np.all(per_channel.min(-1) == per_channel.max(-1))  # each map all kept or all zero
    np.testing.assert_allclose(np.unique(y), [0.0, 1 / 0.75], rtol=1e-6)
    assert 0.1 < (per_channel[..., 0] == 0).mean() < 0.4
    d1 = nn.Dropout1d(0.5)
    assert set(np.unique(d1(ag.ones(4, 6, 3)).numpy())) <= {0.0, 2.0}
    d3 = nn.Dropout3d(0.5).eval()
    x3 = ag.randn(2, 3, 2, 2, 2)
    assert d3(x3) is x3
    ag.manual_seed(7)
    a = F.dropout2d(ag.ones(2, 3, 4, 4), 0.5).numpy()
    ag.manual_seed(7)
    b = F.dropout2d(ag.ones(2, 3, 4, 4), 0.5).numpy()
    np.testing.assert_array_equal(a, b)  # seeded by ag.manual_seed
    with pytest.raises(ValueError, match="Dropout"):
        nn.Dropout2d(1.5)
    with pytest.raises(ValueError, match="dropout1d"):
        F.dropout1d(ag.ones(2, 3, 4, 5))
    with pytest.warns(UserWarning, match="3-D"):
        F.dropout2d(ag.ones(2, 3, 4))


def test_channel_dropout_gradient_follows_the_mask():
    ag.manual_seed(1)
    x = ag.ones(3, 4, 2, requires_grad=True)
    y = F.dropout1d(x, 0.5)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), y.numpy())


def test_instance_norm_written_values_and_running_stats():
    x = _t([[[1, 3], [0, 4]], [[2, 2], [5, 7]]])  # (N=2, C=2, L=2)
    m = nn.InstanceNorm1d(2, momentum=0.5, track_running_stats=True, affine=True)
    y = m(x)
    np.testing.assert_allclose(y.numpy()[0], [[-1, 1], [-1, 1]], atol=1e-4)
    np.testing.assert_allclose(y.numpy()[1], [[0, 0], [-1, 1]], atol=1e-4)
    # running mean: (1 - m) * 0 + m * mean_n(mean_nc) = 0.5 * [(2 + 2)/2, (2 + 6)/2]
    np.testing.assert_allclose(m.running_mean.numpy(), [1.0, 2.0])
    # unbiased var per slice: [2, 0] and [8, 2] -> means [1, 5]; 0.5 * 1 + 0.5 * [1, 5]
    np.testing.assert_allclose(m.running_var.numpy(), [1.0, 3.0])
    assert list(m.state_dict()) == ["weight", "bias", "running_mean", "running_var",
                                    "num_batches_tracked"]
    m.eval()
    np.testing.assert_allclose(m(x).numpy(), (x.numpy() - [[1], [2]]) / np.sqrt(
        np.array([[1.0], [3.0]]) + 1e-5), rtol=1e-5)
    default = nn.InstanceNorm2d(3)
    assert list(default.state_dict()) == [] and default.eval()(ag.randn(3, 4, 4)).shape == \
        (3, 4, 4)
    assert repr(default) == ("InstanceNorm2d(3, eps=1e-05, momentum=0.1, affine=False, "
                             "bias=False, track_running_stats=False)")
    no_bias = nn.InstanceNorm1d(2, affine=True, bias=False)
    assert list(no_bias.state_dict()) == ["weight"] and "bias=False" in repr(no_bias)


def test_instance_norm_gradcheck():
    x = _t(RNG.standard_normal((2, 3, 4, 3)), True)
    w, b = _t(RNG.standard_normal(3), True), _t(RNG.standard_normal(3), True)
    assert ag.gradcheck(lambda x, w, b: F.instance_norm(x, weight=w, bias=b), (x, w, b))


def test_adaptive_max_pool_values_indices_and_gradient():
    x = _t(np.arange(20.0).reshape(1, 1, 4, 5))
    y, idx = F.adaptive_max_pool2d(x, (2, 3), return_indices=True)
    # PyTorch's bins: rows [0,2) [2,4); cols [0,2) [1,4) [3,5)
    assert y.tolist() == [[[[6.0, 8.0, 9.0], [16.0, 18.0, 19.0]]]]
    assert idx.tolist() == [[[[6, 8, 9], [16, 18, 19]]]]
    assert nn.AdaptiveMaxPool2d((None, 2))(ag.randn(2, 3, 5, 7)).shape == (2, 3, 5, 2)
    xr = _t(RNG.standard_normal((2, 2, 5, 7)), True)
    assert ag.gradcheck(lambda x: F.adaptive_max_pool2d(x, (3, 4)), (xr,))


def test_interpolate_written_values():
    x = _t([[[[1, 2], [3, 4]]]])
    assert F.interpolate(x, scale_factor=2)[0, 0].tolist() == [
        [1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]]
    up = F.interpolate(x, size=(3, 3), mode="bilinear", align_corners=True)[0, 0]
    assert up.tolist() == [[1, 1.5, 2], [2, 2.5, 3], [3, 3.5, 4]]
    half = F.interpolate(x, scale_factor=2, mode="bilinear")[0, 0, 0]  # align_corners=False
    assert half.tolist() == [1.0, 1.25, 1.75, 2.0]
    assert F.interpolate(_t([[[0, 10]]]), size=5, mode="linear",
                         align_corners=True).tolist() == [[[0.0, 2.5, 5.0, 7.5, 10.0]]]
    with pytest.raises(ValueError, match="exactly one"):
        F.interpolate(x)
    with pytest.raises(ValueError, match="align_corners"):
        F.interpolate(x, scale_factor=2, align_corners=True)
    with pytest.raises(NotImplementedError, match="bicubic"):
        F.interpolate(x, scale_factor=2, mode="bicubic")
    assert repr(nn.Upsample(scale_factor=2, mode="nearest")) == \
        "Upsample(scale_factor=2.0, mode='nearest')"


@pytest.mark.parametrize("kw", [dict(scale_factor=2), dict(size=(5, 3)),
                                dict(scale_factor=2, mode="bilinear"),
                                dict(size=(4, 6), mode="bilinear", align_corners=True)])
def test_interpolate_gradcheck(kw):
    x = _t(RNG.standard_normal((1, 2, 3, 4)), True)
    assert ag.gradcheck(lambda x: F.interpolate(x, **kw), (x,))


def test_pixel_shuffle_round_trip_and_values():
    x = ag.arange(32.0).reshape(1, 8, 2, 2)
    y = nn.PixelShuffle(2)(x)
    assert y.shape == (1, 2, 4, 4)
    assert y[0, 0].tolist() == [[0, 4, 1, 5], [8, 12, 9, 13], [2, 6, 3, 7], [10, 14, 11, 15]]
    np.testing.assert_array_equal(nn.PixelUnshuffle(2)(y).numpy(), x.numpy())
    with pytest.raises(ValueError, match="upscale_factor"):
        F.pixel_shuffle(ag.ones(1, 3, 2, 2), 2)


def test_parameter_list_and_dict_register_parameters():
    pl = nn.ParameterList([nn.Parameter(ag.zeros(2)), ag.ones(3)])
    assert isinstance(pl[1], nn.Parameter) and len(pl) == 2
    pl.append(nn.Parameter(ag.ones(1)))
    pl[0] = ag.full((2,), 5.0)
    assert [n for n, _ in pl.named_parameters()] == ["0", "1", "2"]
    assert pl[0].tolist() == [5.0, 5.0]
    holder = nn.Module()
    holder.ps = pl
    holder.pd = nn.ParameterDict({"a": ag.ones(2)})
    holder.pd["b"] = nn.Parameter(ag.zeros(1))
    assert list(holder.state_dict()) == ["ps.0", "ps.1", "ps.2", "pd.a", "pd.b"]
    assert "a" in holder.pd and holder.pd.pop("a").shape == (2,) and list(holder.pd) == ["b"]
    with pytest.raises(KeyError):
        holder.pd["zzz"]


def test_unflatten_and_bilinear():
    assert nn.Unflatten(1, (2, -1))(ag.zeros(3, 10)).shape == (3, 2, 5)
    with pytest.raises(ValueError, match="Unflatten"):
        nn.Unflatten(1, (3, 3))(ag.zeros(2, 10))
    x1, x2 = _t(RNG.standard_normal((3, 2)), True), _t(RNG.standard_normal((3, 4)), True)
    w, b = _t(RNG.standard_normal((5, 2, 4)), True), _t(RNG.standard_normal(5), True)
    expect = np.einsum("ni,kij,nj->nk", x1.numpy(), w.numpy(), x2.numpy()) + b.numpy()
    np.testing.assert_allclose(F.bilinear(x1, x2, w, b).numpy(), expect, rtol=1e-10)
    assert ag.gradcheck(lambda a, c, w, b: F.bilinear(a, c, w, b), (x1, x2, w, b))


# ---------------------------------------------------------------- PyTorch parity
def test_conv1d_layers_match_torch():
    torch = pytest.importorskip("torch")
    for ours, theirs, shape in [
        (nn.Conv1d(4, 6, 3, stride=2, padding=1, dilation=2, groups=2, dtype=np.float64),
         torch.nn.Conv1d(4, 6, 3, stride=2, padding=1, dilation=2, groups=2,
                         dtype=torch.float64), (2, 4, 11)),
        (nn.ConvTranspose1d(4, 6, 3, stride=2, padding=1, output_padding=1, dtype=np.float64),
         torch.nn.ConvTranspose1d(4, 6, 3, stride=2, padding=1, output_padding=1,
                                  dtype=torch.float64), (2, 4, 7)),
    ]:
        _torch_copy(ours, theirs)
        x = RNG.standard_normal(shape)
        xa, xt = _t(x, True), torch.tensor(x, requires_grad=True)
        ya, yt = ours(xa), theirs(xt)
        np.testing.assert_allclose(ya.numpy(), yt.detach().numpy(), atol=1e-10)
        g = RNG.standard_normal(yt.shape)
        ya.backward(_t(g))
        yt.backward(torch.tensor(g))
        np.testing.assert_allclose(xa.grad.numpy(), xt.grad.numpy(), atol=1e-10)
        np.testing.assert_allclose(ours.weight.grad.numpy(), theirs.weight.grad.numpy(),
                                   atol=1e-10)
        assert repr(ours) == repr(theirs)


@pytest.mark.parametrize("affine,track", [(False, False), (True, True), (True, False)])
def test_instance_norm_matches_torch(affine, track):
    torch = pytest.importorskip("torch")
    ours = nn.InstanceNorm2d(3, affine=affine, track_running_stats=track, dtype=np.float64)
    theirs = torch.nn.InstanceNorm2d(3, affine=affine, track_running_stats=track,
                                     dtype=torch.float64)
    _torch_copy(ours, theirs)
    for _ in range(2):
        x = RNG.standard_normal((4, 3, 5, 6)) * 3 + 1
        np.testing.assert_allclose(ours(_t(x)).numpy(), theirs(torch.tensor(x)).detach().numpy(),
                                   atol=1e-10)
    for k, v in theirs.state_dict().items():
        np.testing.assert_allclose(ours.state_dict()[k].numpy(), v.numpy(), atol=1e-12)
    ours.eval()
    theirs.eval()
    x = RNG.standard_normal((2, 3, 5, 6))
    np.testing.assert_allclose(ours(_t(x)).numpy(), theirs(torch.tensor(x)).detach().numpy(),
                               atol=1e-10)


def test_resampling_and_pooling_match_torch():
    torch = pytest.importorskip("torch")
    TF = torch.nn.functional
    x = RNG.standard_normal((2, 3, 5, 7))
    cases = [dict(scale_factor=1.7), dict(size=(3, 11)), dict(size=(6, 9), mode="nearest-exact"),
             dict(scale_factor=(0.5, 2.3), mode="bilinear"),
             dict(size=(4, 13), mode="bilinear", align_corners=True),
             dict(size=(2, 3), mode="area")]
    for kw in cases:
        xa, xt = _t(x, True), torch.tensor(x, requires_grad=True)
        ya, yt = F.interpolate(xa, **kw), TF.interpolate(xt, **kw)
        np.testing.assert_allclose(ya.numpy(), yt.detach().numpy(), atol=1e-12)
        g = RNG.standard_normal(yt.shape)
        ya.backward(_t(g))
        yt.backward(torch.tensor(g))
        np.testing.assert_allclose(xa.grad.numpy(), xt.grad.numpy(), atol=1e-12)
    for size in [(3, 4), (5, 2), (1, 1), (5, 7)]:
        a, ia = F.adaptive_max_pool2d(_t(x), size, True)
        b, ib = TF.adaptive_max_pool2d(torch.tensor(x), size, True)
        np.testing.assert_array_equal(a.numpy(), b.numpy())
        np.testing.assert_array_equal(ia.numpy(), ib.numpy())
    xs = RNG.standard_normal((2, 18, 3, 4))
    np.testing.assert_array_equal(F.pixel_shuffle(_t(xs), 3).numpy(),
                                  TF.pixel_shuffle(torch.tensor(xs), 3).numpy())


def test_bilinear_layer_matches_torch():
    torch = pytest.importorskip("torch")
    ours = nn.Bilinear(3, 4, 5, dtype=np.float64)
    theirs = torch.nn.Bilinear(3, 4, 5, dtype=torch.float64)
    _torch_copy(ours, theirs)
    a, b = RNG.standard_normal((6, 3)), RNG.standard_normal((6, 4))
    np.testing.assert_allclose(ours(_t(a), _t(b)).numpy(),
                               theirs(torch.tensor(a), torch.tensor(b)).detach().numpy(),
                               atol=1e-12)


REPRS = ["Conv1d(4, 6, 3, stride=2, padding=1, groups=2, bias=False)",
         "ConvTranspose1d(3, 2, 4, stride=2, padding=1, output_padding=1)", "Dropout1d(0.2)",
         "Dropout2d()", "Dropout3d(p=0.3)", "InstanceNorm1d(3, affine=True)",
         "InstanceNorm2d(4, track_running_stats=True)", "AdaptiveMaxPool2d((2, 3))",
         "Upsample(scale_factor=2, mode='bilinear')", "Upsample(size=(4, 5))",
         "PixelShuffle(2)", "PixelUnshuffle(2)", "Unflatten(1, (2, 5))", "Bilinear(2, 3, 4)",
         "LocalResponseNorm(5)", "MultiheadAttention(8, 2)",
         "UpsamplingBilinear2d(scale_factor=2)", "UpsamplingNearest2d(size=3)"]


@pytest.mark.parametrize("expr", REPRS)
def test_repr_matches_torch(expr):
    torch = pytest.importorskip("torch")
    assert repr(eval("nn." + expr)) == repr(eval("torch.nn." + expr, {"torch": torch}))
