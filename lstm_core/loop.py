"""An LSTM over a sequence, as a plain loop over ``cell.lstm_step``: read this one first.

Symbols: B = batch size, T = time steps, D = input size, H = hidden size; sequences are
batch-first, (B, T, D).

This is what ``sequence.lstm_forward`` and ``sequence.lstm_backward`` compute, written the way
the equations read: one call of the step (``cell.py``) per time step, forwards, then one call of
the step's backward per time step, backwards, carrying dh and dc from each step to the one
before it. The fast versions in ``sequence.py`` give the same numbers (``tests/test_loop.py``
checks it) with tricks that make them several times faster (``benchmarks/bench_core.py`` shows
what each buys): all input projections in one product, one tanh for four gates, (T, ., B)
buffers in one allocation, the weight gradients as one product after the loop.

    forward:   for t = 1..T:   (h_t, c_t) = step(x_t, h_{t-1}, c_{t-1})
    backward:  dh_next = dc_next = 0 (dc_next = dc_last at the end)
               for t = T..1:   dh_t = dL/dh_t + dh_next           (the loss here, and every later step)
                               dx_t, dh_next, dc_next, dW_t = step_backward(dh_t, dc_next)
                               dW += dW_t                         (the same weights serve every step)
"""

from __future__ import annotations

import numpy as np

from . import _checks
from .cell import LSTMStep, check_params, lstm_step, lstm_step_backward
from .params import LSTMGradients, LSTMParams
from .sequence import check_sequence, check_state


def lstm_forward_loop(params: LSTMParams, xs, h0=None, c0=None) -> list[LSTMStep]:
    """The LSTM over sequences xs (B, T, D) from h0, c0 (B, H), zeros when None.

    Returns the T steps; steps[t].h and steps[t].c are (B, H)."""
    check_params(params)
    xs = check_sequence("xs", xs, params.input_size, params.dtype)
    B, T, _ = xs.shape
    h = check_state("h0", h0, B, params.hidden_size, params.dtype)
    c = check_state("c0", c0, B, params.hidden_size, params.dtype)
    steps = []
    for t in range(T):
        step = lstm_step(params, xs[:, t], h, c)      # every gate of step t, (B, H) each
        steps.append(step)
        h, c = step.h, step.c                          # carried to the next step
    return steps


def lstm_backward_loop(params: LSTMParams, steps: list[LSTMStep], dh, dc_last=None):
    """Backpropagation through time over the steps of ``lstm_forward_loop``.

    dh:      (B, T, H) dL/dh_t as the loss sees each hidden state
    dc_last: (B, H)    dL/dc_T, or None (zeros)
    Returns (grads: LSTMGradients, dxs (B, T, D), dh0 (B, H), dc0 (B, H)).
    """
    check_params(params)
    if not isinstance(steps, (list, tuple)) or not steps or not all(isinstance(s, LSTMStep) for s in steps):
        raise TypeError(f"steps must be the non-empty list of LSTMSteps that lstm_forward_loop returned; "
                        f"got {_checks.describe(steps)}")
    T = len(steps)
    if steps[0].h.ndim != 2:
        raise ValueError(f"steps must hold batched steps, h of shape (B, H); steps[0].h has shape {steps[0].h.shape}")
    B, H = steps[0].h.shape
    dh = _checks.array("dh", dh, shape=(B, T, H), dtype=params.dtype)
    dW_x, dW_h, db = np.zeros_like(params.weight_x), np.zeros_like(params.weight_h), np.zeros_like(params.bias)
    dxs = np.zeros((B, T, params.input_size), params.dtype)
    dh_next = np.zeros((B, H), params.dtype)          # dL/dh_t through step t + 1
    dc_next = check_state("dc_last", dc_last, B, H, params.dtype)
    for t in reversed(range(T)):
        g = lstm_step_backward(params, steps[t], dh[:, t] + dh_next, dc_next)
        dW_x += g.params.weight_x                     # the same weights serve every step: add up
        dW_h += g.params.weight_h
        db += g.params.bias
        dxs[:, t] = g.x
        dh_next, dc_next = g.h_prev, g.c_prev         # carried to the step before
    return LSTMGradients(dW_x, dW_h, db), dxs, dh_next, dc_next
