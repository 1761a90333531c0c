"""The one list of differentiable ops, and where each is exported.

Every public op registers itself with :func:`register`, right above its
function in its file under ``autograd/ops/``. The record says where PyTorch
exposes the op, and the rest of the package reads it from here:

- ``autograd/__init__.py`` exports every op (and its aliases) as ``ag.name``;
- ``nn/functional.py`` exports the ops PyTorch has in ``torch.nn.functional``;
- ``Tensor`` has a method for every op PyTorch has as ``torch.Tensor.name``
  (written out in ``tensor_methods.py``; a test checks them against this record);
- Tensor's dunders dispatch through :data:`OPS` (so ``tensor.py`` does not
  import the op modules);
- the op tests walk the registry, so an op that exists is an op that is tested.

Example:
    >>> import autograd as ag
    >>> info = ag.registry.ENTRIES["relu"]
    >>> info.name, info.method, info.functional
    ('relu', 'relu', 'relu')
    >>> ag.registry.ENTRIES["clip"].aliases
    ('clamp',)
"""
from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace
from typing import Callable, TypeVar

F = TypeVar("F", bound=Callable)


@dataclass(frozen=True)
class OpEntry:
    """Where one registered op is exported.

    Args:
        name: the op's name, exported as ``ag.name`` (PyTorch's ``torch.name``).
        fn: the public function.
        method: the ``Tensor`` method name when PyTorch has ``torch.Tensor.<name>``, else None.
        functional: the ``nn.functional`` name when PyTorch has ``torch.nn.functional.<name>``,
            else None.
        aliases: other names ``ag`` exports the same function under (``clamp`` for ``clip``).
    """

    name: str
    fn: Callable
    method: str | None = None
    functional: str | None = None
    aliases: tuple[str, ...] = ()


#: name -> public function, in registration order.
REGISTRY: dict[str, Callable] = {}
#: name -> where the op is exported, in registration order.
ENTRIES: dict[str, OpEntry] = {}
#: attribute access to the same functions (``OPS.add``), used by Tensor's dunders.
OPS = SimpleNamespace()


def register(name: str | None = None, *, method: bool | str = False,
             functional: bool | str = False, aliases: tuple[str, ...] = ()) -> Callable[[F], F]:
    """Record a public op function under ``name`` (default: its ``__name__``).

    Args:
        name: the op's name (default: the function's name).
        method: True (or the method's name) when PyTorch has the op as a Tensor method.
        functional: True (or the name) when PyTorch has it in ``torch.nn.functional``.
        aliases: more names for ``ag`` to export the function under.

    Example:
        >>> @register("my_double_for_docs", method=False)
        ... def my_double(x):
        ...     return x * 2
        >>> ENTRIES["my_double_for_docs"].method is None
        True
        >>> _ = unregister("my_double_for_docs")
    """

    def deco(fn: F) -> F:
        key = name or fn.__name__
        if key in REGISTRY:
            raise RuntimeError(f"op {key!r} registered twice")
        ENTRIES[key] = OpEntry(key, fn, _where(method, key), _where(functional, key),
                               tuple(aliases))
        REGISTRY[key] = fn
        setattr(OPS, key, fn)
        return fn

    return deco


def unregister(name: str) -> OpEntry:
    """Remove op ``name`` again (for tests that register a throwaway op)."""
    entry = ENTRIES.pop(name)
    del REGISTRY[name]
    delattr(OPS, name)
    return entry


def _where(flag: bool | str, name: str) -> str | None:
    if isinstance(flag, str):
        return flag
    return name if flag else None


def exports() -> dict[str, Callable]:
    """Every name ``ag`` exports for the registered ops: each op and its aliases.

    Example:
        >>> import autograd as ag
        >>> exports()["clamp"] is ag.clip
        True
    """
    out: dict[str, Callable] = {}
    for entry in ENTRIES.values():
        out[entry.name] = entry.fn
        out.update(dict.fromkeys(entry.aliases, entry.fn))
    return out


def functional_ops() -> dict[str, Callable]:
    """``nn.functional`` name -> op, for the ops PyTorch has in ``torch.nn.functional``.

    Example:
        >>> import autograd as ag
        >>> functional_ops()["conv2d"] is ag.conv2d
        True
    """
    return {e.functional: e.fn for e in ENTRIES.values() if e.functional}


def tensor_methods() -> dict[str, str]:
    """Tensor method name -> op name, for the ops PyTorch has as ``torch.Tensor`` methods.

    Example:
        >>> import autograd as ag
        >>> tensor_methods()["exp"]
        'exp'
    """
    return {e.method: e.name for e in ENTRIES.values() if e.method}
