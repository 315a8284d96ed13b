"""Exercises of notebook 00 (start here)."""

import numpy as np

from lstm_core.activations import dsigmoid, sigmoid
from . import Exercise
from . import register

register("00-sigmoid-90", Exercise(
    question="For which input x does a sigmoid gate let exactly 90% through (sigmoid(x) = 0.9)?",
    expected=lambda: np.log(9.0),          # sigmoid(x) = 0.9  <=>  e^-x = 1/9  <=>  x = ln 9
    tol=0.02,
    explain="sigmoid(x) = 0.9 means e^(-x) = 1/9, so x = ln 9 = 2.197.",
    hints=[
        (lambda a, w: abs(a - 0.9) < 1e-9, "0.9 is the gate's output; the question asks for the input x."),
        (lambda a, w: a < 0, "A negative x closes the gate (below 50%). Move the slider to the right."),
        (lambda a, w: a < w, "Too small: at that x the gate lets less than 90% through. Move right."),
        (lambda a, w: a > w, "Too large: at that x the gate lets more than 90% through. Move left."),
    ],
))

register("00-sigmoid-slope", Exercise(
    question="What is the largest slope the sigmoid ever has (the most a gradient can keep through it)?",
    expected=lambda: dsigmoid(0.0),
    tol=1e-3,
    explain="sigmoid'(0) = sigmoid(0)(1 - sigmoid(0)) = 0.5 x 0.5 = 0.25: each sigmoid a gradient "
            "passes through shrinks it to a quarter or less.",
    hints=[
        (lambda a, w: abs(a - sigmoid(0.0)) < 1e-3, "0.5 is the sigmoid's value at 0, not its slope."),
        (lambda a, w: abs(a - 1) < 1e-3, "1 is the largest slope of tanh. Look at the sigmoid's curve."),
    ],
    fallback="Put x at 0 and read sigmoid'(x) in the readout.",
))
