"""The workloads (W1-W7, tiny MLP, GRU), each built three ways: scratchgrad, PyTorch, numpy floor.

Every builder returns ``{implementation: factory}``; calling a factory sets the
implementation up (models, copies of the parameters, tensors) and returns a
zero-argument ``step`` that the harness times. The scratchgrad and PyTorch
versions are one piece of code written against the PyTorch API and given
either ``torch.nn`` or scratchgrad's ``nn``; they start from the same
parameters as the floor (loaded by state-dict name), so a naming or layout
difference shows up as an error here, not as a silently different model.

A scratchgrad piece that has not landed yet raises :class:`Missing`, which the
harness prints as a skip note.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, Callable

import numpy as np

from . import floors, floors_rnn

LR = 0.01
Factory = Callable[[], Callable[[], Any]]


class Missing(Exception):
    """A piece of scratchgrad (or PyTorch) this workload needs is not importable."""


@dataclass
class Workload:
    key: str
    title: str
    unit: str  # "ms", "us/op" or "MB"
    build: Callable[[Any], dict[str, Factory]]
    warmup: int = 3
    repeat: int = 20
    n_ops: int = 1  # the time of one step is divided by this (per-op workloads)
    inner: int = 1  # steps per timed sample (for steps too short to time one by one)
    # the goals: (against "floor" or "torch", max ratio of scratchgrad to it), all must hold
    targets: tuple[tuple[str, float], ...] = (("floor", 1.0),)
    extras: Callable[[], dict] | None = None
    notes: list = field(default_factory=list)


# ---------------------------------------------------------------- the implementations
def scratchgrad(*needs: str) -> SimpleNamespace:
    """scratchgrad's packages, or :class:`Missing` naming what is not there yet.

    ``needs`` are ``"nn.Linear"``, ``"F.cross_entropy"``, ``"optim.SGD"`` or
    ``"op:tanh"`` (an op in the registry).
    """
    import autograd as ag

    try:
        import nn
        import nn.functional as F
        import optim
    except ImportError as e:
        raise Missing(f"cannot import nn/optim yet ({e})") from None
    spaces = {"ag": ag, "nn": nn, "optim": optim, "F": F}
    missing = []
    for need in needs:
        if need.startswith("op:"):
            ok = need[3:] in ag.REGISTRY
        else:
            head, _, attr = need.partition(".")
            ok = hasattr(spaces[head], attr)
        if not ok:
            missing.append(need)
    if missing:
        raise Missing("needs " + ", ".join(missing))
    return SimpleNamespace(ag=ag, nn=nn, optim=optim, F=F)


def torch_or_missing(env: Any) -> Any:
    if env.torch is None:
        raise Missing("PyTorch is not installed (pip install torch==2.13.0)")
    return env.torch


def load_params(model: Any, params: floors.Params, put: Callable[[Any, np.ndarray], None]
                ) -> None:
    """Copy ``params`` into ``model`` by state-dict name; the names must match exactly."""
    named = list(model.named_parameters())
    names = [n for n, _ in named]
    if sorted(names) != sorted(params):
        raise ValueError(f"parameter names differ: the model has {names}, "
                         f"the floor has {sorted(params)}")
    for n, p in named:
        if tuple(p.shape) != params[n].shape:
            raise ValueError(f"{n}: the model's shape {tuple(p.shape)} differs from the "
                             f"floor's {params[n].shape}")
        put(p, params[n])


def put_scratchgrad(p: Any, arr: np.ndarray) -> None:
    p.array = arr.copy()  # a fresh buffer (dtype follows arr, so float64 tests work)


def put_torch(torch: Any) -> Callable[[Any, np.ndarray], None]:
    def put(p: Any, arr: np.ndarray) -> None:
        p.data = torch.from_numpy(arr.copy())

    return put


# ---------------------------------------------------------------- models (either nn)
def mlp_model(nn: Any, sizes: tuple = floors.MLP_SIZES) -> Any:
    layers: list = []
    for k, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        if k:
            layers.append(nn.ReLU())
        layers.append(nn.Linear(n_in, n_out))
    return nn.Sequential(*layers)


def lenet_model(nn: Any) -> Any:
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),  # (N, 6, 14, 14)
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),  # (N, 16, 5, 5)
        nn.Flatten(),  # (N, 400)
        nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10),
    )


def rnn_model(nn: Any, kind: str, n_in: int, hidden: int, n_out: int) -> Any:
    """``kind`` ("LSTM" or "GRU") over the sequence, then a Linear head on the last output."""
    class RecurrentClassifier(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.rnn = getattr(nn, kind)(n_in, hidden)
            self.fc = nn.Linear(hidden, n_out)

        def forward(self, x: Any) -> Any:  # x (T, N, I)
            out, _ = self.rnn(x)  # (T, N, H)
            return self.fc(out[-1])  # (N, C)

    return RecurrentClassifier()


def lstm_model(nn: Any, n_in: int, hidden: int, n_out: int) -> Any:
    return rnn_model(nn, "LSTM", n_in, hidden, n_out)


def gru_model(nn: Any, n_in: int, hidden: int, n_out: int) -> Any:
    return rnn_model(nn, "GRU", n_in, hidden, n_out)


def train_step(model: Any, opt: Any, F: Any, x: Any, y: Any, loss_name: str = "cross_entropy"
               ) -> Callable[[], Any]:
    loss_fn = getattr(F, loss_name)

    def step() -> Any:
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss

    return step


MLP_NEEDS = ("nn.Sequential", "nn.Linear", "nn.ReLU", "F.cross_entropy", "optim.SGD")
LENET_NEEDS = MLP_NEEDS + ("nn.Conv2d", "nn.MaxPool2d", "nn.Flatten")
LSTM_NEEDS = ("nn.Module", "nn.LSTM", "nn.Linear", "F.cross_entropy", "optim.SGD", "op:getitem")
GRU_NEEDS = ("nn.Module", "nn.GRU", "nn.Linear", "F.cross_entropy", "optim.SGD", "op:getitem")
TINY_NEEDS = ("nn.Sequential", "nn.Linear", "nn.ReLU", "F.mse_loss", "optim.SGD")


def _training(env: Any, needs: tuple, make_model: Callable[[Any], Any],
              floor_step: Callable, params: floors.Params, x: np.ndarray, y: np.ndarray,
              loss_name: str = "cross_entropy") -> dict[str, Factory]:
    def sg() -> Callable[[], Any]:
        s = scratchgrad(*needs)
        model = make_model(s.nn)
        load_params(model, params, put_scratchgrad)
        opt = s.optim.SGD(model.parameters(), lr=LR)
        return train_step(model, opt, s.F, s.ag.tensor(x), s.ag.tensor(y), loss_name)

    def pt() -> Callable[[], Any]:
        torch = torch_or_missing(env)
        model = make_model(torch.nn)
        load_params(model, params, put_torch(torch))
        opt = torch.optim.SGD(model.parameters(), lr=LR)
        return train_step(model, opt, torch.nn.functional, torch.from_numpy(x.copy()),
                          torch.from_numpy(y.copy()), loss_name)

    def floor() -> Callable[[], Any]:
        own = {k: v.copy() for k, v in params.items()}
        return lambda: floor_step(own, x, y, LR)

    return {"scratchgrad": sg, "torch": pt, "floor": floor}


# ---------------------------------------------------------------- W1, W2, W7: training steps
def build_w1(env: Any) -> dict[str, Factory]:
    rng = np.random.default_rng(env.seed)
    params = floors.init_mlp(rng)
    x = rng.standard_normal((128, 784)).astype(np.float32)  # (N, 784)
    y = rng.integers(0, 10, 128)
    return _training(env, MLP_NEEDS, mlp_model, floors.mlp_step, params, x, y)


def build_w2(env: Any, floor_step: Callable = floors.lenet_step) -> dict[str, Factory]:
    rng = np.random.default_rng(env.seed)
    params = floors.init_lenet(rng)
    x = rng.standard_normal((64, 1, 28, 28)).astype(np.float32)  # (N, 1, 28, 28)
    y = rng.integers(0, 10, 64)
    return _training(env, LENET_NEEDS, lenet_model, floor_step, params, x, y)


def build_w6(env: Any) -> dict[str, Factory]:
    """W2 for the memory figures; the floor takes a fresh workspace every step, so that its
    buffers (all of a step's, kept to its end) count in its peak as the engines' do."""
    def fresh(params: floors.Params, x: np.ndarray, y: np.ndarray, lr: float) -> float:
        return floors.lenet_step(params, x, y, lr, ws=None)

    return build_w2(env, fresh)


def build_tiny(env: Any) -> dict[str, Factory]:
    rng = np.random.default_rng(env.seed)
    params = floors.init_mlp(rng, floors.TINY_SIZES)
    x = rng.standard_normal((32, 2)).astype(np.float32)  # (N, 2)
    y = rng.standard_normal((32, 1)).astype(np.float32)  # (N, 1)
    return _training(env, TINY_NEEDS, lambda nn: mlp_model(nn, floors.TINY_SIZES),
                     floors.tiny_step, params, x, y, "mse_loss")


RNN_DIMS = dict(seq=50, batch=32, n_in=32, hidden=128, n_out=10)


def _recurrent(env: Any, kind: str) -> dict[str, Factory]:
    d = RNN_DIMS
    rng = np.random.default_rng(env.seed)
    params = floors_rnn.init_rnn(rng, d["n_in"], d["hidden"], d["n_out"],
                                 gates=4 if kind == "LSTM" else 3)
    x = rng.standard_normal((d["seq"], d["batch"], d["n_in"])).astype(np.float32)  # (T, N, I)
    y = rng.integers(0, d["n_out"], d["batch"])

    def make(nn: Any) -> Any:
        return rnn_model(nn, kind, d["n_in"], d["hidden"], d["n_out"])

    needs, step = ((LSTM_NEEDS, floors_rnn.lstm_step) if kind == "LSTM"
                   else (GRU_NEEDS, floors_rnn.gru_step))
    return _training(env, needs, make, step, params, x, y)


def build_w7(env: Any) -> dict[str, Factory]:
    return _recurrent(env, "LSTM")


def build_gru(env: Any) -> dict[str, Factory]:
    return _recurrent(env, "GRU")


# ---------------------------------------------------------------- W3: conv2d
def _sg_conv2d() -> Callable:
    s = scratchgrad()
    conv = getattr(s.F, "conv2d", None) or s.ag.REGISTRY.get("conv2d")
    if conv is None:
        raise Missing("needs F.conv2d (or the conv2d op)")
    return conv


def build_w3(env: Any) -> dict[str, Factory]:
    rng = np.random.default_rng(env.seed)
    x = rng.standard_normal((32, 64, 32, 32)).astype(np.float32)  # (N, C, H, W)
    w = (rng.standard_normal((64, 64, 3, 3)) * 0.05).astype(np.float32)  # (O, C, kh, kw)
    g = rng.standard_normal((32, 64, 32, 32)).astype(np.float32)  # upstream gradient

    def fwd_bwd(conv: Callable, xt: Any, wt: Any, gt: Any) -> Callable[[], None]:
        def step() -> None:
            conv(xt, wt, padding=1).backward(gt)
            xt.grad = None
            wt.grad = None

        return step

    def sg() -> Callable[[], None]:
        conv = _sg_conv2d()
        ag = scratchgrad().ag
        return fwd_bwd(conv, ag.tensor(x, requires_grad=True), ag.tensor(w, requires_grad=True),
                       ag.tensor(g))

    def pt() -> Callable[[], None]:
        torch = torch_or_missing(env)
        return fwd_bwd(torch.nn.functional.conv2d,
                       torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True),
                       torch.tensor(g))

    return {"scratchgrad": sg, "torch": pt,
            "floor": lambda: lambda: floors.conv_fwd_bwd(x, w, g, 1)}


# ---------------------------------------------------------------- W4, W5: op overhead
W4_OPS = 10_000
W5_OPS = 100_000


def scalar_graph(x: Any, a: Any, b: Any, n_ops: int) -> Any:
    """The same loop as :func:`floors.scalar_chain`: mul, add, tanh, repeated."""
    for k in range(n_ops):
        op = k % 3
        if op == 0:
            x = x * a
        elif op == 1:
            x = x + b
        else:
            x = x.tanh()
    return x


def build_w4(env: Any) -> dict[str, Factory]:
    vals = np.array([0.3, 0.9, 0.1], np.float32)  # x, a, b

    def run(leaves: list) -> Callable[[], None]:
        def step() -> None:
            scalar_graph(leaves[0], leaves[1], leaves[2], W4_OPS).backward()
            for t in leaves:
                t.grad = None

        return step

    def sg() -> Callable[[], None]:
        ag = scratchgrad("op:tanh").ag
        return run([ag.tensor(v, requires_grad=True) for v in vals])

    def pt() -> Callable[[], None]:
        torch = torch_or_missing(env)
        return run([torch.tensor(v, requires_grad=True) for v in vals])

    def floor() -> Callable[[], Any]:
        x, a, b = (np.array(v) for v in vals)  # 0-d arrays
        return lambda: floors.scalar_chain(x, a, b, W4_OPS)

    return {"scratchgrad": sg, "torch": pt, "floor": floor}


def raw_numpy_op_us(repeat: int = 200_000) -> dict:
    """Time of one ufunc call on 0-d float32 arrays (mul, add, tanh averaged)."""
    a, b = np.array(0.9, np.float32), np.array(0.1, np.float32)
    best = float("inf")
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(repeat // 3):
            np.multiply(a, b)
            np.add(a, b)
            np.tanh(a)
        best = min(best, (time.perf_counter() - t0) / (3 * (repeat // 3)))
    return {"raw 0-d numpy op (us)": best * 1e6}


def const_graph(x: Any, n_ops: int) -> Any:
    """The same loop as :func:`floors.const_chain`: x * 0.9, + 0.1, tanh, repeated."""
    for k in range(n_ops):
        op = k % 3
        if op == 0:
            x = x * 0.9
        elif op == 1:
            x = x + 0.1
        else:
            x = x.tanh()
    return x


def build_w5(env: Any) -> dict[str, Factory]:
    x0 = np.random.default_rng(env.seed).standard_normal((8, 8)).astype(np.float32)

    def run(xt: Any, ones: Any) -> Callable[[], None]:
        def step() -> None:
            const_graph(xt, W5_OPS).backward(ones)
            xt.grad = None

        return step

    def sg() -> Callable[[], None]:
        ag = scratchgrad("op:tanh").ag
        return run(ag.tensor(x0, requires_grad=True), ag.ones(8, 8))

    def pt() -> Callable[[], None]:
        torch = torch_or_missing(env)
        return run(torch.tensor(x0, requires_grad=True), torch.ones(8, 8))

    return {"scratchgrad": sg, "torch": pt,
            "floor": lambda: lambda: floors.const_chain(x0, W5_OPS)}


# ---------------------------------------------------------------- the table
# Goals from the performance issue: (against, max ratio of scratchgrad's time to it).
WORKLOADS = {
    "W1": Workload("W1", "MLP 784-512-256-10 train step, batch 128", "ms", build_w1,
                   warmup=5, repeat=60, targets=(("floor", 1.10),)),
    "W2": Workload("W2", "LeNet train step, batch 64", "ms", build_w2,
                   warmup=3, repeat=40, targets=(("floor", 1.20), ("torch", 1.5))),
    "W3": Workload("W3", "conv2d fwd+bwd (32,64,32,32) * (64,64,3,3) pad 1", "ms", build_w3,
                   warmup=2, repeat=12, targets=(("torch", 1.5),)),
    "W4": Workload("W4", "10,000-op scalar graph fwd+bwd, per op", "us/op", build_w4,
                   warmup=2, repeat=12, n_ops=W4_OPS, targets=(("torch", 0.6),),
                   extras=raw_numpy_op_us),
    "W5": Workload("W5", "100,000-op chain on (8, 8) fwd+bwd", "ms", build_w5,
                   warmup=1, repeat=5, targets=(("torch", 0.5),)),
    "W6": Workload("W6", "LeNet train step peak memory; flat over N steps", "MB", build_w6,
                   targets=(("torch", 1.5),)),
    "W7": Workload("W7", "LSTM 32->128, seq 50, batch 32 train step", "ms", build_w7,
                   warmup=2, repeat=20, targets=(("torch", 1.0),)),
    "TINY": Workload("TINY", "tiny MLP 2-16-16-1 train step, batch 32", "ms", build_tiny,
                     warmup=5, repeat=60, inner=20, targets=(("torch", 0.4),)),
    "GRU": Workload("GRU", "GRU 32->128, seq 50, batch 32 train step", "ms", build_gru,
                    warmup=2, repeat=20, targets=(("torch", 1.0),)),
}
