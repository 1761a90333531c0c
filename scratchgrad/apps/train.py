"""``scratchgrad train``: train a model on a dataset, with checkpoints that resume exactly.

A checkpoint (``nn.save``, so ``.npz`` and never pickle) holds the model's and
the optimizer's state dicts, the scheduler's, and in ``meta`` (JSON text) the
run's options, the epoch reached, the history, the early-stopping counter and
the states of the two random generators in play: the data loader's (the order
of the coming epochs) and ``autograd``'s (dropout). Resuming restores all of
them, so 2 epochs + ``--resume`` to 4 gives the same weights as 4 in one go.
"""
from __future__ import annotations

import json
import os
from typing import Any

import numpy as np

from . import models
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


# ------------------------------------------------------------------ options
def resolve(args: Any, saved: dict | None = None) -> dict:
    """The run's options: the command line over the checkpoint's (resume) or the defaults."""
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
    validate(opts)
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
    checks = [("lr", o["lr"] > 0, "a positive number, e.g. 0.001"),
              ("batch-size", o["batch_size"] >= 1, "a positive integer, e.g. 64"),
              ("epochs", o["epochs"] >= 1, "a positive integer"),
              ("weight-decay", o["weight_decay"] >= 0, "0 or more"),
              ("dropout", 0 <= o["dropout"] < 1, "in [0, 1)"),
              ("val-split", 0 <= o["val_split"] < 1, "in [0, 1)"),
              ("test-split", 0 < o["test_split"] < 1, "in (0, 1)"),
              ("early-stopping", o["early_stopping"] >= 0, "0 (off) or a patience >= 1")]
    for name, ok, rule in checks:
        if not ok:
            key = name.replace("-", "_")
            raise CLIError(f"bad --{name} {o[key]}", f"it must be {rule}")


# --------------------------------------------------------------------- data
def load_data(spec: str, images: bool, seed: int, test_split: float) -> tuple:
    """``((X_train, y_train), (X_test, y_test), n_classes)`` for a ``--data`` value."""
    from nn import datasets

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
    import optim

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
    from optim import lr_scheduler

    kind, epochs = o["scheduler"], o["epochs"]
    if kind == "step":
        return lr_scheduler.StepLR(opt, step_size=max(1, epochs // 3), gamma=0.3)
    if kind == "cosine":
        return lr_scheduler.CosineAnnealingLR(opt, T_max=epochs)
    if kind == "plateau":
        return lr_scheduler.ReduceLROnPlateau(opt, factor=0.3, patience=1)
    return None


# -------------------------------------------------------------- checkpoint
def save_checkpoint(path: str, model: Any, opt: Any, sched: Any, meta: dict) -> None:
    """Write model, optimizer, scheduler and ``meta`` (plain data) atomically with ``nn.save``."""
    import nn

    state = {"model": model.state_dict(), "optimizer": opt.state_dict(),
             "meta": meta}
    if sched is not None:
        state["scheduler"] = sched.state_dict()
    nn.save(state, path)


def load_checkpoint(path: str) -> dict:
    """Read a checkpoint written by :func:`save_checkpoint`; one-line error if it is not one."""
    import nn

    if not os.path.isfile(path):
        raise CLIError(f"no checkpoint at {path!r}",
                       "give the checkpoint.npz that a previous train run wrote")
    try:
        state = nn.load(path)
        meta = state["meta"]
        meta["options"]["epochs"], meta["order_rng"]["state"]
    except (KeyError, TypeError, ValueError, OSError) as exc:
        raise CLIError(f"{path!r} is not a scratchgrad train checkpoint "
                       f"({str(exc).splitlines()[0] if str(exc) else type(exc).__name__})",
                       "resume from the checkpoint.npz that scratchgrad train wrote") from exc
    return state


# --------------------------------------------------------------------- run
def run(args: Any) -> int:
    """Train, print a summary table, write curves, metrics and the checkpoint."""
    import autograd as ag
    from nn.data import DataLoader, TensorDataset

    from . import loop

    ckpt = load_checkpoint(args.resume) if args.resume else None
    o = resolve(args, ckpt["meta"]["options"] if ckpt else None)
    show = not args.no_progress
    if show:
        require("tqdm", "progress bars (or pass --no-progress)")   # fail before training
    small_blas_threads()
    images = models.needs_images(o["model"])
    (Xtr, ytr), (Xte, yte), n_classes = load_data(o["data"], images, o["seed"],
                                                  o["test_split"])
    from nn.datasets import shuffle_split

    if o["val_split"] > 0:
        (Xtr, ytr), (Xva, yva) = shuffle_split(Xtr, ytr, o["val_split"], seed=o["seed"] + 1)
    else:
        Xva, yva = Xte[:0], yte[:0]
    ag.manual_seed(o["seed"])
    model = models.build(o["model"], Xtr.shape[1:], n_classes, dropout=o["dropout"])
    opt = make_optimizer(o, list(model.parameters()))
    sched = make_scheduler(o, opt)
    order_rng = np.random.default_rng(o["seed"] + 2)
    loader = DataLoader(TensorDataset(Xtr, ytr), batch_size=o["batch_size"], shuffle=True,
                        generator=order_rng)
    history: dict = {k: [] for k in ("train_loss", "train_acc", "val_loss", "val_acc", "lr",
                                     "seconds")}
    start_epoch, best, bad = 0, float("inf"), 0
    if ckpt is not None:
        meta = ckpt["meta"]
        model.load_state_dict(ckpt["model"])
        opt.load_state_dict(ckpt["optimizer"])
        if sched is not None:
            sched.load_state_dict(ckpt["scheduler"])
        order_rng.bit_generator.state = meta["order_rng"]
        ag.set_rng_state(meta["autograd_rng"])
        history, start_epoch = meta["history"], meta["epoch"]
        best, bad = meta["best"], meta["bad_epochs"]
        print(f"resuming {args.resume} at epoch {start_epoch + 1} of {o['epochs']}")
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "checkpoint.npz")
    print(f"{o['model']} on {o['data']}: {len(Xtr)} train, {len(Xva)} validation, {len(Xte)} "
          f"test samples; {sum(p.numel() for p in model.parameters()):,} parameters; "
          f"{o['optim']} lr={fmt_number(o['lr'])}")
    stopped = ""
    try:
        stopped, best, bad = _epochs(o, model, opt, sched, loader, order_rng, (Xva, yva),
                                     history, start_epoch, best, bad, path, show)
    except KeyboardInterrupt:
        done = len(history["train_loss"])
        if not done:
            raise
        print(f"\ninterrupted after {done} finished epoch(s); resume with: "
              f"scratchgrad train --resume {path}")
        return 130
    if not stopped and o["early_stopping"] and bad >= o["early_stopping"] \
            and len(history["val_loss"]) < o["epochs"]:
        stopped = f"early stopping: no better validation loss for {bad} epochs"
    test_loss, test_acc, _ = loop.evaluate(model, Xte, yte)
    print_summary(history)
    if stopped:
        print(stopped)
    print(f"test: loss {test_loss:.4f}, accuracy {100 * test_acc:.2f}% ({len(Xte)} samples)")
    with open(os.path.join(args.out, "metrics.json"), "w", encoding="utf-8") as f:
        json.dump({"options": o, "history": history, "test_loss": test_loss,
                   "test_acc": test_acc}, f, indent=1)
    written = [path, os.path.join(args.out, "metrics.json")]
    try:
        from . import plots

        written.append(plots.curves(history, os.path.join(args.out, "curves.png"),
                                    title=o["model"]))
    except CLIError as exc:
        print(f"(no curves: {exc})")
    print("wrote " + ", ".join(written))
    print(f"resume with: scratchgrad train --resume {path} --epochs {o['epochs'] + 5}")
    return 0


def print_summary(history: dict) -> None:
    """The per-epoch table: losses, accuracies, learning rate and time."""
    print(f"{'epoch':>5} {'train loss':>10} {'train acc':>9} {'val loss':>9} {'val acc':>8} "
          f"{'lr':>9} {'time':>7}")
    rows = zip(history["train_loss"], history["train_acc"], history["val_loss"],
               history["val_acc"], history["lr"], history["seconds"])
    for k, (tl, ta, vl, va, lr, sec) in enumerate(rows, 1):
        print(f"{k:>5} {tl:>10.4f} {100 * ta:>8.2f}% {vl:>9.4f} {100 * va:>7.2f}% "
              f"{lr:>9.3g} {sec:>6.1f}s")


def _epochs(o: dict, model: Any, opt: Any, sched: Any, loader: Any, order_rng: Any,
            val: tuple, history: dict, start_epoch: int, best: float, bad: int, path: str,
            show: bool) -> tuple[str, float, int]:
    """Train from ``start_epoch`` to the last epoch, checkpointing after each one."""
    import autograd as ag

    from . import loop

    Xva, yva = val
    stopped = ""
    for epoch in range(start_epoch, o["epochs"]):
        if o["early_stopping"] and bad >= o["early_stopping"]:
            stopped = f"early stopping: no better validation loss for {bad} epochs"
            break
        timer = loop.Timer()
        lr = opt.param_groups[0]["lr"]
        tl, ta = loop.train_epoch(model, loader, opt, f"epoch {epoch + 1}/{o['epochs']}", show)
        vl, va, _ = loop.evaluate(model, Xva, yva) if len(Xva) else (tl, ta, None)
        if sched is not None:
            sched.step(vl) if o["scheduler"] == "plateau" else sched.step()
        for key, value in (("train_loss", tl), ("train_acc", ta), ("val_loss", vl),
                           ("val_acc", va), ("lr", lr), ("seconds", timer())):
            history[key].append(float(value))
        best, bad = (vl, 0) if vl < best - 1e-6 else (best, bad + 1)
        meta = {"options": o, "epoch": epoch + 1, "history": history, "best": best,
                "bad_epochs": bad, "order_rng": order_rng.bit_generator.state,
                "autograd_rng": ag.get_rng_state()}
        save_checkpoint(path, model, opt, sched, meta)
        if not show:
            print(f"epoch {epoch + 1}/{o['epochs']}: loss {tl:.4f} acc {ta:.3f} "
                  f"val_loss {vl:.4f} val_acc {va:.3f}")
    return stopped, best, bad
