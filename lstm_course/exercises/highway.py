"""Exercises of notebook 11 (the gradient highway)."""

import numpy as np

from lstm_core.params import LSTMParams
from lstm_core.sequence import lstm_forward
from . import Exercise
from . import register


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
    tol=1e-4,
    explain="Each step back multiplies by that step's forget gate: 0.9 ** 20 = 0.1216. Even a gate "
            "that keeps 90% per step lets only an eighth of the gradient through 20 steps.",
    hints=[
        (lambda a, w: abs(a - 0.9 * 20) < 1e-3,
         "0.9 * 20 adds the gates up. The chain rule multiplies them: 0.9 * 0.9 * ... (20 factors)."),
        (lambda a, w: abs(a - 0.9 ** 19) < 1e-4 or abs(a - 0.9 ** 21) < 1e-4,
         "One factor too many or too few: from c_T back to c_0 there are exactly 20 forget gates, f_1 ... f_20."),
        (lambda a, w: abs(a - 0.1 ** 20) < 1e-12 or abs(a - (1 - 0.9 ** 20)) < 1e-4,
         "f is the share KEPT, and the gradient along the cell path is multiplied by f itself, not by 1 - f."),
        (lambda a, w: abs(a - 0.9) < 1e-4,
         "That is one step back. The factors of all 20 steps multiply."),
        (lambda a, w: abs(a - 0.25 ** 20) < 1e-12 or abs(a - (0.9 * 0.09) ** 20) < 1e-12,
         "Along the cell path there is no sigmoid slope: d(f * c_prev)/dc_prev is f itself."),
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
             "at least 1e-3? (One number, to two decimals.)",
    expected=_bias_for_100_steps,
    tol=0.01,
    explain="f ** 100 = 1e-3 gives f = 10 ** (-3/100) = 0.9333, and b_f = ln(f / (1 - f)) = 2.64. So a bias "
            "of 1 (f = 0.73) is far from enough for 100 steps; the gates must learn to sit closer to 1.",
    hints=[
        (lambda a, w: abs(a - 1e-3 ** (1 / 100)) < 0.01,
         "That is the forget gate f = 0.933 itself. The question asks for the bias b_f with sigmoid(b_f) = f: "
         "invert the sigmoid, b_f = ln(f / (1 - f))."),
        (lambda a, w: abs(a - np.log(1e-3) / 100) < 0.01 or abs(a + np.log(1e-3) / 100) < 0.01,
         "ln(1e-3) / 100 = -0.069 is ln(f), not f. Take f = exp(ln(1e-3) / 100) = 0.933, then b_f = ln(f / (1 - f))."),
        (lambda a, w: abs(a - np.log(0.999 / 0.001)) < 0.01,
         "That makes f = 0.999, far more than needed. Solve f ** 100 = 1e-3 for f first."),
        (lambda a, w: a < 2.0,
         "Too small: with that bias, f ** 100 falls below 1e-3. Try f = 10 ** (-3/100) and invert the sigmoid."),
    ],
    fallback="Solve f ** 100 = 1e-3 for f, then invert the sigmoid: b_f = ln(f / (1 - f)).",
))
