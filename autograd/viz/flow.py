"""Gradient flow: one bar per layer, mean |grad| on a log scale, after a backward.

Vanishing gradients (a deep sigmoid net: the first layers' bars shrink to
nothing) and exploding ones show at a glance, next to a ResNet-like net whose
bars stay level. The picture is a Graphviz table, so it renders to SVG, PNG
or PDF like every other drawing.
"""
from __future__ import annotations

import colorsys
import math
import os
from pathlib import Path
from typing import Any

import numpy as np

from .dot import GRAD, MUTED, esc, run_dot, write_atomic
from .names import param_names

#: the bars span 10**LOW .. 10**HIGH
LOW, HIGH = -10, 2
BAR_PX = 320


def _hex(mag: float) -> str:
    """Blue for vanishing (≤ 1e-4), red around 1, purple for exploding (≥ 1e4)."""
    x = 0.0 if mag <= 0 else min(max((math.log10(mag) + 4) / 8, 0.0), 1.0)
    hue = 0.62 * (1 - 2 * x) if x <= 0.5 else 1.0 - 0.2 * (2 * x - 1)
    r, g, b = colorsys.hsv_to_rgb(hue % 1.0, 0.85, 0.80)
    return f"#{int(r * 255):02x}{int(g * 255):02x}{int(b * 255):02x}"


def _exp(e: int) -> str:
    return "1" if e == 0 else f"1e{e}".replace("-", "−")


class GradFlow:
    """Per-layer gradient sizes and their bar chart. Build it with :func:`grad_flow`.

    Attributes:
        rows: ``(name, mean |grad|)`` for each parameter drawn, input side first.
        source: the chart's DOT text (``svg()`` and ``render(path)`` need ``dot``).
    """

    def __init__(self, rows: list, title: str | None) -> None:
        self.rows = rows
        self.title = title
        self.source = self._dot()

    def __repr__(self) -> str:
        return f"GradFlow({len(self.rows)} layers)"

    def _bar(self, mag: float) -> str:
        frac = 0.0 if mag <= 0 else (math.log10(mag) - LOW) / (HIGH - LOW)
        w = int(round(min(max(frac, 0.0), 1.0) * BAR_PX))
        cells = (f'<td bgcolor="{_hex(mag)}" width="{max(w, 1)}" height="14" fixedsize="true">'
                 "</td>")
        if w < BAR_PX:
            cells += f'<td width="{BAR_PX - max(w, 1)}" fixedsize="true" height="14"></td>'
        return ('<table border="0" cellpadding="0" cellspacing="0"><tr>' + cells
                + "</tr></table>")

    def _dot(self) -> str:
        rows = []
        if self.title:
            rows.append(f'<tr><td colspan="3"><b>{esc(self.title)}</b></td></tr>')
        for name, mag in self.rows:
            val = "0" if mag == 0 else format(mag, ".2g").replace("-", "−")
            rows.append(f'<tr><td align="right">{esc(name)}</td><td align="left" '
                        f'border="1" color="#dddddd">{self._bar(mag)}</td>'
                        f'<td align="left">{esc(val)}</td></tr>')
        ticks = "".join(f'<td width="{BAR_PX // 3}" align="left">{_exp(e)}</td>'
                        for e in range(LOW, HIGH, 4))
        rows.append('<tr><td></td><td><table border="0" cellpadding="0" cellspacing="0"><tr>'
                    f'{ticks}</tr></table></td><td></td></tr>')
        rows.append(f'<tr><td colspan="3"><font color="{MUTED}" point-size="10">mean |grad| per '
                    f'layer, log scale, input side at the top: </font>'
                    f'<font color="{_hex(1e-6)}" point-size="10">blue vanishing (≤ 1e−4)</font>'
                    f'<font color="{MUTED}" point-size="10"> · </font>'
                    f'<font color="{GRAD}" point-size="10">red about 1</font>'
                    f'<font color="{MUTED}" point-size="10"> · </font>'
                    f'<font color="{_hex(1e5)}" point-size="10">purple exploding (≥ 1e4)</font>'
                    "</td></tr>")
        table = ('<table border="0" cellspacing="3" cellpadding="2">' + "".join(rows)
                 + "</table>")
        return ('digraph grad_flow {\n\tgraph [bgcolor="white" pad=0.2]\n'
                f'\tchart [shape=plaintext fontname="Helvetica" fontsize=11 label=<{table}>]\n}}\n')

    def svg(self) -> str:
        """The chart as SVG text."""
        return run_dot(self.source, "svg").decode("utf-8")

    def render(self, path: str | os.PathLike) -> Path:
        """Write the chart; the extension picks the format (``.svg``, ``.png``, ``.dot``, ...)."""
        path = Path(path)
        ext = path.suffix.lower().lstrip(".")
        data = self.source.encode("utf-8") if ext in ("dot", "gv") else run_dot(self.source, ext)
        write_atomic(path, data)
        return path

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict:
        bundle = {"text/plain": repr(self)}
        try:
            bundle["image/svg+xml"] = self.svg()
        except Exception:  # no `dot` program
            pass
        return bundle


def grad_flow(params: Any, title: str | None = None, biases: bool = False) -> GradFlow:
    """Mean |grad| of each layer's parameters after a backward, as a bar chart.

    Args:
        params: a model (anything with ``named_parameters()``) or a name -> tensor dict.
        title: a heading over the bars.
        biases: also draw bias vectors (default: weights only, one bar per layer).

    Returns:
        a :class:`GradFlow` (``.rows``, ``.render(path)``; Jupyter shows it).

    Example:
        >>> import autograd as ag
        >>> w = ag.tensor([[1.0, -2.0]], requires_grad=True)
        >>> (w * 3.0).sum().backward()
        >>> grad_flow({"layer.weight": w}).rows
        [('layer.weight', 3.0)]
    """
    rows = []
    for name, p in param_names(params).items():
        if getattr(p, "grad", None) is None or (not biases and name.endswith("bias")):
            continue
        g = np.abs(np.asarray(p.grad.array, dtype=np.float64))
        rows.append((name, float(g.mean()) if g.size else 0.0))
    if not rows:
        raise ValueError("grad_flow: no parameter has a gradient yet; call loss.backward() first")
    return GradFlow(rows, title)
