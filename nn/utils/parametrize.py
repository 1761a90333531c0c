"""Parametrizations, as ``torch.nn.utils.parametrize``: a tensor computed from others.

``register_parametrization(module, "weight", P)`` moves the parameter to
``module.parametrizations.weight.original`` (or ``original0``, ``original1``...
when ``P.right_inverse`` returns several) and makes ``module.weight`` a
property that returns ``P(original)`` on every access, so state-dict keys are
PyTorch's: ``parametrizations.weight.original0``.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator

from autograd.mode import no_grad
from autograd.tensor import Tensor

from ..containers import ModuleDict, ModuleList
from ..module import Module
from ..parameter import Parameter

__all__ = ["register_parametrization", "remove_parametrizations", "is_parametrized",
           "ParametrizationList", "cached", "type_before_parametrizations"]


class ParametrizationList(ModuleList):
    """The parametrizations of one tensor and the original value(s) they start from."""

    def __init__(self, modules: list[Module], original: Tensor) -> None:
        super().__init__(modules)
        first = modules[0]
        with no_grad():
            new = first.right_inverse(original) if hasattr(first, "right_inverse") else original
        grad = original.requires_grad
        if isinstance(new, (tuple, list)):
            self.is_tensor = False
            self.ntensors = len(new)
            for i, t in enumerate(new):
                self.register_parameter(f"original{i}", Parameter(_array(t), grad))
        else:
            self.is_tensor = True
            self.ntensors = 1
            self.register_parameter("original", Parameter(_array(new), grad))

    def right_inverse(self, value: Tensor) -> None:
        """Set the originals so that the parametrized tensor becomes ``value``."""
        with no_grad():
            for module in reversed(list(self)[1:]):
                if not hasattr(module, "right_inverse"):
                    raise RuntimeError(f"parametrization {type(module).__name__} has no "
                                       "right_inverse, so the tensor cannot be assigned")
                value = module.right_inverse(value)
            first = self[0]
            new = first.right_inverse(value) if hasattr(first, "right_inverse") else value
            if self.is_tensor:
                self.original.copy_(_array(new))
            else:
                for i, t in enumerate(new):
                    getattr(self, f"original{i}").copy_(_array(t))

    def forward(self) -> Tensor:  # type: ignore[override]
        mods = list(self)
        if self.is_tensor:
            x = mods[0](self.original)
        else:
            x = mods[0](*(getattr(self, f"original{i}") for i in range(self.ntensors)))
        for m in mods[1:]:
            x = m(x)
        return x


def _array(t: Any) -> Any:
    return t.detach().numpy().copy() if isinstance(t, Tensor) else t


def _inject_class(module: Module) -> None:
    cls = module.__class__
    new_cls = type(f"Parametrized{cls.__name__}", (cls,), {"_orig_class": cls})
    module.__class__ = new_cls


def _inject_property(module: Module, name: str) -> None:
    def getter(self: Module) -> Tensor:
        return self.parametrizations[name]()

    def setter(self: Module, value: Tensor) -> None:
        self.parametrizations[name].right_inverse(value)

    setattr(module.__class__, name, property(getter, setter))


def register_parametrization(module: Module, tensor_name: str, parametrization: Module,
                             *, unsafe: bool = False) -> Module:
    """Make ``module.<tensor_name>`` the output of ``parametrization`` applied to an original.

    Example:
        >>> import autograd as ag, nn
        >>> class Symmetric(nn.Module):
        ...     def forward(self, X):
        ...         return (X + X.T) / 2
        >>> m = nn.Linear(3, 3)
        >>> _ = nn.utils.parametrize.register_parametrization(m, "weight", Symmetric())
        >>> bool((m.weight == m.weight.T).all()), list(m.state_dict())
        (True, ['bias', 'parametrizations.weight.original'])
    """
    if is_parametrized(module, tensor_name):
        module.parametrizations[tensor_name].append(parametrization)
        return module
    original: Tensor | None = module._parameters.get(tensor_name)
    if original is None:
        original = module._buffers.get(tensor_name)
    if original is None:
        raise ValueError(f"register_parametrization: {type(module).__name__} has no parameter "
                         f"or buffer {tensor_name!r}")
    plist = ParametrizationList([parametrization], original)
    module._parameters.pop(tensor_name, None)
    module._buffers.pop(tensor_name, None)
    if not is_parametrized(module):
        module.parametrizations = ModuleDict()
        _inject_class(module)
    module.parametrizations[tensor_name] = plist
    _inject_property(module, tensor_name)
    return module


def is_parametrized(module: Module, tensor_name: str | None = None) -> bool:
    """Whether ``module`` (or its ``tensor_name``) has a parametrization."""
    plist = module._modules.get("parametrizations")
    if not isinstance(plist, ModuleDict):
        return False
    return tensor_name is None or tensor_name in plist


def type_before_parametrizations(module: Module) -> type:
    """The module's class before parametrizations were registered."""
    return getattr(module.__class__, "_orig_class", module.__class__)


def remove_parametrizations(module: Module, tensor_name: str,
                            leave_parametrized: bool = True) -> Module:
    """Undo :func:`register_parametrization` for ``tensor_name``.

    With ``leave_parametrized`` the tensor keeps its current (parametrized)
    value as a plain parameter; otherwise it gets back its original value.

    Example:
        >>> import nn
        >>> m = nn.utils.parametrizations.weight_norm(nn.Linear(2, 3))
        >>> type(nn.utils.parametrize.remove_parametrizations(m, "weight")).__name__
        'Linear'
    """
    if not is_parametrized(module, tensor_name):
        raise ValueError(f"remove_parametrizations: {type(module).__name__} has no "
                         f"parametrization on {tensor_name!r}")
    plist = module.parametrizations[tensor_name]
    if leave_parametrized:
        with no_grad():
            value = plist()
    elif plist.is_tensor:
        value = plist.original
    else:
        raise ValueError("remove_parametrizations: leave_parametrized=False needs a single "
                         "original tensor")
    delattr(module.__class__, tensor_name)
    del module.parametrizations[tensor_name]
    module.register_parameter(tensor_name, Parameter(_array(value)))
    if not module.parametrizations._modules:
        del module._modules["parametrizations"]
        module.__class__ = type_before_parametrizations(module)
    return module


@contextmanager
def cached() -> Iterator[None]:
    """Accepted for compatibility; parametrized tensors are recomputed on each access."""
    yield
