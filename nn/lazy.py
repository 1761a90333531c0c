"""Lazy layers: ``LazyLinear``, ``LazyConv1d``, ``LazyConv2d`` infer their input size.

A lazy layer starts with :class:`nn.parameter.UninitializedParameter` weights.
Its first forward reads the input's size (``in_features`` or
``in_channels``), gives the parameters their shapes and PyTorch's default
initialisation, and turns the module into the plain layer (``cls_to_become``:
``Linear``, ``Conv1d``, ``Conv2d``). The parameter objects stay the same, so
an optimizer built before that first forward updates the real weights (as
PyTorch; building it after a dry run is still the clearer habit).
``load_state_dict`` into a lazy layer gives the parameters the loaded shapes.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from autograd.mode import no_grad
from autograd.tensor import Tensor

from ._checks import check_size
from ._factory import check_device
from .conv import Conv2d
from .conv1d import Conv1d
from .conv3d import Conv3d
from .linear import Linear, _dtype
from .module import Module
from .parameter import UninitializedParameter

__all__ = ["LazyModuleMixin", "LazyLinear", "LazyConv1d", "LazyConv2d", "LazyConv3d"]


def _infer_parameters(module: Any, args: tuple, kwargs: dict) -> None:
    """Forward pre-hook: initialise from the first inputs, then become the plain layer."""
    module.initialize_parameters(*args, **kwargs)
    if module.has_uninitialized_params():
        raise RuntimeError(f"{type(module).__name__}: module {module._get_name()} has not been "
                           "fully initialized by initialize_parameters")
    module.__dict__.pop("_lazy_hook").remove()
    if module.cls_to_become is not None:
        module.__class__ = module.cls_to_become


class LazyModuleMixin:
    """Mixin for modules whose parameters get their shapes from the first input.

    A subclass creates :class:`UninitializedParameter` s, implements
    ``initialize_parameters(*inputs)`` (materialise them, then
    ``reset_parameters()``), and names the plain class it becomes in
    ``cls_to_become``. Call :meth:`_lazy_init` at the end of ``__init__``.
    """

    cls_to_become: type | None = None
    _parameters: dict
    _buffers: dict
    register_forward_pre_hook: Any

    def _lazy_init(self) -> None:
        self.__dict__["_lazy_hook"] = self.register_forward_pre_hook(
            _infer_parameters, with_kwargs=True)

    def has_uninitialized_params(self) -> bool:
        """True while a parameter or buffer still has no shape."""
        return any(isinstance(t, UninitializedParameter)
                   for t in (*self._parameters.values(), *self._buffers.values()))

    def initialize_parameters(self, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError(f"{type(self).__name__} must implement "
                                  "initialize_parameters(*inputs)")


def _materialize(module: Any, shapes: dict) -> bool:
    """Materialise each uninitialised parameter named in ``shapes``; True if any was."""
    done = False
    with no_grad():
        for name, shape in shapes.items():
            p = module._parameters.get(name)
            if isinstance(p, UninitializedParameter):
                p.materialize(shape)
                done = True
    return done


class LazyLinear(LazyModuleMixin, Linear):
    """A :class:`nn.Linear` whose ``in_features`` is read from the first input.

    Args:
        out_features: size of each output sample.
        bias: learn an additive bias.
        dtype: parameter dtype (float32 by default).

    Shape:
        - Input: ``(*, H_in)``, any ``H_in``; Output: ``(*, out_features)``.

    Example:
        >>> import autograd as ag
        >>> m = LazyLinear(4)
        >>> m
        LazyLinear(in_features=0, out_features=4, bias=True)
        >>> m(ag.randn(2, 3)).shape, m
        ((2, 4), Linear(in_features=3, out_features=4, bias=True))
    """

    cls_to_become = Linear

    def __init__(self, out_features: int, bias: bool = True, device: Any = None,
                 dtype: Any = None) -> None:
        Module.__init__(self)
        check_device(device, "LazyLinear")
        dt = _dtype(dtype)
        self.in_features = 0
        self.out_features = check_size("LazyLinear", "out_features", out_features)
        self.weight = UninitializedParameter(dtype=dt)
        if bias:
            self.bias = UninitializedParameter(dtype=dt)
        else:
            self.register_parameter("bias", None)
        self._lazy_init()

    def reset_parameters(self) -> None:
        if not self.has_uninitialized_params() and self.in_features != 0:
            super().reset_parameters()

    def initialize_parameters(self, input: Tensor, *args: Any, **kwargs: Any) -> None:  # noqa: A002
        """Take ``in_features`` from the input's last dim; shape and initialise the parameters."""
        width = int(input.shape[-1])
        if self.has_uninitialized_params():
            self.in_features = width
            if _materialize(self, {"weight": (self.out_features, width),
                                   "bias": (self.out_features,)}):
                self.reset_parameters()
        if self.in_features == 0:  # parameters loaded by load_state_dict
            if width != self.weight.shape[-1]:
                raise AssertionError(f"LazyLinear: the in_features inferred from input: {width} "
                                     f"is not equal to in_features from self.weight: "
                                     f"{self.weight.shape[-1]}")
            self.in_features = width


def _check_conv_args(who: str, out_channels: Any, groups: Any) -> None:
    for name, v in (("out_channels", out_channels), ("groups", groups)):
        if not isinstance(v, (int, np.integer)) or isinstance(v, bool) or v < 1:
            raise ValueError(f"{who}: {name} must be a positive int, got {v!r}")
    if out_channels % groups:
        raise ValueError(f"{who}: out_channels={out_channels} must be divisible by "
                         f"groups={groups}")


class _LazyConvMixin(LazyModuleMixin):
    """Lazy convolution: ``in_channels`` from the input's channel dim (1 if unbatched)."""

    _space = 2
    in_channels: int
    out_channels: int
    groups: int
    kernel_size: tuple
    register_parameter: Any
    weight: Any
    bias: Any

    def __init__(self, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0,
                 dilation: Any = 1, groups: int = 1, bias: bool = True,
                 padding_mode: str = "zeros", device: Any = None, dtype: Any = None) -> None:
        _check_conv_args(type(self).__name__, out_channels, groups)
        # a stand-in in_channels (= groups) passes the plain layer's checks; the weights are
        # replaced by uninitialised ones below
        plain: Any = self.cls_to_become
        plain.__init__(self, groups, out_channels, kernel_size, stride, padding, dilation,
                       groups, bias, padding_mode, device, dtype)
        dt = _dtype(dtype)
        self.in_channels = 0
        self.weight = UninitializedParameter(dtype=dt)
        if bias:
            self.bias = UninitializedParameter(dtype=dt)
        else:
            self.register_parameter("bias", None)
        self._lazy_init()

    def reset_parameters(self) -> None:
        if not self.has_uninitialized_params():
            super().reset_parameters()  # type: ignore[misc]

    def initialize_parameters(self, input: Tensor, *args: Any, **kwargs: Any) -> None:  # noqa: A002
        """Take ``in_channels`` from the input; shape and initialise the parameters."""
        if not self.has_uninitialized_params():
            return
        if input.ndim not in (self._space + 1, self._space + 2):
            raise RuntimeError(f"{type(self).__name__}: expected a {self._space + 1}-D or "
                               f"{self._space + 2}-D input, got shape {tuple(input.shape)}")
        self.in_channels = int(input.shape[0 if input.ndim == self._space + 1 else 1])
        if self.in_channels % self.groups != 0:
            raise ValueError(f"{type(self).__name__}: in_channels {self.in_channels} must be "
                             f"divisible by groups {self.groups}")
        shape = (self.out_channels, self.in_channels // self.groups) + tuple(self.kernel_size)
        if _materialize(self, {"weight": shape, "bias": (self.out_channels,)}):
            self.reset_parameters()


class LazyConv1d(_LazyConvMixin, Conv1d):
    """A :class:`nn.Conv1d` whose ``in_channels`` is read from the first input.

    Args: as :class:`nn.Conv1d`, without ``in_channels``.

    Shape:
        - Input: ``(N, C_in, L)`` or ``(C_in, L)``, any ``C_in``; Output: as Conv1d.

    Example:
        >>> import autograd as ag
        >>> m = LazyConv1d(4, 3)
        >>> m(ag.randn(2, 5, 8)).shape, m
        ((2, 4, 6), Conv1d(5, 4, kernel_size=(3,), stride=(1,)))
    """

    cls_to_become = Conv1d
    _space = 1


class LazyConv2d(_LazyConvMixin, Conv2d):
    """A :class:`nn.Conv2d` whose ``in_channels`` is read from the first input.

    Args: as :class:`nn.Conv2d`, without ``in_channels``.

    Shape:
        - Input: ``(N, C_in, H, W)`` or ``(C_in, H, W)``, any ``C_in``; Output: as Conv2d.

    Example:
        >>> import autograd as ag
        >>> m = LazyConv2d(8, 3, padding=1)
        >>> m
        LazyConv2d(0, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))
        >>> m(ag.randn(1, 3, 5, 5)).shape, m.weight.shape
        ((1, 8, 5, 5), (8, 3, 3, 3))
    """

    cls_to_become = Conv2d
    _space = 2


class LazyConv3d(_LazyConvMixin, Conv3d):
    """A :class:`nn.Conv3d` whose ``in_channels`` is read from the first input.

    Args: as :class:`nn.Conv3d`, without ``in_channels``.

    Shape:
        - Input: ``(N, C_in, D, H, W)`` or ``(C_in, D, H, W)``, any ``C_in``; Output: as Conv3d.

    Example:
        >>> import autograd as ag
        >>> m = LazyConv3d(4, 3)
        >>> m(ag.randn(1, 2, 5, 5, 5)).shape, m.weight.shape
        ((1, 4, 3, 3, 3), (4, 2, 3, 3, 3))
    """

    cls_to_become = Conv3d
    _space = 3
