"""``Optimizer``: the base class every optimizer builds on.

It owns what all optimizers share: parameter groups with per-group options,
per-parameter state keyed by the parameter object itself, ``zero_grad``,
``step(closure)`` and a ``state_dict`` of plain numpy arrays and numbers (the
layout of PyTorch's, so ``nn.save`` can write it). A subclass supplies its
defaults, ``_validate`` (checks one group's options) and ``_update`` (the
update rule for one parameter, in numpy, in place).
"""
from __future__ import annotations

from collections import defaultdict
from typing import Any, Callable, Iterable

import numpy as np

from autograd import Tensor, enable_grad, no_grad
from autograd.version import increment_version

from ._state_checks import check_option, index_of

ParamsT = Iterable[Tensor] | Iterable[dict[str, Any]]


class _Required:
    """Marker for an option that has no default and must be given."""

    def __repr__(self) -> str:
        return "<required parameter>"


required = _Required()


class Optimizer:
    """Base class of all optimizers.

    Args:
        params: an iterable of Tensors to optimize, or of dicts (parameter
            groups) each holding ``"params"`` and any options that differ
            from ``defaults``.
        defaults: the options a group takes when it does not set them.

    A parameter whose ``.grad`` is None is skipped by :meth:`step`. Updates run
    under ``no_grad``, write into ``p.array`` in place, keep the parameter's
    dtype and bump its version counter.

    Example:
        >>> import autograd as ag
        >>> from optim import SGD
        >>> w, b = ag.tensor([1.0, 2.0], requires_grad=True), ag.tensor(0.0, requires_grad=True)
        >>> opt = SGD([{"params": [w]}, {"params": [b], "lr": 0.5}], lr=0.1)
        >>> [g["lr"] for g in opt.param_groups]
        [0.1, 0.5]
        >>> w.grad, b.grad = ag.tensor([1.0, 1.0]), ag.tensor(1.0)
        >>> opt.step()
        >>> w, b
        (tensor([0.9000, 1.9000], requires_grad=True), tensor(-0.5000, requires_grad=True))
    """

    #: state entries that are numbers (step counters), not arrays shaped like the parameter
    _scalar_state: tuple[str, ...] = ("step",)

    def __init__(self, params: ParamsT, defaults: dict[str, Any]) -> None:
        self.defaults = dict(defaults)
        self._validate({k: v for k, v in self.defaults.items() if v is not required})
        self.state = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []
        if isinstance(params, Tensor):
            raise TypeError(
                f"{self._name}: params must be an iterable of Tensors or of dicts, got a single "
                "Tensor; wrap it in a list: [t]"
            )
        if isinstance(params, (set, frozenset)):
            raise TypeError(f"{self._name}: params must be an ordered iterable (a list), not a "
                            "set: the order of parameters must not depend on hashing")
        groups: list[Any] = list(params)
        if not groups:
            raise ValueError(f"{self._name}: got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    @property
    def state(self) -> defaultdict[Tensor, dict[str, Any]]:
        """Per-parameter state, keyed by the parameter object: a ``defaultdict(dict)``.

        As PyTorch's, so a custom optimizer can write ``state = self.state[p]``
        and fill it when ``len(state) == 0``. Assigning a plain dict converts it.
        """
        return self._state

    @state.setter
    def state(self, value: dict[Tensor, dict[str, Any]]) -> None:
        self._state = value if isinstance(value, defaultdict) else defaultdict(dict, value)

    @property
    def _name(self) -> str:
        return type(self).__name__

    def __repr__(self) -> str:
        lines = [f"{self._name} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines += [f"    {k}: {group[k]}" for k in sorted(group) if k != "params"]
        return "\n".join(lines) + "\n)"

    # ------------------------------------------------------------ groups
    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters, with options that override the defaults.

        Args:
            param_group: a dict with ``"params"`` (a Tensor or an ordered
                iterable of Tensors) and any options.

        Raises ValueError when a parameter is already in another group, appears
        twice, is not a leaf, or an option is invalid or missing.
        """
        if not isinstance(param_group, dict):
            raise TypeError(f"{self._name}: a parameter group must be a dict, "
                            f"got {type(param_group).__name__}")
        if "params" not in param_group:
            raise ValueError(f"{self._name}: a parameter group needs a 'params' entry")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, (set, frozenset)):
            raise TypeError(f"{self._name}: a group's params must be an ordered iterable "
                            "(a list), not a set")
        params = list(params)
        for i, p in enumerate(params):
            if not isinstance(p, Tensor):
                raise TypeError(f"{self._name}: can only optimize Tensors, but parameter {i} "
                                f"of the group is a {type(p).__name__}")
            if not p.is_leaf:
                raise ValueError(f"{self._name}: can't optimize a non-leaf Tensor (parameter {i} "
                                 "was computed by an op); optimize the leaf it came from, or "
                                 "use .detach().requires_grad_()")
            if p.dtype.kind not in "fc":
                raise TypeError(f"{self._name}: can only optimize floating point Tensors, "
                                f"parameter {i} has dtype {p.array.dtype}")
        # Tensors hash by identity, so these sets hold the parameter objects themselves
        seen: set[Tensor] = set()
        for p in params:
            if p in seen:
                raise ValueError(f"{self._name}: a parameter appears twice in one group "
                                 "(it would be updated twice per step)")
            seen.add(p)
        for group in self.param_groups:
            if any(q in seen for q in group["params"]):
                raise ValueError(f"{self._name}: some parameters appear in more than one "
                                 "parameter group")
        group = {"params": params}
        for key, value in param_group.items():
            if key != "params":
                group[key] = value
        for key, default in self.defaults.items():
            if key not in group:
                if default is required:
                    raise ValueError(f"{self._name}: parameter group didn't specify a value of "
                                     f"required optimization parameter {key!r}")
                group[key] = default
        self._validate(group)
        self.param_groups.append(group)
        self._init_state(group)

    def _validate(self, group: dict[str, Any]) -> None:
        """Raise ValueError for an invalid option in ``group`` (subclasses)."""

    def _init_state(self, group: dict[str, Any]) -> None:
        """Create state eagerly for a new group's parameters (most optimizers: lazily)."""

    def _check(self, ok: bool, what: str, value: Any, rule: str) -> None:
        if not ok:
            raise ValueError(f"{self._name}: invalid {what}: {value!r} (must be {rule})")

    def _check_lr_eps_wd(self, group: dict[str, Any]) -> None:
        """The checks every optimizer shares: lr, eps and weight_decay must be >= 0."""
        for key, what in (("lr", "learning rate"), ("eps", "epsilon value"),
                          ("weight_decay", "weight_decay value")):
            if key in group:
                v = group[key]
                self._check(bool(isinstance(v, (int, float, np.floating, np.integer))
                                 and not isinstance(v, bool) and v >= 0), what, v, ">= 0")

    # ------------------------------------------------------------ stepping
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradients of all optimized parameters.

        Args:
            set_to_none: set ``.grad`` to None (the default, as PyTorch: saves
                memory, and ``step`` then skips the parameter) instead of
                filling it with zeros in place.
        """
        for group in self.param_groups:
            for p in group["params"]:
                g = p.grad
                if g is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    if g.grad_fn is not None:
                        g.detach_()
                    else:
                        g.requires_grad = False
                    g.array[...] = 0
                    increment_version(g)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a gradient, once.

        Args:
            closure: optional; re-evaluates the model and returns the loss
                (it runs with gradients enabled, before the update).

        Returns:
            what ``closure`` returned, or None.
        """
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        with no_grad():
            for group in self.param_groups:
                for p in group["params"]:
                    if p.grad is None:
                        continue
                    g = self._grad_array(p, group)
                    self._update(p.array, g, self.state.setdefault(p, {}), group)
                    increment_version(p)
        return loss

    def _grad_array(self, p: Tensor, group: dict[str, Any]) -> np.ndarray:
        """p's gradient as an array of p's shape and dtype (negated when maximizing).

        The result may share memory with ``p.grad``: update rules must not write into it.
        """
        assert p.grad is not None
        g = p.grad.array
        if g.shape != p.array.shape:
            raise RuntimeError(f"{self._name}: a parameter of shape {tuple(p.array.shape)} has a "
                               f"gradient of shape {tuple(g.shape)}; they must match")
        if g.dtype != p.array.dtype:
            g = g.astype(p.array.dtype)
        return -g if group.get("maximize", False) else g

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict[str, Any],
                group: dict[str, Any]) -> None:
        """Apply the update rule to one parameter's array ``p`` in place (subclasses)."""
        raise NotImplementedError

    # ------------------------------------------------------------ checkpoints
    def state_dict(self) -> dict[str, Any]:
        """The optimizer's state as plain numpy arrays and numbers.

        Returns:
            ``{"state": {index: {name: array or number}}, "param_groups":
            [{option: value, ..., "params": [index, ...]}]}``, where a
            parameter's index is its position counting through the groups in
            order (PyTorch's layout). Arrays are copies.
        """
        index: dict[Tensor, int] = {}
        groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            ids = []
            for p in group["params"]:
                index.setdefault(p, len(index))
                ids.append(index[p])
            packed["params"] = ids
            groups.append(packed)
        state = {}
        for group in self.param_groups:
            for p in group["params"]:
                if p in self.state:
                    state[index[p]] = {k: (v.copy() if isinstance(v, np.ndarray) else v)
                                           for k, v in self.state[p].items()}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Load a ``state_dict()``, checking all of it before changing anything.

        Args:
            state_dict: as returned by :meth:`state_dict`, also after a round
                trip through ``nn.save``/``nn.load``; a ``torch.optim``
                optimizer's state dict (the same layout) loads too.

        Checked: the number of groups and each group's size; each option's
        type, finiteness and range (the optimizer's own checks; a missing
        on/off flag takes the optimizer's default, other missing options are
        an error); state indices; each state entry's type, shape, finiteness
        and range (``step`` a whole number >= 0, squared averages >= 0); and
        that the update rule runs on the loaded state without failing or
        producing NaN (tried once on a one-element copy).

        Raises ValueError (TypeError for a wrong kind of object), leaving the
        optimizer as it was, when anything does not fit.
        """
        where = f"{self._name}.load_state_dict"
        if not isinstance(state_dict, dict) or not {"state", "param_groups"} <= state_dict.keys():
            raise ValueError(f"{where}: expected a dict with 'state' and 'param_groups' (from "
                             "Optimizer.state_dict())")
        saved_groups = _as_list(state_dict["param_groups"])
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(f"{where}: the state dict has {len(saved_groups)} parameter groups, "
                             f"the optimizer has {len(self.param_groups)}")
        id_to_param: dict[int, Tensor] = {}
        id_to_group: dict[int, dict[str, Any]] = {}
        new_groups = []
        for i, (saved, group) in enumerate(zip(saved_groups, self.param_groups)):
            new, ids = self._load_group(i, saved, group)
            for k, p in zip(ids, group["params"]):
                if k in id_to_param:
                    raise ValueError(f"{where}: parameter index {k} appears twice in "
                                     "'param_groups'")
                id_to_param[k], id_to_group[k] = p, new
            new_groups.append(new)
        saved_state = state_dict["state"]
        if not isinstance(saved_state, dict):
            raise TypeError(f"{where}: 'state' must be a dict of parameter index to state, "
                            f"got {type(saved_state).__name__}")
        new_state: dict[Tensor, dict[str, Any]] = {}
        for key, entries in saved_state.items():
            k = index_of(key, where)
            if k not in id_to_param:
                raise ValueError(f"{where}: state for parameter index {key} which no parameter "
                                 "group holds")
            if not isinstance(entries, dict):
                raise TypeError(f"{where}: the state of parameter {key} must be a dict, got "
                                f"{type(entries).__name__}")
            p = id_to_param[k]
            loaded = {name: self._load_entry(name, value, p, key)
                      for name, value in entries.items()}
            self._try_update(loaded, id_to_group[k], p, key)
            new_state[p] = loaded
        self.param_groups[:] = new_groups
        self.state = new_state

    def _load_group(self, i: int, saved: Any, group: dict[str, Any]) -> tuple[dict, list[int]]:
        """Group ``i`` of a state dict, checked, as a group of this optimizer; and its indices."""
        where = f"{self._name}.load_state_dict"
        if not isinstance(saved, dict) or "params" not in saved:
            raise ValueError(f"{where}: parameter group {i} must be a dict with 'params', got "
                             f"{str(saved)[:80]}")
        ids = [index_of(k, where) for k in np.asarray(saved["params"], dtype=object).reshape(-1)]
        if len(ids) != len(group["params"]):
            raise ValueError(f"{where}: parameter group {i} has {len(ids)} parameters in the "
                             f"state dict but {len(group['params'])} in the optimizer")
        for k, v in saved.items():
            if k != "params":
                check_option(where, i, k, v, self.defaults.get(k, group.get(k)))
        new = {k: _plain_option(v, group.get(k)) for k, v in saved.items() if k != "params"}
        missing = [k for k in self.defaults if k not in new]
        for k in missing:
            if isinstance(self.defaults[k], bool):  # a flag newer than the checkpoint
                new[k] = self.defaults[k]
        missing = [k for k in missing if k not in new]
        if missing:
            raise ValueError(f"{where}: parameter group {i} lacks the option(s) {missing}")
        new["params"] = group["params"]
        try:
            self._validate(new)
        except (TypeError, ValueError) as e:
            raise ValueError(f"{where}: parameter group {i}: {e}") from e
        return new, ids

    #: array state entries that hold averages of squares (or maxima of them): never negative
    _nonnegative_state: tuple[str, ...] = ("exp_avg_sq", "max_exp_avg_sq", "square_avg", "sum",
                                           "acc_delta", "exp_inf")

    def _load_entry(self, name: str, value: Any, p: Tensor, key: Any) -> Any:
        where = f"{self._name}.load_state_dict: state {name!r} of parameter {key}"
        if not isinstance(value, (np.ndarray, np.generic)) and hasattr(value, "numpy"):
            value = value.numpy()  # a Tensor, ours or torch's (a torch.optim state dict loads)
        if isinstance(value, (str, bytes, dict)) or value is None:
            raise TypeError(f"{where} must be a number or an array, got {type(value).__name__}")
        v = np.asarray(value)
        if v.dtype.kind not in "biuf":
            raise TypeError(f"{where} must hold real numbers, got dtype {v.dtype}")
        if not np.all(np.isfinite(v)):
            raise ValueError(f"{where} holds NaN or infinite values")
        if name in self._scalar_state:
            if v.size != 1:
                raise ValueError(f"{where} must be a number, got shape {v.shape}")
            x = v.item()
            if name == "step" and (isinstance(x, bool) or x < 0 or not float(x).is_integer()):
                raise ValueError(f"{where} must be a whole number >= 0, got {x!r}")
            return int(x) if float(x).is_integer() else float(x)
        arr = np.array(v, dtype=p.array.dtype)
        if arr.shape != p.array.shape:
            raise ValueError(f"{where} has shape {arr.shape} but the parameter has shape "
                             f"{tuple(p.array.shape)}")
        if name in self._nonnegative_state and np.any(arr < 0):
            raise ValueError(f"{where} holds negative values; it is an average of squares")
        return arr

    def _try_update(self, state: dict[str, Any], group: dict[str, Any], p: Tensor,
                    key: Any) -> None:
        """Run the update rule once on a one-element copy of ``state``: it must work, finitely."""
        if not state or p.array.size == 0:
            return
        probe = {k: (v.reshape(-1)[:1].copy() if isinstance(v, np.ndarray) else v)
                 for k, v in state.items()}
        x = np.ones(1, p.array.dtype)
        where = f"{self._name}.load_state_dict: the state of parameter {key}"
        try:
            with np.errstate(all="ignore"):
                self._update(x, np.ones(1, p.array.dtype), probe, dict(group))
        except NotImplementedError:
            return  # an optimizer with its own step(): nothing to try
        except KeyError as e:
            raise ValueError(f"{where} lacks the entry {e}; it holds {sorted(state)}") from None
        except Exception as e:
            raise ValueError(f"{where} does not fit {self._name} "
                             f"({type(e).__name__}: {e})") from e
        if not np.all(np.isfinite(x)):
            raise ValueError(f"{where} would turn the parameter into NaN or inf at the next "
                             "step")


def fma(x: Any, y: Any, z: np.ndarray) -> np.ndarray:
    """``x * y + z`` in ``z``'s dtype (a new array).

    PyTorch's vectorised CPU kernels compile this to a fused multiply-add (one
    rounding); here it is two roundings in the parameter's own dtype, which
    keeps the update to two passes over memory. Trajectories agree with
    PyTorch's to the last bits of float32, not bit for bit.
    """
    r = np.multiply(x, y, dtype=z.dtype)
    r += z
    return r


def fma_(z: np.ndarray, x: Any, y: Any) -> None:
    """``z += x * y`` in place, in ``z``'s dtype (see :func:`fma`)."""
    z += np.multiply(x, y, dtype=z.dtype)


def lerp_(a: np.ndarray, b: np.ndarray, weight: float) -> None:
    """``a += weight * (b - a)`` in place, computed as PyTorch's lerp computes it."""
    w = a.dtype.type(weight)
    if abs(weight) < 0.5:
        fma_(a, w, b - a)
    else:  # a = b - (b - a) * (1 - w), which stays exact as w -> 1
        np.copyto(a, fma(a - b, a.dtype.type(1) - w, b))


def _as_list(groups: Any) -> list[dict[str, Any]]:
    """Groups as a list (a save/load round trip may turn a list into a dict keyed '0', '1')."""
    if isinstance(groups, dict):
        return [groups[k] for k in sorted(groups, key=int)]
    return list(groups)


def _plain_option(value: Any, like: Any) -> Any:
    """An option value as a plain Python value, of the same kind as ``like`` when known."""
    if isinstance(value, (np.ndarray, np.generic, list, tuple)):
        arr = np.asarray(value)
        if arr.ndim == 0:
            value = arr.item()
        else:
            return tuple(x.item() for x in arr.reshape(-1))
    if isinstance(like, bool) or isinstance(value, bool):
        return bool(value)
    if isinstance(like, float) and isinstance(value, int):
        return float(value)
    return value
