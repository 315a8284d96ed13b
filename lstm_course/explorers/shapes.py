"""Explorers of notebook 08: where each gate's weights live, and how many there are.

LayoutExplorer    draws the arrays of one LSTM layer in five layouts (lstm_core's per-gate
                  views, one concatenated matrix per gate on [x, h] or [h, x], PyTorch's fused
                  arrays, Keras' fused arrays) as rectangles, one square per number, each gate a
                  colour and a hatch.
ParamCountExplorer counts the parameters of a stack of LSTM / GRU / RNN layers with one bias
                  vector per gate and with two, names the framework layers that store each (Keras'
                  LSTM and SimpleRNN one; PyTorch two; Keras' GRU two by default, one with
                  reset_after=False), and writes the formula out with the numbers filled in.
"""

from __future__ import annotations

import math

import ipywidgets as widgets
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import FuncFormatter, MaxNLocator

from lstm_core.counting import GATES_PER_CELL, count_params
from lstm_core.params import KERAS_GATE_ORDER, TORCH_GATE_ORDER, LSTMParams
from ..plotting import GATE_STYLE, OKABE_ITO, new_figure, style_axes
from .kit import Explorer, int_slider, wrap_row

TEACH_ORDER = ("f", "i", "g", "o")
LAYOUTS = (
    ("lstm_core, per gate: W_x, W_h, b", "gate"),
    ("per gate, one W acting on [x, h]", "xh"),
    ("per gate, one W acting on [h, x]", "hx"),
    ("PyTorch nn.LSTM (fused)", "torch"),
    ("Keras LSTM (fused)", "keras"),
)
LAYOUT_NAMES = dict((v, k) for k, v in LAYOUTS)
GATE_WORDS = {"f": "forget gate f", "i": "input gate i", "g": "candidate C~ (g)", "o": "output gate o"}
AXES_BOX = (0.08, 0.13, 0.65, 0.78)   # left, bottom, width, height (figure fraction)
MAX_BLOCKS = 16   # PyTorch: 4 arrays x 4 gates
MAX_ARRAYS = 12   # lstm_core per gate: 4 gates x (W_x, W_h, b)
SCALE_STEP = 1.25  # the drawing's scale (numbers per inch) moves in steps of this factor


def _span(start, stop):
    """'rows 2-3' style range text (inclusive, counting from 0)."""
    return f"{start}" if stop - start == 1 else f"{start}-{stop - 1}"


class LayoutExplorer(Explorer):
    """One LSTM layer's weights drawn as blocks of matrices, in the layout you pick.

    Controls: the layout (dropdown), the input size D and hidden size H (sliders), and the gate
    to find (toggle buttons), whose blocks get a thick black outline and whose rows or columns
    the readout names. Every shape is read off arrays lstm_core builds (``LSTMParams.init``,
    ``gate``, ``concatenated``, ``to_torch``, ``to_keras``).
    """

    title = "Where each gate's weights live: one LSTM layer in five layouts"
    options = dict(layout="torch", input_size=3, hidden_size=2, gate="f")

    def check_options(self):
        if self.layout not in LAYOUT_NAMES:
            raise ValueError(f"layout must be one of {list(LAYOUT_NAMES)}; got {self.layout!r}")
        if self.gate not in TEACH_ORDER:
            raise ValueError(f"gate must be one of {list(TEACH_ORDER)}; got {self.gate!r}")

    def build(self):
        self.layout = widgets.Dropdown(options=list(LAYOUTS), value=self.layout, description="layout",
                                       style={"description_width": "initial"},
                                       layout=widgets.Layout(width="420px"))
        self.d_slider = int_slider("input size D", self.input_size, 1, 12)
        self.h_slider = int_slider("hidden size H", self.hidden_size, 1, 8)
        self.gate = widgets.ToggleButtons(options=[(GATE_WORDS[g], g) for g in TEACH_ORDER], value=self.gate,
                                          description="find", style={"button_width": "130px"})
        self.controls = [self.layout, self.d_slider, self.h_slider, self.gate]

        self.fig, ax = new_figure(8.0, 3.8)
        # A fixed axes box (no layout engine) so that update() can choose limits that keep one
        # number = one square whatever the shape of the drawing.
        self.fig.set_layout_engine("none")
        ax.set_position(AXES_BOX)
        self.ax = ax
        self.blocks = [ax.add_patch(Rectangle((0, 0), 1, 1, linewidth=0.8, edgecolor="black", visible=False))
                       for _ in range(MAX_BLOCKS)]
        self.outlines = [ax.add_patch(Rectangle((0, 0), 1, 1, fill=False, linewidth=1.6, edgecolor="black",
                                                visible=False)) for _ in range(MAX_ARRAYS)]
        self.marks = [ax.add_patch(Rectangle((0, 0), 1, 1, fill=False, linewidth=3.2, edgecolor="black",
                                             linestyle="-", visible=False, zorder=5)) for _ in range(4)]
        self.letters = [ax.text(0, 0, "", ha="center", va="center", fontsize=9, fontweight="bold",
                                bbox=dict(boxstyle="round,pad=0.15", facecolor="white", alpha=0.8, linewidth=0),
                                zorder=6, clip_on=True) for _ in range(MAX_BLOCKS)]
        self.headers = [ax.text(0, 0, "", ha="center", va="bottom", fontsize=8, clip_on=True)
                        for _ in range(MAX_ARRAYS)]
        style_axes(ax, "", "columns (one square = one number)", "rows")
        ax.grid(False)
        no_negatives = FuncFormatter(lambda v, _pos: f"{v:g}" if v >= 0 else "")
        for axis in (ax.xaxis, ax.yaxis):   # whole-number ticks, few of them (text is what costs time)
            axis.set_major_locator(MaxNLocator(nbins=5, integer=True))
            axis.set_major_formatter(no_negatives)
        handles = [Patch(facecolor=GATE_STYLE[g]["color"], hatch=GATE_STYLE[g]["hatch"], edgecolor="black",
                         label=GATE_STYLE[g]["label"]) for g in TEACH_ORDER]
        self.fig.legend(handles=handles, loc="upper right", bbox_to_anchor=(0.995, 0.92), fontsize=8)

    def _fit(self, right, bottom, head_in):
        """Limits showing the drawing [0, right] x [0, bottom] (rows go down) with equal scales on
        both axes, a margin, and ``head_in`` inches free above row 0 for the headers.

        The scale (units per inch) is rounded up to a power of SCALE_STEP and the drawing sits at
        the top left, so the limits (and the cached frame with its ticks) stay the same over most
        moves of the sliders instead of changing on every one."""
        w_in, h_in = self.fig.get_size_inches()
        box_w, box_h = AXES_BOX[2] * w_in, AXES_BOX[3] * h_in
        margin_in = 0.12
        scale = max(right / (box_w - 2 * margin_in), bottom / (box_h - head_in - 2 * margin_in))  # units/inch
        scale = SCALE_STEP ** math.ceil(math.log(scale, SCALE_STEP) - 1e-9)
        x0 = -margin_in * scale
        y0 = -(head_in + margin_in) * scale
        xlim, ylim = (x0, x0 + box_w * scale), (y0 + box_h * scale, y0)
        if self.ax.get_xlim() != xlim:       # (equal limits set again would still mark the axes stale)
            self.ax.set_xlim(*xlim)
        if self.ax.get_ylim() != ylim:
            self.ax.set_ylim(*ylim)
        return scale

    # --- geometry ----------------------------------------------------------------------------------
    @staticmethod
    def geometry(kind, p):
        """(blocks, arrays, title) for LSTMParams ``p`` drawn in layout ``kind``.

        blocks: [(gate, x, y, w, h, part)]; arrays: [(header, x, y, w, h)]; rows go down."""
        D, H = p.input_size, p.hidden_size
        gap = max(2.0, 0.8 * max(D, H)) if kind == "torch" else max(1.5, 0.35 * max(D, H))
        hgap = max(2.0, 0.6 * max(D, H))    # between arrays side by side (room for their headers)
        blocks, arrays = [], []
        if kind in ("gate", "xh", "hx"):
            for r, g in enumerate(TEACH_ORDER):
                y = r * (H + gap)
                if kind == "gate":
                    gp = p.gate(g)
                    (hx, dx), (hh, wh) = gp.W_x.shape, gp.W_h.shape
                    blocks += [(g, 0.0, y, dx, hx, "x"), (g, dx + hgap, y, wh, hh, "h")]
                    arrays += [(f"$W_x$ {gp.W_x.shape}" if r == 0 else "", 0.0, y, dx, hx),
                               (f"$W_h$ {gp.W_h.shape}" if r == 0 else "", dx + hgap, y, wh, hh)]
                    bx = dx + wh + 2 * hgap
                else:
                    W = p.concatenated(g, kind)
                    rows, cols = W.shape
                    parts = [("x", D), ("h", H)] if kind == "xh" else [("h", H), ("x", D)]
                    x = 0.0
                    for part, width in parts:
                        blocks.append((g, x, y, width, rows, part))
                        x += width
                    arrays.append((f"W {W.shape}" if r == 0 else "", 0.0, y, cols, rows))
                    bx = cols + hgap
                nb = p.gate(g).b.shape[0]
                blocks.append((g, bx, y, 1, nb, "b"))
                arrays.append((f"b ({nb},)" if r == 0 else "", bx, y, 1, nb))
            if kind == "gate":
                title = "lstm_core's per-gate views: three arrays per gate"
            else:
                title = f"One concatenated matrix per gate, acting on [{kind[0]}, {kind[1]}]"
        elif kind == "torch":
            names = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
            x = 0.0
            for name, arr in zip(names, p.to_torch()):
                rows = arr.shape[0]
                cols = arr.shape[1] if arr.ndim == 2 else 1
                for k, g in enumerate(TORCH_GATE_ORDER):
                    blocks.append((g, x, k * rows / 4, cols, rows / 4, "b" if arr.ndim == 1 else "w"))
                arrays.append((f"{name}\n{arr.shape}", x, 0.0, cols, rows))
                x += cols + gap
            title = "PyTorch: row blocks i, f, g, o in each of four arrays"
        elif kind == "keras":
            names = ("kernel", "recurrent_kernel", "bias")
            y = 0.0
            for name, arr in zip(names, p.to_keras()):
                cols = arr.shape[-1]
                rows = arr.shape[0] if arr.ndim == 2 else 1
                for k, g in enumerate(KERAS_GATE_ORDER):
                    blocks.append((g, k * cols / 4, y, cols / 4, rows, "b" if arr.ndim == 1 else "w"))
                arrays.append((f"{name} {arr.shape}", 0.0, y, cols, rows))
                y += rows + gap
            title = "Keras: column blocks i, f, c, o in each of three arrays"
        else:
            raise ValueError(f"layout must be one of {list(LAYOUT_NAMES)}; got {kind!r}")
        return blocks, arrays, title

    def where(self, kind, p, gate):
        """Where ``gate`` sits in layout ``kind``, in words."""
        D, H = p.input_size, p.hidden_size
        word = GATE_WORDS[gate]
        if kind == "gate":
            gp = p.gate(gate)
            return (f"The {word} has its own three arrays: W_x {gp.W_x.shape}, W_h {gp.W_h.shape}, "
                    f"b {gp.b.shape}. "
                    f"In the U/W notation (source 004), U = W_x transposed, shape {gp.W_x.T.shape}, and W = W_h transposed.")
        if kind in ("xh", "hx"):
            W = p.concatenated(gate, kind)
            xs, hs = (_span(0, D), _span(D, D + H)) if kind == "xh" else (_span(H, D + H), _span(0, H))
            return (f"The {word} has one W of shape {W.shape}: columns {xs} multiply x, "
                    f"columns {hs} multiply h (counting from 0), then its own bias {p.gate(gate).b.shape}.")
        if kind == "torch":
            k = TORCH_GATE_ORDER.index(gate)
            return (f"The {word} is block {k + 1} of 4: rows {_span(k * H, (k + 1) * H)} (counting from 0) "
                    "of weight_ih, weight_hh, bias_ih and bias_hh alike.")
        k = KERAS_GATE_ORDER.index(gate)
        name = "c" if gate == "g" else gate
        return (f"The {word} (Keras calls it '{name}') is block {k + 1} of 4: columns "
                f"{_span(k * H, (k + 1) * H)} (counting from 0) of kernel, recurrent_kernel and bias alike.")

    # --- update --------------------------------------------------------------------------------------
    def update(self):
        kind, gate = self.layout.value, self.gate.value
        D, H = int(self.d_slider.value), int(self.h_slider.value)
        p = LSTMParams.init(D, H, seed=0)
        blocks, arrays, title = self.geometry(kind, p)

        marks = []
        for patch, letter, spec in zip(self.blocks, self.letters, blocks + [None] * MAX_BLOCKS):
            if spec is None:
                patch.set_visible(False)
                letter.set_text("")
                continue
            g, x, y, w, h, part = spec
            style = GATE_STYLE[g]
            patch.set_xy((x, y))
            patch.set_width(w)
            patch.set_height(h)
            patch.set_facecolor(style["color"])
            patch.set_hatch(style["hatch"])
            patch.set_alpha(0.45 if part == "h" and kind in ("xh", "hx") else 0.9)
            patch.set_visible(True)
            patch.set_gid(f"{kind}:{g}:{part}")
            shown = "c" if (kind == "keras" and g == "g") else g
            if part == "b":
                letter.set_text("")
            else:
                letter.set_text(shown if kind not in ("xh", "hx") else f"{shown}·{part}")
                letter.set_position((x + w / 2, y + h / 2))
            if g == gate:
                marks.append((x, y, w, h))
        if kind in ("xh", "hx"):   # one outline around each gate's whole (x | h) matrix and bias
            marks = [(a[1], a[2], a[3], a[4]) for a in arrays[2 * TEACH_ORDER.index(gate):][:2]]
        for rect, spec in zip(self.marks, marks + [None] * 4):
            rect.set_visible(spec is not None)
            if spec is not None:
                rect.set_xy(spec[:2])
                rect.set_width(spec[2])
                rect.set_height(spec[3])
        right = max(x + w for _, x, _, w, _ in arrays)
        bottom = max(y + h for _, _, y, _, h in arrays)
        scale = self._fit(right, bottom, 0.34 if kind == "torch" else 0.2)   # units per inch
        for rect, text, spec in zip(self.outlines, self.headers, arrays + [None] * MAX_ARRAYS):
            rect.set_visible(spec is not None)
            text.set_text("" if spec is None else spec[0])
            if spec is not None:
                head, x, y, w, h = spec
                rect.set_xy((x, y))
                rect.set_width(w)
                rect.set_height(h)
                text.set_position((x + w / 2, y - 0.04 * scale))
        if self.ax.get_title() != title:
            self.ax.set_title(title, fontsize=10)

        counting = "torch" if kind == "torch" else "keras"
        n = count_params(D, H, counting)
        stored = sum(w * h for _, _, _, w, h in arrays)
        lines = [f"{LAYOUT_NAMES[kind]} with input size D = {D} and hidden size H = {H}.",
                 self.where(kind, p, gate),
                 f"Numbers stored: {stored:,.0f} (count_params(D={D}, H={H}, convention='{counting}') = {n:,}).",
                 "Each gate has its own colour and hatch: forget f blue //, input i orange \\\\, "
                 "candidate g green .., output o red xx; the thick black outline marks the gate you find."]
        if kind in ("xh", "hx"):
            lines.append("Inside each concatenated W, the x part is drawn solid and the h part pale.")
        self.set_readout(lines)


# --- parameter counting ------------------------------------------------------------------------------
CELLS = (("LSTM (4 gate blocks)", "lstm"), ("GRU (3 gate blocks)", "gru"), ("vanilla RNN (1 block)", "rnn"))
# the two rows of the counter: one bias vector per gate, then two; for each cell, the count_params
# arguments that give that row, and the framework layers that store it
BIAS_ROWS = {
    "lstm": ((dict(convention="keras"), "one bias per gate: Keras' LSTM, count_params(..., 'keras')"),
             (dict(convention="torch"), "two biases per gate: PyTorch's nn.LSTM, count_params(..., 'torch')")),
    "gru": ((dict(convention="keras", reset_after=False),
             "one bias per gate: Keras' GRU with reset_after=False, "
             "count_params(..., 'keras', cell='gru', reset_after=False)"),
            (dict(convention="torch"),
             "two biases per gate: PyTorch's nn.GRU and Keras' default GRU (reset_after=True), "
             "count_params(..., 'torch' or 'keras', cell='gru')")),
    "rnn": ((dict(convention="keras"), "one bias: Keras' SimpleRNN, count_params(..., 'keras', cell='rnn')"),
            (dict(convention="torch"), "two biases: PyTorch's nn.RNN, count_params(..., 'torch', cell='rnn')")),
}
NICE_MANTISSAS = (1, 2, 3, 5)
SEGMENTS = (("input weights", OKABE_ITO["blue"], "//"), ("recurrent weights", OKABE_ITO["orange"], "\\\\"),
            ("biases", OKABE_ITO["green"], ".."))


def nice_limit(v):
    """The first of 1, 2, 3, 5, 10, 20, 30, 50, ... that is >= v (v > 0).

    Axis limits taken from this short list change only now and then as the sliders move, so the
    cached frame (ticks and their labels) is reused on most moves (benchmarks/bench_widgets.py)."""
    e = math.floor(math.log10(v))
    return next(m * 10.0 ** k for k in (e - 1, e, e + 1) for m in NICE_MANTISSAS if m * 10.0 ** k >= v)


class _BelowTop(MaxNLocator):
    """MaxNLocator without a tick at the right end (its label would run into the next panel's)."""

    def tick_values(self, vmin, vmax):
        ticks = super().tick_values(vmin, vmax)
        return ticks[ticks < vmax - 1e-9 * abs(vmax)]


def _compact(v, _pos=None):
    """Tick labels like 40k and 4.5M, short enough for seven-digit counts."""
    if abs(v) >= 1e6:
        return f"{v / 1e6:g}M"
    if abs(v) >= 1e4:
        return f"{v / 1e3:g}k"
    return f"{v:g}"


class ParamCountExplorer(Explorer):
    """How many parameters a stack of recurrent layers has, with one bias vector per gate and with two.

    Controls: input size D, hidden size H, number of layers (sliders), the cell (dropdown), and
    presets with the source texts' examples. Left panel: each row's total split into input
    weights, recurrent weights and biases; right panel: the biases alone, where the rows differ.
    The readout names the framework layers of each row and writes the formula of every layer with
    the numbers in.
    """

    title = "Counting parameters: one bias per gate, or two"
    options = dict(input_size=128, hidden_size=64, layers=1, cell="lstm")
    presets = {
        "source 001: 128 -> 64": {"d_slider": 128, "h_slider": 64, "layers_slider": 1, "cell": "lstm"},
        "source 001: 4096 -> 256": {"d_slider": 4096, "h_slider": 256, "layers_slider": 1, "cell": "lstm"},
        "smallest: 1 -> 1": {"d_slider": 1, "h_slider": 1, "layers_slider": 1, "cell": "lstm"},
    }

    def check_options(self):
        if self.cell not in GATES_PER_CELL:
            raise ValueError(f"cell must be one of {list(GATES_PER_CELL)}; got {self.cell!r}")

    def build(self):
        self.d_slider = int_slider("input size D", self.input_size, 1, 4096)
        self.h_slider = int_slider("hidden size H", self.hidden_size, 1, 1024)
        self.layers_slider = int_slider("layers", self.layers, 1, 4)
        self.cell = widgets.Dropdown(options=list(CELLS), value=self.cell, description="cell",
                                     style={"description_width": "initial"})
        self.controls = [self.d_slider, self.h_slider, self.layers_slider, self.cell]

        self.fig, (ax_all, ax_b) = new_figure(8.5, 3.2, ncols=2, width_ratios=[2.2, 1])
        rows = ["one bias\nper gate", "two biases\nper gate"]
        self.bars = {}
        left = [0.0, 0.0]
        for name, color, hatch in SEGMENTS:
            self.bars[name] = ax_all.barh(rows, [0, 0], left=left, color=color, hatch=hatch,
                                          edgecolor="black", linewidth=0.6, label=name)
        self.total_text = [ax_all.text(0, k, "", va="center", ha="left", fontsize=8) for k in range(2)]
        style_axes(ax_all, "All parameters", "number of parameters", "convention")
        self.fig.legend(handles=[self.bars[name][0] for name, _, _ in SEGMENTS],
                        labels=[name for name, _, _ in SEGMENTS], loc="outside lower center", ncols=3, fontsize=8)
        for ax in (ax_all, ax_b):
            ax.xaxis.set_major_locator(_BelowTop(nbins="auto", steps=[1, 2, 2.5, 5, 10]))
            ax.xaxis.set_major_formatter(FuncFormatter(_compact))
        ax_all.invert_yaxis()
        self.bias_bars = ax_b.barh(rows, [0, 0], color=OKABE_ITO["green"], hatch="..", edgecolor="black",
                                   linewidth=0.6)
        self.bias_bars[1].set_hatch("oo")
        self.bias_text = [ax_b.text(0, k, "", va="center", ha="left", fontsize=8) for k in range(2)]
        style_axes(ax_b, "Biases only", "number of biases", "")
        ax_b.invert_yaxis()
        ax_b.set_yticklabels([])
        self.ax_all, self.ax_b = ax_all, ax_b

    def control_box(self):
        return widgets.VBox([wrap_row(widgets.VBox([self.d_slider, self.h_slider]),
                                      widgets.VBox([self.layers_slider, self.cell])),
                             self.preset_row])

    @staticmethod
    def split(D, H, layers, cell, nb):
        """{segment: count} for a stack with nb bias vectors per gate: input weights, recurrent
        weights, biases."""
        G = GATES_PER_CELL[cell]
        inputs = G * H * D + (layers - 1) * G * H * H
        return {"input weights": inputs, "recurrent weights": layers * G * H * H, "biases": layers * nb * G * H}

    def update(self):
        D, H, n = int(self.d_slider.value), int(self.h_slider.value), int(self.layers_slider.value)
        cell = self.cell.value
        G = GATES_PER_CELL[cell]
        rows = BIAS_ROWS[cell]                  # row 0: one bias per gate, row 1: two
        totals = [count_params(D, H, layers=n, cell=cell, **args) for args, _ in rows]
        splits = [self.split(D, H, n, cell, nb) for nb in (1, 2)]
        for k in (0, 1):
            if sum(splits[k].values()) != totals[k]:   # the picture must add up to lstm_core's count
                raise AssertionError(f"split {splits[k]} does not add up to count_params = {totals[k]}")
        biggest = max(totals)
        for k in (0, 1):
            left = 0
            for name, _, _ in SEGMENTS:
                bar = self.bars[name][k]
                bar.set_x(left)
                bar.set_width(splits[k][name])
                left += splits[k][name]
        # limits from a short list of round numbers, with room for the count written after each bar
        right_all = nice_limit(1.2 * biggest)
        right_b = nice_limit(1.3 * splits[1]["biases"])
        for k in (0, 1):
            self.total_text[k].set_text(f"{totals[k]:,}")
            self.total_text[k].set_position((totals[k] + 0.015 * right_all, k))
            b = splits[k]["biases"]
            self.bias_bars[k].set_width(b)
            self.bias_text[k].set_text(f"{b:,}")
            self.bias_text[k].set_position((b + 0.03 * right_b, k))
        for ax, right in ((self.ax_all, right_all), (self.ax_b, right_b)):
            if ax.get_xlim() != (0, right):   # (equal limits set again would still mark the axes stale)
                ax.set_xlim(0, right)

        cell_word = dict((v, k) for k, v in CELLS)[cell]
        lines = [f"{cell_word}, {n} layer{'s' if n > 1 else ''}, input size D = {D}, hidden size H = {H}: "
                 f"each layer has G = {G} blocks of (H x input) + (H x H) weights plus biases."]
        for nb, (args, words) in zip((1, 2), rows):
            lines.append(f"{words}:")
            for layer in range(n):
                d = D if layer == 0 else H
                part = count_params(d, H, layers=1, cell=cell, **args)
                bias = f"{H}" if nb == 1 else f"2 x {H}"
                src = "the input D" if layer == 0 else "the layer below, H"
                lines.append(f"  layer {layer + 1} (input from {src}): "
                             f"{G} x ({H} x ({d} + {H}) + {bias}) = {part:,}")
            if n > 1:
                lines.append(f"  total = {totals[nb - 1]:,}")
        diff = totals[1] - totals[0]
        why = ("only their sum matters, except in the candidate block, where the reset gate multiplies "
               "W_hn h + b_hn" if cell == "gru" else "only the sum of the two biases matters")
        lines.append(f"Difference: {totals[1]:,} - {totals[0]:,} = {diff:,} = {n} x {G} x {H}, "
                     f"one extra bias vector per gate and layer (PyTorch's bias_hh; {why}).")
        lines.append("Bars, left: input weights (blue, //), recurrent weights (orange, \\\\), biases (green, ..); "
                     "right: the biases alone (upper one bias per gate, lower two).")
        self.set_readout(lines)
