"""OutputGateExplorer: how the output gate turns the cell state into the hidden state, and how an
output layer turns the hidden state into a prediction.

Three units (H = 3). You set the cell state c and the output gate's pre-activations z_o:

    o = sigmoid(z_o)              how much of each unit to show, in (0, 1)
    h = o * tanh(c)               the hidden state (lstm_core.hidden_state)
    p = softmax(W_hy h + b_y)     a choice among K = 3 classes (lstm_core.project, lstm_core.softmax)
    q = sigmoid(w_yes . h + b)    a yes/no answer

The output weights are fixed by hand so the reading is easy: hidden unit k votes for class k
(W_hy = 3 I), and the yes/no head says "yes" when unit 3 is positive (w_yes = [0, 0, 4]).
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from lstm_core import activations as act
from lstm_core.cell import hidden_state
from lstm_core.output import project, softmax
from ..plotting import GATE_STYLE, OKABE_ITO, new_figure, style_axes
from .kit import Explorer, float_slider, wrap_row

H = 3
W_HY = 3.0 * np.eye(H)                 # unit k votes for class k
B_Y = np.zeros(H)
W_YES = np.array([[0.0, 0.0, 4.0]])   # the yes/no head reads unit 3
B_YES = np.zeros(1)
CLASSES = ("class 1", "class 2", "class 3")
C_RANGE = (-4.0, 4.0)
Z_RANGE = (-8.0, 8.0)



def _gate_word(o: float) -> str:
    """The gate's opening in words."""
    if o < 0.1:
        return "shut"
    if o < 0.4:
        return "mostly shut"
    if o <= 0.6:
        return "half open"
    if o <= 0.9:
        return "mostly open"
    return "open"


class OutputGateExplorer(Explorer):
    """Sliders for c (3 units) and the output gate's pre-activations z_o (3 units); presets.

    Left panel: bars of tanh(c), o and h per unit. Right panel: the softmax probabilities of the
    three classes and the yes/no probability computed from h.
    """

    title = "The output gate: from cell state c to hidden state h to a prediction"
    options = dict(c=(0.5, 2.0, -1.5), z_o=(2.0, -2.0, 4.0))
    presets = {
        "source example": {"c_sliders": (0.0, 4.0, 4.0), "z_sliders": (-8.0, -8.0, 8.0)},
        "gate wide open": {"c_sliders": (1.0, -2.0, 3.0), "z_sliders": (8.0, 8.0, 8.0)},
        "gate shut": {"c_sliders": (1.0, -2.0, 3.0), "z_sliders": (-8.0, -8.0, -8.0)},
        "half open": {"c_sliders": (1.0, -2.0, 3.0), "z_sliders": (0.0, 0.0, 0.0)},
    }

    def build(self):
        self.c_sliders = [float_slider(f"cell state c[{k + 1}]", float(self.c[k]), *C_RANGE, step=0.05)
                           for k in range(H)]
        self.z_sliders = [float_slider(f"gate input $z_o$[{k + 1}]", float(self.z_o[k]), *Z_RANGE, step=0.05)
                           for k in range(H)]
        self.controls = [*self.c_sliders, *self.z_sliders]

        self.fig, (ax_h, ax_p) = new_figure(8.8, 3.6, ncols=2, gridspec_kw={"width_ratios": [1.5, 1]})
        units = np.arange(H)
        width = 0.26
        self.bars = {}
        for j, (key, label) in enumerate((("c", "tanh(c)"), ("o", "output gate o"), ("h", "hidden h = o * tanh(c)"))):
            st = GATE_STYLE[key]
            self.bars[key] = ax_h.bar(units + (j - 1) * width, np.zeros(H), width, color=st["color"],
                                      hatch=st["hatch"], edgecolor="black", linewidth=0.6, label=label,
                                      alpha=0.85 if key != "h" else 0.55)
        ax_h.axhline(0, color="black", linewidth=0.8)
        ax_h.set_xticks(units, [f"unit {k + 1}" for k in units])
        ax_h.set_ylim(-1.1, 1.55)
        ax_h.legend(loc="upper center", ncol=3, fontsize=8, handlelength=1.6, columnspacing=0.8)
        style_axes(ax_h, "What the gate lets out", "hidden unit", "value")

        pos = np.arange(H + 1) + np.array([0, 0, 0, 0.6])
        colors = [OKABE_ITO["blue"]] * H + [OKABE_ITO["orange"]]
        hatches = ["//"] * H + ["\\\\"]
        self.p_bars = ax_p.bar(pos, np.zeros(H + 1), 0.7, color=colors, edgecolor="black", linewidth=0.6)
        for bar, hatch in zip(self.p_bars, hatches):
            bar.set_hatch(hatch)
        self.p_texts = [ax_p.text(x, 0.0, "", ha="center", va="bottom", fontsize=8) for x in pos]
        ax_p.set_xticks(pos, ["class 1", "class 2", "class 3", "P(yes)"], fontsize=8)
        ax_p.axvline(H - 0.2, color="grey", linewidth=0.8, linestyle=":")
        ax_p.set_ylim(0, 1.15)
        style_axes(ax_p, "Prediction from h", "softmax classes | sigmoid yes/no", "probability")
        self.ax_h, self.ax_p = ax_h, ax_p

    def control_box(self):
        return widgets.VBox([wrap_row(widgets.VBox(self.c_sliders), widgets.VBox(self.z_sliders)),
                             self.preset_row])

    def compute(self):
        """The explorer's numbers from lstm_core: tanh(c), o, h, class probabilities, P(yes)."""
        c = np.array([s.value for s in self.c_sliders], dtype=float)
        z = np.array([s.value for s in self.z_sliders], dtype=float)
        o = act.sigmoid(z)
        h = hidden_state(o, c)
        p = softmax(project(W_HY, B_Y, h))
        yes = float(act.sigmoid(project(W_YES, B_YES, h))[0])
        return act.tanh(c), o, h, p, yes

    def update(self):
        tc, o, h, p, yes = self.compute()
        for key, vals in (("c", tc), ("o", o), ("h", h)):
            for bar, v in zip(self.bars[key], vals):
                bar.set_height(float(v))
        for bar, txt, v in zip(self.p_bars, self.p_texts, [*p, yes]):
            bar.set_height(float(v))
            txt.set_y(float(v) + 0.01)
            txt.set_text(f"{v:.2f}")
        lines = []
        for k in range(H):
            lines.append(f"unit {k + 1}: tanh(c) = {tc[k]:+.3f}, output gate o = {o[k]:.3f} ({_gate_word(o[k])}), "
                         f"so h = o * tanh(c) = {h[k]:+.3f}")
        shown = [f"{k + 1}" for k in range(H) if o[k] > 0.9]
        hidden = [f"{k + 1}" for k in range(H) if o[k] < 0.1]
        lines.append("Shown almost fully (o > 0.9): unit " + (", ".join(shown) if shown else "none") + ". Hidden (o < 0.1): unit "
                     + (", ".join(hidden) if hidden else "none") + ". The gate changes only h; the memory c stays as it is.")
        best = int(np.argmax(p))
        verdict = ("no class stands out" if p.max() - p.min() < 0.01 else f"{CLASSES[best]} is the most likely")
        lines.append(f"Prediction: softmax(W_hy h) with W_hy = 3 I gives class 1 {p[0]:.2f}, class 2 {p[1]:.2f}, "
                     f"class 3 {p[2]:.2f}: {verdict}. Yes/no head: P(yes) = sigmoid(4 h[3]) = {yes:.2f}.")
        self.set_readout(lines)
