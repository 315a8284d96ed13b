"""VariantExplorer: one step of the LSTM and of its three relatives, on the same input and state.

Four one-unit cells (input size D = 1, hidden size H = 1) share their weights wherever they play
the same part, so the bars differ only where the equations differ:

* LSTM          f, i, o, g with the weights in ``WEIGHTS``; the forget bias is the "keep bias" slider;
* peephole LSTM the same weights, plus one peephole weight p for f, i (reading c_{t-1}) and o
                (reading the new c_t), from a slider: p = 0 gives the LSTM exactly;
* coupled LSTM  the LSTM's f, o, g; no input gate: i = 1 - f;
* GRU           z uses the forget gate's weights and the keep bias (z near 1 keeps h_{t-1}, as
                f near 1 keeps c_{t-1}), the candidate n uses g's weights, the reset gate r its
                own; there is no cell state: h = (1 - z) * n + z * h_{t-1}.

The left panel shows the gates as grouped bars (keep share, write share, output or reset gate),
the right one the candidate, the new cell state and the new hidden state, with the previous
states drawn as lines. The numbers come from ``lstm_core.lstm_step`` and the variants' forward
functions run for one time step.
"""

from __future__ import annotations

import math

import ipywidgets as widgets
import numpy as np
from matplotlib.transforms import blended_transform_factory

from lstm_core.cell import lstm_step
from lstm_core.params import LSTMParams
from ..plotting import GATE_STYLE, OKABE_ITO, new_figure, style_axes
from lstm_core.variants import CoupledParams, GRUParams, PeepholeParams, coupled_forward, gru_forward, peephole_forward
from .kit import Explorer, float_slider, keep_in_frame, wrap_row

# (w_x, w_h) of each LSTM gate; every bias is 0 except the forget gate's (the keep bias slider).
WEIGHTS = {"f": (1.0, 0.5), "i": (1.5, -0.5), "o": (1.0, 1.0), "g": (2.0, 0.5)}
GRU_RESET = (-1.0, 1.0)      # (w_x, w_h) of the GRU's reset gate r; z takes f's, n takes g's
GRU_N_BIAS_H = 0.5           # b_hn, the recurrent-side candidate bias that r also scales

X_RANGE, H_RANGE, C_RANGE = (-3.0, 3.0), (-1.0, 1.0), (-2.0, 2.0)
BIAS_RANGE, PEEP_RANGE = (-4.0, 4.0), (-2.0, 2.0)
START = {"x_slider": 1.0, "h_slider": 0.5, "c_slider": 1.0, "bias_slider": 1.0, "peep_slider": 0.5}

CELLS = ("LSTM", "peephole", "coupled", "GRU")
# what each bar of the two panels shows, per cell: (key of the value, label under the bar, style)
_Z_STYLE = {"color": OKABE_ITO["sky"], "hatch": "oo"}
_R_STYLE = {"color": OKABE_ITO["yellow"], "hatch": "**"}
_TIED = {"color": OKABE_ITO["orange"], "hatch": "||", "alpha": 0.55}   # a gate that is not free
GATE_BARS = {
    "LSTM": [("f", "f", GATE_STYLE["f"]), ("i", "i", GATE_STYLE["i"]), ("o", "o", GATE_STYLE["o"])],
    "peephole": [("f", "f", GATE_STYLE["f"]), ("i", "i", GATE_STYLE["i"]), ("o", "o", GATE_STYLE["o"])],
    "coupled": [("f", "f", GATE_STYLE["f"]), ("i", "1-f", _TIED), ("o", "o", GATE_STYLE["o"])],
    "GRU": [("z", "z", _Z_STYLE), ("1-z", "1-z", _TIED), ("r", "r", _R_STYLE)],
}
STATE_BARS = {
    "LSTM": [("g", "g", GATE_STYLE["g"]), ("c", "c", GATE_STYLE["c"]), ("h", "h", GATE_STYLE["h"])],
    "peephole": [("g", "g", GATE_STYLE["g"]), ("c", "c", GATE_STYLE["c"]), ("h", "h", GATE_STYLE["h"])],
    "coupled": [("g", "g", GATE_STYLE["g"]), ("c", "c", GATE_STYLE["c"]), ("h", "h", GATE_STYLE["h"])],
    "GRU": [("n", "n", GATE_STYLE["g"]), (None, "", None), ("h", "h", GATE_STYLE["h"])],
}
WIDTH = 0.26


def _one(v):
    return np.array([[float(v)]])


def build_cells():
    """The four one-unit cells with the explorer's fixed weights (biases and peepholes at 0)."""
    lstm = LSTMParams.from_gates(W_x={g: _one(WEIGHTS[g][0]) for g in "figo"},
                                 W_h={g: _one(WEIGHTS[g][1]) for g in "figo"},
                                 b={g: np.zeros(1) for g in "figo"})
    peep = PeepholeParams(**{k: a.copy() for k, a in lstm.arrays().items()})
    coupled = CoupledParams(np.zeros((3, 1)), np.zeros((3, 1)), np.zeros(3))
    for g in coupled.GATE_ORDER:
        coupled.gate(g).W_x[:], coupled.gate(g).W_h[:] = WEIGHTS[g]
    gru = GRUParams(np.zeros((3, 1)), np.zeros((3, 1)), np.zeros(3), np.zeros(3))
    for g, src in (("r", GRU_RESET), ("z", WEIGHTS["f"]), ("n", WEIGHTS["g"])):
        gru.gate(g).W_x[:], gru.gate(g).W_h[:] = src
    gru.gate("n").b_h[:] = GRU_N_BIAS_H
    return {"LSTM": lstm, "peephole": peep, "coupled": coupled, "GRU": gru}


def _pct(v):
    return f"{100 * v:.1f}%"


class VariantExplorer(Explorer):
    """One step of the LSTM, the peephole LSTM, the coupled-gate LSTM and the GRU on the same
    x_t, h_{t-1}, c_{t-1}; sliders for those three, the keep bias (the forget gate's bias, and the
    GRU's update-gate bias) and the peephole weight. Presets: start, keep, overwrite, no peepholes.
    """

    title = "Four cells, one step: the LSTM and its variants on the same input and state"
    presets = {
        "start": START,
        "keep (bias +3)": {**START, "bias_slider": 3.0},
        "overwrite (bias -3)": {**START, "bias_slider": -3.0},
        "no peepholes (p = 0)": {**START, "peep_slider": 0.0},
    }

    def build(self):
        self.cells = build_cells()
        self.x_slider = float_slider("input $x_t$", START["x_slider"], *X_RANGE, step=0.05)
        self.h_slider = float_slider("previous $h_{t-1}$", START["h_slider"], *H_RANGE, step=0.05)
        self.c_slider = float_slider("previous $c_{t-1}$", START["c_slider"], *C_RANGE, step=0.05)
        self.bias_slider = float_slider("keep bias ($b_f$; the GRU's $b_z$)", START["bias_slider"], *BIAS_RANGE, step=0.05)
        self.peep_slider = float_slider("peephole weight p", START["peep_slider"], *PEEP_RANGE, step=0.05)
        self.controls = [self.x_slider, self.h_slider, self.c_slider, self.bias_slider, self.peep_slider]

        self.fig, (ax_g, ax_s) = new_figure(9.0, 3.8, ncols=2)
        self.ax_gates, self.ax_states = ax_g, ax_s
        self.gate_bars, self.state_bars = {}, {}
        fixed = []                # artists no update changes: drawn once into the cached frame
        for ax, spec, store in ((ax_g, GATE_BARS, self.gate_bars), (ax_s, STATE_BARS, self.state_bars)):
            ticks, labels = [], []
            for k, cell in enumerate(CELLS):
                for j, (key, label, style) in enumerate(spec[cell]):
                    pos = k + (j - 1) * WIDTH * 1.15
                    ticks.append(pos)
                    labels.append(label)
                    if key is None:     # the GRU has no cell state
                        fixed.append(ax.text(pos, -0.6, "no c", ha="center", va="center", fontsize=8,
                                color=OKABE_ITO["black"]))
                        continue
                    # one hatch stroke (not GATE_STYLE's doubled one): hatching is most of a redraw
                    bar, = ax.bar([pos], [0.0], width=WIDTH, color=style["color"], hatch=style["hatch"][0],
                                  alpha=style.get("alpha", 1.0), edgecolor="black", linewidth=0.8)
                    store[(cell, key)] = bar
            ax.set_xticks(ticks, labels, fontsize=8)
            tr = blended_transform_factory(ax.transData, ax.transAxes)
            for k, cell in enumerate(CELLS):
                fixed.append(ax.text(k, -0.085, cell, transform=tr, ha="center", va="top", fontsize=9,
                                     fontweight="bold"))
            ax.set_xlim(-0.55, len(CELLS) - 0.45)
            fixed.append(ax.axhline(0.0, color="black", linewidth=0.6))
        ax_g.set_ylim(0.0, 1.08)
        ax_s.set_ylim(-3.2, 3.2)
        for k in range(1, len(CELLS)):
            for ax in (ax_g, ax_s):
                fixed.append(ax.axvline(k - 0.5, color=OKABE_ITO["grey"], linewidth=0.6, linestyle=":"))
        style_axes(ax_g, "Gates: keep share, write share, output / reset", "", "gate value (0 to 1)")
        style_axes(ax_s, "Candidate, new cell state $c_t$, new $h_t$", "", "value")
        ax_g.grid(False, axis="x")
        ax_s.grid(False, axis="x")
        self.c_prev_line = ax_s.axhline(START["c_slider"], color=GATE_STYLE["c"]["color"], linestyle=":",
                                        linewidth=1.4, label="$c_{t-1}$")
        self.h_prev_line = ax_s.axhline(START["h_slider"], color=GATE_STYLE["h"]["color"], linestyle="--",
                                        linewidth=1.2, label="$h_{t-1}$")
        ax_s.legend(loc="lower right", fontsize=8, ncols=2)
        keep_in_frame(*fixed)

    def control_box(self):
        left = widgets.VBox([widgets.HTML("<b>Input and state</b>"), self.x_slider, self.h_slider, self.c_slider])
        right = widgets.VBox([widgets.HTML("<b>Cell settings</b>"), self.bias_slider, self.peep_slider])
        return widgets.VBox([wrap_row(left, right), self.preset_row])

    # --- computing ------------------------------------------------------------------------------
    def compute(self):
        """{cell: {name: value}} for one step of each cell at the sliders' values, from lstm_core."""
        x, h_prev, c_prev = (float(s.value) for s in (self.x_slider, self.h_slider, self.c_slider))
        bias, p = float(self.bias_slider.value), float(self.peep_slider.value)
        cells = self.cells
        cells["LSTM"].gate("f").b[:] = bias
        cells["peephole"].gate("f").b[:] = bias
        cells["coupled"].gate("f").b[:] = bias
        cells["GRU"].gate("z").b_x[:] = bias
        for name in ("p_f", "p_i", "p_o"):
            getattr(cells["peephole"], name)[:] = p
        xs, h0, c0 = np.full((1, 1, 1), x), np.full((1, 1), h_prev), np.full((1, 1), c_prev)
        out = {}
        st = lstm_step(cells["LSTM"], np.array([x]), np.array([h_prev]), np.array([c_prev]))
        out["LSTM"] = {k: float(getattr(st, k)[0]) for k in "figoch"}
        for cell, fwd in (("peephole", peephole_forward), ("coupled", coupled_forward)):
            tr = fwd(cells[cell], xs, h0, c0)
            out[cell] = {k: float(getattr(tr, k)[0, 0, 0]) for k in "figoch"}
        tr = gru_forward(cells["GRU"], xs, h0)
        out["GRU"] = {k: float(getattr(tr, k)[0, 0, 0]) for k in "rznh"}
        out["GRU"]["1-z"] = 1.0 - out["GRU"]["z"]
        out["inputs"] = {"x": x, "h_prev": h_prev, "c_prev": c_prev, "bias": bias, "p": p}
        return out

    def update(self):
        v = self.compute()
        for (cell, key), bar in self.gate_bars.items():
            bar.set_height(v[cell][key])
        for (cell, key), bar in self.state_bars.items():
            bar.set_height(v[cell][key])
        inp = v["inputs"]
        self.c_prev_line.set_ydata([inp["c_prev"]] * 2)
        self.h_prev_line.set_ydata([inp["h_prev"]] * 2)
        self.values = v
        L, P, C, G = v["LSTM"], v["peephole"], v["coupled"], v["GRU"]
        lines = [
            f"Same step for all four: x_t = {inp['x']:+.2f}, h_(t-1) = {inp['h_prev']:+.2f}, "
            f"c_(t-1) = {inp['c_prev']:+.2f}; keep bias {inp['bias']:+.2f} on f (LSTMs) and on z (GRU).",
            f"LSTM:     keeps f = {L['f']:.3f} of c_(t-1) and, independently, writes i = {L['i']:.3f} of "
            f"g = {L['g']:+.3f}: c_t = {L['c']:+.3f}, h_t = {L['h']:+.3f}.",
            f"Peephole: the gates also read the cell (p = {inp['p']:+.2f}): f = {P['f']:.3f}, i = {P['i']:.3f} "
            f"(from c_(t-1)), o = {P['o']:.3f} (from the new c_t): c_t = {P['c']:+.3f}, h_t = {P['h']:+.3f}"
            + ("; with p = 0 it is the LSTM exactly." if inp["p"] == 0 else
               f"; {P['h'] - L['h']:+.3f} from the LSTM's h_t."),
            f"Coupled:  no input gate; i is tied to 1 - f = {C['i']:.3f}: keeping {_pct(C['f'])} of c_(t-1) "
            f"leaves {_pct(C['i'])} for the candidate, c_t = {C['f']:.3f}*c_(t-1) + {C['i']:.3f}*g = {C['c']:+.3f}.",
            f"GRU:      no cell state; the update gate z = {G['z']:.3f} keeps {_pct(G['z'])} of h_(t-1) and lets in "
            f"{_pct(G['1-z'])} of the candidate n = {G['n']:+.3f}: h_t = {G['1-z']:.3f}*n + {G['z']:.3f}*h_(t-1) "
            f"= {G['h']:+.3f} (reset gate r = {G['r']:.3f} scales h_(t-1)'s share of n).",
            "Left: gate values per cell (the faded bars with vertical hatching, 1-f and 1-z, are tied, not learned). "
            "Right: candidate, new c_t and new h_t as bars; c_(t-1) dotted line, h_(t-1) dashed line.",
        ]
        self.set_readout(lines)


# --- the training comparison's figure -------------------------------------------------------------

# one look per run: colour (Okabe-Ito), line style and marker, so no curve depends on colour alone
RUN_STYLE = {
    "lstm": {"color": OKABE_ITO["blue"], "linestyle": "-", "marker": "o"},
    "peephole": {"color": OKABE_ITO["orange"], "linestyle": "--", "marker": "s"},
    "coupled": {"color": OKABE_ITO["green"], "linestyle": "-.", "marker": "^"},
    "gru": {"color": OKABE_ITO["vermillion"], "linestyle": ":", "marker": "D"},
    "gru, default init": {"color": OKABE_ITO["purple"], "linestyle": (0, (5, 1, 1, 1, 1, 1)), "marker": "v"},
    "rnn": {"color": OKABE_ITO["black"], "linestyle": (0, (1, 3)), "marker": "x"},
}


def plot_runs(runs, chance, window=10, title_suffix=""):
    """Test accuracy and smoothed training loss of several runs, side by side.

    runs:   {label: (History, curve)} with curve an (n, 2) array of [step, test accuracy]; a
            label's style is RUN_STYLE[label] (unknown labels get grey)
    chance: the accuracy of guessing, drawn and labelled as a horizontal line
    window: steps in the loss's running mean (History.smoothed)
    Returns (fig, (ax_acc, ax_loss)); the lines carry the labels.
    """
    if not runs:
        raise ValueError("runs must hold at least one {label: (History, curve)} entry")
    fig, (ax_a, ax_l) = new_figure(9.0, 3.6, ncols=2)
    for label, (hist, curve) in runs.items():
        curve = np.asarray(curve, float)
        if curve.ndim != 2 or curve.shape[1] != 2:
            raise ValueError(f"runs[{label!r}]'s curve must have shape (n, 2) ([step, accuracy]); got {curve.shape}")
        st = RUN_STYLE.get(label, {"color": OKABE_ITO["grey"], "linestyle": "-", "marker": "."})
        ax_a.plot(curve[:, 0], curve[:, 1], label=label, markersize=5, linewidth=1.5, **st)
        loss = hist.smoothed(window)
        ax_l.plot(np.arange(1, loss.size + 1), loss, label=label, linewidth=1.5,
                  color=st["color"], linestyle=st["linestyle"], marker=st["marker"],
                  markevery=max(1, loss.size // 8), markersize=5)
    ax_a.axhline(chance, color=OKABE_ITO["grey"], linewidth=1.2, label=f"chance = {chance:.2f}")
    ax_l.axhline(-np.log(chance), color=OKABE_ITO["grey"], linewidth=1.0)
    right = blended_transform_factory(ax_l.transAxes, ax_l.transData)
    ax_l.text(0.98, -np.log(chance) + 0.05, f"guessing: ln {1 / chance:.0f} = {-np.log(chance):.2f}", transform=right,
              ha="right", va="bottom", fontsize=8, color="dimgrey")
    ax_a.set_ylim(0.0, 1.03)
    ax_l.set_ylim(0.0, max(1.6, 1.1 * -np.log(chance)))
    style_axes(ax_a, "Test accuracy while training" + title_suffix, "training step", "accuracy")
    style_axes(ax_l, f"Training loss (mean of {window} steps)", "training step", "cross-entropy")
    ax_a.legend(fontsize=8, loc="center right")
    return fig, (ax_a, ax_l)


def plot_race(result, level=0.9):
    """Test accuracy while training, one panel per model of a race run from several seeds.

    result: a ``lstm_course.demos.variants.RaceResult`` (curves[label]: (n_seeds, n, 2) of
            [step, test accuracy]); each panel draws one thin line per seed and the median over
            the seeds thick, in the label's RUN_STYLE, with chance and ``level`` as lines.
    Returns (fig, axes) with axes an array of panels (unused ones switched off).
    """
    labels = list(getattr(result, "curves", {}))
    if not labels:
        raise ValueError("result must be a RaceResult with at least one run (its .curves)")
    ncols = min(3, len(labels))
    nrows = math.ceil(len(labels) / ncols)
    fig, axes = new_figure(9.0, 2.4 * nrows, ncols=ncols, nrows=nrows, sharex=True, sharey=True, squeeze=False)
    n_seeds = len(result.seeds)
    for ax, label in zip(axes.flat, labels):
        st = RUN_STYLE.get(label, {"color": OKABE_ITO["grey"], "linestyle": "-", "marker": "."})
        curves = np.asarray(result.curves[label], float)               # (n_seeds, n, 2)
        for c in curves:                                               # one thin line per seed
            ax.plot(c[:, 0], c[:, 1], color=st["color"], linewidth=0.8, alpha=0.55)
        ax.plot(curves[0, :, 0], np.median(curves[:, :, 1], axis=0), linewidth=2.0, markersize=4,
                label=f"median of {n_seeds} seeds", **st)
        ax.axhline(result.chance, color=OKABE_ITO["grey"], linewidth=1.0, label=f"chance = {result.chance:.2f}")
        ax.axhline(level, color=OKABE_ITO["black"], linewidth=0.8, linestyle=":", label=f"{level:.0%}")
        ax.set_ylim(0.0, 1.03)
        style_axes(ax, label, "training step", "test accuracy")
    axes.flat[0].legend(fontsize=8, loc="lower right")              # the same three entries in every panel
    for ax in list(axes.flat)[len(labels):]:
        ax.set_axis_off()
    return fig, axes
