"""The explorers and figures of notebook 17: an encoder-decoder reversing digit strings.

``plot_curves(sweep)`` draws validation accuracy during training at several teacher-forcing
ratios, every seed as a thin line; ``plot_position_errors(errors)`` the error rate at each output
position when the decoder is fed the truth and when it is fed its own guesses (every seed), and
how often a digit is wrong after an earlier error against after none.

``ScheduledSamplingExplorer(sweep)``: a slider for the teacher-forcing ratio shows that ratio's
precomputed runs (curves and test accuracy by length, every seed) against teacher forcing.
``BeamExplorer(model)``: a beam-width slider shows, step by step, the partial outputs each beam
keeps with their scores (summed log-probabilities), against greedy decoding.
"""

from __future__ import annotations

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.lines import Line2D

from lstm_core import _checks, tasks
from lstm_core import seq2seq as S
from ..demos.seq2seq import TEST_STREAM, PositionErrors, Sweep, load_sweep
from ..plotting import OKABE_ITO, freeze_layout, new_figure, style_axes
from .kit import Explorer, float_slider, int_slider, keep_in_frame

# how each ratio is drawn (others: black, dotted)
RATIO_STYLE = {
    1.0: {"color": OKABE_ITO["blue"], "linestyle": "-", "marker": "o"},
    0.75: {"color": OKABE_ITO["sky"], "linestyle": (0, (5, 1)), "marker": "v"},
    0.5: {"color": OKABE_ITO["green"], "linestyle": "-.", "marker": "^"},
    0.25: {"color": OKABE_ITO["orange"], "linestyle": (0, (3, 1, 1, 1)), "marker": "D"},
    0.0: {"color": OKABE_ITO["vermillion"], "linestyle": "--", "marker": "s"},
}
_OTHER = {"color": OKABE_ITO["black"], "linestyle": ":", "marker": "x"}



def ratio_name(r) -> str:
    if r == 1.0:
        return "teacher forcing (r = 1)"
    if r == 0.0:
        return "free running (r = 0)"
    return f"scheduled sampling (r = {r:g})"


def ratio_style(r) -> dict:
    return dict(RATIO_STYLE.get(float(r), _OTHER))


def _check_sweep(sweep):
    if not isinstance(sweep, Sweep):
        raise TypeError(f"sweep must be the Sweep that demos.seq2seq.ratio_sweep returned; got {_checks.describe(sweep)}")
    return sweep


def plot_curves(sweep, ratios=None, ax=None):
    """Validation accuracy (strings reversed exactly, greedy decoding) during training: one thin line
    per seed, a thick one for the mean over the seeds, for each ratio."""
    _check_sweep(sweep)
    ratios = sweep.ratios if ratios is None else tuple(float(r) for r in ratios)
    if ax is None:
        _, ax = new_figure(8.4, 3.4)
    x = sweep.curve_steps
    for r in ratios:
        st = ratio_style(r)
        cur = sweep.curves(r)
        for row in cur:
            ax.plot(x, row, color=st["color"], linestyle=st["linestyle"], linewidth=0.8, alpha=0.55, label="_seed")
        ax.plot(x, cur.mean(0), color=st["color"], linestyle=st["linestyle"], marker=st["marker"], markersize=4,
                linewidth=2.2, label=ratio_name(r))
    ax.set_ylim(-0.02, 1.02)
    style_axes(ax, f"Strings reversed exactly during training ({len(sweep.seeds)} seeds)",
               "training step", "validation accuracy")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, title="thick: mean\nthin: one per seed",
              title_fontsize=8, alignment="left")
    return ax


def plot_position_errors(errors, axes=None):
    """Left: error rate at each output position, fed the truth and fed its own guesses (one thin line
    per model, thick: the mean). Right: the error rate at a position among the strings that already
    went wrong before it when fed their own guesses, fed those guesses and fed the truth instead;
    and among the strings still right."""
    errors = list(errors)
    if not errors or not all(isinstance(e, PositionErrors) for e in errors):
        raise TypeError("errors must be a non-empty list of the PositionErrors that demos.seq2seq.position_errors returns")
    if axes is None:
        _, axes = new_figure(9.4, 3.4, ncols=2)
    ax1, ax2 = axes
    T = errors[0].length + 1
    pos = np.arange(1, T + 1)
    series = [
        (ax1, "true_fed", "fed the true digits", OKABE_ITO["blue"], "-", "o"),
        (ax1, "own_fed", "fed its own guesses", OKABE_ITO["vermillion"], "--", "s"),
        (ax2, "after_error", "an error before, fed its guesses", OKABE_ITO["purple"], "--", "D"),
        (ax2, "after_error_true_fed", "an error before, fed the truth", OKABE_ITO["sky"], "-.", "v"),
        (ax2, "after_none", "no error before", OKABE_ITO["green"], "-", "^"),
    ]
    for ax, key, label, color, ls, marker in series:
        rows = np.array([getattr(e, key) for e in errors])
        for row in rows:
            ax.plot(pos, row, color=color, linestyle=ls, linewidth=0.8, alpha=0.5, label="_seed")
        have = np.isfinite(rows)
        mean = np.where(have.any(0), np.where(have, rows, 0).sum(0) / np.maximum(have.sum(0), 1), np.nan)
        ax.plot(pos, mean, color=color, linestyle=ls, marker=marker, linewidth=2.2, label=label)
    ticks = [str(p) for p in pos[:-1]] + ["EOS"]
    for ax in axes:
        ax.set_xticks(pos, ticks)
        ax.set_ylim(-0.02, 1.02)
        ax.legend(loc="upper left", fontsize=8)
    style_axes(ax1, f"Errors along the output ({len(errors)} models, length {T - 1})",
               "output position", "error rate")
    style_axes(ax2, "Does one error bring more?", "output position", "error rate")
    return axes


class ScheduledSamplingExplorer(Explorer):
    """Slide the teacher-forcing ratio r: the share of steps at which the decoder was fed the true previous
    digit during training (the rest: its own guess). Left: that ratio's validation accuracy during
    training, every seed; right: its test accuracy at each length, every seed. Teacher forcing (r = 1)
    is drawn in grey for comparison.

    sweep: a ``Sweep`` from ``demos.seq2seq.ratio_sweep`` with r = 1 among its ratios (None: the
    shipped one, ``data/seq2seq/ratio_sweep.json``, five ratios and five seeds)."""

    title = "Scheduled sampling: how often was the decoder fed the truth?"
    options = dict(sweep=None)
    presets = {"teacher forcing": {"ratio_slider": 1.0}, "half and half": {"ratio_slider": 0.5},
               "free running": {"ratio_slider": 0.0}}
    preset_tips = {"teacher forcing": "r = 1: always fed the true previous digit",
                   "half and half": "r = 0.5: the true digit at half the steps, its own guess at the others",
                   "free running": "r = 0: always fed its own previous guess"}

    def check_options(self):
        if self.sweep is None:
            self.sweep = load_sweep()
        _check_sweep(self.sweep)
        if 1.0 not in self.sweep.ratios:
            raise ValueError(f"sweep must hold runs at ratio 1.0 (teacher forcing) to compare with; "
                             f"it has {self.sweep.ratios}")
        self.ratios = np.array(sorted(self.sweep.ratios))

    def nearest_ratio(self, value) -> float:
        """The trained ratio closest to the slider's value."""
        return float(self.ratios[np.argmin(np.abs(self.ratios - float(value)))])

    def build(self):
        sw = self.sweep
        step = float(np.min(np.diff(self.ratios))) if len(self.ratios) > 1 else 1.0
        self.ratio_slider = float_slider("ratio r (fed the truth)", 1.0, 0.0, 1.0, step=step)
        self.controls = [self.ratio_slider]
        self.fig, (ax1, ax2) = new_figure(9.4, 3.3, ncols=2)
        x = sw.curve_steps
        lengths = np.array(sw.lengths)
        tf_curves, tf_len = sw.curves(1.0), sw.by_length(1.0)
        ref = dict(color=OKABE_ITO["grey"], linestyle=":", linewidth=2.0)
        ref1, = ax1.plot(x, tf_curves.mean(0), label="teacher forcing (mean)", **ref)
        ref2, = ax2.plot(lengths, tf_len.mean(0), label="teacher forcing (mean)", **ref)
        keep_in_frame(ref1, ref2)
        n = len(sw.seeds)
        self.seed_lines = [ax1.plot(x, np.full(len(x), np.nan), linewidth=0.9, alpha=0.6, label="_seed")[0]
                           for _ in range(n)]
        self.mean_line, = ax1.plot(x, np.full(len(x), np.nan), linewidth=2.4, marker="o", markersize=4,
                                   label="this ratio (mean)")
        self.dots = ax2.scatter(np.repeat(lengths, n), np.zeros(len(lengths) * n), s=18, alpha=0.7,
                                label="this ratio (one per seed)")
        self.len_line, = ax2.plot(lengths, np.full(len(lengths), np.nan), linewidth=2.2, marker="s",
                                  markersize=5, label="this ratio (mean)")
        # the legend is drawn once (in the cached frame), so its entries are neutral: black, one style
        mean_key = Line2D([], [], color="black", linewidth=2.4, marker="o", markersize=4, label="this ratio (mean)")
        seed_key = Line2D([], [], color="black", linewidth=0.9, alpha=0.6, label="this ratio (one per seed)")
        dot_key = Line2D([], [], color="black", linestyle="none", marker="o", markersize=4, alpha=0.7,
                         label="this ratio (one per seed)")
        ax1.legend(handles=[ref1, mean_key, seed_key], loc="lower right", fontsize=8)
        ax2.legend(handles=[ref2, Line2D([], [], color="black", linewidth=2.2, marker="s", markersize=5,
                                         label="this ratio (mean)"), dot_key], loc="lower left", fontsize=8)
        for ax in (ax1, ax2):
            ax.set_ylim(-0.02, 1.02)
        ax2.set_xticks(lengths)
        ax2.set_xlim(lengths[0] - 0.3, lengths[-1] + 0.3)
        style_axes(ax1, f"Validation accuracy during training ({n} seeds)", "training step", "strings reversed exactly")
        style_axes(ax2, "Test accuracy by length", "digits in the string", "strings reversed exactly")
        self.ax1, self.ax2 = ax1, ax2
        self.cache_frame = True

    def update(self):
        r = self.nearest_ratio(self.ratio_slider.value)
        sw = self.sweep
        st = ratio_style(r)
        cur = sw.curves(r)
        for line, row in zip(self.seed_lines, cur):
            line.set_ydata(row)
            line.set_color(st["color"])
            line.set_linestyle(st["linestyle"])
        self.mean_line.set_ydata(cur.mean(0))
        self.mean_line.set_color(st["color"])
        self.mean_line.set_linestyle(st["linestyle"])
        by_len = sw.by_length(r)                                        # (seeds, lengths)
        lengths = np.array(sw.lengths, float)
        jitter = np.linspace(-0.12, 0.12, len(sw.seeds))
        self.dots.set_offsets(np.column_stack([(lengths[None, :] + jitter[:, None]).T.ravel(), by_len.T.ravel()]))
        self.dots.set_color(st["color"])
        self.len_line.set_ydata(by_len.mean(0))
        self.len_line.set_color(st["color"])
        self.len_line.set_linestyle(st["linestyle"])
        acc, tf = sw.final[r], sw.final[1.0]
        self.set_readout([
            f"{ratio_name(r)}: fed the true previous digit at a share {r:.2f} of the steps, its own guess at the rest.",
            f"test accuracy over {len(sw.seeds)} seeds: min {acc.min():.3f}, mean {acc.mean():.3f}, max {acc.max():.3f}",
            f"teacher forcing (grey, dotted): min {tf.min():.3f}, mean {tf.mean():.3f}, max {tf.max():.3f}",
            f"at the longest length ({sw.lengths[-1]} digits): mean {by_len[:, -1].mean():.3f} "
            f"(teacher forcing {sw.by_length(1.0)[:, -1].mean():.3f})",
        ])


MAX_WIDTH = 5
SCORE_FLOORS = (-2.0, -3.0, -4.0, -6.0, -8.0, -12.0, -16.0, -24.0, -32.0, -64.0, -128.0)   # lower limits of the score axis
LABEL_PT = 9          # the beams' tokens
LABEL_GAP_PX = 15     # least distance between two tokens' centres in one column (a 9 pt digit is 12 px high at 100 dpi)


def spread_apart(y, gap, lo, hi):
    """Positions as close as possible to ``y`` (least squares), at least ``gap`` apart in the order of
    ``y`` and inside [lo, hi] when they fit: a column of labels that no longer overlap.

    With z_i = y_i - i * gap (y sorted), the answer is the isotonic (non-decreasing) fit of z plus
    i * gap; the fit pools neighbours that are out of order into their mean."""
    y = np.asarray(y, float)
    order = np.argsort(y, kind="stable")
    z = y[order] - gap * np.arange(len(y))
    blocks = []                                     # [sum, count] of pooled runs
    for v in z:
        blocks.append([v, 1])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] > blocks[-1][0] / blocks[-1][1]:
            s, c = blocks.pop()
            blocks[-1][0] += s
            blocks[-1][1] += c
    fit = np.concatenate([np.full(c, s / c) for s, c in blocks]) if blocks else z
    placed = fit + gap * np.arange(len(y))
    if len(y):
        if placed[-1] > hi:                         # shift the column back inside the axes
            placed -= placed[-1] - hi
        if placed[0] < lo:                          # (a column taller than the axes starts at lo)
            placed += lo - placed[0]
    out = np.empty_like(placed)
    out[order] = placed
    return out


class BeamExplorer(Explorer):
    """Slide the beam width and pick a test string: at every step, the partial outputs the beam keeps
    (circles; squares for those that ended with EOS), placed by their score, the summed
    log-probability of their digits. Lines join each to the output it extends; the thick line is
    the answer beam search returns, the dashed one greedy decoding's (width 1).

    model: a trained ``Seq2Seq`` (None: a quick demo training, about a second)
    length: digits in the test strings (at most 4 with the demo model, which the readout says);
    n_strings: how many the slider offers."""

    title = "Beam search: which partial outputs does each beam keep?"
    options = dict(model=None, length=5, n_strings=40)
    presets = {"greedy (width 1)": {"width_slider": 1}, "width 3": {"width_slider": 3},
               f"width {MAX_WIDTH}": {"width_slider": MAX_WIDTH}}
    preset_tips = {"greedy (width 1)": "one beam: the most probable next digit at every step",
                   "width 3": "keep the 3 best partial outputs at every step",
                   f"width {MAX_WIDTH}": f"keep the {MAX_WIDTH} best"}

    def check_options(self):
        self.length_note = None
        if self.model is None:
            self.model = S.Seq2Seq(5, 16, seed=0)
            S.train(self.model, 150, lengths=(2, 4), batch_size=32, seed=0)
            if isinstance(self.length, int) and self.length > 4:      # beyond what it learnt: say so
                self.length_note = (f"(The quick demo model learnt strings of 2-4 digits, so these have 4, "
                                    f"not the {self.length} asked for; pass a model trained on longer ones.)")
                self.length = 4
        if not isinstance(self.model, S.Seq2Seq):
            raise TypeError(f"model must be a Seq2Seq; got {_checks.describe(self.model)}")
        self.length = _checks.positive_int("length", self.length)
        self.n_strings = _checks.positive_int("n_strings", self.n_strings)
        self.src, self.tgt = tasks.reverse_digits(self.n_strings, self.length, self.model.n_digits,
                                                  seed=[TEST_STREAM, self.length])
        self.max_len = self.length + 3
        self._greedy, self._greedy_logp = S.greedy_decode(self.model, self.src, steps=self.max_len)
        # one score axis per beam width, low enough for what that width keeps and greedy's path on
        # every test string: moving through the strings never changes the frame (a new frame costs
        # several redraws), and a narrow beam is not squeezed into the range of the widest
        greedy_low = np.cumsum(self._greedy_logp, axis=1).min(axis=1)
        self.score_floors = {}
        for w in range(1, MAX_WIDTH + 1):
            low = min(min(min(b.score for kept in S.beam_search(self.model, s, w, self.max_len).steps for b in kept),
                          float(g)) for s, g in zip(self.src, greedy_low))
            self.score_floors[w] = next((f for f in SCORE_FLOORS if f <= 1.05 * low - 0.2), 1.05 * low - 0.2)

    def build(self):
        self.width_slider = int_slider("beam width", 3, 1, MAX_WIDTH)
        self.string_slider = int_slider("test string", 0, 0, self.n_strings - 1)
        self.controls = [self.width_slider, self.string_slider]
        self.fig, ax = new_figure(9.6, 4.0)
        n = MAX_WIDTH * self.max_len
        self.edges = [ax.plot([], [], color=OKABE_ITO["grey"], linewidth=1.0, label="_edge")[0] for _ in range(n)]
        self.live = ax.scatter([], [], s=30, color=OKABE_ITO["blue"], marker="o", label="kept, still going", zorder=3)
        self.ended = ax.scatter([], [], s=40, color=OKABE_ITO["vermillion"], marker="s", label="kept, ended (EOS)",
                                zorder=3)
        # each token sits right of its point; tokens of one column that would overlap are moved apart
        # (``spread_apart``) and a thin leader joins each moved one to its point
        self.labels = [ax.annotate("", (0, 0), xytext=(0, 0), textcoords="offset points", fontsize=LABEL_PT,
                                   va="center", ha="left", annotation_clip=False) for _ in range(n)]
        self.leaders = ax.add_collection(LineCollection([], colors=OKABE_ITO["grey"], linewidths=0.8))
        self.best_line, = ax.plot([], [], color=OKABE_ITO["blue"], linewidth=3.0, alpha=0.6, label="beam search's answer")
        self.greedy_line, = ax.plot([], [], color=OKABE_ITO["black"], linewidth=1.6, linestyle="--",
                                    label="greedy's answer")
        ax.set_xlim(-0.3, self.max_len + 1.6)
        ax.set_xticks(range(self.max_len + 1))
        ax.legend(loc="lower left", fontsize=8)
        style_axes(ax, "The beams kept at each step, placed by score", "output step",
                   "score: summed log-probability")
        # lay out once now, with the floor whose tick labels are the widest, so that the y label has
        # room at every floor and the tokens are placed in the final pixels from the first update on
        def widest_tick(floor):
            ax.set_ylim(floor, 0.5)
            return max(len(v) for v in ax.yaxis.get_major_formatter().format_ticks(ax.get_yticks()))
        ax.set_ylim(max(self.score_floors.values(), key=widest_tick), 0.5)
        freeze_layout(self.fig)
        ax.set_ylim(self.score_floors[int(self.width_slider.value)], 0.5)
        self.ax = ax

    def update(self):
        W = int(self.width_slider.value)
        b = int(self.string_slider.value)
        res = S.beam_search(self.model, self.src[b], W, max_len=self.max_len)
        eos = self.model.eos
        pos = {(): (0, 0.0)}                                   # tokens -> (step, score)
        live_xy, ended_xy, k = [], [], 0
        for t, kept in enumerate(res.steps, start=1):
            for beam in kept:
                x0, y0 = pos[beam.tokens[:-1]]
                pos[beam.tokens] = (t, beam.score)
                self.edges[k].set_data([x0, t], [y0, beam.score])
                self.labels[k].xy = (t, beam.score)
                self.labels[k].set_text("EOS" if beam.tokens[-1] == eos else self.spell(beam.tokens[-1:]))
                self.labels[k].set_visible(True)
                (ended_xy if beam.tokens[-1] == eos else live_xy).append((t, beam.score))
                k += 1
        for j in range(k, len(self.edges)):
            self.edges[j].set_data([], [])
            self.labels[j].set_text("")
            self.labels[j].set_visible(False)           # (an empty annotation still costs its draw)
        self.live.set_offsets(np.array(live_xy).reshape(-1, 2))
        self.ended.set_offsets(np.array(ended_xy).reshape(-1, 2))
        self.best_line.set_data(*self.path(pos, res.best.tokens))
        g = S.strip_eos(self._greedy[b], eos)
        n_g = min(len(g) + 1, self.max_len)                     # greedy's digits and its EOS
        path = np.concatenate([[0.0], np.cumsum(self._greedy_logp[b, :n_g])])
        g_score = float(path[-1])
        self.greedy_line.set_data(np.arange(n_g + 1), path)
        floor = self.score_floors[W]
        if self.ax.get_ylim()[0] != floor:
            self.ax.set_ylim(floor, 0.5)
        self.place_labels(k)
        want = tuple(int(v) for v in self.tgt[b])
        best = S.strip_eos(res.best.tokens, eos)
        lines = [f"input {self.spell(self.src[b])}   right answer {self.spell(want)}",
                 f"greedy: {self.spell(g)}  score {g_score:.3f}  ({'right' if g == want else 'wrong'})",
                 f"beam search, width {W}: {self.spell(best)}  score {res.best.score:.3f}  "
                 f"({'right' if best == want else 'wrong'})"]
        for t, kept in enumerate(res.steps, start=1):
            lines.append(f"step {t}: " + ";  ".join(f"{self.spell(bm.tokens)} {bm.score:.2f}" for bm in kept))
        if self.length_note:
            lines.append(self.length_note)
        self.set_readout(lines)

    def place_labels(self, k):
        """Put the first ``k`` tokens right of their points, column by column, moved apart where they
        would overlap, with a leader from each moved token to its point."""
        ax, fig = self.ax, self.fig
        to_pt = 72.0 / fig.dpi
        px = fig.dpi / 72.0
        xy = np.array([self.labels[j].xy for j in range(k)], float).reshape(-1, 2)
        disp = ax.transData.transform(xy) if k else np.empty((0, 2))
        half = LABEL_PT * px * 0.7                              # half a token's height, with a margin
        lo, hi = ax.bbox.y0 + half, ax.bbox.y1 - half
        dx = 7.0 * fig.dpi / 100.0                              # 7 px at 100 dpi: clear of the point
        ys = disp[:, 1].copy()
        for t in np.unique(xy[:, 0]):
            col = np.flatnonzero(xy[:, 0] == t)
            ys[col] = spread_apart(disp[col, 1], LABEL_GAP_PX * fig.dpi / 100.0, lo, hi)
        segments = []
        for j in range(k):
            moved = ys[j] - disp[j, 1]
            self.labels[j].set_position((dx * to_pt, moved * to_pt))
            if abs(moved) > 2.0:
                segments.append(ax.transData.inverted().transform([disp[j], (disp[j, 0] + dx, ys[j])]))
        self.leaders.set_segments(segments)

    def spell(self, toks) -> str:
        """Digits as text, EOS as '.'; '-' for nothing."""
        s = "".join("." if int(v) == self.model.eos else str(int(v)) for v in toks)
        return s or "-"

    @staticmethod
    def path(pos, toks):
        pts = [pos[toks[:j]] for j in range(len(toks) + 1)]
        return [p[0] for p in pts], [p[1] for p in pts]
