"""SaturationExplorer: the plotted gradients and the readout follow the sliders and presets, checked
against slopes written out here (not against the explorer's own code); and notebook 02's exercises."""

import math

import numpy as np
import pytest

from lstm_core.exercises import check
from lstm_core.widgets.squashing import SaturationExplorer


def slopes(x):
    s = 1 / (1 + math.exp(-x))
    t = math.tanh(x)
    return {"sigmoid": s * (1 - s), "tanh": 1 - t * t}


def fmt(v):
    return f"{v:.4f}" if v >= 1e-3 else f"{v:.1e}"


def assert_shows(ex, x, n):
    want = slopes(x)
    for name, d in want.items():
        k, g = ex.g_lines[name].get_data()
        assert list(k) == list(range(n + 1))
        np.testing.assert_allclose(g, [d ** j for j in range(n + 1)], rtol=1e-9)
        ek, eg = ex.g_ends[name].get_data()
        assert ek[0] == n and eg[0] == pytest.approx(d ** n, rel=1e-9)
        mx, my = ex.d_markers[name].get_data()
        assert mx[0] == pytest.approx(x) and my[0] == pytest.approx(d, rel=1e-9)
        assert f"{name}: one layer keeps {fmt(d)} of the gradient; after {n} layers {fmt(d ** n)} is left" \
            in ex.readout_text
    lo, hi = ex.ax_g.get_ylim()
    assert lo < min(d ** n for d in want.values()) and hi >= 1
    assert ex.ax_g.get_xlim()[1] >= n
    assert ex.relu_line.get_visible() == (x > 0)
    assert ("all of the gradient is left" in ex.readout_text) == (x > 0)
    assert f"x = {x:+.2f}, n = {n} layers" in ex.readout_text


@pytest.mark.parametrize("x,n", [(0.0, 1), (2.0, 10), (-3.5, 7), (6.0, 30), (-6.0, 30), (0.5, 4)])
def test_sliders(x, n):
    ex = SaturationExplorer()
    ex.x_slider.value = x
    ex.n_slider.value = n
    assert_shows(ex, x, n)


def test_best_case_sigmoid_keeps_a_quarter_and_tanh_everything():
    ex = SaturationExplorer()
    ex.x_slider.value = 0.0
    ex.n_slider.value = 5
    assert "sigmoid: one layer keeps 0.2500" in ex.readout_text
    assert "after 5 layers 9.8e-04 is left" in ex.readout_text   # 0.25^5 = 1/1024
    assert "tanh: one layer keeps 1.0000 of the gradient; after 5 layers 1.0000 is left" in ex.readout_text


@pytest.mark.parametrize("index,x,n", [(0, 0.0, 10), (1, 3.0, 10), (2, 1.0, 30)])
def test_presets(index, x, n):
    ex = SaturationExplorer(x=-1.0, n=3)
    ex.buttons[index].click()
    assert ex.x_slider.value == x and ex.n_slider.value == n
    assert_shows(ex, x, n)


def test_exercises():
    assert check("02-tanh-slope-max", 1.0)
    assert "sigmoid" in check("02-tanh-slope-max", 0.25).message
    assert check("02-sigmoid-chain", 0.25 ** 5)
    assert "multiply" in check("02-sigmoid-chain", 1.25).message
    assert "sigmoid(0)" in check("02-sigmoid-chain", 0.5 ** 5).message
    d = 1 - math.tanh(2.0) ** 2
    assert check("02-tanh-chain-x2", d ** 10)
    assert check("02-tanh-chain-x2", 3.1e-12)
    assert "10th power" in check("02-tanh-chain-x2", d).message
    assert "slopes" in check("02-tanh-chain-x2", math.tanh(2.0) ** 10).message
