"""Notebook 05's explorers and exercises: the bars, lines and readouts follow the sliders and
presets, with every number recomputed here by hand (c = f*c_prev + i*g written out), not by the
explorers' own code."""

import math

import numpy as np
import pytest

from lstm_course.exercises import check
from lstm_course.explorers.cell_state import CellStateExplorer, SentenceMemoryExplorer


def fmt(v):
    return f"{round(v, 2) + 0.0:.2f}"


def pct(v):
    return f"{round(100 * v):.0f}%"


def bar_span(bar):
    """(bottom, top) of a bar, whichever way it points."""
    y, h = bar.get_y(), bar.get_height()
    return min(y, y + h), max(y, y + h)


# --- CellStateExplorer ------------------------------------------------------------------------------

@pytest.mark.parametrize("f, i, g, c_prev", [
    (0.8, 0.3, 0.6, 1.5),
    (0.25, 0.9, -0.7, 2.0),
    (1.0, 1.0, 1.0, -2.0),
    (0.0, 0.0, -1.0, 0.35),
    (0.55, 0.1, 0.4, -1.25),
])
def test_bars_marker_and_readout_follow_the_sliders(f, i, g, c_prev):
    ex = CellStateExplorer()
    ex.f_slider.value, ex.i_slider.value, ex.g_slider.value, ex.c_slider.value = f, i, g, c_prev
    kept, written = f * c_prev, i * g
    c = f * c_prev + i * g
    assert ex.old_bar.get_height() == pytest.approx(c_prev)
    assert ex.cand_bar.get_height() == pytest.approx(g)
    # the kept part stands on 0, the written part stands on top of it, and the marker is their sum
    assert ex.kept_bar.get_y() == 0
    assert ex.kept_bar.get_height() == pytest.approx(kept)
    assert ex.written_bar.get_y() == pytest.approx(kept)
    assert ex.written_bar.get_y() + ex.written_bar.get_height() == pytest.approx(c)
    assert list(ex.c_line.get_ydata()) == pytest.approx([c, c])
    assert ex.c_text.get_text() == f"$c_t$ = {fmt(c)}"
    assert [b.get_height() for b in ex.gate_bars] == pytest.approx([f, i])
    text = ex.readout_text
    assert f"keeps {pct(f)} of the old memory ({fmt(f)} x {fmt(c_prev)} = {fmt(kept)})" in text
    assert f"drops the other {pct(1 - f)} ({fmt(c_prev - kept)})" in text
    assert f"writes {pct(i)} of the candidate ({fmt(i)} x {fmt(g)} = {fmt(written)})" in text
    assert f"New memory c_t = {fmt(kept)} + {fmt(written)} = {fmt(c)}" in text
    assert f"it was {fmt(c_prev)}" in text


def test_readout_in_the_words_of_the_brief():
    ex = CellStateExplorer()   # defaults: f 0.8, c_prev 1.5, i 0.3, C~ 0.6
    assert "keeps 80% of the old memory (0.80 x 1.50 = 1.20)" in ex.readout_text
    assert "writes 30% of the candidate (0.30 x 0.60 = 0.18)" in ex.readout_text
    assert "= 1.38" in ex.readout_text


def test_each_slider_is_wired_to_its_own_variable():
    ex = CellStateExplorer(f=0.5, i=0.5, g=0.5, c_prev=1.0)
    base = 0.5 * 1.0 + 0.5 * 0.5
    assert ex.c_line.get_ydata()[0] == pytest.approx(base)
    steps = [(ex.f_slider, 0.9, 0.9 * 1.0 + 0.5 * 0.5), (ex.i_slider, 0.1, 0.9 * 1.0 + 0.1 * 0.5),
             (ex.g_slider, -0.8, 0.9 * 1.0 + 0.1 * -0.8), (ex.c_slider, -1.5, 0.9 * -1.5 + 0.1 * -0.8)]
    for slider, new, want in steps:
        slider.value = new
        assert ex.c_line.get_ydata()[0] == pytest.approx(want), slider.description


@pytest.mark.parametrize("name, f, i, words", [
    ("remember", 1.0, 0.0, "keep the old memory as it is"),
    ("forget", 0.0, 0.0, "wipe the memory"),
    ("overwrite", 0.0, 1.0, "drop the old memory, write the whole candidate"),
    ("accumulate", 1.0, 1.0, "keep the old memory and add the whole candidate"),
])
def test_presets_set_the_gates_and_keep_the_rest(name, f, i, words):
    ex = CellStateExplorer()
    ex.g_slider.value, ex.c_slider.value = -0.4, 1.2
    ex.preset_buttons[f"{name} (f={f:g}, i={i:g})"].click()
    assert (ex.f_slider.value, ex.i_slider.value) == (f, i)
    assert (ex.g_slider.value, ex.c_slider.value) == (-0.4, 1.2)
    c = f * 1.2 + i * -0.4
    assert ex.c_line.get_ydata()[0] == pytest.approx(c)
    assert f"= {fmt(c)} (it was 1.20" in ex.readout_text
    assert f"Closest preset: {name}, {words}" in ex.readout_text
    assert ex.status.value == ""


def test_preset_values_by_hand():
    """remember keeps c_prev, forget gives 0, overwrite gives C~, accumulate gives their sum."""
    ex = CellStateExplorer(g=0.6, c_prev=1.5)
    want = {"remember (f=1, i=0)": 1.5, "forget (f=0, i=0)": 0.0, "overwrite (f=0, i=1)": 0.6,
            "accumulate (f=1, i=1)": 2.1}
    for label, c in want.items():
        ex.preset_buttons[label].click()
        assert ex.c_line.get_ydata()[0] == pytest.approx(c)
        lo, hi = bar_span(ex.written_bar)
        assert hi - lo == pytest.approx(0.6 if label.startswith(("overwrite", "accumulate")) else 0.0)


def test_no_minus_zero_in_the_readout():
    ex = CellStateExplorer()
    ex.f_slider.value, ex.c_slider.value = 0.0, -1.5
    assert "-0.00" not in ex.readout_text
    assert "(0.00 x -1.50 = 0.00)" in ex.readout_text


# --- SentenceMemoryExplorer ------------------------------------------------------------------------

TOKENS = ["Bob", "is", "nice", ".", "Dan", "is", "kind"]


def by_hand(f_other, f_stop, i_name):
    c, out, fs, is_ = 0.0, [], [], []
    for t in TOKENS:
        f = f_stop if t == "." else f_other
        i = i_name if t in ("Bob", "Dan") else 0.0
        g = math.tanh(1.5) if t == "Bob" else (-math.tanh(1.5) if t == "Dan" else 0.0)
        c = f * c + i * g
        out.append(c)
        fs.append(f)
        is_.append(i)
    return np.array(fs), np.array(is_), np.array(out)


@pytest.mark.parametrize("f_other, f_stop, i_name", [
    (0.98, 0.02, 0.98), (0.98, 1.0, 1.0), (0.5, 0.0, 0.3), (1.0, 0.6, 0.0), (0.0, 0.0, 1.0),
])
def test_sentence_lines_and_readout_follow_the_sliders(f_other, f_stop, i_name):
    ex = SentenceMemoryExplorer()
    ex.f_other_slider.value, ex.f_stop_slider.value, ex.i_name_slider.value = f_other, f_stop, i_name
    f, i, c = by_hand(f_other, f_stop, i_name)
    assert ex.c_line.get_ydata() == pytest.approx(c)
    assert ex.f_line.get_ydata() == pytest.approx(f)
    assert ex.i_line.get_ydata() == pytest.approx(i)
    text = ex.readout_text
    assert f"At '.' the forget gate keeps {pct(f_stop)}: the memory goes from {fmt(c[2])} to {fmt(c[3])}" in text
    assert f"writes {pct(i_name)} of the candidate {fmt(-math.tanh(1.5))}: the memory becomes {fmt(c[4])}" in text
    assert f"At the end ('kind') the memory is {fmt(c[-1])}" in text
    verdict = "Bob" if c[-1] > 0.3 else ("Dan" if c[-1] < -0.3 else "a blur of Bob and Dan")
    assert verdict in text.splitlines()[-1]


def test_sentence_defaults_switch_subject_and_an_open_forget_gate_blurs_it():
    ex = SentenceMemoryExplorer()
    assert ex.c_line.get_ydata()[2] > 0.8          # Bob remembered through "is nice"
    assert ex.c_line.get_ydata()[-1] < -0.8        # Dan after the full stop
    assert "the subject is Dan" in ex.readout_text
    ex.f_stop_slider.value = ex.f_other_slider.value  # the full stop no longer closes the gate
    assert abs(ex.c_line.get_ydata()[-1]) < 0.3
    assert "a blur of Bob and Dan" in ex.readout_text


# --- exercises -----------------------------------------------------------------------------------

def test_exercise_update():
    assert check("05-update", 0.75 * 2.0 + 0.6 * -0.5)
    assert "only the kept part" in str(check("05-update", 1.5))
    assert "only the written part" in str(check("05-update", -0.3))
    assert "negative" in str(check("05-update", 1.8))
    assert "not the share it throws away" in str(check("05-update", 0.25 * 2.0 - 0.3))


def test_exercise_forget_share():
    assert check("05-forget-share", 0.25)
    assert "forgotten" in str(check("05-forget-share", 0.75))
    assert "Upside down" in str(check("05-forget-share", 4.0))


def test_exercise_hadamard():
    assert check("05-hadamard", [1.0, -0.8, 3.6])
    assert "sign" in str(check("05-hadamard", [1.0, 0.8, 3.6]))
    assert "forgotten" in str(check("05-hadamard", [1.0, -0.2, 0.4]))
    assert not check("05-hadamard", 0.5 * 2 - 0.8 + 0.9 * 4)   # the dot product is one number
