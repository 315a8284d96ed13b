"""How long each explorer takes to answer a slider: compute with lstm_core, update the artists,
and redraw the figure (Agg, as ipympl renders in the kernel before sending the image).

    python benchmarks/bench_widgets.py [--updates N]

For every explorer, every slider is moved through N values spread over its range, one at a
time, and each move is timed (setting a slider runs update() and the redraw), first with
blitting (what a notebook with ipympl does: only the data artists are redrawn), then without
(every move redraws the whole figure). The reference in the same run is a full redraw of the
same figure with nothing changed. Target: median <= 50 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("MPLBACKEND", "Agg")

import ipywidgets as widgets  # noqa: E402
import matplotlib  # noqa: E402
import numpy as np  # noqa: E402

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

import lstm_core.widgets as W  # noqa: E402


def sliders(ex):
    out, todo = [], list(ex.controls)
    while todo:
        c = todo.pop(0)
        if isinstance(c, widgets.Box):
            todo += list(c.children)
        elif isinstance(c, (widgets.FloatSlider, widgets.IntSlider)):
            out.append(c)
    return out


def pct(values, q):
    return float(np.percentile(values, q))


def bench(cls, updates, blit):
    """Times of every slider move; blit=True means as in a notebook with ipympl (blitting
    unless the class turns it off), False never blits."""
    shipped = cls.blit
    cls.blit = (shipped is not False) if blit else False
    try:
        ex = cls()
    finally:
        cls.blit = shipped
    times = []
    for s in sliders(ex):
        values = np.linspace(s.min, s.max, updates)
        if isinstance(s, widgets.IntSlider):
            values = np.round(values).astype(int)
        for v in values:
            v = v.item()
            if v == s.value:
                continue
            t0 = time.perf_counter()
            s.value = v
            times.append(time.perf_counter() - t0)
    ref = []
    if ex._blitter is not None:
        ex._blitter.release()
    for _ in range(max(10, updates)):
        t0 = time.perf_counter()
        ex.fig.canvas.draw()
        ref.append(time.perf_counter() - t0)
    plt.close(ex.fig)
    return [1e3 * t for t in times], [1e3 * t for t in ref]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--updates", type=int, default=25, help="values per slider")
    args = ap.parse_args()
    print(f"matplotlib {matplotlib.__version__}, backend Agg, {os.cpu_count()} cores; times in ms")
    head = (f"{'explorer':<24} {'moves':>5} | {'median':>7} {'p95':>7} | {'no blit':>7} {'p95':>7} | "
            f"{'full redraw':>11} | {'target':>6}")
    print(head)
    print("-" * len(head))
    for name in W.__all__:
        cls = getattr(W, name)
        if not (isinstance(cls, type) and issubclass(cls, W.Explorer)) or cls is W.Explorer:
            continue
        t, ref = bench(cls, args.updates, blit=True)
        t0, _ = bench(cls, args.updates, blit=False)
        med = statistics.median(t)
        print(f"{name:<24} {len(t):>5} | {med:7.1f} {pct(t, 95):7.1f} | {statistics.median(t0):7.1f} "
              f"{pct(t0, 95):7.1f} | {statistics.median(ref):11.1f} | {'ok' if med <= 50 else 'SLOW':>6}", flush=True)


if __name__ == "__main__":
    main()
