"""Learning-rate schedules: closed forms without PyTorch, identical values with it.

SCHEDULES is the table: each row builds one scheduler on a two-group
optimizer; the generic tests walk it (PyTorch parity epoch by epoch, state
dict round trips). The closed-form tests check each formula on its own.
"""
from __future__ import annotations

import bisect
import re
import warnings

import numpy as np
import pytest

import autograd as ag
import nn
import optim
from optim import lr_scheduler as S

EPOCHS = 40


def lam(epoch: int) -> float:
    return 0.95 ** epoch + 0.01 * (epoch % 3)


# (name, optimizer class, optimizer options, scheduler class name, scheduler options)
SCHEDULES = [
    ("lambda", "SGD", {}, "LambdaLR", {"lr_lambda": lam}),
    ("step", "SGD", {}, "StepLR", {"step_size": 7, "gamma": 0.3}),
    ("multistep", "SGD", {}, "MultiStepLR", {"milestones": [3, 8, 8, 20], "gamma": 0.5}),
    ("exponential", "SGD", {}, "ExponentialLR", {"gamma": 0.93}),
    ("cosine", "SGD", {}, "CosineAnnealingLR", {"T_max": 9, "eta_min": 0.001}),
    ("linear", "SGD", {}, "LinearLR", {"start_factor": 0.1, "end_factor": 0.9,
                                       "total_iters": 6}),
    ("onecycle-sgd", "SGD", {"momentum": 0.9}, "OneCycleLR",
     {"max_lr": [0.5, 0.05], "total_steps": EPOCHS + 1}),
    ("onecycle-adam-linear-3phase", "Adam", {}, "OneCycleLR",
     {"max_lr": 0.01, "epochs": 5, "steps_per_epoch": 9, "anneal_strategy": "linear",
      "three_phase": True, "pct_start": 0.25}),
    ("onecycle-rmsprop", "RMSprop", {"momentum": 0.5}, "OneCycleLR",
     {"max_lr": 0.2, "total_steps": EPOCHS + 1, "cycle_momentum": False}),
]
IDS = [row[0] for row in SCHEDULES]


def _metric(epoch: int) -> float:
    """A validation loss that improves, plateaus, improves a little, then plateaus."""
    return [1.0, 0.8, 0.7, 0.7, 0.71, 0.69, 0.6999, 0.7, 0.5, 0.5][epoch % 10] - epoch // 10


def make(module, opt_name: str, opt_options: dict, sched_name: str, sched_options: dict):
    """Two groups (lr 0.1 and 0.02) on two fresh leaves, from ``module`` (optim or torch.optim)."""
    if module is optim:
        p, q = (ag.tensor([1.0], requires_grad=True) for _ in range(2))
    else:
        import torch
        p, q = (torch.tensor([1.0], requires_grad=True) for _ in range(2))
    opt = getattr(module, opt_name)([{"params": [p]}, {"params": [q], "lr": 0.02}], lr=0.1,
                                    **opt_options)
    sched = getattr(module.lr_scheduler, sched_name)(opt, **sched_options)
    return opt, sched


def trace(opt, sched, epochs: int = EPOCHS) -> list:
    """get_last_lr() and each group's momentum/beta1, epoch by epoch."""
    out = []
    for _ in range(epochs):
        moms = [g.get("momentum", g.get("betas", (None,))[0]) for g in opt.param_groups]
        out.append((list(sched.get_last_lr()), moms))
        opt.step()
        sched.step()
    return out


# ------------------------------------------------------------------ PyTorch parity
@pytest.mark.parametrize("row", SCHEDULES, ids=IDS)
def test_values_identical_to_pytorch(row) -> None:
    torch = pytest.importorskip("torch")
    _, opt_name, opt_options, sched_name, sched_options = row
    ours = trace(*make(optim, opt_name, opt_options, sched_name, sched_options))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = trace(*make(torch.optim, opt_name, opt_options, sched_name, sched_options))
    assert ours == theirs   # exact: same formulas, same order of float operations


@pytest.mark.parametrize("options", [
    {"factor": 0.5, "patience": 0},
    {"factor": 0.3, "patience": 2, "cooldown": 3, "min_lr": [0.01, 0.0]},
    {"mode": "max", "factor": 0.5, "patience": 1, "threshold": 0.05},
    {"factor": 0.5, "patience": 1, "threshold": 0.05, "threshold_mode": "abs"},
    {"factor": 0.9, "patience": 0, "eps": 1e-3},
])
def test_reduce_on_plateau_identical_to_pytorch(options) -> None:
    torch = pytest.importorskip("torch")
    results = []
    for module in (optim, torch.optim):
        opt, _ = make(module, "SGD", {}, "StepLR", {"step_size": 1000})
        sched = module.lr_scheduler.ReduceLROnPlateau(opt, **options)
        seq = []
        for epoch in range(EPOCHS):
            value = _metric(epoch)
            sched.step(-value if options.get("mode") == "max" else value)
            seq.append((list(sched.get_last_lr()), sched.num_bad_epochs, sched.best))
        results.append(seq)
    assert results[0] == results[1]


def test_chained_schedules_identical_to_pytorch() -> None:
    torch = pytest.importorskip("torch")
    results = []
    for module in (optim, torch.optim):
        opt, warm = make(module, "SGD", {}, "LinearLR", {"start_factor": 0.2,
                                                         "total_iters": 4})
        decay = module.lr_scheduler.ExponentialLR(opt, gamma=0.9)
        seq = []
        for _ in range(12):
            opt.step()
            warm.step()
            decay.step()
            seq.append(decay.get_last_lr())
        results.append(seq)
    assert results[0] == results[1]


# ------------------------------------------------------------------ closed forms
def lrs(sched_name: str, epochs: int = EPOCHS, **options) -> np.ndarray:
    """Group 0's rate (base 0.1) for epochs 0..epochs-1."""
    opt, sched = make(optim, "SGD", {}, sched_name, options)
    return np.array([lr[0] for lr, _ in trace(opt, sched, epochs)])


T = np.arange(EPOCHS)


@pytest.mark.parametrize("name,options,formula", [
    ("LambdaLR", {"lr_lambda": lam}, lambda t: 0.1 * np.array([lam(int(i)) for i in t])),
    ("StepLR", {"step_size": 7, "gamma": 0.3}, lambda t: 0.1 * 0.3 ** (t // 7)),
    ("MultiStepLR", {"milestones": [8, 3, 20, 8], "gamma": 0.5},
     lambda t: 0.1 * 0.5 ** np.array([bisect.bisect_right([3, 8, 8, 20], i) for i in t])),
    ("ExponentialLR", {"gamma": 0.93}, lambda t: 0.1 * 0.93 ** t),
    ("CosineAnnealingLR", {"T_max": 9, "eta_min": 0.001},
     lambda t: 0.001 + (0.1 - 0.001) * (1 + np.cos(np.pi * t / 9)) / 2),
    ("LinearLR", {"start_factor": 0.1, "end_factor": 0.9, "total_iters": 6},
     lambda t: 0.1 * (0.1 + 0.8 * np.minimum(t, 6) / 6)),
    ("InverseTimeLR", {"b": 4}, lambda t: (0.1 * 4) / (4 + t)),
])
def test_closed_form(name, options, formula) -> None:
    np.testing.assert_allclose(lrs(name, **options), formula(T), rtol=1e-12)


def test_inverse_time_matches_the_course_a_over_b_plus_t() -> None:
    a, b = 0.5, 20
    opt = optim.SGD([ag.tensor([0.0], requires_grad=True)], lr=a / b)
    sched = S.InverseTimeLR(opt, b=b)
    got = []
    for _ in range(50):
        got.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    np.testing.assert_allclose(got, [a / (b + t) for t in range(50)], rtol=1e-14)
    assert got[b] == pytest.approx(got[0] / 2)      # halved after b epochs


def test_one_cycle_hits_its_landmarks() -> None:
    opt, sched = make(optim, "SGD", {"momentum": 0.9}, "OneCycleLR",
                      {"max_lr": 1.0, "total_steps": 100, "pct_start": 0.25,
                       "div_factor": 10.0, "final_div_factor": 100.0})
    seq = trace(opt, sched, 100)
    lr = np.array([s[0][0] for s in seq])
    mom = np.array([s[1][0] for s in seq])
    assert lr[0] == pytest.approx(0.1) and mom[0] == pytest.approx(0.95)
    peak = 24                                   # the rise ends at step pct * total - 1
    assert lr.argmax() == peak and lr[peak] == pytest.approx(1.0)
    assert mom.argmin() == peak and mom[peak] == pytest.approx(0.85)
    assert lr[-1] == pytest.approx(0.1 / 100) and mom[-1] == pytest.approx(0.95)
    assert np.all(np.diff(lr[:peak + 1]) > 0) and np.all(np.diff(lr[peak:]) < 0)
    # cosine halfway down the fall: the midpoint of max_lr and min_lr
    half = peak + (99 - peak) / 2
    assert np.interp(half, np.arange(100), lr) == pytest.approx((1.0 + 0.001) / 2, rel=1e-3)
    with pytest.raises(ValueError, match="tried to step 101 times"):
        sched.step()


def test_reduce_on_plateau_halves_when_the_held_out_loss_stops_improving() -> None:
    opt = optim.SGD([ag.tensor([0.0], requires_grad=True)], lr=0.8)
    sched = S.ReduceLROnPlateau(opt, factor=0.5, patience=1, cooldown=1, min_lr=0.15)
    got = []
    for loss in [1.0, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9]:
        sched.step(ag.tensor(loss))
        got.append(sched.get_last_lr()[0])
    # two epochs without a new best -> halve; one cooldown epoch; the floor is 0.15
    assert got == [0.8, 0.8, 0.8, 0.4, 0.4, 0.4, 0.2, 0.2, 0.2, 0.15]


# ------------------------------------------------------------------ state and errors
@pytest.mark.parametrize("row", SCHEDULES, ids=IDS)
def test_state_dict_round_trip_through_nn_save(row, tmp_path) -> None:
    _, opt_name, opt_options, sched_name, sched_options = row
    opt, sched = make(optim, opt_name, opt_options, sched_name, sched_options)
    trace(opt, sched, 10)
    nn.save({"opt": opt.state_dict(), "sched": sched.state_dict()}, tmp_path / "s.npz")
    expected = trace(opt, sched, 15)

    opt2, sched2 = make(optim, opt_name, opt_options, sched_name, sched_options)
    saved = nn.load(tmp_path / "s.npz")
    opt2.load_state_dict(saved["opt"])
    sched2.load_state_dict(saved["sched"])
    assert trace(opt2, sched2, 15) == expected


def test_plateau_state_round_trip() -> None:
    opt, _ = make(optim, "SGD", {}, "StepLR", {"step_size": 100})
    sched = S.ReduceLROnPlateau(opt, patience=3)
    for epoch in range(5):
        sched.step(_metric(epoch))
    copy = S.ReduceLROnPlateau(opt, patience=3)
    copy.load_state_dict(sched.state_dict())
    assert (copy.best, copy.num_bad_epochs, copy.last_epoch) == (0.7, 2, 5)
    with pytest.raises(ValueError, match="unexpected keys"):
        copy.load_state_dict({"bogus": 1})


@pytest.mark.parametrize("name,options,message", [
    ("StepLR", {"step_size": 0}, "StepLR: invalid step_size: 0 (must be a positive int)"),
    ("StepLR", {"step_size": 2.5}, "StepLR: invalid step_size: 2.5"),
    ("CosineAnnealingLR", {"T_max": -3}, "CosineAnnealingLR: invalid T_max: -3"),
    ("LinearLR", {"start_factor": 0.0}, "LinearLR: invalid start_factor: 0.0 (must be in (0, 1])"),
    ("LinearLR", {"end_factor": 1.5}, "LinearLR: invalid end_factor: 1.5"),
    ("LinearLR", {"total_iters": 0}, "LinearLR: invalid total_iters: 0"),
    ("InverseTimeLR", {"b": 0}, "InverseTimeLR: invalid b: 0 (must be > 0)"),
    ("LambdaLR", {"lr_lambda": [lam]}, "expected 2 lr_lambdas"),
    ("OneCycleLR", {"max_lr": 1.0}, "OneCycleLR: invalid epochs: None"),
    ("OneCycleLR", {"max_lr": 1.0, "total_steps": 10, "pct_start": 2.0}, "invalid pct_start: 2.0"),
    ("OneCycleLR", {"max_lr": 1.0, "total_steps": 10, "anneal_strategy": "cosine"},
     "invalid anneal_strategy: 'cosine'"),
    ("OneCycleLR", {"max_lr": 1.0, "total_steps": 10}, "cycle_momentum needs an optimizer"),
    ("ReduceLROnPlateau", {"factor": 1.0}, "ReduceLROnPlateau: invalid factor: 1.0"),
    ("ReduceLROnPlateau", {"mode": "maximum"}, "invalid mode: 'maximum'"),
    ("ReduceLROnPlateau", {"patience": -1}, "invalid patience: -1"),
    ("ReduceLROnPlateau", {"threshold_mode": "relative"}, "invalid threshold_mode"),
    ("ReduceLROnPlateau", {"min_lr": [0.1]}, "expected 2 values for min_lr"),
])
def test_invalid_settings_are_rejected(name, options, message) -> None:
    opt, _ = make(optim, "Adagrad", {}, "StepLR", {"step_size": 1})   # Adagrad: no momentum
    with pytest.raises(ValueError, match=re.escape(message)):
        getattr(S, name)(opt, **options)


def test_a_scheduler_needs_an_optimizer_and_initial_lr_to_resume() -> None:
    with pytest.raises(TypeError, match="is not an Optimizer"):
        S.StepLR(object(), step_size=1)
    opt = optim.SGD([ag.tensor([0.0], requires_grad=True)], lr=0.1)
    with pytest.raises(KeyError, match="initial_lr"):
        S.StepLR(opt, step_size=1, last_epoch=4)


def test_resuming_with_last_epoch_continues_the_schedule() -> None:
    opt = optim.SGD([ag.tensor([0.0], requires_grad=True)], lr=1.0)
    sched = S.CosineAnnealingLR(opt, T_max=10)
    for _ in range(4):
        opt.step()
        sched.step()
    # a fresh optimizer holding the saved rates, and the index of the last epoch taken
    opt2 = optim.SGD([ag.tensor([0.0], requires_grad=True)], lr=opt.param_groups[0]["lr"])
    opt2.param_groups[0]["initial_lr"] = 1.0
    sched2 = S.CosineAnnealingLR(opt2, T_max=10, last_epoch=sched.last_epoch - 1)
    assert sched2.last_epoch == sched.last_epoch
    for _ in range(10):
        for o, sc in ((opt, sched), (opt2, sched2)):
            o.step()
            sc.step()
        assert sched2.get_last_lr() == sched.get_last_lr()
