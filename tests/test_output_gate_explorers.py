"""OutputGateExplorer: bars, labels and readout follow the sliders and presets, checked against
h = sigmoid(z_o) * tanh(c), softmax(3 h) and sigmoid(4 h_3) written out here; and notebook 06's
exercises."""

import math

import numpy as np
import pytest

from lstm_course.exercises import check
from lstm_course.explorers.output_gate import OutputGateExplorer


def expected(c, z):
    tc = [math.tanh(v) for v in c]
    o = [1 / (1 + math.exp(-v)) for v in z]
    h = [a * b for a, b in zip(o, tc)]
    e = [math.exp(3 * v) for v in h]          # the explorer's output layer: W_hy = 3 I, b_y = 0
    p = [v / sum(e) for v in e]
    yes = 1 / (1 + math.exp(-4 * h[2]))       # the yes/no head reads unit 3 with weight 4
    return tc, o, h, p, yes


def assert_shows(ex, c, z):
    tc, o, h, p, yes = expected(c, z)
    for key, vals in (("c", tc), ("o", o), ("h", h)):
        np.testing.assert_allclose([b.get_height() for b in ex.bars[key]], vals, atol=1e-12)
    np.testing.assert_allclose([b.get_height() for b in ex.p_bars], [*p, yes], atol=1e-12)
    assert [t.get_text() for t in ex.p_texts] == [f"{v:.2f}" for v in [*p, yes]]
    text = ex.readout_text
    for k in range(3):
        assert f"unit {k + 1}: tanh(c) = {tc[k]:+.3f}, output gate o = {o[k]:.3f}" in text
        assert f"so h = o * tanh(c) = {h[k]:+.3f}" in text
    assert f"class 1 {p[0]:.2f}, class 2 {p[1]:.2f}, class 3 {p[2]:.2f}" in text
    assert f"P(yes) = sigmoid(4 h[3]) = {yes:.2f}" in text


@pytest.mark.parametrize("c,z", [((0.3, -1.2, 2.5), (1.0, -3.0, 0.5)),
                                 ((-4.0, 4.0, 0.0), (-8.0, 8.0, 0.0)),
                                 ((4.0, -4.0, -4.0), (8.0, 8.0, -8.0))])
def test_sliders(c, z):
    ex = OutputGateExplorer()
    for s, v in zip(ex.c_sliders, c):
        s.value = v
    for s, v in zip(ex.z_sliders, z):
        s.value = v
    assert_shows(ex, c, z)


def test_each_slider_moves_its_own_unit():
    ex = OutputGateExplorer(c=(0.0, 0.0, 0.0), z_o=(0.0, 0.0, 0.0))
    ex.c_sliders[1].value = 2.0
    assert ex.bars["c"][1].get_height() == pytest.approx(math.tanh(2.0))
    assert ex.bars["c"][0].get_height() == 0 and ex.bars["c"][2].get_height() == 0
    ex.z_sliders[2].value = -8.0
    assert ex.bars["o"][2].get_height() == pytest.approx(1 / (1 + math.exp(8.0)))
    assert ex.bars["o"][0].get_height() == pytest.approx(0.5)
    assert_shows(ex, (0.0, 2.0, 0.0), (0.0, 0.0, -8.0))


@pytest.mark.parametrize("label,c,z", [("source example", (0.0, 4.0, 4.0), (-8.0, -8.0, 8.0)),
                                       ("gate wide open", (1.0, -2.0, 3.0), (8.0, 8.0, 8.0)),
                                       ("gate shut", (1.0, -2.0, 3.0), (-8.0, -8.0, -8.0)),
                                       ("half open", (1.0, -2.0, 3.0), (0.0, 0.0, 0.0))])
def test_presets(label, c, z):
    ex = OutputGateExplorer()
    ex.preset_buttons[label].click()
    assert [s.value for s in ex.c_sliders] == list(c) and [s.value for s in ex.z_sliders] == list(z)
    assert_shows(ex, c, z)


def test_source_example_reads_zero_zero_one():
    ex = OutputGateExplorer()
    ex.preset_buttons["source example"].click()      # tanh(c) ~ [0, 1, 1], o ~ [0, 0, 1]  ->  h ~ [0, 0, 1]
    heights = [b.get_height() for b in ex.bars["h"]]
    np.testing.assert_allclose(heights, [0, 0, 1], atol=3e-3)
    assert "Shown almost fully (o > 0.9): unit 3. Hidden (o < 0.1): unit 1, 2." in ex.readout_text
    assert "class 3 is the most likely" in ex.readout_text


def test_shut_gate_hides_everything():
    ex = OutputGateExplorer()
    ex.preset_buttons["gate shut"].click()
    assert max(abs(b.get_height()) for b in ex.bars["h"]) < 1e-3
    assert "no class stands out" in ex.readout_text
    assert "(shut)" in ex.readout_text


def test_exercises():
    o, c = np.array([0.5, 1.0, 0.2]), np.array([1.0, -2.0, 3.0])
    assert check("06-hidden-state", o * np.tanh(c))
    assert "tanh(c)" in check("06-hidden-state", o * c).message
    assert "tanh(o * c)" in check("06-hidden-state", np.tanh(o * c)).message
    y = np.array([2.0, 1.0, 0.0])
    assert check("06-softmax", np.exp(y) / np.exp(y).sum())
    assert "exp" in check("06-softmax", y / y.sum()).message
    assert "divide" in check("06-softmax", np.exp(y)).message
