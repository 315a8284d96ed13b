"""Exercises of notebook 12 (LSTM vs RNN on a long-range task)."""

import numpy as np

from lstm_core.activations import sigmoid
from ..demos.long_range import chance
from lstm_core.params import LSTMParams
from lstm_core.models import SequenceModel
from lstm_core.sequence import lstm_forward
from . import Exercise, Hint, register


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
    sig=3,
    explain="sigmoid(4) = 0.982, and forty steps multiply it forty times: 0.982 ** 40 = 0.484. With the "
            "usual bias 1 the same gap leaves 0.731 ** 40, about 4e-6: nothing a gradient could follow.",
    hints=[
        Hint(lambda: sigmoid(4.0), "That is one step. Each of the forty steps multiplies the cell state by f again."),
        Hint(lambda: 40 * sigmoid(4.0), "The forget gate multiplies: c_41 = f * f * ... * f * c_1 (forty factors "
                                        "of sigmoid(4)), it does not add."),
        Hint(4.0 ** 40, "The power applies to the gate f = sigmoid(4), not to the bias 4."),
        Hint(lambda: sigmoid(4.0) ** 39, "One factor too few: from c_1 to c_41 there are exactly forty forget "
                                         "gates, f_2 ... f_41."),
        Hint(lambda: sigmoid(4.0) ** 41, "One factor too many: from c_1 to c_41 there are exactly forty forget "
                                         "gates, f_2 ... f_41."),
        Hint(lambda: (1 - sigmoid(4.0)) ** 40, "f is the share KEPT at each step (not the share forgotten); raise "
                                               "f itself to the 40th power."),
        Hint(lambda: 1 - sigmoid(4.0) ** 40, "That is the share lost over the forty steps; the question asks for "
                                             "the share kept."),
        Hint(lambda: sigmoid(1.0) ** 40, "That is what the usual bias of 1 would keep. Here the bias is 4: "
                                         "f = sigmoid(4)."),
        Hint(lambda: sigmoid(3.0) ** 40, "That uses sigmoid(3). With a bias of 4, f = sigmoid(4) = 0.982."),
    ],
    fallback="Compute f = 1 / (1 + exp(-4)), then f ** 40.",
))


register("12-chance-6", Exercise(
    question="The same task with an alphabet of 6 symbols instead of 4: what test accuracy does a model "
             "that has forgotten the symbol reach on average (a number)?",
    expected=lambda: chance(6),
    sig=2,
    explain="A model that knows nothing can only guess; with 6 equally likely symbols it is right 1/6 = 0.167 "
            "of the time. That is the floor the RNN's curve sinks to when it forgets.",
    hints=[
        Hint(lambda: chance(4), "That is chance for 4 symbols. With 6 symbols one guess in six is right."),
        Hint(lambda: 100 * chance(6), "Give it as a fraction between 0 and 1, not in percent."),
        Hint(lambda: 1 - chance(6), "That is how often a guess is WRONG."),
        Hint(0.0, "A guess is still right sometimes: one time in six on average."),
    ],
    fallback="Guessing among n equally likely symbols is right 1/n of the time.",
))


def _rnn_params(H, n_in=4, n_out=4):
    """Parameters of a plain RNN with a linear read-out, counted from the model itself."""
    return SequenceModel("rnn", n_in, H, n_out, seed=0).num_params


def _largest_rnn_within(budget):
    """The largest H whose plain RNN (4 inputs, read-out to 4 classes) has at most ``budget`` parameters."""
    H = 1
    while _rnn_params(H + 1) <= budget:
        H += 1
    return H


_LSTM_COUNT = SequenceModel("lstm", 4, 32, 4, seed=0).num_params

register("12-rnn-size", Exercise(
    question="A plain RNN with 4 inputs, H hidden units and a read-out to 4 classes has H*H + 9*H + 4 "
             "parameters. What is the largest H that keeps it at or below the LSTM's 4,868 parameters "
             "(a whole number)?",
    expected=lambda: _largest_rnn_within(_LSTM_COUNT),
    sig=None,
    explain="H = 65 gives 65 * 65 + 9 * 65 + 4 = 4,814 parameters, 54 fewer than the LSTM; H = 66 would give "
            "4,954, too many. That is the big RNN of the notebook.",
    hints=[
        Hint(lambda: _largest_rnn_within(_LSTM_COUNT) + 1,
             "One too many: H = 66 gives 66 * 66 + 9 * 66 + 4 = 4,954 parameters, more than the LSTM's 4,868."),
        Hint(32, "32 is the small RNN: 1,316 parameters. Look for the H whose count comes closest to 4,868 "
                 "from below."),
        Hint(lambda: (-9 + np.sqrt(81 - 4 * (4 - _LSTM_COUNT))) / 2,
             "That solves H*H + 9*H + 4 = 4,868 exactly; H counts units, so take the largest whole number "
             "below it."),
        *(Hint(root, "H*H alone is not the count: the input weights (4H), the bias (H) and the read-out "
                     "(4H + 4) add 9H + 4.")
          for root in (lambda: np.sqrt(_LSTM_COUNT), lambda: np.floor(np.sqrt(_LSTM_COUNT)))),
        Hint(4 * 32, "4 * 32 counts the LSTM's four gate blocks as units, but an RNN's count grows with H*H: "
                     "H = 128 gives 17,540 parameters, far more than 4,868."),
    ],
    fallback=lambda a, w: ("That fits, but a larger H fits too. Try the next few values of H*H + 9*H + 4."
                           if a < w and a == np.round(a) else
                           "Try values of H near the square root of 4,868 and count H*H + 9*H + 4 for each."),
))
