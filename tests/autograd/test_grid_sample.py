"""grid_sample and affine_grid: written values, every mode against PyTorch, second derivatives,
the volumetric form and the errors. The table rows are in ``rows_grid_sample.py``."""
from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest

import autograd as ag
import nn.functional as F
from autograd.gradcheck import gradcheck, gradgradcheck
from tests.autograd.rows_grid_sample import ref_grid_sample

CONFIGS = [(m, p, a) for m, p, a in itertools.product(
    ("bilinear", "nearest", "bicubic"), ("zeros", "border", "reflection"), (False, True))]


def _sample(x, g, mode="bilinear", padding="zeros", align=False):
    return F.grid_sample(x, g, mode=mode, padding_mode=padding, align_corners=align)


def test_written_values():
    x = ag.arange(6.0).reshape(1, 1, 2, 3)  # [[0, 1, 2], [3, 4, 5]]
    grid = ag.tensor([[[[0.0, 0.0], [-1.0, -1.0], [1.0, 1.0], [2.0, 0.0]]]])
    got = _sample(x, grid, align=True)[0, 0, 0].tolist()
    assert got == [2.5, 0.0, 5.0, 0.0]  # centre, corners, outside reads zeros
    got = _sample(x, grid, padding="border", align=True)[0, 0, 0].tolist()
    assert got == [2.5, 0.0, 5.0, 3.5]  # outside: clipped to the right edge (x=2, y=0.5)
    # align_corners=False: -1 is the outer edge, so the corner point is half zeros
    assert _sample(x, ag.tensor([[[[-1.0, -1.0]]]]))[0, 0, 0, 0].item() == 0.0
    assert _sample(x, ag.tensor([[[[-2 / 3, -0.5]]]]))[0, 0, 0, 0].item() == 0.0
    # reflection mirrors a point past the right edge back inside: x = 2.5 -> 1.5
    got = _sample(x, ag.tensor([[[[1.5, -1.0]]]]), padding="reflection", align=True)
    assert got.item() == 1.5
    # nearest rounds half to even: x = 0.5 -> 0 and 1.5 -> 2
    g = ag.tensor([[[[-0.5, -1.0], [0.5, -1.0]]]])
    assert _sample(x, g, mode="nearest", align=True)[0, 0, 0].tolist() == [0.0, 2.0]


def test_gradients_written():
    x = ag.tensor([[[[1.0, 3.0]]]], requires_grad=True)  # (1, 1, 1, 2)
    g = ag.tensor([[[[0.5, 0.0]]]], requires_grad=True)  # x = 0.75 between the two pixels
    y = _sample(x, g, align=True)
    assert y.item() == 2.5
    y.backward()
    assert x.grad.tolist() == [[[[0.25, 0.75]]]]
    # dy/dgrid_x = (3 - 1) * (W - 1) / 2; y is constant along the single row
    assert g.grad.tolist() == [[[[1.0, 0.0]]]]


def test_identity_affine_grid_reproduces_the_image():
    x = ag.randn(2, 3, 4, 5)
    theta = ag.tensor(np.tile(np.eye(2, 3), (2, 1, 1)), dtype=ag.float32)
    for align in (False, True):
        grid = F.affine_grid(theta, (2, 3, 4, 5), align_corners=align)
        np.testing.assert_allclose(_sample(x, grid, align=align).numpy(), x.numpy(), atol=1e-5)


@pytest.mark.parametrize("mode,padding,align", CONFIGS)
def test_matches_the_pointwise_reference(mode, padding, align):
    rng = np.random.default_rng(3)
    x, g = rng.standard_normal((2, 2, 3, 4)), rng.uniform(-1.7, 1.7, (2, 3, 2, 2))
    np.testing.assert_allclose(_sample(ag.tensor(x), ag.tensor(g), mode, padding, align).numpy(),
                               ref_grid_sample(x, g, mode, padding, align), atol=1e-12)


@pytest.mark.parametrize("mode,padding,align", CONFIGS)
def test_gradcheck_and_gradgradcheck(mode, padding, align):
    rng = np.random.default_rng(4)
    x = ag.tensor(rng.standard_normal((1, 2, 3, 3)), requires_grad=True)
    g = ag.tensor(rng.uniform(-1.3, 1.3, (1, 2, 2, 2)), requires_grad=True)
    fn = lambda a, b: _sample(a, b, mode, padding, align)  # noqa: E731
    assert gradcheck(fn, (x, g)) and gradgradcheck(fn, (x, g))


@pytest.mark.parametrize("mode,padding,align",
                         [c for c in CONFIGS if c[0] != "bicubic"])
def test_volumes_gradcheck(mode, padding, align):
    rng = np.random.default_rng(5)
    x = ag.tensor(rng.standard_normal((1, 1, 2, 3, 2)), requires_grad=True)
    g = ag.tensor(rng.uniform(-1.3, 1.3, (1, 1, 2, 2, 3)), requires_grad=True)
    fn = lambda a, b: _sample(a, b, mode, padding, align)  # noqa: E731
    np.testing.assert_allclose(fn(x, g).numpy(),
                               ref_grid_sample(x.numpy(), g.numpy(), mode, padding, align))
    assert gradcheck(fn, (x, g)) and gradgradcheck(fn, (x, g))


def _both(torch, x, g, up, mode, padding, align):
    ours_x, ours_g = ag.tensor(x, requires_grad=True), ag.tensor(g, requires_grad=True)
    out = _sample(ours_x, ours_g, mode, padding, align)
    (out * ag.tensor(up)).sum().backward()
    tx, tg = torch.tensor(x, requires_grad=True), torch.tensor(g, requires_grad=True)
    want = torch.nn.functional.grid_sample(tx, tg, mode, padding, align)
    (want * torch.tensor(up)).sum().backward()
    np.testing.assert_allclose(out.numpy(), want.detach().numpy(), atol=1e-12)
    np.testing.assert_allclose(ours_x.grad.numpy(), tx.grad.numpy(), atol=1e-12)
    np.testing.assert_allclose(ours_g.grad.numpy(), tg.grad.numpy(), atol=1e-10)


@pytest.mark.parametrize("mode,padding,align", CONFIGS)
def test_pytorch_parity_images_and_volumes(mode, padding, align):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(6)
    x, g = rng.standard_normal((2, 3, 4, 5)), rng.uniform(-1.8, 1.8, (2, 3, 4, 2))
    _both(torch, x, g, rng.standard_normal((2, 3, 3, 4)), mode, padding, align)
    if mode != "bicubic":
        x, g = rng.standard_normal((2, 2, 3, 4, 3)), rng.uniform(-1.8, 1.8, (2, 2, 3, 2, 3))
        _both(torch, x, g, rng.standard_normal((2, 2, 2, 3, 2)), mode, padding, align)


def test_float32_stays_float32_and_create_graph_works():
    x = ag.randn(1, 2, 3, 3, requires_grad=True)
    g = (ag.rand(1, 2, 2, 2) * 2 - 1).requires_grad_()
    y = _sample(x, g, padding="reflection")
    assert y.dtype == np.float32
    (dg,) = ag.grad(y.sum(), (g,), create_graph=True)
    assert dg.dtype == np.float32 and dg.requires_grad
    (dx,) = ag.grad((dg ** 2).sum(), (x,))
    assert dx.shape == x.shape


def test_default_align_corners_warns_as_pytorch():
    with pytest.warns(UserWarning, match="align_corners"):
        F.grid_sample(ag.ones(1, 1, 2, 2), ag.zeros(1, 1, 1, 2))
    with pytest.warns(UserWarning, match="align_corners"):
        F.affine_grid(ag.tensor([[[1.0, 0, 0], [0, 1.0, 0]]]), (1, 1, 2, 2))


@pytest.mark.parametrize("call,kind,needle", [
    (lambda: _sample(ag.ones(1, 1, 2, 2), ag.zeros(1, 1, 1, 2), mode="area"), ValueError,
     "'area'"),
    (lambda: _sample(ag.ones(1, 1, 2, 2), ag.zeros(1, 1, 1, 2), padding="same"), ValueError,
     "'same'"),
    (lambda: _sample(ag.ones(2, 1, 2, 2), ag.zeros(1, 1, 1, 2)), RuntimeError, "batch size"),
    (lambda: _sample(ag.ones(1, 1, 2, 2), ag.zeros(1, 1, 1, 3)), RuntimeError, "(1, 1, 1, 3)"),
    (lambda: _sample(ag.ones(1, 1, 0, 2), ag.zeros(1, 1, 1, 2)), RuntimeError, "non-empty"),
    (lambda: _sample(ag.ones(1, 1, 2, 2, 2), ag.zeros(1, 1, 1, 1, 3), mode="bicubic"),
     RuntimeError, "bicubic"),
    (lambda: _sample(ag.ones(1, 1, 2, 2, dtype=ag.float64), ag.zeros(1, 1, 1, 2)),
     RuntimeError, "float32"),
    (lambda: F.affine_grid(ag.ones(1, 2, 2), (1, 1, 2, 2), False), ValueError, "Nx2x3"),
    (lambda: F.affine_grid(ag.ones(1, 2, 3), (1, 1, 2), False), NotImplementedError, "4D"),
    (lambda: F.affine_grid(ag.ones(1, 2, 3), (1, 1, 0, 2), False), ValueError, "positive"),
    (lambda: F.affine_grid(ag.ones(2, 2, 3), (3, 1, 2, 2), False), RuntimeError, "(2, 2, 3)"),
    (lambda: F.affine_grid(ag.tensor([[[1, 0, 0], [0, 1, 0]]]), (1, 1, 2, 2), False),
     ValueError, "int64"),
])
def test_errors_name_the_op_and_values(call, kind, needle):
    with pytest.raises(kind, match=r"(grid_sample|affine_grid)") as info:
        call()
    assert needle in str(info.value)


def test_pytorch_error_classes():
    torch = pytest.importorskip("torch")
    tf = torch.nn.functional
    cases = [
        (lambda m: m(ag.ones(2, 1, 2, 2), ag.zeros(1, 1, 1, 2), align_corners=False),
         lambda m: m(torch.ones(2, 1, 2, 2), torch.zeros(1, 1, 1, 2), align_corners=False)),
        (lambda m: m(ag.ones(1, 1, 2, 2), ag.zeros(1, 1, 1, 2), "cubic", align_corners=False),
         lambda m: m(torch.ones(1, 1, 2, 2), torch.zeros(1, 1, 1, 2), "cubic",
                     align_corners=False)),
    ]
    for ours, theirs in cases:
        with pytest.raises(Exception) as want:
            theirs(tf.grid_sample)
        with pytest.raises(type(want.value)):
            ours(F.grid_sample)


def test_affine_grid_matches_pytorch_and_gradchecks():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(7)
    for size in [(2, 3, 4, 5), (2, 1, 1, 3), (2, 3, 2, 3, 4)]:
        d = len(size) - 2
        theta = rng.standard_normal((2, d, d + 1))
        for align in (False, True):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                got = F.affine_grid(ag.tensor(theta), size, align).numpy()
                want = torch.nn.functional.affine_grid(torch.tensor(theta), size, align)
            np.testing.assert_allclose(got, want.numpy(), atol=1e-14)
    th = ag.tensor(rng.standard_normal((2, 2, 3)), requires_grad=True)
    assert gradcheck(lambda a: F.affine_grid(a, (2, 1, 3, 2), False), (th,))


def test_spatial_transformer_trains_theta():
    """The tutorial's pattern: affine_grid + grid_sample, theta learned by gradient descent."""
    i, j = np.meshgrid(np.arange(8.0), np.arange(8.0), indexing="ij")
    x = ag.tensor(np.exp(-((i - 3.5) ** 2 + (j - 3.5) ** 2) / 6)[None, None])  # a smooth blob
    shift = ag.tensor([[[1.0, 0.0, 0.3], [0.0, 1.0, -0.2]]], dtype=ag.float64)
    target = _sample(x, F.affine_grid(shift, (1, 1, 8, 8), False), padding="border")
    theta = ag.tensor([[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]], dtype=ag.float64, requires_grad=True)
    losses = []
    for _ in range(100):
        out = _sample(x, F.affine_grid(theta, (1, 1, 8, 8), False), padding="border")
        loss = ((out - target) ** 2).mean()
        losses.append(loss.item())
        theta.grad = None
        loss.backward()
        with ag.no_grad():
            theta -= 2.0 * theta.grad
    assert losses[-1] < 0.01 * losses[0]
    np.testing.assert_allclose(theta.numpy()[0, :, 2], [0.3, -0.2], atol=0.05)


@pytest.mark.parametrize("mode", ["bilinear", "nearest", "bicubic"])
def test_recorded_and_plain_backward_agree(mode):
    """create_graph runs the backward as recorded ops, otherwise on arrays: same numbers."""
    rng = np.random.default_rng(9)
    x = ag.tensor(rng.standard_normal((2, 3, 4, 5)), requires_grad=True)
    g = ag.tensor(rng.uniform(-1.5, 1.5, (2, 3, 2, 2)), requires_grad=True)
    up = ag.tensor(rng.standard_normal((2, 3, 3, 2)))
    y = _sample(x, g, mode, "reflection", False)
    plain = ag.grad((y * up).sum(), (x, g), retain_graph=True)
    recorded = ag.grad((y * up).sum(), (x, g), create_graph=True)
    for a, b in zip(plain, recorded):
        assert not a.requires_grad
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("mode", ["bilinear", "nearest", "bicubic"])
def test_nan_and_inf_grid_points(mode):
    """A NaN point reads NaN (bilinear, bicubic) or zeros (nearest), as PyTorch's with zeros
    padding; border clips an infinite point to the edge. No gradient turns NaN."""
    rng = np.random.default_rng(10)
    x = ag.tensor(rng.standard_normal((1, 2, 3, 4)), requires_grad=True)
    g = ag.tensor(np.array([[[[np.nan, 0.0], [0.2, 0.1], [np.inf, 0.0]]]]), requires_grad=True)
    out = _sample(x, g, mode)
    lost = 0.0 if mode == "nearest" else np.nan
    np.testing.assert_array_equal(out.numpy()[..., [0, 2]], np.full((1, 2, 1, 2), lost))
    assert np.isfinite(out.numpy()[..., 1]).all()
    out.sum().backward()
    assert np.isfinite(x.grad.numpy()).all() and np.isfinite(g.grad.numpy()).all()
    if mode != "bicubic":  # border clips inf to the right edge: the last column's values
        edge = _sample(x.detach(), g.detach()[:, :, 2:], mode, "border")
        np.testing.assert_allclose(edge.numpy()[0, :, 0, 0], x.numpy()[0, :, 1, 3])
