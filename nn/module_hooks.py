"""Module hooks as PyTorch's: forward pre-hooks, forward hooks and full backward hooks.

The backward hooks are built from one identity op, :class:`BackwardHookFunction`,
applied to the module's tensor inputs and to its tensor outputs (as PyTorch
does): the node on the outputs sees ``grad_output`` first, the node on the
inputs then sees every ``grad_input`` at once, calls the hooks, and passes on
what they return.
"""
from __future__ import annotations

import itertools
from collections import OrderedDict
from typing import Any, Callable

import numpy as np

from autograd.function import Function
from autograd.mode import is_grad_enabled
from autograd.tensor import Tensor

__all__ = ["RemovableHandle", "HooksMixin", "BackwardHookFunction"]

_hook_ids = itertools.count()


class RemovableHandle:
    """Returned by ``register_*_hook``; ``remove()`` unregisters the hook.

    Example:
        >>> import autograd as ag, nn
        >>> lin, seen = nn.Linear(2, 2), []
        >>> handle = lin.register_forward_hook(lambda m, args, out: seen.append(out.shape))
        >>> _ = lin(ag.ones(1, 2)); handle.remove(); _ = lin(ag.ones(1, 2))
        >>> seen
        [(1, 2)]
    """

    def __init__(self, hooks: dict, key: int, extra: set | None = None) -> None:
        self._hooks = hooks
        self._extra = extra
        self.id = key

    def remove(self) -> None:
        self._hooks.pop(self.id, None)
        if self._extra is not None:
            self._extra.discard(self.id)

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.remove()


def _add(hooks: OrderedDict, hook: Callable, prepend: bool, extra: set | None = None,
         flag: bool = False) -> RemovableHandle:
    if not callable(hook):
        raise TypeError(f"hook must be callable, got {type(hook).__name__}")
    key = next(_hook_ids)
    hooks[key] = hook
    if prepend:
        hooks.move_to_end(key, last=False)
    if flag and extra is not None:
        extra.add(key)
    return RemovableHandle(hooks, key, extra)


class BackwardHookFunction(Function):
    """Identity on any number of tensors whose backward hands the gradients to a callback.

    ``callback(grads)`` receives the tuple of incoming gradients and returns the
    tuple to pass on (or None to pass them unchanged).
    """

    @staticmethod
    def forward(ctx: Any, *arrays: Any, callback: Callable) -> Any:
        ctx.callback = callback
        outs = tuple(a.view() for a in arrays)
        return outs[0] if len(outs) == 1 else outs

    @staticmethod
    def backward(ctx: Any, *grads: Any) -> Any:
        new = ctx.callback(tuple(grads))
        out = tuple(grads) if new is None else tuple(new)
        return out[0] if len(out) == 1 else out


class _BackwardHookState:
    """One forward call's bookkeeping between its output node and its input node."""

    def __init__(self, module: Any) -> None:
        self.module = module
        self.n_inputs = 0
        self.position: dict[int, int] = {}
        self.grad_slots: list[int] = []  # positions of the inputs that require grad
        self.grad_output: tuple | None = None
        self.zero_like: dict[int, tuple] = {}

    def wrap_inputs(self, args: tuple) -> tuple:
        tensors = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        self.n_inputs = len(tensors)
        self.position = {arg: k for k, arg in enumerate(tensors)}  # arg index -> grad_input index
        self.grad_slots = [i for i in tensors if args[i].requires_grad]
        if not self.grad_slots:
            return args
        # as PyTorch: once any input needs a gradient, the others get zeros, not None
        self.zero_like = {i: (args[i].shape, args[i].dtype) for i in tensors
                          if i not in self.grad_slots}
        wrapped = BackwardHookFunction.apply(*[args[i] for i in self.grad_slots],
                                             callback=self._on_grad_input)
        if isinstance(wrapped, Tensor):
            wrapped = (wrapped,)
        new = list(args)
        for i, w in zip(self.grad_slots, wrapped):
            new[i] = w
        return tuple(new)

    def wrap_outputs(self, out: Any) -> Any:
        single = isinstance(out, Tensor)
        items = [out] if single else list(out) if isinstance(out, (tuple, list)) else None
        if items is None:
            return out
        slots = [i for i, o in enumerate(items) if isinstance(o, Tensor) and o.requires_grad]
        if not slots:
            return out
        wrapped = BackwardHookFunction.apply(*[items[i] for i in slots],
                                             callback=self._on_grad_output)
        if isinstance(wrapped, Tensor):
            wrapped = (wrapped,)
        for i, w in zip(slots, wrapped):
            items[i] = w
        return items[0] if single else type(out)(items)

    def _on_grad_output(self, grads: tuple) -> tuple:
        m = self.module
        for hook in list(m._backward_pre_hooks.values()):
            res = hook(m, grads)
            if res is not None:
                grads = tuple(res) if isinstance(res, (tuple, list)) else (res,)
        self.grad_output = grads
        if not self.grad_slots:  # nothing upstream needs a gradient: call the hooks now
            self._call_hooks((None,) * self.n_inputs)
        return grads

    def _on_grad_input(self, grads: tuple) -> tuple:
        full: list = [None] * self.n_inputs
        for slot, (shape, dtype) in self.zero_like.items():
            full[self.position[slot]] = Tensor._make(np.zeros(shape, dtype))
        for slot, g in zip(self.grad_slots, grads):
            full[self.position[slot]] = g
        new = self._call_hooks(tuple(full))
        return tuple(new[self.position[slot]] for slot in self.grad_slots)

    def _call_hooks(self, grad_input: tuple) -> tuple:
        m = self.module
        grad_output = self.grad_output if self.grad_output is not None else ()
        for hook in list(m._backward_hooks.values()):
            res = hook(m, grad_input, grad_output)
            if res is not None:
                res = tuple(res) if isinstance(res, (tuple, list)) else (res,)
                if len(res) != len(grad_input):
                    raise RuntimeError(f"backward hook of {type(m).__name__} returned "
                                       f"{len(res)} gradients, expected {len(grad_input)}")
                grad_input = res
        return grad_input


class HooksMixin:
    """The hook registries of :class:`nn.Module` and the call path that runs them."""

    _forward_pre_hooks: OrderedDict
    _forward_hooks: OrderedDict
    _backward_hooks: OrderedDict
    _backward_pre_hooks: OrderedDict
    _hooks_with_kwargs: set
    forward: Callable

    def _init_hooks(self) -> None:
        d = self.__dict__
        for name in ("_forward_pre_hooks", "_forward_hooks", "_backward_hooks",
                     "_backward_pre_hooks"):
            d[name] = OrderedDict()
        d["_hooks_with_kwargs"] = set()
        d["_hooks_always_called"] = set()

    def register_forward_pre_hook(self, hook: Callable, *, prepend: bool = False,
                                  with_kwargs: bool = False) -> RemovableHandle:
        """Call ``hook(module, args)`` before forward; a returned value replaces the args.

        With ``with_kwargs=True`` the hook is ``hook(module, args, kwargs)`` and
        may return a pair ``(args, kwargs)``.
        """
        return _add(self._forward_pre_hooks, hook, prepend, self._hooks_with_kwargs,
                    with_kwargs)

    def register_forward_hook(self, hook: Callable, *, prepend: bool = False,
                              with_kwargs: bool = False,
                              always_call: bool = False) -> RemovableHandle:
        """Call ``hook(module, args, output)`` after forward; a returned value replaces it.

        With ``with_kwargs=True`` the hook is ``hook(module, args, kwargs, output)``;
        ``always_call`` runs it even when forward raised.
        """
        handle = _add(self._forward_hooks, hook, prepend, self._hooks_with_kwargs, with_kwargs)
        if always_call:
            self.__dict__["_hooks_always_called"].add(handle.id)
        return handle

    def register_full_backward_pre_hook(self, hook: Callable,
                                        prepend: bool = False) -> RemovableHandle:
        """Call ``hook(module, grad_output)`` when the output gradients arrive.

        A returned tuple replaces ``grad_output`` for the rest of backward.
        """
        return _add(self._backward_pre_hooks, hook, prepend)

    def register_full_backward_hook(self, hook: Callable,
                                    prepend: bool = False) -> RemovableHandle:
        """Call ``hook(module, grad_input, grad_output)`` once the input gradients are known.

        ``grad_input`` has one entry per positional Tensor input: its gradient,
        zeros for an input that needs none while another does, or None for all
        when no input needs one (as PyTorch); a returned tuple replaces it.

        Example:
            >>> import autograd as ag, nn
            >>> lin, seen = nn.Linear(3, 2), []
            >>> _ = lin.register_full_backward_hook(
            ...     lambda m, gin, gout: seen.append((gin[0].shape, gout[0].shape)))
            >>> lin(ag.ones(4, 3, requires_grad=True)).sum().backward()
            >>> seen
            [((4, 3), (4, 2))]
        """
        return _add(self._backward_hooks, hook, prepend)

    def _call_with_hooks(self, args: tuple, kwargs: dict) -> Any:
        with_kwargs = self._hooks_with_kwargs
        for key, hook in list(self._forward_pre_hooks.items()):
            if key in with_kwargs:
                res = hook(self, args, kwargs)
                if res is not None:
                    if not (isinstance(res, tuple) and len(res) == 2):
                        raise RuntimeError("forward pre-hook with kwargs must return None or "
                                           f"a tuple (args, kwargs), got {type(res).__name__}")
                    args, kwargs = res
            else:
                res = hook(self, args)
                if res is not None:
                    args = res if isinstance(res, tuple) else (res,)
        state = None
        if (self._backward_hooks or self._backward_pre_hooks) and is_grad_enabled():
            state = _BackwardHookState(self)
            args = state.wrap_inputs(args)
        try:
            out = self.forward(*args, **kwargs)
        except Exception:
            always = self.__dict__.get("_hooks_always_called", set())
            for key, hook in list(self._forward_hooks.items()):
                if key in always:
                    try:
                        hook(self, args, kwargs, None) if key in with_kwargs \
                            else hook(self, args, None)
                    except Exception:  # noqa: S110 - the forward error is the one to show
                        pass
            raise
        for key, hook in list(self._forward_hooks.items()):
            res = hook(self, args, kwargs, out) if key in with_kwargs else hook(self, args, out)
            if res is not None:
                out = res
        if state is not None:
            out = state.wrap_outputs(out)
        return out
