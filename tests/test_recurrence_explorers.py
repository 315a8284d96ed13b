"""UnrollExplorer and the exercises of notebook 01.

The hidden states are recomputed here with a hand-written loop, h_t = tanh(W_xh x_t + W_hh h_{t-1}),
from the explorer's published weights (INPUT_WEIGHTS and the orthogonal basis Q), and compared
with what the figure and the readout show."""

import numpy as np
import pytest

from lstm_course.exercises import check
from lstm_course.explorers.recurrence import INPUT_WEIGHTS, T_STEPS, UnrollExplorer, recurrent_basis


def hand_inputs(kind):
    t = np.arange(1, 13)
    return {
        "pulse": np.array([1.0] + [0.0] * 11),
        "step": np.array([0.0, 0.0, 0.0] + [1.0] * 9),
        "sine": np.sin(np.pi * t / 3),
    }[kind]


def hand_unroll(xs, scale):
    W_xh = INPUT_WEIGHTS                       # (4,): one input feature
    W_hh = scale * recurrent_basis()
    h = np.zeros(4)
    out = []
    for x in xs:
        h = np.tanh(W_xh * x + W_hh @ h)
        out.append(h)
    return np.array(out)


def fmt(v):
    return "[" + ", ".join(f"{a:+.3f}" for a in v) + "]"


def test_the_recurrent_basis_is_orthogonal():
    Q = recurrent_basis()
    assert np.allclose(Q.T @ Q, np.eye(4), atol=1e-12)
    assert np.allclose(np.linalg.svd(0.7 * Q, compute_uv=False), 0.7)  # stretches every vector by 0.7


@pytest.mark.parametrize("kind", ["pulse", "step", "sine"])
@pytest.mark.parametrize("scale", [0.0, 0.6, 1.0, 2.0])
@pytest.mark.parametrize("t", [1, 4, 12])
def test_artists_and_readout_follow_the_sliders(kind, scale, t):
    ex = UnrollExplorer()
    ex.inputs.value = kind
    ex.scale_slider.value = scale
    ex.t_slider.value = t
    assert ex.status.value == ""
    xs = hand_inputs(kind)
    hs = hand_unroll(xs, scale)
    h_t, h_prev = hs[t - 1], (hs[t - 2] if t > 1 else np.zeros(4))

    assert [b.get_height() for b in ex.x_bars] == pytest.approx(list(xs), abs=1e-12)
    assert list(ex.x_dot.get_data()[1]) == pytest.approx([xs[t - 1]], abs=1e-12)
    for k in range(4):
        assert list(ex.h_lines[k].get_ydata()) == pytest.approx(list(hs[:, k]), abs=1e-12)
        assert list(ex.h_dots[k].get_data()[0]) == [t]
        assert list(ex.h_dots[k].get_data()[1]) == pytest.approx([h_t[k]], abs=1e-12)
        assert ex.h_bars[k].get_height() == pytest.approx(h_t[k], abs=1e-12)
    assert list(ex.prev_marks.get_ydata()) == pytest.approx(list(h_prev), abs=1e-12)
    assert list(ex.vlines[1].get_xdata()) == [t, t]
    assert ex.bar_title.get_text() == f"$h_t$ at step t = {t}"

    text = ex.readout_text
    assert f"Step t = {t} of {T_STEPS}; input x_{t} = {xs[t - 1]:+.3f}" in text
    assert f"scale = {scale:.2f}" in text
    assert f"h_{t} = tanh(W_xh x_{t} + W_hh h_{t - 1}) = {fmt(h_t)}" in text
    assert f"h_{t - 1} = {fmt(h_prev)}" in text
    assert f"Length |h_{t}| = {np.sqrt(np.sum(h_t ** 2)):.3f}" in text
    memoryless = np.tanh(INPUT_WEIGHTS * xs[t - 1])
    assert f"earlier steps (distance to the memoryless tanh(W_xh x_{t})): " \
           f"{np.sqrt(np.sum((h_t - memoryless) ** 2)):.3f}" in text


def test_scale_zero_means_no_memory():
    ex = UnrollExplorer()
    ex.scale_slider.value = 0.0
    ex.t_slider.value = 3
    assert "no memory" in ex.readout_text
    assert [b.get_height() for b in ex.h_bars] == pytest.approx([0, 0, 0, 0], abs=1e-15)  # x_3 = 0, nothing kept


def test_pulse_readout_says_how_much_is_left():
    ex = UnrollExplorer(scale=0.8)
    ex.t_slider.value = 6
    hs = hand_unroll(hand_inputs("pulse"), 0.8)
    n1, n6 = np.sqrt(np.sum(hs[0] ** 2)), np.sqrt(np.sum(hs[5] ** 2))
    assert f"|h_6| is {n6 / n1:.1%} of |h_1| = {n1:.3f}: the memory fades." in ex.readout_text
    ex.scale_slider.value = 1.5
    hs = hand_unroll(hand_inputs("pulse"), 1.5)
    n1, n6 = np.sqrt(np.sum(hs[0] ** 2)), np.sqrt(np.sum(hs[5] ** 2))
    assert f"|h_6| is {n6 / n1:.1%} of |h_1|" in ex.readout_text
    assert "holds or grows" in ex.readout_text


@pytest.mark.parametrize("label, value", [("no memory (0)", 0.0), ("fading memory (0.6)", 0.6),
                                          ("amplifying (1.5)", 1.5)])
def test_presets_set_the_scale(label, value):
    ex = UnrollExplorer(t=5)
    ex.preset_buttons[label].click()
    assert ex.scale_slider.value == value
    h5 = hand_unroll(hand_inputs("pulse"), value)[4]
    assert [b.get_height() for b in ex.h_bars] == pytest.approx(list(h5), abs=1e-12)
    assert f"scale = {value:.2f}" in ex.readout_text


# --- exercises -----------------------------------------------------------------------------------

def test_many_to_one_shape_exercise():
    assert check("01-many-to-one-shape", [32, 3])
    assert check("01-many-to-one-shape", (32, 3))
    fb = check("01-many-to-one-shape", [32, 16])
    assert not fb and "last hidden state" in fb.message
    fb = check("01-many-to-one-shape", [10, 3])
    assert not fb and "batch axis" in fb.message


def test_pulse_memory_exercise():
    h1 = np.tanh(1.0)
    h2 = np.tanh(0.5 * h1)
    h3 = np.tanh(0.5 * h2)
    assert check("01-pulse-memory", round(h3, 3))
    fb = check("01-pulse-memory", h1 * 0.25)          # tanh only at the first step
    assert not fb and "every step" in fb.message
    fb = check("01-pulse-memory", h2)
    assert not fb and "That is h_2" in fb.message
    fb = check("01-pulse-memory", 0.25)
    assert not fb and "leaves out the tanh" in fb.message


def test_stack_params_exercise():
    layer1 = 5 * 3 + 5 * 5 + 5
    layer2 = 5 * 5 + 5 * 5 + 5
    assert check("01-stack-params", layer1 + layer2)
    fb = check("01-stack-params", 2 * layer1)
    assert not fb and "hidden state" in fb.message
    fb = check("01-stack-params", layer1)
    assert not fb and "one layer" in fb.message
