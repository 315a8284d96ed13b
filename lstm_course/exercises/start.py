"""Exercises of notebook 00 (start here)."""

import numpy as np

from lstm_core.activations import dsigmoid, dtanh, sigmoid
from . import Exercise, Hint, register


def _direction(a, w):
    """The answer's side of the right x: a gate that lets too little or too much through."""
    if a < 0:
        return "A negative x closes the gate (below 50%). Move the slider to the right."
    if a < w:
        return "Too small: at that x the gate lets less than 90% through. Move right."
    return "Too large: at that x the gate lets more than 90% through. Move left."


register("00-sigmoid-90", Exercise(
    question="For which input x does a sigmoid gate let exactly 90% through (sigmoid(x) = 0.9)?",
    expected=lambda: np.log(9.0),          # sigmoid(x) = 0.9  <=>  e^-x = 1/9  <=>  x = ln 9
    sig=3,
    explain="sigmoid(x) = 0.9 means e^(-x) = 1/9, so x = ln 9 = 2.197.",
    hints=[
        Hint(lambda: sigmoid(np.log(9.0)), "0.9 is the gate's output; the question asks for the input x "
                                           "that gives it."),
        Hint(lambda: -np.log(9.0), "The sign is flipped: that x lets only 10% through. A gate opens for "
                                   "positive x."),
        Hint(lambda: np.log(0.9), "ln(0.9) does not undo the sigmoid: solve 1 / (1 + e^(-x)) = 0.9 for e^(-x) "
                                  "first."),
    ],
    fallback=_direction,
))

register("00-sigmoid-slope", Exercise(
    question="What is the largest slope the sigmoid ever has (the most a gradient can keep through it)?",
    expected=lambda: dsigmoid(0.0),
    sig=3,
    explain="sigmoid'(0) = sigmoid(0)(1 - sigmoid(0)) = 0.5 x 0.5 = 0.25: each sigmoid a gradient "
            "passes through shrinks it to a quarter or less.",
    hints=[
        Hint(lambda: sigmoid(0.0), "That is the sigmoid's value at its steepest point, not its slope there."),
        Hint(lambda: dtanh(0.0), "That is the largest slope of tanh. Look at the sigmoid's curve."),
    ],
    fallback="Put x at 0 and read sigmoid'(x) in the readout.",
))
