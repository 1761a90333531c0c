"""Side by side with torch.optim: the same start gives the same trajectory.

Each optimizer and option set runs 25 steps on a small MLP (4 -> 8 -> 3, ReLU,
mean squared error) from the same weights, in float32 and float64, two ways:

- ``own``: each engine computes its own gradients (end to end);
- ``shared``: both optimizers receive torch's gradient arrays, so only the
  optimizers' arithmetic can differ.

The tolerances are relative to the largest parameter magnitude. PyTorch's CPU
kernels fuse multiply-adds and use a vectorised square root that can be one
ulp from numpy's correctly rounded one, so agreement is to rounding, not bits.
``python3 tests/optim/test_torch_parity.py`` prints the largest differences.
"""
from __future__ import annotations

import numpy as np
import pytest

import autograd as ag
import optim

STEPS = 25

CASES = [
    ("SGD", {"lr": 0.1}),
    ("SGD", {"lr": 0.1, "momentum": 0.9}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "dampening": 0.3, "weight_decay": 0.01}),
    ("SGD", {"lr": 0.05, "momentum": 0.8, "nesterov": True, "weight_decay": 0.001}),
    ("SGD", {"lr": 0.01, "momentum": 0.5, "maximize": True}),
    ("Adagrad", {"lr": 0.1}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.05, "weight_decay": 0.01,
                 "initial_accumulator_value": 0.1, "eps": 1e-6}),
    ("RMSprop", {"lr": 0.01}),
    ("RMSprop", {"lr": 0.01, "alpha": 0.9, "momentum": 0.9, "centered": True,
                 "weight_decay": 0.01}),
    ("RMSprop", {"lr": 0.005, "momentum": 0.5, "eps": 1e-6, "maximize": True}),
    ("Adam", {"lr": 0.01}),
    ("Adam", {"lr": 0.01, "betas": (0.8, 0.99), "amsgrad": True, "weight_decay": 0.01}),
    ("Adam", {"lr": 0.01, "betas": (0.3, 0.9), "eps": 1e-6, "maximize": True}),
    ("AdamW", {"lr": 0.01}),
    ("AdamW", {"lr": 0.01, "weight_decay": 0.1, "amsgrad": True}),
]

# largest |ours - torch| / max|param| allowed after 25 steps
TOL = {("own", "float64"): 1e-13, ("shared", "float64"): 1e-14,
       ("own", "float32"): 1e-5, ("shared", "float32"): 5e-7}


def _start(dtype: str) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
    rng = np.random.default_rng(1234)
    shapes = [(8, 4), (8,), (3, 8), (3,)]
    params = [(rng.standard_normal(s) * 0.5).astype(dtype) for s in shapes]
    x = rng.standard_normal((16, 4)).astype(dtype)
    y = rng.standard_normal((16, 3)).astype(dtype)
    return params, x, y


def _mlp_loss(p: list, x, y):
    """The same expression for both engines: mean((relu(x W1^T + b1) W2^T + b2 - y)^2)."""
    h = (x @ p[0].T + p[1]).relu()   # (16, 8)
    out = h @ p[2].T + p[3]           # (16, 3)
    return ((out - y) ** 2).mean()


def run_pair(name: str, options: dict, dtype: str, grads: str,
             schedule: tuple[str, dict] | None = None) -> float:
    """Run both optimizers 25 steps (stepping ``schedule`` after each, if given); return the
    largest relative parameter difference."""
    torch = pytest.importorskip("torch")
    start, x, y = _start(dtype)
    ours = [ag.tensor(a, requires_grad=True) for a in start]
    theirs = [torch.tensor(a, requires_grad=True) for a in start]
    opt = getattr(optim, name)(ours, **options)
    topt = getattr(torch.optim, name)(theirs, **options)
    scheds = [] if schedule is None else [
        getattr(module.lr_scheduler, schedule[0])(o, **schedule[1])
        for module, o in ((optim, opt), (torch.optim, topt))]
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    xa, ya = ag.tensor(x), ag.tensor(y)
    for _ in range(STEPS):
        topt.zero_grad()
        _mlp_loss(theirs, xt, yt).backward()
        opt.zero_grad()
        if grads == "own":
            _mlp_loss(ours, xa, ya).backward()
        else:
            for p, t in zip(ours, theirs):
                p.grad = ag.tensor(t.grad.numpy().copy())
        topt.step()
        opt.step()
        for sched in scheds:
            sched.step()
    scale = max(float(np.abs(t.detach().numpy()).max()) for t in theirs)
    assert all(p.dtype == np.dtype(dtype) for p in ours)  # updates keep the dtype
    return max(float(np.abs(p.array - t.detach().numpy()).max()) for p, t in
               zip(ours, theirs)) / scale


@pytest.mark.parametrize("grads", ["shared", "own"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name,options", CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
def test_same_trajectory_as_torch(name: str, options: dict, dtype: str, grads: str) -> None:
    diff = run_pair(name, options, dtype, grads)
    assert diff <= TOL[(grads, dtype)], f"{name}{options}: relative difference {diff:.3g}"


@pytest.mark.parametrize("name,options", [c for c in CASES if c[0] == "SGD"],
                         ids=[f"SGD-{i}" for i, c in enumerate(CASES) if c[0] == "SGD"])
def test_sgd_float32_steps_agree_to_rounding(name: str, options: dict) -> None:
    """No square root is involved: the only difference left is PyTorch's fused
    multiply-add (one rounding) against our multiply then add (two), so float32
    trajectories agree to a few ulps after 25 steps."""
    pytest.importorskip("torch")
    diff = run_pair(name, options, "float32", "shared")
    assert diff <= 1e-6, f"SGD{options}: relative difference {diff:.3g}"


@pytest.mark.parametrize("name,options,schedule", [
    ("SGD", {"lr": 0.1, "momentum": 0.9}, ("OneCycleLR", {"max_lr": 0.3, "total_steps": 25})),
    ("Adam", {"lr": 0.01}, ("OneCycleLR", {"max_lr": 0.05, "total_steps": 25})),
    ("RMSprop", {"lr": 0.01, "momentum": 0.5}, ("CosineAnnealingLR", {"T_max": 10})),
    ("Adagrad", {"lr": 0.1}, ("StepLR", {"step_size": 5, "gamma": 0.5})),
], ids=["SGD-onecycle", "Adam-onecycle-betas", "RMSprop-cosine", "Adagrad-step"])
def test_same_trajectory_with_a_schedule(name: str, options: dict, schedule: tuple) -> None:
    """lr (and OneCycleLR's momentum or beta1) change every step; the updates must follow."""
    diff = run_pair(name, options, "float64", "shared", schedule)
    assert diff <= TOL[("shared", "float64")], f"{name} with {schedule[0]}: {diff:.3g}"


def test_the_parameters_actually_move() -> None:
    """Guard against a vacuous comparison: 25 steps change every parameter."""
    pytest.importorskip("torch")
    start, x, y = _start("float64")
    for name, options in CASES:
        ours = [ag.tensor(a, requires_grad=True) for a in start]
        opt = getattr(optim, name)(ours, **options)
        for _ in range(STEPS):
            opt.zero_grad()
            _mlp_loss(ours, ag.tensor(x), ag.tensor(y)).backward()
            opt.step()
        moved = min(float(np.abs(p.array - a).max()) for p, a in zip(ours, start))
        assert moved > 1e-4, (name, options, moved)


@pytest.mark.parametrize("name,options", [CASES[2], CASES[6], CASES[8], CASES[11], CASES[14]],
                         ids=["SGD", "Adagrad", "RMSprop", "Adam", "AdamW"])
def test_a_torch_optimizer_state_dict_loads_and_continues(name: str, options: dict) -> None:
    """Moving to or from PyTorch mid-training: torch.optim's state dict loads as it is."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(7)
    grads = [rng.standard_normal((3, 2)).astype(np.float32) for _ in range(6)]
    t = torch.tensor(rng.standard_normal((3, 2)).astype(np.float32), requires_grad=True)
    topt = getattr(torch.optim, name)([t], **options)
    for g in grads[:3]:
        t.grad = torch.from_numpy(g.copy())
        topt.step()
    p = ag.tensor(t.detach().numpy().copy(), requires_grad=True)
    opt = getattr(optim, name)([p], lr=123.0)            # options come from the state dict
    opt.load_state_dict(topt.state_dict())
    assert opt.param_groups[0]["lr"] == options["lr"]
    for g in grads[3:]:
        t.grad = torch.from_numpy(g.copy())
        topt.step()
        p.grad = ag.tensor(g.copy())
        opt.step()
    assert p.dtype == np.float32
    np.testing.assert_allclose(p.array, t.detach().numpy(), rtol=1e-6, atol=1e-7)


def report() -> None:
    for grads in ("shared", "own"):
        for dtype in ("float32", "float64"):
            worst = max((run_pair(n, o, dtype, grads), n, str(o)) for n, o in CASES)
            print(f"{grads:6s} {dtype}: largest relative difference {worst[0]:.3g} "
                  f"({worst[1]} {worst[2]})")


if __name__ == "__main__":
    report()
