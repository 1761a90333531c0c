"""SequentialLR, ChainedScheduler, CyclicLR, CosineAnnealingWarmRestarts, PolynomialLR,
ConstantLR, MultiplicativeLR: PyTorch's values, state dicts and errors."""
import math

import numpy as np
import pytest

import autograd as ag
import optim
from optim import lr_scheduler as ls


def _opt(lib, kind="SGD", lr=1.0, groups=1):
    mod = lib.optim if lib is not optim else optim
    t = lib.tensor if lib is not optim else ag.tensor
    params = [{"params": [t([0.0], requires_grad=True)], "lr": lr * (i + 1)}
              for i in range(groups)]
    if kind == "SGD":
        return mod.SGD(params, lr=lr, momentum=0.9)
    return mod.Adam(params, lr=lr)


# (name, builder(sched module, optimizer), optimizer kind, epochs)
CASES = [
    ("MultiplicativeLR", lambda m, o: m.MultiplicativeLR(o, lambda e: 0.9 ** (e % 3)), "SGD", 8),
    ("ConstantLR", lambda m, o: m.ConstantLR(o, factor=0.25, total_iters=3), "SGD", 6),
    ("PolynomialLR", lambda m, o: m.PolynomialLR(o, total_iters=6, power=1.7), "SGD", 9),
    ("CosineAnnealingWarmRestarts", lambda m, o: m.CosineAnnealingWarmRestarts(o, T_0=3),
     "SGD", 10),
    ("CosineAnnealingWarmRestarts-mult",
     lambda m, o: m.CosineAnnealingWarmRestarts(o, T_0=2, T_mult=2, eta_min=0.01), "SGD", 16),
    ("CyclicLR-triangular", lambda m, o: m.CyclicLR(o, 0.1, 1.0, step_size_up=3), "SGD", 14),
    ("CyclicLR-triangular2",
     lambda m, o: m.CyclicLR(o, [0.1, 0.2], 1.0, step_size_up=2, step_size_down=3,
                             mode="triangular2"), "SGD", 16),
    ("CyclicLR-exp_range",
     lambda m, o: m.CyclicLR(o, 0.1, 1.0, step_size_up=2, mode="exp_range", gamma=0.9), "Adam",
     14),
    ("CyclicLR-scale_fn",
     lambda m, o: m.CyclicLR(o, 0.1, 1.0, step_size_up=2, scale_fn=lambda x: 1 / (1 + x),
                             scale_mode="iterations", cycle_momentum=False), "SGD", 10),
    ("SequentialLR",
     lambda m, o: m.SequentialLR(o, [m.LinearLR(o, start_factor=0.2, total_iters=3),
                                     m.ExponentialLR(o, gamma=0.8),
                                     m.StepLR(o, step_size=2, gamma=0.5)], milestones=[3, 6]),
     "SGD", 12),
    ("SequentialLR-cosine",
     lambda m, o: m.SequentialLR(o, [m.ConstantLR(o, factor=0.5, total_iters=2),
                                     m.CosineAnnealingLR(o, T_max=4)], milestones=[2]), "SGD", 9),
    ("ChainedScheduler",
     lambda m, o: m.ChainedScheduler([m.ConstantLR(o, factor=0.1, total_iters=2),
                                      m.ExponentialLR(o, gamma=0.9),
                                      m.MultiStepLR(o, [3, 5], gamma=0.5)]), "SGD", 8),
]


def _run(lib, build, kind, epochs, groups=2):
    mod = lib.optim.lr_scheduler if lib is not optim else ls
    opt = _opt(lib, kind, groups=groups)
    sched = build(mod, opt)
    lrs, moms = [], []
    for _ in range(epochs):
        lrs.append(list(sched.get_last_lr()))
        g = opt.param_groups[0]
        moms.append(g["betas"][0] if "betas" in g else g["momentum"])
        opt.step()
        sched.step()
    return lrs, moms


# written values (closed forms from the formulas, checked against torch 2.13)
def test_written_values():
    lrs, _ = _run(optim, CASES[1][1], "SGD", 6, groups=1)
    assert [v[0] for v in lrs] == [0.25, 0.25, 0.25, 1.0, 1.0, 1.0]
    lrs, _ = _run(optim, CASES[2][1], "SGD", 9, groups=1)
    np.testing.assert_allclose([v[0] for v in lrs],
                               [(1 - min(t, 6) / 6) ** 1.7 for t in range(9)], atol=1e-12)
    lrs, _ = _run(optim, CASES[3][1], "SGD", 10, groups=1)
    np.testing.assert_allclose([v[0] for v in lrs],
                               [(1 + math.cos(math.pi * (t % 3) / 3)) / 2 for t in range(10)],
                               atol=1e-12)
    lrs, moms = _run(optim, CASES[5][1], "SGD", 14, groups=1)
    expected = [0.1 + 0.9 * (1 - abs((t % 6) - 3) / 3) for t in range(14)]  # a triangle wave
    np.testing.assert_allclose([v[0] for v in lrs], expected, atol=1e-12)
    np.testing.assert_allclose(moms, [0.9 - 0.1 * (e - 0.1) / 0.9 for e in expected], atol=1e-12)
    lrs, _ = _run(optim, CASES[9][1], "SGD", 12, groups=1)
    np.testing.assert_allclose([v[0] for v in lrs],
                               [0.2, 0.4667, 0.7333, 1.0, 0.8, 0.64, 1.0, 1.0, 0.5, 0.5, 0.25,
                                0.25], atol=1e-4)


@pytest.mark.parametrize("name,build,kind,epochs", CASES, ids=[c[0] for c in CASES])
def test_values_match_torch(name, build, kind, epochs):
    torch = pytest.importorskip("torch")
    ours, ours_m = _run(optim, build, kind, epochs)
    ref, ref_m = _run(torch, build, kind, epochs)
    np.testing.assert_allclose(ours, ref, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(ours_m, ref_m, rtol=1e-13)


def test_warm_restarts_with_fractional_epochs_match_torch():
    torch = pytest.importorskip("torch")
    out = []
    for lib in (optim, torch):
        opt = _opt(lib)
        mod = lib.optim.lr_scheduler if lib is torch else ls
        s = mod.CosineAnnealingWarmRestarts(opt, T_0=3, T_mult=2)
        vals = []
        for epoch in np.arange(0, 12, 0.25):
            s.step(float(epoch))
            vals.append(s.get_last_lr()[0])
        out.append(vals)
    np.testing.assert_allclose(out[0], out[1], rtol=1e-12)


@pytest.mark.parametrize("index", [3, 6, 9, 11])
def test_state_dict_round_trip(index, tmp_path):
    import nn
    name, build, kind, epochs = CASES[index]
    opt = _opt(optim, kind, groups=2)
    sched = build(ls, opt)
    for _ in range(3):
        opt.step()
        sched.step()
    nn.save({"opt": opt.state_dict(), "sched": sched.state_dict()}, tmp_path / "s.npz")
    opt2 = _opt(optim, kind, groups=2)
    sched2 = build(ls, opt2)
    ck = nn.load(tmp_path / "s.npz")
    opt2.load_state_dict(ck["opt"])
    sched2.load_state_dict(ck["sched"])
    for _ in range(4):
        opt.step()
        sched.step()
        opt2.step()
        sched2.step()
        np.testing.assert_allclose(sched2.get_last_lr(), sched.get_last_lr(), rtol=1e-15)


@pytest.mark.parametrize("call,err,match", [
    (lambda o: ls.ConstantLR(o, factor=1.5), ValueError, "factor"),
    (lambda o: ls.PolynomialLR(o, total_iters=0), ValueError, "total_iters"),
    (lambda o: ls.CosineAnnealingWarmRestarts(o, T_0=0), ValueError, "T_0"),
    (lambda o: ls.CosineAnnealingWarmRestarts(o, T_0=2, T_mult=1.5), ValueError, "T_mult"),
    (lambda o: ls.CyclicLR(o, 0.1, 1.0, mode="zigzag"), ValueError, "mode"),
    (lambda o: ls.CyclicLR(o, [0.1, 0.2, 0.3], 1.0), ValueError, "base_lr"),
    (lambda o: ls.MultiplicativeLR(o, 0.5), TypeError, "function"),
    (lambda o: ls.SequentialLR(o, [ls.ConstantLR(o)], milestones=[2]), ValueError, "milestones"),
    (lambda o: ls.SequentialLR(o, [], milestones=[]), ValueError, "at least one"),
    (lambda o: ls.ChainedScheduler([ls.ReduceLROnPlateau(o)]), ValueError, "ReduceLROnPlateau"),
    (lambda o: ls.ChainedScheduler([ls.ConstantLR(o), ls.ConstantLR(_opt(optim))]), ValueError,
     "same optimizer"),
])
def test_errors(call, err, match):
    with pytest.raises(err, match=match):
        call(_opt(optim, groups=2))


def test_cyclic_needs_momentum_or_turns_it_off():
    opt = optim.Adagrad([ag.tensor([0.0], requires_grad=True)], lr=0.1)
    with pytest.raises(ValueError, match="momentum"):
        ls.CyclicLR(opt, 0.1, 1.0)
    s = ls.CyclicLR(opt, 0.1, 1.0, step_size_up=1, cycle_momentum=False)
    s.step()
    assert s.get_last_lr() == [1.0]
