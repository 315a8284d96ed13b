"""Exercises of notebook 09 (backpropagation through time).

* ``09-pulse-dw``: dL/dw of a one-unit RNN over three steps, a sum of three terms.
* ``09-step-backward``: the learner's backward of one RNN step, run on a fixed case by
  ``step_backward_answer(fn)`` and compared with ``lstm_core.rnn_backward``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstm_core import _checks
from lstm_core.params import RNNParams
from lstm_core.rnn import rnn_backward, rnn_forward
from . import Exercise, Hint, register

# --- 09-pulse-dw ----------------------------------------------------------------------------------
# One hidden unit, W_xh = 1, W_hh = w = 0.5, b = 0, h_0 = 0, inputs x = [1, 0, 0] (notebook 01's
# pulse); the loss is L = h_3. What is dL/dw?
PULSE_W = 0.5
PULSE_X = (1.0, 0.0, 0.0)


def _pulse(w=PULSE_W):
    """(h_1..h_3, the three terms dz_t h_{t-1} of dL/dw, dL/dw from rnn_backward)."""
    params = RNNParams(np.array([[1.0]]), np.array([[w]]), np.zeros(1))
    trace = rnn_forward(params, np.array(PULSE_X).reshape(1, 3, 1))
    dh = np.zeros((1, 3, 1))
    dh[0, 2, 0] = 1.0                                        # L = h_3
    total = rnn_backward(trace, dh).params.weight_h[0, 0]
    h = trace.h[0, :, 0]
    h_prev = np.concatenate([[0.0], h[:-1]])
    d, terms = 1.0, np.zeros(3)
    for t in (2, 1, 0):
        dz = d * (1 - h[t] ** 2)
        terms[t] = dz * h_prev[t]
        d = w * dz
    return h, terms, total


register("09-pulse-dw", Exercise(
    question=("A one-unit RNN has input weight 1, recurrent weight w = 0.5 and no bias: "
              "h_t = tanh(x_t + w h_(t-1)), h_0 = 0. It reads x = 1, 0, 0, and the loss is L = h_3. "
              "What is dL/dw? Remember that w is used at every step."),
    expected=lambda: _pulse()[2],
    sig=3,
    explain=("Three terms, one per use of w: dz_3 h_2 = {:.3f}, dz_2 h_1 = {:.3f} and dz_1 h_0 = 0 "
             "(h_0 = 0). Their sum is the gradient of the shared weight.").format(*_pulse()[1][::-1][:2]),
    hints=[
        Hint(lambda: _pulse()[1][2], "That is only the last step's term dz_3 h_2. The same w also acted at "
                                     "step 2: send the gradient back through it (dL/dh_2 = w dz_3) and add "
                                     "that step's term."),
        Hint(lambda: _pulse()[1][1], "That is the term of step 2 alone. Add the term of step 3, dz_3 h_2."),
        Hint(lambda: _pulse()[0][1] + PULSE_W * _pulse()[0][0],
             "The tanh' factors are missing. Each step's term is dz_t h_(t-1) with dz_t = dL/dh_t (1 - h_t^2)."),
        Hint(0.0, "The input is 0 at steps 2 and 3, but h_1 and h_2 are not: w multiplies them."),
    ],
    fallback=("Go backwards: dz_3 = 1 - h_3^2, term dz_3 h_2; then dL/dh_2 = w dz_3, "
              "dz_2 = dL/dh_2 (1 - h_2^2), term dz_2 h_1; add the terms."),
))


# --- 09-step-backward -----------------------------------------------------------------------------
# The learner writes my_rnn_step_backward(dh, x, h_prev, h, W_xh, W_hh) ->
# (dx, dh_prev, dW_xh, dW_hh, db) for h = tanh(W_xh x + W_hh h_prev + b).
STEP_D, STEP_H = 2, 3          # D != H, so a transposed matrix has the wrong shape or values


@dataclass
class StepCase:
    """One step's inputs and the gradient arriving at its output (float64, fixed seed)."""

    x: np.ndarray         # (D,)
    h_prev: np.ndarray    # (H,)
    W_xh: np.ndarray      # (H, D)
    W_hh: np.ndarray      # (H, H)
    b: np.ndarray         # (H,)
    h: np.ndarray         # (H,)  tanh(W_xh x + W_hh h_prev + b)
    dh: np.ndarray        # (H,)  dL/dh, from the steps above


def step_case() -> StepCase:
    """The fixed case the checker runs your function on (the same every call)."""
    rng = np.random.default_rng(9)
    x, h_prev = rng.normal(size=STEP_D), np.tanh(rng.normal(size=STEP_H))
    W_xh, W_hh = rng.normal(0, 0.7, (STEP_H, STEP_D)), rng.normal(0, 0.7, (STEP_H, STEP_H))
    b, dh = rng.normal(0, 0.3, STEP_H), rng.normal(size=STEP_H)
    h = np.tanh(W_xh @ x + W_hh @ h_prev + b)
    return StepCase(x, h_prev, W_xh, W_hh, b, h, dh)


NAMES = ("dx", "dh_prev", "dW_xh", "dW_hh", "db")


def _shapes(c: StepCase):
    return {"dx": c.x.shape, "dh_prev": c.h_prev.shape, "dW_xh": c.W_xh.shape, "dW_hh": c.W_hh.shape,
            "db": c.b.shape}


def _pack(grads) -> np.ndarray:
    return np.concatenate([np.ravel(g) for g in grads])


def reference_step_gradients(c: StepCase):
    """(dx, dh_prev, dW_xh, dW_hh, db) of the case, from lstm_core.rnn_backward on one step."""
    params = RNNParams(c.W_xh, c.W_hh, c.b)
    trace = rnn_forward(params, c.x.reshape(1, 1, -1), h0=c.h_prev.reshape(1, -1))
    g = rnn_backward(trace, c.dh.reshape(1, 1, -1))
    return g.xs[0, 0], g.h0[0], g.params.weight_x, g.params.weight_h, g.params.bias


def step_backward_answer(fn) -> np.ndarray:
    """Run ``fn(dh, x, h_prev, h, W_xh, W_hh)`` on ``step_case()`` and pack what it returns,
    (dx, dh_prev, dW_xh, dW_hh, db), into one flat array for ``check("09-step-backward", ...)``.

    Raises TypeError / ValueError naming the gradient when fn returns the wrong number of
    arrays or an array of the wrong shape."""
    if not callable(fn):
        raise TypeError(f"fn must be your function my_rnn_step_backward; got {_checks.describe(fn)}")
    c = step_case()
    out = fn(c.dh.copy(), c.x.copy(), c.h_prev.copy(), c.h.copy(), c.W_xh.copy(), c.W_hh.copy())
    if not isinstance(out, (tuple, list)) or len(out) != len(NAMES):
        raise TypeError(f"fn must return the five gradients ({', '.join(NAMES)}); got {_checks.describe(out)}")
    want = _shapes(c)
    grads = []
    for name, g in zip(NAMES, out):
        arr = _checks.array(name, g, dtype=np.float64)
        if arr.shape != want[name]:
            raise ValueError(f"{name} must have shape {want[name]} (like the array it is the gradient of); "
                             f"got shape {arr.shape}")
        grads.append(arr)
    return _pack(grads)


def _variant(kind: str) -> np.ndarray:
    """The packed answer of a typical wrong backward."""
    c = step_case()
    slope = 1 - (c.h_prev ** 2 if kind == "slope_of_h_prev" else c.h ** 2)
    dz = c.dh if kind == "no_slope" else c.dh * slope
    dx = c.W_xh.T @ dz
    dh_prev = (c.W_hh @ dz) if kind == "no_transpose" else c.W_hh.T @ dz
    dW_hh = np.outer(c.h_prev, dz) if kind == "outer_swapped" else np.outer(dz, c.h_prev)
    db = c.dh if kind == "db_is_dh" else dz
    return _pack([dx, dh_prev, np.outer(dz, c.x), dW_hh, db])


def _segment(name):
    c = step_case()
    sizes = [int(np.prod(s)) for s in _shapes(c).values()]
    start = sum(sizes[:NAMES.index(name)])
    return slice(start, start + sizes[NAMES.index(name)])


def _first_gradient_off(a, w):
    """The fallback: name the first gradient that is off, without giving its formula away."""
    for name in NAMES:
        part = _segment(name)
        if not np.allclose(a[part], w[part], rtol=1e-4, atol=1e-8):
            return (f"{name} is not right yet (every gradient before it in the order {', '.join(NAMES)} "
                    f"is). Derive it again from dz, or check {name} on its own with L.gradcheck.")
    return "Some gradient is off: check each one on its own with L.gradcheck."


register("09-step-backward", Exercise(
    question=("Write my_rnn_step_backward(dh, x, h_prev, h, W_xh, W_hh) for the step "
              "h = tanh(W_xh x + W_hh h_prev + b): given dh = dL/dh, return (dx, dh_prev, dW_xh, dW_hh, db). "
              "Check it with check('09-step-backward', step_backward_answer(my_rnn_step_backward))."),
    expected=lambda: _pack(reference_step_gradients(step_case())),
    sig=4,
    explain=("Your step backward matches lstm_core.rnn_backward. Looping it from the last step to the "
             "first, adding each step's dW_xh, dW_hh and db, and passing dh_prev down (plus the loss's "
             "own dL/dh_(t-1)) is the whole of BPTT."),
    hints=[
        Hint(lambda: _variant("no_slope"), "Every gradient is off by the tanh' factor: first make "
                                           "dz = dh * (1 - h**2), then use dz everywhere in place of dh."),
        Hint(lambda: _variant("slope_of_h_prev"), "tanh' is taken at this step's output h, not at h_prev: "
                                                  "dz = dh * (1 - h**2)."),
        Hint(lambda: _variant("no_transpose"), "dh_prev: going backwards, the matrix is transposed: "
                                               "dh_prev = W_hh.T @ dz."),
        Hint(lambda: _variant("outer_swapped"), "dW_hh is the transpose of the right answer: row i of W_hh "
                                                "feeds unit i, so dW_hh = np.outer(dz, h_prev)."),
        Hint(lambda: _variant("db_is_dh"), "db is the gradient at the pre-activation, after tanh': db = dz, "
                                           "not dh."),
        Hint(lambda: np.zeros_like(_variant("no_slope")), "Every gradient is zero: replace the placeholder zeros "
                                                          "with your formulas (start with dz = dh * (1 - h**2))."),
    ],
    fallback=_first_gradient_off,
))
