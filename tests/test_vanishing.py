"""The math of notebook 10 (lstm_course.demos.vanishing): the plain RNN's gradient flow and the
loss cliff, from one start and from eight; the claims the notebook's prose makes from them.

The explorers' numbers are tested against hand-written references in
``test_vanishing_explorers.py``."""

import json
from pathlib import Path

import numpy as np
import pytest

import lstm_course.demos.highway as H
import lstm_course.demos.vanishing as V
import lstm_course.explorers.vanishing as W

ROOT = Path(__file__).resolve().parents[1]

VANISHING_MATH = ["recurrent_matrix", "flow_inputs", "GradientFlow", "gradient_flow", "step_bounds", "verdict",
                  "cliff_loss_and_grads", "cliff_surface", "Trajectory", "descend"]


def test_constants_keep_their_values():
    # notebook 10's network: 16 units, 100 steps, seed 10; its explorer's fixed log axis
    assert (V.FLOW_HIDDEN, V.FLOW_T_MAX, V.FLOW_SEED) == (16, 100, 10)
    assert (W.HIDDEN, W.T_MAX, W.SEED) == (16, 100, 10)
    assert W.Y_LIMITS == (1e-20, 1e20)
    assert (V.CLIFF_T, V.CLIFF_KICK, V.CLIFF_TARGET, V.CLIFF_LR, V.CLIFF_STEPS) == (50, 0.5, -0.6, 0.5, 25)
    assert (V.VANISH, V.EXPLODE) == (0.1, 10.0)
    # notebook 11's constants, which now live in their own module, are untouched by notebook 10's
    assert (H.HIDDEN, H.T_MAX, H.Y_LIMITS) == (8, 100, (1e-16, 1e4))


@pytest.mark.parametrize("name", VANISHING_MATH)
def test_vanishing_math_is_defined_in_its_demo_module(name):
    assert getattr(V, name).__module__ == "lstm_course.demos.vanishing"


def test_every_public_name_of_the_demo_modules_exists():
    for module in (V, H):
        missing = [n for n in module.__all__ if not hasattr(module, n)]
        assert not missing, f"{module.__name__}.__all__ names {missing}"
        assert len(set(module.__all__)) == len(module.__all__)


def test_gradient_flow_has_the_width_of_the_network():
    fl = V.gradient_flow(1.0, 5, 0.1)
    assert fl.dh.shape == (5, 16) and fl.params.weight_h.shape == (16, 16)
    assert V.flow_inputs(100, 1.0).shape == (1, 100, 16)
    with pytest.raises(ValueError, match=r"T must be in 1..100; got 101"):
        V.flow_inputs(101, 1.0)


# --- notebook 10's cliff: the same two descents from eight starts ---------------------------------

NB10 = ROOT / "notebooks" / "10-vanishing-and-exploding-gradients.ipynb"


def nb10_prose():
    """Notebook 10's markdown, its lines joined (a sentence may be wrapped anywhere)."""
    cells = json.loads(NB10.read_text(encoding="utf-8"))["cells"]
    return " ".join(" ".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown").split())


def test_cliff_starts_are_ours_then_draws_from_the_box():
    starts = V.cliff_starts()
    assert starts.shape == (V.CLIFF_N_STARTS, 2) == (8, 2)
    assert tuple(starts[0]) == V.CLIFF_START == (1.5, -0.3)
    (wl, wh), (bl, bh) = V.CLIFF_BOX
    assert np.all((wl <= starts[1:, 0]) & (starts[1:, 0] <= wh) & (bl <= starts[1:, 1]) & (starts[1:, 1] <= bh))
    rng = np.random.default_rng(V.CLIFF_SEED)                  # the draws, spelled out
    np.testing.assert_array_equal(starts[1:, 0], rng.uniform(wl, wh, 7))
    np.testing.assert_array_equal(starts[1:, 1], rng.uniform(bl, bh, 7))
    assert V.cliff_starts(1).tolist() == [[1.5, -0.3]]
    assert W.CLIFF_START is V.CLIFF_START


def test_cliff_runs_are_descend_from_each_start():
    starts = np.array([[1.5, -0.3], [0.8, 0.2]])
    runs = V.cliff_runs(starts, max_norm=0.5, steps=6)
    for k, (w0, b0) in enumerate(starts):
        for got, want in ((runs.raw[k], V.descend(w0, b0, 6)), (runs.clipped[k], V.descend(w0, b0, 6, max_norm=0.5))):
            for a, b in zip(got, want):
                np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(runs.raw_final_loss, [r.loss[-1] for r in runs.raw])
    np.testing.assert_array_equal(runs.clipped_longest_step, [np.hypot(*r.step.T).max() for r in runs.clipped])
    np.testing.assert_array_equal(runs.raw_end, [[r.w[-1], r.b[-1]] for r in runs.raw])
    assert np.all(runs.clipped_longest_step <= 0.5 * 0.5 * (1 + 1e-12))      # lr * max_norm
    with pytest.raises(ValueError, match=r"starts must have shape \(n, 2\)"):
        V.cliff_runs(np.zeros((3, 3)))
    with pytest.raises(ValueError, match="n"):
        V.cliff_starts(0)
    with pytest.raises(TypeError, match="runs must be the CliffRuns"):
        W.plot_cliff_runs(None)


def test_plot_cliff_runs_draws_every_run_and_every_final_loss():
    runs = V.cliff_runs(V.cliff_starts(3), steps=5)
    fig = W.plot_cliff_runs(runs)
    ax_l, ax_f = fig.axes[:2]
    assert len(ax_l.lines) == 6                                      # 3 starts, both ways
    np.testing.assert_allclose(ax_l.lines[0].get_ydata(), np.maximum(runs.raw[0].loss, W.LOSS_FLOOR))
    np.testing.assert_allclose(ax_f.lines[1].get_ydata(),
                               np.maximum(runs.clipped_final_loss, W.LOSS_FLOOR))
    assert all(ax.get_title() and ax.get_xlabel() and ax.get_ylabel() for ax in (ax_l, ax_f))


@pytest.fixture(scope="module")
def cliff():
    return V.cliff_runs()                                         # notebook 10's runs: 8 starts, 25 steps


@pytest.mark.trains
def test_the_cliff_claims_hold_from_every_start(cliff):
    """Notebook 10: "With clipping, all 8 runs end below a loss of 0.01, and no step is longer than
    0.5. Without clipping, every run takes at least one step longer than 1 ... In 3 of the 8 runs
    ... the loss ends above 0.1; the other 5 ... end below 0.02. Our start is the most violent of
    the eight (its longest step is 308 long)"."""
    raw, clipped = cliff.raw_final_loss, cliff.clipped_final_loss
    assert len(cliff.starts) == 8
    assert clipped.max() < 0.01                                      # measured: at most 0.0036
    assert cliff.clipped_longest_step.max() <= 0.5 * (1 + 1e-12)
    assert cliff.raw_longest_step.min() > 1                          # measured: at least 1.56
    stuck = raw > 0.1
    assert stuck.sum() == 3 and raw[stuck].min() > 0.14              # measured: 0.144, 0.151, 0.160
    assert raw[~stuck].max() < 0.02                                  # measured: at most 0.0161
    assert int(np.argmax(cliff.raw_longest_step)) == 0
    assert f"{cliff.raw_longest_step[0]:.0f}" == "308"
    prose = nb10_prose()
    for sentence in ("With clipping, all 8 runs end below a loss of 0.01, and no step is longer than 0.5.",
                     "every run takes at least one step longer than 1,",
                     "In 3 of the 8 runs it lands on the flat side of the cliff,",
                     "the loss ends above 0.1; the other 5 land where descent can carry on and end below 0.02.",
                     "Our start is the most violent of the eight (its longest step is 308 long)"):
        assert sentence in prose, sentence


@pytest.mark.trains
def test_the_single_run_the_notebook_walks_through(cliff):
    """Notebook 10's run from (1.5, -0.3) and the clipping explorer's "things to try"."""
    raw, clipped = cliff.raw[0], cliff.clipped[0]
    np.testing.assert_array_equal(raw.w[:4], clipped.w[:4])           # "for three steps both runs are the same"
    assert np.all(raw.norm[:3] < 1) and raw.norm[3] > 600             # "at step 3 ... over 600 long"
    assert f"{raw.norm[3]:.0f}" == "617"
    assert (f"{raw.w[4]:.0f}", f"{raw.b[4]:.0f}") == ("-99", "-292")
    assert raw.norm[-1] == 0.0 and f"{raw.loss[-1]:.2f}" == "0.16"    # "the gradient is exactly 0 ... stuck at 0.16"
    assert clipped.loss[-1] < 0.01
    (wl, wh), (bl, bh) = W.CLIFF_VIEW
    outside = (raw.w < wl) | (raw.w > wh) | (raw.b < bl) | (raw.b > bh)
    assert int(np.argmax(outside)) == 4                               # "leave the window at step 4"
    slow = V.descend(*V.CLIFF_START, max_norm=0.1)              # "Threshold 0.1 ... it still gets there"
    assert slow.loss[-1] < 0.01 and np.hypot(*slow.step.T).max() <= 0.05 * (1 + 1e-12)
    loose = V.descend(*V.CLIFF_START, max_norm=5.0)             # "Threshold 5 ... thrown to a flat region"
    assert loose.loss[-1] > 0.1 and loose.norm[-1] < 0.05


# --- notebook 10's explorer readouts, as its prose quotes them -------------------------------------

def test_the_gradient_flow_presets_read_as_the_notebook_says():
    presets = {label: tuple(p.values()) for label, p in W.GradientFlowExplorer.presets.items()}   # (r, T, s)
    r, T, s = presets["linear, radius 0.8"]
    assert T - 1 == 59 and V.gradient_flow(r, T, s).ratio == pytest.approx(0.8 ** 59, rel=0.3)  # "about a millionth"
    small = V.gradient_flow(*presets["small inputs, radius 1"])
    assert f"{small.slope.mean():.2f}" == "0.96" and 200 < 1 / small.ratio < 1000                  # "several hundred"
    assert (V.gradient_flow(3.0, 100, 0.0).norms > W.Y_LIMITS[1]).any()         # "leaves the plot at the top"
    assert V.verdict(V.gradient_flow(*presets["large weights, saturated"]).ratio) == "vanishes"


def test_raising_the_input_scale_at_radius_3_goes_as_the_notebook_says():
    """Preset 5: "Up to 0.8 the gradient explodes at every step but one (0.45); from 0.85 to 1.4 the
    verdict jumps between explodes, roughly kept and vanishes ...; from 1.45 on it always vanishes"."""
    ex = W.GradientFlowExplorer()
    step = ex.input_slider.step
    assert step == 0.05
    scales = np.round(np.arange(0.0, ex.input_slider.max + step / 2, step), 2)
    word = {s: V.verdict(V.gradient_flow(3.0, 60, s).ratio) for s in scales}
    assert [s for s in scales if s <= 0.8 and word[s] != "explodes"] == [0.45]
    assert {word[s] for s in scales if 0.85 <= s <= 1.4} == {"explodes", "roughly kept", "vanishes"}
    assert word[0.85] != "explodes" and word[1.4] != "vanishes"
    assert all(word[s] == "vanishes" for s in scales if s >= 1.45)
    prose = nb10_prose()
    assert "Up to 0.8 the gradient explodes at every step but one (0.45); from 0.85 to 1.4 the verdict jumps" in prose
    assert "from 1.45 on it always vanishes" in prose
