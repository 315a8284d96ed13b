"""The LSTM cell drawing: drawn once, labelled in words, numbers written in place, and readable
(no text leaves the figure or overlaps another, even with the widest numbers)."""

import itertools
import math

import numpy as np
import pytest
from matplotlib.patches import FancyBboxPatch

import lstm_core as L
from lstm_course.diagram import CellDiagram, draw_lstm_cell

WIDEST = dict(x=-4.0, h_prev=-4.0, c_prev=-4.0, f=0.999, i=0.999, g=-0.999, o=0.999, c=-7.999, h=-0.999,
              z={"f": -18.0, "i": -18.0, "g": -18.0, "o": -18.0})


def test_symbols_and_words():
    d = draw_lstm_cell()
    texts = " ".join(t.get_text() for t in d.ax.texts)
    for words in ("forget gate", "input gate", "candidate", "output gate", "old memory", "new memory",
                  "previous output", "new output", "input x", "cell state", "tanh", "σ (sigmoid)"):
        assert words in texts
    assert d.texts["c_prev"].get_text() == "c\u209c\u208b\u2081"
    assert d.texts["h"].get_text() == "h\u209c"
    assert not d.ax.axison
    assert d.ax.get_title()
    assert "$" not in texts            # plain text only: mathtext is several times slower to draw


def test_show_values_writes_in_place():
    d = CellDiagram()
    n_artists = len(d.ax.get_children())
    gate_box = d.boxes["f"]
    d.show_values(**WIDEST)
    assert len(d.ax.get_children()) == n_artists and d.boxes["f"] is gate_box
    assert d.texts["c"].get_text() == "c\u209c = -7.999"
    assert d.texts["g"].get_text() == "C\u0303 = -0.999"
    assert d.texts["z_f"].get_text() == "z = -18.00"
    assert d.texts["kept"].get_text() == f"f·c\u209c\u208b\u2081 = {0.999 * -4.0:+.3f}"
    assert d.texts["tanh_c"].get_text() == f"{math.tanh(-7.999):+.3f}"


def test_show_step_from_lstm_core():
    p = L.LSTMParams.init(1, 1, seed=3)
    step = L.lstm_step(p, np.array([0.7]), np.array([-0.2]), np.array([0.4]))
    d = CellDiagram()
    d.show_step(step)
    c = 0.4 * float(step.f[0]) + float(step.i[0]) * float(step.g[0])
    assert d.texts["c"].get_text() == f"c\u209c = {c:+.3f}"
    assert d.texts["h"].get_text() == f"h\u209c = {float(step.o[0]) * math.tanh(c):+.3f}"


def test_one_unit_only():
    d = CellDiagram()
    with pytest.raises(ValueError, match="one unit"):
        d.show_values(**{**WIDEST, "f": np.array([0.5, 0.5])})


@pytest.mark.parametrize("values", [None, WIDEST])
def test_no_text_leaves_the_figure_or_overlaps_another(values):
    d = CellDiagram()
    if values is not None:
        d.show_values(**values)
    d.fig.canvas.draw()
    r = d.fig.canvas.get_renderer()
    fig_box = d.fig.bbox
    boxes = [(t.get_text(), t.get_window_extent(r)) for t in d.ax.texts if t.get_text().strip()]
    for text, bb in boxes:
        assert bb.x0 >= fig_box.x0 - 1 and bb.x1 <= fig_box.x1 + 1, text
        assert bb.y0 >= fig_box.y0 - 1 and bb.y1 <= fig_box.y1 + 1, text
    for (ta, a), (tb, b) in itertools.combinations(boxes, 2):
        if a.overlaps(b):
            # Only the symbols drawn inside a node circle may touch the node's neighbours.
            assert ta in "×+" or tb in "×+", f"{ta!r} overlaps {tb!r}"


def test_gate_texts_fit_their_boxes():
    d = CellDiagram()
    d.show_values(**WIDEST)
    d.fig.canvas.draw()
    r = d.fig.canvas.get_renderer()
    for gate in "figo":
        box = d.boxes[gate]
        assert isinstance(box, FancyBboxPatch)
        outer = box.get_window_extent(r)
        inner = d.texts[gate].get_window_extent(r)
        assert outer.x0 <= inner.x0 and inner.x1 <= outer.x1, gate


def test_fixed_artists_are_the_parts_show_values_never_changes():
    d = CellDiagram()
    under, over = d.fixed_artists()
    assert not set(under) & set(over)
    changing = [t for name, t in d.texts.items() if not (name.endswith("_words") or name == "h_note")]
    changing += list(d.boxes.values()) + list(d.memory.values())
    assert not (set(under) | set(over)) & set(changing)
    fixed_texts = [a for a in under + over if hasattr(a, "get_text")]
    words = {t.get_text() for t in fixed_texts}
    assert {"forget gate", "σ (sigmoid)", "tanh", "×", "+", "old memory", "cell state: long-term memory"} <= words
    before = [(a.get_text() if hasattr(a, "get_text") else None, a.get_visible()) for a in under + over]
    d.show_values(**WIDEST)
    assert [(a.get_text() if hasattr(a, "get_text") else None, a.get_visible()) for a in under + over] == before
    # every artist of the drawing is either fixed or one of those show_values changes
    everything = list(d.ax.lines) + list(d.ax.patches) + list(d.ax.texts)
    assert set(everything) == set(under) | set(over) | set(changing)
