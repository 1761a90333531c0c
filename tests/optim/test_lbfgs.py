"""LBFGS: closure, history, tolerances, max_iter/max_eval, strong Wolfe, against torch."""
import numpy as np
import pytest

import autograd as ag
import optim
from optim.line_search import cubic_interpolate, strong_wolfe

X0 = [-1.2, 1.0, 0.5, -0.3]


def _rosenbrock_run(lbfgs_cls, make, steps=5, **kwargs):
    x = make(X0)
    opt = lbfgs_cls([x], **kwargs)
    calls = [0]

    def closure():
        calls[0] += 1
        opt.zero_grad()
        a, b = x[:-1], x[1:]
        loss = (100 * (b - a * a) ** 2 + (1 - a) ** 2).sum()
        loss.backward()
        return loss

    losses = [float(opt.step(closure).detach()) for _ in range(steps)]
    return x, opt, losses, calls[0]


def _ours(v):
    return ag.tensor(v, dtype="float64", requires_grad=True)


def _quadratic(x, target, scale):
    return (ag.tensor(scale, dtype="float64") * (x - ag.tensor(target, dtype="float64")) ** 2).sum()


@pytest.mark.parametrize("line_search", [None, "strong_wolfe"])
def test_quadratic_converges(line_search):
    x = ag.tensor([0.0, 0.0, 0.0], dtype="float64", requires_grad=True)
    opt = optim.LBFGS([x], line_search_fn=line_search, max_iter=50)

    def closure():
        opt.zero_grad()
        loss = _quadratic(x, [1.0, -2.0, 3.0], [1.0, 10.0, 0.5])
        loss.backward()
        return loss

    opt.step(closure)
    np.testing.assert_allclose(x.numpy(), [1.0, -2.0, 3.0], atol=1e-6)


def test_state_counters_and_history_size():
    x, opt, losses, calls = _rosenbrock_run(optim.LBFGS, _ours, steps=3, history_size=3,
                                            max_iter=7)
    st = opt.state[x]
    assert 7 < st["n_iter"] <= 21 and st["func_evals"] == calls
    assert len(st["old_dirs"]) == len(st["old_stps"]) == len(st["ro"]) <= 3
    assert losses[-1] < losses[0]
    assert set(st) >= {"func_evals", "n_iter", "d", "t", "old_dirs", "old_stps", "ro", "H_diag",
                       "prev_flat_grad", "prev_loss", "al"}


def test_max_iter_and_max_eval_bound_the_closure_calls():
    _, _, _, calls = _rosenbrock_run(optim.LBFGS, _ours, steps=1, max_iter=4)
    assert calls == 4  # one evaluation per iteration, none after the last
    _, _, _, calls = _rosenbrock_run(optim.LBFGS, _ours, steps=1, max_iter=20, max_eval=3)
    assert calls == 3
    _, opt, _, calls = _rosenbrock_run(optim.LBFGS, _ours, steps=1, max_iter=6,
                                       line_search_fn="strong_wolfe")
    assert opt.state[opt._params[0]]["n_iter"] == 6 and calls <= 1 + 6 * 25


def test_tolerances_stop_early():
    x = ag.tensor([1.0, 2.0], dtype="float64", requires_grad=True)
    opt = optim.LBFGS([x])
    calls = []

    def at_optimum():
        calls.append(1)
        opt.zero_grad()
        loss = _quadratic(x, [1.0, 2.0], [1.0, 1.0])
        loss.backward()
        return loss

    opt.step(at_optimum)
    assert len(calls) == 1 and x.tolist() == [1.0, 2.0]  # tolerance_grad: no step at all
    _, opt, _, calls = _rosenbrock_run(optim.LBFGS, _ours, steps=1, max_iter=100,
                                       tolerance_change=1e-2)
    assert opt.state[opt._params[0]]["n_iter"] < 100


def test_multi_parameter_and_float32():
    w = ag.tensor(np.ones((2, 2), np.float32), requires_grad=True)
    b = ag.tensor(np.zeros(2, np.float32), requires_grad=True)
    opt = optim.LBFGS([w, b], line_search_fn="strong_wolfe")
    X = ag.tensor(np.array([[1.0, 2.0], [3.0, -1.0], [0.5, 0.5]], np.float32))
    Y = ag.tensor(np.array([[1.0, 0.0], [0.0, 1.0], [2.0, 2.0]], np.float32))

    def closure():
        opt.zero_grad()
        loss = ((X @ w + b - Y) ** 2).mean()
        loss.backward()
        return loss

    first = float(closure())
    for _ in range(3):
        opt.step(closure)
    assert float(closure()) < first * 0.5 and w.dtype == np.float32


def test_errors():
    x = ag.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="closure"):
        optim.LBFGS([x]).step()
    with pytest.raises(ValueError, match="parameter groups"):
        optim.LBFGS([{"params": [x]}, {"params": [ag.tensor([1.0], requires_grad=True)]}])
    with pytest.raises(ValueError, match="line_search_fn"):
        optim.LBFGS([x], line_search_fn="backtracking")
    with pytest.raises(ValueError, match="history_size"):
        optim.LBFGS([x], history_size=0)


def test_line_search_helpers():
    assert cubic_interpolate(0.0, 0.0, -2.0, 2.0, 0.0, 2.0) == pytest.approx(1.0)
    # no real minimiser (d1^2 < g1 g2): the middle of the bounds
    assert cubic_interpolate(0.0, 0.0, -1.0, 1.0, -0.5, -1.0, bounds=(0.0, 4.0)) == 2.0

    def f(t):  # (1 - t)^2 along d = [1]
        return float((1 - t) ** 2), np.array([-2 * (1 - t)])

    f_new, g_new, t, n = strong_wolfe(f, 0.1, np.array([1.0]), 1.0, np.array([-2.0]), -2.0)
    assert f_new <= 1.0 + 1e-4 * t * -2.0 and abs(g_new[0]) <= 0.9 * 2.0


def test_state_dict_round_trip_continues_identically(tmp_path):
    import nn
    x, opt, _, _ = _rosenbrock_run(optim.LBFGS, _ours, steps=2, history_size=4,
                                   line_search_fn="strong_wolfe")
    nn.save(opt.state_dict(), tmp_path / "lbfgs.npz")
    y = _ours(x.numpy().copy())
    opt2 = optim.LBFGS([y], history_size=4, line_search_fn="strong_wolfe")
    opt2.load_state_dict(nn.load(tmp_path / "lbfgs.npz"))
    for var, o in ((x, opt), (y, opt2)):
        def closure(var=var, o=o):
            o.zero_grad()
            a, b = var[:-1], var[1:]
            loss = (100 * (b - a * a) ** 2 + (1 - a) ** 2).sum()
            loss.backward()
            return loss
        o.step(closure)
    np.testing.assert_array_equal(x.numpy(), y.numpy())


@pytest.mark.parametrize("kwargs", [
    {}, {"line_search_fn": "strong_wolfe"}, {"history_size": 3, "max_iter": 7, "lr": 0.5},
    {"line_search_fn": "strong_wolfe", "history_size": 2, "tolerance_change": 1e-5},
    {"max_eval": 4},
])
def test_matches_torch_in_float64(kwargs):
    torch = pytest.importorskip("torch")

    def theirs(v):
        return torch.tensor(v, dtype=torch.float64, requires_grad=True)

    x, opt, losses, calls = _rosenbrock_run(optim.LBFGS, _ours, **kwargs)
    tx, topt, tlosses, tcalls = _rosenbrock_run(torch.optim.LBFGS, theirs, **kwargs)
    np.testing.assert_allclose(losses, tlosses, rtol=1e-12)
    np.testing.assert_allclose(x.numpy(), tx.detach().numpy(), rtol=0, atol=1e-12)
    st, tst = opt.state[x], topt.state[tx]
    assert (st["func_evals"], st["n_iter"], calls) == (tst["func_evals"], tst["n_iter"], tcalls)
    assert len(st["old_dirs"]) == len(tst["old_dirs"])


@pytest.mark.parametrize("line_search", [None, "strong_wolfe"])
def test_matches_torch_in_float32_on_least_squares(line_search):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    A = rng.standard_normal((20, 5)).astype(np.float32)
    b = rng.standard_normal(20).astype(np.float32)
    results = []
    for lib in (ag, torch):
        if lib is ag:
            x, At, bt = ag.tensor(np.zeros(5, np.float32), requires_grad=True), ag.tensor(A), \
                ag.tensor(b)
            opt = optim.LBFGS([x], history_size=4, max_iter=6, line_search_fn=line_search)
        else:
            x, At, bt = torch.zeros(5, requires_grad=True), torch.tensor(A), torch.tensor(b)
            opt = torch.optim.LBFGS([x], history_size=4, max_iter=6, line_search_fn=line_search)

        def closure(x=x, opt=opt, At=At, bt=bt):
            opt.zero_grad()
            loss = ((At @ x - bt) ** 2).mean()
            loss.backward()
            return loss

        opt.step(closure)  # six iterations, well before float32 noise decides the path
        st = opt.state[x]
        first = (x.detach().numpy().copy(), st["func_evals"], st["n_iter"])
        for _ in range(3):
            opt.step(closure)
        results.append((first, x.detach().numpy().copy()))
    (ours, ours_end), (ref, ref_end) = results
    np.testing.assert_allclose(ours[0], ref[0], rtol=1e-5, atol=1e-6)
    assert ours[1:] == ref[1:]
    solution = np.linalg.lstsq(A.astype(np.float64), b.astype(np.float64), rcond=None)[0]
    np.testing.assert_allclose(ours_end, solution, atol=2e-4)
    np.testing.assert_allclose(ref_end, solution, atol=2e-4)


def test_torch_lbfgs_state_dict_loads_and_continues():
    torch = pytest.importorskip("torch")

    def theirs(v):
        return torch.tensor(v, dtype=torch.float64, requires_grad=True)

    tx, topt, _, _ = _rosenbrock_run(torch.optim.LBFGS, theirs, steps=1, history_size=30,
                                     max_iter=4, line_search_fn="strong_wolfe")
    sd = topt.state_dict()
    assert None in sd["state"][0]["al"]  # torch pads 'al' with None beyond the history
    x = _ours(tx.detach().numpy().copy())
    opt = optim.LBFGS([x], history_size=30, max_iter=4, line_search_fn="strong_wolfe")
    opt.load_state_dict(sd)
    for var, o in ((x, opt), (tx, topt)):
        def closure(var=var, o=o):
            o.zero_grad()
            a, b = var[:-1], var[1:]
            loss = (100 * (b - a * a) ** 2 + (1 - a) ** 2).sum()
            loss.backward()
            return loss
        o.step(closure)
    np.testing.assert_allclose(x.numpy(), tx.detach().numpy(), rtol=0, atol=1e-12)


@pytest.mark.slow  # two LBFGS steps of 20 iterations through a 20-step LSTM, in both engines
def test_sine_wave_lstm_trained_with_lbfgs_follows_torch():
    """PyTorch's time-sequence-prediction example in small: LSTMCell + Linear, LBFGS lr=0.8."""
    torch = pytest.importorskip("torch")
    import nn
    T, B, H = 20, 3, 6
    rng = np.random.default_rng(0)
    wave = np.sin(np.arange(T + 1)[None, :] / 4.0 + rng.uniform(0, 6, (B, 1)))  # (B, T + 1)
    inp, tgt = wave[:, :-1], wave[:, 1:]
    torch.manual_seed(0)
    t_cell, t_lin = torch.nn.LSTMCell(1, H).double(), torch.nn.Linear(H, 1).double()
    cell, lin = nn.LSTMCell(1, H, dtype="float64"), nn.Linear(H, 1, dtype="float64")
    cell.load_state_dict({k: v.detach().numpy().copy() for k, v in t_cell.state_dict().items()})
    lin.load_state_dict({k: v.detach().numpy().copy() for k, v in t_lin.state_dict().items()})

    def run(lib, cell, lin, opt_cls):
        params = list(cell.parameters()) + list(lin.parameters())
        opt = opt_cls(params, lr=0.8)
        x, y = lib.tensor(inp), lib.tensor(tgt)

        def closure():
            opt.zero_grad()
            h = c = lib.zeros(B, H, dtype=lib.float64)
            outs = []
            for t in range(T):
                h, c = cell(x[:, t:t + 1], (h, c))
                outs.append(lin(h))
            loss = ((lib.cat(outs, 1) - y) ** 2).mean()
            loss.backward()
            return loss

        return [float(opt.step(closure).detach()) for _ in range(2)]

    ours = run(ag, cell, lin, optim.LBFGS)
    ref = run(torch, t_cell, t_lin, torch.optim.LBFGS)
    assert ours[-1] < 0.05 * ours[0]
    np.testing.assert_allclose(ours, ref, rtol=1e-8)
