"""InputGateExplorer: i_t = sigmoid(W_i [x, h] + b_i), C~_t = tanh(W_C [x, h] + b_C) and the
update they write into the cell state, i_t * C~_t.

W_i is the source texts' input-gate example (rows of 1s, 2s and 3s); the sources give no
numbers for W_C, so the candidate uses a fixed matrix of our own with mixed signs, so that
some units propose to add and others to subtract.
"""

from __future__ import annotations

import numpy as np

import ipywidgets as widgets

from lstm_core.cell import cell_state_update, gate_value
from ..plotting import GATE_STYLE, new_figure, style_axes
from .kit import Explorer, LabelledBars, float_slider, fmt, unit_axis, values_of, vector_sliders, wrap_row

UNITS = 3
# The worked input of sources 000/003 (the forget gate's too): x_t = [1, 2, 3], h_{t-1} = [4, 5, 6].
SOURCE_X = np.array([1.0, 2.0, 3.0])
SOURCE_H = np.array([4.0, 5.0, 6.0])
# Sources 000/003: a 3 x 6 matrix with rows of 1s, 2s and 3s, and b_i = [1, 1, 1].
SOURCE_W_I = np.repeat(np.array([[1.0], [2.0], [3.0]]), 6, axis=1)
SOURCE_B_I = 1.0
# Our own candidate weights (not from the sources): mixed signs, acting on [x_t, h_{t-1}].
W_C = np.array([[0.5, -0.5, 0.25, 0.5, -0.25, 0.5],
                [-0.25, 0.5, -0.5, 0.25, 0.5, -0.5],
                [0.25, -0.25, 0.5, -0.5, 0.25, -0.25]])


class InputGateExplorer(Explorer):
    """Sliders for x_t, h_{t-1}, and a scale and a bias for each of W_i and W_C; bars of i_t
    and C~_t side by side, and of what they write, i_t * C~_t.

    i_t  = sigmoid(s_i * SOURCE_W_I [x, h] + b_i)     (b_i the same for every unit)
    C~_t = tanh(s_C * W_C [x, h] + b_C)
    """

    title = "The input gate and the candidate: what gets written to the memory"
    options = dict(x=(0.5, -1.0, 1.0), h=(0.2, -0.4, 0.6), scale_i=0.2, b_i=0.0, scale_c=1.0, b_c=0.0)
    preset_tips = {"source example": "x=[1,2,3], h=[4,5,6], source W_i, b_i = 1",
                   "gate shut: write nothing": "input weights 0, b_i = -8",
                   "gate half open": "input weights 0, b_i = 0",
                   "gate open: write all": "input weights 0, b_i = +8"}

    def build(self):
        # every preset puts the candidate's sliders back where they started; those without input
        # weights x and h too (they then change nothing)
        candidate = {"scale_c": self.scale_c, "b_c": self.b_c}
        start = {"x": self.x, "h": self.h, "scale_i": 0.0}
        self.presets = {
            "source example": {"x": SOURCE_X, "h": SOURCE_H, "scale_i": 1.0, "b_i": SOURCE_B_I, **candidate},
            "gate shut: write nothing": {**start, "b_i": -8.0, **candidate},
            "gate half open": {**start, "b_i": 0.0, **candidate},
            "gate open: write all": {**start, "b_i": 8.0, **candidate},
        }
        w = "470px"
        self.b_i = float_slider("input bias $b_i$ (every unit)", self.b_i, -10.0, 10.0, step=0.1, width=w)
        self.scale_i = float_slider("input weight scale $s_i$ (× source $W_i$)", self.scale_i, -1.0, 1.0,
                                    step=0.01, width=w)
        self.b_c = float_slider("candidate bias $b_C$ (every unit)", self.b_c, -5.0, 5.0, step=0.1, width=w)
        self.scale_c = float_slider(r"candidate scale $s_C$ ($W_C = s_C \times$ ours)", self.scale_c, -3.0, 3.0,
                                    step=0.05, width=w)
        self.x = vector_sliders("$x_t$", self.x, -6.0, 6.0)
        self.h = vector_sliders("$h_{t-1}$", self.h, -6.0, 6.0)
        self.controls = [self.b_i, self.scale_i, self.b_c, self.scale_c, *self.x, *self.h]

        self.fig, (ax_g, ax_w) = new_figure(8.0, 3.2, ncols=2)
        units = np.arange(UNITS)
        bw = 0.38
        self.i_bars = LabelledBars(ax_g, units - bw / 2, bw, GATE_STYLE["i"], r"input gate $i_t$",
                                   fmt_spec=".2f", offset=0.04)
        self.g_bars = LabelledBars(ax_g, units + bw / 2, bw, GATE_STYLE["g"], r"candidate $\tilde C_t$",
                                   fmt_spec=".2f", offset=0.04)
        self.w_bars = LabelledBars(ax_w, units, 0.55, GATE_STYLE["c"], r"$i_t * \tilde C_t$", fmt_spec=".3f",
                                   offset=0.04)
        for ax in (ax_g, ax_w):
            ax.set_ylim(-1.75, 1.3)
            ax.set_yticks([-1.0, -0.5, 0.0, 0.5, 1.0])
            ax.axhline(0.0, color="black", linewidth=0.8)
            unit_axis(ax, UNITS)
        ax_g.legend(loc="lower center", ncols=2, fontsize=8)   # below -1: no bar reaches there
        style_axes(ax_g, r"How much ($i_t$) and what ($\tilde C_t$)", "cell-state unit", "gate share / candidate")
        style_axes(ax_w, r"Written to the cell: $i_t * \tilde C_t$", "cell-state unit", "added to c")
        self.ax_g, self.ax_w = ax_g, ax_w

    def control_box(self):
        return widgets.VBox([wrap_row(self.b_i, self.scale_i), wrap_row(self.b_c, self.scale_c), wrap_row(*self.x),
                             wrap_row(*self.h), self.preset_row])

    def compute(self):
        """(z_i, i, z_C, C~, i * C~) for the sliders' values, from lstm_core."""
        x, h = values_of(self.x), values_of(self.h)
        gi = gate_value(float(self.scale_i.value) * SOURCE_W_I, x, h, np.full(UNITS, float(self.b_i.value)))
        gc = gate_value(float(self.scale_c.value) * W_C, x, h, np.full(UNITS, float(self.b_c.value)),
                        activation="tanh")
        zeros = np.zeros(UNITS)
        written = cell_state_update(zeros, gi.a, gc.a, zeros)     # f = 0, c_prev = 0: only i * C~
        return gi.z, gi.a, gc.z, gc.a, written

    def update(self):
        z_i, i, z_c, g, written = self.compute()
        self.i_bars.set(i)
        self.g_bars.set(g)
        self.w_bars.set(written)
        words = "; ".join(
            f"unit {k + 1} writes {100 * ik:.1f}% of {gk:+.3f} = {wk:+.3f}"
            for k, (ik, gk, wk) in enumerate(zip(i, g, written)))
        self.set_readout([
            f"i = {fmt(i)}   (left, first bar of each pair: the input gate, how much of the candidate "
            f"each unit lets in)",
            f"C~ = {fmt(g)}   (left, second bar: the candidate value, between -1 and +1)",
            f"i * C~ = {fmt(written)}   (right: what this step adds to the cell state; negative subtracts)",
            f"pre-activations: W_i·[x_t, h_(t-1)] + b_i: {fmt(z_i, '.2f')}   "
            f"W_C·[x_t, h_(t-1)] + b_C: {fmt(z_c, '.2f')}",
            f"In words: {words}.",
        ])
