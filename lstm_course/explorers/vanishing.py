"""GradientFlowExplorer and ClippingExplorer: vanishing and exploding gradients in a plain RNN,
and gradient clipping on a loss cliff; ``plot_cliff_runs`` draws notebook 10's descents from many
starts (``lstm_course.demos.vanishing.cliff_runs``).

The math (and the equations) live in ``lstm_course.demos.vanishing``; this
module draws it.
"""

from __future__ import annotations

import functools

import numpy as np

# Re-exported: the notebook and tests import them from here too. Named one by one, not with *:
from ..demos.vanishing import (CLIFF_KICK, CLIFF_LR, CLIFF_START, CLIFF_STEPS, CLIFF_T, CLIFF_TARGET,  # noqa: F401
                    EXPLODE, CliffRuns, FLOW_HIDDEN, FLOW_SEED, FLOW_T_MAX, VANISH, GradientFlow, Trajectory,
                    cliff_loss_and_grads, cliff_surface, descend, flow_inputs, gradient_flow,
                    recurrent_matrix, step_bounds, verdict)
from lstm_core import _checks
from ..plotting import OKABE_ITO, new_figure, style_axes
from .kit import Explorer, float_slider, int_slider, keep_in_frame

HIDDEN = FLOW_HIDDEN         # H = 16, units of the explorer's RNN (the old names stay importable)
T_MAX = FLOW_T_MAX           # the longest sequence
SEED = FLOW_SEED             # the fixed random W_hh, inputs and read-out u
Y_LIMITS = (1e-20, 1e20)     # the fixed log axis of the gradient plot; values beyond are drawn at its edge
CLIFF_VIEW = ((0.0, 2.5), (-1.0, 0.6))   # the plotted (w, b) window
LOSS_FLOOR = 1e-5            # smaller losses are drawn at this value on the log axis


# --- the explorers ----------------------------------------------------------------------------------

def _edge(values):
    """values pulled into Y_LIMITS (for drawing), and masks of those below / above."""
    lo, hi = Y_LIMITS
    return np.clip(values, lo, hi), values < lo, values > hi


class GradientFlowExplorer(Explorer):
    """||dL/dh_t|| of a plain RNN, for a loss at the last step, against t on a log axis, with the
    product bound and radius^(T-t) for comparison; beside it, how saturated tanh is at each step.

    Sliders: the spectral radius of W_hh, the length T and the input scale.
    """

    title = "Vanishing and exploding gradients in a plain RNN"
    options = dict(radius=1.0, T=60, input_scale=0.1)
    presets = {
        "linear, radius 0.8": {"radius_slider": 0.8, "length_slider": 60, "input_slider": 0.0},
        "linear, radius 1.2": {"radius_slider": 1.2, "length_slider": 60, "input_slider": 0.0},
        "small inputs, radius 1": {"radius_slider": 1.0, "length_slider": 60, "input_slider": 0.1},
        "large weights, saturated": {"radius_slider": 3.0, "length_slider": 60, "input_slider": 2.0},
    }

    def build(self):
        self.radius_slider = float_slider("spectral radius of $W_{hh}$", self.radius, 0.1, 3.0, step=0.05)
        self.length_slider = int_slider("sequence length T", self.T, 5, T_MAX)
        self.input_slider = float_slider("input scale", self.input_scale, 0.0, 3.0, step=0.05)
        self.controls = [self.radius_slider, self.length_slider, self.input_slider]

        self.fig, (ax_g, ax_s) = new_figure(9.0, 4.2, ncols=2, width_ratios=[1.4, 1])
        ts = np.arange(1, T_MAX + 1)
        ones = np.ones(T_MAX)
        self.bound_line, = ax_g.plot(ts, ones, color=OKABE_ITO["vermillion"], linestyle=":", linewidth=1.6,
                                     label=r"bound: product of $\|W_{hh}\| \max \tanh'$")
        self.radius_line, = ax_g.plot(ts, ones, color=OKABE_ITO["grey"], linestyle="--", linewidth=1.4,
                                      label=r"radius$^{T - t}$")
        self.grad_line, = ax_g.plot(ts, ones, color=OKABE_ITO["blue"], linestyle="-", marker="o", markersize=3,
                                    linewidth=1.8, label=r"$\|\partial L/\partial h_t\|$")
        marks = {"color": OKABE_ITO["blue"], "markersize": 7, "markeredgecolor": "white", "markeredgewidth": 0.6,
                 "linestyle": "none"}
        self.low_marks, = ax_g.plot([], [], "v", label="beyond the axis (drawn at its edge)", **marks)
        self.high_marks, = ax_g.plot([], [], "^", **marks)
        ax_g.set_yscale("log")
        ax_g.set_ylim(Y_LIMITS[0] / 30, Y_LIMITS[1] * 30)       # room for the edge triangles (1.5 decades, 9 px)
        ax_g.set_xlim(0, T_MAX + 1)
        ax_g.set_yticks([1e-20, 1e-15, 1e-10, 1e-5, 1, 1e5, 1e10, 1e15, 1e20])
        ax_g.axhline(1.0, color="black", linewidth=0.6)
        style_axes(ax_g, "Gradient size for a loss at step T", "step t", r"$\|\partial L/\partial h_t\|$ (log scale)")

        self.mean_line, = ax_s.plot(ts, ones, color=OKABE_ITO["orange"], linestyle="-", marker="s", markersize=3,
                                    linewidth=1.6, label="mean over units")
        self.max_line, = ax_s.plot(ts, ones, color=OKABE_ITO["green"], linestyle="--", linewidth=1.6,
                                   label="largest unit (enters the bound)")
        ax_s.axhline(1.0, color=OKABE_ITO["grey"], linestyle=":", linewidth=1.0)
        ax_s.annotate("tanh' can never exceed 1", (2, 1.0), xytext=(0, 3), textcoords="offset points", fontsize=8)
        ax_s.set_ylim(-0.04, 1.12)                               # a marker at 0 is not cut in half
        ax_s.set_xlim(0, T_MAX + 1)
        style_axes(ax_s, "How saturated is tanh?", "step t", r"$\tanh'(z_t) = 1 - h_t^2$")
        # one legend under both panels: inside either, some slider setting puts data beneath it
        self.fig.legend(handles=[self.grad_line, self.radius_line, self.bound_line, self.low_marks, self.mean_line,
                                 self.max_line], loc="outside lower center", ncols=3, fontsize=8, handlelength=3)
        self.ax_g, self.ax_s = ax_g, ax_s

    def compute(self) -> GradientFlow:
        return gradient_flow(self.radius_slider.value, int(self.length_slider.value), self.input_slider.value)

    def update(self):
        fl = self.compute()
        T = fl.norms.size
        ts = np.arange(1, T + 1)
        pad = np.full(T_MAX - T, np.nan)
        bound = np.append(np.cumprod(step_bounds(fl)[::-1])[::-1], 1.0)     # prod over s = t+1..T
        radius_ref = fl.radius ** (T - ts).astype(float)
        shown, low, high = _edge(fl.norms)
        self.grad_line.set_ydata(np.concatenate([shown, pad]))
        self.bound_line.set_ydata(np.concatenate([_edge(bound)[0], pad]))
        self.radius_line.set_ydata(np.concatenate([_edge(radius_ref)[0], pad]))
        self.low_marks.set_data(ts[low], shown[low])
        self.high_marks.set_data(ts[high], shown[high])
        self.mean_line.set_ydata(np.concatenate([fl.slope.mean(axis=1), pad]))
        self.max_line.set_ydata(np.concatenate([fl.slope.max(axis=1), pad]))

        ratio = fl.ratio
        word = verdict(ratio)
        per_step = ratio ** (1.0 / (T - 1))
        how = {"vanishes": "shrinks by more than 10x", "explodes": "grows by more than 10x",
               "roughly kept": "stays within a factor of 10"}[word]
        lines = [
            f"W_hh: spectral radius {fl.radius:.2f} (largest |eigenvalue|), spectral norm ||W_hh|| = "
            f"{fl.spectral_norm:.2f} (the most one step can stretch a vector); T = {T}, input scale "
            f"{self.input_slider.value:.2f}.",
            f"||dL/dh_1|| / ||dL/dh_T|| = {ratio:.2e} over {T - 1} steps back: the gradient {word} "
            f"(it {how}).",
            f"Average factor per step back: {per_step:.3f}; the bound ||W_hh|| * max tanh' allows at most "
            f"{float(step_bounds(fl).max()):.3f} on the loosest step.",
            f"tanh' over all units and steps: mean {fl.slope.mean():.3f} (1 = linear, near 0 = saturated).",
        ]
        n_low, n_high = int(low.sum()), int(high.sum())
        if n_low or n_high:
            lines.append(f"{n_low + n_high} of {T} points lie outside the plotted range 1e-20..1e20 "
                         f"({n_low} below, {n_high} above) and are drawn at its edge as triangles.")
        self.set_readout(lines)


class ClippingExplorer(Explorer):
    """Gradient descent on the cliff loss of a one-unit RNN, with and without clipping, on the
    (w, b) plane over the loss surface; the readout compares the steep step's raw and clipped
    gradient (same direction, shorter length).

    Sliders: the clipping threshold max_norm and the starting point (w0, b0).
    """

    title = "Gradient clipping on a loss cliff"
    options = dict(max_norm=1.0, w0=CLIFF_START[0], b0=CLIFF_START[1])

    def build(self):
        (wl, wh), (bl, bh) = CLIFF_VIEW
        self.clip_slider = float_slider("clip threshold (max norm)", self.max_norm, 0.1, 5.0, step=0.1,
                                        readout_format=".1f")
        self.w_slider = float_slider("start w0", self.w0, 0.8, 2.2, step=0.05)
        self.b_slider = float_slider("start b0", self.b0, -0.6, 0.3, step=0.05)
        self.controls = [self.clip_slider, self.w_slider, self.b_slider]

        self.fig, (ax_p, ax_l) = new_figure(9.0, 4.0, ncols=2, width_ratios=[1.25, 1])
        image = ax_p.imshow(_cached_surface(wl, wh, bl, bh), origin="lower", extent=(wl, wh, bl, bh), aspect="auto",
                            cmap="cividis", vmin=0, vmax=2.6, interpolation="nearest")
        keep_in_frame(image)                                        # the surface never changes
        bar = self.fig.colorbar(image, ax=ax_p)
        bar.set_label(r"colour: $(h_T - y^*)^2$", fontsize=8)
        bar.ax.set_title("loss", fontsize=8)
        self.raw_path, = ax_p.plot([], [], color=OKABE_ITO["vermillion"], linestyle="--", marker="x", markersize=5,
                                   linewidth=1.4, label="no clipping")
        self.clip_path, = ax_p.plot([], [], color=OKABE_ITO["sky"], linestyle="-", marker="o", markersize=3,
                                    linewidth=1.6, label="clipped")
        self.start_mark, = ax_p.plot([], [], "*", color="white", markeredgecolor="black", markersize=11,
                                     linestyle="none", label="start")
        self.exit_text = ax_p.text(0.02, 0.03, "", transform=ax_p.transAxes, fontsize=8, color="black",
                                   bbox={"facecolor": "white", "alpha": 0.85, "edgecolor": "none"})
        ax_p.set_xlim(wl, wh)
        ax_p.set_ylim(bl, bh)
        style_axes(ax_p, "Descent on the loss surface", "recurrent weight w", "bias b")
        ax_p.grid(False)

        ks = np.arange(CLIFF_STEPS + 1)
        self.raw_loss, = ax_l.plot(ks, np.ones(ks.size), color=OKABE_ITO["vermillion"], linestyle="--", marker="x",
                                   markersize=5, linewidth=1.4, label="no clipping")
        self.clip_loss, = ax_l.plot(ks, np.ones(ks.size), color=OKABE_ITO["sky"], linestyle="-", marker="o",
                                    markersize=3, linewidth=1.6, label="clipped")
        ax_l.set_yscale("log")
        ax_l.set_xlim(-0.5, CLIFF_STEPS + 0.5)
        ax_l.set_ylim(LOSS_FLOOR / 2, 5.0)
        style_axes(ax_l, "Loss during descent", "gradient-descent step k", "loss (log scale)")
        # one legend for both panels, under them: the paths and losses can run anywhere inside
        self.fig.legend(handles=[self.raw_path, self.clip_path, self.start_mark], loc="outside lower center",
                        ncols=3, fontsize=8, handlelength=2.5)
        self.ax_p, self.ax_l = ax_p, ax_l

    def compute(self):
        w0, b0 = float(self.w_slider.value), float(self.b_slider.value)
        return _descend_cached(w0, b0, None), _descend_cached(w0, b0, float(self.clip_slider.value))

    def update(self):
        raw, clipped = self.compute()
        m = float(self.clip_slider.value)
        self.raw_path.set_data(raw.w, raw.b)
        self.clip_path.set_data(clipped.w, clipped.b)
        self.start_mark.set_data([raw.w[0]], [raw.b[0]])
        self.raw_loss.set_ydata(np.maximum(raw.loss, LOSS_FLOOR))
        self.clip_loss.set_ydata(np.maximum(clipped.loss, LOSS_FLOOR))
        (wl, wh), (bl, bh) = CLIFF_VIEW
        outside = (raw.w < wl) | (raw.w > wh) | (raw.b < bl) | (raw.b > bh)
        self.exit_text.set_text(f"no clipping ends at w = {raw.w[-1]:.1f}, b = {raw.b[-1]:.1f}" if outside.any()
                                else "")

        k = int(np.argmax(clipped.norm[:-1]))                    # the steepest step of the clipped run
        g = clipped.norm[k]
        cut = min(g, m)
        _, raw_g = cliff_loss_and_grads(clipped.w[k], clipped.b[k])
        raw_dir = -np.array([raw_g["w"][0], raw_g["b"][0]])
        cos = float(raw_dir @ clipped.step[k] / (np.linalg.norm(raw_dir) * np.linalg.norm(clipped.step[k])))
        lines = [
            f"Start (w, b) = ({raw.w[0]:.2f}, {raw.b[0]:.2f}); {CLIFF_STEPS} steps of gradient descent, "
            f"learning rate {CLIFF_LR}; clipping threshold {m:.1f}.",
            f"Largest gradient length met: without clipping {raw.norm[:-1].max():.3g} (step "
            f"{int(np.argmax(raw.norm[:-1]))}), with clipping {g:.3g} (step {k}).",
            f"At step {k} clipping scales the gradient by {cut / g:.4f}: its length goes from {g:.3g} to {cut:.3g} "
            f"and its direction does not change (cosine between the raw and the clipped step {cos:.4f}; the step taken "
            f"is {np.hypot(*clipped.step[k]):.3g} long).",
            f"Final loss: without clipping {raw.loss[-1]:.4f} at (w, b) = ({raw.w[-1]:.2f}, {raw.b[-1]:.2f}); "
            f"with clipping {clipped.loss[-1]:.4f} at ({clipped.w[-1]:.2f}, {clipped.b[-1]:.2f}).",
        ]
        if outside.any():
            lines.append(f"The run without clipping leaves the plotted window at step {int(np.argmax(outside))}.")
        if raw.norm[-1] == 0.0 or raw.norm[-1] < 1e-12:
            lines.append("Without clipping the final gradient is zero: the unit is saturated for good and "
                         "gradient descent can no longer move.")
        self.set_readout(lines)


def plot_cliff_runs(runs):
    """Notebook 10's figure of ``cliff_runs``: every run's loss step by step (left) and each start's
    final loss with and without clipping (right), on log axes. Returns the figure."""
    if not isinstance(runs, CliffRuns):
        raise TypeError(f"runs must be the CliffRuns that cliff_runs returned; got {_checks.describe(runs)}")
    fig, (ax_l, ax_f) = new_figure(9.0, 3.6, ncols=2, width_ratios=[1.3, 1])
    raw_style = {"color": OKABE_ITO["vermillion"], "linestyle": "--", "linewidth": 1.1}
    clip_style = {"color": OKABE_ITO["sky"], "linestyle": "-", "linewidth": 1.4}
    for k, (raw, clipped) in enumerate(zip(runs.raw, runs.clipped)):
        ax_l.plot(np.maximum(raw.loss, LOSS_FLOOR), label="no clipping" if k == 0 else None, **raw_style)
        ax_l.plot(np.maximum(clipped.loss, LOSS_FLOOR), label="clipped" if k == 0 else None, **clip_style)
    ax_l.set_yscale("log")
    ax_l.set_ylim(LOSS_FLOOR / 2, 5.0)
    style_axes(ax_l, f"Loss during descent, {len(runs.starts)} starts", "gradient-descent step k", "loss (log scale)")
    ax_l.legend(loc="lower left", fontsize=8, handlelength=2.5)

    ks = np.arange(len(runs.starts))
    ax_f.plot(ks, np.maximum(runs.raw_final_loss, LOSS_FLOOR), "x", color=OKABE_ITO["vermillion"], markersize=8,
              markeredgewidth=2, label="no clipping")
    ax_f.plot(ks, np.maximum(runs.clipped_final_loss, LOSS_FLOOR), "o", color=OKABE_ITO["sky"], markersize=7,
              label="clipped")
    ax_f.axhline(0.01, color=OKABE_ITO["grey"], linestyle=":", linewidth=1.2)
    ax_f.annotate("0.01", (ks[-1] + 0.4, 0.01), xytext=(0, 2), textcoords="offset points", ha="right", fontsize=8)
    ax_f.set_yscale("log")
    ax_f.set_ylim(LOSS_FLOOR / 2, 5.0)
    ax_f.set_xticks(ks, ["ours"] + [str(k) for k in ks[1:]])
    style_axes(ax_f, "Final loss of each start", "start", "loss after the last step")
    ax_f.legend(loc="upper right", fontsize=8)
    return fig


@functools.lru_cache(maxsize=4)
def _cached_surface(wl, wh, bl, bh):
    return cliff_surface(np.linspace(wl, wh, 126), np.linspace(bl, bh, 161))


@functools.lru_cache(maxsize=256)
def _descend_cached(w0, b0, max_norm):
    # the run without clipping does not depend on the threshold: moving that slider reuses it
    return descend(w0, b0, max_norm=max_norm)
