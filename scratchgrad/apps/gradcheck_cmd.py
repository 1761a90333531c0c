"""``scratchgrad gradcheck MODULE:FUNCTION``: check a user's backward against finite differences.

Only the module the user names is imported (the current directory is put on
``sys.path`` first, as ``python -m`` does; a path ``dir/file.py`` works too).
FUNCTION may be a plain function of Tensors or an :class:`autograd.Function`
subclass, whose ``apply`` is checked. Every input is checked on its own, so
the report says which input's gradient is wrong, and the exit status is 0 when
all pass and 1 when one fails.
"""
from __future__ import annotations

import importlib
import importlib.util
import inspect
import os
import sys
import warnings
from typing import Any, Callable

import numpy as np

from ._common import CLIError, parse_shapes

_FORMAT = "write MODULE:FUNCTION, e.g. mymodule:cube or ops/cube.py:Cube"


def load_target(target: str) -> tuple[Callable, str, Callable]:
    """Import ``MODULE:FUNCTION``; return the callable to check, its display name and the
    function whose signature names the inputs (``forward`` for a Function subclass)."""
    import autograd as ag

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
    import autograd as ag

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
    from autograd.gradcheck import GradcheckError, gradcheck

    fn, shown, signed = load_target(args.target)
    shapes = parse_shapes(args.shapes)
    names = _names(signed, len(shapes))
    shape_text = ", ".join(str(s) for s in shapes)
    try:
        out = fn(*_inputs(shapes, args.dtype, args.positive, args.seed, None))
    except Exception as exc:
        raise CLIError(f"calling {args.target} on inputs of shapes {shape_text} failed: "
                       f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}",
                       "check --shapes (one shape per argument, e.g. 3x4,4)") from exc
    print(f"gradcheck {shown}")
    print(f"  inputs: {shape_text} ({args.dtype}); output shape {tuple(getattr(out, 'shape', ()))}")
    print(f"  eps={args.eps:g} atol={args.atol:g} rtol={args.rtol:g}, random upstream gradient")
    failed = 0
    width = max(len(n) for n in names)
    for k, (name, shape) in enumerate(zip(names, shapes)):
        inputs = _inputs(shapes, args.dtype, args.positive, args.seed, k)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                gradcheck(fn, tuple(inputs), eps=args.eps, atol=args.atol, rtol=args.rtol,
                          seed=args.seed)
                verdict = "ok"
            except GradcheckError as exc:
                failed += 1
                verdict = "FAIL  " + _shorten(str(exc))
        print(f"  {name:<{width}} {str(shape):<10} {verdict}")
        for w in caught:
            if "float32" in str(w.message) and k > 0:
                continue
            print(f"    note: {_shorten(str(w.message))}")
    if failed:
        print(f"FAILED: {failed} of {len(shapes)} input(s) have wrong gradients")
        return 1
    what = "the input's gradient matches" if len(shapes) == 1 else (
        f"the gradients of all {len(shapes)} inputs match")
    print(f"passed: {what} central differences")
    return 0


def _shorten(message: str) -> str:
    return message.removeprefix("gradcheck: ").strip()
