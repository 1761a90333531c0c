"""Containers: Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict."""
from __future__ import annotations

import operator
from collections import OrderedDict
from typing import Any, Iterable, Iterator, Mapping

from autograd.tensor import Tensor

from .module import Module
from .parameter import Parameter

__all__ = ["Sequential", "ModuleList", "ModuleDict", "ParameterList", "ParameterDict"]


def _index(idx: Any, n: int, what: str) -> int:
    i = operator.index(idx)
    if not -n <= i < n:
        raise IndexError(f"{what}: index {idx} is out of range for length {n}")
    return i % n


class Sequential(Module):
    """Modules applied one after another; the output of each is the input of the next.

    Build it from modules (named ``"0"``, ``"1"``, ...) or from an ordered dict of
    named modules. Indexing gives a module, slicing a new Sequential that keeps
    the names (so its state-dict keys are a subset of the original's).

    Example:
        >>> import autograd as ag, nn
        >>> net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
        >>> net(ag.randn(5, 4)).shape
        (5, 2)
        >>> net[0], len(net), net[:2][1]
        (Linear(in_features=4, out_features=8, bias=True), 3, ReLU())
    """

    def __init__(self, *args: Any) -> None:
        super().__init__()
        if len(args) == 1 and isinstance(args[0], Mapping):
            for name, module in args[0].items():
                self.add_module(name, module)
        else:
            for i, module in enumerate(args):
                self.add_module(str(i), module)

    def forward(self, input: Any) -> Any:  # noqa: A002
        for module in self._modules.values():
            input = module(input)  # type: ignore[misc]  # noqa: A001
        return input

    def __getitem__(self, idx: Any) -> Any:
        items = list(self._modules.items())
        if isinstance(idx, slice):
            return Sequential(OrderedDict(items[idx]))
        return items[_index(idx, len(items), "Sequential")][1]

    def __setitem__(self, idx: int, module: Module) -> None:
        key = list(self._modules)[_index(idx, len(self._modules), "Sequential")]
        self.add_module(key, module)

    def __delitem__(self, idx: Any) -> None:
        keys = list(self._modules)
        if isinstance(idx, slice):
            doomed = keys[idx]
        else:
            doomed = [keys[_index(idx, len(keys), "Sequential")]]
        for key in doomed:
            del self._modules[key]
        # keep numeric names contiguous, as PyTorch
        items = list(self._modules.items())
        self._modules.clear()
        for i, (name, module) in enumerate(items):
            self.add_module(str(i) if name.isdigit() else name, module)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())  # type: ignore[arg-type]

    def append(self, module: Module) -> Sequential:
        """Add ``module`` at the end."""
        self.add_module(str(len(self)), module)
        return self

    def extend(self, modules: Iterable[Module]) -> Sequential:
        for m in modules:
            self.append(m)
        return self

    def insert(self, index: int, module: Module) -> Sequential:
        """Insert ``module`` before position ``index`` (numeric names are renumbered)."""
        n = len(self._modules)
        if not -n <= index <= n:
            raise IndexError(f"Sequential.insert: index {index} out of range for length {n}")
        items = list(self._modules.values())
        items.insert(index, module)
        self._modules.clear()
        for i, m in enumerate(items):
            self.add_module(str(i), m)
        return self


class ModuleList(Module):
    """A list of modules whose parameters belong to the parent (a plain list would hide them).

    Example:
        >>> import nn
        >>> layers = nn.ModuleList([nn.Linear(4, 4) for _ in range(3)])
        >>> len(list(layers.parameters())), len(layers[1:])
        (6, 2)
    """

    def __init__(self, modules: Iterable[Module] | None = None) -> None:
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def __getitem__(self, idx: Any) -> Any:
        mods = list(self._modules.values())
        if isinstance(idx, slice):
            return ModuleList(mods[idx])  # type: ignore[arg-type]
        return mods[_index(idx, len(mods), "ModuleList")]

    def __setitem__(self, idx: int, module: Module) -> None:
        self.add_module(str(_index(idx, len(self._modules), "ModuleList")), module)

    def __delitem__(self, idx: Any) -> None:
        mods = list(self._modules.values())
        if isinstance(idx, slice):
            del mods[idx]
        else:
            del mods[_index(idx, len(mods), "ModuleList")]
        self._modules.clear()
        for i, m in enumerate(mods):
            self.add_module(str(i), m)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(list(self._modules.values()))  # type: ignore[arg-type]

    def __iadd__(self, modules: Iterable[Module]) -> ModuleList:
        return self.extend(modules)

    def append(self, module: Module) -> ModuleList:
        self.add_module(str(len(self)), module)
        return self

    def extend(self, modules: Iterable[Module]) -> ModuleList:
        if isinstance(modules, (Module, str)) or not hasattr(modules, "__iter__"):
            raise TypeError(f"ModuleList.extend: expected an iterable of modules, got "
                            f"{type(modules).__name__}")
        for m in modules:
            self.append(m)
        return self

    def insert(self, index: int, module: Module) -> None:
        mods = list(self._modules.values())
        mods.insert(index, module)
        self._modules.clear()
        for i, m in enumerate(mods):
            self.add_module(str(i), m)

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("ModuleList has no forward(); iterate over it in the parent's "
                                  "forward (or use nn.Sequential)")


class ModuleDict(Module):
    """An ordered dict of modules whose parameters belong to the parent.

    Example:
        >>> import nn
        >>> heads = nn.ModuleDict({"cls": nn.Linear(8, 3), "box": nn.Linear(8, 4)})
        >>> list(heads.keys()), heads["box"].out_features
        (['cls', 'box'], 4)
    """

    def __init__(self, modules: Mapping[str, Module] | Iterable[tuple[str, Module]] | None = None
                 ) -> None:
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __getitem__(self, key: str) -> Module:
        if key not in self._modules:
            raise KeyError(f"ModuleDict has no key {key!r} (keys: {list(self._modules)})")
        return self._modules[key]  # type: ignore[return-value]

    def __setitem__(self, key: str, module: Module) -> None:
        self.add_module(key, module)

    def __delitem__(self, key: str) -> None:
        del self._modules[key]

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._modules))

    def __contains__(self, key: object) -> bool:
        return key in self._modules

    def keys(self) -> list[str]:
        return list(self._modules.keys())

    def values(self) -> list[Module]:
        return list(self._modules.values())  # type: ignore[arg-type]

    def items(self) -> list[tuple[str, Module]]:
        return list(self._modules.items())  # type: ignore[arg-type]

    def pop(self, key: str) -> Module:
        module = self[key]
        del self._modules[key]
        return module

    def clear(self) -> None:
        self._modules.clear()

    def update(self, modules: Any) -> None:
        pairs = modules.items() if isinstance(modules, Mapping) else modules
        for key, module in pairs:
            self.add_module(key, module)

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("ModuleDict has no forward(); index it in the parent's forward")


def _as_parameter(value: Any) -> Any:
    if isinstance(value, Tensor) and not isinstance(value, Parameter):
        return Parameter(value.array)  # as PyTorch: a plain tensor becomes a Parameter
    return value


def _describe(p: Any) -> str:
    if not isinstance(p, Tensor):
        return f"Object of type: {type(p).__name__}"
    size = "x".join(str(s) for s in p.shape)
    kind = "Parameter containing" if isinstance(p, Parameter) else "Tensor"
    return f"{kind}: [{p.dtype} of size {size}]"


class ParameterList(Module):
    """A list of parameters registered on the parent (named ``"0"``, ``"1"``, ...).

    Plain Tensors given to it become Parameters, as PyTorch.

    Example:
        >>> import autograd as ag, nn
        >>> pl = nn.ParameterList([nn.Parameter(ag.zeros(2, 3)) for _ in range(2)])
        >>> pl.append(ag.ones(4))
        ParameterList(
            (0): Parameter containing: [float32 of size 2x3]
            (1): Parameter containing: [float32 of size 2x3]
            (2): Parameter containing: [float32 of size 4]
        )
        >>> [n for n, _ in pl.named_parameters()]
        ['0', '1', '2']
    """

    def __init__(self, values: Iterable[Any] | None = None) -> None:
        super().__init__()
        if values is not None:
            self.extend(values)

    def __len__(self) -> int:
        return len(self._parameters)

    def __getitem__(self, idx: Any) -> Any:
        items = list(self._parameters.values())
        if isinstance(idx, slice):
            return ParameterList(items[idx])
        return items[_index(idx, len(items), "ParameterList")]

    def __setitem__(self, idx: int, param: Any) -> None:
        i = _index(idx, len(self), "ParameterList")
        self.register_parameter(str(i), _as_parameter(param))

    def __iter__(self) -> Iterator[Any]:
        return iter(list(self._parameters.values()))

    def __iadd__(self, params: Iterable[Any]) -> ParameterList:
        return self.extend(params)

    def append(self, value: Any) -> ParameterList:
        """Add ``value`` (a Parameter, or a Tensor made into one) at the end."""
        self.register_parameter(str(len(self)), _as_parameter(value))
        return self

    def extend(self, values: Iterable[Any]) -> ParameterList:
        if isinstance(values, Tensor) or not hasattr(values, "__iter__"):
            raise TypeError(f"ParameterList.extend: expected an iterable of parameters, got "
                            f"{type(values).__name__}")
        for v in values:
            self.append(v)
        return self

    def extra_repr(self) -> str:
        return "\n".join(f"  ({k}): {_describe(p)}" for k, p in self._parameters.items())

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("ParameterList has no forward(); index it in the parent's "
                                  "forward")


class ParameterDict(Module):
    """An ordered dict of parameters registered on the parent under their keys.

    Example:
        >>> import autograd as ag, nn
        >>> pd = nn.ParameterDict({"scale": nn.Parameter(ag.ones(3)), "shift": ag.zeros(3)})
        >>> list(pd.keys()), type(pd["shift"]).__name__
        (['scale', 'shift'], 'Parameter')
    """

    def __init__(self, parameters: Any = None) -> None:
        super().__init__()
        if parameters is not None:
            self.update(parameters)

    def __getitem__(self, key: str) -> Any:
        if key not in self._parameters:
            raise KeyError(f"ParameterDict has no key {key!r} (keys: {list(self._parameters)})")
        return self._parameters[key]

    def __setitem__(self, key: str, value: Any) -> None:
        if key in self._parameters:
            del self._parameters[key]
        self.register_parameter(key, _as_parameter(value))

    def __delitem__(self, key: str) -> None:
        del self._parameters[key]

    def __len__(self) -> int:
        return len(self._parameters)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._parameters))

    def __contains__(self, key: object) -> bool:
        return key in self._parameters

    def keys(self) -> list[str]:
        return list(self._parameters.keys())

    def values(self) -> list[Any]:
        return list(self._parameters.values())

    def items(self) -> list[tuple[str, Any]]:
        return list(self._parameters.items())

    def get(self, key: str, default: Any = None) -> Any:
        return self._parameters.get(key, default)

    def pop(self, key: str) -> Any:
        value = self[key]
        del self._parameters[key]
        return value

    def clear(self) -> None:
        self._parameters.clear()

    def update(self, parameters: Any) -> None:
        if not isinstance(parameters, Mapping) and (
                isinstance(parameters, (str, Tensor)) or not hasattr(parameters, "__iter__")):
            raise TypeError(f"ParameterDict.update: expected a mapping or (key, parameter) "
                            f"pairs, got {type(parameters).__name__}")
        pairs = parameters.items() if isinstance(parameters, Mapping) else parameters
        for key, value in pairs:
            self[key] = value

    def extra_repr(self) -> str:
        return "\n".join(f"  ({k}): {_describe(p)}" for k, p in self._parameters.items())

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("ParameterDict has no forward(); index it in the parent's "
                                  "forward")
