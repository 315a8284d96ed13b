"""Exercises of notebook 01 (why recurrence)."""

import numpy as np

from lstm_core.counting import count_params
from lstm_core.output import project
from lstm_core.params import RNNParams
from lstm_core.rnn import rnn_forward
from . import Exercise, Hint, register

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


register("01-many-to-one-shape", Exercise(
    question=(f"A many-to-one model reads a batch of {SHAPE_B} sequences of {SHAPE_T} steps with "
              f"{SHAPE_D} features each (input shape ({SHAPE_B}, {SHAPE_T}, {SHAPE_D})). An RNN with "
              f"{SHAPE_H} hidden units runs over them, and an output layer maps the last hidden state to "
              f"{SHAPE_K} class scores. What is the shape of the output? Answer as a list, e.g. [1, 2]."),
    expected=many_to_one_output_shape,
    sig=None,
    explain=(f"Only the last step's hidden state reaches the output layer: h_T is ({SHAPE_B}, {SHAPE_H}) "
             f"and the projection turns it into ({SHAPE_B}, {SHAPE_K}), one row of scores per sequence."),
    hints=[
        Hint((SHAPE_B, SHAPE_H), f"That is the shape of the last hidden state h_T. The output layer "
                                 f"still maps its {SHAPE_H} units to {SHAPE_K} scores."),
        Hint((SHAPE_T, SHAPE_K), "The batch axis never goes away: every sequence in the batch gets its "
                                 "own output. And 'many-to-one' keeps one step, not all of them."),
        Hint((SHAPE_B, SHAPE_T), "The last axis of the output is the number of scores per sequence, "
                                 "and a many-to-one model has no time axis in its output."),
        Hint((SHAPE_B, SHAPE_D), "The input's feature size does not survive: the output layer decides the "
                                 "last axis."),
        Hint((SHAPE_B, SHAPE_T, SHAPE_K), "That keeps the time axis, as a many-to-many model would. "
                                          "Many-to-one reads out the last step only."),
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
              "x_3 = 0. What is h_3?"),
    expected=lambda: _pulse_h()[2],
    sig=3,
    explain=("h_1 = tanh(1) = 0.762, h_2 = tanh(0.5 x 0.762) = 0.363, h_3 = tanh(0.5 x 0.363) = 0.180. "
             "The input was seen once, yet two steps later it is still there, a little weaker each step."),
    hints=[
        Hint(lambda: _pulse_h()[1], "That is h_2, one step short: the recurrence runs once more."),
        Hint(lambda: _pulse_h()[0], "That is h_1 = tanh(1). The state keeps changing after "
                                    "the input stops: apply the recurrence twice more."),
        Hint(lambda: PULSE_W_HH ** 2, "That leaves out the tanh at every step."),
        Hint(lambda: np.tanh(1.0) * PULSE_W_HH ** 2,
             "tanh is applied at every step, not only the first: h_2 = tanh(0.5 h_1), "
             "then h_3 = tanh(0.5 h_2)."),
        Hint(0.0, "The input is 0 at t = 3, but h_2 is not: the recurrent term 0.5 h_2 still feeds in."),
    ],
    fallback="Compute h_1, h_2, h_3 one after the other: h_t = tanh(x_t + 0.5 h_(t-1)).",
))


# --- 01-stack-params ----------------------------------------------------------------------------
# D = 3, H = 6: no count made with a mistake (one layer, layer 2 reading D, no bias or two bias
# vectors per layer, or any two of these) equals the right one; with 3 and 5 "two biases and
# layer 2 reading D" gave the right 100 (tests/test_exercises.py checks every pair of hints).
STACK_D, STACK_H = 3, 6


def _stack_count(layers=2, layer2_input=STACK_H, biases=1):
    """The count for two stacked RNN layers, made the way a particular mistake makes it."""
    first = count_params(STACK_D, STACK_H, cell="rnn") + (biases - 1) * STACK_H
    second = count_params(layer2_input, STACK_H, cell="rnn") + (biases - 1) * STACK_H
    return first + (second if layers == 2 else 0)


_STACK_SLIPS = {
    "layers": "That is one layer; add the second.",
    "layer2_input": (f"The second layer reads the first one's hidden state ({STACK_H} numbers), not the "
                     f"{STACK_D} input features."),
    0: "Each layer has a bias vector too.",
    2: "Count one bias vector per layer here (PyTorch keeps two, b_ih and b_hh; this question does not).",
}


def _stack_hints():
    hints = []
    for layers in (2, 1):
        for layer2_input in ((STACK_H, STACK_D) if layers == 2 else (STACK_H,)):
            for biases in (1, 0, 2):
                slips = ([_STACK_SLIPS["layers"]] if layers == 1 else []) + \
                        ([_STACK_SLIPS["layer2_input"]] if layer2_input == STACK_D else []) + \
                        ([_STACK_SLIPS[biases]] if biases != 1 else [])
                if slips:
                    kw = dict(layers=layers, layer2_input=layer2_input, biases=biases)
                    hints.append(Hint(lambda kw=kw: _stack_count(**kw),
                                      " ".join(slips if len(slips) == 1 else ["Two things."] + slips)))
    return hints


register("01-stack-params", Exercise(
    question=(f"Two vanilla RNN layers are stacked: the first reads inputs of size {STACK_D}, both have "
              f"{STACK_H} hidden units, and the second reads the first one's hidden state. Counting "
              f"W_xh, W_hh and one bias vector per layer, how many parameters do the two layers have "
              f"together?"),
    expected=lambda: count_params(STACK_D, STACK_H, layers=2, cell="rnn"),
    sig=None,
    explain=(f"Layer 1: {STACK_H} x ({STACK_D} + {STACK_H}) + {STACK_H} = "
             f"{count_params(STACK_D, STACK_H, cell='rnn')}. Layer 2 reads {STACK_H} numbers, not "
             f"{STACK_D}: {STACK_H} x ({STACK_H} + {STACK_H}) + {STACK_H} = "
             f"{count_params(STACK_H, STACK_H, cell='rnn')}."),
    hints=_stack_hints(),
    fallback="Each layer has W_xh (H x its input size), W_hh (H x H) and a bias (H).",
))
