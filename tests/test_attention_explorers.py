"""AttentionMapExplorer: the heatmap, the dots, the digits and the readout follow the typed string,
the presets and the step slider, checked against the shipped model run here step by step in
plain numpy (an LSTM step, additive attention and the read-out written out from the equations,
reading the weights file directly); the shipped model reverses every preset; bad text and
too-long strings are explained, not raised; plot_length_sweep draws what it is given."""

import re

import numpy as np
import pytest

from lstm_course.demos import attention as demo
from lstm_course.explorers.attention import AttentionMapExplorer, plot_length_sweep

WEIGHTS = dict(np.load(demo.SHIPPED))
N, H, A = (int(v) for v in WEIGHTS["sizes"])
EOS, BOS = N, N + 1


def sig(z):
    return 1 / (1 + np.exp(-z))


def lstm_step(prefix, x, h, c):
    """One LSTM step from the file's fused arrays, gate blocks in the order f, i, o, g."""
    z = WEIGHTS[f"{prefix}.weight_x"] @ x + WEIGHTS[f"{prefix}.weight_h"] @ h + WEIGHTS[f"{prefix}.bias"]
    f, i, o, g = sig(z[:H]), sig(z[H:2 * H]), sig(z[2 * H:3 * H]), np.tanh(z[3 * H:])
    c = f * c + i * g
    return o * np.tanh(c), c


def by_hand(digits):
    """(output tokens, weights (L + 1, L)) of greedy reversal, written out from the equations."""
    eye = np.eye(N + 2)
    h, c = np.zeros(H), np.zeros(H)
    keys = []
    for d in digits:
        h, c = lstm_step("encoder", eye[d], h, c)
        keys.append(h)
    keys = np.array(keys)
    tok, toks, rows = BOS, [], []
    for _ in range(len(digits) + 1):
        h, c = lstm_step("decoder", eye[tok], h, c)
        e = np.array([WEIGHTS["attention.v"] @ np.tanh(WEIGHTS["attention.W_q"] @ h + WEIGHTS["attention.W_k"] @ k)
                      for k in keys])
        a = np.exp(e - e.max())
        a /= a.sum()
        y = WEIGHTS["W_hy"] @ np.concatenate([h, a @ keys]) + WEIGHTS["b_y"]
        tok = int(np.argmax(y))
        toks.append(tok)
        rows.append(a)
    return toks, np.array(rows)


def check_state(ex, text, step):
    digits = [int(ch) for ch in text if ch.isdigit()][:12]
    L = len(digits)
    toks, w = by_hand(digits)
    grid = ex.mesh.get_array()
    np.testing.assert_allclose(grid[:L + 1, :L], w, rtol=1e-4, atol=1e-5)     # float32 weights in the file
    assert grid.mask[L + 1:].all() and grid.mask[:, L:].all()
    px, py = ex.peaks.get_data()
    np.testing.assert_array_equal(px, np.argmax(w, axis=1) + 1)
    np.testing.assert_array_equal(py, np.arange(1, L + 2))
    assert [t.get_text() for t in ex.in_text[:L]] == [str(d) for d in digits]
    assert all(t.get_text() == "" for t in ex.in_text[L:])
    shown = ["end" if k == EOS else str(k) for k in toks]
    assert [t.get_text() for t in ex.out_text[:L + 1]] == shown
    text_out = ex.readout_text
    right = sum(int(a == b) for a, b in zip(toks[:L], digits[::-1]))
    assert f"{right} of {L} digits right" in text_out
    mirror = int(np.sum(np.argmax(w[:L], axis=1) == np.arange(L - 1, -1, -1)))
    assert f"{mirror} of {L} output digits look hardest at the mirror position" in text_out
    row = min(step, L + 1)
    top = int(np.argmax(w[row - 1]))
    assert re.search(rf"Step {row} \(.*\) wrote {shown[row - 1]}; it looks most at input position {top + 1} "
                     rf"\(digit {digits[top]}, weight {w[row - 1, top]:.2f}\)", text_out), text_out
    ys = ex.row_box.get_data()[1]
    assert min(ys) == row - 0.5 and max(ys) == row + 0.5
    return toks, w


@pytest.fixture(scope="module")
def ex():
    return AttentionMapExplorer()


def test_the_default_string_is_reversed_and_looked_up_on_the_mirror(ex):
    toks, w = check_state(ex, "31415926", 1)
    assert toks == [6, 2, 9, 5, 1, 4, 1, 3, EOS]


@pytest.mark.parametrize("label", list(AttentionMapExplorer.presets))
def test_every_preset_is_reversed_right(ex, label):
    ex.preset_buttons[label].click()
    text = AttentionMapExplorer.presets[label]["digits_box"]
    toks, w = check_state(ex, text, ex.step_slider.value)
    digits = [int(ch) for ch in text]
    assert toks == digits[::-1] + [EOS], label                 # the shipped model reverses every preset
    assert "then the end mark" in ex.readout_text
    L = len(digits)                                            # and reads the mirror position for every digit,
    np.testing.assert_array_equal(np.argmax(w[:L], axis=1), np.arange(L - 1, -1, -1))   # even when all are alike


@pytest.mark.parametrize("step", [1, 4, 9, 13])
def test_the_step_slider_moves_the_described_row(ex, step):
    ex.digits_box.value = "31415926"
    ex.step_slider.value = step
    check_state(ex, "31415926", step)
    assert ex.step_slider.value == min(step, 9), "8 digits and the end mark: 9 steps, no more"


def test_the_step_slider_spans_the_strings_own_steps(ex):
    """Every position of the slider moves the row: its end is the string's length + 1."""
    ex.digits_box.value = "271828182845"
    assert (ex.step_slider.min, ex.step_slider.max) == (1, 13)
    ex.step_slider.value = 13
    before = ex.row_box.get_data()[1].copy()
    ex.digits_box.value = "42"                       # shorter: the step is pulled back to the end mark
    assert ex.step_slider.max == 3 and ex.step_slider.value == 3
    check_state(ex, "42", 3)
    assert not np.array_equal(ex.row_box.get_data()[1], before)
    seen = set()
    for step in range(1, 4):
        ex.step_slider.value = step
        seen.add(tuple(ex.row_box.get_data()[1]))
    assert len(seen) == 3


def test_bad_characters_and_long_strings_are_explained(ex):
    ex.digits_box.value = "12 a-9"
    check_state(ex, "129", ex.step_slider.value)
    assert "2 character(s) that are not digits left out" in ex.readout_text
    ex.digits_box.value = "98765432109876"
    check_state(ex, "987654321098", ex.step_slider.value)
    assert "cut to the first 12 digits" in ex.readout_text
    ex.digits_box.value = "no digits"
    assert ex.readout_text.startswith("Type some digits") and ex.mesh.get_array().mask.all()
    assert ex.status.value == ""


def test_a_model_of_another_kind_is_refused():
    with pytest.raises(TypeError, match="model must be a trained AttentionSeq2Seq"):
        AttentionMapExplorer(model=object())


def test_plot_length_sweep_draws_each_seed_and_the_means():
    acc = {"plain": np.array([[1.0, 0.9], [0.5, 0.4]]), "attention": np.array([[1.0, 1.0], [0.9, 0.8]])}
    sweep = demo.LengthSweep((4, 12), (0, 1), acc, {}, {}, {"n_digits": 10})
    ax = plot_length_sweep(sweep)
    means = {ln.get_label(): ln.get_ydata() for ln in ax.get_lines()}
    np.testing.assert_allclose(means["plain encoder-decoder"], [0.95, 0.45])
    np.testing.assert_allclose(means["with attention"], [1.0, 0.85])
    dots = [c.get_offsets() for c in ax.collections]
    assert sorted(np.round(np.concatenate(dots)[:, 1], 2).tolist()) == sorted(np.concatenate([*acc.values()]).ravel().tolist())
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
