"""Notebook 07's explorers: the drawn cell and the sequence stepper show numbers that equal the
LSTM equations written out here by hand (plain numpy, not the explorers' own code)."""

import math

import numpy as np
import pytest

from lstm_course.exercises import check
from lstm_course.explorers.whole_cell import SequenceExplorer, WholeCellExplorer

SUB_T, SUB_T1 = "\u209c", "\u209c\u208b\u2081"


def sig(z):
    return 1.0 / (1.0 + math.exp(-z))


def by_hand(x, h, c, w):
    """One unit: w = {gate: (w_x, w_h, b)}. Returns z, and f, i, g, o, c_t, h_t."""
    z = {g: w[g][0] * x + w[g][1] * h + w[g][2] for g in "figo"}
    f, i, o = sig(z["f"]), sig(z["i"]), sig(z["o"])
    g = math.tanh(z["g"])
    c_t = f * c + i * g
    return z, dict(f=f, i=i, g=g, o=o, c=c_t, h=o * math.tanh(c_t))


def assert_shows(ex, x, h, c, w):
    """The diagram's texts and the readout carry the hand-computed numbers."""
    z, v = by_hand(x, h, c, w)
    t = ex.diagram.texts
    assert t["x"].get_text() == f"input x{SUB_T} = {x:+.2f}"
    assert t["h_prev"].get_text() == f"h{SUB_T1} = {h:+.2f}"
    assert t["c_prev"].get_text() == f"c{SUB_T1} = {c:+.2f}"
    assert t["f"].get_text() == f"f = {v['f']:.3f}"
    assert t["i"].get_text() == f"i = {v['i']:.3f}"
    assert t["g"].get_text() == f"C\u0303 = {v['g']:+.3f}"
    assert t["o"].get_text() == f"o = {v['o']:.3f}"
    for g in "figo":
        assert t[f"z_{g}"].get_text() == f"z = {z[g]:+.2f}"
    assert t["kept"].get_text() == f"f·c{SUB_T1} = {v['f'] * c:+.3f}"
    assert t["ig"].get_text() == f"written i·C\u0303 = {v['i'] * v['g']:+.3f}"
    assert t["tanh_c"].get_text() == f"{math.tanh(v['c']):+.3f}"
    assert t["c"].get_text() == f"c{SUB_T} = {v['c']:+.3f}"
    assert t["h"].get_text() == f"h{SUB_T} = {v['h']:+.3f}"
    text = ex.readout_text
    ig = v["i"] * v["g"]
    written = f"{ig:.3f}" if ig >= 0 else f"({ig:.3f})"
    assert f"New memory c_t = {v['f'] * c:+.3f} + {written} = {v['c']:+.3f}." in text
    old = f"{c:.2f}" if c >= 0 else f"({c:.2f})"
    assert f"f*c_(t-1) = {v['f']:.3f}*{old} = {v['f'] * c:+.3f}." in text
    assert f"new output h_t = {v['h']:+.3f}" in text
    assert "forget gate     = sigmoid(" in text and f"= sigmoid({z['f']:+.2f}) = {v['f']:+.3f}" in text
    assert f"= tanh({z['g']:+.2f}) = {v['g']:+.3f}" in text
    assert f"Keep {100 * v['f']:.1f}% of the old memory" in text
    return v


def current_weights(ex):
    return {g: tuple(ex.weights[g]) for g in "figo"}


HAND = {"f": (2.0, 2.0, -1.0), "i": (1.0, -2.0, 0.0), "g": (1.0, 2.0, -1.0), "o": (-1.0, 2.0, 0.0)}


def test_starts_on_the_hand_example():
    ex = WholeCellExplorer()
    v = assert_shows(ex, 1.0, 0.5, 1.0, HAND)
    assert v["c"] == pytest.approx(sig(2) + 0.5 * math.tanh(1))
    assert (ex.wx_slider.value, ex.wh_slider.value, ex.b_slider.value) == HAND["f"]


@pytest.mark.parametrize("name, slider, value", [
    ("x", "x_slider", -2.35), ("h", "h_slider", 0.8), ("c", "c_slider", -3.1), ("x", "x_slider", 4.0)])
def test_input_sliders(name, slider, value):
    ex = WholeCellExplorer()
    getattr(ex, slider).value = value
    inputs = {"x": 1.0, "h": 0.5, "c": 1.0}
    inputs[name] = value
    assert_shows(ex, inputs["x"], inputs["h"], inputs["c"], HAND)


@pytest.mark.parametrize("gate", "figo")
def test_weight_sliders_edit_the_chosen_gate_only(gate):
    ex = WholeCellExplorer()
    ex.gate_dd.value = gate
    # The dropdown loads that gate's weights into the sliders (and changes nothing else).
    assert (ex.wx_slider.value, ex.wh_slider.value, ex.b_slider.value) == HAND[gate]
    assert_shows(ex, 1.0, 0.5, 1.0, HAND)
    ex.wx_slider.value = -1.5
    ex.wh_slider.value = 0.75
    ex.b_slider.value = 2.25
    want = dict(HAND)
    want[gate] = (-1.5, 0.75, 2.25)
    assert_shows(ex, 1.0, 0.5, 1.0, want)
    # Switching to another gate keeps the edit and shows the other gate's weights.
    other = "o" if gate != "o" else "f"
    ex.gate_dd.value = other
    assert (ex.wx_slider.value, ex.wh_slider.value, ex.b_slider.value) == HAND[other]
    assert_shows(ex, 1.0, 0.5, 1.0, want)
    ex.gate_dd.value = gate
    assert (ex.wx_slider.value, ex.wh_slider.value, ex.b_slider.value) == (-1.5, 0.75, 2.25)


PRESETS = {
    "hand example": ((1.0, 0.5, 1.0), HAND),
    "source example": ((1.0, 4.0, 1.0), {"f": (1.0, 4.0, 1.0), "i": (1.0, 1.0, 1.0), "g": (0.5, 0.25, 0.0),
                                         "o": (-1.0, -1.0, 0.0)}),
    "remember everything": ((1.0, 0.0, 2.0), {"f": (0, 0, 6.0), "i": (0, 0, -6.0), "g": (1.0, 0, 0),
                                              "o": (0, 0, 6.0)}),
    "forget everything": ((1.0, 0.0, 2.0), {"f": (0, 0, -6.0), "i": (0, 0, 6.0), "g": (1.0, 0, 0),
                                            "o": (0, 0, 6.0)}),
}


@pytest.mark.parametrize("name", list(PRESETS))
def test_presets(name):
    ex = WholeCellExplorer()
    ex.gate_dd.value = "i"
    ex.x_slider.value = -3.0
    ex.preset_buttons[name].click()
    (x, h, c), w = PRESETS[name]
    v = assert_shows(ex, x, h, c, w)
    assert (ex.wx_slider.value, ex.wh_slider.value, ex.b_slider.value) == pytest.approx(w["i"])
    assert f"(last preset: {name})" in ex.readout_text
    if name == "source example":
        assert v["f"] == pytest.approx(sig(18.0))          # 1*1 + 4*4 + 1 = 18: the source's saturated gate
        assert "lies outside (-1, 1)" in ex.readout_text   # h_(t-1) = 4 cannot come from an LSTM
    if name == "remember everything":
        assert v["c"] == pytest.approx(2.0, abs=0.01)
    if name == "forget everything":
        assert v["c"] == pytest.approx(math.tanh(1.0), abs=0.01)


def test_random_preset_is_seeded_and_shown_correctly():
    a, b = WholeCellExplorer(), WholeCellExplorer()
    a.preset_buttons["random"].click()
    b.preset_buttons["random"].click()
    assert current_weights(a) == current_weights(b)
    assert "random (seed 0)" in a.readout_text
    assert_shows(a, a.x_slider.value, a.h_slider.value, a.c_slider.value, current_weights(a))
    first = current_weights(a)
    a.preset_buttons["random"].click()
    assert current_weights(a) != first and "random (seed 1)" in a.readout_text
    assert_shows(a, a.x_slider.value, a.h_slider.value, a.c_slider.value, current_weights(a))


def test_fill_is_stronger_for_a_more_open_gate():
    ex = WholeCellExplorer()
    ex.gate_dd.value = "f"
    ex.b_slider.value = -6.0
    ex.wx_slider.value = ex.wh_slider.value = 0.0
    shut = np.mean(ex.diagram.boxes["f"].get_facecolor()[:3])
    ex.b_slider.value = 6.0
    wide = np.mean(ex.diagram.boxes["f"].get_facecolor()[:3])
    assert wide < shut - 0.2        # darker (less white) when the gate is open


def test_memory_line_is_thicker_for_more_memory():
    ex = WholeCellExplorer()
    ex.c_slider.value = 0.0
    thin = ex.diagram.memory["old"].get_linewidth()
    ex.c_slider.value = -3.0
    assert ex.diagram.memory["old"].get_linewidth() > thin + 3


# --- the sequence explorer -------------------------------------------------------------------

XS = [1.0, 0.0, 0.0, 0.0, 0.0, -1.0, 0.0, 0.0, 0.5, 0.0, 0.0, 0.0]


def sequence_by_hand():
    """The two units of SequenceExplorer, stepped with scalar formulas. Only the output gate
    reads h_{t-1} (each unit its own, weight 0.5)."""
    out = []
    h, c = [0.0, 0.0], [0.0, 0.0]
    for x in XS:
        step = {}
        for k, (bf, wi, bi) in enumerate([(3.0, 4.0, -2.0), (-1.0, 0.0, 2.0)]):
            f = sig(bf)
            i = sig(wi * x + bi)
            g = math.tanh(2.0 * x)
            o = sig(0.5 * h[k] + 1.0)
            c_new = f * c[k] + i * g
            step[k] = dict(f=f, i=i, g=g, o=o, c=c_new, h=o * math.tanh(c_new))
        out.append(step)
        h = [step[0]["h"], step[1]["h"]]
        c = [step[0]["c"], step[1]["c"]]
    return out


@pytest.mark.parametrize("t", [1, 2, 6, 9, 12])
def test_sequence_step(t):
    ex = SequenceExplorer()
    want = sequence_by_hand()
    ex.t_slider.value = t
    assert list(ex.t_line.get_xdata()) == [t, t]
    for k in (0, 1):
        for q in ("c", "h"):
            xs, ys = ex.lines[q, k].get_data()
            assert list(xs) == list(range(1, 13))
            assert np.allclose(ys, [s[k][q] for s in want], atol=1e-12)
            dx, dy = ex.dots[q, k].get_data()
            assert dx[0] == t and dy[0] == pytest.approx(want[t - 1][k][q], abs=1e-12)
        for g in "figo":
            assert ex.bars[g, k].get_height() == pytest.approx(want[t - 1][k][g], abs=1e-12)
            assert ex.bar_text[g, k].get_text() == f"{want[t - 1][k][g]:.2f}"
        s = want[t - 1][k]
        assert (f"unit {k + 1}: forget f = {s['f']:.3f} (keeps {100 * s['f']:.1f}%), input i = {s['i']:.3f}, "
                f"candidate C~ = {s['g']:+.3f}, output o = {s['o']:.3f}  ->  c_t = {s['c']:+.3f}, "
                f"h_t = {s['h']:+.3f}") in ex.readout_text
    assert f"Step t = {t} of 12: input x_t = {XS[t - 1]:+.2f}." in ex.readout_text
    assert ex.step_label.get_text() == f"step t = {t}"


def test_long_memory_unit_keeps_more_than_short_memory_unit():
    want = sequence_by_hand()
    # After the pulse at t = 1 and four quiet steps, unit 1 still holds most of it; unit 2 almost none.
    assert want[4][0]["c"] > 0.6 and abs(want[4][1]["c"]) < 0.01


# --- exercises ---------------------------------------------------------------------------------

def test_exercises():
    f, g = sig(2.0), math.tanh(1.0)
    c = f * -3.0 + 0.5 * g
    h = 0.5 * math.tanh(c)
    assert check("07-new-memory", c)
    assert check("07-new-memory", -2.262)                     # by hand: 0.881 * (-3) + 0.5 * 0.762
    fb = check("07-new-memory", -3.0 + 0.5 * g)
    assert not fb and "forget gate" in fb.message
    fb = check("07-new-memory", f * -3.0 + g)
    assert not fb and "input gate" in fb.message
    assert check("07-new-output", h)
    fb = check("07-new-output", c)
    assert not fb and "tanh" in fb.message
    fb = check("07-new-output", 0.5 * c)
    assert not fb and "tanh is missing" in fb.message
    assert check("07-ten-steps", 0.9 ** 10)
    fb = check("07-ten-steps", 1 - 0.9 ** 10)
    assert not fb and "share lost" in fb.message


# --- speed: the drawing's fixed parts are drawn once -----------------------------------------

def _pixels(fig):
    return np.asarray(fig.canvas.buffer_rgba())[..., :3].astype(int).copy()


def test_fixed_parts_of_the_drawing_are_cached_and_the_picture_stays_exact():
    """Arrows, nodes and words go into the cached frame (the nodes and the words on the boxes
    into the layer over the data), so a move draws only the numbers, fills and memory line; the
    picture must still equal an ordinary full draw, pixel for pixel, after any move."""
    ex = WholeCellExplorer()
    frame = ex._frame
    assert frame is not None and frame.overlay is not None
    drawn = [t for t in ex.ax.texts if t.get_visible()]
    # only the 16 numbers of the drawing are drawn on a move (the fixed words are in the frame)
    assert len(drawn) == 16
    assert {t.get_text() for t in drawn} >= {f"f = {sig(2.0 + 1.0 - 1.0):.3f}", "z = +2.00"}
    picture = frame.image
    for slider, value in ((ex.x_slider, -4.0), (ex.c_slider, 3.5), (ex.b_slider, 6.0)):
        slider.value = value
        assert frame.image is picture          # nothing fixed changed: the frame is reused
        cached = _pixels(ex.fig)
        frame.release()
        ex.fig.canvas.draw()
        full = _pixels(ex.fig)
        frame.refresh()
        picture = frame.image
        ex.fig.canvas.draw()
        assert (np.abs(cached - full).max(axis=-1) > 40).mean() < 1e-3


def test_keep_in_frame_rejects_what_is_not_an_artist():
    from lstm_course.explorers._frame import keep_in_frame
    with pytest.raises(TypeError, match="argument 1 must be a matplotlib Artist"):
        keep_in_frame(WholeCellExplorer().diagram.memory["old"], "a line")
