"""Optimizer and scheduler state dicts are checked in full on load; nothing is half-applied.

A state dict can come from a file anyone wrote. Before, ``step = -3`` loaded
and the next Adam step turned the weights into NaN; a string learning rate
failed steps later with a raw TypeError. Each bad entry below must raise at
load time with a message naming it, leave the optimizer or scheduler exactly
as it was, and leave it able to take a finite step.
"""
from __future__ import annotations

import copy
import math

import numpy as np
import pytest

import autograd as ag
import nn
import optim
from optim import lr_scheduler as sched_mod


def _trained(kind: str = "adam"):
    ag.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
    opts = {"adam": lambda p: optim.Adam(p, lr=1e-2, amsgrad=True),
            "sgd": lambda p: optim.SGD(p, lr=0.1, momentum=0.9),
            "rmsprop": lambda p: optim.RMSprop(p, lr=1e-2, centered=True, momentum=0.5),
            "adagrad": lambda p: optim.Adagrad(p, lr=0.1)}
    opt = opts[kind](model.parameters())
    x, y = ag.randn(8, 3), ag.tensor(np.arange(8) % 2)
    for _ in range(2):
        opt.zero_grad()
        nn.CrossEntropyLoss()(model(x), y).backward()
        opt.step()
    return model, opt


def _state(opt) -> dict:
    return copy.deepcopy(opt.state_dict())


def _assert_unchanged_and_usable(model, opt, before: dict) -> None:
    after = opt.state_dict()
    assert after["param_groups"] == before["param_groups"]
    assert list(after["state"]) == list(before["state"])
    for i, s in before["state"].items():
        for name, v in s.items():
            np.testing.assert_array_equal(np.asarray(after["state"][i][name]), np.asarray(v))
    opt.zero_grad()
    model(ag.randn(4, 3)).sum().backward()
    opt.step()
    assert all(np.isfinite(p.numpy()).all() for p in model.parameters())


def _first(sd: dict) -> dict:
    return sd["state"][next(iter(sd["state"]))]


ADAM_FAULTS = {
    "negative step": lambda sd: _first(sd).update(step=-3),
    "fractional step": lambda sd: _first(sd).update(step=2.5),
    "text step": lambda sd: _first(sd).update(step="3"),
    "NaN step": lambda sd: _first(sd).update(step=float("nan")),
    "bool step": lambda sd: _first(sd).update(step=True),
    "NaN lr": lambda sd: sd["param_groups"][0].update(lr=float("nan")),
    "negative lr": lambda sd: sd["param_groups"][0].update(lr=-0.1),
    "text lr": lambda sd: sd["param_groups"][0].update(lr="0.1"),
    "inf eps": lambda sd: sd["param_groups"][0].update(eps=float("inf")),
    "one beta": lambda sd: sd["param_groups"][0].update(betas=(0.9,)),
    "text beta": lambda sd: sd["param_groups"][0].update(betas=("a", 0.9)),
    "beta of 1": lambda sd: sd["param_groups"][0].update(betas=(1.0, 0.999)),
    "text flag": lambda sd: sd["param_groups"][0].update(amsgrad="yes"),
    "missing lr": lambda sd: sd["param_groups"][0].pop("lr"),
    "missing betas": lambda sd: sd["param_groups"][0].pop("betas"),
    "missing params": lambda sd: sd["param_groups"][0].pop("params"),
    "missing buffer": lambda sd: _first(sd).pop("exp_avg"),
    "wrong buffer shape": lambda sd: _first(sd).update(exp_avg=np.zeros((7, 7))),
    "text buffer": lambda sd: _first(sd).update(
        exp_avg=np.full(np.shape(_first(sd)["exp_avg"]), "x")),
    "NaN buffer": lambda sd: _first(sd)["exp_avg"].__setitem__((0,), np.nan),
    "negative squares": lambda sd: _first(sd).update(exp_avg_sq=-np.abs(_first(sd)["exp_avg_sq"])
                                                     - 1),
    "None buffer": lambda sd: _first(sd).update(exp_avg=None),
    "state not a dict": lambda sd: sd.update(state=[1, 2]),
    "entry not a dict": lambda sd: sd["state"].update({0: "junk"}),
    "text index": lambda sd: sd["state"].update({"abc": {}}),
    "repeated index": lambda sd: sd["param_groups"][0].update(
        params=[0] * len(sd["param_groups"][0]["params"])),
}


@pytest.mark.parametrize("fault", list(ADAM_FAULTS))
def test_adam_state_faults_raise_and_change_nothing(fault):
    model, opt = _trained("adam")
    before = _state(opt)
    bad = _state(opt)
    ADAM_FAULTS[fault](bad)
    with pytest.raises((ValueError, TypeError), match="Adam.load_state_dict"):
        opt.load_state_dict(bad)
    _assert_unchanged_and_usable(model, opt, before)


@pytest.mark.parametrize("kind", ["sgd", "rmsprop", "adagrad"])
def test_other_optimizers_refuse_impossible_state(kind):
    model, opt = _trained(kind)
    before = _state(opt)
    group = _state(opt)
    group["param_groups"][0]["lr"] = -1.0
    with pytest.raises(ValueError, match="learning rate|lr"):
        opt.load_state_dict(group)
    if kind != "sgd":
        buffers = _state(opt)
        name = {"rmsprop": "square_avg", "adagrad": "sum"}[kind]
        _first(buffers)[name] = -np.ones_like(_first(buffers)[name])
        with pytest.raises(ValueError, match=name):
            opt.load_state_dict(buffers)
    missing = _state(opt)
    name = {"sgd": "momentum_buffer", "rmsprop": "square_avg", "adagrad": "sum"}[kind]
    _first(missing).pop(name)
    if kind != "rmsprop":  # SGD and Adagrad (re)create these on the next step: fine
        opt.load_state_dict(missing)
        return
    with pytest.raises(ValueError, match=name):
        opt.load_state_dict(missing)
    _assert_unchanged_and_usable(model, opt, before)


def test_good_state_still_loads_and_resumes_exactly():
    model, opt = _trained("adam")
    twin_model, twin = _trained("adam")
    twin.load_state_dict(_state(opt))
    twin_model.load_state_dict(model.state_dict())
    x = ag.randn(4, 3)
    for m, o in ((model, opt), (twin_model, twin)):
        o.zero_grad()
        m(x).sum().backward()
        o.step()
    for a, b in zip(model.parameters(), twin_model.parameters()):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_a_flag_missing_from_an_older_checkpoint_takes_the_default(tmp_path):
    model, opt = _trained("adam")
    sd = _state(opt)
    del sd["param_groups"][0]["maximize"]
    nn.save(sd, tmp_path / "o.npz")
    opt.load_state_dict(nn.load(tmp_path / "o.npz"))
    assert opt.param_groups[0]["maximize"] is False


def test_torch_adam_state_dict_still_loads():
    torch = pytest.importorskip("torch")
    w = np.random.default_rng(0).standard_normal((3, 2)).astype(np.float32)
    tw = torch.tensor(w, requires_grad=True)
    topt = torch.optim.Adam([tw], lr=0.01)
    for _ in range(3):
        topt.zero_grad()
        (tw ** 2).sum().backward()
        topt.step()
    ours = ag.tensor(w, requires_grad=True)
    opt = optim.Adam([ours], lr=0.5)
    opt.load_state_dict(topt.state_dict())
    assert opt.state[ours]["step"] == 3 and opt.param_groups[0]["lr"] == 0.01


# ------------------------------------------------------------------ schedulers
def _schedulers(opt):
    return {
        "StepLR": lambda: sched_mod.StepLR(opt, step_size=2, gamma=0.5),
        "MultiStepLR": lambda: sched_mod.MultiStepLR(opt, milestones=[1, 3]),
        "ExponentialLR": lambda: sched_mod.ExponentialLR(opt, gamma=0.9),
        "CosineAnnealingLR": lambda: sched_mod.CosineAnnealingLR(opt, T_max=4),
        "LinearLR": lambda: sched_mod.LinearLR(opt, total_iters=3),
        "InverseTimeLR": lambda: sched_mod.InverseTimeLR(opt, b=5),
        "OneCycleLR": lambda: sched_mod.OneCycleLR(opt, max_lr=0.1, total_steps=20),
        "LambdaLR": lambda: sched_mod.LambdaLR(opt, lambda e: 0.9 ** e),
        "ReduceLROnPlateau": lambda: sched_mod.ReduceLROnPlateau(opt, patience=1),
    }


def _stepped(name: str):
    _, opt = _trained("sgd")
    sched = _schedulers(opt)[name]()
    for k in range(3):
        opt.step()
        sched.step(1.0 / (k + 1)) if name == "ReduceLROnPlateau" else sched.step()
    return opt, sched


@pytest.mark.parametrize("name", list(_schedulers(None)))
def test_every_scheduler_state_survives_save_and_load(tmp_path, name):
    _, sched = _stepped(name)
    nn.save(sched.state_dict(), tmp_path / "s.npz")
    _, fresh = _trained("sgd")
    other = _schedulers(fresh)[name]()
    other.load_state_dict(nn.load(tmp_path / "s.npz"))
    assert other.state_dict() == sched.state_dict()


SCHED_FAULTS = {
    "negative last_epoch": ("StepLR", lambda sd: sd.update(last_epoch=-5), "last_epoch"),
    "text last_epoch": ("StepLR", lambda sd: sd.update(last_epoch="3"), "last_epoch"),
    "fractional last_epoch": ("StepLR", lambda sd: sd.update(last_epoch=2.5), "last_epoch"),
    "zero step_size": ("StepLR", lambda sd: sd.update(step_size=0), "step_size"),
    "NaN gamma": ("StepLR", lambda sd: sd.update(gamma=float("nan")), "gamma"),
    "NaN base lr": ("StepLR", lambda sd: sd.update(base_lrs=[float("nan")]), "base_lrs"),
    "negative base lr": ("StepLR", lambda sd: sd.update(base_lrs=[-1.0]), "base_lrs"),
    "base lrs per group": ("StepLR", lambda sd: sd.update(base_lrs=[0.1, 0.1]), "base_lrs"),
    "missing gamma": ("StepLR", lambda sd: sd.pop("gamma"), "gamma"),
    "unknown key": ("StepLR", lambda sd: sd.update(bogus=1), "bogus"),
    "text milestones": ("MultiStepLR", lambda sd: sd.update(milestones=["a"]), "milestones"),
    "bad mode": ("ReduceLROnPlateau", lambda sd: sd.update(mode="sideways"), "mode"),
    "NaN best": ("ReduceLROnPlateau", lambda sd: sd.update(best=float("nan")), "best"),
    "negative patience": ("ReduceLROnPlateau", lambda sd: sd.update(patience=-1), "patience"),
    "bad anneal": ("OneCycleLR", lambda sd: sd.update(anneal_strategy="zigzag"), "anneal"),
}


@pytest.mark.parametrize("fault", list(SCHED_FAULTS))
def test_scheduler_faults_raise_and_change_nothing(fault):
    name, spoil, word = SCHED_FAULTS[fault]
    _, sched = _stepped(name)
    before = copy.deepcopy(sched.state_dict())
    bad = copy.deepcopy(before)
    spoil(bad)
    with pytest.raises(ValueError, match=f"{name}.load_state_dict.*{word}"):
        sched.load_state_dict(bad)
    after = sched.state_dict()
    assert after.keys() == before.keys()
    for k, v in before.items():
        assert after[k] == v or (isinstance(v, float) and math.isnan(v) and math.isnan(after[k]))


def test_scheduler_accepts_the_infinite_best_of_a_fresh_plateau_schedule():
    _, opt = _trained("sgd")
    fresh = sched_mod.ReduceLROnPlateau(opt)
    assert fresh.state_dict()["best"] == math.inf
    fresh.load_state_dict(copy.deepcopy(fresh.state_dict()))


def test_scheduler_refuses_a_non_dict():
    _, sched = _stepped("StepLR")
    with pytest.raises(TypeError, match="StepLR.load_state_dict"):
        sched.load_state_dict("not a state dict")
