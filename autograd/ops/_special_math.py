"""Vectorised float64 numpy implementations of the gamma-family functions and Bessel I₁.

numpy has no log-gamma, digamma, polygamma or I₁; these are written from the textbook
formulas (Abramowitz & Stegun ch. 6 and 9, DLMF 5.11, 5.15, 25.11), accurate to about
1e-15 relative away from the zeros of the functions:

- ``lgamma``: the Taylor series of log Γ(1 + z) and log Γ(2 + z) (coefficients from ζ(k))
  on [0.5, 2.5], downward recurrence from (2.5, 13), Stirling's series from 13 on,
  ``log Γ(x) = log Γ(x + 1) − log x`` below 0.5 and the reflection formula for x < 0.
- ``digamma``: upward recurrence to x ≥ 10 plus the asymptotic series, reflection for x < 0.
- ``polygamma`` (n ≥ 1): ``(−1)^(n+1) n! ζ(n + 1, x)``, the Hurwitz zeta by upward
  recurrence plus the Euler–Maclaurin tail; trigamma reflects below 0.5 as PyTorch does.
- ``i1``: the power series up to |x| = 30, the asymptotic expansion beyond; ``i0`` is numpy's.

Non-finite inputs and poles give what PyTorch gives (``lgamma(0) = inf``,
``digamma(0) = -inf``, ``digamma(-1) = nan``, ``i1(inf) = nan``, ...).
"""
from __future__ import annotations

import functools
import math
from typing import Any, Callable

import numpy as np

_EULER = 0.57721566490153286061
_HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)
#: Bernoulli numbers B₂, B₄, ..., B₂₀
_B2K = np.array([1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510,
                 43867 / 798, -174611 / 330])


def _quiet(fn: Callable[..., np.ndarray]) -> Callable[..., np.ndarray]:
    """Overflow to inf and NaN from inf are the answers here, not warnings."""
    @functools.wraps(fn)
    def wrapped(*args: Any) -> np.ndarray:
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            return fn(*args)
    return wrapped


def _hurwitz_tail(s: float, a: np.ndarray) -> np.ndarray:
    """Euler–Maclaurin ``ζ(s, a) = Σ_{k≥0} (a + k)^(−s)`` for a ≥ 20 + s (s > 1)."""
    out = a ** (1 - s) / (s - 1) + 0.5 * a ** -s
    rising = s  # s (s + 1) ... (s + 2j − 2)
    power = a ** (-s - 1)
    fact = 2.0  # (2j)!
    for j, b in enumerate(_B2K, start=1):
        out = out + b / fact * rising * power
        rising *= (s + 2 * j - 1) * (s + 2 * j)
        power = power / (a * a)
        fact *= (2 * j + 1) * (2 * j + 2)
    return out


def _hurwitz(s: float, x: np.ndarray) -> np.ndarray:
    """``ζ(s, x)`` for integer s ≥ 2 and any non-pole x: shift up, then the tail."""
    shift = 20.0 + s
    total = np.zeros_like(x)
    a = x.copy()
    active = a < shift
    while active.any():
        total[active] += a[active] ** -s
        a[active] += 1.0
        active[active] = a[active] < shift
    return total + _hurwitz_tail(s, a)


# Taylor coefficients: log Γ(1+z) = −γz + Σ_{k≥2} (−1)^k ζ(k) z^k / k,
#                      log Γ(2+z) = (1−γ)z + Σ_{k≥2} (−1)^k (ζ(k) − 1) z^k / k
_K = np.arange(2, 62)
_ZETA_M1 = np.array([_hurwitz(float(k), np.array([2.0]))[0] for k in _K])  # ζ(k) − 1
_SIGN_OVER_K = (-1.0) ** _K / _K
_C1 = np.concatenate([[0.0, -_EULER], _SIGN_OVER_K * (_ZETA_M1 + 1.0)])
_C2 = np.concatenate([[0.0, 1.0 - _EULER], _SIGN_OVER_K * _ZETA_M1])


def _horner(coef: np.ndarray, z: np.ndarray) -> np.ndarray:
    out = np.zeros_like(z)
    for c in coef[::-1]:
        out = out * z + c
    return out


def _lgamma_positive(x: np.ndarray) -> np.ndarray:
    """log Γ(x) for finite x > 0."""
    out = np.empty_like(x)
    tiny = x < 0.5
    out[tiny] = _horner(_C1, x[tiny]) - np.log(x[tiny])  # log Γ(x+1) − log x
    near1 = (x >= 0.5) & (x < 1.5)
    out[near1] = _horner(_C1, x[near1] - 1.0)
    mid = (x >= 1.5) & (x < 13.0)
    xm = x[mid]
    m = np.floor(xm - 1.5)  # shift down by m into [1.5, 2.5)
    z = xm - m
    prod = np.ones_like(xm)
    for k in range(1, 12):
        step = m >= k
        prod[step] *= xm[step] - k
    out[mid] = _horner(_C2, z - 2.0) + np.log(prod)
    big = x >= 13.0
    xb = x[big]
    inv, inv2 = 1.0 / xb, 1.0 / (xb * xb)
    series = np.zeros_like(xb)
    for j in range(len(_B2K), 0, -1):
        series = series * inv2 + _B2K[j - 1] / (2 * j * (2 * j - 1))
    out[big] = (xb - 0.5) * np.log(xb) - xb + _HALF_LOG_2PI + series * inv
    return out


@_quiet
def lgamma(x: np.ndarray) -> np.ndarray:
    """log |Γ(x)| elementwise, in float64 (inf at the poles and at ±inf, as PyTorch)."""
    x = np.asarray(x, np.float64)
    out = np.full(x.shape, np.inf)
    out[np.isnan(x)] = np.nan
    pos = np.isfinite(x) & (x > 0)
    out[pos] = _lgamma_positive(x[pos])
    neg = np.isfinite(x) & (x < 0) & (x != np.floor(x))
    xn = x[neg]
    r = xn - np.round(xn)  # sin(πx) = ±sin(πr), r exact
    out[neg] = math.log(math.pi) - np.log(np.abs(np.sin(math.pi * r))) \
        - _lgamma_positive(1.0 - xn)
    return out


def _digamma_positive(x: np.ndarray) -> np.ndarray:
    """ψ(x) for finite x > 0."""
    acc = np.zeros_like(x)
    a = x.copy()
    active = a < 10.0
    while active.any():
        acc[active] -= 1.0 / a[active]
        a[active] += 1.0
        active[active] = a[active] < 10.0
    inv2 = 1.0 / (a * a)
    series = np.zeros_like(a)
    for j in range(len(_B2K), 0, -1):
        series = series * inv2 + _B2K[j - 1] / (2 * j)
    return acc + np.log(a) - 0.5 / a - series * inv2


@_quiet
def digamma(x: np.ndarray) -> np.ndarray:
    """ψ(x) = d log Γ(x)/dx elementwise, in float64 (PyTorch's values at 0, poles and ±inf)."""
    x = np.asarray(x, np.float64)
    out = np.full(x.shape, np.nan)
    zero = x == 0
    out[zero] = np.copysign(np.inf, -x[zero])  # −inf at +0, +inf at −0
    out[x == np.inf] = np.inf
    pos = np.isfinite(x) & (x > 0)
    out[pos] = _digamma_positive(x[pos])
    neg = np.isfinite(x) & (x < 0) & (x != np.floor(x))
    xn = x[neg]
    frac = xn - np.trunc(xn)
    out[neg] = _digamma_positive(1.0 - xn) - math.pi / np.tan(math.pi * frac)
    return out


def _trigamma(x: np.ndarray) -> np.ndarray:
    """ψ′(x); below 0.5 by reflection ψ′(x) = π²/sin²(πx) − ψ′(1 − x), as PyTorch's."""
    out = np.full(x.shape, np.nan)
    out[x == np.inf] = 0.0
    fin = np.isfinite(x)
    xf = x[fin]
    low = xf < 0.5
    refl = math.pi ** 2 / np.sin(math.pi * xf[low]) ** 2
    val = _hurwitz(2.0, np.where(low, 1.0 - xf, xf))
    val[low] = refl - val[low]
    out[fin] = val
    return out


@_quiet
def polygamma(n: int, x: np.ndarray) -> np.ndarray:
    """ψ⁽ⁿ⁾(x), the n-th derivative of the digamma function, in float64 (n ≥ 0)."""
    x = np.asarray(x, np.float64)
    if n == 0:
        return digamma(x)
    if n == 1:
        return _trigamma(x)
    sign = 1.0 if n % 2 else -1.0
    out = np.full(x.shape, np.nan)
    pole = (x <= 0) & (x == np.floor(x))  # 0, the negative integers and −inf
    out[pole] = sign * np.inf
    ok = np.isfinite(x) & ~pole
    out[ok] = sign * math.factorial(n) * _hurwitz(float(n + 1), x[ok])
    return out


@_quiet
def i1(x: np.ndarray) -> np.ndarray:
    """The modified Bessel function of the first kind of order one, I₁(x), in float64."""
    x = np.asarray(x, np.float64)
    ax = np.abs(x)
    out = np.full(x.shape, np.nan)  # ±inf and NaN give NaN, as PyTorch's
    small = ax <= 30.0
    h = ax[small] / 2
    term = h.copy()
    total = h.copy()
    for k in range(1, 90):
        term = term * h * h / (k * (k + 1))
        total = total + term
    out[small] = total
    large = np.isfinite(ax) & ~small
    xl = ax[large]
    acc = np.ones_like(xl)
    term = np.ones_like(xl)
    for k in range(1, 25):
        term = term * -(4.0 - (2 * k - 1) ** 2) / (k * 8.0 * xl)
        acc = acc + term
    out[large] = np.exp(xl - 0.5 * np.log(2 * math.pi * xl)) * acc
    return np.copysign(out, x)


@_quiet
def i0(x: np.ndarray) -> np.ndarray:
    """I₀(x), numpy's Chebyshev form, in float64 (NaN at ±inf, as PyTorch's)."""
    return np.asarray(np.i0(np.asarray(x, np.float64)))
