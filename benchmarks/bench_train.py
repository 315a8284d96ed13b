"""Training throughput of the character model, in characters per second, for lstm_core and
(when torch is importable) for the same model in PyTorch on the CPU, in the same run.

    python benchmarks/bench_train.py [--steps N] [--rounds R] [--threads N] [--cpu] [--quick]

The model is the one of notebook 13: an LSTM over one-hot characters (V = 90 symbols, H = 128
units) and a linear read-out to V scores, softmax cross-entropy at every step, Adam (lr 1e-3).
Each training step takes a batch of 32 windows of 64 characters: forward, backward, one Adam
step (no gradient clipping in either library). Characters per second = 32 * 64 / time per step.

    lstm_core:  SequenceModel("lstm", V, H, V) + loss_and_grads(symbols, targets) + Adam.step;
                the integer symbols are one-hot encoded inside the model, every step
    torch:      nn.LSTM(V, H, batch_first=True) + nn.Linear(H, V) + nn.CrossEntropyLoss +
                torch.optim.Adam, fed F.one_hot(symbols) cast to the dtype, every step
                (the input needs no gradient, and lstm_core does not compute it either)

Both libraries run float32 and float64. The timings alternate between the libraries round by
round (R rounds of N steps each, after a warm-up), so a load from other processes hits both
alike; each figure is the median over the rounds, with the spread (25th-75th percentile) in
brackets, and the ratio is the median of the per-round ratios. --cpu times with the process's
CPU time instead of the wall clock (steadier on a busy machine; meaningful only with
--threads 1, since with more threads it adds up the time of every thread).

--threads N sets the BLAS threads of numpy (OPENBLAS_NUM_THREADS, OMP_NUM_THREADS and
MKL_NUM_THREADS, read when numpy loads, so the script restarts itself with them set) and
torch.set_num_threads(N); by default both use every core.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

from _threads import set_threads  # noqa: E402  (benchmarks/ is this script's folder)


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--steps", type=int, default=10, help="training steps per timed round (default 10)")
    ap.add_argument("--rounds", type=int, default=7, help="timed rounds per library and dtype (default 7)")
    ap.add_argument("--threads", type=int, default=None, help="BLAS / torch threads (default: every core)")
    ap.add_argument("--cpu", action="store_true", help="time with process CPU time instead of the wall clock")
    ap.add_argument("--quick", action="store_true", help="3 rounds of 3 steps")
    args = ap.parse_args()
    if args.steps < 1 or args.rounds < 1 or (args.threads is not None and args.threads < 1):
        ap.error("--steps, --rounds and --threads must be positive integers")
    if args.quick:
        args.steps, args.rounds = 3, 3
    return args


ARGS = parse_args() if __name__ == "__main__" else None
if ARGS is not None:
    set_threads(ARGS.threads)

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # lstm_core from this checkout
import lstm_core as L  # noqa: E402
from lstm_core.models import SequenceModel  # noqa: E402
from lstm_core.optim import Adam  # noqa: E402

V, H, T, B = 90, 128, 64, 32   # symbols, hidden units, window length, windows per batch


def batches(n, seed=0):
    """n batches of (symbols (B, T), next symbols (B, T)) drawn at random (speed only)."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        w = rng.integers(0, V, size=(B, T + 1))
        out.append((w[:, :-1], w[:, 1:]))
    return out


def ours(dtype):
    """A function that runs one training step on a batch, lstm_core."""
    model = SequenceModel("lstm", V, H, V, seed=0, dtype=dtype)
    opt = Adam(model.params, lr=1e-3)

    def step(batch):
        xs, ys = batch
        _, grads = model.loss_and_grads(xs, ys, loss="ce", at="all")
        opt.step(grads)

    return step


def theirs(dtype):
    """The same training step in PyTorch."""
    import torch
    import torch.nn.functional as F

    tdt = torch.float32 if dtype == np.float32 else torch.float64
    torch.manual_seed(0)
    lstm = torch.nn.LSTM(V, H, batch_first=True).to(tdt)
    head = torch.nn.Linear(H, V).to(tdt)
    params = list(lstm.parameters()) + list(head.parameters())
    opt = torch.optim.Adam(params, lr=1e-3)
    ce = torch.nn.CrossEntropyLoss()

    def step(batch):
        xs, ys = (torch.from_numpy(a) for a in batch)
        x = F.one_hot(xs, V).to(tdt)
        out, _ = lstm(x)
        loss = ce(head(out).reshape(-1, V), ys.reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()

    return step


def spread(xs):
    q = statistics.quantiles(xs, n=4) if len(xs) > 1 else [xs[0], xs[0], xs[0]]
    return statistics.median(xs), q[0], q[2]


def main(args):
    try:
        import torch

        if args.threads is not None:
            torch.set_num_threads(args.threads)
        have_torch = f"torch {torch.__version__} ({torch.get_num_threads()} threads)"
    except ImportError:
        have_torch = None
    blas = os.environ.get("OPENBLAS_NUM_THREADS") or f"default = {os.cpu_count()}"
    clock = time.process_time if args.cpu else time.perf_counter
    print(f"lstm_core {L.__version__}, numpy {np.__version__} (BLAS threads: {blas}); "
          f"{have_torch or 'torch not installed: lstm_core only'}; {os.cpu_count()} cores")
    print(f"character model V={V} H={H}, batch {B} x {T} characters; {args.rounds} rounds of "
          f"{args.steps} steps, {'CPU time' if args.cpu else 'wall clock'}; chars/s = median "
          f"[25th-75th percentile]")
    data = batches(args.steps)
    for dtype in (np.float32, np.float64):
        runners = {"lstm_core": ours(dtype)}
        if have_torch:
            runners["torch"] = theirs(dtype)
        for run in runners.values():      # warm-up: first calls allocate and load kernels
            for b in data[:2]:
                run(b)
        rates = {k: [] for k in runners}
        for _ in range(args.rounds):
            for name, run in runners.items():
                t0 = clock()
                for b in data:
                    run(b)
                rates[name].append(B * T * args.steps / (clock() - t0))
        name = np.dtype(dtype).name
        for lib, r in rates.items():
            m, lo, hi = spread(r)
            print(f"  {name:7s} {lib:9s} {m:9.0f} chars/s  [{lo:7.0f} - {hi:7.0f}]  "
                  f"({1e3 * B * T / m:6.2f} ms per step)")
        if have_torch:
            ratio = statistics.median(t / o for o, t in zip(rates["lstm_core"], rates["torch"]))
            print(f"  {name:7s} time ratio lstm_core / torch = {ratio:.2f} (target <= 1.5)", flush=True)


if __name__ == "__main__":
    main(ARGS)
