"""Mixed precision as PyTorch's CPU build does it (``torch.amp``, ``torch.cuda.amp``).

A script written for a GPU switches mixed precision off on the CPU and runs unchanged:

- ``autocast(device_type, enabled=False)`` is a context (and decorator) that does nothing.
  For ``"cuda"`` with ``enabled=True`` PyTorch's CPU build warns that CUDA is not available
  and disables itself; so does this one. Other accelerators (``"mps"``, ``"xpu"``, ...) do
  nothing, as there are no tensors on them. A dtype other than bfloat16/float16 on the CPU
  warns and disables, as in PyTorch.
- ``autocast("cpu")`` with ``enabled=True`` and bfloat16 (the default) or float16 is refused
  with a ``NotImplementedError``: PyTorch would run matmul, conv and linear in that dtype,
  but numpy has no bfloat16 and the ops here do not switch dtype under autocast, so the
  results would silently differ. Pass ``enabled=False`` (or drop the context).
- ``GradScaler("cpu")`` is enabled, as PyTorch 2.13's is: ``scale`` multiplies the loss by
  the scale (65536 to start), ``step`` unscales the gradients and skips the step when one
  is inf or NaN, ``update`` halves the scale after a skipped step and doubles it after
  ``growth_interval`` good ones. ``GradScaler()`` (the device defaults to ``"cuda"``) and
  ``torch.cuda.amp.GradScaler()`` warn that CUDA is not available and pass everything
  through: ``scale`` returns the loss, ``step`` calls ``optimizer.step()``, ``update`` does
  nothing, ``state_dict()`` is ``{}``. With ``enabled=False`` any of them passes through
  silently.

This module knows tensors only by their methods (``*``, ``numpy``, ``mul_``), so
``device.py`` can hand out ``torch.cuda.amp`` from here.

Example:
    >>> import autograd as torch
    >>> scaler = torch.amp.GradScaler("cpu", enabled=False)
    >>> with torch.amp.autocast("cpu", enabled=False):
    ...     loss = torch.tensor(2.0)
    >>> scaler.scale(loss), scaler.get_scale(), scaler.state_dict()
    (tensor(2.), 1.0, {})
"""
from __future__ import annotations

import functools
import warnings
from typing import Any, Callable

import numpy as np

__all__ = ["autocast", "GradScaler", "is_autocast_available", "custom_fwd", "custom_bwd"]

#: the device types PyTorch accepts for autocast
_AUTOCAST_DEVICES = ("cpu", "cuda", "mps", "xpu", "hpu", "xla", "mtia", "ipu", "privateuseone")
_NO_CUDA_AUTOCAST = "CUDA is not available or torch_xla is imported. Disabling autocast."
_NO_CUDA_SCALER = "torch.cuda.amp.GradScaler is enabled, but CUDA is not available.  Disabling."


def is_autocast_available(device_type: str) -> bool:
    """True for the device types autocast accepts (PyTorch's list; "cpu", "cuda", ...)."""
    return device_type in _AUTOCAST_DEVICES


def _reduced(dtype: Any) -> str | None:
    """"bfloat16" or "float16" when ``dtype`` names one of them, else None."""
    try:
        name = np.dtype(dtype).name  # ag.float16 (a numpy dtype), "float16", "half"
    except TypeError:
        name = str(getattr(dtype, "name", dtype)).replace("torch.", "")  # "bfloat16"
    if name in ("bfloat16", "float16", "half"):
        return "float16" if name == "half" else name
    return None


class autocast:  # noqa: N801  (PyTorch's name)
    """Run a region in mixed precision: here only switched off (see the module notes).

    Args:
        device_type: ``"cpu"``, ``"cuda"``, ``"mps"``, ... (a string, as in PyTorch).
        dtype: the reduced dtype (default bfloat16 on the CPU, float16 on CUDA).
        enabled: False makes the context do nothing.
        cache_enabled: accepted.

    Example:
        >>> import autograd as torch
        >>> @torch.autocast("cpu", enabled=False)
        ... def f(x):
        ...     return x * 2
        >>> f(torch.ones(2)).dtype
        dtype('float32')
    """

    _warn_level = 2  # warnings point at the caller's line (3 through torch.cuda.amp)

    def __init__(self, device_type: str, dtype: Any = None, enabled: bool = True,
                 cache_enabled: bool | None = None) -> None:
        if not isinstance(device_type, str):
            raise ValueError(f"autocast: expected `device_type` of type `str`, got: "
                             f"`{type(device_type).__name__}`")
        if not is_autocast_available(device_type):
            raise RuntimeError(f"autocast: unsupported autocast device_type {device_type!r} "
                               f"(one of {', '.join(_AUTOCAST_DEVICES)})")
        self.device = device_type
        self.fast_dtype = dtype if dtype is not None else (
            "bfloat16" if device_type == "cpu" else "float16")
        if enabled and device_type == "cuda":
            warnings.warn(_NO_CUDA_AUTOCAST, UserWarning, stacklevel=self._warn_level)
            enabled = False
        elif enabled and device_type == "cpu":
            reduced = _reduced(self.fast_dtype)
            if reduced is None:
                warnings.warn("In CPU autocast, but the target dtype is not supported. Disabling "
                              "autocast.\nCPU Autocast only supports dtypes of torch.bfloat16, "
                              "torch.float16 currently.", UserWarning, stacklevel=2)
                enabled = False
            else:
                raise NotImplementedError(
                    f"autocast('cpu', dtype={reduced}) is not available here: PyTorch would run "
                    f"matmul, conv and linear in {reduced}, but numpy has no bfloat16 and these "
                    "ops do not switch dtype under autocast. Use "
                    "autocast('cpu', enabled=False), or leave the context out and train in "
                    "float32.")
        self._enabled = bool(enabled)

    def __enter__(self) -> autocast:
        return self

    def __exit__(self, *exc: Any) -> None:
        return None

    def __call__(self, func: Callable) -> Callable:
        if not callable(func):
            raise TypeError(f"autocast()(func) requires a callable, but got "
                            f"{type(func).__name__}; did you mean `with autocast(...):`?")

        @functools.wraps(func)
        def run(*args: Any, **kwargs: Any) -> Any:
            with self:
                return func(*args, **kwargs)

        return run


def custom_fwd(fwd: Callable | None = None, *, device_type: str,
               cast_inputs: Any = None) -> Callable:
    """Decorator for a custom Function's forward under autocast: returns it unchanged here
    (autocast is never active)."""
    if not isinstance(device_type, str):
        raise ValueError(f"custom_fwd: expected `device_type` of type `str`, got "
                         f"`{type(device_type).__name__}`")
    if fwd is None:
        return functools.partial(custom_fwd, device_type=device_type, cast_inputs=cast_inputs)
    return fwd


def custom_bwd(bwd: Callable | None = None, *, device_type: str) -> Callable:
    """Decorator for a custom Function's backward under autocast: returns it unchanged here."""
    if not isinstance(device_type, str):
        raise ValueError(f"custom_bwd: expected `device_type` of type `str`, got "
                         f"`{type(device_type).__name__}`")
    if bwd is None:
        return functools.partial(custom_bwd, device_type=device_type)
    return bwd


class CudaAutocast(autocast):
    """``torch.cuda.amp.autocast``: deprecated in PyTorch; warns and does nothing here."""

    _warn_level = 3

    def __init__(self, enabled: bool = True, dtype: Any = "float16",
                 cache_enabled: bool = True) -> None:
        warnings.warn("`torch.cuda.amp.autocast(args...)` is deprecated. Please use "
                      "`torch.amp.autocast('cuda', args...)` instead.", FutureWarning,
                      stacklevel=2)
        super().__init__("cuda", dtype=dtype, enabled=enabled, cache_enabled=cache_enabled)


def _f32(x: float) -> float:
    """``x`` rounded to float32, the dtype PyTorch keeps the scale in."""
    return float(np.float32(x))


class GradScaler:
    """Scale the loss so small float16 gradients do not underflow (``torch.amp.GradScaler``).

    Enabled only for ``device="cpu"`` (as PyTorch 2.13's CPU build); the default device
    ``"cuda"`` warns and passes through. Update rule, after each iteration's
    ``step``: a step that met an inf or NaN gradient was skipped and the scale is multiplied
    by ``backoff_factor``; ``growth_interval`` unskipped steps in a row multiply it by
    ``growth_factor``.

    Args:
        device: ``"cpu"`` scales; ``"cuda"`` (the default) warns and disables itself.
        init_scale: the first scale.
        growth_factor: > 1.
        backoff_factor: < 1.
        growth_interval: unskipped steps between growths.
        enabled: False passes everything through (``scale`` returns its input).

    Example:
        >>> import autograd as torch
        >>> w = torch.nn.Parameter(torch.ones(2))
        >>> opt = torch.optim.SGD([w], lr=0.1)
        >>> scaler = torch.amp.GradScaler("cpu")
        >>> scaler.scale((w * 3).sum()).backward()
        >>> w.grad
        tensor([196608., 196608.])
        >>> scaler.step(opt); scaler.update(); w.grad, w
        (tensor([3., 3.]), Parameter containing:
        tensor([0.7000, 0.7000], requires_grad=True))
    """

    _warn_level = 2  # warnings point at the caller's line (3 through torch.cuda.amp)

    def __init__(self, device: str = "cuda", init_scale: float = 2.0 ** 16,
                 growth_factor: float = 2.0, backoff_factor: float = 0.5,
                 growth_interval: int = 2000, enabled: bool = True) -> None:
        self._device = str(device).partition(":")[0]
        self._enabled = bool(enabled)
        if self._enabled and self._device == "cuda":
            warnings.warn(_NO_CUDA_SCALER, UserWarning, stacklevel=self._warn_level)
            self._enabled = False
        if self._enabled and self._device != "cpu":
            raise RuntimeError(f"GradScaler: device {str(device)!r} is not available: this "
                               "engine runs on the CPU only (use GradScaler('cpu') or "
                               "enabled=False)")
        if self._enabled:
            if not growth_factor > 1.0:
                raise AssertionError(f"GradScaler: the growth factor must be > 1.0, got "
                                     f"{growth_factor}")
            if not backoff_factor < 1.0:
                raise AssertionError(f"GradScaler: the backoff factor must be < 1.0, got "
                                     f"{backoff_factor}")
        self._init_scale = init_scale
        self._scale: float | None = None  # set by the first scale()
        self._growth_factor = growth_factor
        self._backoff_factor = backoff_factor
        self._growth_interval = growth_interval
        self._growth_tracker = 0
        self._stages: list[list[Any]] = []  # [optimizer, "unscaled" | "stepped", found_inf]

    # ---------------------------------------------------------------- the iteration
    def scale(self, outputs: Any) -> Any:
        """``outputs`` (a Tensor, or a list / tuple of them) multiplied by the scale."""
        if not self._enabled:
            return outputs
        if self._scale is None:
            self._scale = _f32(self._init_scale)
        if isinstance(outputs, (list, tuple)):
            return type(outputs)(self.scale(o) for o in outputs)
        if not hasattr(outputs, "requires_grad"):
            raise ValueError(f"GradScaler.scale: outputs must be a Tensor or an iterable of "
                             f"Tensors, got {type(outputs).__name__}")
        return outputs * self._scale

    def _stage(self, optimizer: Any) -> list[Any] | None:
        return next((s for s in self._stages if s[0] is optimizer), None)

    def _require_scale(self, what: str) -> float:
        if self._scale is None:
            raise AssertionError(f"Attempted {what} but _scale is None. This may indicate your "
                                 "script did not use scaler.scale(loss or outputs) earlier in "
                                 "the iteration.")
        return self._scale

    def unscale_(self, optimizer: Any) -> None:
        """Divide the gradients of ``optimizer``'s parameters by the scale, in place, and note
        whether one is inf or NaN (then the next ``step`` is skipped)."""
        if not self._enabled:
            return
        inv = _f32(1.0 / self._require_scale("unscale_"))
        stage = self._stage(optimizer)
        if stage is not None:
            raise RuntimeError("unscale_() has already been called on this optimizer since "
                               "the last update()." if stage[1] == "unscaled" else
                               "unscale_() is being called after step().")
        found_inf = False
        for group in optimizer.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                if p.grad.numpy().dtype == np.float16:
                    raise ValueError("GradScaler: attempting to unscale FP16 gradients.")
                found_inf = found_inf or not bool(np.isfinite(p.grad.numpy()).all())
                p.grad.mul_(inv)
        self._stages.append([optimizer, "unscaled", found_inf])

    def step(self, optimizer: Any, *args: Any, **kwargs: Any) -> Any:
        """Unscale (unless done), then ``optimizer.step()`` unless a gradient is inf or NaN.

        Returns:
            What ``optimizer.step`` returned, or None for a skipped step.
        """
        if not self._enabled:
            return optimizer.step(*args, **kwargs)
        if "closure" in kwargs:
            raise RuntimeError("GradScaler.step: closure use is not supported if GradScaler "
                               "is enabled.")
        self._require_scale("step")
        stage = self._stage(optimizer)
        if stage is not None and stage[1] == "stepped":
            raise RuntimeError("step() has already been called since the last update().")
        if stage is None:
            self.unscale_(optimizer)
            stage = self._stage(optimizer)
        assert stage is not None
        result = None if stage[2] else optimizer.step(*args, **kwargs)
        stage[1] = "stepped"
        return result

    def update(self, new_scale: Any = None) -> None:
        """Set the scale for the next iteration (the update rule above), or to ``new_scale``."""
        if not self._enabled:
            return
        scale = self._require_scale("update")
        if new_scale is not None:
            if not isinstance(new_scale, float):
                if getattr(new_scale, "requires_grad", True) or new_scale.numel() != 1:
                    raise AssertionError("GradScaler.update: new_scale should be a float or a "
                                         "1-element Tensor with requires_grad=False.")
                new_scale = new_scale.item()
            self._scale = _f32(new_scale)
        else:
            if not self._stages:
                raise AssertionError("No inf checks were recorded prior to update.")
            if any(s[2] for s in self._stages):
                self._scale, self._growth_tracker = _f32(scale * self._backoff_factor), 0
            elif self._growth_tracker + 1 == self._growth_interval:
                grown = _f32(scale * self._growth_factor)
                self._scale = grown if np.isfinite(grown) else scale
                self._growth_tracker = 0
            else:
                self._growth_tracker += 1
        self._stages = []

    # ---------------------------------------------------------------- settings and state
    def get_scale(self) -> float:
        """The current scale (1.0 when disabled)."""
        if not self._enabled:
            return 1.0
        return self._init_scale if self._scale is None else self._scale

    def get_growth_factor(self) -> float:
        return self._growth_factor

    def set_growth_factor(self, new_factor: float) -> None:
        self._growth_factor = new_factor

    def get_backoff_factor(self) -> float:
        return self._backoff_factor

    def set_backoff_factor(self, new_factor: float) -> None:
        self._backoff_factor = new_factor

    def get_growth_interval(self) -> int:
        return self._growth_interval

    def set_growth_interval(self, new_interval: int) -> None:
        self._growth_interval = new_interval

    def is_enabled(self) -> bool:
        """True when this scaler scales (``device="cpu"`` and ``enabled=True``)."""
        return self._enabled

    def state_dict(self) -> dict[str, Any]:
        """The scale, factors, interval and growth tracker; ``{}`` when disabled."""
        if not self._enabled:
            return {}
        return {"scale": self.get_scale(), "growth_factor": self._growth_factor,
                "backoff_factor": self._backoff_factor,
                "growth_interval": self._growth_interval,
                "_growth_tracker": self._growth_tracker}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a ``state_dict()``; does nothing when disabled."""
        if not self._enabled:
            return
        if len(state_dict) == 0:
            raise RuntimeError("GradScaler.load_state_dict: the source state dict is empty, "
                               "possibly because it was saved from a disabled GradScaler.")
        self._init_scale = state_dict["scale"]
        if self._scale is not None:
            self._scale = _f32(state_dict["scale"])
        self._growth_factor = state_dict["growth_factor"]
        self._backoff_factor = state_dict["backoff_factor"]
        self._growth_interval = state_dict["growth_interval"]
        self._growth_tracker = state_dict["_growth_tracker"]


class CudaGradScaler(GradScaler):
    """``torch.cuda.amp.GradScaler``: deprecated in PyTorch; on a CPU build it warns and
    passes everything through, as here."""

    _warn_level = 3

    def __init__(self, init_scale: float = 2.0 ** 16, growth_factor: float = 2.0,
                 backoff_factor: float = 0.5, growth_interval: int = 2000,
                 enabled: bool = True) -> None:
        warnings.warn("`torch.cuda.amp.GradScaler(args...)` is deprecated. Please use "
                      "`torch.amp.GradScaler('cuda', args...)` instead.", FutureWarning,
                      stacklevel=2)
        super().__init__("cuda", init_scale, growth_factor, backoff_factor, growth_interval,
                         enabled)
