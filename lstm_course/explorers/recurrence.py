"""UnrollExplorer: an Elman RNN unrolled over a short fixed input, with a slider over time.

The network has one input (D = 1) and four hidden units (H = 4), no bias, input weights
``INPUT_WEIGHTS`` and recurrent weights ``W_hh = scale * Q`` with ``Q`` a fixed orthogonal
matrix (``recurrent_basis()``). Because every singular value of Q is 1, W_hh stretches any
vector by exactly ``scale``: below 1 the memory of an input fades step by step, above 1 it is
amplified until tanh caps it. All hidden states come from ``lstm_core.rnn_forward``.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from lstm_core.params import RNNParams
from ..plotting import OKABE_ITO, PALETTE, new_figure, style_axes
from lstm_core.rnn import rnn_forward
from .kit import Explorer, float_slider, fmt, int_slider

T_STEPS = 12
INPUT_WEIGHTS = np.array([1.0, -0.7, 0.5, 0.3])      # W_xh, one weight per hidden unit (H = 4, D = 1)
UNIT_STYLES = [("-", "o", "//"), ("--", "s", "\\\\"), ("-.", "^", ".."), (":", "D", "xx")]


def input_sequence(kind: str, T: int = T_STEPS) -> np.ndarray:
    """The fixed inputs x_1..x_T (shape (T,)): "pulse" (1 at t = 1, then 0), "step" (0 for
    t < 4, then 1) or "sine" (sin(2 pi t / 6))."""
    t = np.arange(1, T + 1)
    if kind == "pulse":
        return (t == 1).astype(float)
    if kind == "step":
        return (t >= 4).astype(float)
    if kind == "sine":
        return np.sin(2 * np.pi * t / 6)
    raise ValueError(f"kind must be 'pulse', 'step' or 'sine'; got {kind!r}")


def recurrent_basis(H: int = 4, seed: int = 0) -> np.ndarray:
    """A fixed orthogonal (H, H) matrix Q (Q^T Q = I): it rotates vectors without changing
    their length, so scale * Q stretches every vector by exactly ``scale``."""
    q, r = np.linalg.qr(np.random.default_rng(seed).normal(size=(H, H)))
    return q * np.sign(np.diag(r))        # make the factorisation unique (positive diagonal of r)


def unroll_params(scale: float) -> RNNParams:
    """The explorer's RNN: W_xh = INPUT_WEIGHTS (4, 1), W_hh = scale * Q, b = 0."""
    H = len(INPUT_WEIGHTS)
    return RNNParams(INPUT_WEIGHTS.reshape(H, 1).copy(), float(scale) * recurrent_basis(H), np.zeros(H))


class UnrollExplorer(Explorer):
    """Slide t over h_1..h_T of an Elman RNN; a second slider scales the recurrent weights.

    Left: the input x_t (top) and the four hidden units h_t over time (bottom), with the
    current step marked. Right: h_t as bars, with h_(t-1) as black dashes.
    """

    title = "Unrolling an RNN through time"
    options = dict(t=1, scale=0.8, inputs="pulse")
    presets = {
        "no memory (0)": {"scale_slider": 0.0},
        "fading memory (0.6)": {"scale_slider": 0.6},
        "amplifying (1.5)": {"scale_slider": 1.5},
    }

    def build(self):
        T, H = T_STEPS, len(INPUT_WEIGHTS)
        self.t_slider = int_slider("time step t", self.t, 1, T)
        self.scale_slider = float_slider("recurrent weight scale", self.scale, 0.0, 2.0, step=0.05)
        self.inputs = widgets.ToggleButtons(options=["pulse", "step", "sine"], value=self.inputs,
                                            description="input x", style={"button_width": "70px"})
        self.controls = [self.t_slider, self.scale_slider, self.inputs]

        self.fig, ax0 = new_figure(9.0, 4.0)
        ax0.remove()
        axd = self.fig.subplot_mosaic([["x", "bar"], ["h", "bar"]], height_ratios=[1, 2.2],
                                      width_ratios=[2.2, 1])
        ax_x, ax_h, ax_b = axd["x"], axd["h"], axd["bar"]
        steps = np.arange(1, T + 1)
        self.steps = steps

        self.x_bars = ax_x.bar(steps, np.zeros(T), width=0.6, color=OKABE_ITO["grey"], edgecolor="black",
                               linewidth=0.5)
        self.x_dot, = ax_x.plot([], [], marker="D", markersize=7, color=OKABE_ITO["orange"],
                                markeredgecolor="black", linestyle="none")
        ax_x.axhline(0, color="black", linewidth=0.6)
        ax_x.set_ylim(-1.25, 1.25)
        ax_x.set_xlim(0.4, T + 0.6)
        ax_x.set_xticks(steps)
        ax_x.tick_params(labelbottom=False)
        style_axes(ax_x, "Input sequence $x_t$", "", "$x_t$")

        self.h_lines, self.h_dots = [], []
        for k in range(H):
            ls, mk, _ = UNIT_STYLES[k]
            line, = ax_h.plot(steps, np.zeros(T), linestyle=ls, marker=mk, markersize=3.5, color=PALETTE[k],
                              label=f"unit {k + 1}")
            dot, = ax_h.plot([], [], marker=mk, markersize=9, color=PALETTE[k], markeredgecolor="black",
                             linestyle="none")
            self.h_lines.append(line)
            self.h_dots.append(dot)
        ax_h.axhline(0, color="black", linewidth=0.6)
        ax_h.set_ylim(-1.1, 1.1)
        ax_h.set_xlim(0.4, T + 0.6)
        ax_h.set_xticks(steps)
        style_axes(ax_h, "Hidden state $h_1$ .. $h_T$ (rnn_forward)", "time step t", "$h_t$ (each unit)")
        self.vlines = [ax.axvline(self.t, color="black", linewidth=1.0, alpha=0.5) for ax in (ax_x, ax_h)]

        units = np.arange(1, H + 1)
        self.h_bars = ax_b.bar(units, np.zeros(H), width=0.6, color=PALETTE[:H], edgecolor="black",
                               linewidth=0.8)
        for bar, (_, _, hatch) in zip(self.h_bars, UNIT_STYLES):
            bar.set_hatch(hatch)
        self.prev_marks, = ax_b.plot(units, np.zeros(H), linestyle="none", marker="_", markersize=22,
                                     markeredgewidth=2.5, color="black", label="$h_{t-1}$ (bar chart)")
        ax_b.axhline(0, color="black", linewidth=0.6)
        ax_b.set_ylim(-1.1, 1.1)
        ax_b.set_xticks(units, [f"unit {k}" for k in units], fontsize=8)
        style_axes(ax_b, "$h_t$ at step t", "hidden unit", "value")
        self.bar_title = ax_b.title
        self.fig.legend(handles=[*self.h_lines, self.prev_marks], loc="outside lower center", ncols=H + 1,
                        fontsize=8, handlelength=3)
        self.ax_x, self.ax_h, self.ax_b = ax_x, ax_h, ax_b

    def compute(self):
        """(xs (T,), hs (T, H), memoryless (T, H)): inputs, hidden states from rnn_forward, and
        the hidden states the same network has with W_hh = 0 (x_t alone)."""
        xs = input_sequence(self.inputs.value)
        s = float(self.scale_slider.value)
        hs = rnn_forward(unroll_params(s), xs.reshape(1, -1, 1)).h[0]
        h0 = rnn_forward(unroll_params(0.0), xs.reshape(1, -1, 1)).h[0]
        return xs, hs, h0

    def update(self):
        xs, hs, h_free = self.compute()
        T, H = hs.shape
        t = int(self.t_slider.value)
        s = float(self.scale_slider.value)
        h_t = hs[t - 1]
        h_prev = hs[t - 2] if t > 1 else np.zeros(H)

        for k, bar in enumerate(self.x_bars):
            bar.set_height(xs[k])
            now = k == t - 1
            bar.set_facecolor(OKABE_ITO["orange"] if now else OKABE_ITO["grey"])
            bar.set_hatch("//" if now else "")
            bar.set_linewidth(1.5 if now else 0.5)
        self.x_dot.set_data([t], [xs[t - 1]])
        for k in range(H):
            self.h_lines[k].set_ydata(hs[:, k])
            self.h_dots[k].set_data([t], [h_t[k]])
            self.h_bars[k].set_height(h_t[k])
        self.prev_marks.set_ydata(h_prev)
        for v in self.vlines:
            v.set_xdata([t, t])
        self.bar_title.set_text(f"$h_t$ at step t = {t}")

        norm = float(np.linalg.norm(h_t))
        carried = float(np.linalg.norm(h_t - h_free[t - 1]))
        lines = [
            f"Step t = {t} of {T}; input x_{t} = {xs[t - 1]:+.3f}; recurrent weight scale = {s:.2f} "
            f"(W_hh stretches any vector by exactly this factor).",
            f"h_{t} = tanh(W_xh x_{t} + W_hh h_{t - 1}) = {fmt(h_t, '+.3f')}  (bars; the lines show every step).",
            f"h_{t - 1} = {fmt(h_prev, '+.3f')}  (black dashes" + ("; h_0 = 0 before the first step)." if t == 1 else ")."),
            f"Length |h_{t}| = {norm:.3f}. Part of h_{t} carried over from earlier steps "
            f"(distance to the memoryless tanh(W_xh x_{t})): {carried:.3f}.",
        ]
        if s == 0:
            lines.append("With scale 0 there is no memory: each h_t depends on x_t alone.")
        elif self.inputs.value == "pulse":
            n1 = float(np.linalg.norm(hs[0]))
            lines.append(f"The only nonzero input came at t = 1; |h_{t}| is {norm / n1:.1%} of |h_1| = {n1:.3f}: "
                         + ("the memory fades." if norm < n1 * 0.999 else "the memory holds or grows."))
        self.set_readout(lines)
