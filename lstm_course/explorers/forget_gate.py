"""ForgetGateExplorer: f_t = sigmoid(W_f [x_t, h_{t-1}] + b_f) and what it keeps of c_{t-1}.

The weights are the source texts' worked example (a 3 x 6 matrix acting on [x_t, h_{t-1}])
times a scale you choose, so the slider can take the gate from the texts' saturated example
(every unit at 1.000) down to values where a change of bias is visible.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from lstm_core.activations import sigmoid
from lstm_core.cell import cell_state_update, gate_value
from ..plotting import GATE_STYLE, new_figure, style_axes
from .kit import Explorer, LabelledBars, float_slider, fmt, unit_axis, values_of, vector_sliders, wrap_row

# The worked example of sources 000/003: x_t = [1, 2, 3], h_{t-1} = [4, 5, 6] and
SOURCE_W_F = np.array([[1, 2, 3, 4, 5, 6],
                       [5, 6, 7, 8, 9, 10],
                       [3, 4, 5, 6, 7, 8]], dtype=float)
SOURCE_B_F = np.array([1.0, 2.0, 3.0])
SOURCE_X = np.array([1.0, 2.0, 3.0])
SOURCE_H = np.array([4.0, 5.0, 6.0])

# A fixed previous cell state, so the second panel shows what the gate does to a memory.
C_PREV = np.array([2.0, -1.5, 1.0])

UNITS = 3


class ForgetGateExplorer(Explorer):
    """Sliders for x_t, h_{t-1}, the forget bias and the weights' scale; bars of f_t and of
    the memory it keeps, f_t * c_{t-1} (c_{t-1} is fixed at C_PREV).

    f_t = sigmoid(s * W_src [x_t, h_{t-1}] + b_f + shift), where W_src is the source texts'
    3 x 6 matrix, b_f the per-unit biases and shift a forget bias added to every unit.
    """

    title = "The forget gate: how much of each memory unit is kept"
    options = dict(x=(0.5, -1.0, 1.0), h=(0.2, -0.4, 0.6), b_f=(0.0, 0.0, 0.0), shift=0.0, scale=0.1)
    preset_tips = {"source example": "x=[1,2,3], h=[4,5,6], source W_f and b_f",
                   "all zero: f = 0.5": "weights and biases 0",
                   "bias +5: keep": "weights 0, forget bias +5",
                   "bias -5: forget": "weights 0, forget bias -5"}

    def build(self):
        # the presets without weights put x and h back where they started (they then change nothing)
        start = {"x": self.x, "h": self.h, "b": np.zeros(UNITS), "scale": 0.0}
        self.presets = {
            "source example": {"x": SOURCE_X, "h": SOURCE_H, "b": SOURCE_B_F, "shift": 0.0, "scale": 1.0},
            "all zero: f = 0.5": {**start, "shift": 0.0},
            "bias +5: keep": {**start, "shift": 5.0},
            "bias -5: forget": {**start, "shift": -5.0},
        }
        self.shift = float_slider("forget bias $b_f$ (added to every unit)", self.shift, -10.0, 10.0, step=0.1)
        self.scale = float_slider(r"weight scale $s$ ($W_f = s \times$ source $W_f$)", self.scale, -1.0, 1.0, step=0.01)
        self.x = vector_sliders("$x_t$", self.x, -6.0, 6.0)
        self.h = vector_sliders("$h_{t-1}$", self.h, -6.0, 6.0)
        self.b = vector_sliders("$b_f$", self.b_f, -10.0, 10.0)
        self.controls = [self.shift, self.scale, *self.x, *self.h, *self.b]

        self.fig, (ax_f, ax_c) = new_figure(8.0, 3.2, ncols=2)
        units = np.arange(UNITS)
        self.f_bars = LabelledBars(ax_f, units, 0.6, GATE_STYLE["f"], "f_t")
        ax_f.axhline(1.0, color="grey", linewidth=0.8, linestyle=":")
        ax_f.set_ylim(0.0, 1.2)
        ax_f.set_yticks([0.0, 0.25, 0.5, 0.75, 1.0], ["0 forget", "0.25", "0.5", "0.75", "1 keep"])
        unit_axis(ax_f, UNITS)
        style_axes(ax_f, r"Forget gate $f_t$", "cell-state unit", "share of the memory kept")

        w = 0.38
        self.c_bars = LabelledBars(ax_c, units - w / 2, w, GATE_STYLE["c"], r"$c_{t-1}$ (before)", fill=False,
                                   fmt_spec=".2f", offset=0.05)
        kept_style = GATE_STYLE["c"]
        self.kept_bars = LabelledBars(ax_c, units + w / 2, w, kept_style, r"$f_t * c_{t-1}$ (kept)",
                                      fmt_spec=".2f", offset=0.05)
        self.c_bars.set(C_PREV)
        lim = 1.35 * np.abs(C_PREV).max()
        ax_c.set_ylim(-lim, lim)
        ax_c.axhline(0.0, color="black", linewidth=0.8)
        unit_axis(ax_c, UNITS)
        ax_c.legend(loc="lower left", fontsize=8)
        style_axes(ax_c, "Memory before and after the gate", "cell-state unit", "cell-state value")
        self.ax_f, self.ax_c = ax_f, ax_c

    def control_box(self):
        return widgets.VBox([wrap_row(self.shift, self.scale), wrap_row(*self.x), wrap_row(*self.h), wrap_row(*self.b),
                             self.preset_row])

    def compute(self):
        """(W_f, b_f, z, f, 1 - f, f * c_prev) for the sliders' values, from lstm_core."""
        W = float(self.scale.value) * SOURCE_W_F
        b = values_of(self.b) + float(self.shift.value)
        gv = gate_value(W, values_of(self.x), values_of(self.h), b, order="xh")
        gap = sigmoid(-gv.z)                       # 1 - f without the rounding of 1 - f
        zeros = np.zeros(UNITS)
        kept = cell_state_update(gv.a, zeros, zeros, C_PREV)
        return W, b, gv.z, gv.a, gap, kept

    def update(self):
        _, b, z, f, gap, kept = self.compute()
        self.f_bars.set(f)
        self.kept_bars.set(kept)
        words = ", ".join(f"unit {k + 1} keeps {100 * fk:.1f}%" for k, fk in enumerate(f))
        self.set_readout([
            f"f = {fmt(f)}   (left bars: the share of each unit of c_(t-1) that is kept)",
            f"pre-activation z = W_f·[x_t, h_(t-1)] + b_f: {fmt(z, '.2f')}   with bias b_f: {fmt(b, '.2f')} "
            f"and W_f = {float(self.scale.value):.2f} × the source's matrix",
            f"distance from 1, computed as sigmoid(-z): {fmt(gap, '.1e')}   (1 - f itself would round to 0 "
            f"for a saturated gate)",
            f"c_(t-1) = {fmt(C_PREV, '.2f')}  ->  kept f * c_(t-1) = {fmt(kept)}   (right: outlined bars "
            f"before, filled bars after)",
            f"In words: {words}.",
        ])
