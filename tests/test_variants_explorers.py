"""VariantExplorer: every bar and the readout follow the sliders and presets, checked against the four
cells' equations written out here in plain numpy (with the explorer's weights copied as numbers, not
imported), and plot_runs draws what it is given."""

import math

import numpy as np
import pytest

from lstm_core.training import History
from lstm_course.explorers.variants import VariantExplorer, plot_race, plot_runs


def sig(a):
    return 1 / (1 + math.exp(-a))


def by_hand(x, h, c, b, p):
    """One step of each one-unit cell with the explorer's weights: f (1, 0.5), i (1.5, -0.5),
    o (1, 1), g (2, 0.5); GRU r (-1, 1), z = f's weights, n = g's weights, b_hn = 0.5."""
    lstm = dict(f=sig(x + 0.5 * h + b), i=sig(1.5 * x - 0.5 * h), o=sig(x + h), g=math.tanh(2 * x + 0.5 * h))
    lstm["c"] = lstm["f"] * c + lstm["i"] * lstm["g"]
    lstm["h"] = lstm["o"] * math.tanh(lstm["c"])
    peep = dict(f=sig(x + 0.5 * h + b + p * c), i=sig(1.5 * x - 0.5 * h + p * c), g=lstm["g"])
    peep["c"] = peep["f"] * c + peep["i"] * peep["g"]
    peep["o"] = sig(x + h + p * peep["c"])                 # o reads the new c
    peep["h"] = peep["o"] * math.tanh(peep["c"])
    cp = dict(f=lstm["f"], i=1 - lstm["f"], o=lstm["o"], g=lstm["g"])
    cp["c"] = cp["f"] * c + (1 - cp["f"]) * cp["g"]
    cp["h"] = cp["o"] * math.tanh(cp["c"])
    r, z = sig(-x + h), sig(x + 0.5 * h + b)
    n = math.tanh(2 * x + r * (0.5 * h + 0.5))
    gru = {"r": r, "z": z, "1-z": 1 - z, "n": n, "h": (1 - z) * n + z * h}
    return {"LSTM": lstm, "peephole": peep, "coupled": cp, "GRU": gru}


def set_sliders(ex, x, h, c, b, p):
    with ex.hold():
        ex.x_slider.value, ex.h_slider.value, ex.c_slider.value = x, h, c
        ex.bias_slider.value, ex.peep_slider.value = b, p


def check_against_hand(ex, x, h, c, b, p):
    want = by_hand(x, h, c, b, p)
    for (cell, key), bar in ex.gate_bars.items():
        assert bar.get_height() == pytest.approx(want[cell][key], abs=1e-12), (cell, key)
    for (cell, key), bar in ex.state_bars.items():
        assert bar.get_height() == pytest.approx(want[cell][key], abs=1e-12), (cell, key)
    assert ex.c_prev_line.get_ydata()[0] == pytest.approx(c)
    assert ex.h_prev_line.get_ydata()[0] == pytest.approx(h)
    text = ex.readout_text
    L, P, C, G = want["LSTM"], want["peephole"], want["coupled"], want["GRU"]
    assert f"keeps f = {L['f']:.3f} of c_(t-1)" in text
    assert f"writes i = {L['i']:.3f} of g = {L['g']:+.3f}: c_t = {L['c']:+.3f}, h_t = {L['h']:+.3f}" in text
    assert f"f = {P['f']:.3f}, i = {P['i']:.3f} (from c_(t-1)), o = {P['o']:.3f}" in text
    assert f"i is tied to 1 - f = {C['i']:.3f}" in text
    assert f"keeping {100 * C['f']:.1f}% of c_(t-1) leaves {100 * C['i']:.1f}% for the candidate" in text
    assert f"c_t = {C['f']:.3f}*c_(t-1) + {C['i']:.3f}*g = {C['c']:+.3f}" in text
    assert f"update gate z = {G['z']:.3f} keeps {100 * G['z']:.1f}% of h_(t-1)" in text
    assert f"h_t = {G['1-z']:.3f}*n + {G['z']:.3f}*h_(t-1) = {G['h']:+.3f}" in text
    assert f"reset gate r = {G['r']:.3f}" in text
    return want


SETTINGS = [
    (1.0, 0.5, 1.0, 1.0, 0.5),       # the start
    (-3.0, -1.0, -2.0, -4.0, -2.0),  # every slider at its low end
    (3.0, 1.0, 2.0, 4.0, 2.0),       # every slider at its high end
    (0.35, -0.6, 1.45, 2.2, -0.75),
    (-1.2, 0.0, -0.5, 0.0, 1.1),
]


@pytest.mark.parametrize("x, h, c, b, p", SETTINGS)
def test_bars_and_readout_follow_the_sliders(x, h, c, b, p):
    ex = VariantExplorer()
    set_sliders(ex, x, h, c, b, p)
    check_against_hand(ex, x, h, c, b, p)


@pytest.mark.parametrize("slider, value", [("x_slider", -2.0), ("h_slider", 0.8), ("c_slider", -1.5),
                                           ("bias_slider", 3.5), ("peep_slider", -1.25)])
def test_each_slider_alone_moves_the_bars(slider, value):
    ex = VariantExplorer()
    before = {k: b.get_height() for k, b in {**ex.gate_bars, **ex.state_bars}.items()}
    getattr(ex, slider).value = value
    vals = dict(x=ex.x_slider.value, h=ex.h_slider.value, c=ex.c_slider.value, b=ex.bias_slider.value,
                p=ex.peep_slider.value)
    check_against_hand(ex, **vals)
    after = {k: b.get_height() for k, b in {**ex.gate_bars, **ex.state_bars}.items()}
    assert any(abs(after[k] - before[k]) > 1e-6 for k in before)


def test_presets_set_the_sliders_and_say_what_they_show():
    ex = VariantExplorer()
    ex.preset_buttons["keep (bias +3)"].click()
    assert ex.bias_slider.value == 3.0
    want = check_against_hand(ex, 1.0, 0.5, 1.0, 3.0, 0.5)
    # keeping ~99% leaves the coupled cell ~1% to write: c_t stays at c_(t-1); the LSTM's i stays free
    assert want["coupled"]["c"] == pytest.approx(1.0, abs=0.01)
    assert ex.gate_bars[("LSTM", "i")].get_height() > 0.7
    assert "leaves 1.4% for the candidate" in ex.readout_text

    ex.preset_buttons["overwrite (bias -3)"].click()
    want = check_against_hand(ex, 1.0, 0.5, 1.0, -3.0, 0.5)
    # mostly the candidate now: 85% of the way from the old state to it, in both tied cells
    assert (want["GRU"]["h"] - 0.5) / (want["GRU"]["n"] - 0.5) == pytest.approx(0.852, abs=1e-3)
    assert (want["coupled"]["c"] - 1.0) / (want["coupled"]["g"] - 1.0) == pytest.approx(0.852, abs=1e-3)
    assert "leaves 85.2% for the candidate" in ex.readout_text

    ex.preset_buttons["no peepholes (p = 0)"].click()
    assert ex.peep_slider.value == 0.0
    for key in ("f", "i", "o"):
        assert ex.gate_bars[("peephole", key)].get_height() == pytest.approx(ex.gate_bars[("LSTM", key)].get_height())
    for key in ("g", "c", "h"):
        assert ex.state_bars[("peephole", key)].get_height() == pytest.approx(ex.state_bars[("LSTM", key)].get_height())
    assert "with p = 0 it is the LSTM exactly" in ex.readout_text

    ex.preset_buttons["start"].click()
    check_against_hand(ex, 1.0, 0.5, 1.0, 1.0, 0.5)


def test_tied_bars_are_one_minus_the_keep_gate():
    ex = VariantExplorer()
    for b in (-4.0, -1.0, 0.0, 2.5, 4.0):
        ex.bias_slider.value = b
        assert ex.gate_bars[("coupled", "i")].get_height() == pytest.approx(1 - ex.gate_bars[("coupled", "f")].get_height())
        assert ex.gate_bars[("GRU", "1-z")].get_height() == pytest.approx(1 - ex.gate_bars[("GRU", "z")].get_height())
        # the GRU's z uses the forget gate's weights and bias: the same number as the LSTM's f
        assert ex.gate_bars[("GRU", "z")].get_height() == pytest.approx(ex.gate_bars[("LSTM", "f")].get_height())


def test_plot_runs_draws_the_curves_it_is_given():
    hist = History(loss=[1.4, 1.2, 1.0, 0.8, 0.6, 0.4], grad_norm=[1.0] * 6)
    curve = np.array([[0, 0.25], [3, 0.5], [6, 0.9]])
    fig, (ax_a, ax_l) = plot_runs({"lstm": (hist, curve), "my run": (hist, curve)}, chance=0.25, window=2)
    acc_lines = {ln.get_label(): ln for ln in ax_a.get_lines() if not ln.get_label().startswith("_")}
    assert set(acc_lines) == {"lstm", "my run", "chance = 0.25"}
    np.testing.assert_array_equal(acc_lines["lstm"].get_xdata(), [0, 3, 6])
    np.testing.assert_array_equal(acc_lines["lstm"].get_ydata(), [0.25, 0.5, 0.9])
    loss_line = [ln for ln in ax_l.get_lines() if ln.get_label() == "lstm"][0]
    want = [1.4, 1.3, 1.1, 0.9, 0.7, 0.5]                     # running mean of 2 steps, by hand
    np.testing.assert_allclose(loss_line.get_ydata(), want)
    np.testing.assert_array_equal(loss_line.get_xdata(), np.arange(1, 7))
    assert list(acc_lines["chance = 0.25"].get_ydata()) == [0.25, 0.25]
    assert "chance = 0.25" in [t.get_text() for t in ax_a.get_legend().get_texts()]
    assert any("ln 4 = 1.39" in t.get_text() for t in ax_l.texts)
    for ax in (ax_a, ax_l):
        assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()


@pytest.mark.parametrize("runs, match", [
    ({}, "runs must hold at least one"),
    ({"lstm": (History(loss=[1.0]), np.zeros((3, 3)))}, r"curve must have shape \(n, 2\)"),
])
def test_plot_runs_rejects_bad_input(runs, match):
    with pytest.raises(ValueError, match=match):
        plot_runs(runs, chance=0.25)


def test_plot_race_draws_every_seed_and_the_median():
    from lstm_course.demos.variants import RaceConfig, RaceResult
    steps = np.array([0.0, 15.0, 30.0])
    accs = {"lstm": [[0.2, 0.6, 0.9], [0.3, 0.5, 1.0], [0.25, 0.7, 0.8]], "my run": [[0.25, 0.25, 0.3]] * 3}
    res = RaceResult(seeds=(0, 1, 2), config=RaceConfig(steps=30), losses={}, params={},
                     curves={k: np.stack([np.column_stack([steps, a]) for a in v]) for k, v in accs.items()})
    fig, axes = plot_race(res)
    assert axes.shape == (1, 2)
    ax = axes[0, 0]
    assert ax.get_title() == "lstm" and ax.get_xlabel() and ax.get_ylabel()
    lines = ax.get_lines()
    for k in range(3):                                               # one thin line per seed
        np.testing.assert_array_equal(lines[k].get_xdata(), steps)
        np.testing.assert_array_equal(lines[k].get_ydata(), accs["lstm"][k])
    median = [ln for ln in lines if ln.get_label() == "median of 3 seeds"][0]
    np.testing.assert_allclose(median.get_ydata(), [0.25, 0.6, 0.9])  # by hand
    labels = [ln.get_label() for ln in lines]
    assert "chance = 0.25" in labels and "90%" in labels
    fig, axes = plot_race(RaceResult((0,), RaceConfig(), {k: res.curves[k][:1] for k in ("lstm", "my run")} | {
        "c": res.curves["lstm"][:1], "d": res.curves["lstm"][:1]}, {}, {}))
    assert axes.shape == (2, 3) and not axes[1, 2].axison       # 4 runs: 2 rows of 3, the last panel off
    with pytest.raises(ValueError, match="at least one run"):
        plot_race(RaceResult((0,), RaceConfig(), {}, {}, {}))


# --- the check-yourself exercises ---------------------------------------------------------------

def test_exercise_gru_params():
    from lstm_course.exercises import check, question
    assert "D = 10" in question("15-gru-params")
    want = 3 * (20 * 10 + 20 * 20 + 2 * 20)                  # 1,920, PyTorch's count by hand
    assert check("15-gru-params", want)
    assert not check("15-gru-params", want + 1)
    assert "one bias vector per block" in check("15-gru-params", 3 * (20 * 30 + 20)).message
    assert "LSTM of this size" in check("15-gru-params", 4 * (20 * 30 + 40)).message
    assert "Count the biases" in check("15-gru-params", 3 * 20 * 30).message
    assert "That is one block" in check("15-gru-params", 640).message
    assert "H x D + H x H + 2 x H" in check("15-gru-params", 5).message


def test_exercise_coupled_cell():
    from lstm_course.exercises import check, question
    assert "f = 0.8" in question("15-coupled-cell")
    assert check("15-coupled-cell", 0.8 * 2.0 + 0.2 * -0.7)
    assert check("15-coupled-cell", 1.46)                     # by hand: 1.6 - 0.14
    assert "i = f = 0.8" in check("15-coupled-cell", 0.8 * 2.0 + 0.8 * -0.7).message
    assert "only the kept part" in check("15-coupled-cell", 1.6).message
    assert "whole candidate" in check("15-coupled-cell", 0.9).message
    assert "roles are swapped" in check("15-coupled-cell", 0.4 - 0.56).message
    assert "c_t = f * c_(t-1) + (1 - f) * g" in check("15-coupled-cell", 7.0).message
