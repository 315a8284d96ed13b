"""HighwayExplorer: how far back a gradient reaches along the LSTM's cell state, against an RNN.

The math (and the equations) live in ``lstm_course.demos.highway``; this module draws it.
"""

from __future__ import annotations

import ipywidgets as widgets
import matplotlib
import numpy as np
from matplotlib.colors import LogNorm

from lstm_core import _checks
from lstm_core.activations import sigmoid
from ..demos.highway import CLIM, HIDDEN, LOSSES, T_MAX, THRESHOLD, Y_LIMITS, HighwayResult, highway_gradients, steps_above
from ..plotting import OKABE_ITO, new_figure, style_axes
from .kit import Explorer, float_slider, int_slider

SERIES = {   # name: (label, colour, line style, marker)
    "path": ("LSTM, cell path only (product of f)", OKABE_ITO["blue"], "--", "s"),
    "full": (r"LSTM, full $|\partial L/\partial c_t|$", OKABE_ITO["purple"], "-", "o"),
    "rnn": (r"RNN, $|\partial L/\partial h_t|$", OKABE_ITO["vermillion"], ":", "^"),
}


def _norms(rows):
    return np.sqrt(np.sum(rows * rows, axis=1))


def _reach(k, T):
    if k < 0:
        return "below 1e-3 already at step T"
    if k >= T:
        return f"all {T} steps (never below 1e-3)"
    return f"{k} step{'s' if k != 1 else ''}"


class HighwayExplorer(Explorer):
    """Forget bias, sequence length and recurrent-weight scale in; how far back gradients reach, out.

    Left: the size of the gradient k steps back from the last step T (log scale) for the
    LSTM's cell path alone, the LSTM's full dL/dc_t and an RNN's dL/dh_t. Right: |dL/dc_t| of
    each of the LSTM's 8 units (full gradient), on a log colour scale.
    """

    title = "The gradient highway: how far back does dL/dc_T reach?"
    options = dict(forget_bias=1.0, T=60, scale=0.6, loss="c")
    presets = {
        "forget bias 0 (plain init)": {"bias_slider": 0.0},
        "forget bias 1 (common default)": {"bias_slider": 1.0},
        "saturated forget gate": {"bias_slider": 6.0},
    }

    def check_options(self):
        _checks.choice("loss", self.loss, LOSSES)

    def build(self):
        self.bias_slider = float_slider("forget bias $b_f$", self.forget_bias, -4.0, 6.0, step=0.1,
                                        readout_format=".1f")
        self.length_slider = int_slider("sequence length T", self.T, 5, T_MAX)
        self.scale_slider = float_slider("recurrent weight scale s", self.scale, 0.0, 2.0, step=0.05)
        self.loss_toggle = widgets.ToggleButtons(options=[("loss on c_T", "c"), ("loss on h_T", "h")],
                                                 value=self.loss, description="loss", style={"button_width": "100px"})
        self.controls = [self.bias_slider, self.length_slider, self.scale_slider, self.loss_toggle]

        self.fig, (ax_l, ax_m) = new_figure(9.0, 4.2, ncols=2, width_ratios=[1.35, 1])
        ks = np.arange(T_MAX + 1)
        self.lines = {}
        for name, (label, colour, ls, marker) in SERIES.items():
            self.lines[name], = ax_l.plot(ks, np.ones(T_MAX + 1), color=colour, linestyle=ls, marker=marker,
                                          markersize=4, markevery=10, linewidth=1.6, label=label)
        ax_l.axhline(THRESHOLD, color=OKABE_ITO["grey"], linestyle="-.", linewidth=1.0, label="1e-3 threshold")
        ax_l.set_yscale("log")
        ax_l.set_ylim(*Y_LIMITS)
        ax_l.set_xlim(0, T_MAX)
        ax_l.set_yticks([1e-15, 1e-12, 1e-9, 1e-6, 1e-3, 1, 1e3])
        style_axes(ax_l, "Gradient size k steps back", "steps back from the end, k = T - t", "size (norm, log)")
        self.fig.legend(loc="outside lower center", ncols=4, fontsize=8, handlelength=3.5)

        cmap = self._cmap()
        # a mesh, not imshow: Agg draws 8 x 101 flat cells faster than it resamples an image
        self.image = ax_m.pcolormesh(np.arange(T_MAX + 2) - 0.5, np.arange(HIDDEN + 1) + 0.5,
                                     np.ones((HIDDEN, T_MAX + 1)), cmap=cmap, norm=LogNorm(*CLIM), shading="flat")
        ax_m.set_yticks(np.arange(1, HIDDEN + 1))
        ax_m.set_xlim(-0.5, T_MAX + 0.5)
        ax_m.set_ylim(0.5, HIDDEN + 0.5)
        style_axes(ax_m, r"LSTM $|\partial L/\partial c_t|$ per unit", "steps back from the end, k = T - t", "hidden unit")
        ax_m.grid(False)
        bar = self.fig.colorbar(self.image, ax=ax_m, extend="both")
        bar.set_label(r"$|\partial L/\partial c_t|$ (log scale; grey: before $t = 0$)", fontsize=8)
        bar.ax.set_title("colour", fontsize=8)
        self.colorbar = bar
        self.ax_l, self.ax_m = ax_l, ax_m

    @staticmethod
    def _cmap():
        # grey: steps before the start of a shorter sequence; black/white: below/above the colour bar
        return matplotlib.colormaps["viridis"].with_extremes(bad=OKABE_ITO["grey"], under="black", over="white")

    def compute(self) -> HighwayResult:
        return highway_gradients(self.bias_slider.value, int(self.length_slider.value), self.scale_slider.value,
                                 self.loss_toggle.value)

    def update(self):
        r = self.compute()
        T = r.f.shape[0]
        fb, s = float(self.bias_slider.value), float(self.scale_slider.value)
        norms = {"path": _norms(r.path), "full": _norms(r.full), "rnn": _norms(r.rnn)}
        floor = Y_LIMITS[0] * 1e-3                       # below the axes: exact zeros stay plottable
        for name, line in self.lines.items():
            y = np.full(T_MAX + 1, np.nan)
            y[:T + 1] = np.maximum(norms[name], floor)
            line.set_ydata(y)
        grid = np.ones((HIDDEN, T_MAX + 1))
        grid[:, :T + 1] = np.maximum(np.abs(r.full.T), np.finfo(float).tiny)
        mask = np.zeros_like(grid, dtype=bool)
        mask[:, T + 1:] = True
        self.image.set_array(np.ma.array(grid, mask=mask))

        reach = {name: steps_above(v) for name, v in norms.items()}
        f_mean = float(r.f.mean())
        loss = "L = u . c_T (dL/dc_T = u, dL/dh = 0)" if self.loss_toggle.value == "c" else \
            "L = u . h_T (the gradient enters through h_T = o_T * tanh(c_T))"
        lines = [
            f"T = {T} steps, forget bias b_f = {fb:+.1f}, recurrent weight scale s = {s:.2f}; LSTM loss {loss}.",
            f"Forget gates over the run: mean {f_mean:.3f}, from {r.f.min():.3f} to {r.f.max():.3f} "
            f"(sigmoid(b_f) alone = {float(sigmoid(fb)):.3f}).",
            f"Steps back the gradient stays above 1e-3: LSTM full {_reach(reach['full'], T)}; "
            f"cell path only {_reach(reach['path'], T)}; RNN {_reach(reach['rnn'], T)}.",
            f"At t = 0 ({T} steps back): cell path only {norms['path'][T]:.2e}, LSTM full {norms['full'][T]:.2e}, "
            f"RNN {norms['rnn'][T]:.2e}.",
        ]
        k1 = min(1, T)
        why = ("(equal: with s = 0 the gates do not read h, so the cell path is the only road)." if s == 0 else
               "(the difference is what flows through h_(t-1) into the gates).")
        lines.append(f"One step back: cell path only {norms['path'][k1]:.3e}, full {norms['full'][k1]:.3e} {why}")
        k_max = int(np.argmax(norms["full"]))
        if norms["full"][k_max] > 1.01 * norms["full"][0]:
            lines.append(f"The full LSTM gradient grows to {norms['full'][k_max]:.2e} at {k_max} steps back, larger than "
                         "where it set off: the routes through h can amplify it as well as shrink it.")
        self.set_readout(lines)
