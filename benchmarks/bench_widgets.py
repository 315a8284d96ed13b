"""How long each explorer takes to answer a slider: compute with lstm_core, update the artists
in place, and redraw the figure with Agg (ipympl renders the same way in the kernel, then sends
the changed pixels to the browser).

    python benchmarks/bench_widgets.py [--updates N] [--cpu] [NAME ...]

NAME: only the explorers whose class names contain one of these (all by default). --cpu: time
with the process's CPU time instead of the wall clock (steadier when others load the machine).

For every explorer, every slider is moved through N values spread over its range, one at a
time, and each move is timed (setting a slider runs update() and the redraw). The reference in
the same run is a bare redraw of the same figure with nothing changed: the difference is what
the explorer's own work costs. Target: median <= 50 ms.

Explorers draw their frame (axes, ticks, labels, titles, and any artist marked with
``keep_in_frame``) once as a picture and redraw only the data on top (lstm_course/explorers/_frame.py).
An explorer whose axes would rescale on every move keeps its limits fixed or moves them in steps
(squashing.py, layouts.py), so most moves reuse the picture; the rest opt out (cache_frame = False).
The bare redraw is of the figure as the explorer leaves it (with its cached frame, if any).

--picture also times each move the way a live notebook (JupyterLab, Voila) answers it: the
update, then the figure drawn and encoded as the PNG the browser shows (kit.FigureImage), with
the renderer that remembers glyphs and layouts (explorers/_glyphs.py) and, as the reference in
the same run, with matplotlib's plain Agg renderer for the picture (the cached frame, rendered
again when the axes change, is drawn with the glyph cache in both).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("MPLBACKEND", "Agg")

import ipywidgets as widgets  # noqa: E402
import matplotlib  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

matplotlib.use("Agg")

import lstm_course.explorers as W  # noqa: E402


def sliders(ex):
    return [c for c in ex.leaf_controls() if isinstance(c, (widgets.FloatSlider, widgets.IntSlider))]


def time_moves(ex, updates, clock):
    """Seconds per slider move: every slider of ``ex`` through ``updates`` values over its range."""
    times = []
    for s in sliders(ex):
        values = np.linspace(s.min, s.max, updates)
        if isinstance(s, widgets.IntSlider):
            values = np.round(values).astype(int)
        for v in values:
            v = v.item()
            if v == s.value:
                continue
            t0 = clock()
            s.value = v
            times.append(clock() - t0)
    return times


def bench(cls, updates, clock=time.perf_counter):
    """Milliseconds per slider move, and per bare redraw."""
    ex = cls()
    times = time_moves(ex, updates, clock)
    ref = []
    for _ in range(max(10, updates)):
        t0 = clock()
        ex.fig.canvas.draw()
        ref.append(clock() - t0)
    plt.close(ex.fig)
    return [1e3 * t for t in times], [1e3 * t for t in ref]


def bench_picture(cls, updates, clock=time.perf_counter, renderer=None):
    """Milliseconds per slider move in a live notebook: update, draw and PNG (kit.FigureImage),
    with ``renderer`` (a RendererAgg class) in place of the kit's glyph-caching one if given."""
    from lstm_course.explorers import kit

    saved = kit._is_widget_canvas, kit.GlyphCachingRenderer
    kit._is_widget_canvas = lambda canvas: True          # as in JupyterLab: the figure is a picture
    if renderer is not None:
        kit.GlyphCachingRenderer = renderer
    try:
        ex = cls()
        ex.widget
        times = time_moves(ex, updates, clock)
        plt.close(ex.fig)
    finally:
        kit._is_widget_canvas, kit.GlyphCachingRenderer = saved
    return [1e3 * t for t in times]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--updates", type=int, default=25, help="values per slider")
    ap.add_argument("--cpu", action="store_true", help="process CPU time instead of wall-clock time")
    ap.add_argument("--picture", action="store_true",
                    help="also time moves as a live notebook answers them (PNG picture), with and without the glyph cache")
    ap.add_argument("names", nargs="*", help="only explorers whose class names contain one of these")
    args = ap.parse_args()
    clock = time.process_time if args.cpu else time.perf_counter
    print(f"matplotlib {matplotlib.__version__}, backend Agg, {os.cpu_count()} cores; "
          f"times in ms ({'CPU' if args.cpu else 'wall clock'})")
    head = f"{'explorer':<24} {'moves':>5} | {'median':>7} {'p95':>7} | {'bare redraw':>11} | {'target':>6}"
    if args.picture:
        head += f" | {'picture med':>11} {'p95':>6} | {'plain Agg med':>13} {'p95':>6}"
    print(head)
    print("-" * len(head))
    for name in dict.fromkeys(W.__all__):        # once each, in order
        cls = getattr(W, name)
        if not (isinstance(cls, type) and issubclass(cls, W.Explorer)) or cls is W.Explorer:
            continue
        if args.names and not any(n.lower() in name.lower() for n in args.names):
            continue
        t, ref = bench(cls, args.updates, clock)
        med = statistics.median(t)
        line = (f"{name:<24} {len(t):>5} | {med:7.1f} {np.percentile(t, 95):7.1f} | "
                f"{statistics.median(ref):11.1f} | {'ok' if med <= 50 else 'SLOW':>6}")
        if args.picture:
            from matplotlib.backends.backend_agg import RendererAgg

            cached = bench_picture(cls, args.updates, clock)
            plain = bench_picture(cls, args.updates, clock, renderer=RendererAgg)
            line += (f" | {statistics.median(cached):11.1f} {np.percentile(cached, 95):6.1f} | "
                     f"{statistics.median(plain):13.1f} {np.percentile(plain, 95):6.1f}")
        print(line, flush=True)


if __name__ == "__main__":
    main()
