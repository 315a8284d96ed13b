"""Exercises of notebook 11 (the gradient highway)."""

import numpy as np

from lstm_core.params import LSTMParams
from lstm_core.sequence import lstm_forward
from . import Exercise, Hint, register


def _constant_forget_cell(f, T):
    """The forget gates f_1..f_T, (T,), of a one-unit LSTM with zero weights and bias logit(f)."""
    p = LSTMParams(np.zeros((4, 1)), np.zeros((4, 1)), np.zeros(4))
    p.gate("f").b[:] = np.log(f / (1 - f))
    return lstm_forward(p, np.zeros((1, T, 1))).f[0, :, 0]


def _product_09_20():
    return np.prod(_constant_forget_cell(0.9, 20))        # dc_T / dc_0 along the cell path


register("11-forget-product", Exercise(
    question="Every forget gate of a one-unit LSTM is 0.9 for 20 steps. Along the cell state alone, "
             "what factor multiplies dL/dc_T on its way back to c_0, 20 steps earlier (a number)?",
    expected=_product_09_20,
    sig=3,
    explain="Each step back multiplies by that step's forget gate: 0.9 ** 20 = 0.1216. Even a gate "
            "that keeps 90% per step lets only an eighth of the gradient through 20 steps.",
    hints=[
        Hint(0.9 * 20, "That adds the gates up. The chain rule multiplies them: 0.9 * 0.9 * ... (20 factors)."),
        Hint(0.9 ** 19, "One factor too few: from c_T back to c_0 there are exactly 20 forget gates, "
                        "f_1 ... f_20."),
        Hint(0.9 ** 21, "One factor too many: from c_T back to c_0 there are exactly 20 forget gates, "
                        "f_1 ... f_20."),
        Hint((1 - 0.9) ** 20, "f is the share KEPT, and the gradient along the cell path is multiplied by f "
                              "itself, not by 1 - f."),
        Hint(1 - 0.9 ** 20, "That is the share lost along the way; the factor is the product of the gates itself."),
        Hint(0.9, "That is one step back. The factors of all 20 steps multiply."),
        Hint(0.25 ** 20, "Along the cell path there is no sigmoid slope: d(f * c_prev)/dc_prev is f itself."),
        Hint((0.9 * 0.1) ** 20, "Along the cell path there is no sigmoid slope f (1 - f): d(f * c_prev)/dc_prev "
                                "is f itself."),
    ],
    fallback="Multiply twenty forget gates of 0.9 together.",
))


def _bias_for_100_steps():
    f = 1e-3 ** (1 / 100)                                  # f ** 100 = 1e-3
    fs = _constant_forget_cell(f, 100)
    assert abs(np.prod(fs) - 1e-3) < 1e-12
    return np.log(f / (1 - f))


register("11-bias-for-100-steps", Exercise(
    question="A unit's forget gate sits at f = sigmoid(b_f) at every step (its weights are zero). What is the "
             "smallest forget bias b_f for which the cell-path factor f ** 100, a hundred steps back, is still "
             "at least 1e-3? (One number.)",
    expected=_bias_for_100_steps,
    sig=3,
    explain="f ** 100 = 1e-3 gives f = 10 ** (-3/100) = 0.9333, and b_f = ln(f / (1 - f)) = 2.64. So a bias "
            "of 1 (f = 0.73) is far from enough for 100 steps; the gates must learn to sit closer to 1.",
    hints=[
        Hint(1e-3 ** (1 / 100),
             "That is the forget gate f = 0.933 itself. The question asks for the bias b_f with sigmoid(b_f) = f: "
             "invert the sigmoid, b_f = ln(f / (1 - f))."),
        Hint(np.log(1e-3) / 100, "ln(1e-3) / 100 = -0.069 is ln(f), not f. Take f = exp(ln(1e-3) / 100) = 0.933, "
                                 "then b_f = ln(f / (1 - f))."),
        Hint(-np.log(1e-3) / 100, "-ln(1e-3) / 100 = 0.069 is -ln(f), not f. Take f = exp(ln(1e-3) / 100) = "
                                  "0.933, then b_f = ln(f / (1 - f))."),
        Hint(np.log(0.999 / 0.001), "That makes f = 0.999, far more than needed. Solve f ** 100 = 1e-3 for f "
                                    "first."),
    ],
    fallback=lambda a, w: (
        "Too small: with that bias, f ** 100 falls below 1e-3. Try f = 10 ** (-3/100) and invert the sigmoid."
        if a < w else "Solve f ** 100 = 1e-3 for f, then invert the sigmoid: b_f = ln(f / (1 - f))."),
))


# --- coding exercises: 11-lstm-step-backward and 11-bptt ---------------------------------------------
import lstm_core as L  # noqa: E402
from lstm_core.cell import lstm_step, lstm_step_backward  # noqa: E402
from lstm_core.sequence import lstm_backward  # noqa: E402
from .coding import CodeExercise, central_differences  # noqa: E402
from . import Hint  # noqa: E402


def my_lstm_step_backward(dh, dc, x, h_prev, c_prev, W_x, W_h, b):
    """Backward of one LSTM step (lstm_core's layout: gate rows f, i, o, g), for a batch.

    dh, dc: dL/dh and dL/dc arriving at this step's outputs h and c, (B, H);
    x: (B, D); h_prev, c_prev: (B, H); W_x: (4H, D); W_h: (4H, H); b: (4H,).
    Returns (dx (B, D), dh_prev (B, H), dc_prev (B, H), dW_x (4H, D), dW_h (4H, H), db (4H,))."""
    H = h_prev.shape[1]
    z = x @ W_x.T + h_prev @ W_h.T + b                 # the forward again, keeping every gate
    f, i, o = (L.sigmoid(z[:, k * H:(k + 1) * H]) for k in range(3))
    g = np.tanh(z[:, 3 * H:])
    c = f * c_prev + i * g
    tanh_c = np.tanh(c)
    dc_total = dc + dh * o * (1 - tanh_c ** 2)         # c reaches the loss directly and through h
    dz = np.concatenate([dc_total * c_prev * f * (1 - f),     # forget gate, through sigmoid'
                         dc_total * g * i * (1 - i),          # input gate
                         dh * tanh_c * o * (1 - o),           # output gate
                         dc_total * i * (1 - g ** 2)], axis=1)  # candidate, through tanh'
    dx = dz @ W_x                                      # (B, 4H) @ (4H, D)
    dh_prev = dz @ W_h
    dc_prev = dc_total * f                             # the highway: back through the forget gate only
    dW_x = dz.T @ x                                    # summed over the batch by the product
    dW_h = dz.T @ h_prev
    db = dz.sum(axis=0)
    return dx, dh_prev, dc_prev, dW_x, dW_h, db


_STEP_SIZES = ((1, 2, 3), (3, 4, 2), (2, 3, 4))     # (B, D, H): B = 1, D != H both ways


def _lstm_step_cases():
    rng = np.random.default_rng(11)
    out = []
    for B, D, H in _STEP_SIZES:
        out.append(dict(dh=rng.normal(size=(B, H)), dc=rng.normal(size=(B, H)), x=rng.normal(size=(B, D)),
                        h_prev=np.tanh(rng.normal(size=(B, H))), c_prev=rng.normal(0, 1.5, (B, H)),
                        W_x=rng.normal(0, 0.7, (4 * H, D)), W_h=rng.normal(0, 0.7, (4 * H, H)),
                        b=rng.normal(0, 0.5, 4 * H)))
    return out


def _lstm_step_reference(dh, dc, x, h_prev, c_prev, W_x, W_h, b):
    params = LSTMParams(W_x, W_h, b)
    step = lstm_step(params, x, h_prev, c_prev)
    g = lstm_step_backward(params, step, dh, dc)
    return g.x, g.h_prev, g.c_prev, g.params.weight_x, g.params.weight_h, g.params.bias


def _lstm_step_gradcheck(dh, dc, x, h_prev, c_prev, W_x, W_h, b):
    def loss(x, h_prev, c_prev, W_x, W_h, b):
        s = lstm_step(LSTMParams(W_x, W_h, b), x, h_prev, c_prev)
        return float(np.sum(dh * s.h) + np.sum(dc * s.c))      # so dL/dh = dh and dL/dc = dc
    args = dict(x=x, h_prev=h_prev, c_prev=c_prev, W_x=W_x, W_h=W_h, b=b)
    num = central_differences(loss, args, tuple(args))
    return {"dx": num["x"], "dh_prev": num["h_prev"], "dc_prev": num["c_prev"], "dW_x": num["W_x"],
            "dW_h": num["W_h"], "db": num["b"]}


def _step_backward_variant(kind):
    """A wrong LSTM step backward; ``kind`` names the mistake."""
    def wrong(dh, dc, x, h_prev, c_prev, W_x, W_h, b):
        H = h_prev.shape[1]
        z = x @ W_x.T + h_prev @ W_h.T + b
        f, i, o = (L.sigmoid(z[:, k * H:(k + 1) * H]) for k in range(3))
        g = np.tanh(z[:, 3 * H:])
        c = f * c_prev + i * g
        tc = np.tanh(c)
        through_h = dh * o if kind == "no_dtanh" else dh * o * (1 - tc ** 2)
        dc_total = through_h if kind == "dc_ignored" else dc + through_h
        dsig = (lambda a: 1.0) if kind == "no_dsigmoid" else (lambda a: a * (1 - a))
        parts = {"f": dc_total * c_prev * f * dsig(f), "i": dc_total * g * i * dsig(i),
                 "o": dh * (c if kind == "do_uses_c" else tc) * o * dsig(o), "g": dc_total * i * (1 - g ** 2)}
        order = "ifog" if kind == "gate_order" else "fiog"
        dz = np.concatenate([parts[k] for k in order], axis=1)
        dx = dz @ W_x.T if kind == "no_transpose" else dz @ W_x
        dc_prev = dc_total if kind == "dc_not_through_f" else dc_total * f
        dW_x = x.T @ dz if kind == "dW_swapped" else dz.T @ x
        db = dz if kind == "db_not_summed" else dz.sum(axis=0)
        return dx, dz @ W_h, dc_prev, dW_x, dz.T @ h_prev, db
    wrong.__name__ = f"lstm_step_backward_{kind}"
    wrong.__doc__ = {
        "no_dtanh": "dh reaches c through h = o * tanh(c) without the factor tanh'(c).",
        "dc_ignored": "The dc arriving from later steps dropped.",
        "no_dsigmoid": "The gates' sigmoid' factors f(1 - f), i(1 - i), o(1 - o) left out.",
        "do_uses_c": "The output gate's gradient multiplied by c instead of tanh(c).",
        "gate_order": "The blocks of dz concatenated as i, f, o, g instead of f, i, o, g.",
        "no_transpose": "dx = dz @ W_x.T: W transposed where W itself belongs (rows are examples).",
        "dc_not_through_f": "dc_prev = dc_total: the forget gate's factor left out.",
        "dW_swapped": "dW_x = x.T @ dz: the transpose of the weight gradient.",
        "db_not_summed": "db = dz: the bias gradient not summed over the batch.",
    }[kind]
    return wrong


register("11-lstm-step-backward", CodeExercise(
    question=("Write my_lstm_step_backward(dh, dc, x, h_prev, c_prev, W_x, W_h, b) -> (dx, dh_prev, dc_prev, dW_x, "
              "dW_h, db): the backward of one LSTM step for a batch, in lstm_core's layout (gate rows f, i, o, g). "
              "dh and dc are dL/dh and dL/dc at this step's outputs, (B, H); x (B, D); h_prev and c_prev (B, H); "
              "W_x (4H, D); W_h (4H, H); b (4H,). Each gradient has the shape of what it is the gradient of."),
    solution=my_lstm_step_backward,
    reference=_lstm_step_reference,
    cases=_lstm_step_cases,
    outputs=("dx", "dh_prev", "dc_prev", "dW_x", "dW_h", "db"),
    gradcheck=_lstm_step_gradcheck,
    hints=[
        Hint(_step_backward_variant("db_not_summed"), "db must have the shape of b, (4H,): every example of the "
                                                      "batch used the same bias, so add their gradients up."),
        Hint(_step_backward_variant("dW_swapped"), "dW_x must have the shape of W_x, (4H, D): row k of W_x feeds "
                                                   "pre-activation k, so put dz's columns in the rows."),
        Hint(_step_backward_variant("no_transpose"), "dx: with one example per row, the forward was x @ W_x.T, "
                                                     "so going back multiplies dz by W_x itself, not W_x.T."),
        Hint(_step_backward_variant("no_dtanh"), "dh reaches c through h = o * tanh(c): that path needs the "
                                                 "factor tanh'(c) = 1 - tanh(c)**2."),
        Hint(_step_backward_variant("dc_ignored"), "The gradient dc arriving from the next step is missing: c "
                                                   "reaches the loss directly as well as through h, so add dc."),
        Hint(_step_backward_variant("dc_not_through_f"), "dc_prev: c = f * c_prev + ..., so the gradient reaching "
                                                         "c_prev is scaled by f (the forget gate is the highway's "
                                                         "only factor)."),
        Hint(_step_backward_variant("no_dsigmoid"), "The three gates' gradients miss their sigmoid' factor, "
                                                    "a * (1 - a) for a gate with value a."),
        Hint(_step_backward_variant("do_uses_c"), "The output gate multiplies tanh(c), not c: its gradient is "
                                                  "dh * tanh(c) (then sigmoid')."),
        Hint(_step_backward_variant("gate_order"), "The blocks of dz are in the wrong order: they must match the "
                                                   "rows of W_x, which lstm_core stores as f, i, o, g."),
    ],
    explain="dc_prev = (dc + dh * o * tanh'(c)) * f is the gradient highway: no matrix, no squashing, only "
            "the forget gate.",
))


def my_lstm_backward(dhs, xs, W_x, W_h, b):
    """Backpropagation through time for an LSTM over a batch of sequences, from h_0 = c_0 = 0.

    dhs: (B, T, H) dL/dh_t as the loss sees each hidden state; xs: (B, T, D); W_x, W_h, b as in
    lstm_core (gate rows f, i, o, g). Use steps = L.lstm_forward_loop(params, xs) for the forward and
    L.lstm_step_backward(params, steps[t], dh, dc) for one step back (its result has .x, .h_prev,
    .c_prev and .params.weight_x / .weight_h / .bias).
    Returns (dxs (B, T, D), dW_x, dW_h, db, dh0 (B, H), dc0 (B, H))."""
    params = L.LSTMParams(W_x, W_h, b)
    steps = L.lstm_forward_loop(params, xs)            # the forward, keeping every step
    T = xs.shape[1]
    dxs = np.zeros_like(xs)
    dW_x, dW_h, db = np.zeros_like(W_x), np.zeros_like(W_h), np.zeros_like(b)
    dh_next = np.zeros_like(steps[0].h)                # dL/dh_t through the steps after t
    dc_next = np.zeros_like(steps[0].c)
    for t in reversed(range(T)):                       # backwards in time
        g = L.lstm_step_backward(params, steps[t], dhs[:, t] + dh_next, dc_next)
        dxs[:, t] = g.x
        dW_x += g.params.weight_x                      # the same weights act at every step: add up
        dW_h += g.params.weight_h
        db += g.params.bias
        dh_next, dc_next = g.h_prev, g.c_prev          # carried to the step before
    return dxs, dW_x, dW_h, db, dh_next, dc_next


def _bptt_cases():
    rng = np.random.default_rng(12)
    out = []
    for B, T, D, H in ((1, 4, 2, 3), (3, 3, 3, 2), (2, 5, 1, 2)):
        out.append(dict(dhs=rng.normal(size=(B, T, H)), xs=rng.normal(size=(B, T, D)),
                        W_x=rng.normal(0, 0.7, (4 * H, D)), W_h=rng.normal(0, 0.7, (4 * H, H)),
                        b=rng.normal(0, 0.5, 4 * H)))
    return out


def _bptt_reference(dhs, xs, W_x, W_h, b):
    """lstm_core.lstm_backward: the fast version, not the plain loop the solution uses."""
    g = lstm_backward(lstm_forward(LSTMParams(W_x, W_h, b), xs), dhs)
    return g.xs, g.params.weight_x, g.params.weight_h, g.params.bias, g.h0, g.c0


def _bptt_gradcheck(dhs, xs, W_x, W_h, b):
    def loss(xs, W_x, W_h, b):
        return float(np.sum(dhs * lstm_forward(LSTMParams(W_x, W_h, b), xs).h))
    num = central_differences(loss, dict(xs=xs, W_x=W_x, W_h=W_h, b=b), ("xs", "W_x", "W_h", "b"))
    return {"dxs": num["xs"], "dW_x": num["W_x"], "dW_h": num["W_h"], "db": num["b"]}


def _bptt_variant(kind):
    """A wrong BPTT loop; ``kind`` names the mistake."""
    def wrong(dhs, xs, W_x, W_h, b):
        params = L.LSTMParams(W_x, W_h, b)
        steps = L.lstm_forward_loop(params, xs)
        T = xs.shape[1]
        dxs = np.zeros_like(xs)
        dW_x, dW_h, db = np.zeros_like(W_x), np.zeros_like(W_h), np.zeros_like(b)
        dh_next, dc_next = np.zeros_like(steps[0].h), np.zeros_like(steps[0].c)
        times = range(T) if kind == "forward_order" else reversed(range(T))
        for t in times:
            dh_t = dhs[:, t] if kind == "dh_not_carried" else dhs[:, t] + dh_next
            g = L.lstm_step_backward(params, steps[t], dh_t, None if kind == "dc_not_carried" else dc_next)
            if kind != "dxs_not_stored":
                dxs[:, t] = g.x
            if kind == "dW_overwritten":
                dW_x, dW_h, db = g.params.weight_x, g.params.weight_h, g.params.bias
            else:
                dW_x += g.params.weight_x
                dW_h += g.params.weight_h
                db += g.params.bias
            dh_next, dc_next = g.h_prev, g.c_prev
        return dxs, dW_x, dW_h, db, dh_next, dc_next
    wrong.__name__ = f"bptt_{kind}"
    wrong.__doc__ = {
        "dh_not_carried": "dh_t = dL/dh_t only: the gradient from the later steps (dh_prev) not added.",
        "dc_not_carried": "dc = None at every step: the cell state's gradient not carried back.",
        "dW_overwritten": "dW = this step's dW (=) instead of adding it up (+=) over the steps.",
        "forward_order": "The loop runs forward in time (range(T)) instead of backwards.",
        "dxs_not_stored": "dxs left at zero: each step's dx not stored.",
    }[kind]
    return wrong


register("11-bptt", CodeExercise(
    question=("Write my_lstm_backward(dhs, xs, W_x, W_h, b) -> (dxs, dW_x, dW_h, db, dh0, dc0): backpropagation "
              "through time for an LSTM from h_0 = c_0 = 0, looping backwards over the steps with "
              "L.lstm_step_backward and carrying dh and dc from each step to the one before. dhs (B, T, H) is "
              "dL/dh_t as the loss sees each step; xs (B, T, D); W_x (4H, D), W_h (4H, H), b (4H,)."),
    solution=my_lstm_backward,
    reference=_bptt_reference,
    cases=_bptt_cases,
    outputs=("dxs", "dW_x", "dW_h", "db", "dh0", "dc0"),
    gradcheck=_bptt_gradcheck,
    hints=[
        Hint(_bptt_variant("forward_order"), "The loop must run backwards in time, from the last step to the "
                                             "first: step t needs the gradient coming back from step t + 1."),
        Hint(_bptt_variant("dh_not_carried"), "At step t, dh is the loss's own dL/dh_t PLUS the gradient that "
                                              "came back from step t + 1 (the previous iteration's dh_prev)."),
        Hint(_bptt_variant("dc_not_carried"), "The cell state's gradient must be carried too: pass the previous "
                                              "iteration's dc_prev as this step's dc (it starts at zero)."),
        Hint(_bptt_variant("dW_overwritten"), "The same weights act at every step, so their gradient is the SUM "
                                              "of every step's term: add each step's dW up, do not replace it."),
        Hint(_bptt_variant("dxs_not_stored"), "dxs is still zero: store each step's dx at its time index."),
    ],
    explain="That loop is lstm_core.lstm_backward_loop; lstm_backward computes the same numbers faster.",
))
