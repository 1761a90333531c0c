"""Module hooks, buffers, lookups, ``to``/``cuda`` and the factory keywords, as PyTorch's."""
import numpy as np
import pytest

import autograd as ag
import nn


def _torch():
    return pytest.importorskip("torch")


def test_forward_hooks_with_kwargs_prepend_and_remove():
    lin = nn.Linear(2, 2)
    order = []
    h1 = lin.register_forward_hook(lambda m, a, o: order.append("late"))
    h2 = lin.register_forward_hook(lambda m, a, o: order.append("early"), prepend=True)
    h3 = lin.register_forward_pre_hook(lambda m, a, kw: (a, kw), with_kwargs=True)
    h4 = lin.register_forward_hook(lambda m, a, kw, o: o * 2, with_kwargs=True)
    y = lin(ag.ones(1, 2))
    assert order == ["early", "late"]
    base = lin.weight.numpy().sum(1) + lin.bias.numpy()
    np.testing.assert_allclose(y.numpy()[0], 2 * base, rtol=1e-6)
    for h in (h1, h2, h3, h4):
        h.remove()
    np.testing.assert_allclose(lin(ag.ones(1, 2)).numpy()[0], base, rtol=1e-6)
    assert order == ["early", "late"]


def test_always_call_hook_runs_when_forward_raises():
    lin, seen = nn.Linear(2, 2), []
    lin.register_forward_hook(lambda m, a, o: seen.append(o), always_call=True)
    with pytest.raises(ValueError):
        lin(ag.ones(1, 3))
    assert seen == [None]


def test_backward_hook_sees_grad_input_and_grad_output():
    ag.manual_seed(0)
    lin = nn.Linear(3, 2)
    seen = []
    lin.register_full_backward_hook(lambda m, gi, go: seen.append((gi, go)))
    x = ag.randn(4, 3, requires_grad=True)
    g = ag.randn(4, 2)
    lin(x).backward(g)
    (gi, go), = seen
    np.testing.assert_allclose(go[0].numpy(), g.numpy())
    np.testing.assert_allclose(gi[0].numpy(), g.numpy() @ lin.weight.numpy(), rtol=1e-5)
    np.testing.assert_allclose(x.grad.numpy(), gi[0].numpy())


def test_backward_hook_replaces_grad_input_and_pre_hook_grad_output():
    lin = nn.Linear(3, 3)
    lin.register_full_backward_hook(lambda m, gi, go: (gi[0] * 0 + 7.0,))
    x = ag.randn(2, 3, requires_grad=True)
    lin(x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.full((2, 3), 7.0))
    lin2 = nn.Linear(3, 3)
    lin2.register_full_backward_pre_hook(lambda m, go: (go[0] * 0,))
    x2 = ag.randn(2, 3, requires_grad=True)
    lin2(x2).sum().backward()
    np.testing.assert_allclose(x2.grad.numpy(), 0.0)
    np.testing.assert_allclose(lin2.weight.grad.numpy(), 0.0)


def test_backward_hook_fires_with_none_when_inputs_need_no_grad():
    net = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
    seen = []
    net[0].register_full_backward_hook(lambda m, gi, go: seen.append((gi, go[0].shape)))
    handle = net[2].register_full_backward_hook(lambda m, gi, go: seen.append(gi[0].shape))
    net(ag.randn(5, 3)).sum().backward()
    assert seen == [(5, 4), ((None,), (5, 4))]  # the later layer's hook fires first
    handle.remove()
    seen.clear()
    net(ag.randn(5, 3)).sum().backward()
    assert seen == [((None,), (5, 4))]


def test_backward_hook_matches_torch():
    torch = _torch()
    ag.manual_seed(1)
    conv = nn.Conv2d(2, 3, 3, padding=1)
    tconv = torch.nn.Conv2d(2, 3, 3, padding=1)
    tconv.load_state_dict({k: torch.tensor(v.numpy()) for k, v in conv.state_dict().items()})
    ours, theirs = [], []
    conv.register_full_backward_hook(lambda m, gi, go: ours.append((gi, go)))
    tconv.register_full_backward_hook(lambda m, gi, go: theirs.append((gi, go)))
    x = np.random.default_rng(0).standard_normal((2, 2, 5, 5)).astype(np.float32)
    xa, xt = ag.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    (conv(xa) ** 2).sum().backward()
    (tconv(xt) ** 2).sum().backward()
    np.testing.assert_allclose(ours[0][0][0].numpy(), theirs[0][0][0].numpy(), rtol=1e-4,
                               atol=1e-5)
    np.testing.assert_allclose(ours[0][1][0].numpy(), theirs[0][1][0].numpy(), rtol=1e-4,
                               atol=1e-5)


def test_buffers_persistent_flag_and_lookups():
    m = nn.Module()
    m.register_buffer("kept", ag.zeros(2))
    m.register_buffer("scratch", ag.ones(3), persistent=False)
    m.sub = nn.BatchNorm1d(2)
    assert list(m.state_dict()) == ["kept", "sub.weight", "sub.bias", "sub.running_mean",
                                    "sub.running_var", "sub.num_batches_tracked"]
    assert [n for n, _ in m.named_buffers()] == ["kept", "scratch", "sub.running_mean",
                                                 "sub.running_var", "sub.num_batches_tracked"]
    assert len(list(m.buffers(recurse=False))) == 2
    assert m.get_parameter("sub.weight") is m.sub.weight
    assert m.get_buffer("sub.running_var") is m.sub.running_var
    assert m.get_submodule("sub") is m.sub
    with pytest.raises(AttributeError, match="no parameter 'nope'"):
        m.get_parameter("sub.nope")
    with pytest.raises(AttributeError, match="no submodule"):
        m.get_buffer("other.running_var")


def test_named_modules_memo_prefix_and_duplicates():
    shared = nn.Linear(2, 2)
    net = nn.Sequential(shared, nn.ReLU(), shared)
    assert [n for n, _ in net.named_modules()] == ["", "0", "1"]
    assert [n for n, _ in net.named_modules(remove_duplicate=False)] == ["", "0", "1", "2"]
    assert [n for n, _ in net.named_modules(prefix="net")] == ["net", "net.0", "net.1"]
    memo = {id(shared)}
    assert [n for n, _ in net.named_modules(memo=memo)] == ["", "1"]


def test_apply_and_requires_grad():
    net = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 1))
    net.apply(lambda m: nn.init.zeros_(m.weight) if isinstance(m, nn.Linear) else None)
    assert all(float(abs(m.weight).sum()) == 0 for m in net if isinstance(m, nn.Linear))
    assert net.requires_grad_(False) is net
    assert not any(p.requires_grad for p in net.parameters())


def test_to_accepts_device_dtype_and_tensor():
    net = nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2))
    assert net.to("cpu") is net and net.cpu() is net
    assert net.to(device="cpu", non_blocking=True) is net
    net.to("cpu", np.float64)
    assert net[0].weight.dtype == np.float64 and net[1].running_mean.dtype == np.float64
    net.to(ag.zeros(1, dtype=np.float32))
    assert net[0].weight.dtype == np.float32
    assert net[1].num_batches_tracked.dtype == np.int64  # integer buffers keep their dtype
    assert net.half()[0].weight.dtype == np.float16
    assert net.float()[0].weight.dtype == np.float32

    class Dev:
        type = "cpu"

    assert net.to(Dev()) is net
    with pytest.raises(TypeError, match="floating"):
        net.to(np.int32)


@pytest.mark.parametrize("call", [lambda m: m.cuda(), lambda m: m.to("cuda"), lambda m: m.to(0),
                                  lambda m: m.to("cuda:1", np.float32), lambda m: m.cuda(0)])
def test_cuda_says_this_engine_runs_on_cpu(call):
    with pytest.raises(RuntimeError, match="CPU only"):
        call(nn.Linear(2, 2))


LAYERS = [
    lambda **kw: nn.Linear(3, 2, **kw),
    lambda **kw: nn.Bilinear(3, 2, 4, **kw),
    lambda **kw: nn.Conv1d(2, 3, 3, **kw),
    lambda **kw: nn.Conv2d(2, 3, 3, **kw),
    lambda **kw: nn.ConvTranspose1d(2, 3, 3, **kw),
    lambda **kw: nn.ConvTranspose2d(2, 3, 3, **kw),
    lambda **kw: nn.BatchNorm1d(3, **kw),
    lambda **kw: nn.BatchNorm2d(3, **kw),
    lambda **kw: nn.InstanceNorm1d(3, affine=True, **kw),
    lambda **kw: nn.InstanceNorm2d(3, affine=True, track_running_stats=True, **kw),
    lambda **kw: nn.LayerNorm(3, **kw),
    lambda **kw: nn.GroupNorm(1, 3, **kw),
    lambda **kw: nn.Embedding(5, 3, **kw),
    lambda **kw: nn.PReLU(**kw),
    lambda **kw: nn.RNN(3, 4, **kw),
    lambda **kw: nn.LSTM(3, 4, **kw),
    lambda **kw: nn.GRU(3, 4, **kw),
    lambda **kw: nn.RNNCell(3, 4, **kw),
    lambda **kw: nn.LSTMCell(3, 4, **kw),
    lambda **kw: nn.GRUCell(3, 4, **kw),
    lambda **kw: nn.MultiheadAttention(4, 2, **kw),
    lambda **kw: nn.TransformerEncoderLayer(4, 2, 8, **kw),
    lambda **kw: nn.TransformerDecoderLayer(4, 2, 8, **kw),
    lambda **kw: nn.Transformer(4, 2, 1, 1, 8, **kw),
]


@pytest.mark.parametrize("make", LAYERS)
def test_every_layer_takes_factory_kwargs(make):
    m = make(device="cpu", dtype=np.float64)
    assert all(p.dtype == np.float64 for p in m.parameters())
    with pytest.raises(RuntimeError, match="CPU only"):
        make(device="cuda")


def test_subclass_passing_factory_kwargs_through_super():
    class MyLinear(nn.Linear):
        def __init__(self, n, device=None, dtype=None):
            factory_kwargs = {"device": device, "dtype": dtype}
            super().__init__(n, n, **factory_kwargs)

    assert MyLinear(3, device="cpu", dtype=np.float64).weight.dtype == np.float64


def test_data_parallel_is_a_pass_through():
    inner = nn.Sequential(nn.Linear(3, 2), nn.ReLU())
    dp = nn.DataParallel(inner, device_ids=None)
    assert dp.module is inner
    assert list(dp.state_dict()) == ["module.0.weight", "module.0.bias"]
    x = ag.randn(4, 3)
    np.testing.assert_allclose(dp(x).numpy(), inner(x).numpy())
    assert nn.parallel.DataParallel is nn.DataParallel
    # as PyTorch without CUDA: device ids are ignored and the module runs as is
    assert nn.DataParallel(inner, device_ids=[0, 1], output_device=0).device_ids == []


def test_backward_hook_with_two_inputs_matches_torch():
    torch = _torch()
    ours = nn.Bilinear(3, 2, 4, dtype=np.float64)
    theirs = torch.nn.Bilinear(3, 2, 4, dtype=torch.float64)
    theirs.load_state_dict({k: torch.tensor(v.numpy()) for k, v in ours.state_dict().items()})
    seen_a, seen_t = [], []
    ours.register_full_backward_hook(lambda m, gi, go: seen_a.append(gi))
    theirs.register_full_backward_hook(lambda m, gi, go: seen_t.append(gi))
    a, b = np.random.default_rng(2).standard_normal((5, 3)), np.ones((5, 2))
    ours(ag.tensor(a), ag.tensor(b, requires_grad=True)).sum().backward()
    theirs(torch.tensor(a), torch.tensor(b, requires_grad=True)).sum().backward()
    (ga,), (gt,) = seen_a, seen_t
    # the first input needs no gradient: zeros, as PyTorch, since the second one does
    np.testing.assert_array_equal(ga[0].numpy(), gt[0].numpy())
    np.testing.assert_array_equal(ga[0].numpy(), np.zeros((5, 3)))
    np.testing.assert_allclose(ga[1].numpy(), gt[1].numpy(), atol=1e-12)
