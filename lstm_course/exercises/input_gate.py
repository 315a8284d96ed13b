"""Exercises of notebook 04 (the input gate and the candidate)."""

import numpy as np

from lstm_core.activations import sigmoid
from lstm_core.cell import cell_state_update, gate_value
from . import Exercise, Hint, register

_W_I = np.repeat(np.array([[1.0], [2.0], [3.0]]), 6, axis=1)   # the sources' W_i: rows of 1s, 2s, 3s
_B_I = np.ones(3)
_X = np.array([1.0, 0.0, -1.0])
_H = np.array([0.5, 0.5, 0.5])


def _z_i():
    return gate_value(_W_I, _X, _H, _B_I).z


_SUM = float(np.concatenate([_X, _H]).sum())   # every row of W_i is constant, so row k gives k * sum + 1


def _unit_one(a, w):
    if a.shape == w.shape and abs(a[0] - w[0]) < 1e-3:
        return ("Unit 1 is right. Check rows 2 and 3: every weight in row k is k, so row k gives k x (sum of "
                "the six inputs), plus 1.")
    return "Concatenate x_t and h_(t-1) into six numbers, take each row's dot product with them, then add 1."

register("04-preactivation", Exercise(
    question="Take the sources' input gate (W_i with rows of 1s, 2s and 3s, b_i = [1, 1, 1]) and a new "
             "input x_t = [1, 0, -1], h_(t-1) = [0.5, 0.5, 0.5]. What is the pre-activation "
             "W_i [x_t, h_(t-1)] + b_i (three numbers)?",
    expected=_z_i,
    sig=3,
    explain="[x_t, h_(t-1)] = [1, 0, -1, 0.5, 0.5, 0.5] sums to 1.5; row k of W_i is all k's, so it "
            "gives 1.5 k, and the bias adds 1: [2.5, 4.0, 5.5].",
    hints=[
        Hint(lambda: _z_i() - _B_I, "The bias is missing: add b_i = [1, 1, 1] after the product."),
        Hint(lambda: sigmoid(_z_i()),
             "That is the gate's value i_t after the sigmoid; the question asks for the number before it."),
        Hint(lambda: np.array([1.0, 2.0, 3.0]) * (_SUM + 1),
             "The bias is added after the product, once per unit; it is not multiplied by the weights."),
    ],
    fallback=_unit_one,
))

_I = np.array([0.9, 0.5, 0.1])
_G = np.array([0.8, -0.6, 1.0])


def _written():
    zeros = np.zeros(3)
    return cell_state_update(zeros, _I, _G, zeros)   # f = 0, c_prev = 0: just i * C~


register("04-written", Exercise(
    question="An input gate outputs i = [0.9, 0.5, 0.1] and the candidate is C~ = [0.8, -0.6, 1.0]. "
             "What does this step add to the cell state (three numbers)?",
    expected=_written,
    sig=3,
    explain="i * C~ = [0.72, -0.30, 0.10]: the gate passes 90% of +0.8, half of -0.6 (a subtraction), "
            "and only 10% of the largest candidate.",
    hints=[
        Hint(lambda: _I + _G, "The gate scales the candidate: multiply, do not add."),
        Hint(lambda: _G, "That is the candidate alone; the gate decides how much of it goes in."),
        Hint(lambda: np.abs(_written()), "Mind the sign: a negative candidate makes the step subtract from the "
                                         "cell state."),
        Hint(lambda: (1 - _I) * _G, "i is the share of the candidate that is written, not the share that is "
                                    "held back."),
    ],
    fallback="Multiply unit by unit: i[k] * C~[k].",
))
