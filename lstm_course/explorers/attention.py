"""Explorers of notebook 18: where the attention model looks, and what attention buys with length.

AttentionMapExplorer: type a digit string; the trained attention model reverses it (greedy
decoding, fed its own guesses) and the heatmap shows its attention weights, one row per output
step and one column per input position, with a dot on each row's largest weight. A slider picks
the output step the readout describes in words.
``plot_length_sweep``: notebook 18's experiment, digit accuracy against string length for the
plain and the attention model, every seed shown.
"""

from __future__ import annotations

import ipywidgets as widgets
import matplotlib
import numpy as np

from ..demos import attention as demo
from ..plotting import OKABE_ITO, new_figure, style_axes
from .kit import Explorer, int_slider

LONGEST = 12                       # the longest strings the shipped model was trained on
ROWS, COLS = LONGEST + 1, LONGEST  # output steps (the digits, then EOS) x input positions

STYLE = {"plain": dict(color=OKABE_ITO["vermillion"], linestyle="--", marker="s", label="plain encoder-decoder"),
         "attention": dict(color=OKABE_ITO["blue"], linestyle="-", marker="o", label="with attention")}


def plot_length_sweep(sweep, ax=None):
    """Digit accuracy (greedy, fed its own guesses) against the string length: each seed a small
    dot, the mean a line with big markers, both models with their own colour, line and marker."""
    if not isinstance(sweep, demo.LengthSweep):
        raise TypeError(f"sweep must be a LengthSweep from length_sweep(); got {type(sweep).__name__}")
    if ax is None:
        _, ax = new_figure(8.0, 3.6)
    Ls = np.array(sweep.eval_lengths, dtype=float)
    for label, dx in (("plain", -0.12), ("attention", 0.12)):
        st = STYLE[label]
        acc = sweep.accuracy[label]
        ax.scatter(np.repeat(Ls + dx, acc.shape[1]), acc.ravel(), s=16, color=st["color"], marker=st["marker"],
                   alpha=0.6, linewidths=0, zorder=3)
        ax.plot(Ls + dx, acc.mean(axis=1), color=st["color"], linestyle=st["linestyle"], marker=st["marker"],
                markersize=7, markerfacecolor="white", linewidth=2, label=st["label"], zorder=4)
    ax.axhline(1 / sweep.config["n_digits"], color=OKABE_ITO["grey"], linestyle=":", linewidth=1.5,
               label=f"guessing: 1/{sweep.config['n_digits']}")
    ax.set_ylim(0, 1.05)
    ax.set_xticks(Ls, [str(int(L)) for L in Ls])
    style_axes(ax, f"Reversing digit strings: accuracy by length ({len(sweep.seeds)} seeds)",
               "string length L (digits)", "digits right (greedy)")
    ax.legend(loc="lower left", fontsize=8, title="line: mean; dots: each seed", title_fontsize=8)
    return ax


class AttentionMapExplorer(Explorer):
    """Type digits; see where each output step of the trained attention model looks.

    model: a trained ``AttentionSeq2Seq`` on the digits 0-9 (default: the shipped one,
           data/attention/weights.npz); digits: the starting string; step: the output step
           described in the readout (1 = the first output digit).
    """

    title = "Where attention looks while reversing a string"
    options = dict(model=None, digits="31415926", step=1)
    presets = {"8 digits of pi": {"digits_box": "31415926"},
               "one digit repeated": {"digits_box": "5555555"},
               "a palindrome": {"digits_box": "1234321"},
               "12 digits (the longest)": {"digits_box": "271828182845"},
               "2 digits": {"digits_box": "42"}}
    preset_tips = {"one digit repeated": "every input position holds the same digit: which one does it pick?",
                   "a palindrome": "the reversed string is the string itself",
                   "12 digits (the longest)": "the longest strings the model was trained on"}

    def check_options(self):
        if self.model is None:
            self.model = demo.load_model()
        if not hasattr(self.model, "attend"):
            raise TypeError(f"model must be a trained AttentionSeq2Seq; got {type(self.model).__name__}")
        if self.model.n_digits != 10:
            raise ValueError(f"model must be trained on the 10 digits 0-9; it has n_digits={self.model.n_digits}")
        self.step = int(self.step)
        self._cache = None

    def build(self):
        self.digits_box = widgets.Text(value=str(self.digits), description="digits to reverse",
                                       continuous_update=True, style={"description_width": "initial"},
                                       layout=widgets.Layout(width="320px"))
        self.step_slider = int_slider("output step described", self.step, 1, ROWS)
        self.controls = [self.digits_box, self.step_slider]

        self.fig, ax = new_figure(6.6, 5.0)
        cmap = matplotlib.colormaps["cividis"].with_extremes(bad="white")
        # a mesh, not imshow: Agg draws 13 x 12 flat cells faster than it resamples an image
        self.mesh = ax.pcolormesh(np.arange(COLS + 1) + 0.5, np.arange(ROWS + 1) + 0.5,
                                  np.ma.masked_all((ROWS, COLS)), cmap=cmap, vmin=0.0, vmax=1.0,
                                  shading="flat", edgecolors="white", linewidth=0.5)
        self.peaks, = ax.plot([], [], "o", markersize=6, markerfacecolor=OKABE_ITO["vermillion"],
                              markeredgecolor="white", markeredgewidth=1.2, linestyle="none",
                              label="largest weight of the row")
        self.mirror, = ax.plot([], [], color=OKABE_ITO["sky"], linestyle=":", linewidth=1.6,
                               label="mirror position (where a perfect reversal looks)")
        self.row_box, = ax.plot([], [], color=OKABE_ITO["black"], linewidth=2.0, label="the step described")
        self.in_text = [ax.text(j + 1, -0.05, "", ha="center", va="center", fontsize=11, fontweight="bold")
                        for j in range(COLS)]
        self.out_text = [ax.text(COLS + 0.9, t + 1, "", ha="center", va="center", fontsize=11, fontweight="bold")
                         for t in range(ROWS)]
        ax.set_xlim(0.5, COLS + 1.4)
        ax.set_ylim(ROWS + 0.5, -0.6)                # output step 1 at the top, the input digits above it
        ax.set_xticks(np.arange(1, COLS + 1))
        ax.set_yticks(np.arange(1, ROWS + 1))
        style_axes(ax, "Attention weights (input digits on top, output digits on the right)",
                   "input position j", "output step t")
        ax.grid(False)
        bar = self.fig.colorbar(self.mesh, ax=ax, shrink=0.8, pad=0.02)
        bar.set_label("weight a[t, j] (each row sums to 1)", fontsize=9)
        bar.ax.set_title("colour", fontsize=9)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncols=2, fontsize=8, frameon=False)
        self.ax = ax

    def compute(self):
        """(digits (L,), note, tokens (L + 1,), weights (L + 1, L)) for the typed string."""
        text = str(self.digits_box.value)
        if self._cache is None or self._cache[0] != text:     # the slider alone reuses the decoding
            digits, note = demo.parse_digits(text, 10, LONGEST)
            toks = w = None
            if digits.size:
                toks, w = self.model.attend(digits[None, :])
                toks, w = toks[0], w[0]
            self._cache = (text, (digits, note, toks, w))
        return self._cache[1]

    def update(self):
        digits, note, toks, w = self.compute()
        L = digits.size
        grid = np.ma.masked_all((ROWS, COLS))
        self._fit_step_slider(L + 1)
        t_sel = int(self.step_slider.value)
        if L:
            grid[:L + 1, :L] = w
        self.mesh.set_array(grid)
        for j, text in enumerate(self.in_text):
            text.set_text(str(digits[j]) if j < L else "")
        for t, text in enumerate(self.out_text):
            text.set_text("" if toks is None or t > L else ("end" if toks[t] == self.model.eos else str(toks[t])))
            text.set_x(L + 1.0)                                 # just right of the string's last column
        if not L:
            for line in (self.peaks, self.mirror, self.row_box):
                line.set_data([], [])
            self.set_readout(["Type some digits (0-9) to see where the model looks."
                              + (f" ({note})" if note else "")])
            return
        peak = np.argmax(w, axis=1)                              # (L + 1,) the input position each step reads most
        self.peaks.set_data(peak + 1, np.arange(1, L + 2))
        self.mirror.set_data(np.arange(L, 0, -1), np.arange(1, L + 1))
        row = min(t_sel, L + 1)
        self.row_box.set_data([0.5, L + 0.5, L + 0.5, 0.5, 0.5], [row - 0.5, row - 0.5, row + 0.5, row + 0.5, row - 0.5])
        want = digits[::-1]
        out_digits = toks[:L]
        right = int(np.sum(out_digits == want))
        ended = toks[L] == self.model.eos
        on_mirror = int(np.sum(peak[:L] == np.arange(L - 1, -1, -1)))
        t = row - 1
        order = np.argsort(-w[t], kind="stable")
        what = "the end mark" if t == L else f"digit {t + 1} of the output"
        wrote = "end" if toks[t] == self.model.eos else str(toks[t])
        lines = [
            f"Input {''.join(map(str, digits))} ({L} digits)" + (f"; {note}" if note else "") + ".",
            f"Output {''.join('end' if k == self.model.eos else str(k) for k in toks)}: "
            f"{right} of {L} digits right, {'then the end mark' if ended else 'but no end mark where it belongs'}.",
            f"{on_mirror} of {L} output digits look hardest at the mirror position (input L + 1 - t).",
            f"Step {row} ({what}) wrote {wrote}; it looks most at input position {order[0] + 1} "
            f"(digit {digits[order[0]]}, weight {w[t, order[0]]:.2f})"
            + (f", then position {order[1] + 1} (weight {w[t, order[1]]:.2f})." if L > 1 else "."),
        ]
        self.set_readout(lines)

    def _fit_step_slider(self, steps):
        """The step slider runs over the string's own output steps (its digits and the end mark),
        so every position of it moves the described row; a shorter string pulls the step back."""
        if self.step_slider.max != steps:
            held, self._held = self._held, True          # the value it clamps is used below, not a new update
            try:
                self.step_slider.max = steps
            finally:
                self._held = held
