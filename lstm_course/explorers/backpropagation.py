"""BPTTExplorer: backpropagation through time along an unrolled vanilla RNN, step by step.

The math (and the equations) live in ``lstm_course.demos.backpropagation``; this module draws it.
"""

from __future__ import annotations

import numpy as np
from matplotlib.patches import Patch, Rectangle

from ..demos.backpropagation import READOUT, T_MAX, BPTTChain, bptt_chain, chain_inputs, chain_params, truncation_errors
from ..plotting import OKABE_ITO, new_figure, style_axes
from .kit import Explorer, float_slider, fmt, int_slider

SUBSCRIPT = str.maketrans("0123456789", "\u2080\u2081\u2082\u2083\u2084\u2085\u2086\u2087\u2088\u2089")

# Looks of a step's box (and bar): inside the kept window, cut by truncation, after the loss.
KEPT = {"facecolor": "#cfe6f7", "edgecolor": OKABE_ITO["blue"], "hatch": "", "linestyle": "-"}
CUT = {"facecolor": "#e6e6e6", "edgecolor": OKABE_ITO["grey"], "hatch": "///", "linestyle": "--"}
AFTER = {"facecolor": "white", "edgecolor": OKABE_ITO["grey"], "hatch": "", "linestyle": ":"}

Y_BOX, BOX_W, BOX_H = 1.3, 0.56, 0.75
GAUGE_W, GAUGE_PAD = 0.3, 0.06               # the fill inside a box showing ||dL/dh_t||
Y_LOSS = 2.45


class BPTTExplorer(Explorer):
    """The unrolled chain h_0 -> h_1 -> ... -> h_T with every Jacobian's norm on its arrow and
    the gradient norm ||dL/dh_t|| in each box; below, each step's share of dL/dW_hh and the
    error that truncating BPTT after k steps makes.

    Sliders: the recurrent weight scale, the length T, the step s whose loss is followed, and
    the truncation length k.
    """

    title = "Backpropagation through time: following one loss back along the chain"
    options = dict(scale=0.9, T=8, loss_step=8, truncate=4)
    presets = {
        "shrinking (0.5)": {"scale_slider": 0.5},
        "near 1 (1.0)": {"scale_slider": 1.0},
        "large (1.8)": {"scale_slider": 1.8},
    }

    # --- building (once) -------------------------------------------------------------------------
    def build(self):
        self.scale_slider = float_slider("recurrent weight scale", self.scale, 0.0, 2.0, step=0.05)
        self.T_slider = int_slider("sequence length T", self.T, 2, T_MAX)
        self.loss_slider = int_slider("follow the loss at step s", min(self.loss_step, self.T), 1, self.T)
        self.k_slider = int_slider("truncate after k steps", self.truncate, 1, T_MAX)
        # Runs before the base class's observer: keep s <= T without a second update.
        self.T_slider.observe(self._sync_loss_range, names="value")
        self.controls = [self.scale_slider, self.T_slider, self.loss_slider, self.k_slider]

        self.fig, ax0 = new_figure(9.0, 4.4)
        ax0.remove()
        axd = self.fig.subplot_mosaic([["chain", "chain"], ["bars", "trunc"]], height_ratios=[1.05, 1.35],
                                      width_ratios=[1.25, 1])
        self.ax_chain, self.ax_bars, self.ax_trunc = axd["chain"], axd["bars"], axd["trunc"]
        self._build_chain(self.ax_chain)
        self._build_bars(self.ax_bars)
        self._build_trunc(self.ax_trunc)

    def _build_chain(self, ax):
        ax.set_xlim(-0.55, T_MAX + 0.55)
        ax.set_ylim(0.85, 2.75)
        for side in ("left", "right", "top", "bottom"):
            ax.spines[side].set_visible(False)
        ax.tick_params(left=False, labelleft=False, bottom=False, labelsize=9, pad=1)
        self._set_chain_ticks(self.T)
        style_axes(ax, r"Unrolled RNN. On an arrow: $\|\partial h_t/\partial h_{t-1}\|$. A box's dark fill: "
                   r"$\|\partial L/\partial h_t\|$ "
                   "(full box = the largest)", "", "")
        ax.grid(False)
        ax.set_xlabel("the hidden state at each step, $h_0$ .. $h_T$ (the loss follows one of them)", fontsize=8)
        ax.title.set_fontsize(10)
        # Plain rectangles and two lines for all the arrows: cheaper to draw than fancy patches.
        self.boxes, self.gauges, self.arrow_texts = [], [], []
        for t in range(T_MAX + 1):
            box = Rectangle((t - BOX_W / 2, Y_BOX - BOX_H / 2), BOX_W, BOX_H, linewidth=1.4, zorder=1, **KEPT)
            ax.add_patch(box)
            self.boxes.append(box)
            gauge = Rectangle((t - GAUGE_W / 2, Y_BOX - BOX_H / 2 + GAUGE_PAD), GAUGE_W, 0.0, zorder=2,
                              facecolor=OKABE_ITO["blue"], edgecolor="none")
            ax.add_patch(gauge)
            self.gauges.append(gauge)
            if t:
                self.arrow_texts.append(ax.text(t - 0.5, Y_BOX + 0.05, "", ha="center", va="bottom",
                                                fontsize=8))
        self.shafts, = ax.plot([], [], color="black", linewidth=1.0, zorder=1)
        self.heads, = ax.plot([], [], linestyle="none", marker=">", markersize=5, color="black", zorder=1)
        self.loss_line, = ax.plot([], [], color=OKABE_ITO["vermillion"], linewidth=1.4, zorder=1)
        self.loss_head, = ax.plot([], [], linestyle="none", marker="^", markersize=6,
                                  color=OKABE_ITO["vermillion"], zorder=1)
        self.loss_text = ax.text(0, Y_LOSS, "", ha="center", va="center", fontsize=8, fontweight="bold",
                                 bbox={"boxstyle": "round,pad=0.2", "facecolor": "#fbe3d0",
                                       "edgecolor": OKABE_ITO["vermillion"]})
        self.cut_line, = ax.plot([], [], color=OKABE_ITO["vermillion"], linestyle="--", linewidth=1.3)
        self.cut_text = ax.text(0, Y_LOSS, "", ha="center", va="center", fontsize=8)
        handles = [Patch(label="step whose gradient is kept", **KEPT),
                   Patch(label="cut off by truncation", **CUT),
                   Patch(label="after the loss: no gradient", **AFTER)]
        self.fig.legend(handles=handles, loc="outside lower center", ncols=3, fontsize=8)

    def _set_chain_ticks(self, T):
        """The labels h_0..h_T under the boxes (tick labels: part of the cached frame)."""
        self.ax_chain.set_xticks(range(T + 1), [f"h{str(t).translate(SUBSCRIPT)}" for t in range(T + 1)])

    def _build_bars(self, ax):
        steps = np.arange(1, T_MAX + 1)
        self.bars = ax.bar(steps, np.zeros(T_MAX), width=0.7, linewidth=1.0)
        ax.set_xlim(0.4, T_MAX + 0.6)
        ax.set_ylim(0.0, 1.05)
        ax.set_xticks(steps)
        style_axes(ax, r"Each step's share of $\partial L/\partial W_{hh}$", "time step t",
                   r"$\|\partial z_t\, h_{t-1}^\top\|$ / total")

    def _build_trunc(self, ax):
        ks = np.arange(1, T_MAX + 1)
        self.err_line, = ax.plot(ks, np.zeros(T_MAX), color=OKABE_ITO["vermillion"], linestyle="-",
                                 marker="o", markersize=4, label="error for each k")
        self.err_dot, = ax.plot([], [], linestyle="none", marker="D", markersize=9, color=OKABE_ITO["orange"],
                                markeredgecolor="black", label="the slider's k")
        ax.set_xlim(0.4, T_MAX + 0.6)
        ax.set_ylim(-0.08, 1.2)       # the diamond at an error of 0 is not cut in half
        ax.set_xticks(ks)
        style_axes(ax, "Truncated BPTT: error vs k", "steps kept k", r"relative error of $\partial L/\partial W_{hh}$")
        ax.legend(loc="upper right", fontsize=8)

    # --- controls --------------------------------------------------------------------------------
    def _sync_loss_range(self, change):
        held, self._held = self._held, True       # no update from the clamp: one follows
        try:
            follow_end = self.loss_slider.value == self.loss_slider.max
            self.loss_slider.max = int(change["new"])
            if follow_end:
                self.loss_slider.value = self.loss_slider.max
        finally:
            self._held = held

    def compute(self) -> BPTTChain:
        T = int(self.T_slider.value)
        s = min(int(self.loss_slider.value), T)
        return bptt_chain(chain_params(self.scale_slider.value), chain_inputs(T), s, READOUT,
                          truncate=int(self.k_slider.value))

    def truncation_errors(self, chain: BPTTChain) -> np.ndarray:
        """The relative error of truncated BPTT for k = 1..T (same forward pass): ``bptt.truncation_errors``."""
        return truncation_errors(chain)

    # --- updating --------------------------------------------------------------------------------
    def update(self):
        ch = self.compute()
        T, s, k = len(ch.h), ch.loss_step, ch.truncate
        if len(self.ax_chain.get_xticks()) != T + 1:
            self._set_chain_ticks(T)
        dh_norms = np.linalg.norm(ch.dh, axis=1)
        total = ch.term_norms.sum()
        shares = ch.term_norms / total if total > 0 else np.zeros(T)

        dh0 = np.linalg.norm(ch.jacobians[0].T @ ch.dh[0])        # ||dL/dh_0|| = ||J_1^T dL/dh_1||
        grad = np.concatenate([[dh0], dh_norms])                    # ||dL/dh_t||, t = 0..T
        fill = grad / grad.max() * (BOX_H - 2 * GAUGE_PAD)          # dL/dh_s = u is never zero
        for t in range(T_MAX + 1):
            visible = t <= T
            box, gauge = self.boxes[t], self.gauges[t]
            box.set_visible(visible)
            gauge.set_visible(visible)
            if t:
                bar = self.bars[t - 1]
                bar.set_visible(visible)
                self.arrow_texts[t - 1].set_visible(visible)
            if not visible:
                bar.set_height(0.0)
                continue
            kept = (k >= s) if t == 0 else bool(ch.kept[t - 1])
            look = KEPT if kept else (AFTER if t > s else CUT)
            for patch in (box, bar) if t else (box,):
                patch.set_facecolor(look["facecolor"])
                patch.set_edgecolor(look["edgecolor"])
                patch.set_hatch(look["hatch"])
                patch.set_linestyle(look["linestyle"])
            box.set_linewidth(2.4 if t == s else 1.4)
            box.set_edgecolor(OKABE_ITO["vermillion"] if t == s else look["edgecolor"])
            gauge.set_height(fill[t])
            if t:
                self.arrow_texts[t - 1].set_text(f"{ch.jacobian_norms[t - 1]:.2f}")
                bar.set_height(shares[t - 1])

        # the arrows h_(t-1) -> h_t: shafts as one line broken by NaNs, heads as markers
        starts = np.arange(T) + BOX_W / 2
        ends = np.arange(1, T + 1) - BOX_W / 2 - 0.07
        xs = np.column_stack([starts, ends, np.full(T, np.nan)]).ravel()
        self.shafts.set_data(xs, np.where(np.isnan(xs), np.nan, Y_BOX))
        self.heads.set_data(ends, np.full(T, Y_BOX))
        self.loss_line.set_data([s, s], [Y_BOX + BOX_H / 2, Y_LOSS - 0.3])
        self.loss_head.set_data([s], [Y_LOSS - 0.3])
        self.loss_text.set_position((s, Y_LOSS))
        self.loss_text.set_text(f"L = u·h{str(s).translate(SUBSCRIPT)}")
        first_kept = s - k + 1
        if first_kept > 1:
            x = first_kept - 0.5
            self.cut_line.set_data([x, x, x, x, x], [Y_BOX - 0.45, Y_BOX - 0.03, np.nan, Y_BOX + 0.3, Y_BOX + 0.72])
            self.cut_text.set_position((x, Y_BOX + 0.8))
            self.cut_text.set_text("cut")
        else:
            self.cut_line.set_data([], [])
            self.cut_text.set_text("")

        errs = self.truncation_errors(ch)
        ks = np.arange(1, T + 1)
        self.err_line.set_data(ks, np.minimum(errs, 1.2))
        k_shown = min(k, T)
        self.err_dot.set_data([k_shown], [min(errs[k_shown - 1], 1.2)])

        self.set_readout(self._readout(ch, dh_norms, shares, errs))

    def _readout(self, ch, dh_norms, shares, errs):
        T, s, k = len(ch.h), ch.loss_step, ch.truncate
        scale = float(self.scale_slider.value)
        lines = [
            f"Loss L = u·h_{s} at step s = {s} of T = {T}; W_hh = {scale:.2f} × a rotation; "
            f"truncation after k = {k} steps.",
            f"Jacobian norms ||dh_t/dh_(t-1)||, t = 1..{T}: {fmt(ch.jacobian_norms, '.3g')}",
            f"Gradient norms ||dL/dh_t||, t = 1..{s}: {fmt(dh_norms[:s], '.3g')}",
            f"Terms ||dz_t h_(t-1)ᵀ|| of dL/dW_hh, t = 1..{T}: {fmt(ch.term_norms, '.3g')}",
        ]
        if not shares.any():
            lines.append(f"dL/dW_hh is zero: the loss at step {s} reaches W_hh only through h_0 = 0, "
                         "so there is nothing to share out.")
        else:
            top = int(np.argmax(shares)) + 1
            near = min(3, s)
            lines.append(f"In words: step {top} contributes most ({shares[top - 1]:.0%} of the total); "
                         f"the {near} step(s) nearest the loss carry {shares[s - near:s].sum():.0%}. "
                         f"Steps after {s} add nothing: the loss at step {s} does not depend on them. "
                         "Step 1 adds nothing either, because h_0 = 0.")
            if s > 1:
                ratio = dh_norms[0] / dh_norms[s - 1]
                trend = ("shrinks" if ratio < 1 else "grows")
                lines.append(f"Going back from step {s} to step 1 the gradient {trend}: "
                             f"||dL/dh_1|| / ||dL/dh_{s}|| = {ratio:.3g}.")
        if k >= s:
            lines.append(f"Truncation (k = {k} ≥ s = {s}) keeps every step from the loss back to step 1: "
                         "the gradient is exact.")
        else:
            lines.append(f"Truncated after k = {k} steps: only steps {s - k + 1}..{s} are kept, and dL/dW_hh "
                         f"is off by {errs[k - 1]:.1%} (relative error).")
        return lines
