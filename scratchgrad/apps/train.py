"""``scratchgrad train``: train a model on a dataset, with checkpoints that resume exactly.

The checkpoint (see :mod:`scratchgrad.apps.checkpoint`) keeps the model, the
optimizer, the scheduler, the history and both random generators, so 2 epochs
+ ``--resume`` to 4 gives the same weights as 4 in one go. A resumed run keeps
its options (only ``--epochs`` may grow) and writes into the checkpoint's own
folder unless ``--out`` is given. ``--val-split 0`` trains without a
validation set: the table then has no validation columns, and the options that
watch the validation loss (early stopping, the plateau scheduler) are refused.
"""
from __future__ import annotations

import json
import math
import os
from typing import Any

import numpy as np

import autograd as ag
import optim
from nn import datasets
from nn.data import DataLoader, TensorDataset
from optim import lr_scheduler

from . import checkpoint, loop, models, plots
from ._common import CLIError, fmt_number, require, small_blas_threads

DEFAULTS: dict[str, Any] = {
    "model": "mlp", "data": "digits", "optim": "adam", "lr": None, "batch_size": 64,
    "epochs": 5, "weight_decay": 0.0, "dropout": 0.0, "seed": 0, "val_split": 0.1,
    "test_split": 0.2, "early_stopping": 0, "scheduler": "none",
}
#: options a resumed run may change; every other option comes from the checkpoint
FREE = ("epochs",)
LR = {"sgd": 0.1, "momentum": 0.05, "adagrad": 0.05, "rmsprop": 1e-3, "adam": 1e-3,
      "adamw": 1e-3}
SCHEDULERS = ("none", "step", "cosine", "plateau")
DATASETS = "digits, mnist5k, mnist:PATH (a folder with the MNIST IDX files) or spiral"
OUT = os.path.join("scratchgrad-out", "train")


# ------------------------------------------------------------------ options
def resolve(args: Any, saved: dict | None = None) -> dict:
    """The run's options: the command line over the checkpoint's (resume) or the defaults.

    Raises :class:`CLIError` when a resumed run is given an option that differs
    from the checkpoint's (only ``--epochs`` may change); :func:`validate` checks
    the values.
    """
    opts = dict(DEFAULTS if saved is None else saved)
    for key in DEFAULTS:
        given = getattr(args, key, None)
        if given is None:
            continue
        if saved is not None and key not in FREE and given != saved[key]:
            raise CLIError(f"--{key.replace('_', '-')} {given} differs from the checkpoint's "
                           f"{saved[key]}", "a resumed run keeps its options; drop it, or "
                           "start a new run without --resume")
        opts[key] = given
    if opts["lr"] is None and opts["optim"] in LR:
        opts["lr"] = LR[opts["optim"]]
    return opts


def validate(o: dict) -> None:
    """Check every option before any data is loaded; raise :class:`CLIError` naming the fix."""
    models.check_model(o["model"])
    if o["optim"] not in LR:
        raise CLIError(f"unknown optimizer {o['optim']!r}", f"choose one of: {', '.join(LR)}")
    if o["scheduler"] not in SCHEDULERS:
        raise CLIError(f"unknown scheduler {o['scheduler']!r}",
                       f"choose one of: {', '.join(SCHEDULERS)}")
    data = o["data"]
    if data not in ("digits", "mnist5k", "spiral") and not data.startswith("mnist:"):
        raise CLIError(f"unknown dataset {data!r}", f"choose one of: {DATASETS}")
    checks = [("lr", 0 < o["lr"] < math.inf, "a positive number, e.g. 0.001"),
              ("batch-size", o["batch_size"] >= 1, "a positive integer, e.g. 64"),
              ("epochs", o["epochs"] >= 1, "a positive integer"),
              ("weight-decay", 0 <= o["weight_decay"] < math.inf, "0 or more"),
              ("seed", o["seed"] >= 0, "0 or more"),
              ("dropout", 0 <= o["dropout"] < 1, "in [0, 1)"),
              ("val-split", 0 <= o["val_split"] < 1, "in [0, 1)"),
              ("test-split", 0 < o["test_split"] < 1, "in (0, 1)"),
              ("early-stopping", o["early_stopping"] >= 0, "0 (off) or a patience >= 1")]
    for name, ok, rule in checks:
        if not ok:
            key = name.replace("-", "_")
            raise CLIError(f"bad --{name} {o[key]}", f"it must be {rule}")
    if o["val_split"] == 0:
        for name, on in (("--early-stopping", o["early_stopping"] > 0),
                         ("--scheduler plateau", o["scheduler"] == "plateau")):
            if on:
                raise CLIError(f"{name} watches the validation loss, but --val-split 0 leaves "
                               "no validation set", f"give --val-split 0.1, or drop {name}")


def check_resume(o: dict, meta: dict, path: str) -> None:
    """Refuse a resume that would train no epoch: ``--epochs`` must pass the epoch reached."""
    done = meta["epoch"]
    if o["epochs"] <= done:
        raise CLIError(f"{path!r} has already trained {done} epochs; --epochs {o['epochs']} "
                       "leaves nothing to do",
                       f"raise --epochs past {done} (e.g. --epochs {done + 5}) to train longer")


# --------------------------------------------------------------------- data
def load_data(spec: str, images: bool, seed: int, test_split: float) -> tuple:
    """``((X_train, y_train), (X_test, y_test), n_classes)`` for a ``--data`` value."""
    try:
        if spec.startswith("mnist:"):
            path = spec[len("mnist:"):]
            train = datasets.mnist(path, train=True, images=images)
            test = datasets.mnist(path, train=False, images=images)
        else:
            if spec == "digits":
                X, y = datasets.digits(images=images)
            elif spec == "mnist5k":
                X, y = datasets.mnist5k(images=images)
            else:
                X, y = datasets.spiral(n_per_class=300, n_classes=3, seed=seed)
            train, test = datasets.shuffle_split(X, y, test_split, seed=seed)
    except (FileNotFoundError, ValueError) as exc:
        raise CLIError(str(exc)) from exc
    except ImportError as exc:
        raise CLIError(str(exc).splitlines()[0]) from exc
    n_classes = int(max(train[1].max(), test[1].max())) + 1
    return train, test, n_classes


# ------------------------------------------------------------ model & optim
def make_optimizer(o: dict, params: list) -> Any:
    """The optimizer named by ``--optim`` with ``--lr`` and ``--weight-decay``."""
    name, lr, wd = o["optim"], o["lr"], o["weight_decay"]
    if name == "sgd":
        return optim.SGD(params, lr=lr, weight_decay=wd)
    if name == "momentum":
        return optim.SGD(params, lr=lr, momentum=0.9, weight_decay=wd)
    if name == "adagrad":
        return optim.Adagrad(params, lr=lr, weight_decay=wd)
    if name == "rmsprop":
        return optim.RMSprop(params, lr=lr, weight_decay=wd)
    if name == "adam":
        return optim.Adam(params, lr=lr, weight_decay=wd)
    return optim.AdamW(params, lr=lr, weight_decay=wd or 0.01)


def make_scheduler(o: dict, opt: Any) -> Any:
    """The ``--scheduler`` over ``--epochs`` (None for ``none``)."""
    kind, epochs = o["scheduler"], o["epochs"]
    if kind == "step":
        return lr_scheduler.StepLR(opt, step_size=max(1, epochs // 3), gamma=0.3)
    if kind == "cosine":
        return lr_scheduler.CosineAnnealingLR(opt, T_max=epochs)
    if kind == "plateau":
        return lr_scheduler.ReduceLROnPlateau(opt, factor=0.3, patience=1)
    return None


def split_data(o: dict) -> tuple:
    """``(train, val, test, n_classes)``; refuses splits that leave too little to train on."""
    images = models.needs_images(o["model"])
    (Xtr, ytr), (Xte, yte), n_classes = load_data(o["data"], images, o["seed"],
                                                  o["test_split"])
    total = len(Xtr)
    if o["val_split"] > 0 and total > 1:
        (Xtr, ytr), (Xva, yva) = datasets.shuffle_split(Xtr, ytr, o["val_split"],
                                                        seed=o["seed"] + 1)
    else:
        Xva, yva = Xtr[:0], ytr[:0]
    splits = f"--val-split {o['val_split']:g} leaves" if o["data"].startswith("mnist:") else (
        f"--test-split {o['test_split']:g} and --val-split {o['val_split']:g} leave")
    if len(Xtr) < o["batch_size"]:
        samples = f"{len(Xtr)} training sample{'' if len(Xtr) == 1 else 's'}"
        raise CLIError(f"{splits} {samples} of {o['data']}, fewer than one "
                       f"batch of {o['batch_size']}", "lower the split fractions or --batch-size")
    if o["val_split"] > 0 and not len(Xva):
        raise CLIError(f"--val-split {o['val_split']:g} of {total} samples leaves no "
                       "validation sample", "raise it, or give --val-split 0 for none")
    if not len(Xte):
        raise CLIError(f"--test-split {o['test_split']:g} leaves no test sample",
                       "raise --test-split")
    return (Xtr, ytr), (Xva, yva), (Xte, yte), n_classes


# --------------------------------------------------------------------- run
def run(args: Any) -> int:
    """Train, print a summary table, write curves, metrics and the checkpoint."""
    ckpt = checkpoint.load(args.resume) if args.resume else None
    o = _options(args, ckpt)
    out = args.out or (os.path.dirname(args.resume) or "." if args.resume else OUT)
    show = not args.no_progress
    if show and loop.live_bars():
        require("tqdm", "progress bars (or pass --no-progress)")   # fail before training
    small_blas_threads()
    (Xtr, ytr), (Xva, yva), (Xte, yte), n_classes = split_data(o)
    ag.manual_seed(o["seed"])
    model = models.build(o["model"], Xtr.shape[1:], n_classes, dropout=o["dropout"])
    opt = make_optimizer(o, list(model.parameters()))
    sched = make_scheduler(o, opt)
    order_rng = np.random.default_rng(o["seed"] + 2)
    loader = DataLoader(TensorDataset(Xtr, ytr), batch_size=o["batch_size"], shuffle=True,
                        generator=order_rng)
    run_state: dict[str, Any] = {"history": {k: [] for k in checkpoint.HISTORY}, "epoch": 0,
                                 "best": None, "bad_epochs": 0}
    if ckpt is not None:
        checkpoint.restore(ckpt, model, opt, sched, args.resume)
        meta = ckpt["meta"]
        order_rng.bit_generator.state = meta["order_rng"]
        ag.set_rng_state(meta["autograd_rng"])
        run_state.update({k: meta[k] for k in run_state})
        print(f"resuming {args.resume} at epoch {meta['epoch'] + 1} of {o['epochs']}")
    os.makedirs(out, exist_ok=True)
    path = os.path.join(out, "checkpoint.npz")
    print(f"{o['model']} on {o['data']}: {len(Xtr)} train, {len(Xva)} validation, {len(Xte)} "
          f"test samples; {sum(p.numel() for p in model.parameters()):,} parameters; "
          f"{o['optim']} lr={fmt_number(o['lr'])}")
    if not len(Xva):
        print("no validation set (--val-split 0): the table shows training metrics only")
    history = run_state["history"]
    if not show:                                    # the table grows one row per epoch
        print_summary(history)
    try:
        stopped = _epochs(o, (model, opt, sched, loader, order_rng), (Xva, yva), run_state,
                          path, show)
    except KeyboardInterrupt:
        done = len(history["train_loss"])
        if not done:
            raise
        print(f"\ninterrupted after {done} finished epoch(s); resume with: "
              f"scratchgrad train --resume {path}")
        return 130
    if show:
        print_summary(history)
    _finish(o, model, (Xte, yte), history, out, path, stopped)
    return 0


def _options(args: Any, ckpt: dict | None) -> dict:
    o = resolve(args, ckpt["meta"]["options"] if ckpt else None)
    if ckpt is None:
        validate(o)
        return o
    try:
        validate(o)
    except CLIError as exc:
        raise checkpoint.bad(args.resume, f"its options are invalid ({exc.message})") from None
    check_resume(o, ckpt["meta"], args.resume)
    return o


def _finish(o: dict, model: Any, test: tuple, history: dict, out: str, path: str,
            stopped: str) -> None:
    Xte, yte = test
    test_loss, test_acc, _ = loop.evaluate(model, Xte, yte)
    if stopped:
        print(stopped)
    print(f"test: loss {test_loss:.4f}, accuracy {100 * test_acc:.2f}% ({len(Xte)} samples)")
    metrics = os.path.join(out, "metrics.json")
    with open(metrics, "w", encoding="utf-8") as f:
        json.dump({"options": o, "history": history, "test_loss": test_loss,
                   "test_acc": test_acc}, f, indent=1)
    written = [path, metrics]
    try:
        written.append(plots.curves(history, os.path.join(out, "curves.png"),
                                    title=o["model"]))
    except CLIError as exc:
        print(f"(no curves: {exc})")
    print("wrote " + ", ".join(written))
    print(f"resume with: scratchgrad train --resume {path} --epochs {o['epochs'] + 5}")


def print_summary(history: dict, rows: slice = slice(None)) -> None:
    """The per-epoch table (losses, accuracies, learning rate, time); ``rows`` picks epochs.

    With ``rows`` empty it prints the header alone; validation columns show
    ``-`` when the run has no validation set.

    Example:
        >>> print_summary({"train_loss": [0.5], "train_acc": [0.9], "val_loss": [],
        ...                "val_acc": [], "lr": [0.001], "seconds": [1.25]})
        epoch train loss train acc  val loss  val acc        lr    time
            1     0.5000    90.00%         -        -     0.001    1.2s
    """
    if rows == slice(None):
        print(f"{'epoch':>5} {'train loss':>10} {'train acc':>9} {'val loss':>9} "
              f"{'val acc':>8} {'lr':>9} {'time':>7}")
    for k in range(len(history["train_loss"]))[rows]:
        tl, ta = history["train_loss"][k], history["train_acc"][k]
        lr, sec = history["lr"][k], history["seconds"][k]
        has_val = k < len(history["val_loss"])
        vl = f"{history['val_loss'][k]:>9.4f}" if has_val else f"{'-':>9}"
        va = f"{100 * history['val_acc'][k]:>7.2f}%" if has_val else f"{'-':>8}"
        print(f"{k + 1:>5} {tl:>10.4f} {100 * ta:>8.2f}% {vl} {va} {lr:>9.3g} {sec:>6.1f}s")


def _epochs(o: dict, parts: tuple, val: tuple, run_state: dict, path: str, show: bool) -> str:
    """Train from the epoch reached to the last one, checkpointing after each; returns the
    early-stopping message ("" when every epoch ran)."""
    model, opt, sched, loader, order_rng = parts
    Xva, yva = val
    history, patience = run_state["history"], o["early_stopping"]
    for epoch in range(run_state["epoch"], o["epochs"]):
        if patience and run_state["bad_epochs"] >= patience:
            return f"early stopping: no better validation loss for {patience} epochs"
        timer = loop.Timer()
        lr = opt.param_groups[0]["lr"]
        tl, ta = loop.train_epoch(model, loader, opt, f"epoch {epoch + 1}/{o['epochs']}", show)
        row = {"train_loss": tl, "train_acc": ta, "lr": lr}
        if len(Xva):
            row["val_loss"], row["val_acc"], _ = loop.evaluate(model, Xva, yva)
            best = run_state["best"]
            if best is None or row["val_loss"] < best - 1e-6:
                run_state["best"], run_state["bad_epochs"] = row["val_loss"], 0
            else:
                run_state["bad_epochs"] += 1
        if sched is not None:
            sched.step(row["val_loss"]) if o["scheduler"] == "plateau" else sched.step()
        row["seconds"] = timer()
        for key, value in row.items():
            history[key].append(float(value))
        run_state["epoch"] = epoch + 1
        checkpoint.save(path, model, opt, sched, {
            "options": o, **run_state, "order_rng": order_rng.bit_generator.state,
            "autograd_rng": ag.get_rng_state()})
        if not show:
            print_summary(history, slice(epoch, epoch + 1))
    if patience and run_state["bad_epochs"] >= patience and run_state["epoch"] < o["epochs"]:
        return f"early stopping: no better validation loss for {patience} epochs"
    return ""
