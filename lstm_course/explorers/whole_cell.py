"""The whole cell, live: a drawn LSTM cell that carries its numbers, and a cell stepped in time.

* ``WholeCellExplorer``: a one-unit cell (input size 1, hidden size 1) drawn as a diagram
  (``lstm_course.diagram``); sliders for x_t, h_{t-1}, c_{t-1} and for the weights of the gate
  chosen in a dropdown; presets. Every box and arrow of the drawing shows its current value.
* ``SequenceExplorer``: a two-unit cell run over a fixed 12-step input; a time slider picks
  the step whose gates are shown as bars, while c_t and h_t are drawn over the whole sequence.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from lstm_core.cell import gate_value, lstm_step
from lstm_core.params import GATE_NAMES, GATES, LSTMParams
from ..plotting import GATE_STYLE, OKABE_ITO, new_figure, style_axes
from lstm_core.sequence import lstm_forward
from .kit import Explorer, float_slider, int_slider, keep_in_frame, wrap_row

INPUT_RANGE = (-4.0, 4.0)     # x_t, h_{t-1}, c_{t-1}
WEIGHT_RANGE = (-5.0, 5.0)
BIAS_RANGE = (-6.0, 6.0)

# Each preset: inputs (x, h_prev, c_prev) and per gate (w_x, w_h, b).
PRESETS = {
    # The hand-checked example of notebook 07 (round weights).
    "hand example": {"x": 1.0, "h_prev": 0.5, "c_prev": 1.0,
                     "f": (2.0, 2.0, -1.0), "i": (1.0, -2.0, 0.0), "g": (1.0, 2.0, -1.0), "o": (-1.0, 2.0, 0.0)},
    # The source's 3-unit example cut down to its first unit: x_t[0] = 1, h_{t-1}[0] = 4, the first
    # row of W_f (x column 1, h column 4) and b_f[0], the first row of W_i and b_i[0]. The source
    # gives no numbers for C~, o or c_{t-1}; ours make o nearly 0, as its picture of h_t does.
    "source example": {"x": 1.0, "h_prev": 4.0, "c_prev": 1.0,
                       "f": (1.0, 4.0, 1.0), "i": (1.0, 1.0, 1.0), "g": (0.5, 0.25, 0.0), "o": (-1.0, -1.0, 0.0)},
    # Forget gate wide open, input gate shut: c_t is c_{t-1}.
    "remember everything": {"x": 1.0, "h_prev": 0.0, "c_prev": 2.0,
                            "f": (0.0, 0.0, 6.0), "i": (0.0, 0.0, -6.0), "g": (1.0, 0.0, 0.0), "o": (0.0, 0.0, 6.0)},
    # Forget gate shut, input gate wide open: c_t is the candidate tanh(x_t).
    "forget everything": {"x": 1.0, "h_prev": 0.0, "c_prev": 2.0,
                          "f": (0.0, 0.0, -6.0), "i": (0.0, 0.0, 6.0), "g": (1.0, 0.0, 0.0), "o": (0.0, 0.0, 6.0)},
}


def random_preset(seed):
    """A seeded random cell and inputs (rounded to 2 decimals so the sliders show them exactly)."""
    rng = np.random.default_rng(seed)
    r = lambda lo, hi: round(float(rng.uniform(lo, hi)), 2)  # noqa: E731
    p = {"x": r(-2, 2), "h_prev": r(-1, 1), "c_prev": r(-2, 2)}
    for gate in GATES:
        p[gate] = (r(-2, 2), r(-2, 2), r(-2, 2))
    return p


def one_unit_params(weights):
    """LSTMParams (D = H = 1) from {gate: (w_x, w_h, b)}."""
    return LSTMParams.from_gates(
        W_x={g: np.array([[weights[g][0]]]) for g in GATES},
        W_h={g: np.array([[weights[g][1]]]) for g in GATES},
        b={g: np.array([weights[g][2]]) for g in GATES},
    )


def linear(wx, wh, b):
    """'w_x*x + w_h*h + b' with signs written as operators: '2.00*x - 1.50*h + 0.00'."""
    def term(v, name, first=False):
        body = f"{abs(v):.2f}{name}"
        if first:
            return body if v >= 0 else f"-{body}"
        return f" + {body}" if v >= 0 else f" - {body}"
    return term(wx, "*x", True) + term(wh, "*h") + term(b, "")


def _num(v, digits):
    """A number for the middle of a formula: negative ones in brackets, '0.998*(-4.00)'."""
    return f"{v:.{digits}f}" if v >= 0 else f"({v:.{digits}f})"


def _share(v):
    return f"{100 * v:.1f}%"


class WholeCellExplorer(Explorer):
    """A one-unit LSTM cell drawn as a diagram whose boxes and arrows show the current numbers.

    Sliders: the inputs x_t, h_{t-1}, c_{t-1}; a dropdown chooses which gate's weights (w_x for
    x_t, w_h for h_{t-1}) and bias the three weight sliders edit. Presets: the hand example, the
    source example (cut down to one unit), a seeded random cell, remember everything, forget
    everything. The numbers come from ``lstm_core.lstm_step``.
    """

    title = "The whole cell: one unit, every number on the drawing"
    presets = {**PRESETS, "random": None}        # random: a new seeded cell each time (apply_preset)

    def build(self):
        from ..diagram import CellDiagram

        start = PRESETS["hand example"]
        self.weights = {g: tuple(start[g]) for g in GATES}
        self.x_slider = float_slider("input $x_t$", start["x"], *INPUT_RANGE, step=0.05)
        self.h_slider = float_slider("previous output $h_{t-1}$", start["h_prev"], *INPUT_RANGE, step=0.05)
        self.c_slider = float_slider("old memory $c_{t-1}$", start["c_prev"], *INPUT_RANGE, step=0.05)
        self.gate_dd = widgets.Dropdown(options=[(GATE_NAMES[g], g) for g in GATES], value="f",
                                        description="weights of", style={"description_width": "initial"})
        self._shown_gate = "f"
        wx, wh, b = self.weights["f"]
        self.wx_slider = float_slider("weight $w_x$ on $x_t$", wx, *WEIGHT_RANGE, step=0.05)
        self.wh_slider = float_slider("weight $w_h$ on $h_{t-1}$", wh, *WEIGHT_RANGE, step=0.05)
        self.b_slider = float_slider("bias $b$", b, *BIAS_RANGE, step=0.05)
        self.seed = 0
        self.preset_name = "hand example"
        self.controls = [self.x_slider, self.h_slider, self.c_slider, self.gate_dd,
                         self.wx_slider, self.wh_slider, self.b_slider]
        self.diagram = CellDiagram()
        self.fig, self.ax = self.diagram.fig, self.diagram.ax
        # the arrows, nodes and words never change: drawn once into the cached frame, so a move
        # redraws only the numbers, the box fills and the memory line (benchmarks/bench_widgets.py)
        under, over = self.diagram.fixed_artists()
        keep_in_frame(*under)
        keep_in_frame(*over, over_data=True)

    def control_box(self):
        inputs = widgets.VBox([widgets.HTML("<b>Inputs</b>"), self.x_slider, self.h_slider, self.c_slider])
        weights = widgets.VBox([widgets.HTML("<b>Weights</b>"), self.gate_dd, self.wx_slider,
                                self.wh_slider, self.b_slider])
        return widgets.VBox([wrap_row(inputs, weights), self.preset_row])

    # --- presets --------------------------------------------------------------------------------
    def apply_preset(self, name):
        """Set every slider (and the stored weights of all four gates) from a preset."""
        if name == "random":
            p = random_preset(self.seed)
            label = f"random (seed {self.seed})"
            self.seed += 1
        else:
            p = PRESETS[name]
            label = name
        self.preset_name = label
        with self.hold():
            self.weights = {g: tuple(float(v) for v in p[g]) for g in GATES}
            self.x_slider.value, self.h_slider.value, self.c_slider.value = p["x"], p["h_prev"], p["c_prev"]
            self._show_gate_weights(self.gate_dd.value)

    def _show_gate_weights(self, gate):
        wx, wh, b = self.weights[gate]
        self.wx_slider.value, self.wh_slider.value, self.b_slider.value = wx, wh, b
        self._shown_gate = gate

    # --- computing ------------------------------------------------------------------------------
    def _sync_weights(self):
        """A new gate in the dropdown loads its weights into the sliders; otherwise the sliders'
        values are the shown gate's weights."""
        gate = self.gate_dd.value
        if gate != self._shown_gate:
            held, self._held = self._held, True
            try:
                self._show_gate_weights(gate)
            finally:
                self._held = held
        else:
            self.weights[gate] = (float(self.wx_slider.value), float(self.wh_slider.value),
                                  float(self.b_slider.value))

    def compute(self):
        """(params, step, z) for the current sliders, from lstm_core.lstm_step."""
        params = one_unit_params(self.weights)
        x = np.array([self.x_slider.value], float)
        h_prev = np.array([self.h_slider.value], float)
        c_prev = np.array([self.c_slider.value], float)
        step = lstm_step(params, x, h_prev, c_prev)
        z = {g: float(gate_value(params.concatenated(g, "xh"), x, h_prev, params.gate(g).b, order="xh",
                                 activation="tanh" if g == "g" else "sigmoid").z[0]) for g in GATES}
        return params, step, z

    def update(self):
        self._sync_weights()
        _, step, z = self.compute()
        self.diagram.show_step(step, z)
        v = {k: float(getattr(step, k)[0]) for k in ("x", "h_prev", "c_prev", "f", "i", "g", "o", "c", "h")}
        lines = [f"Inputs: x_t = {v['x']:+.2f}, previous output h_(t-1) = {v['h_prev']:+.2f}, "
                 f"old memory c_(t-1) = {v['c_prev']:+.2f}   (last preset: {self.preset_name})"]
        for gate in GATES:
            wx, wh, b = self.weights[gate]
            act = "tanh" if gate == "g" else "sigmoid"
            lines.append(f"{GATE_NAMES[gate]:15s} = {act}({linear(wx, wh, b)}) "
                         f"= {act}({z[gate]:+.2f}) = {v[gate]:+.3f}")
        lines += [
            f"Keep {_share(v['f'])} of the old memory: f*c_(t-1) = {v['f']:.3f}*{_num(v['c_prev'], 2)} "
            f"= {v['f'] * v['c_prev']:+.3f}.",
            f"Write {_share(v['i'])} of the candidate: i*C~ = {v['i']:.3f}*{_num(v['g'], 3)} "
            f"= {v['i'] * v['g']:+.3f}.",
            f"New memory c_t = {v['f'] * v['c_prev']:+.3f} + {_num(v['i'] * v['g'], 3)} = {v['c']:+.3f}.",
            f"Show {_share(v['o'])} of tanh(c_t) = {float(step.tanh_c[0]):+.3f}: new output h_t = {v['h']:+.3f}.",
            "On the drawing a stronger fill means a gate value nearer 1 (or, for the candidate, nearer "
            "-1 or 1); a thicker memory line carries a larger |c|.",
        ]
        if abs(v["h_prev"]) >= 1:
            lines.append(f"Note: h_(t-1) = {v['h_prev']:+.2f} lies outside (-1, 1), where every output an "
                         "LSTM computes lies (h = o*tanh(c)); only a hand-set start can be this large.")
        self.set_readout(lines)


# --- a small cell over a short sequence -------------------------------------------------------

SEQ_INPUT = np.array([1.0, 0.0, 0.0, 0.0, 0.0, -1.0, 0.0, 0.0, 0.5, 0.0, 0.0, 0.0])


def sequence_params():
    """A two-unit cell (D = 1, H = 2) with round weights: unit 1 keeps its memory for long
    (forget bias +3) and opens its input gate only for a positive input (i = sigmoid(4 x - 2)); unit
    2 lets its memory go fast (forget bias -1) and always writes 88% of its candidate tanh(2 x)."""
    return LSTMParams.from_gates(
        W_x={"f": np.array([[0.0], [0.0]]), "i": np.array([[4.0], [0.0]]),
             "g": np.array([[2.0], [2.0]]), "o": np.array([[0.0], [0.0]])},
        W_h={"f": np.array([[0.0, 0.0], [0.0, 0.0]]), "i": np.array([[0.0, 0.0], [0.0, 0.0]]),
             "g": np.array([[0.0, 0.0], [0.0, 0.0]]), "o": np.array([[0.5, 0.0], [0.0, 0.5]])},
        b={"f": np.array([3.0, -1.0]), "i": np.array([-2.0, 2.0]),
           "g": np.array([0.0, 0.0]), "o": np.array([1.0, 1.0])},
    )


class SequenceExplorer(Explorer):
    """A two-unit LSTM run over a fixed 12-step input with ``lstm_core.lstm_forward``.

    The left panel draws c_t and h_t of both units over time and marks the chosen step; the
    right panel shows the four gate values of each unit at that step. One control: the step t.
    """

    title = "A small cell stepped through a short sequence"

    def build(self):
        self.params = sequence_params()
        self.xs = SEQ_INPUT.reshape(1, -1, 1)
        self.trace = lstm_forward(self.params, self.xs)
        T, H = self.xs.shape[1], self.params.hidden_size
        self.T, self.H = T, H
        self.t_slider = int_slider("time step t", 1, 1, T)
        self.play = widgets.Play(value=1, min=1, max=T, step=1, interval=700, description="play")
        widgets.jslink((self.play, "value"), (self.t_slider, "value"))
        self.controls = [self.t_slider]

        self.fig, (ax_l, ax_b) = new_figure(9.0, 4.1, ncols=2, gridspec_kw={"width_ratios": [1.35, 1]})
        ts = np.arange(1, T + 1)
        ax_l.bar(ts, SEQ_INPUT, width=0.5, color=OKABE_ITO["grey"], alpha=0.45, label="input $x_t$")
        markers = ("o", "^")
        self.lines, self.dots = {}, {}
        for k in range(H):
            for q in ("c", "h"):
                st = GATE_STYLE[q]
                vals = getattr(self.trace, q)[0, :, k]
                self.lines[q, k], = ax_l.plot(ts, vals, color=st["color"], linestyle=st["linestyle"],
                                              marker=markers[k], markersize=5, linewidth=1.8,
                                              alpha=1.0 if k == 0 else 0.75,
                                              label=f"${q}_t$, unit {k + 1} ({'long' if k == 0 else 'short'} memory)")
                self.dots[q, k], = ax_l.plot([], [], marker=markers[k], markersize=11, color=st["color"],
                                             markeredgecolor="black", linestyle="none")
        self.t_line = ax_l.axvline(1, color="black", linewidth=1.0, alpha=0.5)
        ax_l.set_xticks(ts)
        ax_l.set_ylim(-1.6, 1.4)
        style_axes(ax_l, "Memory $c_t$ and output $h_t$ over time", "time step t", "value")
        # under the panels: inside, the lines and the moving markers ran beneath it
        self.fig.legend(loc="outside lower center", fontsize=8, ncols=3)

        self.bars, self.bar_text = {}, {}
        xpos, labels = [], []
        for k in range(H):
            for j, g in enumerate(GATES):
                pos = k * 5 + j
                st = GATE_STYLE[g]
                bar = ax_b.bar([pos], [0.0], width=0.8, color=st["color"], hatch=st["hatch"],
                               edgecolor="black", linewidth=0.8, alpha=1.0 if k == 0 else 0.7)[0]
                self.bars[g, k] = bar
                self.bar_text[g, k] = ax_b.text(pos, 0.0, "", ha="center", va="bottom", fontsize=8)
                xpos.append(pos)
                labels.append({"f": "f", "i": "i", "g": "C~", "o": "o"}[g])
        ax_b.set_xticks(xpos, labels)
        for k in range(H):
            ax_b.text(k * 5 + 1.5, -1.45, f"unit {k + 1}", ha="center", va="bottom", fontsize=9,
                      fontweight="bold")
        ax_b.axhline(0, color="black", linewidth=0.8)
        ax_b.set_ylim(-1.5, 1.25)
        style_axes(ax_b, "Gates at the chosen step t", "gate (f forget, i input, C~ candidate, o output)",
                                     "gate value")
        # the step is a data label, not the title, so the frame (titles, ticks) stays fixed and
        # need not be redrawn on every move of the time slider; it sits between the two units'
        # names, below every bar (C~ >= -1) and its value, where no bar label can reach it
        self.step_label = ax_b.text(4.0, -1.45, "", ha="center", va="bottom", fontsize=10, fontweight="bold")
        self.ax_l, self.ax_b = ax_l, ax_b

    def control_box(self):
        return wrap_row(self.play, self.t_slider)

    def values_at(self, t):
        """{name: (H,) array} of x, f, i, g, o, c, h at step t (1-based), from the lstm_forward trace."""
        k = t - 1
        out = {q: getattr(self.trace, q)[0, k] for q in ("f", "i", "g", "o", "c", "h")}
        out["x"] = self.xs[0, k]
        return out

    def update(self):
        t = int(self.t_slider.value)
        v = self.values_at(t)
        self.t_line.set_xdata([t, t])
        self.step_label.set_text(f"step t = {t}")
        for k in range(self.H):
            for q in ("c", "h"):
                self.dots[q, k].set_data([t], [v[q][k]])
            for g in GATES:
                val = float(v[g][k])
                self.bars[g, k].set_height(val)
                txt = self.bar_text[g, k]
                txt.set_text(f"{val:.2f}")
                txt.set_position((txt.get_position()[0], val + (0.02 if val >= 0 else -0.03)))
                txt.set_va("bottom" if val >= 0 else "top")
        lines = [f"Step t = {t} of {self.T}: input x_t = {float(v['x'][0]):+.2f}."]
        for k in range(self.H):
            f, i, g, o, c, h = (float(v[q][k]) for q in ("f", "i", "g", "o", "c", "h"))
            lines.append(f"unit {k + 1}: forget f = {f:.3f} (keeps {_share(f)}), input i = {i:.3f}, "
                         f"candidate C~ = {g:+.3f}, output o = {o:.3f}  ->  c_t = {c:+.3f}, h_t = {h:+.3f}")
        lines.append("Left: grey bars are the inputs; purple solid lines the memory c_t, black dashed lines "
                     "the output h_t (circles unit 1, triangles unit 2); the big markers sit at step t. "
                     "Right: the four gates of each unit at step t, hatched by gate.")
        self.set_readout(lines)
