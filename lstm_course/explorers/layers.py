"""Notebook 16's explorers: an embedding moving in training, and padding with and without a mask.

The math lives in ``lstm_core`` (embedding, masking) and ``lstm_course.demos.layers``; this
module draws it.
"""

from __future__ import annotations

import functools

import numpy as np
from matplotlib.collections import LineCollection

from lstm_core import LSTMParams, lstm_forward, softmax_cross_entropy
from lstm_core.masking import lengths_to_mask, masked_lstm_forward
from ..demos.layers import CHARACTERS, GROUPS, embedding_snapshots, group_of, spread
from ..plotting import OKABE_ITO, freeze_layout, new_figure, style_axes
from .kit import Explorer, int_slider, keep_in_frame

GROUP_STYLE = {   # kind: (colour, marker): the marker and the written character say it without colour
    1: (OKABE_ITO["blue"], "o"), 2: (OKABE_ITO["orange"], "s"), 3: (OKABE_ITO["green"], "^")}


LABEL_PT = 11
# where a character's label may go, tried in this order: offsets of the label's centre from its
# point, in units of (the label's width, its height); the first ring touches the marker
_RING = [(1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (-1, 1), (1, -1), (-1, -1)]
CANDIDATES = np.array([(a * r, b * r) for r in (1.0, 1.8, 2.6, 3.4) for a, b in _RING], float)


def place_labels(points, box, marker, bounds):
    """Centres for labels of size ``box`` (w, h, display px) near ``points`` (n, 2, display px), so
    that no two labels overlap and none covers a marker (half width ``marker`` px) or leaves
    ``bounds`` (x0, y0, x1, y1), when that can be done; in order, each label takes the first free
    candidate place (``CANDIDATES``), else the one that overlaps least. Returns (n, 2) centres."""
    w, h = box
    step = np.array([w / 2 + marker + 1.0, h / 2 + marker + 1.0])
    x0, y0, x1, y1 = bounds
    placed = np.empty((0, 2))
    for p in points:
        cand = p + CANDIDATES * step
        inside = ((cand[:, 0] - w / 2 >= x0) & (cand[:, 0] + w / 2 <= x1)
                  & (cand[:, 1] - h / 2 >= y0) & (cand[:, 1] + h / 2 <= y1))
        # overlap (area) with the labels already placed and with every marker
        def overlap(others, ow, oh):
            dx = np.clip((w + ow) / 2 - np.abs(cand[:, None, 0] - others[None, :, 0]), 0, None)
            dy = np.clip((h + oh) / 2 - np.abs(cand[:, None, 1] - others[None, :, 1]), 0, None)
            return (dx * dy).sum(axis=1)
        cost = overlap(placed, w, h) * 4 + overlap(points, 2 * marker, 2 * marker) + np.where(inside, 0, 1e9)
        placed = np.vstack([placed, cand[int(np.argmin(cost))]])       # argmin: the first of the free ones
    return placed


@functools.lru_cache(maxsize=4)
def _snapshots(seed):
    return embedding_snapshots(seed=seed)


class EmbeddingExplorer(Explorer):
    """A slider over training steps; the 2-D embedding of 12 characters at that step.

    The model (embedding of size 2, one LSTM layer, a read-out) learns to tag each character with
    the kind (vowel, consonant, digit) of the character before it. The snapshots are computed once,
    when the first explorer is made (about a second); the slider only reads them.
    """

    title = "An embedding learning: characters of one kind move together"
    options = dict(seed=0, step=0)
    presets = {"before training": {"step_slider": 0}, "halfway": {"step_slider": 75},
               "trained": {"step_slider": 150}}
    preset_tips = {"before training": "random vectors, drawn from a normal distribution",
                   "trained": "the kinds have pulled apart; members of a kind sit together"}

    def check_options(self):
        if not isinstance(self.seed, int) or isinstance(self.seed, bool) or self.seed < 0:
            raise ValueError(f"seed must be an int >= 0; got {self.seed!r}")
        self.snaps = _snapshots(self.seed)
        last = int(self.snaps.steps[-1])
        if not isinstance(self.step, int) or not 0 <= self.step <= last:
            raise ValueError(f"step must be an int in [0, {last}]; got {self.step!r}")

    def build(self):
        s = self.snaps
        every = int(s.steps[1] - s.steps[0])
        self.step_slider = int_slider("training step", self.step, 0, int(s.steps[-1]), step=every)
        self.controls = [self.step_slider]
        self.fig, (ax, ax_r) = new_figure(8.6, 3.9, ncols=2, width_ratios=[1.25, 1])
        pts = s.tables[:, 1:]
        lo, hi = pts.min(axis=(0, 1)), pts.max(axis=(0, 1))
        pad = 0.08 * (hi - lo)
        ax.set_xlim(lo[0] - pad[0], hi[0] + pad[0])
        ax.set_ylim(lo[1] - pad[1], hi[1] + pad[1])
        groups = group_of(np.arange(1, len(CHARACTERS) + 1))
        self.dots, self.labels = {}, []
        for k, name in enumerate(GROUPS, start=1):
            colour, marker = GROUP_STYLE[k]
            self.dots[k], = ax.plot([], [], linestyle="none", marker=marker, markersize=9, color=colour,
                                    markeredgecolor="black", label=name)
        # each character's label sits next to its point, moved where it would overlap another
        # (``place_labels``), with a thin leader from a label that had to move further away
        for j, ch in enumerate(CHARACTERS):
            self.labels.append(ax.annotate(ch, (0, 0), xytext=(0, 0), textcoords="offset points", fontsize=LABEL_PT,
                                           ha="center", va="center", annotation_clip=False))
        self.leaders = ax.add_collection(LineCollection([], colors=OKABE_ITO["grey"], linewidths=0.8))
        style_axes(ax, "Embedding of each character (2-D)", "embedding dimension 1", "dimension 2")
        # right: the two mean distances over training, with a cursor at the chosen step
        same, diff = np.array([spread(t) for t in s.tables]).T
        ax_r.plot(s.steps, diff, color=OKABE_ITO["vermillion"], linestyle="-", label="different kinds")
        ax_r.plot(s.steps, same, color=OKABE_ITO["blue"], linestyle="--", label="same kind")
        ax_r.set_ylim(0, 1.1 * max(diff.max(), same.max()))
        ax_r.set_xlim(0, s.steps[-1])
        # one legend for both panels, below them, clear of the data
        self.fig.legend(handles=list(self.dots.values()) + ax_r.lines[:2], loc="outside lower center", ncols=5,
                        fontsize=9)
        style_axes(ax_r, "Mean distance between characters", "training step", "distance")
        keep_in_frame(*ax_r.lines)
        self.cursor = ax_r.axvline(0, color="black", linewidth=1.0, linestyle=":")
        self.ax, self.ax_r = ax, ax_r
        self._groups = groups
        freeze_layout(self.fig)          # now, so that labels are placed in the final pixels from the start

    def snapshot_index(self) -> int:
        return int(np.searchsorted(self.snaps.steps, int(self.step_slider.value)))

    def place_labels(self, pts):
        ax, fig = self.ax, self.fig
        px = fig.dpi / 72.0
        disp = ax.transData.transform(pts)
        box = (0.75 * LABEL_PT * px, 1.2 * LABEL_PT * px)            # a character's box, with a margin
        bounds = (ax.bbox.x0 + 1, ax.bbox.y0 + 1, ax.bbox.x1 - 1, ax.bbox.y1 - 1)
        centres = place_labels(disp, box, 4.5 * px, bounds)         # markers are 9 pt wide
        far = np.abs(centres - disp) > 1.05 * (np.array(box) / 2 + 4.5 * px + 1.0)
        segments = []
        for j, (text, (x, y)) in enumerate(zip(self.labels, pts)):
            text.xy = (x, y)
            text.set_position(tuple((centres[j] - disp[j]) / px))
            if far[j].any():
                segments.append(ax.transData.inverted().transform([disp[j], centres[j]]))
        self.leaders.set_segments(segments)

    def update(self):
        s = self.snaps
        n = self.snapshot_index()
        pts = s.tables[n, 1:]
        for k, dots in self.dots.items():
            dots.set_data(pts[self._groups == k, 0], pts[self._groups == k, 1])
        self.place_labels(pts)
        self.cursor.set_xdata([s.steps[n], s.steps[n]])
        same, diff = spread(s.tables[n])
        loss = "no training yet" if n == 0 else f"training loss {s.loss[n]:.3f}"
        self.set_readout([
            f"Step {int(s.steps[n])}: {loss}; held-out accuracy {s.accuracy[n]:.3f} (tagging the kind of the "
            "character before).",
            f"Mean distance between characters of the same kind {same:.3f}, of different kinds {diff:.3f} "
            f"(ratio {diff / same:.2f}: the larger, the more each kind keeps to itself).",
        ])


# --- masking ---------------------------------------------------------------------------------------

T_MAX, H_DEMO, K_DEMO = 8, 3, 3


@functools.lru_cache(maxsize=1)
def _masking_setup():
    """A small random LSTM, read-out, three input sequences and per-step targets (fixed)."""
    rng = np.random.default_rng(16)
    p = LSTMParams(rng.normal(size=(4 * H_DEMO, 2)) * 1.5, rng.normal(size=(4 * H_DEMO, H_DEMO)) * 1.5,
                   rng.normal(size=4 * H_DEMO))                  # large weights: the state moves a lot
    xs = rng.normal(size=(3, T_MAX, 2))
    W = rng.normal(size=(K_DEMO, H_DEMO)) * 2.0
    targets = rng.integers(1, K_DEMO, (3, T_MAX))
    return p, xs, W, targets


def masking_numbers(lengths):
    """What MaskingExplorer shows, for the three lengths: masked and unmasked h (3, T, H) and the
    two mean losses (masked: over real steps; unmasked: over all steps, padding as class 0)."""
    p, xs, W, targets = _masking_setup()
    n = np.asarray(lengths, int)
    mask = lengths_to_mask(n, T_MAX)
    padded = xs * mask[:, :, None]                  # padding: zero vectors after each end
    tags = targets * (mask > 0)                     # padding steps carry class 0
    h_masked = masked_lstm_forward(p, padded, mask).h
    h_plain = lstm_forward(p, padded).h
    return dict(mask=mask, h_masked=h_masked, h_plain=h_plain,
                masked_loss=softmax_cross_entropy(h_masked @ W.T, tags, mask).value,
                plain_loss=softmax_cross_entropy(h_plain @ W.T, tags).value)


class MaskingExplorer(Explorer):
    """Three sequences padded to 8 steps; their lengths on sliders. Top: unit 1 of h without the
    mask (the state runs on through the padding) and with it (frozen after the end). The readout
    gives the loss averaged over real steps only against over every step, padding included."""

    title = "Padding and masking: a batch of three sequences of different lengths"
    options = dict(lengths=(8, 3, 5))
    presets = {"all full": {"length_sliders": (8, 8, 8)}, "one short": {"length_sliders": (8, 1, 8)},
               "mixed": {"length_sliders": (8, 3, 5)}}
    preset_tips = {"all full": "no padding at all: masked and unmasked agree"}
    cache_frame = None

    def check_options(self):
        ls = self.lengths
        if not isinstance(ls, (tuple, list)) or len(ls) != 3 or not all(isinstance(v, int) and 1 <= v <= T_MAX
                                                                        for v in ls):
            raise ValueError(f"lengths must be three ints in [1, {T_MAX}]; got {ls!r}")

    def build(self):
        self.length_sliders = [int_slider(f"length of sequence {b + 1}", v, 1, T_MAX, width="260px")
                               for b, v in enumerate(self.lengths)]
        self.controls = list(self.length_sliders)
        self.fig, axes = new_figure(9.6, 3.3, ncols=3, sharey=True)
        t = np.arange(1, T_MAX + 1)
        self.plain, self.masked, self.shade = [], [], []
        for b, ax in enumerate(axes):
            self.shade.append(ax.axvspan(T_MAX + 0.5, T_MAX + 0.5, color=OKABE_ITO["grey"], alpha=0.25,
                                         hatch="//", label="padding"))
            self.plain.append(ax.plot(t, np.zeros(T_MAX), color=OKABE_ITO["vermillion"], linestyle="--",
                                      marker="x", label="no mask")[0])
            self.masked.append(ax.plot(t, np.zeros(T_MAX), color=OKABE_ITO["blue"], linestyle="-",
                                       marker="o", markersize=4, label="masked")[0])
            ax.set_xlim(0.5, T_MAX + 0.5)
            ax.set_ylim(-1.0, 1.0)
            ax.set_xticks(t)
            style_axes(ax, f"Sequence {b + 1}", "step t", r"$h_t$, unit 1")
        axes[0].legend(loc="lower left", fontsize=8)
        self.axes = axes

    def lengths_now(self):
        return tuple(int(s.value) for s in self.length_sliders)

    def update(self):
        n = self.lengths_now()
        r = masking_numbers(n)
        for b in range(3):
            self.plain[b].set_ydata(r["h_plain"][b, :, 0])
            self.masked[b].set_ydata(r["h_masked"][b, :, 0])
            x0, x1 = n[b] + 0.5, T_MAX + 0.5
            self.shade[b].set_x(x0)
            self.shade[b].set_width(x1 - x0)
        drift = [float(np.abs(r["h_plain"][b, -1] - r["h_masked"][b, -1]).max()) for b in range(3)]
        pads = 3 * T_MAX - sum(n)
        self.set_readout([
            f"Lengths {n[0]}, {n[1]}, {n[2]}: {sum(n)} real steps and {pads} padded ones in a {3} x {T_MAX} batch.",
            f"Loss over real steps only (masked) {r['masked_loss']:.4f}; over all {3 * T_MAX} steps, padding "
            f"counted as class 0 (no mask) {r['plain_loss']:.4f}.",
            "Last state h_8, largest difference between no mask and masked: "
            + ", ".join(f"sequence {b + 1}: {d:.4f}" for b, d in enumerate(drift))
            + " (0 when a sequence has no padding).",
        ])


# --- figures of the trained experiments ----------------------------------------------------------

RUN_MARKERS = ("o", "s", "^", "D", "v")
RUN_COLOURS = (OKABE_ITO["blue"], OKABE_ITO["orange"], OKABE_ITO["green"], OKABE_ITO["vermillion"],
               OKABE_ITO["purple"])


def plot_accuracy(sweep, title="Held-out accuracy, every seed"):
    """One row per model: a dot per seed (its held-out accuracy) and a bar from min to max, the
    parameter count in the row label. Returns (fig, ax)."""
    labels = list(sweep.runs)
    if not labels:
        raise ValueError("sweep must hold at least one model")
    fig, ax = new_figure(7.5, 0.6 + 0.55 * len(labels))
    for row, label in enumerate(labels):
        acc = sweep.accuracy(label)
        y = len(labels) - 1 - row
        ax.plot([acc.min(), acc.max()], [y, y], color=RUN_COLOURS[row % 5], linewidth=3, alpha=0.5)
        ax.plot(acc, np.full(len(acc), y), linestyle="none", marker=RUN_MARKERS[row % 5], color=RUN_COLOURS[row % 5],
                markeredgecolor="black", markersize=8)
    ax.set_yticks(range(len(labels)))
    ax.set_yticklabels([f"{lab} ({sweep.runs[lab][0].num_params:,} params)" for lab in labels][::-1])
    ax.set_xlim(0, 1)
    ax.set_ylim(-0.6, len(labels) - 0.4)
    style_axes(ax, title, "held-out accuracy (fraction of real steps tagged right)", "model")
    return fig, ax


def plot_dropout(sweep):
    """Train (dashed) and held-out (solid) accuracy while training, one panel per kind of dropout,
    a thin line per seed. Returns (fig, axes)."""
    labels = list(sweep.runs)
    fig, axes = new_figure(10.0, 3.0, ncols=len(labels), sharey=True)
    axes = np.atleast_1d(axes)
    for ax, label in zip(axes, labels):
        for run in sweep.runs[label]:
            steps = np.array(sorted(run.curve))
            tr, te = np.array([run.curve[s] for s in steps]).T
            ax.plot(steps, tr, color=OKABE_ITO["orange"], linestyle="--", linewidth=1.2,
                    label="train" if run is sweep.runs[label][0] else None)
            ax.plot(steps, te, color=OKABE_ITO["blue"], linestyle="-", linewidth=1.2, marker="o", markersize=3,
                    label="held-out" if run is sweep.runs[label][0] else None)
        ax.set_ylim(0, 1)
        style_axes(ax, label, "training step", "accuracy")
    axes[0].legend(loc="lower right", fontsize=9)
    return fig, axes
