"""Exercises of notebook 06 (the output gate and the hidden state)."""

import numpy as np

from lstm_core.activations import sigmoid, tanh
from lstm_core.cell import hidden_state
from lstm_core.output import softmax
from . import Exercise, Hint, register

O_06 = np.array([0.5, 1.0, 0.2])
C_06 = np.array([1.0, -2.0, 3.0])

register("06-hidden-state", Exercise(
    question="The output gate is o = [0.5, 1.0, 0.2] and the cell state is c = [1.0, -2.0, 3.0]. "
             "What is the hidden state h (three numbers)?",
    expected=lambda: hidden_state(O_06, C_06),
    sig=3,
    explain="h = o * tanh(c) = [0.5 x 0.762, 1.0 x (-0.964), 0.2 x 0.995] = [0.381, -0.964, 0.199]: "
            "the gate scales the squashed memory, unit by unit.",
    hints=[
        Hint(lambda: O_06 * C_06, "The tanh is missing: h scales tanh(c), not c itself."),
        Hint(lambda: tanh(O_06 * C_06),
             "That squashes the gated product, tanh(o * c): h = o * tanh(c) squashes c first, then the gate "
             "scales it."),
        Hint(lambda: O_06 * sigmoid(C_06), "The cell state goes through tanh, not sigmoid: h can be negative."),
        Hint(lambda: tanh(C_06), "The gate is missing: tanh(c) still has to be scaled by o."),
    ],
    fallback="Compute tanh(c) unit by unit, then multiply each by its gate value.",
))

Y_06 = np.array([2.0, 1.0, 0.0])

register("06-softmax", Exercise(
    question="An output layer gives the scores y = W_hy h + b_y = [2.0, 1.0, 0.0]. "
             "What probabilities does softmax turn them into (three numbers)?",
    expected=lambda: softmax(Y_06),
    sig=2,
    explain="exp(y) = [7.39, 2.72, 1.00], which sum to 11.11, so p = [0.665, 0.245, 0.090]. "
            "The largest score wins, but the others keep some probability.",
    hints=[
        Hint(lambda: Y_06 / Y_06.sum(), "Dividing the scores by their sum is not softmax: take exp of each "
                                        "score first."),
        Hint(lambda: np.exp(Y_06), "The exps still have to be divided by their sum so they add up to 1."),
        Hint(lambda: sigmoid(Y_06), "sigmoid scores each class on its own; softmax makes the three share a "
                                    "total of 1."),
        Hint(lambda: softmax(-Y_06), "The order is reversed: the largest score gets the largest probability "
                                     "(exp(y), not exp(-y))."),
    ],
    fallback=lambda a, w: ("Probabilities over the classes must add up to 1." if abs(a.sum() - 1) > 1e-2 else
                           "p_k = exp(y_k) / (exp(y_1) + exp(y_2) + exp(y_3))."),
))


# --- coding exercise: 06-hidden-update ---------------------------------------------------------------
from .coding import CodeExercise  # noqa: E402
from . import Hint  # noqa: E402


def my_hidden_state(o, c):
    """The new hidden state h = o * tanh(c) (elementwise).

    o: output gate in (0, 1), (B, H); c: the new cell state, (B, H). Returns h: (B, H)."""
    return o * np.tanh(c)


def _hidden_cases():
    rng = np.random.default_rng(6)
    return [dict(o=1 / (1 + np.exp(-rng.normal(size=(B, H)))), c=rng.normal(0, 1.5, (B, H)))
            for B, H in ((1, 3), (3, 5), (2, 4))]


def _hidden_no_tanh(o, c):
    """o * c: the cell state shown unsquashed."""
    return o * c


def _hidden_tanh_outside(o, c):
    """tanh(o * c): the squashing after the gate instead of before."""
    return np.tanh(o * c)


def _hidden_sigmoid(o, c):
    """o * sigmoid(c): the gates' squashing on the cell state."""
    return o / (1 + np.exp(-c))


def _hidden_sum(o, c):
    """o + tanh(c): the gate added instead of multiplied."""
    return o + np.tanh(c)


register("06-hidden-update", CodeExercise(
    question=("Write my_hidden_state(o, c) -> h, the hidden state h = o * tanh(c) (elementwise) for a batch: "
              "o, c and h have shape (B, H)."),
    solution=my_hidden_state,
    reference=lambda o, c: hidden_state(o, c),
    cases=_hidden_cases,
    outputs=("h",),
    hints=[
        Hint(_hidden_no_tanh, "The cell state is squashed into (-1, 1) before the output gate scales it: "
                              "tanh(c) first."),
        Hint(_hidden_tanh_outside, "The gate scales the squashed cell state: squash c first, then multiply "
                                   "by o."),
        Hint(_hidden_sigmoid, "The cell state is squashed with tanh, into (-1, 1), so that h can be negative; "
                              "the sigmoid is for gates."),
        Hint(_hidden_sum, "A gate multiplies: o is the share of tanh(c) to show."),
    ],
    explain="h is what the rest of the network sees; c stays inside the cell.",
))
