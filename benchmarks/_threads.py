"""Thread control shared by the benchmarks: numpy's BLAS reads its thread count once, when it
loads, so a benchmark asked for N threads restarts itself with the variables set."""

import os
import sys

THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def set_threads(n):
    """Restart this script with the BLAS thread variables set to n (numpy reads them at load)."""
    if n is None or all(os.environ.get(v) == str(n) for v in THREAD_VARS):
        return
    env = dict(os.environ, **{v: str(n) for v in THREAD_VARS})
    os.execve(sys.executable, [sys.executable, *sys.argv], env)
