"""How long a learner waits, in the browser, between a key press on an explorer's slider and the
figure's new pixels on screen: JupyterLab (and app mode, Voila) in headless Chromium.

    python benchmarks/bench_browser.py [--presses N] [--mode lab|app|both] [--dpr R] [NN ...]

NN: only the notebooks whose names start with (or contain) one of these (all by default).

For every explorer of every notebook (JupyterLab: open the notebook, Run All Cells; app mode: open
its app page), the first slider's handle is focused and ArrowRight pressed N times (ArrowLeft once
the slider is at its end), one press at a time. Timing is taken in the page: a capture-phase
keydown listener stamps the press; a requestAnimationFrame loop reads the figure canvas's pixels
until they differ from those before the press (the time a person sees the change, to within one
frame); a MutationObserver stamps the readout text's change. The readout is the reference in the
same run: the same key press and comm round trip to the kernel and back, without an image, so
"figure - readout" is what the picture's path costs (ipympl: a "draw" request round trip, the
Agg draw, PNG diff encoding, transfer, decoding and painting). Beside it, the kernel-side figure
of bench_widgets.py (median ms per slider move, Agg redraw included) for the same explorer.

Target: figure median <= 100 ms and p95 <= 200 ms for every explorer. The viewport is a
1024 x 768 projector with JupyterLab's sidebar collapsed; --dpr 2 measures a high-density screen
(ipympl then draws the figure at twice the pixels).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import labdriver  # noqa: E402

sys.path.pop(0)
OUT = ROOT / "test-output" / "bench"
FIGURE_ENV = "LSTM_COURSE_FIGURE"      # lstm_course/explorers/kit.py reads it in the kernel

# armed before each press; resolves with page-side times (ms, performance.now) of the key press,
# the readout's change and the figure's changed pixels
ARM = """([box, settleMs]) => {
  // the figure: ipympl's canvas, or the kit's picture (an <img> whose src changes)
  let canvas = box.querySelector('.jupyter-matplotlib-canvas-div canvas');
  const img = canvas ? null : box.querySelector('img.lstm-figure, .lstm-figure img');
  if (img) {
    canvas = document.createElement('canvas');        // the picture's pixels, copied when it changes
    canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
  }
  const readout = [...box.querySelectorAll('.widget-html-content')].find(
      e => e.querySelector('div[style*="monospace"]')) || null;
  const ctx = canvas ? canvas.getContext('2d', {willReadFrequently: true}) : null;
  let decoded = 0;
  const pixels = () => {
    if (img) { ctx.drawImage(img, 0, 0); }
    return new Uint32Array(ctx.getImageData(0, 0, canvas.width, canvas.height).data.buffer);
  };
  const before = ctx ? pixels() : null;
  const text0 = readout ? readout.textContent : null;
  const st = {key: null, readout: null, figure: null, frames: 0};
  const onKey = () => { if (st.key === null) st.key = performance.now(); };
  document.addEventListener('keydown', onKey, true);
  const mo = new MutationObserver(() => {
    if (st.key !== null && st.readout === null && readout.textContent !== text0) st.readout = performance.now();
  });
  if (readout) mo.observe(readout, {subtree: true, childList: true, characterData: true});
  // a new src is decoded before it is painted: poll the pixels only once it is
  const mi = new MutationObserver(() => { img.decode().then(() => { decoded++; }, () => {}); });
  if (img) mi.observe(img, {attributes: true, attributeFilter: ['src']});
  const differs = (a, b) => {
    if (a.length !== b.length) return true;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return true;
    return false;
  };
  window.__lstmBench = new Promise(resolve => {
    const start = performance.now();
    const poll = () => {
      const now = performance.now();
      if (st.key !== null && st.figure === null && ctx && (!img || decoded)) {
        st.frames++;
        if (differs(pixels(), before)) st.figure = performance.now();
      }
      const done = (st.figure !== null || !ctx) && (st.readout !== null || !readout);
      if (done || now - start > settleMs) {
        document.removeEventListener('keydown', onKey, true);
        mo.disconnect();
        mi.disconnect();
        resolve(st);
      } else requestAnimationFrame(poll);
    };
    requestAnimationFrame(poll);
  });
  return [!!canvas, !!readout];
}"""

HANDLE_STATE = """(h) => [parseFloat(h.getAttribute('aria-valuenow')), parseFloat(h.getAttribute('aria-valuemax')),
                          parseFloat(h.getAttribute('aria-valuemin'))]"""


def class_name(call: str) -> str:
    return call.split("(")[0].strip()


def measure_explorer(page, box, presses: int, timeout_ms=4000):
    """[(figure ms, readout ms)] for ``presses`` key presses on the first slider of ``box``."""
    handle = box.locator(".widget-slider .noUi-handle").first
    handle.scroll_into_view_if_needed()
    box.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    handle.focus()
    key = "ArrowRight"
    out = []
    for _ in range(presses):
        now, hi, lo = handle.evaluate(HANDLE_STATE)
        if key == "ArrowRight" and now >= hi:
            key = "ArrowLeft"
        elif key == "ArrowLeft" and now <= lo:
            key = "ArrowRight"
        page.evaluate(ARM, [box.element_handle(), timeout_ms])
        page.keyboard.press(key)
        st = page.evaluate("window.__lstmBench")
        fig = None if st["figure"] is None or st["key"] is None else st["figure"] - st["key"]
        txt = None if st["readout"] is None or st["key"] is None else st["readout"] - st["key"]
        out.append((fig, txt))
        page.wait_for_timeout(250)   # let the pipeline drain: each press is timed on its own
    return out


def summary(values):
    v = [x for x in values if x is not None]
    if not v:
        return None, None, len(values)
    return statistics.median(v), float(np.percentile(v, 95)), len(values) - len(v)


def kernel_side(names, updates=10):
    """bench_widgets.py's median (ms per slider move, Agg redraw included) per explorer class."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import bench_widgets

    import lstm_course.explorers as W

    out = {}
    for name in sorted(set(names)):
        cls = getattr(W, name, None)
        if cls is None:
            continue
        t, _ = bench_widgets.bench(cls, updates)
        out[name] = statistics.median(t)
    return out


def run_mode(browser, mode, notebooks, presses, viewport, dpr, pages_dir, reference):
    """Measure every explorer of ``notebooks`` in ``mode`` ("lab" or "app"); with ``reference``,
    each notebook also in a second server whose kernels show figures as ipympl's canvas widget
    (LSTM_COURSE_FIGURE=canvas), right after: the two ways under the same load."""
    rows = []
    kinds = {"picture": None}
    if reference:
        kinds["canvas"] = {FIGURE_ENV: "canvas"}
    with contextlib.ExitStack() as stack:
        servers = {}
        for kind, env in kinds.items():
            log = OUT / f"{mode}-{kind}-server.log"
            server = (labdriver.lab_server(log, env) if mode == "lab"
                      else labdriver.app_server(pages_dir, log, env))
            servers[kind] = stack.enter_context(server)
        for nb, cells in notebooks:
            for kind, (base, token) in servers.items():
                context = browser.new_context(viewport=viewport, device_scale_factor=dpr)
                page = context.new_page()
                try:
                    t0 = time.time()
                    if mode == "lab":
                        labdriver.open_in_lab(page, base, token, nb, len(cells))
                        labdriver.left_sidebar(page, False)
                    else:
                        labdriver.open_in_app(page, base, token, nb, len(cells))
                    opened = time.time() - t0
                    boxes = page.locator(labdriver.EXPLORER)
                    for k, (_, call) in enumerate(cells):
                        samples = measure_explorer(page, boxes.nth(k), presses)
                        rows.append(dict(mode=mode, kind=kind, notebook=nb.name[:2], explorer=class_name(call),
                                         call=call, figure=[s[0] for s in samples],
                                         readout=[s[1] for s in samples], open_s=opened))
                        print_row(rows[-1], None)
                finally:
                    context.close()
                    with contextlib.suppress(OSError):
                        labdriver.shut_down_kernels(base, token)
    return rows


HEAD = (f"{'mode':<4} {'figure':<7} {'nb':<2} {'explorer':<24} | {'figure med':>10} {'p95':>6} {'miss':>4} | "
        f"{'readout med':>11} {'p95':>6} | {'kernel':>6} | target")


def print_row(r, kernel):
    fm, fp, miss = summary(r["figure"])
    rm, rp, _ = summary(r["readout"])
    k = kernel.get(r["explorer"]) if kernel else None
    ok = fm is not None and fm <= 100 and fp <= 200 and not miss
    f = lambda v: "   -  " if v is None else f"{v:6.0f}"  # noqa: E731
    print(f"{r['mode']:<4} {r.get('kind', '?'):<7} {r['notebook']:<2} {r['explorer']:<24} | {f(fm):>10} {f(fp)} {miss:>4} | "
          f"{f(rm):>11} {f(rp)} | {f(k)} | {'ok' if ok else 'SLOW'}", flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--presses", type=int, default=12, help="key presses per explorer")
    ap.add_argument("--mode", choices=["lab", "app", "both"], default="both")
    ap.add_argument("--dpr", type=float, default=1.0, help="the screen's device pixel ratio")
    ap.add_argument("--width", type=int, default=1024)
    ap.add_argument("--height", type=int, default=768)
    ap.add_argument("--reference", action="store_true",
                    help="also measure each notebook with ipympl's canvas widget (as before the kit's picture)")
    ap.add_argument("--no-kernel", action="store_true", help="skip the kernel-side bench_widgets column")
    ap.add_argument("--json", type=Path, default=OUT / "bench_browser.json", help="where to write every sample")
    ap.add_argument("notebooks", nargs="*", help="notebook numbers or name parts (all by default)")
    args = ap.parse_args()
    notebooks = labdriver.notebooks_with_explorers(args.notebooks)
    OUT.mkdir(parents=True, exist_ok=True)
    names = [class_name(call) for _, cells in notebooks for _, call in cells]
    kernel = {} if args.no_kernel else kernel_side(names)
    print(f"{labdriver.environment_note()}; viewport {args.width}x{args.height} at dpr {args.dpr:g}; "
          f"{args.presses} presses per explorer; times in ms, page-side (key press to change)")
    print("kernel: bench_widgets.py median per slider move in this process (Agg redraw included)")
    print(HEAD)
    print("-" * len(HEAD))
    modes = ["lab", "app"] if args.mode == "both" else [args.mode]
    rows = []
    with labdriver.chromium() as browser, tempfile.TemporaryDirectory() as tmp:
        pages = Path(tmp)
        if "app" in modes:
            labdriver.course.build_app_pages(pages)
        for mode in modes:
            rows += run_mode(browser, mode, notebooks, args.presses,
                             {"width": args.width, "height": args.height}, args.dpr, pages, args.reference)
    print("\nsummary")
    print(HEAD)
    print("-" * len(HEAD))
    for r in rows:
        print_row(r, kernel)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(dict(kernel=kernel, rows=rows, dpr=args.dpr,
                                         viewport=[args.width, args.height]), indent=1))
    print(f"samples in {args.json.relative_to(ROOT) if args.json.is_relative_to(ROOT) else args.json}")


if __name__ == "__main__":
    main()
