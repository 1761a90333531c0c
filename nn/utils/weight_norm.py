"""Weight normalization (Salimans & Kingma, 2016), the older hook-based API of PyTorch.

``w = g * v / ||v||`` with the norm over every dim but ``dim``: the direction
``v`` and the length ``g`` are learned separately. ``weight_norm`` replaces
the parameter ``weight`` by ``weight_g`` and ``weight_v`` (PyTorch's names)
and recomputes ``weight`` before every forward.
"""
from __future__ import annotations

from typing import Any

from autograd.tensor import Tensor

from ..module import Module
from ..parameter import Parameter

__all__ = ["norm_except_dim", "weight_norm", "remove_weight_norm"]


def norm_except_dim(v: Tensor, pow: float = 2, dim: int = 0) -> Tensor:  # noqa: A002
    """The ``pow``-norm of ``v`` over every dim but ``dim`` (keepdim); ``dim=-1``: the whole norm.

    Example:
        >>> import autograd as ag
        >>> norm_except_dim(ag.tensor([[3.0, 4.0], [0.0, 1.0]]), 2, 0).tolist()
        [[5.0], [1.0]]
    """
    if dim == -1:
        return (v.abs() ** pow).sum() ** (1.0 / pow)
    d = dim % v.ndim
    axes = tuple(a for a in range(v.ndim) if a != d)
    if not axes:
        return v.abs()
    return (v.abs() ** pow).sum(axes, keepdim=True) ** (1.0 / pow)


class _WeightNormHook:
    def __init__(self, name: str, dim: int) -> None:
        self.name, self.dim = name, dim

    def compute(self, module: Module) -> Tensor:
        g = getattr(module, self.name + "_g")
        v = getattr(module, self.name + "_v")
        return v * (g / norm_except_dim(v, 2, self.dim))

    def __call__(self, module: Module, inputs: Any) -> None:
        object.__setattr__(module, self.name, self.compute(module))


def weight_norm(module: Module, name: str = "weight", dim: int | None = 0) -> Module:
    """Reparameterise ``module.<name>`` as ``<name>_g * <name>_v / ||<name>_v||``.

    Args:
        module: the layer.
        name: the parameter to reparameterise.
        dim: the dim that keeps its own norm (0: per output unit); None: one
            norm for the whole tensor.

    Returns:
        ``module``, with parameters ``<name>_g`` and ``<name>_v`` instead of ``<name>``.

    Example:
        >>> import nn
        >>> m = nn.utils.weight_norm(nn.Linear(20, 40))
        >>> m.weight_g.shape, m.weight_v.shape, list(m.state_dict())
        ((40, 1), (40, 20), ['bias', 'weight_g', 'weight_v'])
    """
    dim = -1 if dim is None else dim
    for hook in module._forward_pre_hooks.values():
        if isinstance(hook, _WeightNormHook) and hook.name == name:
            raise RuntimeError(f"weight_norm: cannot register two weight_norm hooks on the "
                               f"same parameter {name}")
    weight = module._parameters.get(name)
    if weight is None:
        raise AttributeError(f"weight_norm: {type(module).__name__} has no parameter {name!r}")
    del module._parameters[name]
    g = Parameter(norm_except_dim(weight, 2, dim).detach().numpy().copy())
    v = Parameter(weight.detach().numpy().copy())
    module.register_parameter(name + "_g", g)
    module.register_parameter(name + "_v", v)
    hook = _WeightNormHook(name, dim)
    object.__setattr__(module, name, hook.compute(module))
    module.register_forward_pre_hook(hook)
    return module


def remove_weight_norm(module: Module, name: str = "weight") -> Module:
    """Fold ``<name>_g`` and ``<name>_v`` back into one parameter ``<name>`` and drop the hook.

    Example:
        >>> import nn
        >>> m = nn.utils.remove_weight_norm(nn.utils.weight_norm(nn.Linear(2, 3)))
        >>> list(m.state_dict())
        ['bias', 'weight']
    """
    for key, hook in list(module._forward_pre_hooks.items()):
        if isinstance(hook, _WeightNormHook) and hook.name == name:
            weight = hook.compute(module).detach().numpy().copy()
            del module._forward_pre_hooks[key]
            del module._parameters[name + "_g"]
            del module._parameters[name + "_v"]
            module.__dict__.pop(name, None)
            module.register_parameter(name, Parameter(weight))
            return module
    raise ValueError(f"remove_weight_norm: weight_norm of {name!r} not found in "
                     f"{type(module).__name__}")
