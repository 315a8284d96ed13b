"""The pattern every explorer follows.

A subclass implements ``build()`` (make ``self.controls``, ``self.fig`` and the plot artists,
usually through ``float_slider`` and ``lstm_course.plotting.new_figure``) and ``update()``
(compute with lstm_core from the controls' values, then set the artists' data and the readout
text in place). The base class wires every control to ``update``, lays the parts out, and makes
sure a slider can never crash the notebook: an error inside ``update`` is shown in the status
line instead of raised.
"""

from __future__ import annotations

import contextlib
import html

import ipywidgets as widgets
from IPython.display import display

from ..plotting import freeze_layout
from ._frame import FrameCache


def float_slider(description, value, min, max, step=0.01, readout_format=".2f", continuous=True,
                 width="320px"):
    """A FloatSlider with the course's defaults (live updates, a readable label)."""
    return widgets.FloatSlider(
        value=value, min=min, max=max, step=step, description=description,
        readout_format=readout_format, continuous_update=continuous,
        style={"description_width": "initial"}, layout=widgets.Layout(width=width),
    )


def int_slider(description, value, min, max, step=1, width="320px"):
    """An IntSlider with the course's defaults (live updates, a readable label)."""
    return widgets.IntSlider(value=value, min=min, max=max, step=step, description=description,
                             continuous_update=True, style={"description_width": "initial"},
                             layout=widgets.Layout(width=width))


def _is_widget_canvas(canvas) -> bool:
    return isinstance(canvas, widgets.DOMWidget)


class Explorer:
    """Base class: sliders and presets in, readouts and plot artists updated in place out.

    cache_frame: draw the figure's frame (axes, ticks, labels, titles) once as an image and
    redraw only the data on each move (see ``_frame.py``). None (the default) does it on
    ipympl and plain Agg canvases; False never.
    """

    title = ""
    cache_frame = None

    def __init__(self):
        self._held = False
        self.controls: list = []
        self.fig = None
        self.readout = widgets.HTML(layout=widgets.Layout(min_height="1.5em"))
        self.status = widgets.HTML()
        self.build()
        for control in self.controls:
            if hasattr(control, "value"):
                control.observe(self._on_change, names="value")
        self._figure_out = None
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
    def build(self):
        raise NotImplementedError

    def update(self):
        raise NotImplementedError

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
        """Every control, with those nested in boxes taken out of their boxes, in order."""
        out, todo = [], list(self.controls)
        while todo:
            c = todo.pop(0)
            if isinstance(c, widgets.Box):
                todo = list(c.children) + todo
            else:
                out.append(c)
        return out

    def set_readout(self, lines):
        """Show ``lines`` (plain text, one item a line) under the figure."""
        body = "<br>".join(html.escape(line) for line in lines)
        self.readout.value = f"<div style='font-family:monospace; font-size:13px'>{body}</div>"

    @property
    def readout_text(self) -> str:
        """The readout as plain text (what a test or a screen reader would read)."""
        import re
        return html.unescape(re.sub(r"<br>", "\n", re.sub(r"<(?!br>)[^>]+>", "", self.readout.value)))

    def redraw(self):
        if self.fig is None:
            return
        if self._frame is not None:
            self._frame.refresh()
        if _is_widget_canvas(self.fig.canvas):
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
            return self.fig.canvas
        if self._frame is not None:          # an inline backend re-renders at its own dpi
            self._frame.release()
            self._frame = None
        self._figure_out = widgets.Output()
        with self._figure_out:
            display(self.fig)
        return self._figure_out

    def control_box(self):
        """How the controls are laid out; override for a custom arrangement."""
        return widgets.VBox(self.controls)

    @property
    def widget(self):
        """The whole explorer as one ipywidgets box."""
        if self._widget is None:
            parts = []
            if self.title:
                parts.append(widgets.HTML(f"<b>{html.escape(self.title)}</b>"))
            parts.append(self.control_box())
            fig = self._figure_widget()
            if fig is not None:
                parts.append(fig)
            parts += [self.readout, self.status]
            self._widget = widgets.VBox(parts)
        return self._widget

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)
