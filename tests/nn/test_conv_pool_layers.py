"""Conv2d, ConvTranspose2d, MaxPool2d, AvgPool2d, AdaptiveAvgPool2d as modules."""
import math

import numpy as np
import pytest

import autograd as ag
from autograd.gradcheck import gradcheck
from autograd.ops.conv import conv2d, conv_transpose2d
from nn.conv import Conv2d, ConvTranspose2d
from nn.pooling import AdaptiveAvgPool2d, AvgPool2d, MaxPool2d

# (id, our module, torch module builder, input shape, expected output shape)
LAYERS = [
    ("conv", lambda: Conv2d(3, 4, 3), lambda nn: nn.Conv2d(3, 4, 3), (2, 3, 7, 6), (2, 4, 5, 4)),
    ("conv stride pad", lambda: Conv2d(2, 3, (3, 2), stride=2, padding=(1, 0)),
     lambda nn: nn.Conv2d(2, 3, (3, 2), stride=2, padding=(1, 0)), (1, 2, 7, 7), (1, 3, 4, 3)),
    ("conv groups dilation", lambda: Conv2d(4, 6, 3, dilation=2, groups=2, bias=False),
     lambda nn: nn.Conv2d(4, 6, 3, dilation=2, groups=2, bias=False), (2, 4, 7, 7),
     (2, 6, 3, 3)),
    ("conv same", lambda: Conv2d(2, 2, 4, padding="same"),
     lambda nn: nn.Conv2d(2, 2, 4, padding="same"), (1, 2, 5, 6), (1, 2, 5, 6)),
    ("convT", lambda: ConvTranspose2d(3, 2, 3), lambda nn: nn.ConvTranspose2d(3, 2, 3),
     (2, 3, 4, 4), (2, 2, 6, 6)),
    ("convT stride outpad", lambda: ConvTranspose2d(2, 4, 3, stride=2, padding=1,
                                                    output_padding=1, groups=2),
     lambda nn: nn.ConvTranspose2d(2, 4, 3, stride=2, padding=1, output_padding=1, groups=2),
     (1, 2, 3, 4), (1, 4, 6, 8)),
    ("maxpool", lambda: MaxPool2d(2), lambda nn: nn.MaxPool2d(2), (2, 3, 6, 5), (2, 3, 3, 2)),
    ("maxpool pad stride", lambda: MaxPool2d(3, stride=2, padding=1),
     lambda nn: nn.MaxPool2d(3, stride=2, padding=1), (1, 2, 7, 7), (1, 2, 4, 4)),
    ("avgpool", lambda: AvgPool2d(2, stride=1), lambda nn: nn.AvgPool2d(2, stride=1),
     (2, 2, 4, 4), (2, 2, 3, 3)),
    ("avgpool pad", lambda: AvgPool2d(3, 2, 1, count_include_pad=False),
     lambda nn: nn.AvgPool2d(3, 2, 1, count_include_pad=False), (1, 1, 5, 5), (1, 1, 3, 3)),
    ("adaptive", lambda: AdaptiveAvgPool2d((2, 3)), lambda nn: nn.AdaptiveAvgPool2d((2, 3)),
     (2, 3, 5, 7), (2, 3, 2, 3)),
    ("adaptive 1", lambda: AdaptiveAvgPool2d(1), lambda nn: nn.AdaptiveAvgPool2d(1),
     (2, 3, 4, 4), (2, 3, 1, 1)),
]
IDS = [row[0] for row in LAYERS]


def _input(shape, seed=0, dtype=np.float64):
    # distinct values, so max-pool has no ties near the finite-difference step
    rng = np.random.default_rng(seed)
    vals = rng.permutation(int(np.prod(shape))).reshape(shape) / np.prod(shape)
    return ag.tensor(vals.astype(dtype) * 4 - 2, requires_grad=True)


@pytest.mark.parametrize("name,make,tmake,shape,out_shape", LAYERS, ids=IDS)
def test_forward_shape_and_dtype(name, make, tmake, shape, out_shape):
    ag.manual_seed(0)
    m = make()
    y = m(_input(shape, dtype=np.float32))
    assert y.shape == out_shape and y.dtype == np.float32


@pytest.mark.parametrize("name,make,tmake,shape,out_shape", LAYERS, ids=IDS)
def test_gradcheck_input_and_parameters(name, make, tmake, shape, out_shape):
    ag.manual_seed(0)
    m = make().double()
    params = list(m.parameters())

    def f(x, *ps):  # the module's computation with the checker's copies of its parameters
        if not ps:
            return m(x)
        w, b = ps[0], ps[1] if len(ps) > 1 else None
        if isinstance(m, ConvTranspose2d):
            return conv_transpose2d(x, w, b, m.stride, m.padding, m.output_padding, m.groups,
                                    m.dilation)
        return conv2d(x, w, b, m.stride, m.padding, m.dilation, m.groups)

    wrt = [ag.tensor(p.array.copy(), requires_grad=True) for p in params]
    assert gradcheck(f, (_input(shape), *wrt))
    np.testing.assert_allclose(f(_input(shape), *wrt).numpy(), m(_input(shape)).numpy())
    # and the module itself routes gradients into its parameters
    y = m(_input(shape))
    (y * y).sum().backward()
    for p in params:
        assert p.grad is not None and p.grad.shape == p.shape


@pytest.mark.parametrize("make,wshape,bshape", [
    (lambda: Conv2d(6, 8, (3, 5), groups=2), (8, 3, 3, 5), (8,)),
    (lambda: ConvTranspose2d(6, 8, (3, 5), groups=2), (6, 4, 3, 5), (8,)),
])
def test_parameter_shapes_and_default_init(make, wshape, bshape):
    ag.manual_seed(0)
    m = make()
    sd = m.state_dict()
    assert list(sd) == ["weight", "bias"]
    assert sd["weight"].shape == wshape and sd["bias"].shape == bshape
    bound = 1 / math.sqrt(np.prod(wshape[1:]))  # kaiming_uniform_(a=sqrt(5)) = U(+-1/sqrt(fan_in))
    for t in (m.weight, m.bias):
        assert np.abs(t.numpy()).max() <= bound
        assert np.abs(t.numpy()).max() > 0.8 * bound  # spans the range, not all zero
    m2 = make()
    m2.load_state_dict(sd)
    x = ag.randn(1, 6, 7, 7)
    np.testing.assert_allclose(m2(x).numpy(), m(x).numpy())


def test_repr_like_torch():
    assert repr(Conv2d(1, 6, 5)) == "Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1))"
    assert repr(Conv2d(2, 4, 3, stride=2, padding=1, groups=2, bias=False)) == (
        "Conv2d(2, 4, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), groups=2, bias=False)")
    assert repr(MaxPool2d(2)).startswith("MaxPool2d(kernel_size=2, stride=2")


def test_conv_transpose_output_size():
    m = ConvTranspose2d(1, 1, 3, stride=2, padding=1)
    x = ag.randn(1, 1, 4, 4)
    assert m(x).shape == (1, 1, 7, 7)
    assert m(x, output_size=(8, 8)).shape == (1, 1, 8, 8)
    with pytest.raises(ValueError, match="not reachable"):
        m(x, output_size=(10, 10))


@pytest.mark.parametrize("call,match", [
    (lambda: Conv2d(3, 4, 3, groups=2), "divisible by groups"),
    (lambda: Conv2d(3, 4, 0), "kernel_size"),
    (lambda: Conv2d(3, 4, 3, stride=2, padding="same"), "stride 1"),
    (lambda: Conv2d(3, 4, 3, padding_mode="reflect"), "padding_mode"),
    (lambda: ConvTranspose2d(2, 2, 3, stride=2, output_padding=2), "output_padding"),
    (lambda: Conv2d(3, 4, 3)(ag.randn(1, 2, 5, 5)), "channels"),
])
def test_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.filterwarnings("ignore:Using padding='same'")
@pytest.mark.parametrize("name,make,tmake,shape,out_shape", LAYERS, ids=IDS)
def test_matches_torch(name, make, tmake, shape, out_shape):
    torch = pytest.importorskip("torch")
    ag.manual_seed(0)
    m, tm = make(), tmake(torch.nn)
    tm.load_state_dict({k: torch.tensor(v.numpy()) for k, v in m.state_dict().items()})
    x = _input(shape, dtype=np.float32)
    tx = torch.tensor(x.numpy(), requires_grad=True)
    g = np.random.default_rng(1).normal(size=out_shape).astype(np.float32)
    y, ty = m(x), tm(tx)
    np.testing.assert_allclose(y.numpy(), ty.detach().numpy(), atol=1e-5, rtol=1e-4)
    (y * ag.tensor(g)).sum().backward()
    (ty * torch.tensor(g)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), atol=1e-5, rtol=1e-4)
    for (k, p), (tk, tp) in zip(m.named_parameters(), tm.named_parameters()):
        assert k == tk
        np.testing.assert_allclose(p.grad.numpy(), tp.grad.numpy(), atol=1e-4, rtol=1e-4)
