"""RNN, LSTM, GRU and their cells: shapes, gradients, state dicts, PyTorch parity."""
import math

import numpy as np
import pytest

import autograd as ag
from autograd.gradcheck import gradcheck, gradgradcheck
from nn.rnn import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNCell

# (id, class name, kwargs, input shape, give initial state)
CONFIGS = [
    ("rnn tanh", "RNN", dict(), (4, 2, 3), False),
    ("rnn relu 2 layers", "RNN", dict(nonlinearity="relu", num_layers=2), (3, 2, 3), True),
    ("rnn bidir batch_first", "RNN", dict(bidirectional=True, batch_first=True), (2, 4, 3),
     True),
    ("lstm", "LSTM", dict(), (5, 3, 3), False),
    ("lstm 2 layers bidir batch_first h0", "LSTM",
     dict(num_layers=2, bidirectional=True, batch_first=True), (2, 3, 3), True),
    ("lstm no bias", "LSTM", dict(bias=False), (3, 2, 3), True),
    ("lstm unbatched", "LSTM", dict(num_layers=2), (4, 3), True),
    ("gru", "GRU", dict(), (4, 2, 3), False),
    ("gru 2 layers bidir h0", "GRU", dict(num_layers=2, bidirectional=True), (3, 2, 3), True),
    ("gru unbatched batch_first", "GRU", dict(batch_first=True), (4, 3), False),
]
IDS = [c[0] for c in CONFIGS]
HIDDEN = 4


def _module(cls, kw, dtype=None, hidden=HIDDEN):
    import nn.rnn as R
    return getattr(R, cls)(3, hidden, dtype=dtype, **kw)


def _states(cls, kw, shape, dtype, seed=1, hidden=HIDDEN):
    L = kw.get("num_layers", 1) * (2 if kw.get("bidirectional") else 1)
    sshape = (L, hidden) if len(shape) == 2 else (
        L, shape[0] if kw.get("batch_first") else shape[1], hidden)
    rng = np.random.default_rng(seed)
    mk = lambda: ag.tensor(rng.normal(size=sshape).astype(dtype), requires_grad=True)  # noqa: E731
    return (mk(), mk()) if cls == "LSTM" else (mk(),)


def _out_shapes(kw, shape):
    D = 2 if kw.get("bidirectional") else 1
    L = kw.get("num_layers", 1) * D
    if len(shape) == 2:
        return (shape[0], D * HIDDEN), (L, HIDDEN)
    T, N = (shape[1], shape[0]) if kw.get("batch_first") else shape[:2]
    out = (N, T, D * HIDDEN) if kw.get("batch_first") else (T, N, D * HIDDEN)
    return out, (L, N, HIDDEN)


def _run(m, cls, x, states):
    if not states:
        out, hn = m(x)
    else:
        out, hn = m(x, states if cls == "LSTM" else states[0])
    return (out,) + (tuple(hn) if cls == "LSTM" else (hn,))


@pytest.mark.parametrize("name,cls,kw,shape,with_h0", CONFIGS, ids=IDS)
def test_shapes_and_state_dict_names(name, cls, kw, shape, with_h0):
    ag.manual_seed(0)
    m = _module(cls, kw)
    x = ag.randn(*shape)
    states = _states(cls, kw, shape, np.float32) if with_h0 else ()
    outs = _run(m, cls, x, states)
    out_shape, h_shape = _out_shapes(kw, shape)
    assert outs[0].shape == out_shape and outs[0].dtype == np.float32
    assert all(h.shape == h_shape for h in outs[1:])
    G = {"RNN": 1, "LSTM": 4, "GRU": 3}[cls]
    D = 2 if kw.get("bidirectional") else 1
    sd = m.state_dict()
    for layer in range(kw.get("num_layers", 1)):
        n_in = 3 if layer == 0 else D * HIDDEN
        for sfx in [""] + (["_reverse"] if D == 2 else []):
            assert sd[f"weight_ih_l{layer}{sfx}"].shape == (G * HIDDEN, n_in)
            assert sd[f"weight_hh_l{layer}{sfx}"].shape == (G * HIDDEN, HIDDEN)
            assert (f"bias_ih_l{layer}{sfx}" in sd) == kw.get("bias", True)


@pytest.mark.parametrize("name,cls,kw,shape,with_h0", CONFIGS, ids=IDS)
def test_gradcheck_inputs_states_and_weights(name, cls, kw, shape, with_h0):
    ag.manual_seed(0)
    m = _module(cls, kw, dtype=np.float64, hidden=2)  # small: every weight is checked
    names = [n for n, _ in m.named_parameters()]
    x = ag.tensor(np.random.default_rng(0).normal(size=shape), requires_grad=True)
    states = _states(cls, kw, shape, np.float64, hidden=2) if with_h0 else ()
    params = [ag.tensor(p.array.copy(), requires_grad=True) for p in m.parameters()]

    def f(x, *rest):
        st, ps = rest[:len(states)], rest[len(states):]
        saved = dict(m._parameters)
        m._parameters.update(zip(names, ps))  # run with the checker's copies of the weights
        try:
            return _run(m, cls, x, st)
        finally:
            m._parameters.update(saved)

    assert gradcheck(f, (x, *states, *params))


@pytest.mark.parametrize("cell,args", [(RNNCell, {}), (RNNCell, {"nonlinearity": "relu"}),
                                       (LSTMCell, {}), (GRUCell, {})])
def test_cells_gradcheck_and_double_backward(cell, args):
    ag.manual_seed(0)
    m = cell(3, 2, dtype=np.float64, **args)
    rng = np.random.default_rng(0)
    x = ag.tensor(rng.normal(size=(2, 3)), requires_grad=True)
    h = ag.tensor(rng.normal(size=(2, 2)), requires_grad=True)
    if cell is LSTMCell:
        c = ag.tensor(rng.normal(size=(2, 2)), requires_grad=True)
        f = lambda x, h, c: m(x, (h, c))  # noqa: E731
        inputs = (x, h, c)
    else:
        f = lambda x, h: m(x, h)  # noqa: E731
        inputs = (x, h)
    assert gradcheck(f, inputs)
    assert gradgradcheck(f, inputs, atol=1e-4)


def test_one_step_of_a_layer_is_its_cell():
    ag.manual_seed(0)
    for layer_cls, cell_cls in ((RNN, RNNCell), (LSTM, LSTMCell), (GRU, GRUCell)):
        layer, cell = layer_cls(3, 5), cell_cls(3, 5)
        cell.load_state_dict({k[:-3]: v for k, v in layer.state_dict().items()})
        x = ag.randn(1, 2, 3)
        out, _ = layer(x)
        h = cell(x[0])
        h = h[0] if isinstance(h, tuple) else h
        np.testing.assert_allclose(out[0].numpy(), h.numpy(), rtol=1e-6, atol=1e-6)


def test_default_init_range_and_repr():
    ag.manual_seed(0)
    m = LSTM(3, 16, num_layers=2)
    k = 1 / math.sqrt(16)
    vals = np.concatenate([p.numpy().ravel() for p in m.parameters()])
    assert np.abs(vals).max() <= k and np.abs(vals).max() > 0.95 * k
    assert abs(vals.mean()) < 0.02
    assert repr(m) == "LSTM(3, 16, num_layers=2)"
    assert repr(GRU(2, 3, batch_first=True, bidirectional=True)) == (
        "GRU(2, 3, batch_first=True, bidirectional=True)")
    assert repr(RNNCell(2, 3, nonlinearity="relu")) == "RNNCell(2, 3, nonlinearity='relu')"


def test_dropout_between_layers_only_in_training():
    ag.manual_seed(0)
    m = LSTM(3, 8, num_layers=2, dropout=0.5)
    x = ag.randn(5, 2, 3)
    a, b = m(x)[0].numpy(), m(x)[0].numpy()
    assert not np.allclose(a, b)  # a fresh mask each call
    m.eval()
    np.testing.assert_array_equal(m(x)[0].numpy(), m(x)[0].numpy())
    with pytest.warns(UserWarning, match="num_layers=1"):
        LSTM(3, 8, dropout=0.5)


def test_state_dict_round_trip():
    ag.manual_seed(0)
    a, b = GRU(3, 4, num_layers=2, bidirectional=True), GRU(3, 4, num_layers=2,
                                                            bidirectional=True)
    x = ag.randn(4, 2, 3)
    assert not np.allclose(a(x)[0].numpy(), b(x)[0].numpy())
    b.load_state_dict(a.state_dict())
    np.testing.assert_array_equal(a(x)[0].numpy(), b(x)[0].numpy())


@pytest.mark.parametrize("call,err,match", [
    (lambda: LSTM(3, 4)(ag.randn(2, 2, 5)), ValueError, "Expected 3, got 5"),
    (lambda: LSTM(3, 4)(ag.randn(2, 2, 3), ag.zeros(1, 2, 4)), TypeError, "pair"),
    (lambda: GRU(3, 4)(ag.randn(2, 2, 3), ag.zeros(2, 2, 4)), ValueError, r"\(1, 2, 4\)"),
    (lambda: RNN(3, 4, nonlinearity="sigmoid"), ValueError, "nonlinearity"),
    (lambda: LSTM(3, 0), ValueError, "hidden_size"),
    (lambda: GRU(3, 4, dropout=1.5), ValueError, "dropout"),
    (lambda: LSTM(3, 4)(ag.randn(3)), ValueError, "2-D"),
    (lambda: GRUCell(3, 4)(ag.randn(2, 3), ag.zeros(2, 5)), ValueError, "hidden state"),
])
def test_errors(call, err, match):
    with pytest.raises(err, match=match):
        call()


# ---------------------------------------------------------------- PyTorch parity
def _to_torch(m, tm, torch):
    sd = m.state_dict()
    assert list(sd) == list(tm.state_dict())  # same names, same order
    tm.load_state_dict({k: torch.tensor(v.numpy()) for k, v in sd.items()})


@pytest.mark.parametrize("name,cls,kw,shape,with_h0", CONFIGS, ids=IDS)
def test_matches_torch_outputs_and_gradients(name, cls, kw, shape, with_h0):
    torch = pytest.importorskip("torch")
    ag.manual_seed(0)
    m = _module(cls, kw)
    tm = getattr(torch.nn, cls)(3, HIDDEN, **kw)
    _to_torch(m, tm, torch)
    x = ag.tensor(np.random.default_rng(0).normal(size=shape).astype(np.float32),
                  requires_grad=True)
    states = _states(cls, kw, shape, np.float32) if with_h0 else ()
    tx = torch.tensor(x.numpy(), requires_grad=True)
    tstates = tuple(torch.tensor(s.numpy(), requires_grad=True) for s in states)
    outs = _run(m, cls, x, states)
    touts = _run(tm, cls, tx, tstates)
    rng = np.random.default_rng(2)
    gs = [rng.normal(size=o.shape).astype(np.float32) for o in outs]
    for o, to in zip(outs, touts):
        np.testing.assert_allclose(o.numpy(), to.detach().numpy(), atol=1e-5, rtol=1e-4)
    sum((o * ag.tensor(g)).sum() for o, g in zip(outs, gs)).backward()
    sum((o * torch.tensor(g)).sum() for o, g in zip(touts, gs)).backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), atol=1e-5, rtol=1e-4)
    for s, ts in zip(states, tstates):
        np.testing.assert_allclose(s.grad.numpy(), ts.grad.numpy(), atol=1e-5, rtol=1e-4)
    for (k, p), (_, tp) in zip(m.named_parameters(), tm.named_parameters()):
        np.testing.assert_allclose(p.grad.numpy(), tp.grad.numpy(), atol=1e-4, rtol=1e-4,
                                   err_msg=k)


@pytest.mark.parametrize("cls,kw", [("RNNCell", {}), ("RNNCell", {"nonlinearity": "relu"}),
                                    ("LSTMCell", {}), ("GRUCell", {})])
def test_cells_match_torch(cls, kw):
    torch = pytest.importorskip("torch")
    import nn.rnn as R
    ag.manual_seed(0)
    m, tm = getattr(R, cls)(3, 5, **kw), getattr(torch.nn, cls)(3, 5, **kw)
    _to_torch(m, tm, torch)
    rng = np.random.default_rng(0)
    xn, hn = rng.normal(size=(4, 3)).astype(np.float32), rng.normal(size=(4, 5)).astype(np.float32)
    x, h = ag.tensor(xn, requires_grad=True), ag.tensor(hn, requires_grad=True)
    tx, th = torch.tensor(xn, requires_grad=True), torch.tensor(hn, requires_grad=True)
    if cls == "LSTMCell":
        out, tout = m(x, (h, h * 0.5)), tm(tx, (th, th * 0.5))
        y, ty = out[0] * 2 + out[1], tout[0] * 2 + tout[1]
    else:
        y, ty = m(x, h), tm(tx, th)
    np.testing.assert_allclose(y.numpy(), ty.detach().numpy(), atol=1e-5, rtol=1e-4)
    (y * y).sum().backward()
    (ty * ty).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), atol=1e-4, rtol=1e-4)
    np.testing.assert_allclose(h.grad.numpy(), th.grad.numpy(), atol=1e-4, rtol=1e-4)
    np.testing.assert_allclose(m.weight_hh.grad.numpy(), tm.weight_hh.grad.numpy(), atol=1e-4,
                               rtol=1e-4)


@pytest.mark.parametrize("which", [0, 1, None])  # only h', only c', both
def test_fused_lstm_gates_against_central_differences(which):
    from nn.rnn import LSTMGates
    rng = np.random.default_rng(0)
    gates = ag.tensor(rng.normal(0, 2, (3, 8)), requires_grad=True)  # H = 2
    c = ag.tensor(rng.normal(size=(3, 2)), requires_grad=True)
    f = (lambda g, c: LSTMGates.apply(g, c)) if which is None else (
        lambda g, c: LSTMGates.apply(g, c)[which])
    assert gradcheck(f, (gates, c))
    assert gradgradcheck(f, (gates, c), atol=1e-4)


# ---------------------------------------------------------------- the fused layers
def _fused_and_steps(cls, kw, seed=0):
    import nn.rnn as R
    ag.manual_seed(seed)
    fused = getattr(R, cls)(3, HIDDEN, dtype=np.float64, **kw)
    steps = getattr(R, cls)(3, HIDDEN, dtype=np.float64, **kw)
    steps.load_state_dict(fused.state_dict())
    steps.fused = False
    return fused, steps


def _grads_of(m, cls, x, states, gs):
    x = ag.tensor(x, requires_grad=True)
    states = tuple(ag.tensor(s, requires_grad=True) for s in states)
    outs = _run(m, cls, x, states)
    sum((o * ag.tensor(g)).sum() for o, g in zip(outs, gs)).backward()
    return ([o.numpy() for o in outs], [x.grad.numpy()] + [s.grad.numpy() for s in states]
            + [p.grad.numpy() for p in m.parameters()])


@pytest.mark.parametrize("name,cls,kw,shape,with_h0",
                         [c for c in CONFIGS if c[1] != "RNN"], ids=[c[0] for c in CONFIGS
                                                                     if c[1] != "RNN"])
def test_fused_layer_equals_the_per_step_path(name, cls, kw, shape, with_h0):
    fused, steps = _fused_and_steps(cls, kw)
    rng = np.random.default_rng(3)
    x = rng.normal(size=shape)
    states = tuple(s.numpy() for s in _states(cls, kw, shape, np.float64)) if with_h0 else ()
    gs = [rng.normal(size=s) for s in (_out_shapes(kw, shape)[0],) + (
        _out_shapes(kw, shape)[1],) * (2 if cls == "LSTM" else 1)]
    outs_f, grads_f = _grads_of(fused, cls, x, states, gs)
    outs_s, grads_s = _grads_of(steps, cls, x, states, gs)
    for a, b in zip(outs_f + grads_f, outs_s + grads_s):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("cls", ["LSTM", "GRU"])
def test_fused_packed_layer_equals_the_per_step_path(cls):
    from nn.utils.rnn import pack_sequence, pad_packed_sequence
    fused, steps = _fused_and_steps(cls, dict(num_layers=2, bidirectional=True))
    rng = np.random.default_rng(4)
    seqs = [rng.normal(size=(n, 3)) for n in (3, 5, 1, 4)]
    results = []
    for m in (fused, steps):
        xs = [ag.tensor(s, requires_grad=True) for s in seqs]
        out, state = m(pack_sequence(xs, enforce_sorted=False))
        h = state[0] if cls == "LSTM" else state
        padded, _ = pad_packed_sequence(out)
        ((padded * ag.tensor(np.cos(np.arange(padded.numpy().size)).reshape(padded.shape))).sum()
         + (h * h).sum()).backward()
        results.append([padded.numpy(), h.numpy()] + [x.grad.numpy() for x in xs]
                       + [p.grad.numpy() for p in m.parameters()])
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def _layer_inputs(cls, rng, T=3, N=2, n_in=2, H=2):
    G = 4 if cls == "LSTM" else 3
    t = lambda *s: ag.tensor(rng.normal(size=s), requires_grad=True)  # noqa: E731
    states = (t(N, H), t(N, H)) if cls == "LSTM" else (t(N, H),)
    return (t(T, N, n_in),) + states + (t(G * H, n_in), t(G * H, H), t(G * H), t(G * H))


@pytest.mark.parametrize("cls", ["LSTM", "GRU"])
@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("lengths", [None, (3, 1)])
def test_fused_layer_op_gradcheck(cls, reverse, lengths):
    from nn.rnn_fused import GRULayer, LSTMLayer
    op = LSTMLayer if cls == "LSTM" else GRULayer
    inputs = _layer_inputs(cls, np.random.default_rng(5))
    mask = None if lengths is None else (np.arange(3)[:, None] < np.array(lengths))[:, :, None]
    assert gradcheck(lambda *a: op.apply(*a, mask=mask, reverse=reverse), inputs)


@pytest.mark.parametrize("cls", ["LSTM", "GRU"])
@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("lengths", [None, (3, 1)])
def test_fused_layer_op_second_derivatives(cls, reverse, lengths):
    from nn.rnn_fused import GRULayer, LSTMLayer
    op = LSTMLayer if cls == "LSTM" else GRULayer
    inputs = _layer_inputs(cls, np.random.default_rng(6), T=3, N=2, n_in=1, H=1)
    mask = None if lengths is None else (np.arange(3)[:, None] < np.array(lengths))[:, :, None]
    assert gradgradcheck(lambda *a: op.apply(*a, mask=mask, reverse=reverse), inputs,
                         atol=1e-4)


@pytest.mark.parametrize("cls", ["LSTM", "GRU"])
def test_fused_layer_second_order_exact_third_refused(cls):
    import nn.rnn as R
    ag.manual_seed(0)
    m = getattr(R, cls)(2, 2, dtype=np.float64)
    x = ag.tensor(np.random.default_rng(0).normal(size=(3, 2, 2)), requires_grad=True)
    (g,) = ag.grad((m(x)[0] ** 2).sum(), x, create_graph=True)
    with pytest.raises(RuntimeError, match="fused = False"):  # recording it: third order
        ag.grad((g ** 2).sum(), x, create_graph=True, retain_graph=True)
    (gg,) = ag.grad((g ** 2).sum(), x)  # second order
    m.fused = False  # the per-step path: the same values, and any order
    (g_s,) = ag.grad((m(x)[0] ** 2).sum(), x, create_graph=True)
    (gg_s,) = ag.grad((g_s ** 2).sum(), x, create_graph=True)
    np.testing.assert_allclose(g.numpy(), g_s.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(gg.numpy(), gg_s.numpy(), rtol=1e-10, atol=1e-12)
    assert ag.grad(gg_s.sum(), x)[0].shape == x.shape


def test_fused_layer_sees_weights_changed_in_place_before_backward():
    ag.manual_seed(0)
    m = LSTM(3, 4)
    out = m(ag.randn(2, 1, 3, requires_grad=True))[0]
    with ag.no_grad():
        m.weight_hh_l0.mul_(2.0)
    with pytest.raises(RuntimeError, match="in-place"):
        out.sum().backward()


def test_zero_weights_written_values():
    # all weights zero: LSTM gates i = f = o = 1/2, g = 0, so c_t = c0 / 2^t and
    # h_t = tanh(c_t) / 2; GRU r = z = 1/2, n = 0, so h_t = h0 / 2^t
    lstm, gru = LSTM(1, 1, dtype=np.float64), GRU(1, 1, dtype=np.float64)
    for p in list(lstm.parameters()) + list(gru.parameters()):
        p.array[...] = 0
    x = ag.zeros(3, 1, 1, dtype=np.float64)
    out, (h, c) = lstm(x, (ag.zeros(1, 1, 1, dtype=np.float64),
                           ag.full((1, 1, 1), 2.0, dtype=np.float64)))
    cs = np.array([1.0, 0.5, 0.25])
    np.testing.assert_allclose(out.numpy().ravel(), np.tanh(cs) / 2, rtol=1e-14)
    assert c.item() == 0.25 and h.item() == pytest.approx(np.tanh(0.25) / 2, rel=1e-14)
    out, h = gru(x, ag.full((1, 1, 1), 4.0, dtype=np.float64))
    np.testing.assert_allclose(out.numpy().ravel(), [2.0, 1.0, 0.5], rtol=1e-14)


def test_workspace_hands_out_only_arrays_nothing_holds():
    from nn.rnn_fused import _Workspace
    ws = _Workspace()
    a = ws.empty((3, 4), np.dtype(np.float32))
    b = ws.empty((3, 4), np.dtype(np.float32))
    assert a is not b  # a is held here
    view = b[1:]
    del b
    c = ws.empty((3, 4), np.dtype(np.float32))
    assert c is not a and c.base is None and view.base is not c  # b lives on through view
    a_id = id(a)
    del a  # only the pool holds it now: handed out again
    assert id(ws.empty((3, 4), np.dtype(np.float32))) == a_id
    kept = [ws.empty((3, 4), np.dtype(np.float32)) for _ in range(6)]  # past PER_SHAPE
    assert len({id(k) for k in kept}) == 6


@pytest.mark.parametrize("cls", ["LSTM", "GRU"])
def test_two_live_graphs_of_one_layer_keep_their_own_buffers(cls):
    fused, steps = _fused_and_steps(cls, dict(num_layers=2))
    rng = np.random.default_rng(7)
    xs = [ag.tensor(rng.normal(size=(4, 2, 3)), requires_grad=True) for _ in range(2)]
    outs = [fused(x)[0] for x in xs]  # both graphs alive before any backward
    first = outs[0].numpy().copy()
    for o in outs[::-1]:
        (o * o).sum().backward()
    for x, o in zip(xs, outs):
        x_s = ag.tensor(x.numpy(), requires_grad=True)
        o_s = steps(x_s)[0]
        (o_s * o_s).sum().backward()
        np.testing.assert_allclose(o.numpy(), o_s.numpy(), rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(x.grad.numpy(), x_s.grad.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_array_equal(outs[0].numpy(), first)
