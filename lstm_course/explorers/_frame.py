"""Draw the static frame of a figure once, as an image, so slider moves redraw only the data.

Most of a redraw's time goes into text that a slider never changes: tick labels, axis labels,
titles. ``FrameCache`` renders the figure once without its data artists, keeps that picture in
a figure-level artist that pastes it pixel for pixel (``renderer.draw_image``: a copy, where a
``fig.figimage`` resampled the whole picture on every draw, 20-50 ms for a 9 x 5 inch figure)
and hides the frame artists it holds (axes backgrounds, axes with their ticks and labels, spines,
legends, titles). An ordinary full draw then paints one picture and the data artists on top of
it, which works with every Agg-based backend, ipympl included (ipympl's blitting is not usable:
it reports ``supports_blit = False``, and a blitted explorer showed no figure at all in a real
browser). Before saving to a vector format, ``release`` the frame.

When an update changes the frame itself (axis limits, ticks, labels, titles, scales, the figure's
size or dpi, as ipympl sets on high-density screens), ``refresh`` renders the frame again. A title
that an update changes (``"h_t at step t = 3"``) is drawn with the data from then on, so the frame
is rendered again only that once (a frame render costs several redraws: 100 ms against 12 ms).

An explorer can also put artists of its own that never change after ``build()`` into the frame
with ``keep_in_frame`` (a drawing's arrows and fixed labels, say). Those that lie under changing
data join the picture; those drawn on top of changing data (a fixed label on a box whose fill
changes) go with ``over_data=True`` into a second, transparent picture laid over the data.
"""

from __future__ import annotations

import numpy as np
from matplotlib.artist import Artist

from ._glyphs import GlyphCachingRenderer


_LAYER = "_lstm_core_frame_layer"   # attribute set by keep_in_frame: "under" or "over"


def keep_in_frame(*artists, over_data=False):
    """Mark ``artists`` as fixed: drawn once into the cached frame, not on every move.

    Only for artists that no update changes (text, position, colour, visibility); a marked
    Text's string is still watched, and changing it re-renders the frame. ``over_data``: the
    artist lies on top of artists that do change (for example a fixed label on a box whose fill
    colour changes), so it goes into the transparent picture laid over the data. Returns the
    artists."""
    for k, a in enumerate(artists):
        if not isinstance(a, Artist):
            raise TypeError(f"keep_in_frame: argument {k} must be a matplotlib Artist "
                            f"(a Line2D, Text, Patch, ...); got {type(a).__name__}")
    for a in artists:
        setattr(a, _LAYER, "over" if over_data else "under")
    return artists


class _Picture(Artist):
    """A whole-figure RGBA picture (rows top to bottom), pasted as it is at the canvas origin."""

    def __init__(self, rgba, zorder):
        super().__init__()
        self.rgba = np.ascontiguousarray(rgba[::-1])   # draw_image wants the bottom row first
        self.set_zorder(zorder)

    def draw(self, renderer):
        if not self.get_visible():
            return
        gc = renderer.new_gc()
        renderer.draw_image(gc, 0, 0, self.rgba)
        gc.restore()
        self.stale = False


def _figure_children(fig):
    arts = [a for ax in fig.axes for a in ax.get_children() if a not in ax.child_axes]
    return arts + [a for a in list(fig.texts) + list(fig.lines) + list(fig.patches) + list(fig.images)
                   + list(fig.artists) if not isinstance(a, _Picture)]


def _marked(fig, layer):
    return [a for a in _figure_children(fig) if getattr(a, _LAYER, None) == layer]


def _titles(ax):
    return [ax._left_title, ax.title, ax._right_title]


def _frame_artists(fig, live=()):
    arts = [fig.patch]
    for ax in fig.axes:
        arts += [ax.patch, ax.xaxis, ax.yaxis, *(t for t in _titles(ax) if t not in live), *ax.spines.values()]
        if ax.legend_ is not None:
            arts.append(ax.legend_)
    return arts + list(fig.legends) + _marked(fig, "under")


def _data_artists(fig, frame):
    return [a for a in _figure_children(fig) if a not in frame]


def _signature(fig, live=()):
    sig = [fig.dpi, tuple(fig.bbox.bounds)]
    for ax in fig.axes:
        sig.append((
            ax.get_visible(), ax.axison, tuple(ax.get_position().bounds), tuple(ax.viewLim.bounds),
            ax.get_xscale(), ax.get_yscale(), ax.get_xlabel(), ax.get_ylabel(),
            *(None if t in live else t.get_text() for t in _titles(ax)),
            tuple(ax.get_xticks()), tuple(ax.get_yticks()),
            tuple(t.get_text() for t in ax.get_xticklabels()),
            tuple(t.get_text() for t in ax.get_yticklabels()),
        ))
    sup = getattr(fig, "_suptitle", None)
    sig.append(sup.get_text() if sup is not None else None)
    sig.append(tuple(a.get_text() for a in _marked(fig, "under") + _marked(fig, "over") if hasattr(a, "get_text")))
    return tuple(sig)


class FrameCache:
    def __init__(self, fig):
        self.fig = fig
        self.image = None
        self.overlay = None
        self.hidden = []
        self.signature = None
        self.titles = {}          # each title in the frame: its text when the frame was drawn
        self.live = set()         # titles that changed once: drawn with the data from then on

    def _release(self):
        for artist, visible in self.hidden:
            artist.set_visible(visible)
        self.hidden = []
        for image in (self.image, self.overlay):
            if image is not None:
                image.remove()
        self.image = self.overlay = None

    def _render(self):
        width, height = self.fig.bbox.size
        # tick labels repeat from one render to the next: their glyphs come from memory
        renderer = GlyphCachingRenderer(int(round(width)), int(round(height)), self.fig.dpi)
        self.fig.draw(renderer)
        return np.asarray(renderer.buffer_rgba()).copy()

    def _capture(self):
        fig = self.fig
        frame = _frame_artists(fig, self.live)
        self.titles = {t: t.get_text() for ax in fig.axes for t in _titles(ax) if t not in self.live}
        over = _marked(fig, "over")
        data = [a for a in _data_artists(fig, frame) if a not in over]
        # a renderer of our own: drawing ipympl's canvas before the browser has shown it
        # leaves the widget with a broken image (ipympl 0.10 stores the first frame's PNG
        # without its data: prefix), so the figure's canvas is never asked to draw here
        was = [(a, a.get_animated()) for a in data + over]
        for a in data + over:
            a.set_animated(True)             # left out of the full draw below
        try:
            picture = self._render()
        finally:
            for a, animated in was:
                a.set_animated(animated)
        for ax in fig.axes:
            if any(t in self.live for t in _titles(ax)):
                # matplotlib places titles clear of the axis drawn above the axes on each draw; the
                # axis is hidden once it is in the frame, so keep the place this render found
                ax._autotitlepos = False
        overlay = None
        if over:
            # the fixed artists that lie over the data, alone on a transparent background
            shown = [(a, a.get_visible()) for a in frame + data]
            for a, _ in shown:
                a.set_visible(False)
            try:
                overlay = self._render()
            finally:
                for a, visible in shown:
                    a.set_visible(visible)
        self.signature = _signature(fig, self.live)
        self.hidden = [(a, a.get_visible()) for a in frame + over]
        for a in frame + over:
            a.set_visible(False)
        self.image = fig.add_artist(_Picture(picture, zorder=-100))
        if overlay is not None:
            self.overlay = fig.add_artist(_Picture(overlay, zorder=100))

    def refresh(self):
        """Call after an update, before drawing: re-render the frame if the update changed it."""
        if self.image is not None and _signature(self.fig, self.live) == self.signature:
            return
        self.live |= {t for t, text in self.titles.items() if t.get_text() != text}
        self._release()
        self._capture()

    def release(self):
        """Show the figure the ordinary way again (for example before savefig)."""
        self._release()
        self.signature = None
