"""Notebook 08's explorers and exercises: the drawn blocks and the counts follow the controls.

Every expected number is written out here by hand (shapes from D and H, gate orders typed in,
parameter counts from the formula), not taken from the explorers' own code.
"""

import numpy as np
import pytest

import lstm_core as L
from lstm_course.exercises import check
from lstm_course.explorers.shapes import LayoutExplorer, ParamCountExplorer

SIZES = [(1, 1), (3, 2), (5, 4), (12, 8), (2, 7)]


def visible_blocks(ex):
    """{(gate, part): [(x, y, w, h), ...]} of the visible gate blocks."""
    out = {}
    for patch in ex.blocks:
        if patch.get_visible():
            _kind, gate, part = patch.get_gid().split(":")
            out.setdefault((gate, part), []).append((patch.get_x(), patch.get_y(), patch.get_width(),
                                                     patch.get_height()))
    return out


def marks(ex):
    return sorted((r.get_x(), r.get_y(), r.get_width(), r.get_height()) for r in ex.marks if r.get_visible())


def set_view(ex, layout, D, H, gate):
    with ex.hold():
        ex.layout.value, ex.d_slider.value, ex.h_slider.value, ex.gate.value = layout, D, H, gate


def span(a, b):
    return f"{a}" if b - a == 1 else f"{a}-{b - 1}"


@pytest.fixture(scope="module")
def layout_explorer():
    return LayoutExplorer()


@pytest.mark.parametrize("D,H", SIZES)
@pytest.mark.parametrize("gate", ["f", "i", "g", "o"])
def test_torch_row_blocks(layout_explorer, D, H, gate):
    ex = layout_explorer
    set_view(ex, "torch", D, H, gate)
    blocks = visible_blocks(ex)
    assert len([b for v in blocks.values() for b in v]) == 16
    order = ["i", "f", "g", "o"]
    # four arrays side by side: weight_ih (4H, D), weight_hh (4H, H), bias_ih (4H,), bias_hh (4H,)
    xs = sorted({b[0] for v in blocks.values() for b in v})
    assert len(xs) == 4
    per_array = {}
    for (g, _part), rects in blocks.items():
        for x, y, w, h in rects:
            per_array.setdefault(x, {})[g] = (y, w, h)
    assert [per_array[x]["i"][1] for x in xs] == [D, H, 1, 1]
    headers = [t.get_text() for t in ex.headers if t.get_text()]
    assert headers == [f"weight_ih\n({4 * H}, {D})", f"weight_hh\n({4 * H}, {H})", f"bias_ih\n({4 * H},)",
                       f"bias_hh\n({4 * H},)"]
    for x in xs:
        y0 = per_array[x]["i"][0]
        for k, g in enumerate(order):
            y, w, h = per_array[x][g]
            assert h == pytest.approx(H)
            assert y - y0 == pytest.approx(k * H)
    # the outline marks the chosen gate in all four arrays
    k = order.index(gate)
    assert [m[1] for m in marks(ex)] == pytest.approx([k * H] * 4)
    text = ex.readout_text
    assert f"rows {span(k * H, (k + 1) * H)}" in text
    assert f"Numbers stored: {4 * H * D + 4 * H * H + 2 * 4 * H:,}" in text


@pytest.mark.parametrize("D,H", SIZES)
@pytest.mark.parametrize("gate", ["f", "i", "g", "o"])
def test_keras_column_blocks(layout_explorer, D, H, gate):
    ex = layout_explorer
    set_view(ex, "keras", D, H, gate)
    blocks = visible_blocks(ex)
    order = ["i", "f", "g", "o"]   # Keras' i, f, c, o
    per_array = {}
    for (g, _part), rects in blocks.items():
        for x, y, w, h in rects:
            per_array.setdefault(y, {})[g] = (x, w, h)
    ys = sorted(per_array)
    # kernel (D, 4H), recurrent_kernel (H, 4H), bias (4H,) stacked top to bottom
    assert [per_array[y]["i"][2] for y in ys] == [D, H, 1]
    for y in ys:
        for k, g in enumerate(order):
            x, w, h = per_array[y][g]
            assert x == pytest.approx(k * H) and w == pytest.approx(H)
    k = order.index(gate)
    assert [m[0] for m in marks(ex)] == pytest.approx([k * H] * 3)
    text = ex.readout_text
    assert f"columns {span(k * H, (k + 1) * H)}" in text
    headers = [t.get_text() for t in ex.headers if t.get_text()]
    assert headers == [f"kernel ({D}, {4 * H})", f"recurrent_kernel ({H}, {4 * H})", f"bias ({4 * H},)"]
    assert f"Numbers stored: {D * 4 * H + H * 4 * H + 4 * H:,}" in text
    if gate == "g":
        assert "Keras calls it 'c'" in text


@pytest.mark.parametrize("D,H", SIZES)
@pytest.mark.parametrize("layout", ["gate", "xh", "hx"])
def test_per_gate_layouts(layout_explorer, D, H, layout):
    ex = layout_explorer
    set_view(ex, layout, D, H, "i")
    blocks = visible_blocks(ex)
    rows_y = {}
    for g in ["f", "i", "g", "o"]:
        (bx, by, bw, bh), = blocks[(g, "b")]
        assert (bw, bh) == (1, H)                     # the bias b (H,)
        (xx, xy, xw, xh), = blocks[(g, "x")]
        (hx, hy, hw, hh), = blocks[(g, "h")]
        assert (xw, xh) == (D, H)                     # W_x (H, D) or the x part of W (H, D+H)
        assert (hw, hh) == (H, H)                     # W_h (H, H) or the h part
        assert xy == hy == by
        rows_y[g] = xy
        if layout == "xh":
            assert (xx, hx) == (0, D)                 # columns 0..D-1 multiply x
        elif layout == "hx":
            assert (hx, xx) == (0, H)                 # columns 0..H-1 multiply h
        else:
            assert xx == 0 and hx > D                 # separate matrices with a gap
    assert sorted(rows_y, key=rows_y.get) == ["f", "i", "g", "o"]
    text = ex.readout_text
    assert f"Numbers stored: {4 * (H * D + H * H + H):,}" in text
    if layout == "xh":
        assert f"columns {span(0, D)} multiply x, columns {span(D, D + H)} multiply h" in text
        assert f"shape ({H}, {D + H})" in text
    elif layout == "hx":
        assert f"columns {span(H, D + H)} multiply x, columns {span(0, H)} multiply h" in text
    else:
        assert f"W_x ({H}, {D}), W_h ({H}, {H}), b ({H},)" in text
        assert f"U = W_x transposed, shape ({D}, {H})" in text
    # the input gate (second row) is outlined
    ys = {m[1] for m in marks(ex)}
    assert ys == {rows_y["i"]}


def test_drawn_orders_match_the_arrays_lstm_core_exports():
    """The picture says f is PyTorch's second row block and Keras' second column block: check
    that against the arrays to_torch / to_keras actually return, with a constant per gate."""
    D, H = 3, 2
    const = {"f": 1.0, "i": 2.0, "g": 3.0, "o": 4.0}
    p = L.LSTMParams.from_gates(W_x={g: np.full((H, D), v) for g, v in const.items()},
                                W_h={g: np.full((H, H), v) for g, v in const.items()},
                                b={g: np.full(H, v) for g, v in const.items()})
    w_ih, w_hh, b_ih, _ = p.to_torch()
    kernel, rk, bias = p.to_keras()
    for k, g in enumerate(["i", "f", "g", "o"]):
        assert (w_ih[k * H:(k + 1) * H] == const[g]).all() and (w_hh[k * H:(k + 1) * H] == const[g]).all()
        assert (b_ih[k * H:(k + 1) * H] == const[g]).all()
        assert (kernel[:, k * H:(k + 1) * H] == const[g]).all() and (rk[:, k * H:(k + 1) * H] == const[g]).all()
        assert (bias[k * H:(k + 1) * H] == const[g]).all()


def test_layout_explorer_rejects_bad_arguments():
    with pytest.raises(ValueError, match="layout"):
        LayoutExplorer(layout="tensorflow")
    with pytest.raises(ValueError, match="gate"):
        LayoutExplorer(gate="c")


# --- parameter counting ------------------------------------------------------------------------

G = {"lstm": 4, "gru": 3, "rnn": 1}


def by_hand(D, H, layers, cell, nb):
    """Total, and (input weights, recurrent weights, biases), for nb bias vectors per gate."""
    g = G[cell]
    inputs = sum(g * H * (D if k == 0 else H) for k in range(layers))
    recurrent = layers * g * H * H
    biases = layers * nb * g * H
    return inputs + recurrent + biases, (inputs, recurrent, biases)


@pytest.mark.parametrize("D,H,layers,cell", [(128, 64, 1, "lstm"), (10, 20, 2, "lstm"), (4096, 256, 1, "lstm"),
                                             (7, 3, 3, "gru"), (1, 1, 4, "rnn"), (300, 1024, 2, "gru")])
def test_param_counter_bars_and_readout(D, H, layers, cell):
    ex = ParamCountExplorer()
    ex.d_slider.value = D           # each control on its own (one update each) ...
    ex.h_slider.value = H
    ex.layers_slider.value = layers
    ex.cell.value = cell
    check_counter(ex, D, H, layers, cell)
    ex.set_values(d_slider=7, h_slider=5, layers_slider=2, cell="lstm")   # ... and all at once, as a preset does
    check_counter(ex, 7, 5, 2, "lstm")


def check_counter(ex, D, H, layers, cell):
    text = ex.readout_text
    names = ["input weights", "recurrent weights", "biases"]
    for row, nb in enumerate([1, 2]):
        total, parts = by_hand(D, H, layers, cell, nb)
        assert f"{total:,}" in text
        assert ex.total_text[row].get_text() == f"{total:,}"
        left = 0
        for name, want in zip(names, parts):
            bar = ex.bars[name][row]
            assert bar.get_x() == pytest.approx(left)
            assert bar.get_width() == pytest.approx(want)
            left += want
        assert ex.bias_bars[row].get_width() == pytest.approx(parts[2])
        assert ex.bias_text[row].get_text() == f"{parts[2]:,}"
        # the formula of the first layer, with the numbers filled in
        bias = f"{H}" if nb == 1 else f"2 x {H}"
        first = G[cell] * (H * (D + H) + nb * H)
        assert f"{G[cell]} x ({H} x ({D} + {H}) + {bias}) = {first:,}" in text
        if layers > 1:
            second = G[cell] * (H * (H + H) + nb * H)
            assert (f"layer 2 (input from the layer below, H): {G[cell]} x ({H} x ({H} + {H}) + {bias}) "
                    f"= {second:,}") in text
    diff = layers * G[cell] * H
    assert f"= {diff:,} = {layers} x {G[cell]} x {H}" in text


def test_param_counter_names_the_framework_layers_of_each_row():
    """Row 1 (one bias per gate) and row 2 (two) name the layers that store that many; for the GRU,
    Keras' default (reset_after=True) is in the two-bias row: 3 x (64 x (128 + 64) + 2 x 64) = 37,248."""
    ex = ParamCountExplorer()
    ex.set_values(d_slider=128, h_slider=64, layers_slider=1, cell="lstm")
    assert "one bias per gate: Keras' LSTM" in ex.readout_text
    assert "two biases per gate: PyTorch's nn.LSTM" in ex.readout_text
    ex.set_values(cell="gru")
    text = ex.readout_text
    assert 3 * (64 * (128 + 64) + 2 * 64) == 37_248 and 3 * (64 * (128 + 64) + 64) == 37_056
    one, two = text.index("one bias per gate: Keras' GRU with reset_after=False"), text.index("two biases per gate")
    assert one < text.index("= 37,056") < two < text.index("= 37,248")
    assert "Keras' default GRU (reset_after=True)" in text[two:]
    assert "except in the candidate block" in text
    ex.set_values(cell="rnn")
    assert "one bias: Keras' SimpleRNN" in ex.readout_text and "two biases: PyTorch's nn.RNN" in ex.readout_text


def test_param_counter_presets_give_the_sources_numbers():
    ex = ParamCountExplorer(input_size=5, hidden_size=5)
    ex.preset_buttons["source 001: 128 -> 64"].click()
    assert (ex.d_slider.value, ex.h_slider.value, ex.layers_slider.value) == (128, 64, 1)
    assert ((128 + 64) * 64 + 64) * 4 == 49_408
    assert "= 49,408" in ex.readout_text and "= 49,664" in ex.readout_text
    ex.preset_buttons["source 001: 4096 -> 256"].click()
    assert (ex.d_slider.value, ex.h_slider.value) == (4096, 256)
    assert 4 * ((4096 + 1) * 256 + 256 ** 2) == 4_457_472
    assert "= 4,457,472" in ex.readout_text
    ex.preset_buttons["smallest: 1 -> 1"].click()
    assert "= 12" in ex.readout_text and "= 16" in ex.readout_text   # 4 x (1 x 2 + 1), 4 x (1 x 2 + 2)


# --- exercises ---------------------------------------------------------------------------------

def test_exercise_torch_two_layers():
    right = 4 * (20 * (10 + 20) + 2 * 20) + 4 * (20 * (20 + 20) + 2 * 20)
    assert right == 5920
    assert check("08-torch-2-layers", right)
    keras = 4 * (20 * (10 + 20) + 20) + 4 * (20 * (20 + 20) + 20)
    fb = check("08-torch-2-layers", keras)
    assert not fb and "two" in fb.message and "bias_hh" in fb.message
    forgot_h = 2 * (4 * (20 * (10 + 20) + 2 * 20))
    fb = check("08-torch-2-layers", forgot_h)
    assert not fb and "hidden state" in fb.message and "20" in fb.message
    fb = check("08-torch-2-layers", 4 * (20 * (10 + 20) + 2 * 20))
    assert not fb and "one layer" in fb.message


def test_exercise_keras_forget_column():
    assert check("08-keras-forget-column", 16)
    assert "input gate" in check("08-keras-forget-column", 0).message
    assert "candidate" in check("08-keras-forget-column", 32).message
    assert "Count from 0" in check("08-keras-forget-column", 17).message


# --- speed: limits from a short list, so the cached frame is reused on most moves -----------------

def test_nice_limit():
    from lstm_course.explorers.shapes import nice_limit
    assert [nice_limit(v) for v in (0.9, 1, 1.2, 2.5, 4, 7, 12, 59_600, 55_390_000)] == \
        [1, 1, 2, 3, 5, 10, 20, 100_000, 100_000_000]


def test_param_counter_limits_leave_room_and_mostly_stay():
    ex = ParamCountExplorer()
    picture = ex._frame.image
    for d in (129, 130, 131, 140):         # small moves: same limits, the frame is reused
        ex.d_slider.value = d
        assert ex._frame.image is picture
    total = max(by_hand(140, 64, 1, "lstm", nb)[0] for nb in (1, 2))
    assert ex.ax_all.get_xlim() == (0, 100_000) and ex.ax_all.get_xlim()[1] >= 1.2 * total
    assert ex.ax_b.get_xlim() == (0, 1000)       # 2 x 4 x 64 = 512 biases, x 1.3 -> 1000
    ex.d_slider.value = 4096                     # a big move: new limits, new frame
    assert ex._frame.image is not picture
    assert ex.ax_all.get_xlim()[1] >= 1.2 * by_hand(4096, 64, 1, "lstm", 2)[0]
    # no tick sits at the right end, where its label would run into the next panel's
    ex.fig.canvas.draw()
    for ax in (ex.ax_all, ex.ax_b):
        assert max(ax.get_xticks()) < ax.get_xlim()[1]


def test_layout_scale_moves_in_steps_and_keeps_one_square_per_number(layout_explorer):
    ex = layout_explorer
    set_view(ex, "torch", 1, 2, "f")
    picture = ex._frame.image
    set_view(ex, "torch", 2, 2, "f")
    assert ex._frame.image is picture            # same scale step: the frame is reused
    for D, H in SIZES:
        set_view(ex, "gate", D, H, "f")
        ex.fig.canvas.draw()
        # equal scales: one unit is as many pixels across as it is high
        (x0, y0), (x1, y1) = ex.ax.transData.transform([(0, 0), (1, 1)])
        assert abs(x1 - x0) == pytest.approx(abs(y1 - y0), rel=1e-6)
        # every block lies inside the limits
        lo, hi = sorted(ex.ax.get_xlim()), sorted(ex.ax.get_ylim())
        for p in ex.blocks:
            if p.get_visible():
                assert lo[0] <= p.get_x() and p.get_x() + p.get_width() <= lo[1]
                assert hi[0] <= p.get_y() and p.get_y() + p.get_height() <= hi[1]
