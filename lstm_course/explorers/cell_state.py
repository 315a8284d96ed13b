"""Explorers of notebook 05, the cell state update c_t = f * c_{t-1} + i * C~.

CellStateExplorer:      one memory unit, a slider for each of f, i, C~ and c_{t-1}; the new cell
                        state drawn as a stack of the kept part and the written part.
SentenceMemoryExplorer: a one-unit memory read along "Bob is nice . Dan is kind"; sliders set the
                        forget gate at the full stop and the input gate on a name.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
from matplotlib.patches import Rectangle

from lstm_core.activations import tanh
from lstm_core.cell import cell_state_update
from ..plotting import GATE_STYLE, OKABE_ITO, new_figure, style_axes
from .kit import Explorer, float_slider, wrap_row



def _key(ax, entries, x0, y0, dy=0.085):
    """A legend drawn once from plain artists, in axes coordinates, one entry a row from (x0, y0)
    down. (A matplotlib legend re-packs its boxes on every draw, which here costs as much as the
    rest of the figure.) entries: (style, text); style is a dict of patch keywords (with
    "hatch") or of Line2D keywords (with "linestyle" or "marker")."""
    y = y0
    for style, text in entries:
        if "hatch" in style:
            ax.add_patch(Rectangle((x0, y - 0.03), 0.045, 0.06, transform=ax.transAxes, alpha=0.55,
                                   edgecolor="black", **style))
        else:
            ax.plot([x0, x0 + 0.045], [y, y], transform=ax.transAxes, **style)
        ax.text(x0 + 0.06, y, text, transform=ax.transAxes, va="center", fontsize=8)
        y -= dy


def _num(v, digits=2):
    """Fixed-format number without a "-0.00"."""
    return f"{round(float(v), digits) + 0.0:.{digits}f}"


def _pct(v):
    return f"{round(100 * float(v)) + 0:.0f}%"


PRESETS = {                      # name: (f, i, what it does)
    "remember": (1.0, 0.0, "keep the old memory as it is, write nothing"),
    "forget": (0.0, 0.0, "wipe the memory, write nothing"),
    "overwrite": (0.0, 1.0, "drop the old memory, write the whole candidate"),
    "accumulate": (1.0, 1.0, "keep the old memory and add the whole candidate"),
}


def regime(f, i):
    """The preset a pair of gate values is closest to, in words."""
    name = ("remember" if i < 0.5 else "accumulate") if f >= 0.5 else ("forget" if i < 0.5 else "overwrite")
    return name, PRESETS[name][2]


class CellStateExplorer(Explorer):
    """One memory unit: c_t = f * c_{t-1} + i * C~ with a slider for each of the four inputs.

    Bars: the old memory c_{t-1}, the candidate C~, and the new memory c_t drawn as two stacked
    segments, the kept part f*c_{t-1} (from 0) and the written part i*C~ (on top of it), with a
    marker at their sum c_t. A second panel shows the two gates. Presets set f and i.
    """

    title = "The cell state update: keep part of the old memory, write part of the candidate"
    options = dict(f=0.8, i=0.3, g=0.6, c_prev=1.5)
    # each sets the two gates at once (c_{t-1} and C~ stay)
    presets = {f"{name} (f={f:g}, i={i:g})": {"f_slider": f, "i_slider": i} for name, (f, i, _) in PRESETS.items()}
    preset_tips = {f"{name} (f={f:g}, i={i:g})": what for name, (f, i, what) in PRESETS.items()}

    C_RANGE = (-2.0, 2.0)

    def build(self):
        f0, i0, g0, c0 = self.f, self.i, self.g, self.c_prev
        self.f_slider = float_slider("forget gate f", f0, 0.0, 1.0)
        self.i_slider = float_slider("input gate i", i0, 0.0, 1.0)
        self.g_slider = float_slider(r"candidate $\tilde C$", g0, -1.0, 1.0)
        self.c_slider = float_slider("old memory $c_{t-1}$", c0, *self.C_RANGE, step=0.05)
        self.sliders = [self.f_slider, self.i_slider, self.g_slider, self.c_slider]
        self.controls = list(self.sliders)

        self.fig, (ax, ax_g) = new_figure(8.8, 3.6, ncols=2, gridspec_kw={"width_ratios": [3.6, 1]})
        cs, gs, fs, is_ = GATE_STYLE["c"], GATE_STYLE["g"], GATE_STYLE["f"], GATE_STYLE["i"]
        ax.axhline(0.0, color="black", linewidth=0.8)
        w = 0.6
        self.old_bar = ax.bar([0], [c0], width=w, color=cs["color"], alpha=0.55, hatch=cs["hatch"],
                              edgecolor="black", label="old memory $c_{t-1}$")[0]
        self.cand_bar = ax.bar([1], [g0], width=w, color=gs["color"], alpha=0.55, hatch=gs["hatch"],
                               edgecolor="black", label=r"candidate $\tilde C$")[0]
        self.kept_bar = ax.bar([2 - w / 4], [0.0], width=w / 2, color=fs["color"], alpha=0.55, hatch=fs["hatch"],
                               edgecolor="black", label=r"kept part $f \cdot c_{t-1}$")[0]
        self.written_bar = ax.bar([2 + w / 4], [0.0], width=w / 2, color=is_["color"], alpha=0.55, hatch=is_["hatch"],
                                  edgecolor="black", label=r"written part $i \cdot \tilde C$")[0]
        self.c_line, = ax.plot([2 - 0.4, 2 + 0.4], [0, 0], color="black", linewidth=2.5,
                               marker="D", markevery=[1], markersize=7, label="new memory $c_t$")
        self.c_text = ax.text(2 + 0.47, 0, "", va="center", ha="left", fontsize=9,
                              bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})
        lim = self.C_RANGE[1] + 1.2
        ax.set_xlim(-0.5, 4.75)
        ax.set_ylim(-lim, lim)
        ax.set_xticks([0, 1, 2], ["old memory\n$c_{t-1}$", "candidate\n" r"$\tilde C$", "new memory\n$c_t$"])
        style_axes(ax, r"$c_t = f \cdot c_{t-1} + i \cdot \tilde C$", "", "value")
        ax.grid(False, axis="x")
        patch = lambda st: {"facecolor": st["color"], "hatch": st["hatch"]}  # noqa: E731
        _key(ax, [(patch(cs), "old memory $c_{t-1}$"), (patch(gs), r"candidate $\tilde C$"),
                  (patch(fs), r"kept part $f \cdot c_{t-1}$"), (patch(is_), r"written part $i \cdot \tilde C$"),
                  ({"color": "black", "linewidth": 2.5, "marker": "D", "markevery": [1], "markersize": 6},
                   "new memory $c_t$")], x0=0.715, y0=0.70)

        self.gate_bars = ax_g.bar([0, 1], [f0, i0], width=0.6, color=[fs["color"], is_["color"]], alpha=0.55,
                                  edgecolor="black")
        for bar, key in zip(self.gate_bars, ("f", "i")):
            bar.set_hatch(GATE_STYLE[key]["hatch"])
        self.gate_texts = [ax_g.text(k, 0, "", ha="center", va="bottom", fontsize=9) for k in (0, 1)]
        ax_g.set_xticks([0, 1], ["forget\nf", "input\ni"])
        ax_g.set_ylim(0, 1.18)
        ax_g.set_yticks([0, 0.25, 0.5, 0.75, 1])
        ax_g.set_xlim(-0.6, 1.6)
        style_axes(ax_g, "Gates: how much", "", "share let through")
        self.ax, self.ax_g = ax, ax_g

    def control_box(self):
        return widgets.VBox([wrap_row(*self.sliders[:2]), wrap_row(*self.sliders[2:]), self.preset_row])

    def values(self):
        """(f, i, g, c_prev, kept, written, c) from the sliders, c from lstm_core."""
        f, i, g, c_prev = (float(s.value) for s in self.sliders)
        c = float(cell_state_update(np.array([f]), np.array([i]), np.array([g]), np.array([c_prev]))[0])
        return f, i, g, c_prev, f * c_prev, i * g, c

    def update(self):
        f, i, g, c_prev, kept, written, c = self.values()
        self.old_bar.set_height(c_prev)
        self.cand_bar.set_height(g)
        self.kept_bar.set_height(kept)
        self.written_bar.set_y(kept)
        self.written_bar.set_height(written)
        self.c_line.set_ydata([c, c])
        self.c_text.set_position((2.47, c))
        self.c_text.set_text(f"$c_t$ = {_num(c)}")
        for bar, text, v in zip(self.gate_bars, self.gate_texts, (f, i)):
            bar.set_height(v)
            text.set_position((text.get_position()[0], v + 0.02))
            text.set_text(_num(v))
        name, what = regime(f, i)
        self.set_readout([
            f"The forget gate keeps {_pct(f)} of the old memory ({_num(f)} x {_num(c_prev)} = {_num(kept)}) "
            f"and drops the other {_pct(1 - f)} ({_num(c_prev - kept)}).",
            f"The input gate writes {_pct(i)} of the candidate ({_num(i)} x {_num(g)} = {_num(written)}).",
            f"New memory c_t = {_num(kept)} + {_num(written)} = {_num(c)} "
            f"(it was {_num(c_prev)}; change {'+' if c - c_prev >= 0 else '-'}{_num(abs(c - c_prev))}).",
            f"Closest preset: {name}, {what}.",
        ])


TOKENS = ("Bob", "is", "nice", ".", "Dan", "is", "kind")
SUBJECT = {"Bob": 1.0, "Dan": -1.0}     # the sign the candidate gives each name
CANDIDATE_SCALE = 1.5                   # C~ = tanh(1.5 x sign) on a name, 0 elsewhere


def sentence_gates(f_other, f_stop, i_name, tokens=TOKENS):
    """Hand-set gates per token: (f, i, g), each an array (T,).

    f: f_stop at ".", f_other elsewhere; i: i_name on a name, 0 elsewhere (there C~ is 0 anyway);
    g: tanh(1.5) for Bob, -tanh(1.5) for Dan, 0 elsewhere."""
    f = np.array([f_stop if t == "." else f_other for t in tokens])
    i = np.array([i_name if t in SUBJECT else 0.0 for t in tokens])
    g = tanh(CANDIDATE_SCALE * np.array([SUBJECT.get(t, 0.0) for t in tokens]))
    return f, i, g


def run_memory(f, i, g, c0=0.0):
    """c_t for every step, from c_0 = c0, with lstm_core.cell_state_update."""
    c, out = np.array([float(c0)]), []
    for ft, it, gt in zip(f, i, g):
        c = cell_state_update(np.array([ft]), np.array([it]), np.array([gt]), c)
        out.append(float(c[0]))
    return np.array(out)


def subject_of(c, threshold=0.3):
    """What a final memory value says about the subject, in words."""
    if c > threshold:
        return "the subject is Bob (positive)"
    if c < -threshold:
        return "the subject is Dan (negative)"
    return "a blur of Bob and Dan, neither subject is clear"


class SentenceMemoryExplorer(Explorer):
    """A one-unit memory that tracks the subject of "Bob is nice . Dan is kind".

    Bob writes +0.91 into the memory, Dan -0.91. Sliders: the forget gate on ordinary words, the
    forget gate at the full stop, and the input gate on a name. The plot shows c_t after each
    token, with f_t and i_t.
    """

    title = "A new subject after the full stop"
    options = dict(f_other=0.98, f_stop=0.02, i_name=0.98)

    def build(self):
        self.f_other_slider = float_slider("forget gate on other tokens", self.f_other, 0.0, 1.0)
        self.f_stop_slider = float_slider("forget gate at '.'", self.f_stop, 0.0, 1.0)
        self.i_name_slider = float_slider("input gate on a name", self.i_name, 0.0, 1.0)
        self.controls = [self.f_other_slider, self.f_stop_slider, self.i_name_slider]
        self.fig, ax = new_figure(8.0, 3.4)
        T = len(TOKENS)
        x = np.arange(T)
        ax.axhline(0.0, color="black", linewidth=0.8)
        ax.axvspan(TOKENS.index(".") - 0.5, TOKENS.index(".") + 0.5, color=OKABE_ITO["grey"], alpha=0.15)
        st = {k: {"color": GATE_STYLE[k]["color"], "linestyle": GATE_STYLE[k]["linestyle"]} for k in "fic"}
        st["f"].update(marker="s", markersize=5, alpha=0.8)
        st["i"].update(marker="^", markersize=5, alpha=0.8)
        st["c"].update(marker="o", markersize=8, linewidth=2.5)
        self.f_line, = ax.plot(x, np.zeros(T), **st["f"])
        self.i_line, = ax.plot(x, np.zeros(T), **st["i"])
        self.c_line, = ax.plot(x, np.zeros(T), **st["c"])
        ax.set_xticks(x, [f"'{t}'" for t in TOKENS])
        ax.set_xlim(-0.5, T - 0.5)
        ax.set_ylim(-1.15, 1.15)
        style_axes(ax, "Memory $c_t$ after each token (+ means Bob, - means Dan)", "token read at step t", "value")
        _key(ax, [(dict(st["c"], markevery=[1]), "memory $c_t$"), (dict(st["f"], markevery=[1]), "forget gate $f_t$"),
                  (dict(st["i"], markevery=[1]), "input gate $i_t$")], x0=0.02, y0=0.27, dy=0.09)
        self.ax = ax

    def values(self):
        """(f, i, g, c) per token."""
        f, i, g = sentence_gates(*(float(s.value) for s in self.controls))
        return f, i, g, run_memory(f, i, g)

    def update(self):
        f, i, g, c = self.values()
        self.f_line.set_ydata(f)
        self.i_line.set_ydata(i)
        self.c_line.set_ydata(c)
        k_stop, k_dan = TOKENS.index("."), TOKENS.index("Dan")
        self.set_readout([
            f"After 'Bob' the memory is {_num(c[0])}; by 'nice' it is {_num(c[k_stop - 1])} "
            f"(the forget gate keeps {_pct(f[1])} of it at each ordinary word).",
            f"At '.' the forget gate keeps {_pct(f[k_stop])}: the memory goes from {_num(c[k_stop - 1])} "
            f"to {_num(c[k_stop])}.",
            f"At 'Dan' the input gate writes {_pct(i[k_dan])} of the candidate {_num(g[k_dan])}: "
            f"the memory becomes {_num(c[k_dan])}.",
            f"At the end ('{TOKENS[-1]}') the memory is {_num(c[-1])}: {subject_of(c[-1])}.",
        ])
