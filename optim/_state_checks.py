"""Checks on what an optimizer's or a scheduler's ``load_state_dict`` is given.

A state dict may come from a file written by anyone; nothing of it is applied
unless all of it fits, so a bad one fails at load time with a message naming
the entry, instead of turning the weights into NaN some steps later.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np


def _whole(v: Any, least: int) -> bool:
    """True for an int (not a bool) >= ``least``."""
    return bool(isinstance(v, (int, np.integer)) and not isinstance(v, bool) and v >= least)


def index_of(key: Any, where: str) -> int:
    """A parameter index from a state dict (an int, or its text after a save/load)."""
    if isinstance(key, (bool, np.bool_)) or not isinstance(key, (int, np.integer, str)):
        raise TypeError(f"{where}: parameter indices must be ints, got {key!r}")
    try:
        k = int(key)
    except ValueError:
        raise TypeError(f"{where}: parameter indices must be ints, got {key!r}") from None
    if k < 0:
        raise ValueError(f"{where}: parameter index {k} is negative")
    return k


def check_option(where: str, i: int, name: str, value: Any, default: Any) -> None:
    """A loaded option must be of its default's kind (checked before any conversion), and
    any number in it finite."""
    def number(x: Any) -> bool:
        return isinstance(x, (int, float, np.integer, np.floating)) \
            and not isinstance(x, (bool, np.bool_))

    if isinstance(value, (np.ndarray, np.generic, list)):
        arr = np.asarray(value)
        value = arr.item() if arr.ndim == 0 else tuple(arr.reshape(-1).tolist())
    bad = None
    if isinstance(default, bool):
        bad = None if isinstance(value, (bool, np.bool_)) else "True or False"
    elif number(default):
        bad = None if number(value) else "a number"
    elif isinstance(default, tuple):
        ok = isinstance(value, tuple) and len(value) == len(default) and all(map(number, value))
        bad = None if ok else f"a tuple of {len(default)} numbers"
    if bad is None and any(number(x) and not np.isfinite(x)
                           for x in (value if isinstance(value, tuple) else (value,))):
        bad = "finite"
    if bad is not None:
        raise ValueError(f"{where}: parameter group {i}: option {name!r} is {value!r} "
                         f"(must be {bad})")


# whole-number entries and their least values; rates (>= 0); entries with fixed choices
_COUNTERS = {"last_epoch": -1, "_step_count": 0, "step_size": 1, "T_max": 1, "total_iters": 1,
             "total_steps": 1, "patience": 0, "cooldown": 0, "num_bad_epochs": 0,
             "cooldown_counter": 0}
_RATES = ("base_lrs", "_last_lr", "min_lrs", "eta_min")
_PER_GROUP = ("base_lrs", "_last_lr", "min_lrs")
_CHOICES = {"mode": ("min", "max"), "threshold_mode": ("rel", "abs"),
            "anneal_strategy": ("cos", "linear")}


def checked_scheduler_state(sched: Any, state_dict: Any) -> dict[str, Any]:
    """``state_dict`` checked against ``sched``'s own state (see LRScheduler.load_state_dict)."""
    cls = type(sched).__name__
    where = f"{cls}.load_state_dict"
    if not isinstance(state_dict, dict):
        raise TypeError(f"{where}: expected a dict (from {cls}.state_dict()), got "
                        f"{type(state_dict).__name__}")
    current = sched.state_dict()
    unknown = sorted(map(str, set(state_dict) - set(current)))
    if unknown:
        raise ValueError(f"{where}: unexpected keys {unknown}")
    missing = [k for k in current if k not in state_dict and not k.startswith("_")]
    if missing:
        raise ValueError(f"{where}: missing keys {missing}")
    out = {}
    for key, value in state_dict.items():
        like = current[key]
        if key in _PER_GROUP and (not isinstance(value, (list, tuple)) or len(value) != len(like)):
            raise ValueError(f"{where}: {key!r} must hold one value per parameter group "
                             f"({len(like)}), got {value!r}")
        value = _like(where, key, value, like)
        if key in _COUNTERS and (not _whole(value, _COUNTERS[key])):
            raise ValueError(f"{where}: {key!r} is {value!r} (must be a whole number >= "
                             f"{_COUNTERS[key]})")
        rates = value if isinstance(value, list) else [value]
        if key in _RATES and not all(math.isfinite(r) and r >= 0 for r in rates):
            raise ValueError(f"{where}: {key!r} is {value!r} (rates must be finite and >= 0)")
        if key in _CHOICES and value not in _CHOICES[key]:
            raise ValueError(f"{where}: {key!r} is {value!r} (must be one of {_CHOICES[key]})")
        out[key] = value
    return out


def _like(where: str, key: str, value: Any, like: Any) -> Any:
    """``value`` as a plain value of ``like``'s kind, or a ValueError naming ``key``."""
    def number(x: Any) -> bool:
        return isinstance(x, (int, float, np.integer, np.floating)) \
            and not isinstance(x, (bool, np.bool_))

    def fail(rule: str) -> ValueError:
        return ValueError(f"{where}: {key!r} is {value!r} (must be {rule})")

    if like is None:
        return value
    if isinstance(like, bool):
        if not isinstance(value, (bool, np.bool_)):
            raise fail("True or False")
        return bool(value)
    if number(like):
        if not number(value):
            raise fail("a number")
        if math.isnan(value) or (math.isinf(value) and key != "best"):
            raise fail("finite")
        return int(value) if isinstance(value, (int, np.integer)) else float(value)
    if isinstance(like, str):
        if not isinstance(value, str):
            raise fail("text")
        return value
    if isinstance(like, (list, tuple)):
        if not isinstance(value, (list, tuple)):
            raise fail(f"a {type(like).__name__}")
        if not like:
            return type(like)(value)
        likes = like if len(like) == len(value) else [like[0]] * len(value)
        return type(like)(_like(where, f"{key}[{i}]", v, lk)
                          for i, (v, lk) in enumerate(zip(value, likes)))
    if isinstance(like, dict):
        if not isinstance(value, dict):
            raise fail("a dict")
        return {k: _like(where, f"{key}[{k!r}]", v, like.get(k)) for k, v in value.items()}
    return value
