"""Exercises of notebook 12 (LSTM vs RNN on a long-range task)."""

import numpy as np

from ..activations import sigmoid
from ..experiments import chance
from ..params import LSTMParams
from ..sequence import lstm_forward
from . import Exercise, register


def _kept_after(bias, k):
    """Product of the forget gates f_2..f_{k+1} of a one-unit LSTM with zero weights and forget bias
    ``bias``: the share of c_1 still in c_{k+1} (computed by running the cell)."""
    p = LSTMParams(np.zeros((4, 1)), np.zeros((4, 1)), np.zeros(4))
    p.gate("f").b[:] = bias
    return float(np.prod(lstm_forward(p, np.zeros((1, k + 1, 1))).f[0, 1:, 0]))


register("12-kept-after-40", Exercise(
    question="An LSTM unit's forget gate has zero weights and bias 4, so f = sigmoid(4) at every step. "
             "What share of the cell state c_1 is still in c_41, forty steps later (a number)?",
    expected=lambda: _kept_after(4.0, 40),
    tol=1e-3,
    explain="sigmoid(4) = 0.982, and forty steps multiply it forty times: 0.982 ** 40 = 0.484. With the "
            "usual bias 1 the same gap leaves 0.731 ** 40, about 4e-6: nothing a gradient could follow.",
    hints=[
        (lambda a, w: abs(a - sigmoid(4.0)) < 1e-3,
         "That is one step. Each of the forty steps multiplies the cell state by f again."),
        (lambda a, w: abs(a - 40 * sigmoid(4.0)) < 1e-2 or abs(a / 4.0 ** 40 - 1) < 1e-3,
         "The forget gate multiplies: c_41 = f * f * ... * f * c_1 (forty factors of sigmoid(4))."),
        (lambda a, w: abs(a - sigmoid(4.0) ** 39) < 1e-4 or abs(a - sigmoid(4.0) ** 41) < 1e-4,
         "One factor too many or too few: from c_1 to c_41 there are exactly forty forget gates, f_2 ... f_41."),
        (lambda a, w: abs(a - (1 - sigmoid(4.0)) ** 40) < 1e-6 or abs(a - (1 - sigmoid(4.0) ** 40)) < 1e-3,
         "f is the share KEPT at each step (not the share forgotten); raise f itself to the 40th power."),
        (lambda a, w: abs(a - sigmoid(1.0) ** 40) < 1e-6,
         "That is what the usual bias of 1 would keep. Here the bias is 4: f = sigmoid(4)."),
        (lambda a, w: abs(a - 0.95 ** 40) < 1e-3,
         "0.95 is sigmoid(3). With a bias of 4, f = sigmoid(4) = 0.982."),
    ],
    fallback="Compute f = 1 / (1 + exp(-4)), then f ** 40.",
))


register("12-chance-6", Exercise(
    question="The same task with an alphabet of 6 symbols instead of 4: what test accuracy does a model "
             "that has forgotten the symbol reach on average (a number)?",
    expected=lambda: chance(6),
    tol=1e-3,
    explain="A model that knows nothing can only guess; with 6 equally likely symbols it is right 1/6 = 0.167 "
            "of the time. That is the floor the RNN's curve sinks to when it forgets.",
    hints=[
        (lambda a, w: abs(a - 0.25) < 1e-3, "0.25 is chance for 4 symbols. With 6 symbols one guess in six is right."),
        (lambda a, w: abs(a - 1 / 6 * 100) < 0.1, "Give it as a fraction between 0 and 1, not in percent."),
        (lambda a, w: abs(a - 5 / 6) < 1e-3, "5/6 is how often a guess is WRONG."),
        (lambda a, w: abs(a) < 1e-3, "A guess is still right sometimes: one time in six on average."),
    ],
    fallback="Guessing among n equally likely symbols is right 1/n of the time.",
))
