"""Optimizer.state as a defaultdict (PyTorch-style custom optimizers) and add_param_group."""
from collections import defaultdict

import numpy as np
import pytest

import autograd as torch  # the porting table's alias: the class below is written as for PyTorch
import optim


class HeavyBall(optim.Optimizer):
    """A custom optimizer written the way PyTorch's tutorials write one."""

    def __init__(self, params, lr=0.1, momentum=0.5):
        defaults = dict(lr=lr, momentum=momentum)
        super().__init__(params, defaults)

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = 0
                    state["buf"] = torch.zeros_like(p)
                state["step"] += 1
                buf = state["buf"]
                buf.mul_(group["momentum"]).add_(p.grad)
                p.add_(buf, alpha=-group["lr"])
        return loss


def test_state_is_a_defaultdict_keyed_by_parameters():
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    opt = optim.SGD([w], lr=0.1, momentum=0.9)
    assert isinstance(opt.state, defaultdict) and len(opt.state) == 0
    assert opt.state[w] == {} and w in opt.state  # reading creates an empty entry, as PyTorch
    w.grad = torch.tensor([1.0, 1.0])
    opt.step()
    assert set(opt.state[w]) == {"momentum_buffer"}
    opt.state = {w: {"momentum_buffer": np.zeros(2, np.float32)}}  # a plain dict converts
    assert isinstance(opt.state, defaultdict)


def test_pytorch_style_custom_optimizer_runs():
    w = torch.tensor([1.0, -1.0], requires_grad=True)
    opt = HeavyBall([w], lr=0.1, momentum=0.5)
    for _ in range(3):
        opt.zero_grad()
        (w * torch.tensor([1.0, 2.0])).sum().backward()
        opt.step()
    # buf: g, 1.5 g, 1.75 g -> total 4.25 g steps of lr
    np.testing.assert_allclose(w.numpy(), [1.0 - 0.425, -1.0 - 0.85], rtol=1e-6)
    assert opt.state[w]["step"] == 3 and not w.grad_fn
    sd = opt.state_dict()
    assert sd["state"][0]["step"] == 3 and sd["param_groups"][0]["lr"] == 0.1


def test_add_param_group_after_construction():
    w, b = torch.tensor([1.0], requires_grad=True), torch.tensor([1.0], requires_grad=True)
    opt = optim.Adam([w], lr=0.1)
    sched = optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    opt.add_param_group({"params": b, "lr": 0.01})
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.01]
    assert opt.param_groups[1]["betas"] == (0.9, 0.999)  # defaults fill the rest
    w.grad, b.grad = torch.tensor([1.0]), torch.tensor([1.0])
    opt.step()
    np.testing.assert_allclose([w.item(), b.item()], [0.9, 0.99], rtol=1e-6)
    assert len(opt.state_dict()["param_groups"]) == 2
    sched.step()  # the scheduler knew one group; the optimizer keeps working
    with pytest.raises(ValueError, match="more than one"):
        opt.add_param_group({"params": [w]})
    with pytest.raises(TypeError, match="set"):
        opt.add_param_group({"params": {torch.tensor([0.0], requires_grad=True)}})
    with pytest.raises(ValueError, match="params"):
        opt.add_param_group({"lr": 0.1})
    with pytest.raises(ValueError, match="learning rate"):
        opt.add_param_group({"params": [torch.tensor([0.0], requires_grad=True)], "lr": -1.0})


def test_add_param_group_matches_torch():
    t = pytest.importorskip("torch")
    w, b = t.tensor([1.0], requires_grad=True), t.tensor([1.0], requires_grad=True)
    opt = t.optim.Adam([w], lr=0.1)
    opt.add_param_group({"params": b, "lr": 0.01})
    ours_w = torch.tensor([1.0], requires_grad=True)
    ours_b = torch.tensor([1.0], requires_grad=True)
    ours = optim.Adam([ours_w], lr=0.1)
    ours.add_param_group({"params": ours_b, "lr": 0.01})
    for _ in range(3):
        w.grad, b.grad = t.tensor([1.0]), t.tensor([-2.0])
        ours_w.grad, ours_b.grad = torch.tensor([1.0]), torch.tensor([-2.0])
        opt.step()
        ours.step()
    np.testing.assert_allclose([ours_w.item(), ours_b.item()], [w.item(), b.item()], rtol=1e-6)
    assert {k for k in opt.param_groups[1] if k != "params"} >= \
        {k for k in ours.param_groups[1] if k != "params"}
