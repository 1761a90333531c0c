"""Names for what a drawing shows: parameters by their model's names, module calls by class.

autograd never imports ``nn``. Instead a model tells the drawings about
itself: ``nn.Module.__call__`` calls :func:`note_model` for each outermost
call (a weak reference, so nothing is kept alive), and a drawing then names a
leaf ``0.weight`` as ``model.named_parameters()`` does, and knows that the
module call recorded as ``Sequential.0`` was a ``Linear``. Anything with
``named_parameters()`` can also be passed as ``params=`` directly.
"""
from __future__ import annotations

import weakref
from functools import partial
from typing import Any

#: id -> model, for every live model called at the top level (outside any other module)
_MODELS: weakref.WeakValueDictionary = weakref.WeakValueDictionary()
#: the same, as plain weak references: Module.__call__ checks here on every call (cheaply)
_NOTED: dict = {}


def _forget(key: int, _ref: Any) -> None:
    _NOTED.pop(key, None)


def note_model(model: Any) -> None:
    """Remember ``model`` (weakly) so drawings of graphs it built can name its parameters.

    Example:
        >>> class Net:
        ...     def named_parameters(self):
        ...         return iter([])
        ...     def named_modules(self):
        ...         return iter([("", self)])
        >>> net = Net()
        >>> note_model(net)
        >>> module_classes()["Net"]
        'Net'
    """
    key = id(model)
    ref = _NOTED.get(key)
    if ref is not None and ref() is model:  # the common case: noted on an earlier call
        return
    try:
        _MODELS[key] = model
        _NOTED[key] = weakref.ref(model, partial(_forget, key))
    except TypeError:  # an object that cannot be weakly referenced: not remembered
        pass


def names_by_id(params: Any = None) -> dict:
    """``id(tensor) -> name`` for ``params`` (as :func:`param_names`), or every noted model's.

    Two models may both have a ``0.weight``; each tensor keeps its own model's name.
    """
    if params is not None:
        return {id(t): n for n, t in param_names(params).items()}
    out: dict = {}
    for m in _models():
        for name, p in _named(m):
            out.setdefault(id(p), name)
    return out


def _models() -> list:
    return [m for _, m in sorted(_MODELS.items(), key=lambda kv: kv[0])]


def param_names(params: Any = None) -> dict:
    """Name -> tensor: ``params`` itself, a model's ``named_parameters()``, or the noted models'.

    Example:
        >>> import autograd as ag
        >>> w = ag.tensor([1.0], requires_grad=True)
        >>> param_names({"w": w})["w"] is w
        True
    """
    if params is None:
        out: dict = {}
        for m in _models():
            for name, p in _named(m):
                out.setdefault(name, p)
        return out
    if hasattr(params, "named_parameters"):
        note_model(params)  # its module classes name the boxes of collapse="Linear"
        return dict(_named(params))
    if not isinstance(params, dict):
        raise TypeError("viz: params must be a dict of name -> tensor or a model with "
                        f"named_parameters(), got {type(params).__name__}")
    return params


def _named(model: Any) -> list:
    try:
        return list(model.named_parameters())
    except Exception:  # a model half-built or in an odd state: draw it without names
        return []


def module_classes() -> dict:
    """The recorded scope of each module call (``"Sequential.0"``) -> its class name."""
    out: dict = {}
    for m in _models():
        root = type(m).__name__
        try:
            mods = list(m.named_modules())
        except Exception:
            continue
        for name, sub in mods:
            out.setdefault(root + "." + name if name else root, type(sub).__name__)
    return out


def module_of(scope: str, classes: dict) -> str:
    """The class name of the module call recorded as ``scope`` (its last part when unknown)."""
    return classes.get(scope) or scope.rsplit(".", 1)[-1]
