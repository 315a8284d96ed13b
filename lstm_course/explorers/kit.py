"""The widget kit: the ``Explorer`` base class and the parts every explorer shares.

An explorer declares its constructor's keyword options and its preset buttons as data, and
implements ``build()`` and ``update()``::

    class GateExplorer(Explorer):
        title = "The gate"
        options = dict(bias=0.0, scale=1.0)          # GateExplorer(bias=2.0): self.bias before build()
        presets = {"shut": {"bias_slider": -8.0},     # button label: {control attribute: value}
                   "open": {"bias_slider": 8.0, "scale_slider": 0.0}}
        preset_tips = {"shut": "bias -8: the gate lets nothing through"}

        def build(self):                              # controls, figure and artists, once
            self.bias_slider = float_slider("bias b", self.bias, -10.0, 10.0)
            self.scale_slider = float_slider("scale s", self.scale, -1.0, 1.0)
            self.controls = [self.bias_slider, self.scale_slider]
            self.fig, ax = new_figure(6.0, 3.0)
            ...

        def update(self):                             # compute, set artists in place, readout
            ...
            self.set_readout([...])

The base class checks the options (an unknown name is a TypeError that names it; a subclass adds
its own checks in ``check_options()``), wires every control to ``update``, makes one row of preset
buttons under the controls (``apply_preset(label)`` does what a button does, in one update), lays
the parts out, caches the figure's frame (``_frame.py``), and makes sure a slider can never crash
the notebook: an error inside ``update`` is shown in the status line instead of raised.

Beside it: ``float_slider`` and ``int_slider`` (the course's sliders), ``vector_sliders`` and
``values_of`` (one slider per unit of a vector), ``LabelledBars`` (bars with their values written
on them), ``unit_axis``, ``fmt`` (a vector in a fixed format) and ``keep_in_frame`` (artists that
never change, drawn once into the cached frame).
"""

from __future__ import annotations

import contextlib
import html
import inspect
import os
import re

import ipywidgets as widgets
import numpy as np
from IPython.display import display

from ..formatting import show
from ..plotting import freeze_layout
from ._frame import FrameCache, keep_in_frame
from ._glyphs import GlyphCachingRenderer
from ._png import encode_png

__all__ = ["Explorer", "float_slider", "int_slider", "vector_sliders", "values_of", "wrap_row", "LabelledBars",
           "unit_axis", "fmt", "keep_in_frame", "label_px", "subscripts_to_html", "TRACK_PX"]


# --- controls ---------------------------------------------------------------------------------

# A slider's row in JupyterLab (ipywidgets 8's CSS): its label at its own width ("initial"), 8 px
# of margin, the track with 6 px of margin each side, then the readout (at least 72 px, 4 px margin).
# The row is given the label's width + the rest + a track of TRACK_PX, and may not shrink below
# that (a narrow output area wraps the boxes holding sliders instead: ``wrap_row``).
TRACK_PX = 150          # the shortest track that a mouse drags comfortably
SLIDER_EXTRA_PX = 8 + 12 + 72 + 4
LABEL_PX_PER_CHAR = 8.0 # 13 px interface fonts average 6-7.5 px a character: a little to spare


def label_px(description: str) -> int:
    """About how wide a widget label is in JupyterLab, in px: letters at LABEL_PX_PER_CHAR, with
    math between $...$ (typeset by MathJax) counted by its letters, TeX commands and braces left out."""
    def letters(math):
        return re.sub(r"\\[A-Za-z]+|[{}^_]", lambda m: "x" if m.group(0).startswith("\\") else "", math.group(1))
    plain = re.sub(r"\$([^$]*)\$", letters, description)
    return int(round(len(plain) * LABEL_PX_PER_CHAR))


def _slider_layout(description, width):
    """Width for a track of at least TRACK_PX beside ``description`` (or ``width``, if wider),
    as both width and min_width: a flex box may not squeeze the track."""
    need = label_px(description) + SLIDER_EXTRA_PX + TRACK_PX
    px = max(need, int(str(width).removesuffix("px"))) if width is not None else need
    return widgets.Layout(width=f"{px}px", min_width=f"{px}px")


def float_slider(description, value, min, max, step=0.01, readout_format=".2f", continuous=True,
                 width=None):
    """A FloatSlider with the course's defaults (live updates, a readable label, a track at least
    TRACK_PX long; ``width``, in px, only widens it). Math in the label goes between $...$."""
    return widgets.FloatSlider(
        value=value, min=min, max=max, step=step, description=description,
        readout_format=readout_format, continuous_update=continuous,
        style={"description_width": "initial"}, layout=_slider_layout(description, width),
    )


def int_slider(description, value, min, max, step=1, width=None):
    """An IntSlider with the course's defaults (as ``float_slider``)."""
    return widgets.IntSlider(value=value, min=min, max=max, step=step, description=description,
                             continuous_update=True, style={"description_width": "initial"},
                             layout=_slider_layout(description, width))


def vector_sliders(symbol, values, lo, hi, step=0.1, width=None):
    """One slider per unit of a vector, described symbol[1], symbol[2], ... (``symbol`` may be
    math: "$x_t$" gives $x_t$[1], ...)."""
    return [float_slider(f"{symbol}[{k + 1}]", float(v), lo, hi, step=step, width=width)
            for k, v in enumerate(values)]


def wrap_row(*children, **layout):
    """An HBox of controls that wraps onto a new line where the output area is too narrow for
    them side by side (rather than squeezing each slider's track)."""
    return widgets.HBox(list(children), layout=widgets.Layout(flex_flow="row wrap", **layout))


def values_of(sliders) -> np.ndarray:
    """The sliders' values as a float array (the vector that ``vector_sliders`` edits)."""
    return np.array([float(s.value) for s in sliders])


# --- drawing ----------------------------------------------------------------------------------

class LabelledBars:
    """A row of bars with a value printed above (or below, when negative) each one."""

    def __init__(self, ax, positions, width, style, label, fill=True, fmt_spec=".3f", offset=0.03):
        kwargs = dict(hatch=style["hatch"], edgecolor="black", linewidth=0.8, label=label)
        if fill:
            kwargs["color"] = style["color"]
        else:
            kwargs.update(facecolor="white", edgecolor=style["color"], linewidth=1.5)
        self.bars = ax.bar(positions, np.zeros(len(positions)), width, **kwargs)
        self.texts = [ax.text(p, 0.0, "", ha="center", va="bottom", fontsize=8) for p in positions]
        self.fmt_spec, self.offset = fmt_spec, offset

    def set(self, values):
        for bar, text, v in zip(self.bars, self.texts, values):
            v = float(v)
            bar.set_height(v)
            text.set_text(format(v, self.fmt_spec))
            text.set_y(v + self.offset if v >= 0 else v - self.offset)
            text.set_verticalalignment("bottom" if v >= 0 else "top")

    @property
    def heights(self):
        return np.array([b.get_height() for b in self.bars])


def unit_axis(ax, n):
    """x ticks 'unit 1' .. 'unit n' under bars at 0 .. n - 1."""
    ax.set_xticks(range(n))
    ax.set_xticklabels([f"unit {k + 1}" for k in range(n)])
    ax.set_xlim(-0.6, n - 0.4)


# a one-letter symbol (or d and one: dh_t) with a subscript: x_t, h_{t-1}, h_(t-1), W_hh; code
# names such as max_norm or weight_ih are left alone
_SUBSCRIPT = re.compile(r"(?<![A-Za-z0-9_])(d?[A-Za-z])_(?:\{([^{}]*)\}|\(([^()]*)\)|([A-Za-z0-9]{1,3})\b)")


def subscripts_to_html(text: str) -> str:
    """'c_{t-1} and x_t' -> 'c<sub>t-1</sub> and x<sub>t</sub>' (for HTML readouts: a subscript
    renders at once, with no MathJax pass on every slider move)."""
    return _SUBSCRIPT.sub(lambda m: f"{m.group(1)}<sub>{next(g for g in m.groups()[1:] if g is not None)}</sub>", text)


def fmt(values, spec=".3f") -> str:
    """'[0.500, 0.800, 0.900]': fixed formatting, commas, no numpy line wrapping
    (``lstm_course.show`` with three decimals unless ``spec`` says otherwise)."""
    return show(values, spec)


# --- the explorer -----------------------------------------------------------------------------

_FULL_WIDTH = "calc(100% - 2 * var(--jp-widgets-margin, 2px))"     # the area less the widget's own margins


def _wrapping(box):
    """``box`` fitted to narrow output areas (a 1024 px screen with JupyterLab's file browser open
    leaves 592 px) instead of running off the right edge: every row in it (an HBox) may wrap onto
    a new line, a part given a width in px may shrink to the area (not a slider: its min_width
    keeps the track long), and a button is as wide as its label (ipywidgets' default 148 px
    cuts "resample (next seed)"). Returns ``box``."""
    todo = [box]
    while todo:
        b = todo.pop()
        layout = b.layout
        if isinstance(b, widgets.HBox) and not layout.flex_flow:
            layout.flex_flow = "row wrap"
        if isinstance(b, widgets.Button) and not layout.width:
            layout.width = "auto"
        if str(layout.width or "").endswith("px") and layout.max_width in (None, "", "100%"):
            layout.max_width = _FULL_WIDTH
        if isinstance(b, widgets.Box):
            todo += list(b.children)
    return box


def _is_widget_canvas(canvas) -> bool:
    return isinstance(canvas, widgets.DOMWidget)


# LSTM_COURSE_FIGURE=canvas in the kernel's environment shows explorers' figures as ipympl's canvas
# widget, as before FigureImage (benchmarks/bench_browser.py --reference compares the two)
FIGURE_ENV = "LSTM_COURSE_FIGURE"


class FigureImage:
    """An explorer's figure in a live notebook: drawn by Agg in the kernel and sent whole, as a
    PNG, in an ipywidgets ``Image``.

    Why not ipympl's own canvas widget: measured in Chromium (benchmarks/bench_browser.py), its path
    from a slider move to new pixels cost 105-540 ms (median by explorer) where the readout took
    25-50 ms. Each redraw there is a round trip (the kernel asks the browser to ask for a draw),
    then a full Agg draw, a diff against the last frame and its PNG, and in the browser a decode
    plus a PNG re-encoding of the whole canvas (``toDataURL``) on every frame. Here a move is one
    message: the Agg draw (with the cached frame, ``_frame.py``, and a renderer that remembers
    glyphs, ``_glyphs.py``) and a fast PNG (``_png.py``), which the browser decodes and shows.
    An ``<img>`` also scales with the output area (CSS ``max-width: 100%``), where a canvas
    keeps its pixel width and is cut off."""

    def __init__(self, fig):
        self.fig = fig
        self._renderer = None
        self.widget = widgets.Image(format="png", layout=widgets.Layout(max_width="100%", height="auto"))
        self.widget.add_class("lstm-figure")
        self.refresh()

    def png(self) -> bytes:
        """The figure as it is now, as PNG bytes, at the figure's own size and dpi."""
        fig = self.fig
        width, height = (int(round(v)) for v in fig.bbox.size)
        r = self._renderer
        if r is None or (r.width, r.height, r.dpi) != (width, height, fig.dpi):
            r = self._renderer = GlyphCachingRenderer(width, height, fig.dpi)
        else:
            r.clear()
        fig.draw(r)
        return encode_png(r.buffer_rgba())

    def refresh(self):
        self.widget.value = self.png()


class Explorer:
    """Base class: sliders and presets in, readouts and plot artists updated in place out.

    options:       the constructor's keyword options with their defaults (immutable values); each
                   is set as an attribute of the same name before ``build()``, and may also be
                   given positionally, in this order.
    presets:       {button label: {name of a control attribute: value}}; an attribute holding a
                   list of controls (``vector_sliders``) takes a sequence, one value each. A class
                   attribute, or set in ``build()`` when the values depend on the options.
    preset_tips:   {button label: tooltip}.
    presets_caption: the words in front of the preset buttons.
    cache_frame:   draw the figure's frame (axes, ticks, labels, titles) once as an image and
                   redraw only the data on each move (see ``_frame.py``). None (the default) does
                   it on ipympl and plain Agg canvases; False never.
    """

    title = ""
    cache_frame = None
    options: dict = {}
    presets: dict = {}
    preset_tips: dict = {}
    presets_caption = "Presets:"

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # help(SomeExplorer) and Jupyter's Shift-Tab show the options as a signature
        cls.__signature__ = inspect.Signature([
            inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=default)
            for name, default in cls.options.items()])

    def __init__(self, *args, **options):
        name, known = type(self).__name__, list(self.options)
        if len(args) > len(known):
            raise TypeError(f"{name} takes at most {len(known)} positional argument(s) ({', '.join(known)}); "
                            f"got {len(args)}")
        for option, value in zip(known, args):
            if option in options:
                raise TypeError(f"{name} got two values for {option}")
            options[option] = value
        unknown = [option for option in options if option not in self.options]
        if unknown:
            raise TypeError(f"{name} has no option {', '.join(map(repr, unknown))}; "
                            f"its options are {', '.join(known) or 'none'}")
        for option, default in self.options.items():
            setattr(self, option, options.get(option, default))
        self.check_options()

        self._held = False
        self.controls: list = []
        self.fig = None
        self.readout = widgets.HTML(layout=widgets.Layout(min_height="1.5em"))
        self._readout_lines: list = []
        self.status = widgets.HTML()
        self.build()
        self.preset_buttons = {label: self._preset_button(label) for label in self.presets}
        self.preset_row = None
        if self.preset_buttons:
            self.preset_row = wrap_row(widgets.HTML(f"<b>{html.escape(self.presets_caption)}</b>&nbsp;"),
                                       *self.preset_buttons.values())
        for control in self.leaf_controls():
            if hasattr(control, "value"):
                control.observe(self._on_change, names="value")
        self._figure_out = None
        self._image = None
        self._widget = None
        self.update()
        self._frame = None
        if self.fig is not None:
            freeze_layout(self.fig)
            if self.cache_frame is not False:
                self._frame = FrameCache(self.fig)
                self._frame.refresh()
                if not _is_widget_canvas(self.fig.canvas):
                    self.fig.canvas.draw()   # a plain canvas shows the state at once

    # --- to implement -------------------------------------------------------------------------
    def check_options(self):
        """Check the options (set as attributes) and fill in computed defaults; raise a
        TypeError or ValueError that names the option. Runs before ``build()``."""

    def build(self):
        raise NotImplementedError

    def update(self):
        raise NotImplementedError

    # --- presets and several controls at once --------------------------------------------------
    def _preset_button(self, label):
        # as wide as its label and never narrower (the row wraps instead of cutting "hand exa...")
        button = widgets.Button(description=label, tooltip=self.preset_tips.get(label, ""),
                                layout=widgets.Layout(width="auto", flex="0 0 auto"))
        button.on_click(lambda _button: self.apply_preset(label))
        return button

    def apply_preset(self, label):
        """What the preset button ``label`` does: set its controls, with one update."""
        self.set_values(**self.presets[label])

    def set_values(self, **values):
        """Set several controls at once, with one update at the end: each keyword names an
        attribute holding a control (its value is set) or a list of controls (one value each)."""
        with self.hold():
            for name, value in values.items():
                target = getattr(self, name)
                if isinstance(target, (list, tuple)):
                    for control, v in zip(target, value, strict=True):
                        control.value = v
                else:
                    target.value = value

    # --- machinery ------------------------------------------------------------------------------
    @contextlib.contextmanager
    def hold(self):
        """Set several controls at once (a preset) with one update at the end."""
        self._held = True
        try:
            yield
        finally:
            self._held = False
        self._on_change()

    def _on_change(self, change=None):
        if self._held:
            return
        try:
            self.update()
            self.status.value = ""
        except Exception as err:  # a slider must never crash the notebook
            self.status.value = f"<span style='color:#D55E00'>Could not update: {html.escape(str(err))}</span>"
        self.redraw()

    def leaf_controls(self):
        """Every control, with those nested in boxes taken out of their boxes, in order; the
        preset buttons last."""
        out, todo = [], list(self.controls) + list(self.preset_buttons.values())
        while todo:
            c = todo.pop(0)
            if isinstance(c, widgets.Box):
                todo = list(c.children) + todo
            else:
                out.append(c)
        return out

    def set_readout(self, lines):
        """Show ``lines`` (plain text, one item a line) under the figure, with subscripts written
        the plain way (x_t, h_{t-1}, h_(t-1)) shown as subscripts."""
        self._readout_lines = [str(line) for line in lines]
        body = "<br>".join(subscripts_to_html(html.escape(line)) for line in self._readout_lines)
        self.readout.value = f"<div style='font-family:monospace; font-size:13px'>{body}</div>"

    @property
    def readout_text(self) -> str:
        """The readout as plain text, subscripts as written (what a test or a screen reader would read)."""
        return "\n".join(self._readout_lines)

    def redraw(self):
        if self.fig is None:
            return
        if self._frame is not None:
            self._frame.refresh()
        if self._image is not None:
            self._image.refresh()
        elif _is_widget_canvas(self.fig.canvas):
            self.fig.canvas.draw_idle()
        elif self._figure_out is not None:
            with self._figure_out:
                self._figure_out.clear_output(wait=True)
                display(self.fig)
        else:
            self.fig.canvas.draw_idle()

    def _figure_widget(self):
        if self.fig is None:
            return None
        if _is_widget_canvas(self.fig.canvas):
            if os.environ.get(FIGURE_ENV) == "canvas":     # ipympl's own canvas widget
                return self.fig.canvas
            self._image = FigureImage(self.fig)               # a live notebook: a picture widget
            return self._image.widget
        if self._frame is not None:          # an inline backend re-renders at its own dpi
            self._frame.release()
            self._frame = None
        self._figure_out = widgets.Output()
        with self._figure_out:
            display(self.fig)
        return self._figure_out

    def control_box(self):
        """How the controls are laid out: one under the other, then the row of presets. An
        override arranges them its own way and places ``self.preset_row`` (None without presets)."""
        parts = list(self.controls)
        if self.preset_row is not None:
            parts.append(self.preset_row)
        return widgets.VBox(parts)

    @property
    def widget(self):
        """The whole explorer as one ipywidgets box."""
        if self._widget is None:
            parts = []
            if self.title:
                parts.append(widgets.HTML(f"<b>{html.escape(self.title)}</b>"))
            parts.append(_wrapping(self.control_box()))
            fig = self._figure_widget()
            if fig is not None:
                parts.append(fig)
            parts += [self.readout, self.status]
            self._widget = widgets.VBox(parts)
        return self._widget

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)
