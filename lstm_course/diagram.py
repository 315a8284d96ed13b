"""A drawing of one LSTM cell (matplotlib patches and arrows) whose labels can carry numbers.

Not imported by ``import lstm_core``. The layout follows the usual picture of the cell:

* the cell state (long-term memory) runs along the top, from the old memory c_{t-1} on the
  left, through a multiply node (keep a share f of it) and an add node (write i * C~), to the
  new memory c_t on the right;
* the four gate boxes sit in a row below it: forget gate f (sigmoid), input gate i (sigmoid),
  candidate C~ (tanh), output gate o (sigmoid); all four read the same inputs, the previous
  output h_{t-1} and the input x_t, which come in along a line at the bottom;
* on the right the new memory is squashed by a tanh, multiplied by the output gate and leaves
  as the new output h_t.

Use::

    from lstm_course.diagram import CellDiagram
    d = CellDiagram()                    # draws the cell once, with symbols
    d.show_values(x=1, h_prev=0.5, c_prev=1, z=dict(f=2, i=0, g=1, o=0),
                  f=0.88, i=0.5, g=0.76, o=0.5, c=1.26, h=0.43)

``show_values`` only changes texts, fill colours and line widths in place (``set_text``,
``set_facecolor``, ``set_linewidth``), so it is cheap enough to call on every slider move. The
diagram shows one unit (hidden size 1): each quantity is a single number. ``fixed_artists()``
names the parts it never changes (arrows, nodes, words), which an explorer can draw once.
"""

from __future__ import annotations

import numpy as np
from matplotlib.colors import to_rgb
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch

from .plotting import GATE_STYLE, OKABE_ITO, new_figure

# Layout, in data units of an axes spanning x 0..100 and y 0..60 (equal aspect).
Y_CELL = 48          # the cell-state line
Y_BUS = 6            # the line carrying [h_{t-1}, x_t] to the gates
Y_GATE = 21          # centre of the gate boxes
GATE_W, GATE_H = 14.0, 14.0
GATE_X = {"f": 18.0, "i": 34.0, "g": 50.0, "o": 66.0}
X_ADD = 44.0         # the + node, and the i * C~ node below it
Y_MUL_IG = 37.0
X_OUT = 81.0         # the tanh(c) box and the output multiply node
Y_TANH = 36.0
X_XIN = 7.0          # where x_t joins the bus
NODE_R = 2.4

GATE_WORDS = {"f": "forget gate", "i": "input gate", "g": "candidate", "o": "output gate"}
GATE_ACT = {"f": "σ (sigmoid)", "i": "σ (sigmoid)", "g": "tanh", "o": "σ (sigmoid)"}
GATE_SYMBOL = {"f": "f", "i": "i", "g": "C\u0303", "o": "o"}
# Plain unicode text throughout (no mathtext): it renders several times faster, which keeps a
# slider update quick.
SUB = {"t-1": "\u209c\u208b\u2081", "t": "\u209c"}

FONT = 12            # values; labels are a little smaller, titles a little larger


def _scalar(v) -> float:
    a = np.asarray(v, dtype=float).reshape(-1)
    if a.size != 1:
        raise ValueError(f"the diagram shows one unit: every value must be a single number; got shape {np.shape(v)}")
    return float(a[0])


def _blend(colour, amount):
    """``colour`` mixed with white: amount 0 gives white, 1 the full colour."""
    r, g, b = to_rgb(colour)
    t = float(np.clip(amount, 0.0, 1.0))
    return (1 - t + t * r, 1 - t + t * g, 1 - t + t * b)


def fill_for(gate, value):
    """Face colour of a gate box: paler for values near 0, stronger near 1 (or -1 for C~).

    Capped so black text stays readable on it."""
    strength = abs(value)
    return _blend(GATE_STYLE[gate]["color"], 0.08 + 0.55 * strength)


def memory_width(value):
    """Line width (points) of a cell-state segment carrying ``value``: thicker for more memory."""
    return 1.5 + 2.0 * min(abs(value), 4.0)


class CellDiagram:
    """One LSTM cell drawn once; ``show_values`` writes the current numbers into it.

    ax: an axes to draw into (a new 9 x 5.2 inch figure when None). Attributes:
    ``fig``, ``ax``, ``texts`` (name -> Text), ``boxes`` (gate name -> patch, plus "tanh_c"),
    ``memory`` (the three cell-state segments "old", "kept", "new").
    """

    def __init__(self, ax=None, fontsize=FONT):
        if ax is None:
            self.fig, ax = new_figure(9.0, 5.2)
        else:
            self.fig = ax.figure
        self.ax = ax
        self.fontsize = fontsize
        self.texts, self.boxes, self.memory = {}, {}, {}
        self._on_boxes = []       # fixed artists drawn over parts that change (boxes, memory line)
        self._draw()
        self.show_symbols()
        if ax is None:
            # Lay the figure out once; later updates change only texts and colours, so the
            # (costly) constrained layout need not run on every redraw.
            self.fig.draw_without_rendering()
            self.fig.set_layout_engine("none")

    # --- drawing (once) -------------------------------------------------------------------------
    def _arrow(self, xy_from, xy_to, colour="black", lw=1.6, head=True, zorder=2, **kw):
        style = "-|>" if head else "-"
        p = FancyArrowPatch(xy_from, xy_to, arrowstyle=style, mutation_scale=14, color=colour,
                            linewidth=lw, shrinkA=0, shrinkB=0, zorder=zorder, **kw)
        self.ax.add_patch(p)
        return p

    def _line(self, xs, ys, colour="black", lw=1.6, zorder=2):
        return self.ax.plot(xs, ys, color=colour, linewidth=lw, solid_capstyle="butt", zorder=zorder)[0]

    def _node(self, x, y, symbol, label):
        c = Circle((x, y), NODE_R, facecolor="white", edgecolor="black", linewidth=1.6, zorder=4,
                   label=label)
        self.ax.add_patch(c)
        t = self.ax.text(x, y, symbol, ha="center", va="center", fontsize=self.fontsize + 2,
                         fontweight="bold", zorder=5)
        self._on_boxes += [c, t]
        return c

    def _text(self, name, x, y, size=None, **kw):
        kw.setdefault("ha", "center")
        kw.setdefault("va", "center")
        t = self.ax.text(x, y, "", fontsize=size or self.fontsize, zorder=6, **kw)
        self.texts[name] = t
        return t

    def _draw(self):
        ax, fs = self.ax, self.fontsize
        ax.set_xlim(0, 100)
        ax.set_ylim(-1, 60)
        ax.set_aspect("equal")
        ax.axis("off")
        ax.set_title("One LSTM cell: memory along the top, four gates below", fontsize=fs + 1)
        purple = GATE_STYLE["c"]["color"]

        # The cell-state line: old memory -> x (keep) -> + (write) -> new memory.
        self.memory["old"] = self._line([0, GATE_X["f"] - NODE_R], [Y_CELL, Y_CELL], purple)
        self.memory["kept"] = self._line([GATE_X["f"] + NODE_R, X_ADD - NODE_R], [Y_CELL, Y_CELL], purple)
        self.memory["new"] = self._line([X_ADD + NODE_R, 97], [Y_CELL, Y_CELL], purple)
        self._arrow((96, Y_CELL), (100, Y_CELL), purple, lw=1.6)
        self._node(GATE_X["f"], Y_CELL, "×", "keep a share of the old memory")
        self._node(X_ADD, Y_CELL, "+", "add the new content")
        ax.text(62, Y_CELL + 1.5, "cell state: long-term memory", fontsize=fs - 2, style="italic",
                ha="center", va="bottom", color="black")
        self._text("c_prev_words", 0, 57, fs - 1, ha="left").set_text("old memory")
        self._text("c_prev", 0, 52.5, fs, ha="left")
        self._text("c_words", 100, 57, fs - 1, ha="right").set_text("new memory")
        self._text("c", 100, 52.5, fs, ha="right", fontweight="bold")
        mid = (GATE_X["f"] + X_ADD) / 2
        self._text("kept_words", mid, Y_CELL + 5.6, fs - 2, va="bottom", style="italic").set_text("kept")
        self._text("kept", mid, Y_CELL + 1.5, fs - 1, va="bottom")

        # The input line: h_{t-1} from the left, x_t from below, then up into every gate.
        self._line([0, GATE_X["o"]], [Y_BUS, Y_BUS], "black", lw=2.0)
        self._arrow((X_XIN, -1), (X_XIN, Y_BUS), "black", lw=2.0)
        ax.plot([X_XIN], [Y_BUS], "o", color="black", markersize=5, zorder=3)
        self._text("h_prev_words", 0, 12.5, fs - 1, ha="left").set_text("previous output")
        self._text("h_prev", 0, 8.8, fs, ha="left")
        self._text("x", X_XIN + 1.5, 1.5, fs, ha="left")
        for gate, gx in GATE_X.items():
            self._arrow((gx, Y_BUS), (gx, Y_GATE - GATE_H / 2), "black", lw=1.6)
            self._text(f"z_{gate}", gx + 1.2, (Y_BUS + Y_GATE - GATE_H / 2) / 2 + 0.3, fs - 3, ha="left")

        # The four gate boxes.
        for gate, gx in GATE_X.items():
            st = GATE_STYLE[gate]
            box = FancyBboxPatch((gx - GATE_W / 2, Y_GATE - GATE_H / 2), GATE_W, GATE_H,
                                 boxstyle="round,pad=0,rounding_size=1.2", facecolor="white",
                                 edgecolor=st["color"], linewidth=2.4, linestyle=st["linestyle"], zorder=3)
            ax.add_patch(box)
            self.boxes[gate] = box
            self._on_boxes += [
                ax.text(gx, Y_GATE + 4.2, GATE_WORDS[gate], ha="center", va="center", fontsize=fs - 2, zorder=6),
                ax.text(gx, Y_GATE + 0.4, GATE_ACT[gate], ha="center", va="center", fontsize=fs, zorder=6)]
            self._text(gate, gx, Y_GATE - 3.8, fs - 1, fontweight="bold")

        # f goes straight up into the keep node.
        self._arrow((GATE_X["f"], Y_GATE + GATE_H / 2), (GATE_X["f"], Y_CELL - NODE_R), "black")
        # i and C~ meet in a multiply node, whose product goes up into the add node.
        xi, xg = GATE_X["i"], GATE_X["g"]
        self._line([xi, xi], [Y_GATE + GATE_H / 2, Y_MUL_IG], "black")
        self._arrow((xi, Y_MUL_IG), (X_ADD - NODE_R, Y_MUL_IG), "black")
        self._line([xg, xg], [Y_GATE + GATE_H / 2, Y_MUL_IG], "black")
        self._arrow((xg, Y_MUL_IG), (X_ADD + NODE_R, Y_MUL_IG), "black")
        self._node(X_ADD, Y_MUL_IG, "×", "scale the candidate by the input gate")
        self._arrow((X_ADD, Y_MUL_IG + NODE_R), (X_ADD, Y_CELL - NODE_R), "black")
        self._text("ig", X_ADD + 1.2, (Y_MUL_IG + Y_CELL) / 2 - 0.3, fs - 1, ha="left")

        # Output: tanh of the new memory, times the output gate, leaves as h_t.
        self._arrow((X_OUT, Y_CELL), (X_OUT, Y_TANH + 4), purple, lw=1.6)
        box = FancyBboxPatch((X_OUT - 6, Y_TANH - 4), 12, 8, boxstyle="round,pad=0,rounding_size=1.2",
                             facecolor="white", edgecolor="black", linewidth=1.6, zorder=3)
        ax.add_patch(box)
        self.boxes["tanh_c"] = box
        self._on_boxes.append(ax.text(X_OUT, Y_TANH + 1.8, "tanh", ha="center", va="center", fontsize=fs - 1,
                                      zorder=6))
        self._text("tanh_c", X_OUT, Y_TANH - 1.8, fs - 1)
        self._arrow((X_OUT, Y_TANH - 4), (X_OUT, Y_GATE + NODE_R), "black")
        self._arrow((GATE_X["o"] + GATE_W / 2, Y_GATE), (X_OUT - NODE_R, Y_GATE), "black")
        self._node(X_OUT, Y_GATE, "×", "show a share of the squashed memory")
        self._arrow((X_OUT + NODE_R, Y_GATE), (100, Y_GATE), "black", lw=2.0)
        self._text("h_words", 100, Y_GATE + 6.3, fs - 1, ha="right").set_text("new output")
        self._text("h", 100, Y_GATE + 2.6, fs, ha="right", fontweight="bold")
        self._text("h_note", 100, Y_GATE - 3.5, fs - 3, ha="right", style="italic").set_text(
            "(also next step's\nprevious output)")
        for name in ("c_prev_words", "c_words", "h_prev_words", "h_words"):
            self.texts[name].set_style("italic")

    def fixed_artists(self):
        """(under, over): the drawing's artists that ``show_values`` never changes.

        under: arrows, lines, fixed words, lying beneath nothing that changes; over: the words on
        the gate and tanh boxes (whose fill changes) and the nodes (which the memory line, whose
        width changes, runs into). The rest (value texts, boxes, memory segments) changes."""
        ax = self.ax
        fixed_names = {name for name in self.texts if name.endswith("_words") or name == "h_note"}
        changing = ([t for name, t in self.texts.items() if name not in fixed_names]
                    + list(self.boxes.values()) + list(self.memory.values()))
        over = list(self._on_boxes)
        under = [a for a in list(ax.lines) + list(ax.patches) + list(ax.texts) + list(ax.collections)
                 if a not in changing and a not in over]
        return under, over

    # --- filling in -----------------------------------------------------------------------------
    def show_symbols(self):
        """Label every part with its symbol instead of a number (the diagram as a legend)."""
        t = self.texts
        t["c_prev"].set_text(f"c{SUB['t-1']}")
        t["c"].set_text(f"c{SUB['t']}")
        t["kept"].set_text(f"f·c{SUB['t-1']}")
        t["h_prev"].set_text(f"h{SUB['t-1']}")
        t["x"].set_text(f"input x{SUB['t']}")
        for gate in GATE_X:
            t[gate].set_text(GATE_SYMBOL[gate])
            t[f"z_{gate}"].set_text(f"z ({GATE_SYMBOL[gate]})")
            self.boxes[gate].set_facecolor(fill_for(gate, 0.5))
        t["ig"].set_text(f"written i·{GATE_SYMBOL['g']}")
        t["tanh_c"].set_text(f"of c{SUB['t']}")
        t["h"].set_text(f"h{SUB['t']}")
        for seg in self.memory.values():
            seg.set_linewidth(memory_width(1.0))

    def show_step(self, step, z=None):
        """Write an ``lstm_core.LSTMStep`` of a one-unit cell (and optionally its z) into the drawing."""
        self.show_values(x=step.x, h_prev=step.h_prev, c_prev=step.c_prev, f=step.f, i=step.i, g=step.g,
                         o=step.o, c=step.c, h=step.h, z=z, tanh_c=step.tanh_c)

    def show_values(self, *, x, h_prev, c_prev, f, i, g, o, c, h, z=None, tanh_c=None):
        """Write the numbers of one step into the drawing (in place).

        x, h_prev, c_prev: the inputs; f, i, g, o: the gate values; c, h: the new states;
        z: optional dict of the gates' pre-activations (shown beside the arrows into the boxes);
        tanh_c: tanh(c) as the cell computed it (computed here when None).
        Each value is a number or a one-element array."""
        v = {k: _scalar(val) for k, val in dict(x=x, h_prev=h_prev, c_prev=c_prev, f=f, i=i, g=g, o=o,
                                                c=c, h=h).items()}
        t = self.texts
        kept, ig = v["f"] * v["c_prev"], v["i"] * v["g"]
        tanh_c = float(np.tanh(v["c"])) if tanh_c is None else _scalar(tanh_c)
        t["c_prev"].set_text(f"c{SUB['t-1']} = {v['c_prev']:+.2f}")
        t["c"].set_text(f"c{SUB['t']} = {v['c']:+.3f}")
        t["kept"].set_text(f"f·c{SUB['t-1']} = {kept:+.3f}")
        t["h_prev"].set_text(f"h{SUB['t-1']} = {v['h_prev']:+.2f}")
        t["x"].set_text(f"input x{SUB['t']} = {v['x']:+.2f}")
        for gate in GATE_X:
            sym = GATE_SYMBOL[gate]
            t[gate].set_text(f"{sym} = {v[gate]:.3f}" if gate != "g" else f"{sym} = {v[gate]:+.3f}")
            self.boxes[gate].set_facecolor(fill_for(gate, v[gate]))
            if z is not None:
                t[f"z_{gate}"].set_text(f"z = {_scalar(z[gate]):+.2f}")
        t["ig"].set_text(f"written i·{GATE_SYMBOL['g']} = {ig:+.3f}")
        t["tanh_c"].set_text(f"{tanh_c:+.3f}")
        self.boxes["tanh_c"].set_facecolor(_blend(OKABE_ITO["grey"], 0.05 + 0.4 * abs(tanh_c)))
        t["h"].set_text(f"h{SUB['t']} = {v['h']:+.3f}")
        for name, val in (("old", v["c_prev"]), ("kept", kept), ("new", v["c"])):
            self.memory[name].set_linewidth(memory_width(val))


def draw_lstm_cell(ax=None):
    """The labelled diagram with symbols (no numbers); returns the CellDiagram."""
    return CellDiagram(ax)
