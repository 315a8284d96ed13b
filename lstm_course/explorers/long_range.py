"""LongRangeExplorer and the figures of notebook 12: trained LSTMs and RNNs on the long-range task
(``lstm_course.demos.long_range``), over several seeds.

``plot_accuracy_vs_k(sweep)`` and ``plot_losses(sweep, k)`` draw the notebook's static figures: every
seed's run is drawn, so the spread between seeds is in plain sight.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from lstm_core import _checks
from ..demos.long_range import Sweep, long_range_accuracy
from ..plotting import GATE_STYLE, OKABE_ITO, new_figure, style_axes
from .kit import Explorer, int_slider, keep_in_frame

# The models of notebook 12 (labels of experiments.NOTEBOOK_12), drawn the same way in every figure.
KIND_STYLE = {
    "lstm": {"color": OKABE_ITO["blue"], "linestyle": "-", "marker": "o", "label": "LSTM"},
    "rnn": {"color": OKABE_ITO["vermillion"], "linestyle": "--", "marker": "s", "label": "plain RNN"},
    "big rnn": {"color": OKABE_ITO["green"], "linestyle": "-.", "marker": "^", "label": "big RNN"},
}
_OTHER = [{"color": c, "linestyle": ls, "marker": m} for c, ls, m in
          zip((OKABE_ITO["purple"], OKABE_ITO["orange"], OKABE_ITO["sky"], OKABE_ITO["black"]),
              (":", (0, (5, 1, 1, 1)), (0, (3, 1)), (0, (1, 1))), ("D", "v", "P", "X"))]

# The training of the explorer's default (no sweep passed in): small enough to take about a second.
DEMO = dict(ks=(3, 6), steps=100, hidden=12, n_test=64)
C_LIMIT = 8.0        # the colour scale of the cell-state panel: |c| beyond it is drawn as 8


def kind_style(kind, index=0) -> dict:
    """Colour, line style, marker and label of a model label (others get the remaining styles)."""
    if kind in KIND_STYLE:
        return dict(KIND_STYLE[kind])
    return {**_OTHER[index % len(_OTHER)], "label": kind}


def model_name(sweep, label, index=0) -> str:
    """How the figures name a model: its style's name and its size, "LSTM (H = 32)"."""
    return f"{kind_style(label, index)['label']} (H = {sweep.models[label][1]})"


def _check_sweep(sweep):
    if not isinstance(sweep, Sweep):
        raise TypeError(f"sweep must be the Sweep that experiments.long_range_accuracy returned; "
                        f"got {_checks.describe(sweep)}")
    return sweep


def _offsets(n, width=0.24):
    """Horizontal offsets that set n models side by side around each gap."""
    return np.linspace(-width, width, n) if n > 1 else np.zeros(1)


def plot_accuracy_vs_k(sweep, ax=None):
    """Test accuracy against the gap k: every seed's run as a dot, the mean over the seeds as a line,
    the range from the lowest to the highest seed as a vertical bar; chance drawn and labelled.
    The gaps sit at equal distances (they double from one to the next); the models side by side."""
    _check_sweep(sweep)
    if ax is None:
        fig, ax = new_figure(8.4, 3.8)
    pos = np.arange(len(sweep.ks), dtype=float)
    for j, (label, dx) in enumerate(zip(sweep.labels, _offsets(len(sweep.labels)))):
        st = kind_style(label, j)
        acc = sweep.accuracy[label]                                  # (len(ks), len(seeds))
        x = pos + dx
        ax.vlines(x, acc.min(axis=1), acc.max(axis=1), color=st["color"], linewidth=1.5, alpha=0.8,
                  label="_range")
        ax.scatter(np.repeat(x, acc.shape[1]), acc.ravel(), s=14, color=st["color"], alpha=0.55,
                   marker=st["marker"], linewidths=0, label="_seeds", zorder=3)
        ax.plot(x, acc.mean(axis=1), color=st["color"], linestyle=st["linestyle"], marker=st["marker"],
                markersize=7, markerfacecolor="white", linewidth=2, label=model_name(sweep, label, j), zorder=4)
    ax.axhline(sweep.chance, color=OKABE_ITO["grey"], linestyle=":", linewidth=1.5)
    ax.annotate(f"chance = 1/{sweep.n_symbols} = {sweep.chance:.2f}", (pos[0] - 0.35, sweep.chance),
                xytext=(0, -5), textcoords="offset points", ha="left", va="top", fontsize=9)
    ax.set_ylim(0, 1.05)
    ax.set_xlim(pos[0] - 0.45, pos[-1] + 0.45)
    ax.set_xticks(pos, [str(k) for k in sweep.ks])
    style_axes(ax, f"Remembering one symbol across k noisy steps ({len(sweep.seeds)} seeds)",
               "gap k (steps between symbol and answer)", "test accuracy")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, title="line: mean over seeds\n"
              "dots: one per seed\nbar: lowest to highest", title_fontsize=8, alignment="left")
    return ax


def show_training_curve(losses, n_classes=4):
    """Draw the loss curve of the learner's own training loop (notebook 12's 12-train-loop), or say
    that the loop is not written yet (``losses`` None). Returns the figure, or None."""
    if losses is None:
        print("my_train is not written yet: fill it in above to watch its loss fall.")
        return None
    from IPython.display import display

    losses = np.asarray(losses, dtype=float).ravel()
    fig, ax = new_figure(width=6.0, height=3.0)
    ax.plot(np.arange(1, len(losses) + 1), losses, color=OKABE_ITO["blue"], label="your loop")
    ax.axhline(np.log(n_classes), color=OKABE_ITO["vermillion"], linestyle="--", label=f"guessing: ln {n_classes}")
    style_axes(ax, "Your training loop: the loss on one batch", "step", "cross-entropy")
    ax.legend()
    if len(losses):
        print(f"loss: {losses[0]:.3f} at the first step, {losses[-1]:.3f} at the last")
    display(fig.canvas)
    return fig


def plot_losses(sweep, k, ax=None, window=20):
    """Training loss (running mean over ``window`` steps) at gap k: one thin line per seed and model."""
    _check_sweep(sweep)
    if k not in sweep.ks:
        raise ValueError(f"k must be one of the trained gaps {sweep.ks}; got {k!r}")
    if ax is None:
        fig, ax = new_figure(8.4, 3.4)
    for j, label in enumerate(sweep.labels):
        st = kind_style(label, j)
        st.pop("marker")
        st.pop("label")
        for n, seed in enumerate(sweep.seeds):
            ax.plot(sweep.runs[label, k, seed].history.smoothed(window), linewidth=1, alpha=0.75,
                    label=model_name(sweep, label, j) if n == 0 else "_seed", **st)
    ln = np.log(sweep.n_symbols)
    ax.axhline(ln, color=OKABE_ITO["grey"], linestyle=":", linewidth=1.5)
    ax.annotate(f"guessing: ln {sweep.n_symbols} = {ln:.2f}", (0, ln),
                xytext=(4, 4), textcoords="offset points", va="bottom", fontsize=9,
                bbox=dict(facecolor="white", alpha=0.8, edgecolor="none", pad=1))
    ax.set_ylim(0, 1.2 * ln)
    style_axes(ax, f"Training loss at k = {k}, one line per seed (running mean over {window} steps)",
               "training step", "cross-entropy")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    return ax


class LongRangeExplorer(Explorer):
    """Pick a trained gap k, a seed and a test sequence; see the LSTM's gates and cell state over time
    next to the plain RNN's hidden state.

    sweep:       a ``Sweep`` from ``experiments.long_range_accuracy`` with models "lstm" and "rnn"
                 (None: a quick demo training, about a second, so the explorer works on its own)
    n_sequences: how many test sequences the slider offers
    """

    title = "Inside the trained models: does the symbol survive the gap?"
    options = dict(sweep=None, n_sequences=8)

    def check_options(self):
        self.demo = self.sweep is None
        if self.demo:
            self.sweep = long_range_accuracy(("rnn", "lstm"), **DEMO)
        _check_sweep(self.sweep)
        for label in ("lstm", "rnn"):
            if label not in self.sweep.models:
                raise ValueError(f"sweep must hold 'lstm' and 'rnn' runs; it has {self.sweep.labels}")
        self.n_sequences = _checks.positive_int("n_sequences", self.n_sequences)
        self._cache = {}

    # --- the numbers -----------------------------------------------------------------------------
    def traces(self, k, seed):
        """For gap k and a seed: (xs, targets, LSTM output, RNN output) on the first test sequences
        (the two runs of one seed share their test set)."""
        if (k, seed) not in self._cache:
            lstm, rnn = self.sweep.runs["lstm", k, seed], self.sweep.runs["rnn", k, seed]
            xs, ts = lstm.test_set(self.n_sequences)
            self._cache[k, seed] = (xs, ts, lstm.model.forward(xs, at="last"), rnn.model.forward(xs, at="last"))
        return self._cache[k, seed]

    # --- the figure --------------------------------------------------------------------------------
    def build(self):
        ks = self.sweep.ks
        self.k_buttons = widgets.ToggleButtons(options=[(f"k = {k}", k) for k in ks], value=ks[-1],
                                               description="gap", style={"button_width": "70px"})
        seeds = self.sweep.seeds
        self.seed_buttons = widgets.ToggleButtons(options=[(f"seed {s}", s) for s in seeds], value=seeds[0],
                                                  description="seed", style={"button_width": "70px"})
        self.seq_slider = int_slider("test sequence", 0, 0, self.n_sequences - 1)
        self.controls = [self.k_buttons, self.seed_buttons, self.seq_slider]
        T = max(ks) + 1
        H_l = self.sweep.models["lstm"][1]
        H_r = self.sweep.models["rnn"][1]
        self.fig, (ax_g, ax_c, ax_h) = new_figure(9.0, 3.6, ncols=3,
                                                  gridspec_kw={"width_ratios": [1.1, 1, 1]})
        steps = np.arange(1, T + 1)
        self.line_f, = ax_g.plot(steps, np.full(T, np.nan), marker="o", markersize=3,
                                 **{k: v for k, v in GATE_STYLE["f"].items() if k != "hatch"})
        self.line_i, = ax_g.plot(steps, np.full(T, np.nan), marker="s", markersize=3,
                                 **{k: v for k, v in GATE_STYLE["i"].items() if k != "hatch"})
        ax_g.set_xlim(0.5, T + 0.5)
        ax_g.set_ylim(0, 1.02)
        ax_g.legend(loc="lower right", fontsize=8)
        style_axes(ax_g, "LSTM gates (mean over units)", "step t", "gate value")
        self.img_c = self._heatmap(ax_c, H_l, T, "RdBu", C_LIMIT, f"c (clipped at ±{C_LIMIT:g})", "c")
        style_axes(ax_c, "LSTM cell state $c_t$", "step t", "unit")
        self.img_h = self._heatmap(ax_h, H_r, T, "PuOr", 1.0, "h", "h")
        style_axes(ax_h, "RNN hidden state $h_t$", "step t", "unit")
        self.ax_g, self.ax_c, self.ax_h = ax_g, ax_c, ax_h

    def _heatmap(self, ax, H, T, cmap, limit, label, short):
        """An (H, T) image of NaN (filled on update) with a fixed, labelled colour bar. Its cells stop
        a quarter cell short of the spines, so the data never covers the cached frame's spines."""
        img = ax.imshow(np.full((H, T), np.nan), cmap=cmap, vmin=-limit, vmax=limit, aspect="auto",
                        interpolation="nearest", extent=(0.5, T + 0.5, H + 0.5, 0.5))
        ax.set_xlim(0.25, T + 0.75)
        ax.set_ylim(H + 0.75, 0.25)
        ax.grid(False)
        ax.set_facecolor("#F2F2F2")      # steps past the end of a shorter sequence: light grey
        cbar = self.fig.colorbar(img, ax=ax, label=label, extend="both" if short == "c" else "neither",
                                 fraction=0.08, pad=0.03)
        cbar.ax.set_title(short, fontsize=9)
        keep_in_frame(cbar.solids, *getattr(cbar, "_extend_patches", []))   # a colour bar never changes
        return img

    def update(self):
        k = int(self.k_buttons.value)
        seed = int(self.seed_buttons.value)
        n = int(self.seq_slider.value)
        xs, ts, out_l, out_r = self.traces(k, seed)
        T = k + 1
        full = self.ax_g.get_lines()[0].get_xdata().size
        pad = np.full(full - T, np.nan)
        f = out_l.trace.f[n].mean(axis=1)          # (T,) mean over units
        i = out_l.trace.i[n].mean(axis=1)
        self.line_f.set_ydata(np.concatenate([f, pad]))
        self.line_i.set_ydata(np.concatenate([i, pad]))
        c = out_l.trace.c[n].T                     # (H, T)
        h = out_r.trace.h[n].T
        self.img_c.set_data(np.concatenate([np.clip(c, -C_LIMIT, C_LIMIT),
                                            np.full((c.shape[0], full - T), np.nan)], axis=1))
        self.img_h.set_data(np.concatenate([h, np.full((h.shape[0], full - T), np.nan)], axis=1))

        def answer(out):
            y = out.y[n]
            p = np.exp(y - y.max())
            p /= p.sum()
            a = int(np.argmax(y))
            return a, float(p[a]), float(p[ts[n]])

        s = int(ts[n])
        a_l, p_l, q_l = answer(out_l)
        a_r, p_r, q_r = answer(out_r)
        kept = np.prod(out_l.trace.f[n, 1:], axis=0)          # (H,) cell-path factor, steps 2..T
        run_l = self.sweep.runs["lstm", k, seed]
        noise = run_l.config["noise"]
        accs = ", ".join(f"{model_name(self.sweep, label, j)} {self.sweep.runs[label, k, seed].accuracy:.3f}"
                         for j, label in enumerate(self.sweep.labels))
        lines = [
            f"k = {k}, seed {seed}, test sequence {n}: the symbol is {s} (one-hot at step 1), then {k} steps of "
            f"noise with std {noise:.1f}.",
            f"LSTM answers {a_l} ({'right' if a_l == s else 'wrong'}), p(symbol {s}) = {q_l:.3f}; "
            f"RNN answers {a_r} ({'right' if a_r == s else 'wrong'}), p(symbol {s}) = {q_r:.3f}.",
            f"LSTM gates over the gap (steps 2 to {T}): mean forget gate {f[1:].mean():.3f}, mean input gate "
            f"{i[1:].mean():.3f} (at step 1: f = {f[0]:.3f}, i = {i[0]:.3f}).",
            f"Along the cell path a unit keeps the product of its forget gates: {np.mean(kept):.3f} on average "
            f"over the units, {kept.min():.3f} at least, from step 1 to step {T}.",
            f"Largest |c| at the last step: {np.abs(c[:, -1]).max():.2f}. Rows of the middle panel that keep one "
            "colour are units that carry something across the gap; compare the plain RNN's rows (right).",
            f"Test accuracy at k = {k}, seed {seed} ({run_l.config['n_test']} sequences): {accs}; "
            f"chance {self.sweep.chance:.3f}.",
        ]
        if self.demo:
            lines.append("(A quick demo training of 100 steps; the notebook passes in its real runs.)")
        self.set_readout(lines)
