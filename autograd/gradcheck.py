"""Gradient checking: compare an op's backward with central differences.

``gradcheck(f, inputs)`` evaluates ``f`` on float64 copies of ``inputs`` and
compares two things for every input that requires grad:

* analytic: the vector-Jacobian product ``v^T J`` that backward computes for a
  *random* upstream gradient ``v`` (entries of magnitude 1.2 to 2.0 with
  random signs, so never all ones: a backward that forgets to multiply by the
  upstream gradient fails);
* numeric: central differences of the scalar ``sum(v * f(x))`` with step ``eps``.

It also checks that backward scales with the upstream gradient
(``backward(c*v) == c * backward(v)``), that every gradient has its input's
shape and dtype, and that ``f`` is deterministic and leaves its inputs
alone. Points within ``eps`` of a kink (relu or abs at 0, ties in max/min,
clip bounds) are detected from the two one-sided slopes, reported with a
:class:`GradcheckWarning` and left out of the comparison instead of failing.

``gradgradcheck`` runs the same check on the function
``x -> backward(f)(x, u)`` recorded with ``create_graph=True``, which checks
second derivatives (and, through ``u``, that the recorded backward is linear in
the upstream gradient).
"""
from __future__ import annotations

import warnings
from typing import Any, Callable, Sequence

import numpy as np

from . import engine
from .mode import enable_grad
from .tensor import Tensor

__all__ = ["GradcheckError", "GradcheckWarning", "numerical_grad", "gradcheck", "gradgradcheck"]


class GradcheckError(RuntimeError):
    """Raised by :func:`gradcheck` / :func:`gradgradcheck` when backward disagrees.

    A subclass of ``RuntimeError``, as PyTorch's. Attributes (``None`` when the
    failure is not about one element): ``input_index``, ``index`` (the worst
    element), ``analytic`` and ``numeric`` (its two values).
    """

    def __init__(self, message: str, input_index: int | None = None,
                 index: tuple | None = None, analytic: float | None = None,
                 numeric: float | None = None) -> None:
        super().__init__(message)
        self.input_index = input_index
        self.index = index
        self.analytic = analytic
        self.numeric = numeric


class GradcheckWarning(UserWarning):
    """A gradient check that could not be done as asked (kink, float32 input)."""


# ------------------------------------------------------------------ helpers
def _as_tuple(inputs: Any) -> tuple:
    if isinstance(inputs, Tensor):
        return (inputs,)
    if isinstance(inputs, (list, tuple)):
        return tuple(inputs)
    return (inputs,)


def _float_outputs(res: Any, who: str) -> list:
    """The floating-point Tensor outputs of ``f``, in order (integer outputs are skipped)."""
    if isinstance(res, Tensor):
        outs = [res]
    elif isinstance(res, (tuple, list)) and all(isinstance(o, Tensor) for o in res):
        outs = list(res)
    else:
        raise TypeError(f"{who}: f must return a Tensor or a tuple of Tensors, "
                        f"got {type(res).__name__}")
    return [o for o in outs if o.array.dtype.kind == "f"]


def _prepare(inputs: Sequence, who: str, warn: bool) -> list:
    """Fresh leaf copies of the Tensor inputs, floats promoted to float64."""
    args: list = []
    promoted = []
    for i, x in enumerate(inputs):
        if isinstance(x, Tensor) and x.array.dtype.kind == "f":
            if x.array.dtype != np.float64:
                promoted.append(f"{i} ({x.array.dtype})")
            t = Tensor._make(np.array(x.array, dtype=np.float64, order="C"))
            t.requires_grad = x.requires_grad
            t.name = x.name
            args.append(t)
        else:
            args.append(x)
    if promoted and warn:
        warnings.warn(
            f"{who}: input(s) {', '.join(promoted)} checked in float64 (a copy): in lower "
            "precision, central differences with a small eps are dominated by rounding",
            GradcheckWarning, stacklevel=3)
    return args


def _label(i: int, x: Any, labels: Sequence[str] | None = None) -> str:
    base = labels[i] if labels is not None else f"input {i}"
    name = f" ({x.name!r})" if getattr(x, "name", None) else ""
    return f"{base}{name} of shape {tuple(x.shape)}"


def _upstream(outs: list, rng: np.random.Generator) -> list:
    """Random upstream gradients: magnitude in [1.2, 2.0], random sign (never 0 or 1)."""
    vs = []
    for o in outs:
        mag = rng.uniform(1.2, 2.0, o.shape)
        sign = np.where(rng.random(o.shape) < 0.5, -1.0, 1.0)
        vs.append(mag * sign)
    return vs


def _project(f: Callable, args: list, vs: list, who: str) -> float:
    """``sum_k <v_k, f(args)_k>`` in float64."""
    outs = _float_outputs(f(*args), who)
    if len(outs) != len(vs):
        raise ValueError(f"{who}: f returned {len(outs)} floating-point outputs, expected "
                         f"{len(vs)} (the number of upstream gradients)")
    total = 0.0
    for k, (o, v) in enumerate(zip(outs, vs)):
        if o.shape != np.shape(v):
            raise ValueError(f"{who}: output {k} has shape {tuple(o.shape)} but its upstream "
                             f"gradient has shape {tuple(np.shape(v))}")
        total += float(np.sum(o.array.astype(np.float64) * v))
    return total


def _numeric(f: Callable, args: list, idxs: Sequence[int], vs: list, eps: float,
             who: str) -> dict:
    """Central, forward and backward differences of ``sum(v * f)`` for each input in ``idxs``.

    Each input is perturbed one element at a time in a private copy; the
    tensors passed to ``f`` do not require grad, so no graph is recorded.
    """
    plain = [Tensor._make(np.array(a.array)) if isinstance(a, Tensor) and i in idxs else a
             for i, a in enumerate(args)]
    for i in idxs:
        plain[i].name = args[i].name
    base = _project(f, plain, vs, who)
    for i in idxs:
        if not np.array_equal(plain[i].array, args[i].array, equal_nan=True):
            raise GradcheckError(f"{who}: f modified {_label(i, args[i])} in place; forward "
                                 "must not write to its inputs", input_index=i)
    again = _project(f, plain, vs, who)
    if not abs(base - again) <= 1e-12 * max(1.0, abs(base)):
        raise GradcheckError(
            f"{who}: f gave different results for the same inputs ({base!r} then {again!r}); "
            "finite differences need a deterministic f (seed any randomness inside f, e.g. "
            "call ag.manual_seed(0) before dropout)")
    result = {}
    for i in idxs:
        flat = plain[i].array.reshape(-1)  # a view: plain copies are contiguous
        central = np.zeros(flat.size)
        fwd = np.zeros(flat.size)
        bwd = np.zeros(flat.size)
        for j in range(flat.size):
            orig = flat[j]
            flat[j] = orig + eps
            hp = flat[j] - orig  # the step actually taken, after rounding
            sp = _project(f, plain, vs, who)
            flat[j] = orig - eps
            hm = orig - flat[j]
            sm = _project(f, plain, vs, who)
            flat[j] = orig
            central[j] = (sp - sm) / (hp + hm)
            fwd[j] = (sp - base) / hp
            bwd[j] = (base - sm) / hm
        shape = plain[i].shape
        result[i] = (central.reshape(shape), fwd.reshape(shape), bwd.reshape(shape))
    return result


def numerical_grad(f: Callable, *inputs: Any, eps: float = 1e-6,
                   grad_outputs: Sequence | None = None) -> tuple:
    """Gradients of ``f`` by central differences, one array per input.

    ``(f(x + eps) - f(x - eps)) / (2 eps)``, one element at a time, evaluated in
    float64 on copies (float32 inputs are promoted; the inputs are not
    modified). For a scalar output this is the gradient; for a non-scalar
    output, or several outputs, it is the vector-Jacobian product with
    ``grad_outputs`` (default: ones, i.e. the gradient of the sum of all
    outputs).

    Args:
        f: takes the inputs, returns a Tensor or a tuple of Tensors.
        *inputs: the arguments of ``f``; every floating-point Tensor is
            differentiated (whether or not it requires grad), anything else
            is passed through unchanged.
        eps: the finite-difference step.
        grad_outputs: one array per floating-point output of ``f``.

    Returns:
        A tuple with one float64 numpy array per input (``None`` for inputs
        that are not floating-point Tensors).

    Example:
        >>> import autograd as ag
        >>> x = ag.tensor([1.0, 2.0], dtype="float64")
        >>> (g,) = numerical_grad(lambda t: t ** 3, x)   # elementwise: d(x^3)/dx
        >>> g.round(6)
        array([ 3., 12.])
    """
    args = _prepare(inputs, "numerical_grad", warn=False)
    idxs = [i for i, a in enumerate(args) if isinstance(a, Tensor) and a.array.dtype.kind == "f"]
    outs = _float_outputs(f(*args), "numerical_grad")
    if grad_outputs is None:
        vs = [np.ones(o.shape) for o in outs]
    else:
        vs = [np.asarray(g.array if isinstance(g, Tensor) else g, dtype=np.float64)
              for g in _as_tuple(grad_outputs)]
    num = _numeric(f, args, idxs, vs, eps, "numerical_grad")
    return tuple(num[i][0] if i in num else None for i in range(len(args)))


# ---------------------------------------------------------------- analytic
def _vjp(f: Callable, args: list, idxs: Sequence[int], vs: list, scales: Sequence[float],
         who: str, labels: Sequence[str] | None) -> list:
    """Backward's vector-Jacobian product for each upstream scale (one forward pass)."""
    with enable_grad():
        outs = _float_outputs(f(*args), who)
    if len(outs) != len(vs):
        raise ValueError(f"{who}: f returned {len(outs)} floating-point outputs, expected "
                         f"{len(vs)}")
    pairs = [(o, v) for o, v in zip(outs, vs) if o.requires_grad]
    wanted = [args[i] for i in idxs]
    results = []
    for c in scales:
        if not pairs:
            results.append([np.zeros(args[i].shape) for i in idxs])
            continue
        roots = [o for o, _ in pairs]
        grads = [Tensor._make((c * v).astype(o.array.dtype)) for o, v in pairs]
        try:
            got = engine.run_backward(roots, grads, retain_graph=True, create_graph=False,
                                      inputs=wanted, allow_unused=True)
        except Exception as e:  # any failure inside backward is the op's bug to report
            raise GradcheckError(f"{who}: backward raised {type(e).__name__}: {e}") from e
        row = []
        for i, g in zip(idxs, got):  # type: ignore[arg-type]
            if g is None:
                row.append(np.zeros(args[i].shape))
                continue
            if not isinstance(g, Tensor) or g.shape != args[i].shape:
                shape = getattr(g, "shape", None)
                raise GradcheckError(
                    f"{who}: backward returned a gradient of shape {shape} for "
                    f"{_label(i, args[i], labels)}; a gradient must have its input's shape",
                    input_index=i)
            if g.array.dtype != args[i].array.dtype:
                raise GradcheckError(
                    f"{who}: backward returned a {g.array.dtype} gradient for "
                    f"{_label(i, args[i], labels)} of dtype {args[i].array.dtype}; a gradient "
                    "must have its input's dtype (is a constant in backward made in float32?)",
                    input_index=i)
            row.append(g.array.astype(np.float64))
        results.append(row)
    return results


def _worst(a: np.ndarray, n: np.ndarray, mask: np.ndarray, atol: float,
           rtol: float) -> tuple | None:
    """Flat index of the element that misses the tolerance the most (None if all pass)."""
    err = np.abs(a - n)
    bad = (err > atol + rtol * np.abs(n)) | (~np.isfinite(a) & np.isfinite(n))
    bad &= mask
    if not bad.any():
        return None
    excess = np.where(bad, np.nan_to_num(err - atol - rtol * np.abs(n), nan=np.inf), -np.inf)
    j = int(np.argmax(excess))
    return j, int(bad.sum())


def _check(f: Callable, args: list, idxs: Sequence[int], vs: list, eps: float, atol: float,
           rtol: float, who: str, labels: Sequence[str] | None, what: str, how: str) -> None:
    """The body shared by gradcheck and gradgradcheck: raises GradcheckError or returns."""
    scale = -1.7
    analytic, scaled = _vjp(f, args, idxs, vs, (1.0, scale), who, labels)
    # 1. backward is linear in the upstream gradient
    for i, a, s in zip(idxs, analytic, scaled):
        hit = _worst(s, scale * a, np.ones(a.shape, bool), atol, rtol)
        if hit is not None:
            j, count = hit
            idx = np.unravel_index(j, a.shape)
            raise GradcheckError(
                f"{who}: backward does not scale with the upstream gradient for "
                f"{_label(i, args[i], labels)}: with upstream {scale}*v it returned "
                f"{s.flat[j]:.8g} at index {tuple(int(k) for k in idx)}, but {scale} times its "
                f"result for v is {scale * a.flat[j]:.8g} ({count} of {a.size} elements differ). "
                "Does backward multiply by the incoming gradient?",
                input_index=i, index=tuple(int(k) for k in idx),
                analytic=float(s.flat[j]), numeric=float(scale * a.flat[j]))
    # 2. analytic against central differences, away from kinks
    numeric = _numeric(f, args, idxs, vs, eps, who)
    for i, a in zip(idxs, analytic):
        n, fwd, bwd = numeric[i]
        slope = np.maximum(1.0, np.maximum(np.abs(fwd), np.abs(bwd)))
        kink = (np.abs(fwd - bwd) > 1e-2 * slope) | ~np.isfinite(n)
        if kink.any():
            j = int(np.argmax(kink))
            idx = tuple(int(k) for k in np.unravel_index(j, a.shape))
            warnings.warn(
                f"{who}: {_label(i, args[i], labels)} lies within eps={eps:g} of a kink at "
                f"index {idx} (one-sided slopes {fwd.flat[j]:.6g} and {bwd.flat[j]:.6g}); the "
                f"derivative is not defined there, so {int(kink.sum())} element(s) were not "
                "compared. Move the input away from points like relu/abs at 0, ties in "
                "max/min, or clip bounds.", GradcheckWarning, stacklevel=5)
        hit = _worst(a, n, ~kink, atol, rtol)
        if hit is None:
            continue
        j, count = hit
        idx = tuple(int(k) for k in np.unravel_index(j, a.shape))
        av, nv = float(a.flat[j]), float(n.flat[j])
        raise GradcheckError(
            f"{who}: {what} of {_label(i, args[i], labels)} is wrong at index {idx}: "
            f"analytic {av:.8g}, numeric {nv:.8g}, error {abs(av - nv):.3g} (allowed "
            f"{atol + rtol * abs(nv):.3g} = atol {atol:g} + rtol {rtol:g} * |numeric|); "
            f"{count} of {a.size} elements differ. Compared: {how} with eps={eps:g}.",
            input_index=i, index=idx, analytic=av, numeric=nv)


def _checked(args: list, who: str) -> list:
    idxs = [i for i, a in enumerate(args) if isinstance(a, Tensor) and a.requires_grad]
    if not idxs:
        raise ValueError(f"{who}: no input requires grad; create the inputs to check with "
                         "requires_grad=True")
    return idxs


def _run(body: Callable[[], None], raise_exception: bool) -> bool:
    if raise_exception:
        body()
        return True
    try:
        body()
    except GradcheckError:
        return False
    return True


def gradcheck(f: Callable, inputs: Any, eps: float = 1e-6, atol: float = 1e-5,
              rtol: float = 1e-3, grad_outputs: Sequence | None = None, seed: int = 0,
              raise_exception: bool = True) -> bool:
    """Check ``f``'s backward against central differences, in float64.

    For every input that requires grad it compares backward's
    vector-Jacobian product for a random upstream gradient ``v`` with the
    central differences of ``sum(v * f(inputs))``; it also checks that
    backward scales with ``v`` and that each gradient has its input's shape.
    float32 inputs are checked on float64 copies, with a
    :class:`GradcheckWarning` saying so; elements within ``eps`` of a kink are
    skipped with a warning. The inputs themselves are never modified and their
    ``.grad`` is not touched.

    Args:
        f: takes ``*inputs``, returns a Tensor or a tuple of Tensors.
        inputs: a Tensor or a tuple of arguments (non-Tensors pass through).
        eps: finite-difference step.
        atol, rtol: an element fails when ``|analytic - numeric| > atol + rtol * |numeric|``.
        grad_outputs: fixed upstream gradients (one per floating-point output)
            instead of random ones.
        seed: seeds the random upstream gradients.
        raise_exception: if False, return False instead of raising.

    Returns:
        True when every checked gradient matches.

    Raises:
        GradcheckError: naming the input, the worst element's index, the
            analytic and numeric values and their error.

    Example:
        >>> import autograd as ag
        >>> x = ag.tensor([[0.5, -1.0], [2.0, 3.0]], dtype="float64", requires_grad=True)
        >>> gradcheck(lambda t: t * t * 3.0, x)
        True
        >>> class Twice(ag.Function):       # forgets to multiply by the upstream grad
        ...     @staticmethod
        ...     def forward(ctx, a):
        ...         return 2 * a
        ...     @staticmethod
        ...     def backward(ctx, grad):
        ...         return ag.ones_like(grad, dtype=grad.dtype) * 2
        >>> gradcheck(Twice.apply, x, raise_exception=False)
        False
    """
    who = "gradcheck"
    args = _prepare(_as_tuple(inputs), who, warn=True)
    idxs = _checked(args, who)

    def body() -> None:
        vs = _given_or_random(f, args, grad_outputs, seed, who)
        _check(f, args, idxs, vs, eps, atol, rtol, who, None, "the gradient",
               "backward(v) against central differences of sum(v * f), v a random upstream "
               "gradient")

    return _run(body, raise_exception)


def _given_or_random(f: Callable, args: list, grad_outputs: Sequence | None, seed: int,
                     who: str) -> list:
    with enable_grad():
        outs = _float_outputs(f(*args), who)
    if grad_outputs is None:
        return _upstream(outs, np.random.default_rng(seed))
    vs = [np.asarray(g.array if isinstance(g, Tensor) else g, dtype=np.float64)
          for g in _as_tuple(grad_outputs)]
    for k, (o, v) in enumerate(zip(outs, vs)):
        if v.shape != o.shape:
            raise ValueError(f"{who}: grad_outputs[{k}] has shape {v.shape}, output {k} has "
                             f"shape {tuple(o.shape)}")
    return vs


def gradgradcheck(f: Callable, inputs: Any, eps: float = 1e-6, atol: float = 1e-5,
                  rtol: float = 1e-3, grad_outputs: Sequence | None = None, seed: int = 0,
                  raise_exception: bool = True) -> bool:
    """Check second derivatives: gradcheck of ``f``'s backward recorded with ``create_graph``.

    Builds ``g(inputs, u) = backward of f at inputs for upstream u`` (the
    first-order gradients, computed with ``create_graph=True``) and runs the
    :func:`gradcheck` comparison on ``g``, with respect to every input that
    requires grad and to ``u`` itself. A backward written with Tensor ops
    passes; one that computes through raw arrays or detached tensors, or whose
    own derivative is wrong, fails.

    Args:
        f, inputs, eps, atol, rtol, seed, raise_exception: as :func:`gradcheck`.
        grad_outputs: the upstream gradients ``u`` of ``f``'s outputs
            (default: random, as gradcheck's).

    Returns:
        True when every second derivative matches.

    Raises:
        GradcheckError: as :func:`gradcheck`; inputs ``len(inputs) + k`` are
            named ``grad_outputs[k]``.

    Example:
        >>> import autograd as ag
        >>> x = ag.tensor([0.5, -1.0, 2.0], dtype="float64", requires_grad=True)
        >>> gradgradcheck(lambda t: t ** 3, x)
        True
    """
    who = "gradgradcheck"
    args = _prepare(_as_tuple(inputs), who, warn=True)
    idxs = _checked(args, who)
    n = len(args)

    def body() -> None:
        us = _given_or_random(f, args, grad_outputs, seed, who)

        def first_order(*xs_us: Any) -> tuple:
            xs = list(xs_us[:n])
            for i in idxs:  # numeric passes hand in plain tensors: make them leaves here
                if not xs[i].requires_grad:
                    xs[i] = xs[i].detach().requires_grad_()
            with enable_grad():
                outs = _float_outputs(f(*xs), who)
                pairs = [(o, u) for o, u in zip(outs, xs_us[n:]) if o.requires_grad]
                got: list = [None] * len(idxs)
                if pairs:
                    got = engine.run_backward(
                        [o for o, _ in pairs], [u for _, u in pairs], retain_graph=True,
                        create_graph=True, inputs=[xs[i] for i in idxs],
                        allow_unused=True) or got
            return tuple(Tensor._make(np.zeros(xs[i].shape)) if g is None else g
                         for i, g in zip(idxs, got))

        u_tensors = []
        for u in us:
            t = Tensor._make(np.array(u, dtype=np.float64))
            t.requires_grad = True
            u_tensors.append(t)
        all_args = list(args) + u_tensors
        labels = [f"input {i}" for i in range(n)] + [f"grad_outputs[{k}]" for k in range(len(us))]
        with enable_grad():
            first = first_order(*all_args)
        vs = _upstream(list(first), np.random.default_rng(seed + 1))
        check_idx = list(idxs) + list(range(n, n + len(us)))
        _check(first_order, all_args, check_idx, vs, eps, atol, rtol, who, labels,
               "the second derivative (gradient of the gradient)",
               "the backward of g(x, u) = backward(f)(x, u), recorded with create_graph=True, "
               "against central differences of g")

    return _run(body, raise_exception)
