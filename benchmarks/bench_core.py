"""Forward and forward+backward times of lstm_core's LSTM, and of torch.nn.LSTM for the same
work in the same run when torch is importable.

    python benchmarks/bench_core.py [--repeats N] [--threads N] [--cpu] [--quick]

"fwd+bwd" is lstm_forward then lstm_backward with dL/dh = 1 everywhere, reading the input
gradient (torch: out.backward(ones) with the input gradient on). The libraries take turns
call by call (N timed calls each, after a warm-up), so a load from other processes hits both
alike. Each time is the median in milliseconds, with the spread in brackets (25th-75th
percentile, as a +-% of the median); ratio = lstm_core time / torch time, the median of the
per-call ratios (below 1: lstm_core is faster). Targets (float32): within 1.0x of torch at
(32, 100, 64, 128) and within 1.5x at (32, 200, 128, 512).

--threads N sets numpy's BLAS threads (OPENBLAS_NUM_THREADS, OMP_NUM_THREADS, MKL_NUM_THREADS,
read when numpy loads, so the script restarts itself with them set) and torch.set_num_threads(N);
by default both use every core. --cpu times with the process's CPU time instead of the wall
clock: steadier on a busy machine, and meaningful with --threads 1 only (with more threads it
adds up the time of every thread).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

from _threads import set_threads  # noqa: E402  (benchmarks/ is this script's folder)
SHAPES = [(1, 50, 10, 32), (32, 100, 64, 128), (32, 200, 128, 512)]  # (B, T, D, H)


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeats", type=int, default=15, help="timed calls per library, shape and dtype (default 15)")
    ap.add_argument("--threads", type=int, default=None, help="BLAS / torch threads (default: every core)")
    ap.add_argument("--cpu", action="store_true", help="time with process CPU time instead of the wall clock")
    ap.add_argument("--quick", action="store_true", help="only the two smaller shapes, 3 repeats")
    args = ap.parse_args()
    if args.repeats < 1 or (args.threads is not None and args.threads < 1):
        ap.error("--repeats and --threads must be positive integers")
    return args


ARGS = parse_args() if __name__ == "__main__" else None
if ARGS is not None:
    set_threads(ARGS.threads)

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # lstm_core from this checkout
import lstm_core as L  # noqa: E402


def ours(B, T, D, H, dtype):
    """(forward, forward+backward) as functions of no arguments, lstm_core."""
    p = L.LSTMParams.init(D, H, seed=0, dtype=dtype)
    xs = np.random.default_rng(0).normal(size=(B, T, D)).astype(dtype)
    dh = np.ones((B, T, H), dtype)
    return (lambda: L.lstm_forward(p, xs),
            lambda: L.lstm_backward(L.lstm_forward(p, xs), dh).xs)


def theirs(B, T, D, H, dtype):
    """The same two functions with torch.nn.LSTM."""
    import torch

    tdt = torch.float32 if dtype == np.float32 else torch.float64
    net = torch.nn.LSTM(D, H, batch_first=True).to(tdt)
    xs = torch.randn(B, T, D, dtype=tdt)
    ones = torch.ones(B, T, H, dtype=tdt)

    def forward():
        with torch.no_grad():
            net(xs)

    def forward_backward():
        x = xs.clone().requires_grad_()
        net.zero_grad()
        out, _ = net(x)
        out.backward(ones)

    return forward, forward_backward


def interleaved(fns, repeats, clock):
    """Milliseconds per call for each function, the functions taking turns call by call."""
    for f in fns:
        f()                                   # warm-up
    times = [[] for _ in fns]
    for _ in range(repeats):
        for f, ts in zip(fns, times):
            t0 = clock()
            f()
            ts.append(1e3 * (clock() - t0))
    return times


def summary(ts):
    """'median (+-spread%)' of a list of times."""
    m = statistics.median(ts)
    if len(ts) < 4:
        return f"{m:8.2f}       "
    q = statistics.quantiles(ts, n=4)
    return f"{m:8.2f} (+-{50 * (q[2] - q[0]) / m:3.0f}%)"


def main(args):
    shapes = SHAPES[:2] if args.quick else SHAPES
    repeats = 3 if args.quick else args.repeats
    try:
        import torch

        torch.set_num_threads(args.threads or os.cpu_count() or 1)
        have_torch = f"torch {torch.__version__} ({torch.get_num_threads()} threads)"
    except ImportError:
        have_torch = None
    blas = os.environ.get("OPENBLAS_NUM_THREADS") or f"default = {os.cpu_count()}"
    clock = time.process_time if args.cpu else time.perf_counter
    print(f"lstm_core {L.__version__}, numpy {np.__version__} (BLAS threads: {blas}); "
          f"{have_torch or 'torch not installed: lstm_core only'}; {os.cpu_count()} cores; "
          f"median of {repeats} calls (+- half the 25th-75th percentile range), ms, "
          f"{'CPU time' if args.cpu else 'wall clock'}")
    head = f"{'B,T,D,H':>16} {'dtype':>7} | {'fwd':>15} {'fwd+bwd':>15}"
    if have_torch:
        head += f" | {'torch fwd':>15} {'torch f+b':>15} | {'ratio fwd':>9} {'ratio f+b':>9}"
    print(head)
    print("-" * len(head))
    for shape in shapes:
        for dtype in (np.float32, np.float64):
            fns = list(ours(*shape, dtype))
            if have_torch:
                fns += list(theirs(*shape, dtype))
            f, fb, *t = interleaved(fns, repeats, clock)
            row = f"{','.join(map(str, shape)):>16} {np.dtype(dtype).name:>7} | {summary(f)} {summary(fb)}"
            if have_torch:
                tf, tfb = t
                rf = statistics.median(a / b for a, b in zip(f, tf))
                rfb = statistics.median(a / b for a, b in zip(fb, tfb))
                row += f" | {summary(tf)} {summary(tfb)} | {rf:9.2f} {rfb:9.2f}"
            print(row, flush=True)


if __name__ == "__main__":
    main(ARGS)
