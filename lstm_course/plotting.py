"""Plotting helpers shared by the notebooks and explorers (matplotlib; not imported by
``import lstm_core``).

Colours are the Okabe-Ito palette, which stays distinguishable under the common forms of colour
blindness; every series also gets its own line style or hatch, and every figure a title and
axis labels, so no reading depends on colour alone.
"""

from __future__ import annotations

import matplotlib.pyplot as plt

# Okabe & Ito (2008), "Color Universal Design".
OKABE_ITO = {
    "black": "#000000", "orange": "#E69F00", "sky": "#56B4E9", "green": "#009E73",
    "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7",
    "grey": "#999999",
}
PALETTE = [OKABE_ITO[k] for k in ("blue", "orange", "green", "vermillion", "purple", "sky", "yellow", "black")]

# One colour, line style and hatch per LSTM quantity, used by every notebook.
GATE_STYLE = {
    "f": {"color": OKABE_ITO["blue"], "linestyle": "-", "hatch": "//", "label": "forget gate f"},
    "i": {"color": OKABE_ITO["orange"], "linestyle": "--", "hatch": "\\\\", "label": "input gate i"},
    "g": {"color": OKABE_ITO["green"], "linestyle": "-.", "hatch": "..", "label": "candidate C~"},
    "o": {"color": OKABE_ITO["vermillion"], "linestyle": ":", "hatch": "xx", "label": "output gate o"},
    "c": {"color": OKABE_ITO["purple"], "linestyle": "-", "hatch": "--", "label": "cell state c"},
    "h": {"color": OKABE_ITO["black"], "linestyle": "--", "hatch": "++", "label": "hidden state h"},
}

FUNCTION_STYLE = {
    "sigmoid": {"color": OKABE_ITO["blue"], "linestyle": "-"},
    "tanh": {"color": OKABE_ITO["orange"], "linestyle": "--"},
    "relu": {"color": OKABE_ITO["green"], "linestyle": ":"},
}


def new_figure(width=7.0, height=3.2, ncols=1, nrows=1, **kwargs):
    """A small figure (small figures update fast in the browser) that is not shown on creation:
    explorers place its canvas in their own layout. Returns (fig, axes)."""
    with plt.ioff():
        fig, axes = plt.subplots(nrows, ncols, figsize=(width, height), layout="constrained", **kwargs)
    canvas = fig.canvas
    for attr, value in (("header_visible", False), ("toolbar_visible", False), ("resizable", False),
                        ("footer_visible", False)):
        if hasattr(canvas, attr):
            setattr(canvas, attr, value)
    # Until the browser's canvas says "initialized", ipympl (0.10) keeps the picture of each draw
    # as widget state, in base64 without its "data:image/png;base64," prefix, and the browser
    # loads that text as an address: a broken image, "drawImage ... 'broken' state" in the
    # console, a blank figure. It happens because ipykernel 7 can hand the kernel the browser's
    # "draw" request before its "initialized" (during Run All, comm messages that arrive while a
    # cell runs are handled at once, those that arrive between cells wait behind the queued
    # cells): notebook 13's last explorer, one Run All in two or three. The browser asks for its
    # first picture itself once its canvas is ready, so keep none.
    if hasattr(canvas, "syncing_data_url"):
        canvas.syncing_data_url = False
    return fig, axes


def style_axes(ax, title, xlabel, ylabel):
    """Title, labels and a light grid: every axes in the course gets all three."""
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(True, alpha=0.3)
    return ax


def freeze_layout(fig):
    """Lay the figure out once, then switch the layout engine off.

    Explorers move data, not axes, so the constrained layout need not run again on every slider
    move, where it would cost about as much as the drawing itself. ``Explorer`` calls this after
    its first update."""
    engine = fig.get_layout_engine()
    if engine is not None:
        engine.execute(fig)
        fig.set_layout_engine("none")
