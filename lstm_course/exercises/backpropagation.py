"""Exercises of notebook 09 (backpropagation through time).

* ``09-pulse-dw``: dL/dw of a one-unit RNN over three steps, a sum of three terms.
* ``09-step-backward``: the learner's backward of one RNN step, a coding exercise:
  ``check_code("09-step-backward", my_rnn_step_backward)`` runs it on fixed cases and compares it
  with ``lstm_core.rnn_backward`` and with central finite differences.
"""

from __future__ import annotations

import numpy as np

from lstm_core.params import RNNParams
from lstm_core.rnn import rnn_backward, rnn_forward
from . import Exercise, Hint, register
from .coding import CodeExercise, central_differences

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


# --- 09-step-backward (a coding exercise) -----------------------------------------------------------
# The learner writes my_rnn_step_backward(dh, x, h_prev, h, W_xh, W_hh) ->
# (dx, dh_prev, dW_xh, dW_hh, db) for h = tanh(W_xh x + W_hh h_prev + b), one example (vectors).


def my_rnn_step_backward(dh, x, h_prev, h, W_xh, W_hh):
    """Backward of one RNN step h = tanh(W_xh x + W_hh h_prev + b), for one example.

    dh: dL/dh (H,); x: (D,); h_prev, h: (H,); W_xh: (H, D); W_hh: (H, H).
    Returns (dx (D,), dh_prev (H,), dW_xh (H, D), dW_hh (H, H), db (H,))."""
    dz = dh * (1 - h ** 2)                # back through tanh: its slope at this step's output
    dx = W_xh.T @ dz                      # (D,)
    dh_prev = W_hh.T @ dz                 # (H,) sent on to the step before
    dW_xh = np.outer(dz, x)               # (H, D) this step's term of dL/dW_xh
    dW_hh = np.outer(dz, h_prev)          # (H, H) this step's term of dL/dW_hh
    db = dz                               # (H,)
    return dx, dh_prev, dW_xh, dW_hh, db


def _rnn_cases():
    """Fixed cases, D != H (so a misplaced transpose shows) and one with D = H = 1."""
    rng = np.random.default_rng(9)
    out = []
    for D, H in ((2, 3), (4, 2), (1, 1), (3, 5)):
        x, h_prev = rng.normal(size=D), np.tanh(rng.normal(size=H))
        W_xh, W_hh = rng.normal(0, 0.7, (H, D)), rng.normal(0, 0.7, (H, H))
        b, dh = rng.normal(0, 0.3, H), rng.normal(size=H)
        h = np.tanh(W_xh @ x + W_hh @ h_prev + b)
        out.append(dict(dh=dh, x=x, h_prev=h_prev, h=h, W_xh=W_xh, W_hh=W_hh))
    return out


def _rnn_bias(x, h_prev, h, W_xh, W_hh):
    """The bias that makes h = tanh(W_xh x + W_hh h_prev + b) (the cases store h, not b)."""
    return np.arctanh(h) - W_xh @ x - W_hh @ h_prev


def _rnn_reference(dh, x, h_prev, h, W_xh, W_hh):
    """(dx, dh_prev, dW_xh, dW_hh, db) from lstm_core.rnn_backward on one step."""
    params = RNNParams(W_xh, W_hh, _rnn_bias(x, h_prev, h, W_xh, W_hh))
    trace = rnn_forward(params, x.reshape(1, 1, -1), h0=h_prev.reshape(1, -1))
    g = rnn_backward(trace, dh.reshape(1, 1, -1))
    return g.xs[0, 0], g.h0[0], g.params.weight_x, g.params.weight_h, g.params.bias


def _rnn_gradcheck(dh, x, h_prev, h, W_xh, W_hh):
    b = _rnn_bias(x, h_prev, h, W_xh, W_hh)

    def loss(x, h_prev, W_xh, W_hh, b):
        return float(dh @ np.tanh(W_xh @ x + W_hh @ h_prev + b))     # dL/dh = dh exactly
    num = central_differences(loss, dict(x=x, h_prev=h_prev, W_xh=W_xh, W_hh=W_hh, b=b),
                              ("x", "h_prev", "W_xh", "W_hh", "b"))
    return {"dx": num["x"], "dh_prev": num["h_prev"], "dW_xh": num["W_xh"], "dW_hh": num["W_hh"], "db": num["b"]}


def _rnn_wrong(kind):
    def wrong(dh, x, h_prev, h, W_xh, W_hh):
        slope = 1 - (h_prev ** 2 if kind == "slope_of_h_prev" else h ** 2)
        dz = dh if kind == "no_slope" else dh * slope
        dx = W_xh @ dz if kind == "dx_no_transpose" else W_xh.T @ dz
        dh_prev = W_hh @ dz if kind == "no_transpose" else W_hh.T @ dz
        dW_hh = np.outer(h_prev, dz) if kind == "outer_swapped" else np.outer(dz, h_prev)
        db = dh if kind == "db_is_dh" else dz
        if kind == "zeros":
            return np.zeros_like(x), np.zeros_like(h_prev), np.zeros_like(W_xh), np.zeros_like(W_hh), 0 * h
        return dx, dh_prev, np.outer(dz, x), dW_hh, db
    wrong.__name__ = f"rnn_step_backward_{kind}"
    wrong.__doc__ = {
        "no_slope": "dz = dh: the tanh' factor left out.",
        "slope_of_h_prev": "tanh' taken at h_prev instead of h.",
        "dx_no_transpose": "dx = W_xh @ dz: (H, D) @ (H,) does not chain when D != H.",
        "no_transpose": "dh_prev = W_hh @ dz: W_hh where its transpose belongs.",
        "outer_swapped": "dW_hh = outer(h_prev, dz): the transpose of the right answer.",
        "db_is_dh": "db = dh: the bias gradient taken before tanh'.",
        "zeros": "Every gradient left at zero (the placeholders of an older version of the notebook).",
    }[kind]
    return wrong


register("09-step-backward", CodeExercise(
    question=("Write my_rnn_step_backward(dh, x, h_prev, h, W_xh, W_hh) for the step "
              "h = tanh(W_xh x + W_hh h_prev + b), one example: given dh = dL/dh (H,), x (D,), h_prev and h (H,), "
              "W_xh (H, D), W_hh (H, H), return (dx (D,), dh_prev (H,), dW_xh (H, D), dW_hh (H, H), db (H,))."),
    solution=my_rnn_step_backward,
    reference=_rnn_reference,
    cases=_rnn_cases,
    outputs=("dx", "dh_prev", "dW_xh", "dW_hh", "db"),
    gradcheck=_rnn_gradcheck,
    explain=("Looping it from the last step to the first, adding each step's dW_xh, dW_hh and db, and passing "
             "dh_prev down (plus the loss's own dL/dh_(t-1)) is the whole of BPTT."),
    hints=[
        Hint(_rnn_wrong("zeros"), "Every gradient is zero: replace the placeholders with your formulas, starting "
                                  "with the gradient at the pre-activation, back through tanh."),
        Hint(_rnn_wrong("no_slope"), "Every gradient is off by the tanh' factor: first take the gradient back "
                                     "through tanh to the pre-activation (dz), then use dz everywhere in place of dh."),
        Hint(_rnn_wrong("slope_of_h_prev"), "tanh' is taken at this step's output h, not at h_prev: "
                                            "tanh'(z) = 1 - h**2."),
        Hint(_rnn_wrong("dx_no_transpose"), "dx: going backwards, the matrix is transposed (W_xh has shape (H, D) "
                                            "and dx must have D entries)."),
        Hint(_rnn_wrong("no_transpose"), "dh_prev: going backwards, the matrix is transposed: W_hh.T, not W_hh."),
        Hint(_rnn_wrong("outer_swapped"), "dW_hh is the transpose of the right answer: row i of W_hh feeds unit "
                                          "i, so row i of dW_hh holds unit i's dz times h_prev."),
        Hint(_rnn_wrong("db_is_dh"), "db is the gradient at the pre-activation, after tanh': the bias is added "
                                     "before the tanh."),
    ],
))
