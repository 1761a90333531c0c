"""Resuming from a checkpoint gives the same parameters as never stopping, bit for bit.

The training loop is the one a user writes: a seeded DataLoader, a model with
Dropout and BatchNorm (so the global generator and buffers matter), an
optimizer with state and a learning-rate schedule stepped per epoch. A
checkpoint holds the model, optimizer, scheduler, the global RNG state, the
loader's generator state at the start of the current epoch and the position
in it. Resuming rebuilds everything from different seeds, loads the
checkpoint and must end exactly where the uninterrupted run ends.
"""
from __future__ import annotations

import numpy as np
import pytest

import autograd as ag
import nn
import optim
from nn.data import DataLoader, TensorDataset

N, BATCH = 40, 8  # 5 batches per epoch


def _dataset() -> TensorDataset:
    rng = np.random.default_rng(123)
    x = rng.standard_normal((N, 6)).astype(np.float32)
    y = (x[:, 0] + x[:, 1] > 0).astype(np.int64) + (x[:, 2] > 1).astype(np.int64)
    return TensorDataset(ag.tensor(x), ag.tensor(y))


OPTIMS = {
    "sgd-nesterov": lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True,
                                         weight_decay=1e-3),
    "adam": lambda ps: optim.Adam(ps, lr=0.01, amsgrad=True),
    "rmsprop": lambda ps: optim.RMSprop(ps, lr=0.01, momentum=0.5, centered=True),
}
SCHEDS = {
    "step": lambda o: optim.lr_scheduler.StepLR(o, step_size=2, gamma=0.5),
    "cosine": lambda o: optim.lr_scheduler.CosineAnnealingLR(o, T_max=7),
}


class Run:
    """Everything a training run holds, built from ``seed`` (init, dropout, data order)."""

    def __init__(self, opt_name: str, sched_name: str, seed: int) -> None:
        ag.manual_seed(seed)
        self.model = nn.Sequential(nn.Linear(6, 16), nn.BatchNorm1d(16), nn.ReLU(),
                                   nn.Dropout(0.3), nn.Linear(16, 3))
        self.opt = OPTIMS[opt_name](self.model.parameters())
        self.sched = SCHEDS[sched_name](self.opt)
        self.loader = DataLoader(_dataset(), batch_size=BATCH, shuffle=True, seed=seed + 1)
        self.loss_fn = nn.CrossEntropyLoss()
        self.epoch, self.batch = 0, 0  # position: next batch to train on
        self.epoch_rng = self._loader_state()

    def _loader_state(self) -> dict:
        return dict(self.loader.generator.bit_generator.state)

    def train(self, until_step: int) -> None:
        """Train until ``until_step`` batches in total have been used."""
        per_epoch = len(self.loader)
        while self.epoch * per_epoch + self.batch < until_step:
            if self.batch == 0:
                self.epoch_rng = self._loader_state()
            else:  # resuming mid-epoch: replay this epoch's order, skip the used batches
                self.loader.generator.bit_generator.state = self.epoch_rng
            self.model.train()
            for i, (x, y) in enumerate(self.loader):
                if i < self.batch:
                    continue
                if self.epoch * per_epoch + i >= until_step:
                    return
                self.opt.zero_grad()
                self.loss_fn(self.model(x), y).backward()
                self.opt.step()
                self.batch = i + 1
            self.sched.step()
            self.epoch, self.batch = self.epoch + 1, 0

    def checkpoint(self) -> dict:
        return {"model": self.model.state_dict(), "optim": self.opt.state_dict(),
                "sched": self.sched.state_dict(), "rng": ag.get_rng_state(),
                "loader_rng": self.epoch_rng, "loader_now": self._loader_state(),
                "epoch": self.epoch, "batch": self.batch}

    def restore(self, ckpt: dict) -> None:
        self.model.load_state_dict(ckpt["model"])
        self.opt.load_state_dict(ckpt["optim"])
        self.sched.load_state_dict(ckpt["sched"])
        ag.set_rng_state(ckpt["rng"])
        self.epoch_rng = ckpt["loader_rng"]
        self.loader.generator.bit_generator.state = ckpt["loader_now"]
        self.epoch, self.batch = ckpt["epoch"], ckpt["batch"]


def _assert_same(a: Run, b: Run) -> None:
    sa, sb = a.model.state_dict(), b.model.state_dict()
    for k in sa:
        assert sa[k].dtype == sb[k].dtype
        np.testing.assert_array_equal(sa[k].numpy(), sb[k].numpy(), err_msg=k)
    oa, ob = a.opt.state_dict(), b.opt.state_dict()
    assert oa["param_groups"] == ob["param_groups"]
    for i, s in oa["state"].items():
        for name, v in s.items():
            np.testing.assert_array_equal(np.asarray(ob["state"][i][name]), np.asarray(v),
                                          err_msg=f"optimizer state {i}.{name}")
    assert a.sched.state_dict() == b.sched.state_dict()


def resumed_run(tmp_path, opt_name: str, sched_name: str, stops: list[int], total: int) -> Run:
    """Train to each stop, save, rebuild from other seeds, load; then finish."""
    run = Run(opt_name, sched_name, seed=0)
    for k, stop in enumerate(stops):
        run.train(stop)
        path = tmp_path / f"ckpt{k}.npz"
        nn.save(run.checkpoint(), path)
        ag.randn(7)  # the dying process draws more random numbers; they must not matter
        run = Run(opt_name, sched_name, seed=100 + k)
        run.restore(nn.load(path))
    run.train(total)
    return run


@pytest.mark.parametrize("opt_name,sched_name", [("sgd-nesterov", "step"), ("adam", "cosine"),
                                                 ("rmsprop", "step")])
@pytest.mark.parametrize("stop", [1, 7, 10, 13])  # first batch, mid-epoch, epoch edge, late
def test_resume_matches_uninterrupted_run(tmp_path, opt_name, sched_name, stop):
    total = 15
    straight = Run(opt_name, sched_name, seed=0)
    straight.train(total)
    resumed = resumed_run(tmp_path, opt_name, sched_name, [stop], total)
    _assert_same(straight, resumed)


def test_resume_over_several_interruptions(tmp_path):
    total = 20
    straight = Run("adam", "step", seed=0)
    straight.train(total)
    resumed = resumed_run(tmp_path, "adam", "step", [2, 5, 9, 10, 16], total)
    _assert_same(straight, resumed)


def test_a_run_without_the_rng_state_differs(tmp_path):
    """The check has teeth: forgetting the global RNG (dropout masks) changes the result."""
    total = 10
    straight = Run("adam", "step", seed=0)
    straight.train(total)
    run = Run("adam", "step", seed=0)
    run.train(4)
    ckpt = run.checkpoint()
    run = Run("adam", "step", seed=50)
    ckpt["rng"] = ag.get_rng_state()
    run.restore(ckpt)
    run.train(total)
    with pytest.raises(AssertionError):
        _assert_same(straight, run)


@pytest.mark.slow
@pytest.mark.parametrize("opt_name,sched_name", [("sgd-nesterov", "cosine"), ("adam", "step"),
                                                 ("rmsprop", "cosine")])
def test_long_resume_interrupted_everywhere(tmp_path, opt_name, sched_name):
    """400 steps (80 epochs), interrupted at 25 points spread over epochs and batch positions."""
    total = 400
    straight = Run(opt_name, sched_name, seed=0)
    straight.train(total)
    stops = sorted(set(np.random.default_rng(7).integers(1, total, 25).tolist()))
    resumed = resumed_run(tmp_path, opt_name, sched_name, stops, total)
    _assert_same(straight, resumed)
