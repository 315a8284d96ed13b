"""Exercises of notebook 01 (why recurrence)."""

import numpy as np

from lstm_core.counting import count_params
from lstm_core.output import project
from lstm_core.params import RNNParams
from lstm_core.rnn import rnn_forward
from . import Exercise
from . import register

# --- 01-many-to-one-shape ----------------------------------------------------------------------
# A batch of 32 sequences, 10 steps each, 8 features a step; an RNN with 16 hidden units reads
# them, and an output layer turns the last hidden state into 3 class scores.
SHAPE_B, SHAPE_T, SHAPE_D, SHAPE_H, SHAPE_K = 32, 10, 8, 16, 3


def many_to_one_output_shape():
    """The output shape of the many-to-one model above, computed by running it."""
    params = RNNParams.init(SHAPE_D, SHAPE_H, seed=0)
    xs = np.zeros((SHAPE_B, SHAPE_T, SHAPE_D))
    h_last = rnn_forward(params, xs).h_last                       # (B, H)
    y = project(np.zeros((SHAPE_K, SHAPE_H)), np.zeros(SHAPE_K), h_last)
    return np.array(y.shape, dtype=float)


def _is(shape):
    return lambda a, w: np.array_equal(a, np.array(shape, dtype=float))


register("01-many-to-one-shape", Exercise(
    question=(f"A many-to-one model reads a batch of {SHAPE_B} sequences of {SHAPE_T} steps with "
              f"{SHAPE_D} features each (input shape ({SHAPE_B}, {SHAPE_T}, {SHAPE_D})). An RNN with "
              f"{SHAPE_H} hidden units runs over them, and an output layer maps the last hidden state to "
              f"{SHAPE_K} class scores. What is the shape of the output? Answer as a list, e.g. [1, 2]."),
    expected=many_to_one_output_shape,
    tol=0.0,
    explain=(f"Only the last step's hidden state reaches the output layer: h_T is ({SHAPE_B}, {SHAPE_H}) "
             f"and the projection turns it into ({SHAPE_B}, {SHAPE_K}), one row of scores per sequence."),
    hints=[
        (_is((SHAPE_B, SHAPE_H)), f"That is the shape of the last hidden state h_T. The output layer "
                                  f"still maps its {SHAPE_H} units to {SHAPE_K} scores."),
        (_is((SHAPE_T, SHAPE_K)), "The batch axis never goes away: every sequence in the batch gets its "
                                  "own output. And 'many-to-one' keeps one step, not all of them."),
        (_is((SHAPE_B, SHAPE_T)), "The last axis of the output is the number of scores per sequence, "
                                  "and a many-to-one model has no time axis in its output."),
        (lambda a, w: a[0] == SHAPE_B and a[1] == SHAPE_D,
         "The input's feature size does not survive: the output layer decides the last axis."),
    ],
    fallback="Follow the shapes in the topology cell above: which arrays keep a time axis?",
))


# --- 01-pulse-memory ------------------------------------------------------------------------------
# One hidden unit, W_xh = 1, W_hh = 0.5, b = 0, input x = [1, 0, 0]: what is h_3?
PULSE_W_HH = 0.5


def _pulse_h(T=3, w_hh=PULSE_W_HH):
    params = RNNParams(np.array([[1.0]]), np.array([[w_hh]]), np.zeros(1))
    xs = np.zeros((1, T, 1))
    xs[0, 0, 0] = 1.0
    return rnn_forward(params, xs).h[0, :, 0]


register("01-pulse-memory", Exercise(
    question=("An RNN has a single hidden unit with input weight 1, recurrent weight 0.5 and no bias: "
              "h_t = tanh(1 * x_t + 0.5 * h_(t-1)), starting from h_0 = 0. It reads x_1 = 1, x_2 = 0, "
              "x_3 = 0. What is h_3 (three decimals)?"),
    expected=lambda: _pulse_h()[2],
    tol=1e-3,
    explain=("h_1 = tanh(1) = 0.762, h_2 = tanh(0.5 x 0.762) = 0.363, h_3 = tanh(0.5 x 0.363) = 0.180. "
             "The input was seen once, yet two steps later it is still there, a little weaker each step."),
    hints=[
        (lambda a, w: abs(a - _pulse_h()[1]) < 1e-3, "That is h_2. Do one more step."),
        (lambda a, w: abs(a - _pulse_h()[0]) < 1e-3, "That is h_1 = tanh(1). The state keeps changing after "
                                                     "the input stops: apply the recurrence twice more."),
        (lambda a, w: abs(a - 0.25) < 1e-3, "0.25 = 1 x 0.5 x 0.5 leaves out the tanh at every step."),
        (lambda a, w: abs(a - np.tanh(1.0) * 0.25) < 1e-3,
         "Close, but tanh is applied at every step, not only the first: h_2 = tanh(0.5 h_1), "
         "then h_3 = tanh(0.5 h_2)."),
        (lambda a, w: abs(a) < 1e-6, "The input is 0 at t = 3, but h_2 is not: the recurrent term "
                                     "0.5 h_2 still feeds in."),
    ],
    fallback="Compute h_1, h_2, h_3 one after the other: h_t = tanh(x_t + 0.5 h_(t-1)).",
))


# --- 01-stack-params ----------------------------------------------------------------------------
STACK_D, STACK_H = 3, 5

register("01-stack-params", Exercise(
    question=(f"Two vanilla RNN layers are stacked: the first reads inputs of size {STACK_D}, both have "
              f"{STACK_H} hidden units, and the second reads the first one's hidden state. Counting "
              f"W_xh, W_hh and one bias vector per layer, how many parameters do the two layers have "
              f"together?"),
    expected=lambda: count_params(STACK_D, STACK_H, layers=2, cell="rnn"),
    tol=0.5,
    explain=(f"Layer 1: {STACK_H} x ({STACK_D} + {STACK_H}) + {STACK_H} = "
             f"{count_params(STACK_D, STACK_H, cell='rnn')}. Layer 2 reads {STACK_H} numbers, not "
             f"{STACK_D}: {STACK_H} x ({STACK_H} + {STACK_H}) + {STACK_H} = "
             f"{count_params(STACK_H, STACK_H, cell='rnn')}."),
    hints=[
        (lambda a, w: abs(a - 2 * count_params(STACK_D, STACK_H, cell="rnn")) < 0.5,
         f"That counts the second layer as if it read the {STACK_D} input features. Its input is the "
         f"first layer's hidden state."),
        (lambda a, w: abs(a - count_params(STACK_D, STACK_H, cell="rnn")) < 0.5,
         "That is one layer. Add the second."),
        (lambda a, w: abs(a - 2 * count_params(STACK_D, STACK_H, cell="rnn", convention="torch")) < 0.5
         or abs(a - count_params(STACK_D, STACK_H, layers=2, cell="rnn", convention="torch")) < 0.5,
         "That counts two bias vectors per layer (PyTorch's b_ih and b_hh). Count one here."),
        (lambda a, w: abs(a - 2 * STACK_H * (STACK_D + STACK_H)) < 0.5
         or abs(a - (STACK_H * (STACK_D + STACK_H) + STACK_H * 2 * STACK_H)) < 0.5,
         "Don't forget the bias vector of each layer."),
    ],
    fallback="Each layer has W_xh (H x its input size), W_hh (H x H) and a bias (H).",
))
