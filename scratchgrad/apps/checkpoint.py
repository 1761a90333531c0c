"""``scratchgrad train`` checkpoints: write them, and read them back only when they make sense.

A checkpoint (``nn.save``, so ``.npz`` and never pickle) holds the model's and
the optimizer's state dicts, the scheduler's, and in ``meta`` (JSON text) the
run's options, the epoch reached, the history, the early-stopping counter and
the states of the two random generators in play: the data loader's (the order
of the coming epochs) and ``autograd``'s (dropout).

A file given to ``--resume`` may have been edited or crafted, so every part is
checked before the run starts (types, ranges, the generator kind, how the
optimizer's options fit the optimizer) and each problem is one
:class:`~scratchgrad.apps._common.CLIError` naming the file and the part.
"""
from __future__ import annotations

import numbers
import os
from typing import Any

import numpy as np

import nn

from ._common import CLIError

HISTORY = ("train_loss", "train_acc", "val_loss", "val_acc", "lr", "seconds")
_FIX = "resume from the checkpoint.npz that scratchgrad train wrote"
#: option name -> the kind of value a checkpoint must hold for it
_OPTION_KINDS = {"model": str, "data": str, "optim": str, "scheduler": str,
                 "lr": float, "weight_decay": float, "dropout": float, "val_split": float,
                 "test_split": float, "batch_size": int, "epochs": int, "seed": int,
                 "early_stopping": int}


def save(path: str, model: Any, opt: Any, sched: Any, meta: dict) -> None:
    """Write model, optimizer, scheduler and ``meta`` (plain data) atomically with ``nn.save``."""
    state = {"model": model.state_dict(), "optimizer": opt.state_dict(), "meta": meta}
    if sched is not None:
        state["scheduler"] = sched.state_dict()
    nn.save(state, path)


def load(path: str) -> dict:
    """Read a checkpoint written by :func:`save` and check its ``meta``; one-line errors.

    Example:
        >>> load("no/such/checkpoint.npz")
        Traceback (most recent call last):
        ...
        scratchgrad.apps._common.CLIError: no checkpoint at 'no/such/checkpoint.npz'; ...
    """
    if not os.path.isfile(path):
        raise CLIError(f"no checkpoint at {path!r}",
                       "give the checkpoint.npz that a previous train run wrote")
    try:
        state = nn.load(path)
    except (KeyError, TypeError, ValueError, OSError) as exc:
        raise CLIError(f"{path!r} is not a scratchgrad train checkpoint "
                       f"({_first_line(exc)})", _FIX) from exc
    if not isinstance(state, dict):
        raise bad(path, "it holds no dict of states")
    for part in ("meta", "model", "optimizer"):
        if not isinstance(state.get(part), dict):
            raise bad(path, f"its {part!r} part is missing or not a dict")
    check_meta(state["meta"], path)
    return state


def bad(path: str, what: str) -> CLIError:
    """The one-line error for a checkpoint that cannot be resumed."""
    return CLIError(f"cannot resume from {path!r}: {what}", _FIX)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _is_int(x: Any) -> bool:
    return isinstance(x, numbers.Integral) and not isinstance(x, bool)


def _is_real(x: Any) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, bool)


def check_meta(meta: dict, path: str) -> None:
    """Check the types and ranges of a checkpoint's ``meta``; raise :class:`CLIError` if off."""
    opts = meta.get("options")
    if not isinstance(opts, dict):
        raise bad(path, "its options are missing")
    for key, kind in _OPTION_KINDS.items():
        value = opts.get(key)
        ok = isinstance(value, str) if kind is str else (
            _is_int(value) if kind is int else _is_real(value))
        if not ok:
            raise bad(path, f"its option {key!r} is {value!r}, not "
                            f"{'text' if kind is str else 'a number'}")
    epoch: Any = meta.get("epoch")
    if not _is_int(epoch) or not 0 <= epoch <= opts["epochs"]:
        raise bad(path, f"its epoch {epoch!r} is not a count from 0 to its "
                        f"{opts['epochs']} epochs")
    _check_history(meta.get("history"), epoch, path)
    best = meta.get("best")
    if best is not None and not _is_real(best):
        raise bad(path, f"its best validation loss {best!r} is not a number")
    if not _is_int(meta.get("bad_epochs")) or meta["bad_epochs"] < 0:
        raise bad(path, f"its early-stopping count {meta.get('bad_epochs')!r} is not a count")
    for key, what in (("order_rng", "data-order"), ("autograd_rng", "dropout")):
        _check_rng(meta.get(key), f"its {what} random generator state", path)


def _check_history(history: Any, epoch: int, path: str) -> None:
    if not isinstance(history, dict):
        raise bad(path, f"its history is a {type(history).__name__}, not a dict")
    for key in HISTORY:
        values = history.get(key)
        if not isinstance(values, list) or not all(_is_real(v) for v in values):
            raise bad(path, f"its history {key!r} is not a list of numbers")
        if len(values) != epoch and not (key.startswith("val_") and not values):
            raise bad(path, f"its history {key!r} has {len(values)} entries for {epoch} epochs")


def _check_rng(state: Any, what: str, path: str) -> None:
    kind = state.get("bit_generator") if isinstance(state, dict) else None
    if kind != "PCG64":
        raise bad(path, f"{what} is {'for ' + repr(kind) if kind else 'missing'}, not the "
                        "PCG64 generator scratchgrad uses")
    try:
        np.random.PCG64().state = state
    except (TypeError, ValueError, KeyError, OverflowError) as exc:
        raise bad(path, f"{what} is damaged ({_first_line(exc)})") from None


def check_optimizer(saved: Any, opt: Any, path: str) -> None:
    """Check that the saved optimizer options fit ``opt``: every option there, same kinds."""
    groups = saved.get("param_groups") if isinstance(saved, dict) else None
    if isinstance(groups, dict):          # nn.load may give a list as a dict of indices
        groups = [groups[k] for k in sorted(groups, key=lambda k: int(k))]
    if not isinstance(groups, list) or len(groups) != len(opt.param_groups) or not all(
            isinstance(g, dict) for g in groups):
        raise bad(path, "its optimizer state has no parameter groups that fit the model")
    for group, fresh in zip(groups, opt.param_groups):
        for key, value in fresh.items():
            if key == "params":
                continue
            if key not in group:
                raise bad(path, f"its optimizer options lack {key!r}")
            if not _same_kind(group[key], value):
                raise bad(path, f"its optimizer option {key!r} is {group[key]!r}, not "
                                f"{type(value).__name__} like {value!r}")


def _same_kind(saved: Any, fresh: Any) -> bool:
    if fresh is None:
        return True
    if isinstance(fresh, bool):
        return isinstance(saved, (bool, np.bool_))
    if _is_real(fresh):
        return _is_real(saved) and bool(np.isfinite(saved))
    if isinstance(fresh, (tuple, list)):
        return isinstance(saved, (tuple, list)) and len(saved) == len(fresh) and all(
            _same_kind(s, f) for s, f in zip(saved, fresh))
    return type(saved) is type(fresh)


def restore(state: dict, model: Any, opt: Any, sched: Any, path: str) -> None:
    """Load the model, optimizer and scheduler states; a misfit is one line naming the part."""
    check_optimizer(state["optimizer"], opt, path)
    parts = [("model", model), ("optimizer", opt)]
    if sched is not None:
        if not isinstance(state.get("scheduler"), dict):
            raise bad(path, "its scheduler state is missing")
        parts.append(("scheduler", sched))
    for part, obj in parts:
        try:
            obj.load_state_dict(state[part])
        except (KeyError, TypeError, ValueError, RuntimeError, IndexError) as exc:
            raise bad(path, f"its {part} state does not fit ({_first_line(exc)})") from None
