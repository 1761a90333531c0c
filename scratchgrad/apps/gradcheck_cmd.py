"""``scratchgrad gradcheck MODULE:FUNCTION``: check a user's backward against finite differences.

Only the module the user names is imported (the current directory is put on
``sys.path`` first, as ``python -m`` does; a path ``dir/file.py`` works too).
FUNCTION may be a plain function of Tensors or an :class:`autograd.Function`
subclass, whose ``apply`` is checked. Every input is checked on its own, so
the report says which input's gradient is wrong, and the exit status is 0 when
all pass and 1 when one fails. A function that gives NaN or infinity on the
random inputs (``log`` of a negative number) is refused with a hint to use
``--positive``; warnings raised while checking are printed once each, as notes.
"""
from __future__ import annotations

import importlib
import importlib.util
import inspect
import math
import os
import sys
import warnings
from typing import Any, Callable

import numpy as np

import autograd as ag
from autograd.gradcheck import GradcheckError, gradcheck

from ._common import CLIError, parse_shapes

_FORMAT = "write MODULE:FUNCTION, e.g. mymodule:cube or ops/cube.py:Cube"
#: most elements in one input: central differences call the function twice per element
MAX_ELEMENTS = 10_000


def load_target(target: str) -> tuple[Callable, str, Callable]:
    """Import ``MODULE:FUNCTION``; return the callable to check, its display name and the
    function whose signature names the inputs (``forward`` for a Function subclass)."""
    module_name, colon, attr = target.rpartition(":")
    if not colon or not module_name or not attr:
        raise CLIError(f"cannot read {target!r}", _FORMAT)
    module = _import(module_name)
    obj: Any = module
    for part in attr.split("."):
        if not hasattr(obj, part):
            names = [n for n in dir(module) if not n.startswith("_")
                     and callable(getattr(module, n))]
            raise CLIError(f"{module_name} has no {attr!r}",
                           f"it defines: {', '.join(names) or 'no callables'}")
        obj = getattr(obj, part)
    if inspect.isclass(obj) and issubclass(obj, ag.Function):
        return obj.apply, f"{target} (via {obj.__name__}.apply)", _drop_ctx(obj.forward)
    if not callable(obj):
        raise CLIError(f"{target} is a {type(obj).__name__}, not a function",
                       "name a function of Tensors or an autograd.Function subclass")
    return obj, target, obj


def _drop_ctx(forward: Callable) -> Callable:
    def named(*args: Any) -> None:  # only its signature is used
        return None

    try:
        params = list(inspect.signature(forward).parameters.values())[1:]
        named.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    except (TypeError, ValueError):
        pass
    return named


def _import(module_name: str) -> Any:
    if module_name.endswith(".py"):
        if not os.path.isfile(module_name):
            raise CLIError(f"no such file {module_name!r}", _FORMAT)
        name = os.path.splitext(os.path.basename(module_name))[0]
        spec = importlib.util.spec_from_file_location(name, module_name)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        return module
    if os.getcwd() not in sys.path and "" not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name and module_name.startswith(exc.name):
            raise CLIError(f"cannot import {module_name!r} ({exc})",
                           "run from the folder that holds it or give a path: file.py:function"
                           ) from None
        raise


def _inputs(shapes: list, dtype: str, positive: bool, seed: int, want: int | None) -> list:
    rng = np.random.default_rng(seed)
    out = []
    for k, shape in enumerate(shapes):
        data = rng.uniform(0.5, 2.0, shape) if positive else rng.standard_normal(shape)
        out.append(ag.tensor(data.astype(dtype), requires_grad=want is None or k == want))
    return out


def _names(fn: Callable, count: int) -> list[str]:
    try:
        params = [p.name for p in inspect.signature(fn).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        params = []
    if len(params) < count:
        params = []
    return [params[k] if params else f"input {k}" for k in range(count)]


def run(args: Any) -> int:
    """Check every input in turn; print one report line each; return 0 or 1."""
    shapes = parse_shapes(args.shapes)
    check_options(args, shapes)
    fn, shown, signed = load_target(args.target)
    names = _names(signed, len(shapes))
    notes: list[str] = []
    out = _first_call(fn, args, shapes, notes)
    print(f"gradcheck {shown}")
    print(f"  inputs: {_shapes_text(shapes)} ({args.dtype}); output shape "
          f"{tuple(getattr(out, 'shape', ()))}")
    print(f"  eps={args.eps:g} atol={args.atol:g} rtol={args.rtol:g}, random upstream gradient")
    failed = 0
    width = max(len(n) for n in names)
    for k, (name, shape) in enumerate(zip(names, shapes)):
        inputs = _inputs(shapes, args.dtype, args.positive, args.seed, k)
        with _collect(notes):
            try:
                gradcheck(fn, tuple(inputs), eps=args.eps, atol=args.atol, rtol=args.rtol,
                          seed=args.seed)
                verdict = "ok"
            except GradcheckError as exc:
                failed += 1
                verdict = "FAIL  " + _shorten(str(exc))
        print(f"  {name:<{width}} {str(shape):<10} {verdict}")
    for note in notes:
        print(f"  note: {note}")
    if failed:
        print(f"FAILED: {failed} of {len(shapes)} input(s) have wrong gradients")
        return 1
    what = "the input's gradient matches" if len(shapes) == 1 else (
        f"the gradients of all {len(shapes)} inputs match")
    print(f"passed: {what} central differences")
    return 0


def check_options(args: Any, shapes: list) -> None:
    """Refuse a step or tolerance that would make the check meaningless, and inputs so big
    that finite differences would run for hours; before importing anything.

    Example:
        >>> from types import SimpleNamespace
        >>> check_options(SimpleNamespace(eps=0.0, atol=1e-5, rtol=1e-3), [(3,)])
        Traceback (most recent call last):
        ...
        scratchgrad.apps._common.CLIError: bad --eps 0; it must be a small positive number, ...
    """
    if not 0 < args.eps <= 1:
        raise CLIError(f"bad --eps {args.eps:g}", "it must be a small positive number, e.g. 1e-6")
    for name in ("atol", "rtol"):
        value = getattr(args, name)
        if not 0 <= value < math.inf:
            raise CLIError(f"bad --{name} {value:g}", "it must be a finite number >= 0")
    for shape in shapes:
        if math.prod(shape) > MAX_ELEMENTS:
            raise CLIError(f"an input of shape {shape} has {math.prod(shape):,} elements, over "
                           f"the limit of {MAX_ELEMENTS:,} (two calls of the function each)",
                           "check a smaller shape; gradients that are right on small inputs "
                           "are right on big ones")


def _shapes_text(shapes: list) -> str:
    return ", ".join(str(s) for s in shapes)


def _first_call(fn: Callable, args: Any, shapes: list, notes: list[str]) -> Any:
    """Call ``fn`` once on all inputs; refuse outputs that are not finite (NaN, inf)."""
    try:
        with _collect(notes):
            out = fn(*_inputs(shapes, args.dtype, args.positive, args.seed, None))
    except Exception as exc:
        raise CLIError(f"calling {args.target} on inputs of shapes {_shapes_text(shapes)} "
                       f"failed: {type(exc).__name__}: "
                       f"{str(exc).splitlines()[0] if str(exc) else ''}",
                       "check --shapes (one shape per argument, e.g. 3x4,4)") from exc
    values = np.asarray(out.numpy() if isinstance(out, ag.Tensor) else out)
    if values.dtype.kind in "fc" and not np.isfinite(values).all():
        bad = "NaN" if np.isnan(values).any() else "infinity"
        where = "[0.5, 2)" if args.positive else "N(0, 1)"
        fix = ("try another --seed or smaller --shapes" if args.positive else
               "for a function defined only on positive numbers (log, sqrt, ...) pass "
               "--positive to draw inputs from [0.5, 2)")
        raise CLIError(f"{args.target} gives {bad} on random inputs from {where}, so finite "
                       "differences cannot check it", fix)
    return out


class _collect(warnings.catch_warnings):
    """Record warnings into ``notes``, each distinct message once, and hide numpy's
    floating-point RuntimeWarnings (the finite check above reports what matters)."""

    def __init__(self, notes: list[str]) -> None:
        super().__init__(record=True)
        self.notes = notes

    def __enter__(self) -> Any:
        self.caught = super().__enter__()
        warnings.simplefilter("always")
        self.errstate = np.errstate(all="ignore")
        self.errstate.__enter__()
        return self.caught

    def __exit__(self, *exc: Any) -> None:
        self.errstate.__exit__(*exc)
        super().__exit__(*exc)
        for w in self.caught or ():
            text = _shorten(str(w.message))
            if text not in self.notes:
                self.notes.append(text)


def _shorten(message: str) -> str:
    return message.removeprefix("gradcheck: ").strip()
