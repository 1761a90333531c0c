"""conv2d and max_pool2d, forward + backward: scratchgrad vs PyTorch CPU vs a numpy floor.

Run from the repository root::

    python3 benchmarks/bench_conv.py            # 2 threads, 15 rounds
    python3 benchmarks/bench_conv.py --rounds 30 --threads 1
    python3 benchmarks/bench_conv.py --threads 1 --cpu-time   # on a busy machine
    python3 benchmarks/bench_conv.py --threads 1 --cpu-time --choices   # CONV_NOTES.md's tables

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
Targets: conv at most 1.5x PyTorch (issue 17's W3 goal) and 1.25x the floor; max-pool
at most 2.0x PyTorch. ``--choices`` races the implementation choices recorded in
``benchmarks/CONV_NOTES.md`` (``--alone``: each step in a fresh process of its own).
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
    p.add_argument("--choices", action="store_true",
                   help="race the implementation choices of benchmarks/CONV_NOTES.md instead")
    p.add_argument("--alone", action="store_true",
                   help="with --choices: time the before/after/PyTorch steps of W2 and W3, each in "
                        "a fresh process of its own, in turns")
    p.add_argument("--one", nargs=2, metavar=("WORKLOAD", "VARIANT"), help=argparse.SUPPRESS)
    p.add_argument("--cpu-time", action="store_true",
                   help="time with process CPU time instead of wall time (robust to other load "
                        "on the machine; meaningful with --threads 1)")
    return p.parse_args()


ARGS = _parse() if __name__ == "__main__" else argparse.Namespace(
    threads=2, rounds=15, cpu_time=False, choices=False, alone=False, one=None)
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
            time.sleep(0.3 if ARGS.threads > 1 else 0.02)
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
             {"pytorch": 1.5, "numpy floor": 1.25}),
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


# ------------------------------------------------ the choices of CONV_NOTES.md
def _with(settings: dict, fn: Any) -> Any:
    """``fn`` run with module attributes set as in ``settings`` {(module, name): value}."""
    def run() -> Any:
        old = {k: getattr(*k) for k in settings}
        for (mod, name), value in settings.items():
            setattr(mod, name, value)
        try:
            return fn()
        finally:
            for (mod, name), value in old.items():
                setattr(mod, name, value)
    return run


def _fresh() -> dict:
    """Settings under which every temporary is a fresh array (no scratch buffers)."""
    from autograd.ops import _scratch
    return {(_scratch, "empty"): lambda name, shape, dtype: np.empty(shape, dtype),
            (_scratch, "zeros"): lambda name, shape, dtype: np.zeros(shape, dtype)}


def _no_winograd() -> dict:
    from autograd.ops import _winograd
    return {(_winograd, "MIN_CHANNELS"): 1 << 30}


def _forward_formulations(x: np.ndarray, w: np.ndarray) -> dict:
    """conv2d forward (stride 1, padding 1) written five ways, for the same x and w."""
    from numpy.lib.stride_tricks import sliding_window_view

    from autograd.ops import _winograd
    from autograd.ops import conv as cv
    win = cv.Window(K, K, 1, 1, 1, 1, 1, 1)
    oc = w.shape[0]

    def windows() -> np.ndarray:  # (N, C, OH, OW, KH, KW) view of the padded input
        return sliding_window_view(np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1))), (K, K), (2, 3))

    def nhwc() -> np.ndarray:  # columns (N*OH*OW, KH*KW*C) from a channels-last copy
        xl = np.pad(x.transpose(0, 2, 3, 1), ((0, 0), (1, 1), (1, 1), (0, 0)))
        v = sliding_window_view(xl, (K, K), (1, 2))          # (N, OH, OW, C, KH, KW)
        cols = np.ascontiguousarray(v.transpose(0, 1, 2, 4, 5, 3)).reshape(N * H * W, -1)
        wl = w.transpose(2, 3, 1, 0).reshape(-1, oc)          # (KH*KW*C, OC)
        return (cols @ wl).reshape(N, H, W, oc).transpose(0, 3, 1, 2).copy()

    return {"im2col NCHW, chunked (engine)": lambda: cv._im2col_conv(x, w, win, 1, (H, W)),
            "im2col NHWC, one matmul": nhwc,
            "sliding_window_view + tensordot": lambda: np.ascontiguousarray(
                np.tensordot(windows(), w, ((1, 4, 5), (1, 2, 3))).transpose(0, 3, 1, 2)),
            "sliding_window_view + einsum(optimize)": lambda: np.einsum(
                "nchwij,ocij->nohw", windows(), w, optimize=True),
            "Winograd F(2x2,3x3) (engine)": lambda: _winograd.conv3x3(x, w, (1, 1), (H, W))}


def _lenet() -> tuple:
    """The W2 LeNet train step (batch 64, SGD by hand) in scratchgrad and PyTorch, same weights."""
    import nn
    import nn.functional as F
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 1, 28, 28)).astype(np.float32)
    y = rng.integers(0, 10, 64)

    def layers(m: Any) -> Any:
        return m.Sequential(m.Conv2d(1, 6, 5, padding=2), m.ReLU(), m.MaxPool2d(2),
                            m.Conv2d(6, 16, 5), m.ReLU(), m.MaxPool2d(2), m.Flatten(),
                            m.Linear(400, 120), m.ReLU(), m.Linear(120, 84), m.ReLU(),
                            m.Linear(84, 10))

    model = layers(nn)
    params = list(model.parameters())
    xt, yt = ag.tensor(x), ag.tensor(y)

    def ours() -> None:  # plain SGD by hand, as below for PyTorch
        for p in params:
            p.grad = None
        F.cross_entropy(model(xt), yt).backward()
        for p in params:
            p.array -= 0.01 * p.grad.array

    torch = _torch()
    if torch is None:
        return ours, None
    tm = layers(torch.nn)
    with torch.no_grad():
        for p, q in zip(tm.parameters(), model.parameters()):
            p.copy_(torch.from_numpy(q.array))
    tparams = list(tm.parameters())
    tx, ty = torch.from_numpy(x), torch.from_numpy(y)

    def theirs() -> None:
        for p in tparams:
            p.grad = None
        torch.nn.functional.cross_entropy(tm(tx), ty).backward()
        with torch.no_grad():
            for p in tparams:
                p -= 0.01 * p.grad

    return ours, theirs


def _table(title: str, contenders: dict) -> None:
    res = _race(contenders, ARGS.rounds)
    first = next(iter(res.values()))[0]
    print(f"\n{title}\n\n| choice | median ms | best ms | vs first |\n|---|---|---|---|")
    for name, (med, best) in res.items():
        print(f"| {name} | {med:.2f} | {best:.2f} | {med / first:.2f}x |")


def choices() -> None:
    """Race each implementation choice against its alternatives, in interleaved rounds."""
    from autograd.ops import _conv_rows, _winograd
    from autograd.ops import conv as cv
    torch = _torch()
    rng = np.random.default_rng(0)
    x = rng.standard_normal((N, C, H, W), dtype=np.float32)
    w = (rng.standard_normal((OC, C, K, K), dtype=np.float32) * 0.05).astype(np.float32)
    b = rng.standard_normal(OC, dtype=np.float32)
    g = rng.standard_normal((N, OC, H, W), dtype=np.float32)
    xt, wt, bt = (ag.tensor(a, requires_grad=True) for a in (x, w, b))
    gt = ag.tensor(g)
    print(f"{ARGS.threads} threads, {'CPU' if ARGS.cpu_time else 'wall'} time, "
          f"{ARGS.rounds} rounds, medians; load average {os.getloadavg()[0]:.1f}")

    def step() -> Any:
        return engine_conv(xt, wt, bt, gt)

    w3 = {"im2col, fresh temporaries (before)": _with({**_no_winograd(), **_fresh()}, step),
          "im2col, scratch buffers": _with(_no_winograd(), step),
          "Winograd, fresh temporaries": _with(_fresh(), step),
          "Winograd, scratch buffers (kept)": step}
    if torch is not None:
        tx, tw, tb = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
        tg = torch.tensor(g)

        def torch_conv() -> None:
            tx.grad = tw.grad = tb.grad = None
            torch.nn.functional.conv2d(tx, tw, tb, padding=1).backward(tg)

        w3["PyTorch"] = torch_conv
    _table("W3 conv2d (32,64,32,32)*(64,64,3,3) pad 1, forward + backward", w3)
    _table("Winograd batch chunk (bytes of transformed tiles)",
           {f"{mb} MB": _with({(_winograd, "BUDGET"): mb << 20}, step) for mb in (1, 2, 4, 8, 16)})
    _table("conv2d forward only, W3 shapes: formulations", _forward_formulations(x, w))
    for c in (8, 16, 32):
        xs, ws = (ag.tensor(rng.standard_normal(s, dtype=np.float32), requires_grad=True)
                  for s in ((N, c, H, W), (c, c, K, K)))
        gs = ag.tensor(rng.standard_normal((N, c, H, W), dtype=np.float32))

        def small(xs: Any = xs, ws: Any = ws, gs: Any = gs) -> None:
            xs.grad = ws.grad = None
            conv2d(xs, ws, padding=1).backward(gs)

        _table(f"Winograd threshold: {c} channels in and out, fwd + bwd",
               {"im2col": _with(_no_winograd(), small), "Winograd": _with(
                   {(_winograd, "MIN_CHANNELS"): 1}, small)})
    x1, w1 = (ag.tensor(rng.standard_normal(s, dtype=np.float32), requires_grad=True)
              for s in ((N, 256, 16, 16), (64, 256, 1, 1)))
    g1 = ag.tensor(rng.standard_normal((N, 64, 16, 16), dtype=np.float32))

    def pointwise() -> None:
        x1.grad = w1.grad = None
        conv2d(x1, w1).backward(g1)

    _table("1x1 conv (32,256,16,16)*(64,256,1,1), fwd + bwd",
           {"im2col (before)": _with({(_conv_rows, "ENABLED"): False}, pointwise),
            "a product per image (kept)": pointwise})
    ours, theirs = _lenet()
    rows_off = {(_conv_rows, "ENABLED"): False}
    w2 = {"fresh temporaries, per-output-row im2col (before)": _with({**_fresh(), **rows_off},
                                                                     ours),
          "scratch buffers, per-output-row im2col": _with(rows_off, ours)}
    w2.update({f"scratch, whole-row im2col, chunk {kb} kB{' (kept)' if kb == 2048 else ''}":
               _with({(cv, "COLS_BUDGET"): kb << 10}, ours) for kb in (512, 1024, 2048, 4096)})
    if theirs is not None:
        w2["PyTorch"] = theirs
    _table("W2 LeNet train step, batch 64", w2)


def _one(workload: str, variant: str) -> None:
    """Time one step (``W2`` or ``W3``; ``before``, ``after`` or ``pytorch``) in this process."""
    from autograd.ops import _conv_rows, _winograd
    before = {**_fresh(), (_conv_rows, "ENABLED"): False, (_winograd, "MIN_CHANNELS"): 1 << 30}
    if workload == "W2":
        ours, theirs = _lenet()
    else:
        rng = np.random.default_rng(0)
        arrays = [rng.standard_normal(s, dtype=np.float32) for s in ((N, C, H, W), (OC, C, K, K),
                                                                      (OC,), (N, OC, H, W))]
        xt, wt, bt = (ag.tensor(a, requires_grad=True) for a in arrays[:3])
        gt = ag.tensor(arrays[3])

        def ours() -> Any:
            return engine_conv(xt, wt, bt, gt)

        torch = _torch()
        tx, tw, tb = (torch.tensor(a, requires_grad=True) for a in arrays[:3])

        def theirs() -> None:
            tx.grad = tw.grad = tb.grad = None
            torch.nn.functional.conv2d(tx, tw, tb, padding=1).backward(torch.tensor(arrays[3]))

    fn = {"before": _with(before, ours), "after": ours, "pytorch": theirs}[variant]
    clock = time.process_time if ARGS.cpu_time else time.perf_counter
    for _ in range(3):
        fn()
    times = []
    for _ in range(60 if workload == "W2" else 12):
        t0 = clock()
        fn()
        times.append(clock() - t0)
    print(f"{float(np.median(times)) * 1e3:.2f}")


def alone() -> None:
    """Each step in a fresh process of its own (as a user's script runs it), in turns."""
    import subprocess
    base = [sys.executable, os.path.abspath(__file__), "--threads", str(ARGS.threads)] + \
        (["--cpu-time"] if ARGS.cpu_time else [])
    for workload in ("W3", "W2"):
        times: dict = {"before": [], "after": [], "pytorch": []}
        for _ in range(max(1, ARGS.rounds // 3)):
            for variant in times:
                out = subprocess.run(base + ["--one", workload, variant], capture_output=True,
                                     text=True, check=True).stdout
                times[variant].append(float(out.split()[-1]))
        print(f"\n{workload}, each step alone in a fresh process, median of the processes' "
              f"medians\n\n| variant | ms |\n|---|---|")
        for variant, t in times.items():
            print(f"| {variant} | {float(np.median(t)):.2f} |")


if __name__ == "__main__":
    if ARGS.one:
        _one(*ARGS.one)
    elif ARGS.choices:
        alone() if ARGS.alone else choices()
    else:
        main()
