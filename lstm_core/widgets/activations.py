"""ActivationExplorer: sigmoid, tanh (and ReLU) with an operating point you move."""

from __future__ import annotations

import numpy as np

from .. import activations as act
from ..plotting import FUNCTION_STYLE, new_figure, style_axes
from ._base import Explorer, float_slider

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

    def __init__(self, functions=("sigmoid", "tanh"), x=1.0, x_range=(-8.0, 8.0)):
        unknown = [f for f in functions if f not in FUNCTIONS]
        if unknown or not functions:
            raise ValueError(f"functions must be a non-empty subset of {list(FUNCTIONS)}; got {list(functions)}")
        self.functions = tuple(functions)
        self._x0, self._range = float(x), (float(x_range[0]), float(x_range[1]))
        super().__init__()

    def build(self):
        lo, hi = self._range
        self.slider = float_slider("input x", self._x0, lo, hi, step=0.05)
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
        self.vline_f = ax_f.axvline(self._x0, color="grey", linewidth=0.8)
        self.vline_d = ax_d.axvline(self._x0, color="grey", linewidth=0.8)
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
