"""Blitting: redraw only what an update changed.

Most of a figure's drawing time goes into text (tick labels, axis labels), which a slider never
changes. ``Blitter`` marks the data artists of every axes (lines, patches, collections, images,
texts, titles) as *animated*, so a full draw renders only the static frame; it keeps that frame
as a background and, on each update, restores it and draws the data artists on top. When an
update changes the frame itself (axis limits, ticks, labels, scales), it falls back to a full
draw. A full draw started by anyone (the browser asking ipympl for a refresh, say) fires a
``draw_event``, on which the background is captured again and the data artists drawn, so the
picture is always complete.

Only used with canvases that can blit (ipympl's, and Agg's for benchmarks and tests);
``release()`` turns it off, for instance before ``savefig``.
"""

from __future__ import annotations


def _dynamic_artists(ax):
    static = {ax.patch, ax.xaxis, ax.yaxis, *ax.spines.values()}
    if ax.legend_ is not None:
        static.add(ax.legend_)
    static.update(ax.child_axes)
    arts = [a for a in ax.get_children() if a not in static]
    return sorted(arts, key=lambda a: a.get_zorder())


def _frame_signature(fig):
    """What a full draw depends on that a data update may also change."""
    sig = []
    for ax in fig.axes:
        sig.append((
            ax.get_visible(), ax.axison, tuple(ax.get_position().bounds), tuple(ax.viewLim.bounds),
            ax.get_xscale(), ax.get_yscale(), ax.get_xlabel(), ax.get_ylabel(),
            tuple(ax.get_xticks()), tuple(ax.get_yticks()),
            tuple(t.get_text() for t in ax.xaxis.get_majorticklabels()),
            tuple(t.get_text() for t in ax.yaxis.get_majorticklabels()),
        ))
    sup = getattr(fig, "_suptitle", None)
    sig.append(sup.get_text() if sup is not None else None)
    return tuple(sig)


class Blitter:
    def __init__(self, fig):
        self.fig = fig
        self.canvas = fig.canvas
        self.per_axes = [(ax, _dynamic_artists(ax)) for ax in fig.axes]
        self.fig_artists = sorted(list(fig.texts) + list(fig.lines) + list(fig.patches), key=lambda a: a.get_zorder())
        for _, arts in self.per_axes:
            for a in arts:
                a.set_animated(True)
        for a in self.fig_artists:
            a.set_animated(True)
        self.background = None
        self.signature = None
        self._cid = self.canvas.mpl_connect("draw_event", self._on_draw)

    def _draw_dynamic(self):
        for ax, arts in self.per_axes:
            if not ax.get_visible():
                continue
            for a in arts:
                ax.draw_artist(a)
        for a in self.fig_artists:
            self.fig.draw_artist(a)

    def _on_draw(self, event):
        if event is not None and event.canvas is not self.canvas:
            return
        self.background = self.canvas.copy_from_bbox(self.fig.bbox)
        self.signature = _frame_signature(self.fig)
        self._draw_dynamic()

    def redraw(self):
        """Show the current state: blit when the frame is unchanged, else draw it all."""
        if self.background is None or _frame_signature(self.fig) != self.signature:
            self.canvas.draw()                  # the draw_event handler completes the picture
            return
        self.canvas.restore_region(self.background)
        self._draw_dynamic()
        self.canvas.blit(self.fig.bbox)

    def release(self):
        """Stop blitting: every artist drawn normally again."""
        self.canvas.mpl_disconnect(self._cid)
        for _, arts in self.per_axes:
            for a in arts:
                a.set_animated(False)
        for a in self.fig_artists:
            a.set_animated(False)
