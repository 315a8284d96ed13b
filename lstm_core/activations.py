"""Squashing functions and their derivatives with respect to their input.

    sigmoid(x) = 1 / (1 + exp(-x))        in (0, 1)    sigmoid'(x) = sigmoid(x) sigmoid(-x) <= 1/4
    tanh(x)    = (e^x - e^-x)/(e^x + e^-x) in (-1, 1)   tanh'(x)    = 1 - tanh(x)^2          <= 1
    relu(x)    = max(0, x)                 in [0, inf)  relu'(x)    = 1 if x > 0 else 0

Each function takes a scalar or an array of any shape; float32 in gives float32 out, any other
real input gives float64. Every formula is written so that no intermediate overflows: the
functions are exact to rounding for |x| up to 1e6 and beyond, in both tails (sigmoid(-92) is
about 1.1e-40, not 0), and never emit a floating-point warning.

The ``*_`` helpers at the bottom work in place on float buffers; the sequence code uses them in
its time loop to avoid temporary arrays.
"""

from __future__ import annotations

import numpy as np

from . import _checks


def _float(name, x):
    return _checks.array(name, x, finite=False)


def _scalar_out(x_in, out):
    """Return a numpy scalar when the input was a Python or numpy scalar."""
    return out[()] if np.ndim(x_in) == 0 else out


def sigmoid(x):
    """Logistic sigmoid, 1 / (1 + exp(-x)), elementwise; values in [0, 1].

    Uses e = exp(-|x|) <= 1, so nothing overflows: sigmoid = 1/(1+e) for x >= 0 and
    e/(1+e) for x < 0, which keeps full relative precision in the negative tail.
    Note that sigmoid(x) rounds to exactly 1.0 for x > ~37 in float64: to see how far a
    saturated gate is from 1, compute 1 - sigmoid(x) as sigmoid(-x).
    """
    arr = _float("x", x)
    out = np.empty_like(arr)
    sigmoid_(arr, out)
    return _scalar_out(x, out)


def dsigmoid(x):
    """Derivative of the sigmoid at x: sigmoid(x) * sigmoid(-x), at most 0.25 (at x = 0)."""
    arr = _float("x", x)
    s = np.empty_like(arr)
    sigmoid_(arr, s)
    t = np.empty_like(arr)
    sigmoid_(-arr, t)
    return _scalar_out(x, s * t)


def tanh(x):
    """Hyperbolic tangent, elementwise; values in [-1, 1]."""
    arr = _float("x", x)
    return _scalar_out(x, np.tanh(arr))


def dtanh(x):
    """Derivative of tanh at x: 1 - tanh(x)^2, at most 1 (at x = 0).

    Written as 4e / (1 + e)^2 with e = exp(-2|x|), which equals 1 - tanh(x)^2 exactly in real
    arithmetic but keeps its precision in the tails, where 1 - tanh^2 would round to 0.
    """
    arr = _float("x", x)
    e = np.exp(-2.0 * np.abs(arr))
    return _scalar_out(x, 4.0 * e / (1.0 + e) ** 2)


def relu(x):
    """Rectified linear unit, max(0, x), elementwise."""
    arr = _float("x", x)
    return _scalar_out(x, np.maximum(arr, 0))


def drelu(x):
    """Derivative of ReLU: 1 where x > 0, else 0 (the value 0 at x = 0, as PyTorch uses)."""
    arr = _float("x", x)
    return _scalar_out(x, (arr > 0).astype(arr.dtype))


# --- in-place helpers used inside time loops (no checks: callers pass float buffers) ---------

def sigmoid_(x: np.ndarray, out: np.ndarray) -> np.ndarray:
    """out[...] = sigmoid(x); ``out`` may be ``x`` itself. Returns ``out``."""
    pos = x >= 0
    e = np.empty_like(x)
    np.abs(x, out=e)
    np.negative(e, out=e)
    np.exp(e, out=e)                  # e = exp(-|x|), in (0, 1]
    np.add(e, 1.0, out=out)           # out = 1 + e
    np.divide(e, out, out=e)          # e = e / (1 + e)  (the x < 0 branch)
    np.subtract(1.0, e, out=out)      # 1 - e/(1+e) = 1/(1+e)  (the x >= 0 branch)
    np.copyto(out, e, where=~pos)
    return out
