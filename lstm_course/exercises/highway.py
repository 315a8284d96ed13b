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
