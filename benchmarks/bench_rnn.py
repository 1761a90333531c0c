"""LSTM and GRU training steps: the fused layers vs the per-step path vs PyTorch CPU.

Run from the repository root::

    python3 benchmarks/bench_rnn.py                 # 1 thread, 15 rounds of 5 steps
    python3 benchmarks/bench_rnn.py --threads 2 --rounds 30

The step is W7's (and the GRU row's) of ``python -m benchmarks``: a one-layer
LSTM (GRU) 32 -> 128 over 50 steps, batch 32, a Linear head on the last output,
cross-entropy, SGD. The three contenders start from the same weights and data:

* ``fused``: scratchgrad's LSTM/GRU as they run by default (one node per layer);
* ``steps``: the same module with ``fused = False`` (the composed per-step path,
  which is what the layers ran before the fused op);
* ``torch``: PyTorch's ``nn.LSTM``/``nn.GRU`` (on CPU it runs oneDNN's fused RNN
  layer, ``mkldnn_rnn_layer`` and its backward, JIT-compiled kernels);
* ``gemms``: only the matrix products the fused layer makes, on numpy's BLAS, with
  no elementwise work at all: the floor of the numpy formulation.

Every contender's BLAS (and PyTorch's intra-op pool) gets the same thread count,
set before numpy loads. The rounds are interleaved (each round times a few steps
of every contender in turn, the order rotating) with process CPU time, so load
from other work on a shared machine counts against no one in particular; the
table shows each contender's median step and the ratios of the medians. Before
timing, the first step's losses are checked equal across the contenders.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from typing import Any, Callable

T, N, N_IN, HIDDEN, N_OUT, LR = 50, 32, 32, 128, 10, 0.01
THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def _parse() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--rounds", type=int, default=15)
    p.add_argument("--steps", type=int, default=5, help="steps per contender per round")
    p.add_argument("--kinds", default="LSTM,GRU")
    return p.parse_args()


def _model(nn: Any, kind: str) -> Any:
    class Head(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.rnn = getattr(nn, kind)(N_IN, HIDDEN)
            self.fc = nn.Linear(HIDDEN, N_OUT)

        def forward(self, x: Any) -> Any:  # x (T, N, I)
            out, _ = self.rnn(x)  # (T, N, H)
            return self.fc(out[-1])  # (N, C)

    return Head()


def _step(model: Any, opt: Any, loss_fn: Callable, x: Any, y: Any) -> Callable[[], float]:
    def step() -> float:
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return float(loss.item())

    return step


def contenders(kind: str, seed: int = 0) -> dict[str, Callable[[], float]]:
    """The three training steps of ``kind`` ("LSTM" or "GRU"), from the same weights."""
    import numpy as np
    import torch

    import autograd as ag
    import nn
    import optim

    rng = np.random.default_rng(seed)
    x = rng.standard_normal((T, N, N_IN)).astype(np.float32)  # (T, N, I)
    y = rng.integers(0, N_OUT, N)
    ag.manual_seed(seed)
    weights = {k: v.numpy().copy() for k, v in _model(nn, kind).state_dict().items()}
    steps: dict[str, Callable[[], float]] = {}
    for name in ("fused", "steps"):
        m = _model(nn, kind)
        m.load_state_dict({k: ag.tensor(v.copy()) for k, v in weights.items()})
        m.rnn.fused = name == "fused"
        steps[name] = _step(m, optim.SGD(m.parameters(), lr=LR), nn.functional.cross_entropy,
                            ag.tensor(x), ag.tensor(y))
    tm = _model(torch.nn, kind)
    tm.load_state_dict({k: torch.tensor(v) for k, v in weights.items()})
    steps["torch"] = _step(tm, torch.optim.SGD(tm.parameters(), lr=LR),
                           torch.nn.functional.cross_entropy, torch.from_numpy(x.copy()),
                           torch.from_numpy(y.copy()))
    return steps


def gemm_floor(kind: str, seed: int = 0) -> Callable[[], float]:
    """The products of one fused training step of ``kind`` and nothing else."""
    import numpy as np

    G = 4 if kind == "LSTM" else 3
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((T * N, N_IN)).astype(np.float32)
    w_ih = rng.standard_normal((G * HIDDEN, N_IN)).astype(np.float32)
    w_hh = rng.standard_normal((G * HIDDEN, HIDDEN)).astype(np.float32)
    h = rng.standard_normal((N, HIDDEN)).astype(np.float32)
    gates = np.empty((T, N, G * HIDDEN), np.float32)
    dgates = rng.standard_normal((T * N, G * HIDDEN)).astype(np.float32)
    hs = rng.standard_normal((T * N, HIDDEN)).astype(np.float32)

    def step() -> float:
        np.matmul(x, w_ih.T, out=gates.reshape(T * N, -1))  # input projection
        for t in range(T):
            np.matmul(h, w_hh.T, out=gates[t])  # forward, one step
        for t in range(T):
            np.matmul(dgates[t * N:(t + 1) * N], w_hh)  # backward, one step
        np.matmul(dgates.T, hs)  # d W_hh
        np.matmul(dgates.T, x)  # d W_ih
        return 0.0

    return step


def race(steps: dict[str, Callable[[], float]], rounds: int, per_round: int) -> dict:
    """Median CPU seconds per step of each contender over interleaved rounds."""
    names = list(steps)
    times: dict[str, list[float]] = {n: [] for n in names}
    for r in range(rounds):
        for n in names[r % len(names):] + names[:r % len(names)]:
            t0 = time.process_time()
            for _ in range(per_round):
                steps[n]()
            times[n].append((time.process_time() - t0) / per_round)
    return {n: statistics.median(v) for n, v in times.items()}


def main() -> None:
    args = _parse()
    for var in THREAD_VARS:
        os.environ[var] = str(args.threads)
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    import torch

    torch.set_num_threads(args.threads)
    print(f"{args.threads} thread(s); {args.rounds} interleaved rounds of {args.steps} steps; "
          f"CPU time per step (median); load average {os.getloadavg()[0]:.2f}")
    print(f"{'':5} {'fused ms':>9} {'steps ms':>9} {'torch ms':>9} {'gemms ms':>9} "
          f"{'fused/torch':>12} {'steps/torch':>12} {'gemms/torch':>12}")
    for kind in args.kinds.split(","):
        steps = contenders(kind)
        first = {n: s() for n, s in steps.items()}  # also warms up
        if max(first.values()) - min(first.values()) > 1e-4:
            raise SystemExit(f"{kind}: first-step losses differ: {first}")
        steps["gemms"] = gemm_floor(kind)
        med = race(steps, args.rounds, args.steps)
        f, s, t, g = (med[n] * 1e3 for n in ("fused", "steps", "torch", "gemms"))
        print(f"{kind:5} {f:9.2f} {s:9.2f} {t:9.2f} {g:9.2f} {f / t:11.2f}x {s / t:11.2f}x "
              f"{g / t:11.2f}x")


if __name__ == "__main__":
    main()
