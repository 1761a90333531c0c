"""conv2d and max_pool2d, forward + backward: scratchgrad vs PyTorch CPU vs a numpy floor.

Run from the repository root::

    python3 benchmarks/bench_conv.py            # 2 threads, 15 rounds
    python3 benchmarks/bench_conv.py --rounds 30 --threads 1
    python3 benchmarks/bench_conv.py --threads 1 --cpu-time   # on a busy machine

Workloads (float32):

* conv2d: x (32, 64, 32, 32), w (64, 64, 3, 3), bias, stride 1, padding 1;
  forward, then backward of a fixed random upstream gradient into x, w and b.
* max_pool2d 2x2 (stride 2) on (32, 64, 32, 32), forward + backward into x.

The numpy floor is the same im2col algorithm written straight in numpy with
no graph, no Tensor objects and no checks: what a numpy engine cannot beat, so
``scratchgrad / floor`` is the price of the engine. The three contenders run
in turns, round after round (see ``_race``); the table reports each one's median
and best time (on a shared machine the best is the less disturbed figure, and 2-thread
BLAS suffers most from other load: check ``uptime``).
Targets: conv at most 2.0x PyTorch and 1.25x the floor; max-pool at most
2.0x PyTorch.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from typing import Any


def _set_threads(n: int) -> None:
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(n)


def _parse() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--rounds", type=int, default=15)
    p.add_argument("--cpu-time", action="store_true",
                   help="time with process CPU time instead of wall time (robust to other load "
                        "on the machine; meaningful with --threads 1)")
    return p.parse_args()


ARGS = _parse() if __name__ == "__main__" else argparse.Namespace(threads=2, rounds=15,
                                                                   cpu_time=False)
if __name__ == "__main__":
    _set_threads(ARGS.threads)  # before numpy loads its BLAS (a harness importing us sets its own)

import numpy as np  # noqa: E402
from numpy.lib.stride_tricks import as_strided  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import autograd as ag  # noqa: E402
from autograd.ops.conv import conv2d  # noqa: E402
from autograd.ops.pool import max_pool2d  # noqa: E402

N, C, H, W, OC, K = 32, 64, 32, 32, 64, 3


# ------------------------------------------------------------ the numpy floor
def floor_conv(x: np.ndarray, w: np.ndarray, b: np.ndarray, g: np.ndarray) -> tuple:
    """conv2d (stride 1, padding 1) forward and backward by hand: im2col, 3 matmuls, col2im."""
    n, c, h, wd = x.shape
    oc, _, kh, kw = w.shape
    xp = np.zeros((n, c, h + 2, wd + 2), x.dtype)
    xp[:, :, 1:-1, 1:-1] = x
    sn, sc, sh, sw = xp.strides
    cols = np.ascontiguousarray(as_strided(xp, (c, kh, kw, n, h, wd), (sc, sh, sw, sn, sh, sw)))
    cols = cols.reshape(c * kh * kw, -1)                      # (C*K*K, N*H*W)
    w2 = w.reshape(oc, -1)
    y = (w2 @ cols).reshape(oc, n, h, wd)
    y += b.reshape(oc, 1, 1, 1)
    y = np.ascontiguousarray(y.transpose(1, 0, 2, 3))         # (N, OC, H, W)
    g2 = np.ascontiguousarray(g.transpose(1, 0, 2, 3)).reshape(oc, -1)
    gw = (cols @ g2.T).T.reshape(w.shape)                     # faster than g2 @ cols.T
    gb = g2.sum(1)
    dcols = (w2.T @ g2).reshape(c, kh, kw, n, h, wd)
    dxp = np.zeros_like(xp)
    dxt = dxp.transpose(1, 0, 2, 3)
    for c0 in range(0, c, 4):  # 4 channels at a time keep their image block in cache
        for i in range(kh):
            for j in range(kw):
                dxt[c0:c0 + 4, :, i:i + h, j:j + wd] += dcols[c0:c0 + 4, i, j]
    gx = np.ascontiguousarray(dxp[:, :, 1:-1, 1:-1])
    return y, gx, gw, gb


def floor_maxpool(x: np.ndarray, g: np.ndarray) -> tuple:
    """2x2 max-pool forward and backward by hand (first maximum wins)."""
    n, c, h, w = x.shape
    a, b_ = x[..., 0::2], x[..., 1::2]
    right = b_ > a
    rows = np.maximum(a, b_).reshape(n, c, h // 2, 2, w // 2)
    down = rows[:, :, :, 1] > rows[:, :, :, 0]
    y = np.maximum(rows[:, :, :, 0], rows[:, :, :, 1])
    gr = np.empty((n, c, h // 2, 2, w // 2), x.dtype)
    np.multiply(g, ~down, out=gr[:, :, :, 0])
    np.multiply(g, down, out=gr[:, :, :, 1])
    gr = gr.reshape(n, c, h, w // 2)
    gx = np.empty_like(x)
    np.multiply(gr, ~right, out=gx[..., 0::2])
    np.multiply(gr, right, out=gx[..., 1::2])
    return y, gx


# ---------------------------------------------------------------- contenders
def engine_conv(x: ag.Tensor, w: ag.Tensor, b: ag.Tensor, g: ag.Tensor) -> tuple:
    x.grad = w.grad = b.grad = None
    y = conv2d(x, w, b, stride=1, padding=1)
    y.backward(g)
    assert x.grad is not None and w.grad is not None and b.grad is not None
    return y.array, x.grad.array, w.grad.array, b.grad.array


def engine_pool(x: ag.Tensor, g: ag.Tensor) -> tuple:
    x.grad = None
    y = max_pool2d(x, 2)
    y.backward(g)
    assert x.grad is not None
    return y.array, x.grad.array


def _torch() -> Any:
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(ARGS.threads)
    return torch


def _race(contenders: dict, rounds: int) -> dict:
    """Median and best time of each contender, run in turns with a pause between calls.

    The pause lets the previous contender's idle worker threads stop spinning (OpenMP
    and OpenBLAS threads busy-wait for a while after each call), and the order
    rotates every round, so no contender always runs in another's wake.
    """
    clock = time.process_time if ARGS.cpu_time else time.perf_counter
    times: dict = {name: [] for name in contenders}
    for fn in contenders.values():  # warm up (allocator, BLAS threads)
        fn()
    names = list(contenders)
    for r in range(rounds):
        for name in names[r % len(names):] + names[:r % len(names)]:
            time.sleep(0.3)
            t0 = clock()
            contenders[name]()
            times[name].append(clock() - t0)
    return {name: (float(np.median(t)) * 1e3, float(np.min(t)) * 1e3)
            for name, t in times.items()}


def _check(got: tuple, want: tuple, what: str) -> None:
    for k, (a, b) in enumerate(zip(got, want)):
        scale = float(np.abs(b).max()) or 1.0
        err = float(np.abs(np.asarray(a, np.float64) - b).max()) / scale
        if err > 1e-4:
            raise SystemExit(f"{what}: result {k} differs from the reference (relative {err:.2e})")


def main() -> None:
    rng = np.random.default_rng(0)
    torch = _torch()
    x = rng.standard_normal((N, C, H, W), dtype=np.float32)
    w = (rng.standard_normal((OC, C, K, K), dtype=np.float32) * 0.05).astype(np.float32)
    b = rng.standard_normal(OC, dtype=np.float32)
    g = rng.standard_normal((N, OC, H, W), dtype=np.float32)
    xt, wt, bt = (ag.tensor(a, requires_grad=True) for a in (x, w, b))
    gt = ag.tensor(g)

    conv = {"scratchgrad": lambda: engine_conv(xt, wt, bt, gt),
            "numpy floor": lambda: floor_conv(x, w, b, g)}
    ref = floor_conv(x, w, b, g)
    _check(engine_conv(xt, wt, bt, gt), ref, "conv2d (scratchgrad vs floor)")
    if torch is not None:
        tx, tw, tb = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
        tg = torch.tensor(g)

        def torch_conv() -> tuple:
            tx.grad = tw.grad = tb.grad = None
            y = torch.nn.functional.conv2d(tx, tw, tb, stride=1, padding=1)
            y.backward(tg)
            return y, tx.grad, tw.grad, tb.grad

        conv["pytorch"] = torch_conv
        _check(tuple(t.detach().numpy() for t in torch_conv()), ref, "conv2d (pytorch vs floor)")

    gp = rng.standard_normal((N, C, H // 2, W // 2), dtype=np.float32)
    xpt, gpt = ag.tensor(x, requires_grad=True), ag.tensor(gp)
    pool = {"scratchgrad": lambda: engine_pool(xpt, gpt),
            "numpy floor": lambda: floor_maxpool(x, gp)}
    _check(engine_pool(xpt, gpt), floor_maxpool(x, gp), "max_pool2d (scratchgrad vs floor)")
    if torch is not None:
        px = torch.tensor(x, requires_grad=True)
        pg = torch.tensor(gp)

        def torch_pool() -> tuple:
            px.grad = None
            y = torch.nn.functional.max_pool2d(px, 2)
            y.backward(pg)
            return y, px.grad

        pool["pytorch"] = torch_pool
        _check(tuple(t.detach().numpy() for t in torch_pool()), floor_maxpool(x, gp),
               "max_pool2d (pytorch vs floor)")

    clock = "CPU time" if ARGS.cpu_time else "wall time"
    print(f"forward + backward, float32, {ARGS.threads} threads, {clock}, {ARGS.rounds} "
          f"rounds, numpy {np.__version__}" + (f", torch {torch.__version__}" if torch else
                                                 ", torch not installed"))
    rows = []
    for label, contenders, targets in (
            ("conv2d (32,64,32,32) * (64,64,3,3) pad 1", conv,
             {"pytorch": 2.0, "numpy floor": 1.25}),
            ("max_pool2d 2x2 on (32,64,32,32)", pool, {"pytorch": 2.0})):
        res = _race(contenders, ARGS.rounds)
        print(f"\n{label}\n  {'':12s} {'median':>9s} {'best':>9s}")
        for name, (med, best) in res.items():
            print(f"  {name:12s} {med:6.1f} ms {best:6.1f} ms")
        for ref_name, limit in targets.items():
            if ref_name in res:
                ratio = res["scratchgrad"][0] / res[ref_name][0]
                best_ratio = res["scratchgrad"][1] / res[ref_name][1]
                ok = "ok" if ratio <= limit else "MISSED"
                rows.append(ratio <= limit)
                print(f"  scratchgrad / {ref_name:12s} {ratio:5.2f}x median, {best_ratio:5.2f}x "
                      f"best  (target <= {limit}x: {ok})")
        if "pytorch" not in res:
            print("  (install torch for the PyTorch column)")
    print("\nall targets met" if all(rows) else "\nsome targets missed")


if __name__ == "__main__":
    main()
