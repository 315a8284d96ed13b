"""InputGateExplorer: bars and readout follow every slider and preset. Expected numbers are
written out here in plain numpy (the matrices typed again, sigmoid and tanh by formula)."""

import math
import re

import numpy as np
import pytest
from readout import assert_listed

from lstm_course.exercises import check
from lstm_course.explorers.input_gate import InputGateExplorer

W_I = np.array([[1.0] * 6, [2.0] * 6, [3.0] * 6])
W_C = np.array([[0.5, -0.5, 0.25, 0.5, -0.25, 0.5],
                [-0.25, 0.5, -0.5, 0.25, 0.5, -0.5],
                [0.25, -0.25, 0.5, -0.5, 0.25, -0.25]])


def expected(ex):
    v = np.array([s.value for s in ex.x] + [s.value for s in ex.h])
    z_i = ex.scale_i.value * (W_I @ v) + ex.b_i.value
    z_c = ex.scale_c.value * (W_C @ v) + ex.b_c.value
    i = np.array([1 / (1 + math.exp(-z)) for z in z_i])
    g = np.array([(math.exp(z) - math.exp(-z)) / (math.exp(z) + math.exp(-z)) for z in z_c])
    return z_i, z_c, i, g, i * g



def assert_shows(ex):
    z_i, z_c, i, g, w = expected(ex)
    np.testing.assert_allclose(ex.i_bars.heights, i, atol=1e-12)
    np.testing.assert_allclose(ex.g_bars.heights, g, atol=1e-12)
    np.testing.assert_allclose(ex.w_bars.heights, w, atol=1e-12)
    text = ex.readout_text
    assert_listed(text, "W_i·[x_t, h_(t-1)] + b_i: ", z_i, 2)
    assert_listed(text, "W_C·[x_t, h_(t-1)] + b_C: ", z_c, 2)
    assert text.startswith("i = [")
    assert_listed(text, "i = ", i, 3)
    assert_listed(text, "C~ = ", g, 3)
    assert_listed(text, "i * C~ = ", w, 3)
    for k in range(3):      # the sentence in words says the same numbers
        m = re.search(rf"unit {k + 1} writes (\d+\.\d)% of ([-+]\d+\.\d+) = ([-+]\d+\.\d+)", text)
        assert m, text
        np.testing.assert_allclose([float(v) for v in m.groups()], [100 * i[k], g[k], w[k]], atol=0.051)


def test_default():
    ex = InputGateExplorer()
    assert_shows(ex)


def test_each_slider_is_wired_to_its_own_variable():
    ex = InputGateExplorer()
    for k, s in enumerate([ex.b_i, ex.scale_i, ex.b_c, ex.scale_c, *ex.x, *ex.h]):
        s.value = round(s.min + (s.max - s.min) * (0.25 + 0.05 * k), 2)
        assert_shows(ex)


def test_source_example_preset_gives_the_corrected_numbers():
    ex = InputGateExplorer()
    ex.preset_buttons["source example"].click()
    assert_shows(ex)
    text = ex.readout_text
    assert "W_i·[x_t, h_(t-1)] + b_i: [22.00, 43.00, 64.00]" in text    # not the texts' [22, 42, 62]
    assert text.startswith("i = [1.000, 1.000, 1.000]")


@pytest.mark.parametrize("name, b_i", [("gate shut: write nothing", -8.0), ("gate half open", 0.0),
                                        ("gate open: write all", 8.0)])
def test_gate_presets(name, b_i):
    ex = InputGateExplorer()
    ex.scale_c.value = 2.0
    ex.preset_buttons[name].click()
    assert ex.scale_i.value == 0 and ex.b_i.value == b_i and ex.scale_c.value == 1.0
    assert_shows(ex)
    np.testing.assert_allclose(ex.i_bars.heights, [1 / (1 + math.exp(-b_i))] * 3, atol=1e-12)


def test_negative_candidate_subtracts():
    ex = InputGateExplorer()
    ex.b_c.value = -5.0
    ex.scale_c.value = 0.0
    assert (ex.w_bars.heights < 0).all()
    assert_shows(ex)


def test_exercise_preactivation():
    assert check("04-preactivation", [2.5, 4.0, 5.5])
    fb = check("04-preactivation", [1.5, 3.0, 4.5])
    assert not fb and "bias" in fb.message


def test_exercise_written():
    assert check("04-written", [0.72, -0.3, 0.1])
    fb = check("04-written", [1.7, -0.1, 1.1])
    assert not fb and "multiply" in fb.message
