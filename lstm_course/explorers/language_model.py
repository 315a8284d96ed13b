"""Explorers of notebook 13: sampling from the character model, and one unit's value over a text.

SamplingExplorer: a prompt, a temperature and a seed; the model's continuation (seeded, so the
same settings always give the same text) and a bar chart of the next-character distribution.
CellViewer: a unit of the shipped LSTM, its value drawn as each character's background colour
(with bold and underline where it is large, and the number in a tooltip) and as a line.
``plot_small_runs`` draws the notebook's small models trained from scratch (``text.train_small``).
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np
from matplotlib import colormaps
from matplotlib.patches import Patch

from ..demos import language_model as tx
from ..plotting import OKABE_ITO, new_figure, style_axes
from .kit import Explorer, float_slider, int_slider, wrap_row


def plot_small_runs(runs, unigram, shipped, window=20):
    """Notebook 13's figure of ``text.train_small`` runs: each seed's training loss (running mean over
    ``window`` steps, left) and held-out perplexity (right, log axis) beside the baselines: a
    uniform guess (V), the unigram model (``unigram``) and the shipped LSTM (``shipped``)."""
    if not runs or not all(isinstance(r, tx.SmallRun) for r in runs):
        raise TypeError(f"runs must be a list of text.train_small results; got {runs!r:.80}")
    V = runs[0].model.output_size
    base = {"uniform guess": (V, OKABE_ITO["grey"], ":"), "unigram": (float(unigram), OKABE_ITO["orange"], "--"),
            "shipped LSTM": (float(shipped), OKABE_ITO["blue"], "-.")}
    fig, (ax_l, ax_p) = new_figure(9.0, 3.4, ncols=2, width_ratios=[1.4, 1])
    for r in runs:
        ax_l.plot(r.history.smoothed(window), color=OKABE_ITO["green"], linewidth=1.4,
                  label="training loss, each seed" if r is runs[0] else None)
    for name, (ppl, colour, style) in base.items():
        ax_l.axhline(np.log(ppl), color=colour, linestyle=style, linewidth=1.2,
                     label=f"{name}: ln {ppl:.4g} = {np.log(ppl):.2f}")
        ax_p.axhline(ppl, color=colour, linestyle=style, linewidth=1.2, label=f"{name}: {ppl:.4g}")
    style_axes(ax_l, f"Training loss (running mean over {window} steps)", "training step", "cross-entropy (nats)")
    ax_l.legend(loc="upper right", fontsize=8)
    seeds = [r.seed for r in runs]
    ax_p.plot(seeds, [r.perplexity for r in runs], "o", color=OKABE_ITO["green"], markersize=8,
              label="small model, each seed")
    ax_p.set_yscale("log")
    ax_p.set_xticks(seeds)
    ax_p.set_xlim(min(seeds) - 0.7, max(seeds) + 0.7)
    style_axes(ax_p, "Perplexity on the held-out text", "seed", "perplexity (log scale)")
    ax_p.legend(loc="center right", fontsize=8)
    return fig


def show_char(ch: str) -> str:
    """A character as a person can read it in a label: space and newline get names."""
    return {" ": "space", "\n": "newline", "\t": "tab"}.get(ch, ch)


def _shipped(model, vocab):
    if model is None:
        s = tx.load_shipped()
        return s.model, s.vocab
    if vocab is None:
        raise ValueError("vocab must be given with model (the Vocab the model was trained on)")
    return model, vocab


class SamplingExplorer(Explorer):
    """Type a prompt, move the temperature, and read what the model writes next.

    model, vocab: a trained character model and its Vocab (default: the shipped one).
    length:       how many characters to sample;  top: how many characters the bar chart shows.
    """

    title = "Sampling from the character model"
    options = dict(model=None, vocab=None, prompt="The ", temperature=0.8, seed=0, length=160, top=12)

    def check_options(self):
        self.model, self.vocab = _shipped(self.model, self.vocab)
        self.length, self.top = int(self.length), int(self.top)
        self._key = None

    def build(self):
        self.prompt = widgets.Text(value=str(self.prompt), description="prompt", continuous_update=False,
                                   style={"description_width": "initial"}, layout=widgets.Layout(width="320px"))
        self.temperature = float_slider("temperature", self.temperature, 0.1, 2.0, step=0.05)
        self.seed = int_slider("seed", self.seed, 0, 99)
        self.resample = widgets.Button(description="resample (next seed)")
        self.resample.on_click(lambda _b: setattr(self.seed, "value", (self.seed.value + 1) % (self.seed.max + 1)))
        self.controls = [self.prompt, self.temperature, self.seed, self.resample]
        # a fixed height (12 lines of 13 px text; a longer sample scrolls): a sample of a different
        # height on resample would move the figure under the reader's eyes
        self.output = widgets.HTML(layout=widgets.Layout(width="760px", max_width="100%", height="200px",
                                                         overflow="auto"))

        self.fig, ax = new_figure(8.0, 3.2)
        K = self.top
        x = np.arange(K)
        self.bars_t1 = ax.bar(x, np.zeros(K), width=0.8, facecolor="none", edgecolor=OKABE_ITO["black"],
                              linestyle="--", linewidth=1.0, label="temperature 1 (the model's own)")
        self.bars = ax.bar(x, np.zeros(K), width=0.55, color=OKABE_ITO["blue"], hatch="//", edgecolor="white",
                           label="at the chosen temperature")
        self.tops = [ax.text(i, 0, "", ha="center", va="bottom", fontsize=8) for i in range(K)]
        ax.set_ylim(0, 1.12)
        ax.set_xlim(-0.6, K - 0.4)
        ax.set_xticks(x)
        style_axes(ax, "Next-character distribution after the prompt", "next character (most likely first)",
                   "probability")
        ax.legend(loc="upper right", fontsize=8)
        self.ax = ax

    def control_box(self):
        return widgets.VBox([wrap_row(self.prompt, self.temperature),
                             wrap_row(self.seed, self.resample), self.output])

    def _usable_prompt(self):
        raw = str(self.prompt.value)
        kept = self.vocab.keep_known(raw)
        return (kept if kept else "\n"), len(raw) - len(kept)

    def update(self):
        prompt, dropped = self._usable_prompt()
        tau = float(self.temperature.value)
        p1 = tx.next_char_probs(self.model, self.vocab, prompt, 1.0)
        pt = tx.next_char_probs(self.model, self.vocab, prompt, tau)
        order = np.argsort(-p1, kind="stable")[:self.top]      # temperature keeps the ranking
        if self._key != prompt:                                 # new characters on the axis
            self._key = prompt
            self.ax.set_xticks(np.arange(self.top), [show_char(self.vocab.chars[i]) for i in order],
                               rotation=0, fontsize=8)
        for k, idx in enumerate(order):
            self.bars[k].set_height(pt[idx])
            self.bars_t1[k].set_height(p1[idx])
            self.tops[k].set_position((k, max(pt[idx], p1[idx]) + 0.01))
            self.tops[k].set_text(f"{pt[idx]:.2f}")
        text = tx.sample(self.model, self.vocab, prompt, self.length, tau, seed=int(self.seed.value))
        self.sampled = text
        self.output.value = ("<pre style='white-space:pre-wrap; font-size:13px; margin:4px 0'>"
                             f"<b>{html.escape(prompt)}</b>{html.escape(text)}</pre>")
        best = order[0]
        ent = lambda p: float(-(p[p > 0] * np.log2(p[p > 0])).sum())  # noqa: E731
        lines = [
            f"Prompt {prompt!r}" + (f" ({dropped} character(s) outside the alphabet left out)" if dropped else "")
            + f", temperature {tau:.2f}, seed {int(self.seed.value)}.",
            f"Most likely next character: {show_char(self.vocab.chars[best])!r}, p = {pt[best]:.3f} at this "
            f"temperature, {p1[best]:.3f} at temperature 1.",
            f"The {self.top} characters drawn hold {pt[order].sum():.1%} of the probability "
            f"({p1[order].sum():.1%} at temperature 1).",
            f"Spread (entropy): {ent(pt):.2f} bits, like choosing among {2 ** ent(pt):.1f} equally likely "
            f"characters; at temperature 1: {ent(p1):.2f} bits ({2 ** ent(p1):.1f}).",
            ("A temperature below 1 sharpens the distribution: the likely characters gain, the text gets "
             "safer and more repetitive." if tau < 0.999 else
             "A temperature above 1 flattens the distribution: unlikely characters gain, the text gets "
             "more surprising and more garbled." if tau > 1.001 else
             "At temperature 1 the model samples from its own distribution."),
        ]
        self.set_readout(lines)


# --- one unit over a text ---------------------------------------------------------------------------
QUANTITIES = {"cell state tanh(c)": "c", "hidden state h": "h"}
BEST_UNIT_FOR = {"parentheses": "inside parentheses", "``literals``": "inside ``literal``",
                 "code lines": "code line", "line position": "position in line"}   # button: indicator
CMAP = "RdBu"


def _hex(rgba):
    r, g, b = (int(round(255 * v)) for v in rgba[:3])
    return f"#{r:02x}{g:02x}{b:02x}"


def colour_key(cmap=CMAP) -> str:
    """An HTML colour bar from -1 to +1 with labelled ends and middle."""
    cm = colormaps[cmap]
    stops = ", ".join(_hex(_light(cm, v)) for v in np.linspace(0, 1, 9))
    return ("<div style='font-size:12px; display:flex; align-items:center; gap:6px'>"
            "<span>-1</span><span style='display:inline-block; width:180px; height:12px; "
            f"background:linear-gradient(to right, {stops}); border:1px solid #888'></span><span>+1</span>"
            "<span>&nbsp;red = negative, white = near 0, blue = positive; <b><u>bold underlined</u></b> = "
            "|value| &gt; 0.5; hover a character for its value</span></div>")


def _light(cm, x, white=0.35):
    """The colour map at x (0..1), mixed with ``white`` of white so black text stays readable."""
    rgba = np.asarray(cm(x))
    rgba[..., :3] = white + (1 - white) * rgba[..., :3]
    return rgba


def colour_text(text: str, values, cmap=CMAP) -> str:
    """``text`` as HTML, each character on a background coloured by its value in [-1, 1]."""
    v = np.clip(np.asarray(values, float), -1, 1)
    cm = colormaps[cmap]
    cols = _light(cm, (v + 1) / 2)
    out = []
    for ch, val, col in zip(text, v, cols):
        if ch == "\n":
            out.append(f"<span style='background:{_hex(col)}' title='newline: {val:+.2f}'>&#8629;</span>\n")
            continue
        strong = "font-weight:bold; text-decoration:underline;" if abs(val) > 0.5 else ""
        out.append(f"<span style='background:{_hex(col)};{strong}' title='{val:+.2f}'>{html.escape(ch)}</span>")
    return ("<pre style='font-size:12px; line-height:1.5; white-space:pre-wrap; margin:4px 0; color:#000'>"
            + "".join(out) + "</pre>")


EXCERPT_START = "To deactivate a virtual environment"


def default_excerpt(held_text: str, length=720) -> tuple:
    """(start, end) of the excerpt the viewer shows: ``length`` characters of held-out text from the
    line "To deactivate a virtual environment" (prose, a heading, ``literals``, quotes, parentheses and
    a code block), or from the start when that line is absent."""
    start = max(held_text.find(EXCERPT_START), 0)
    return start, min(start + length, len(held_text))


class CellViewer(Explorer):
    """Pick a hidden unit of the shipped model; see its value over a held-out excerpt.

    The whole held-out text is read from a zero state; the excerpt's rows of that run are shown.
    Presets jump to the unit whose cell state correlates most strongly (over all held-out text) with
    being inside parentheses, inside a ``literal``, on a code line, or with the position in the line.
    """

    title = "What does one unit track?"
    options = dict(unit=None, quantity="cell state tanh(c)")
    presets_caption = "Best unit for:"

    def build(self):
        s = tx.load_shipped()
        self.model, self.vocab, self.held = s.model, s.vocab, s.held_text
        tr = tx.held_out_trace()
        self.acts = {"c": np.tanh(tr.c), "h": tr.h}
        self.start, self.end = default_excerpt(self.held)
        self.excerpt = self.held[self.start:self.end]
        self.found = tx.find_units(self.acts["c"], self.held, k=3)
        self.ind_held = tx.indicators(self.held)
        # a button per indicator, named with its best unit: "code lines: unit 12"
        best = {label: int(self.found[name][0][0]) for label, name in BEST_UNIT_FOR.items()}
        self.presets = {f"{label}: unit {k}": {"unit": k} for label, k in best.items()}

        H = self.model.hidden_size
        self.unit = int_slider("unit", best["parentheses"] if self.unit is None else int(self.unit), 0, H - 1)
        self.quantity = widgets.Dropdown(options=list(QUANTITIES), value=self.quantity, description="show",
                                         style={"description_width": "initial"})
        self.controls = [self.unit, self.quantity]
        self.key = widgets.HTML(colour_key())
        self.html = widgets.HTML(layout=widgets.Layout(width="780px"))

        self.fig, ax = new_figure(8.5, 3.0)
        n = len(self.excerpt)
        x = np.arange(n)
        ind = tx.indicators(self.excerpt)
        self.shade = ax.fill_between(x, -1.05, 1.1, where=ind["inside parentheses"] > 0, step="mid",
                                     color=OKABE_ITO["orange"], alpha=0.18, linewidth=0)
        self.shade_q = ax.fill_between(x, -1.05, 1.1, where=ind["inside quotes"] > 0, step="mid",
                                       facecolor="none", edgecolor=OKABE_ITO["green"], hatch="//",
                                       linewidth=0, alpha=0.5)
        self.line, = ax.plot(x, np.zeros(n), color=OKABE_ITO["purple"], linewidth=1.2, label="unit value")
        for y in (-0.5, 0.5):
            ax.axhline(y, color="grey", linestyle=":", linewidth=0.8)
        nl = [i for i, ch in enumerate(self.excerpt) if ch == "\n"]
        ax.plot(nl, np.full(len(nl), -1.0), "|", color=OKABE_ITO["black"], markersize=6, label="line break")
        self.label = ax.text(0.01, 0.96, "", transform=ax.transAxes, va="top", fontsize=8)
        ax.set_ylim(-1.08, 1.45)                  # room above for the legend
        ax.set_yticks([-1, -0.5, 0, 0.5, 1])
        ax.set_xlim(0, n - 1)
        style_axes(ax, "The unit's value over the excerpt", "character position in the excerpt", "value")
        ax.legend(handles=[self.line, Patch(facecolor=OKABE_ITO["orange"], alpha=0.3, label="inside ( )"),
                           Patch(facecolor="none", edgecolor=OKABE_ITO["green"], hatch="//",
                                 label='inside " "'), ax.lines[-1]],
                  loc="upper right", fontsize=8, ncol=4)
        self.ax = ax

    def control_box(self):
        return widgets.VBox([wrap_row(self.unit, self.quantity), self.preset_row, self.key, self.html])

    def update(self):
        k, q = int(self.unit.value), QUANTITIES[self.quantity.value]
        all_vals = self.acts[q][:, k]
        vals = all_vals[self.start:self.end]
        self.values = vals
        self.line.set_ydata(vals)
        self.label.set_text(f"unit {k}, {self.quantity.value}")
        self.html.value = colour_text(self.excerpt, vals)
        rs = {name: float(tx.unit_correlations(all_vals[:, None], x)[0]) for name, x in self.ind_held.items()}
        big = int((np.abs(vals) > 0.5).sum())
        hi, lo = int(np.argmax(vals)), int(np.argmin(vals))
        self.set_readout([
            f"Unit {k}, {self.quantity.value}, over {len(vals)} characters of held-out text: "
            f"mean {vals.mean():+.2f}, from {vals.min():+.2f} to {vals.max():+.2f}; "
            f"{big} characters have |value| > 0.5 (bold and underlined).",
            f"Highest at character {hi} ({show_char(self.excerpt[hi])!r}), lowest at {lo} "
            f"({show_char(self.excerpt[lo])!r}).",
            "Correlation with, over all held-out text: "
            + ", ".join(f"{name} r = {r:+.2f}" for name, r in rs.items()) + ".",
            "Background colour, bold and the tooltip all give the value: blue positive, red negative.",
        ])


# --- the forget gate at boundaries ------------------------------------------------------------------
MARKERS = [("a full stop '. '", ". "), ("a comma ', '", ", "), ("a blank line", "\n\n"), ("a colon ': '", ": ")]


class ForgetBoundaryExplorer(Explorer):
    """Each unit's mean forget gate right after a marker (". ", ...) against its mean elsewhere.

    Over the whole held-out text. A point below the diagonal is a unit that forgets more right
    after the marker; those below it by more than the threshold are drawn as triangles.
    """

    title = "Does the forget gate react to the end of a sentence?"
    options = dict(marker=". ", threshold=0.1)

    def build(self):
        self.held = tx.load_shipped().held_text
        self.f = tx.held_out_trace().f
        th0 = self.threshold
        self.marker = widgets.Dropdown(options=MARKERS, value=self.marker, description="right after",
                                       style={"description_width": "initial"})
        self.threshold = float_slider("threshold (drop in f)", th0, 0.02, 0.5, step=0.01)
        self.controls = [self.marker, self.threshold]
        self.fig, (ax, ax2) = new_figure(8.5, 3.6, ncols=2)
        ax.plot([0, 1], [0, 1], color="grey", linestyle="--", linewidth=0.8, label="same as elsewhere")
        self.dropped = ax.scatter([], [], marker="v", s=34, color=OKABE_ITO["vermillion"], edgecolor="black",
                                  linewidth=0.5, label="forgets more after it", zorder=3)
        self.others = ax.scatter([], [], marker="o", s=16, color=OKABE_ITO["blue"], alpha=0.7,
                                 label="other units", zorder=2)
        self.note = ax.annotate("", (0, 0), xytext=(25, -25), textcoords="offset points", fontsize=8,
                                arrowprops={"arrowstyle": "->", "color": "black"})
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        style_axes(ax, "Mean forget gate per unit", "mean f at every other step", "mean f right after the marker")
        ax.legend(loc="upper left", fontsize=8)
        H = self.f.shape[1]
        self.curve, = ax2.plot(np.arange(H), np.zeros(H), color=OKABE_ITO["blue"], linewidth=1.2,
                               label="drop in f, units sorted")
        self.curve_sel, = ax2.plot([], [], "v", color=OKABE_ITO["vermillion"], markeredgecolor="black",
                                   markeredgewidth=0.5, markersize=5, label="above the threshold")
        self.th_line = ax2.axhline(th0, color=OKABE_ITO["black"], linestyle=":", linewidth=1.0,
                                   label="threshold")
        ax2.axhline(0, color="grey", linewidth=0.6)
        ax2.set_xlim(-1, H)
        ax2.set_ylim(-0.5, 0.8)
        style_axes(ax2, "How much each unit forgets more", "unit (largest drop first)",
                   "mean f elsewhere - right after")
        ax2.legend(loc="upper right", fontsize=8)
        self.ax, self.ax2 = ax, ax2

    def update(self):
        m, th = self.marker.value, float(self.threshold.value)
        at, elsewhere = tx.forget_at_boundaries(self.f, self.held, m)
        drop = elsewhere - at
        sel = drop > th
        self.at, self.elsewhere = at, elsewhere
        self.dropped.set_offsets(np.column_stack([elsewhere[sel], at[sel]]).reshape(-1, 2))
        self.others.set_offsets(np.column_stack([elsewhere[~sel], at[~sel]]).reshape(-1, 2))
        order = np.argsort(-drop, kind="stable")
        self.curve.set_ydata(drop[order])
        self.curve_sel.set_data(np.flatnonzero(sel[order]), drop[order][sel[order]])
        self.th_line.set_ydata([th, th])
        k = int(np.argmax(drop))
        self.note.xy = (elsewhere[k], at[k])
        # keep the label inside the axes: left of a point on the right, above a point near the bottom
        self.note.xyann = (25 if elsewhere[k] < 0.6 else -70, -25 if at[k] > 0.25 else 20)
        self.note.set_text(f"unit {k}")
        n_after = int(tx.after_marker(self.held, m).sum())
        name = dict((v, k_) for k_, v in MARKERS)[m]
        self.set_readout([
            f"Right after {name} ({n_after} times in the held-out text), {int(sel.sum())} of {drop.size} units "
            f"have a mean forget gate lower by more than {th:.2f} than at other steps (triangles).",
            f"The largest drop: unit {k}, mean f = {at[k]:.2f} right after the marker, {elsewhere[k]:.2f} elsewhere.",
            f"Units that keep more right after it (point above the diagonal by more than {th:.2f}): "
            f"{int((-drop > th).sum())}.",
        ])
