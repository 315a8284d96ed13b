"""Exercises of notebook 02 (squashing functions)."""

import numpy as np

from lstm_core.activations import dsigmoid, dtanh, sigmoid
from . import Exercise
from . import register

register("02-tanh-slope-max", Exercise(
    question="What is the largest slope tanh ever has (the most of a gradient one tanh can pass on)?",
    expected=lambda: dtanh(0.0),
    tol=1e-3,
    explain="tanh'(x) = 1 - tanh(x)^2, largest where tanh(x) = 0, that is at x = 0, where it is 1. "
            "A tanh at its centre passes a gradient on unchanged; the sigmoid at its best keeps only a quarter.",
    hints=[
        (lambda a, w: abs(a - 0.25) < 1e-3, "0.25 is the sigmoid's largest slope. Look at the tanh' curve."),
        (lambda a, w: abs(a) < 1e-3, "0 is tanh's value at x = 0, not its slope there."),
        (lambda a, w: a > 1, "tanh never grows faster than the line y = x: its slope is never above that line's."),
    ],
    fallback="Put x at 0 in the first explorer and read tanh'(x) in the readout.",
))

register("02-sigmoid-chain", Exercise(
    question="A gradient goes back through 5 sigmoid layers, each at the operating point x = 0. "
             "What fraction of it is left?",
    expected=lambda: float(dsigmoid(0.0)) ** 5,      # 0.25^5 = 1/1024
    tol=1e-5,
    explain="Each layer multiplies the gradient by sigmoid'(0) = 0.25, so 5 layers leave 0.25^5 = 1/1024, "
            "about 0.001. And x = 0 is the best case: anywhere else it is less.",
    hints=[
        (lambda a, w: abs(a - 5 * 0.25) < 1e-3, "Slopes along a chain multiply, they do not add."),
        (lambda a, w: abs(a - float(sigmoid(0.0)) ** 5) < 1e-4,
         "0.5 is sigmoid(0), the value; the chain multiplies the slopes sigmoid'(0)."),
        (lambda a, w: abs(a - 0.25) < 1e-3, "0.25 is what one layer keeps; there are five."),
        (lambda a, w: abs(a - 1.0) < 1e-3, "1 would be tanh layers at x = 0 (tanh'(0) = 1), not sigmoid layers."),
    ],
    fallback="Set x = 0 and n = 5 in the saturation explorer and read the sigmoid line.",
))

register("02-tanh-chain-x2", Exercise(
    question="Now 10 tanh layers, each at x = 2. What fraction of the gradient is left "
             "(a small number: write it like 4.5e-12)?",
    expected=lambda: float(dtanh(2.0)) ** 10,
    tol=1e-14,
    explain="tanh'(2) = 1 - tanh(2)^2 = 0.0707, and 0.0707^10 is about 3.1e-12: a saturated layer is far "
            "worse than a sigmoid at its best.",
    hints=[
        (lambda a, w: abs(a - float(dtanh(2.0))) < 1e-4, "That is what one layer keeps; raise it to the 10th power."),
        (lambda a, w: abs(a - 10 * float(dtanh(2.0))) < 1e-3, "Slopes along a chain multiply, they do not add."),
        (lambda a, w: abs(a - float(np.tanh(2.0)) ** 10) < 1e-3,
         "You multiplied the values tanh(2); the gradient multiplies the slopes tanh'(2) = 1 - tanh(2)^2."),
        (lambda a, w: abs(a / w - 1) < 0.05, "Close: give two or three significant digits, as in 4.56e-12."),
    ],
    fallback="Set x = 2 and n = 10 in the saturation explorer and read the tanh line.",
))
