"""ForgetGateExplorer: bars and readout follow every slider and preset. Expected numbers are
written out here in plain numpy (the sources' matrix typed again, the sigmoid as 1/(1+e^-z)),
not taken from the explorer's own code."""

import math

import numpy as np
import pytest
from readout import assert_listed, shown

from lstm_course.exercises import check
from lstm_course.explorers.forget_gate import ForgetGateExplorer

W_SRC = np.array([[1, 2, 3, 4, 5, 6], [5, 6, 7, 8, 9, 10], [3, 4, 5, 6, 7, 8]], dtype=float)
C_PREV = np.array([2.0, -1.5, 1.0])


def expected(ex):
    """f, 1 - f and f * c_prev from the slider values, by hand."""
    x = np.array([s.value for s in ex.x])
    h = np.array([s.value for s in ex.h])
    b = np.array([s.value for s in ex.b]) + ex.shift.value
    z = ex.scale.value * (W_SRC @ np.concatenate([x, h])) + b      # [x, h] order, as the sources' numbers
    f = np.array([1 / (1 + math.exp(-zk)) for zk in z])
    gap = np.array([1 / (1 + math.exp(zk)) for zk in z])            # 1 - f without rounding
    return z, f, gap, f * C_PREV



def assert_shows(ex):
    z, f, gap, kept = expected(ex)
    np.testing.assert_allclose([b.get_height() for b in ex.f_bars.bars], f, atol=1e-12)
    np.testing.assert_allclose([b.get_height() for b in ex.kept_bars.bars], kept, atol=1e-12)
    np.testing.assert_allclose([b.get_height() for b in ex.c_bars.bars], C_PREV)
    assert [t.get_text() for t in ex.f_bars.texts] == [f"{v:.3f}" for v in f]
    text = ex.readout_text
    assert text.startswith("f = [")          # the browser test reads the first "f = [...]"
    assert_listed(text, "f = ", f, 3)
    assert_listed(text, "z = W_f·[x_t, h_(t-1)] + b_f: ", z, 2)
    np.testing.assert_allclose(shown(text, "sigmoid(-z): "), gap, rtol=0.051)
    assert_listed(text, "kept f * c_(t-1) = ", kept, 3)
    assert f"unit 1 keeps {100 * f[0]:.1f}%" in text


def test_default_is_not_saturated():
    ex = ForgetGateExplorer()
    assert_shows(ex)
    _, f, _, _ = expected(ex)
    assert (f > 0.05).all() and (f < 0.95).all()


@pytest.mark.parametrize("value", [-10.0, -2.5, 0.0, 1.3, 10.0])
def test_forget_bias_slider_moves_every_unit(value):
    ex = ForgetGateExplorer()
    before = [b.get_height() for b in ex.f_bars.bars]
    ex.shift.value = value
    assert_shows(ex)
    if value != 0.0:
        assert [b.get_height() for b in ex.f_bars.bars] != before


def test_each_slider_is_wired_to_its_own_variable():
    ex = ForgetGateExplorer()
    sliders = [ex.scale, *ex.x, *ex.h, *ex.b]
    for k, s in enumerate(sliders):
        s.value = round(s.min + (s.max - s.min) * (0.3 + 0.05 * k), 2)
        assert_shows(ex)


def test_bias_slider_of_one_unit_moves_only_that_unit():
    ex = ForgetGateExplorer()
    before = np.array([b.get_height() for b in ex.f_bars.bars])
    ex.b[1].value = 3.0
    after = np.array([b.get_height() for b in ex.f_bars.bars])
    assert after[0] == before[0] and after[2] == before[2] and after[1] > before[1]


def test_source_example_preset_reproduces_the_worked_numbers():
    ex = ForgetGateExplorer()
    ex.preset_buttons["source example"].click()
    assert [s.value for s in ex.x] == [1, 2, 3] and [s.value for s in ex.h] == [4, 5, 6]
    assert [s.value for s in ex.b] == [1, 2, 3] and ex.scale.value == 1 and ex.shift.value == 0
    assert_shows(ex)
    text = ex.readout_text
    assert "z = W_f·[x_t, h_(t-1)] + b_f: [92.00, 177.00, 136.00]" in text
    assert text.startswith("f = [1.000, 1.000, 1.000]")
    assert "sigmoid(-z): [1.1e-40, 1.3e-77, 8.6e-60]" in text
    np.testing.assert_allclose([b.get_height() for b in ex.kept_bars.bars], C_PREV)


@pytest.mark.parametrize("name, f_value", [("all zero: f = 0.5", 0.5), ("bias +5: keep", 1 / (1 + math.exp(-5))),
                                           ("bias -5: forget", 1 / (1 + math.exp(5)))])
def test_other_presets(name, f_value):
    ex = ForgetGateExplorer()
    ex.preset_buttons[name].click()
    assert ex.status.value == ""
    assert_shows(ex)
    np.testing.assert_allclose([b.get_height() for b in ex.f_bars.bars], [f_value] * 3, atol=1e-12)


def test_exercise_kept_memory():
    assert check("03-kept-memory", [1.0, -0.8, 3.6])
    fb = check("03-kept-memory", [1.0, -0.2, 0.4])          # (1 - f) * c: the usual mix-up
    assert not fb and "1 - f" in fb.message


def test_exercise_wf_size():
    assert check("03-wf-size", 32 * 42)
    fb = check("03-wf-size", 10 * 32)
    assert not fb and "m + n columns" in fb.message
    fb = check("03-wf-size", 32 * 42 + 32)
    assert not fb and "bias" in fb.message
