"""Forward and forward+backward times of lstm_core's LSTM, and of torch.nn.LSTM for the same
work in the same run when torch is importable.

    python benchmarks/bench_core.py [--repeats N] [--quick]

Each figure is the median of N timed runs (after one warm-up) in milliseconds. "fwd+bwd" is
lstm_forward then lstm_backward with dL/dh = 1 everywhere (torch: out.backward(ones), input
gradient on). Both libraries use every core (numpy's BLAS by default; torch.set_num_threads).
ratio = lstm_core time / torch time: below 1 means lstm_core is faster.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np

import lstm_core as L

SHAPES = [(1, 50, 10, 32), (32, 100, 64, 128), (32, 200, 128, 512)]  # (B, T, D, H)


def median_ms(fn, repeats):
    fn()  # warm up
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return 1e3 * statistics.median(times)


def ours(B, T, D, H, dtype, repeats):
    p = L.LSTMParams.init(D, H, seed=0, dtype=dtype)
    xs = np.random.default_rng(0).normal(size=(B, T, D)).astype(dtype)
    dh = np.ones((B, T, H), dtype)
    fwd = median_ms(lambda: L.lstm_forward(p, xs), repeats)
    both = median_ms(lambda: L.lstm_backward(L.lstm_forward(p, xs), dh), repeats)
    return fwd, both


def theirs(B, T, D, H, dtype, repeats):
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

    return median_ms(forward, repeats), median_ms(forward_backward, repeats)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--quick", action="store_true", help="only the two smaller shapes, 3 repeats")
    args = ap.parse_args()
    shapes = SHAPES[:2] if args.quick else SHAPES
    repeats = 3 if args.quick else args.repeats
    try:
        import torch

        torch.set_num_threads(os.cpu_count() or 1)
        have_torch = f"torch {torch.__version__}, {torch.get_num_threads()} threads"
    except ImportError:
        have_torch = None
    print(f"lstm_core {L.__version__}, numpy {np.__version__}; {os.cpu_count()} cores; "
          f"{have_torch or 'torch not installed: lstm_core only'}; median of {repeats} runs, ms")
    head = f"{'B,T,D,H':>16} {'dtype':>7} | {'fwd':>8} {'fwd+bwd':>8}"
    if have_torch:
        head += f" | {'torch fwd':>9} {'torch f+b':>9} | {'ratio fwd':>9} {'ratio f+b':>9}"
    print(head)
    print("-" * len(head))
    for shape in shapes:
        for dtype in (np.float32, np.float64):
            f, fb = ours(*shape, dtype, repeats)
            row = f"{','.join(map(str, shape)):>16} {np.dtype(dtype).name:>7} | {f:8.2f} {fb:8.2f}"
            if have_torch:
                tf, tfb = theirs(*shape, dtype, repeats)
                row += f" | {tf:9.2f} {tfb:9.2f} | {f / tf:9.2f} {fb / tfb:9.2f}"
            print(row, flush=True)


if __name__ == "__main__":
    main()
