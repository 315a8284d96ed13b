"""ActivationExplorer: the readout and the markers follow the slider, with lstm_core's numbers
checked against the closed forms written out here (not against the explorer's own code)."""

import math

import pytest

from lstm_course.explorers import ActivationExplorer


def closed_forms(x):
    s = 1 / (1 + math.exp(-x))
    t = math.tanh(x)
    return {"sigmoid": (s, s * (1 - s)), "tanh": (t, 1 - t * t), "relu": (max(x, 0.0), 1.0 if x > 0 else 0.0)}


@pytest.mark.parametrize("x", [-3.5, 0.0, 0.6, 2.0, 7.95])
def test_markers_and_readout_follow_the_slider(x):
    ex = ActivationExplorer(functions=("sigmoid", "tanh", "relu"))
    before = ex.readout.value
    ex.slider.value = x
    want = closed_forms(ex.slider.value)
    for name, (v, d) in want.items():
        mx, my = ex.markers[name].get_data()
        assert mx[0] == pytest.approx(x)
        assert my[0] == pytest.approx(v, abs=1e-12)
        dx, dy = ex.d_markers[name].get_data()
        assert dy[0] == pytest.approx(d, abs=1e-12)
        assert f"{name}(x) = {v:.4f}" in ex.readout_text
        assert f"{name}'(x) = {d:.4f}" in ex.readout_text
    assert ex.readout.value != before or x == 1.0
    assert list(ex.vline_f.get_xdata()) == [x, x]


def test_readout_says_in_words_how_much_a_gate_lets_through():
    ex = ActivationExplorer()
    ex.slider.value = 0.0
    assert "lets 50.0% through" in ex.readout_text
    ex.slider.value = -8.0
    assert "saturated" in ex.readout_text


def test_bad_function_name():
    with pytest.raises(ValueError, match="functions"):
        ActivationExplorer(functions=("softplus",))
