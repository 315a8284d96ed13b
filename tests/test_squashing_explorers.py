"""SaturationExplorer: the plotted gradients and the readout follow the sliders and presets, checked
against slopes written out here (not against the explorer's own code); and notebook 02's exercises."""

import math

import numpy as np
import pytest

from lstm_course.exercises import check
from lstm_course.explorers.squashing import SaturationExplorer


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


@pytest.mark.parametrize("label,x,n", [("best case: x = 0", 0.0, 10), ("saturated: x = 3", 3.0, 10),
                                       ("deep: x = 1, n = 30", 1.0, 30)])
def test_presets(label, x, n):
    ex = SaturationExplorer(x=-1.0, n=3)
    ex.preset_buttons[label].click()
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
    assert "ten layers multiply" in check("02-tanh-chain-x2", d).message
    assert "slopes" in check("02-tanh-chain-x2", math.tanh(2.0) ** 10).message


# --- speed: the right panel's limits move in steps, so the cached frame is mostly reused -------

def test_axis_limits_move_in_steps_that_cover_the_curves():
    from lstm_course.explorers.squashing import gradient_axis_limits
    # n = 10 at x = 2: tanh'(2)^10 = 3.1e-12, so 12.5 decades are needed -> the 15-decade step
    d = 1 - math.tanh(2.0) ** 2
    assert gradient_axis_limits(10, d ** 10) == ((-0.4, 10.4), (1e-15, 3.0))
    assert gradient_axis_limits(1, 0.25) == ((-0.3, 3.3), (1e-3, 3.0))
    assert gradient_axis_limits(7, 1e-40)[0] == (-0.4, 10.4)
    # 1e-40 needs 40.5 decades; the 45-decade step leaves 4.5 below it (>= 3% of 45), and the top
    # keeps 3% of the 45 decades above 1 as well (room for the markers at both ends)
    (left, right), (bottom, top) = gradient_axis_limits(30, 1e-40)
    assert (left, right) == (-1.2, 31.2) and bottom == 1e-45 and math.isclose(top, 10 ** 1.35)
    worst = (1 - math.tanh(6.0) ** 2) ** 30                  # the smallest gradient the sliders reach
    (_, right), (bottom, _) = gradient_axis_limits(30, worst)
    assert right >= 30 and 0 < bottom < worst


def test_small_moves_reuse_the_cached_frame():
    ex = SaturationExplorer(x=2.0, n=10)
    picture = ex._frame.image
    for x in (2.05, 2.1, 2.15, 2.2):       # the y limits stay on the same step
        ex.x_slider.value = x
        assert ex._frame.image is picture
        assert_shows(ex, x, 10)
    ex.n_slider.value = 30                  # a big change moves to other limits (a new frame)
    assert ex._frame.image is not picture
    assert_shows(ex, 2.2, 30)


def test_gradient_ticks_are_plain_powers_of_ten():
    ex = SaturationExplorer(x=2.0, n=10)
    ex.fig.canvas.draw()
    labels = [t.get_text() for t in ex.ax_g.get_yticklabels() if t.get_text()]
    assert labels and all(lab.startswith("10") and "$" not in lab for lab in labels)
    assert "10\u207b\u00b9\u00b2" in labels         # 10^-12
