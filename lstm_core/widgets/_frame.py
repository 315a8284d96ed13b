"""Draw the static frame of a figure once, as an image, so slider moves redraw only the data.

Most of a redraw's time goes into text that a slider never changes: tick labels, axis labels,
titles. ``FrameCache`` renders the figure once without its data artists, keeps that picture as
a figure image (``fig.figimage``) and hides the frame artists it holds (axes backgrounds, axes
with their ticks and labels, spines, legends, titles). An ordinary full draw then paints one
image and the data artists on top of it, which works with every backend, ipympl included
(ipympl's blitting is not usable: it reports ``supports_blit = False``, and a blitted explorer
showed no figure at all in a real browser).

When an update changes the frame itself (axis limits, ticks, labels, titles, scales, the figure's
size or dpi, as ipympl sets on high-density screens), ``refresh`` renders the frame again.
"""

from __future__ import annotations

import numpy as np
from matplotlib.backends.backend_agg import RendererAgg


def _frame_artists(fig):
    arts = [fig.patch]
    for ax in fig.axes:
        arts += [ax.patch, ax.xaxis, ax.yaxis, ax.title, ax._left_title, ax._right_title, *ax.spines.values()]
        if ax.legend_ is not None:
            arts.append(ax.legend_)
    return arts + list(fig.legends)


def _data_artists(fig, frame):
    arts = [a for ax in fig.axes for a in ax.get_children() if a not in frame and a not in ax.child_axes]
    return arts + [a for a in list(fig.texts) + list(fig.lines) + list(fig.patches) + list(fig.images)
                   if a not in frame]


def _signature(fig):
    sig = [fig.dpi, tuple(fig.bbox.bounds)]
    for ax in fig.axes:
        sig.append((
            ax.get_visible(), ax.axison, tuple(ax.get_position().bounds), tuple(ax.viewLim.bounds),
            ax.get_xscale(), ax.get_yscale(), ax.get_xlabel(), ax.get_ylabel(),
            ax.get_title("left"), ax.get_title("center"), ax.get_title("right"),
            tuple(ax.get_xticks()), tuple(ax.get_yticks()),
            tuple(t.get_text() for t in ax.get_xticklabels()),
            tuple(t.get_text() for t in ax.get_yticklabels()),
        ))
    sup = getattr(fig, "_suptitle", None)
    sig.append(sup.get_text() if sup is not None else None)
    return tuple(sig)


class FrameCache:
    def __init__(self, fig):
        self.fig = fig
        self.image = None
        self.hidden = []
        self.signature = None

    def _release(self):
        for artist, visible in self.hidden:
            artist.set_visible(visible)
        self.hidden = []
        if self.image is not None:
            self.image.remove()
            self.image = None

    def _capture(self):
        fig = self.fig
        frame = _frame_artists(fig)
        data = _data_artists(fig, frame)
        was = [(a, a.get_animated()) for a in data]
        for a in data:
            a.set_animated(True)             # left out of the full draw below
        try:
            # a renderer of our own: drawing ipympl's canvas before the browser has shown it
            # leaves the widget with a broken image (ipympl 0.10 stores the first frame's PNG
            # without its data: prefix), so the figure's canvas is never asked to draw here
            width, height = fig.bbox.size
            renderer = RendererAgg(int(round(width)), int(round(height)), fig.dpi)
            fig.draw(renderer)
            picture = np.asarray(renderer.buffer_rgba()).copy()
        finally:
            for a, animated in was:
                a.set_animated(animated)
        self.signature = _signature(fig)
        self.hidden = [(a, a.get_visible()) for a in frame]
        for a in frame:
            a.set_visible(False)
        self.image = fig.figimage(picture, xo=0, yo=0, origin="upper", zorder=-100, resize=False)

    def refresh(self):
        """Call after an update, before drawing: re-render the frame if the update changed it."""
        if self.image is not None and _signature(self.fig) == self.signature:
            return
        self._release()
        self._capture()

    def release(self):
        """Show the figure the ordinary way again (for example before savefig)."""
        self._release()
        self.signature = None
