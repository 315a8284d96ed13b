"""The squashing functions (notebooks 00 and 02).

ActivationExplorer shows sigmoid, tanh (and ReLU) with an operating point you move.
SaturationExplorer: what a saturated squashing function does to a gradient passing through it.

A chain of n layers, each one a sigmoid (or a tanh) whose input sits at the same operating point
x. Going backwards, every layer multiplies the gradient by its slope there, so what survives n
layers is slope(x) ** n:

    sigmoid: (sigmoid'(x)) ** n <= 0.25 ** n      tanh: (tanh'(x)) ** n <= 1
    relu:    1 for x > 0, and 0 (the gradient is cut) for x <= 0

The left panel marks the operating point on both slope curves; the right panel shows, on a log
axis, the gradient left after 0, 1, ..., n layers. Its limits move in steps (``N_STEPS``,
``DECADE_STEPS``), not on every move, so that the drawn frame (ticks, labels) can be reused.
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullLocator

from lstm_core import activations as act
from ..plotting import FUNCTION_STYLE, OKABE_ITO, freeze_layout, new_figure, style_axes
from .kit import Explorer, float_slider, int_slider, keep_in_frame

N_MAX = 30
X_RANGE = (-6.0, 6.0)
SLOPES = {"sigmoid": act.dsigmoid, "tanh": act.dtanh}
# The right panel's limits move in steps, so most moves keep the cached frame (ticks, labels):
# the x axis shows k = 0 .. the first of N_STEPS that is >= n; the y axis goes down to
# 10^-(the first of DECADE_STEPS that leaves half a decade below the smallest gradient).
N_STEPS = (3, 6, 10, 15, 20, 30)
DECADE_STEPS = (3, 6, 10, 15, 20, 30, 45, 70, 100, 150)
_SUPERSCRIPT = str.maketrans("-0123456789", "\u207b\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079")


def _power_of_ten(v, _pos=None):
    """Tick label 10⁻²⁰ in plain unicode (mathtext would take several times longer to draw)."""
    if not v > 0:
        return ""
    e = math.log10(v)
    if abs(e - round(e)) > 1e-6:
        return ""
    return "10" + str(int(round(e))).translate(_SUPERSCRIPT)


def gradient_axis_limits(n, lowest):
    """(x limits, y limits) of the right panel for depth n and smallest gradient ``lowest``.

    Every side keeps a margin of at least 3-4% of the axis (and half a decade below ``lowest``),
    so that the markers at k = 0 and k = n, 1 and ``lowest`` are never cut by the axes' edge:
    at 150 decades half a decade is under 2 px."""
    top_n = next((s for s in N_STEPS if s >= n), n)
    pad = max(0.3, 0.04 * top_n)
    need = 0.5 - math.floor(math.log10(lowest))            # decades below 1, with half a decade spare
    decades = next((s for s in DECADE_STEPS if s >= need and s + math.log10(lowest) >= 0.03 * s), math.ceil(need))
    top = max(3.0, 10.0 ** (0.03 * decades))
    return (-pad, top_n + pad), (10.0 ** -decades, top)


def _fmt(v: float) -> str:
    """A positive number in words-friendly form: 0.0625, 3.1e-07."""
    return f"{v:.4f}" if v >= 1e-3 else f"{v:.1e}"


class SaturationExplorer(Explorer):
    """Sliders for the operating point x and the depth n; presets for the telling cases.

    Readout: the slope of one layer and the gradient that survives n layers, for sigmoid and tanh
    (and what a ReLU would do at the same x).
    """

    title = "Saturation: how much gradient survives a chain of n squashing layers"
    options = dict(x=2.0, n=10)
    presets = {
        "best case: x = 0": {"x_slider": 0.0, "n_slider": 10},
        "saturated: x = 3": {"x_slider": 3.0, "n_slider": 10},
        "deep: x = 1, n = 30": {"x_slider": 1.0, "n_slider": 30},
    }

    def build(self):
        lo, hi = X_RANGE
        self.x_slider = float_slider("operating point x", self.x, lo, hi, step=0.05)
        self.n_slider = int_slider("layers n", self.n, 1, N_MAX)
        self.controls = [self.x_slider, self.n_slider]

        self.fig, (ax_d, ax_g) = new_figure(8.5, 3.4, ncols=2, gridspec_kw={"width_ratios": [1, 1.3]})
        grid = np.linspace(lo, hi, 401)
        self.d_markers, self.g_lines, self.g_ends = {}, {}, {}
        for name, dfn in SLOPES.items():
            style = FUNCTION_STYLE[name]
            keep_in_frame(*ax_d.plot(grid, dfn(grid), label=f"{name}'(x)", **style))
            self.d_markers[name], = ax_d.plot([], [], "o", color=style["color"], markersize=8,
                                              markeredgecolor="black")
            marker = "o" if name == "sigmoid" else "s"
            self.g_lines[name], = ax_g.plot([], [], marker=marker, markersize=3.5, label=f"{name} layers", **style)
            self.g_ends[name], = ax_g.plot([], [], marker, color=style["color"], markersize=8,
                                           markeredgecolor="black")
        relu = FUNCTION_STYLE["relu"]
        self.relu_line, = ax_g.plot([], [], label="relu layers (x > 0)", **relu)
        keep_in_frame(ax_d.axhline(0.25, color="grey", linewidth=0.8, linestyle=":"),
                      ax_d.axhline(1.0, color="grey", linewidth=0.8, linestyle=":"))
        ax_d.set_ylim(-0.05, 1.12)
        ax_d.set_xlim(lo - 0.03 * (hi - lo), hi + 0.03 * (hi - lo))     # room for a marker at either end
        self.vline = ax_d.axvline(self.x, color="grey", linewidth=0.8)
        ax_d.legend(loc="upper right", fontsize=8)
        style_axes(ax_d, "Slope of one layer at x", "operating point x", "slope")

        ax_g.set_yscale("log")
        ax_g.yaxis.set_major_locator(LogLocator(base=10, numticks=6))
        ax_g.yaxis.set_minor_locator(NullLocator())
        ax_g.yaxis.set_major_formatter(FuncFormatter(_power_of_ten))
        ax_g.axhline(1.0, color=OKABE_ITO["grey"], linewidth=0.8, linestyle=":")
        ax_g.legend(loc="lower left", fontsize=8)
        ax_g.xaxis.set_major_locator(MaxNLocator(integer=True))
        style_axes(ax_g, "Gradient left after k layers", "layers passed k", "gradient (log scale)")
        self.ax_d, self.ax_g = ax_d, ax_g
        # lay the figure out once with the widest tick labels the y axis can get (10⁻¹²⁰), so that
        # no later limits need more room (the base class then keeps this layout)
        ax_g.set_ylim(10.0 ** -DECADE_STEPS[-1], 3.0)
        freeze_layout(self.fig)

    def update(self):
        x = float(self.x_slider.value)
        n = int(self.n_slider.value)
        k = np.arange(n + 1)
        lines = [f"x = {x:+.2f}, n = {n} layers. Going backwards, each layer multiplies the gradient by its slope at x."]
        lowest = 1.0
        for name, dfn in SLOPES.items():
            slope = float(dfn(x))
            kept = slope ** k                     # gradient left after 0..n layers
            self.d_markers[name].set_data([x], [slope])
            self.g_lines[name].set_data(k, kept)
            self.g_ends[name].set_data([n], [kept[-1]])
            lowest = min(lowest, float(kept[-1]))
            lines.append(f"{name}: one layer keeps {_fmt(slope)} of the gradient; after {n} layers "
                         f"{_fmt(float(kept[-1]))} is left (divided by {1 / kept[-1]:.3g}).")
        relu_slope = float(act.drelu(x))
        if relu_slope > 0:
            self.relu_line.set_data([0, n], [1.0, 1.0])
            self.relu_line.set_visible(True)
            lines.append(f"relu: its slope is 1 for x > 0, so after {n} layers all of the gradient is left.")
        else:
            self.relu_line.set_data([], [])
            self.relu_line.set_visible(False)
            lines.append("relu: its slope is 0 for x <= 0, so no gradient at all gets through (not drawn on the log axis).")
        top_s = 0.25 ** n
        lines.append(f"Even at the best point, x = 0, sigmoid layers leave 0.25^{n} = {_fmt(top_s)}; "
                     + ("here both curves are near their best." if abs(x) < 0.5 else
                        "away from 0 the functions are flat (saturated) and the gradient fades faster."))
        xlim, ylim = gradient_axis_limits(n, lowest)
        if self.ax_g.get_xlim() != xlim:      # (setting equal limits would still mark the axes stale)
            self.ax_g.set_xlim(*xlim)
        if self.ax_g.get_ylim() != ylim:
            self.ax_g.set_ylim(*ylim)
        self.vline.set_xdata([x, x])
        self.set_readout(lines)


# --- ActivationExplorer ----------------------------------------------------------------------

FUNCTIONS = {
    "sigmoid": (act.sigmoid, act.dsigmoid, "sigmoid(x)", "gate: how much, in (0, 1)"),
    "tanh": (act.tanh, act.dtanh, "tanh(x)", "candidate: which direction, in (-1, 1)"),
    "relu": (act.relu, act.drelu, "relu(x)", "max(0, x): unbounded"),
}


class ActivationExplorer(Explorer):
    """A slider for x that marks the operating point on each function and on its derivative.

    functions: which curves to show, from "sigmoid", "tanh", "relu".
    x_range:   the slider's range (every value gives finite numbers).
    """

    title = "Squashing functions and their slopes"
    options = dict(functions=("sigmoid", "tanh"), x=1.0, x_range=(-8.0, 8.0))

    def check_options(self):
        unknown = [f for f in self.functions if f not in FUNCTIONS]
        if unknown or not self.functions:
            raise ValueError(f"functions must be a non-empty subset of {list(FUNCTIONS)}; got {list(self.functions)}")
        self.functions = tuple(self.functions)
        self.x_range = (float(self.x_range[0]), float(self.x_range[1]))

    def build(self):
        lo, hi = self.x_range
        self.slider = float_slider("input x", self.x, lo, hi, step=0.05)
        self.controls = [self.slider]
        self.fig, (ax_f, ax_d) = new_figure(8.0, 3.0, ncols=2)
        grid = np.linspace(lo, hi, 401)
        self.markers, self.d_markers = {}, {}
        for name in self.functions:
            fn, dfn, label, _ = FUNCTIONS[name]
            style = FUNCTION_STYLE[name]
            ax_f.plot(grid, fn(grid), label=label, **style)
            ax_d.plot(grid, dfn(grid), label=f"{name}'(x)", **style)
            self.markers[name], = ax_f.plot([], [], "o", color=style["color"], markersize=8,
                                            markeredgecolor="black")
            self.d_markers[name], = ax_d.plot([], [], "o", color=style["color"], markersize=8,
                                              markeredgecolor="black")
        if "sigmoid" in self.functions:
            ax_d.axhline(0.25, color="grey", linewidth=0.8, linestyle=":")
            ax_d.annotate("max of sigmoid' = 0.25", (lo, 0.25), xytext=(3, 3), textcoords="offset points",
                          fontsize=8)
        if "tanh" in self.functions or "relu" in self.functions:
            ax_d.axhline(1.0, color="grey", linewidth=0.8, linestyle=":")
            ax_d.annotate("max of tanh' = 1", (lo, 1.0), xytext=(3, -10), textcoords="offset points", fontsize=8)
        top = 1.05 if "relu" not in self.functions else min(hi, 3.0)
        bottom = -1.05 if "tanh" in self.functions else -0.05
        ax_f.set_ylim(bottom, top)
        ax_d.set_ylim(-0.05, 1.1)
        self.vline_f = ax_f.axvline(self.x, color="grey", linewidth=0.8)
        self.vline_d = ax_d.axvline(self.x, color="grey", linewidth=0.8)
        style_axes(ax_f, "The functions", "x", "value")
        style_axes(ax_d, "Their derivatives", "x", "slope")
        ax_f.legend(loc="lower right", fontsize=8)
        ax_d.legend(loc="upper right", fontsize=8)
        self.ax_f, self.ax_d = ax_f, ax_d

    def values(self, x):
        """{name: (value, slope)} at x, from lstm_core.activations."""
        return {name: (float(FUNCTIONS[name][0](x)), float(FUNCTIONS[name][1](x))) for name in self.functions}

    def update(self):
        x = float(self.slider.value)
        vals = self.values(x)
        lines = [f"x = {x:+.2f}"]
        for name, (v, d) in vals.items():
            self.markers[name].set_data([x], [v])
            self.d_markers[name].set_data([x], [d])
            lines.append(f"{name}(x) = {v:.4f}   slope {name}'(x) = {d:.4f}   ({FUNCTIONS[name][3]})")
        if "sigmoid" in vals:
            v, d = vals["sigmoid"]
            lines.append(f"As a gate, sigmoid lets {100 * v:.1f}% through; "
                         + ("it is saturated: a gradient through it shrinks to "
                            f"{d / 0.25:.1%} of its best." if d < 0.025 else
                            f"its slope is {d / 0.25:.0%} of the largest it can be (0.25)."))
        self.vline_f.set_xdata([x, x])
        self.vline_d.set_xdata([x, x])
        self.set_readout(lines)
