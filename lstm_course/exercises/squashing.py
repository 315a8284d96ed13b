"""Exercises of notebook 02 (squashing functions)."""

import numpy as np

from lstm_core.activations import dsigmoid, dtanh, sigmoid
from . import Exercise, Hint, register


def _steeper_than_a_line(a, w):
    if a > w:
        return "tanh never grows faster than the line y = x: its slope is never above that line's."
    return "Put x at 0 in the first explorer and read tanh'(x) in the readout."


register("02-tanh-slope-max", Exercise(
    question="What is the largest slope tanh ever has (the most of a gradient one tanh can pass on)?",
    expected=lambda: dtanh(0.0),
    sig=3,
    explain="tanh'(x) = 1 - tanh(x)^2, largest where tanh(x) = 0, that is at x = 0, where it is 1. "
            "A tanh at its centre passes a gradient on unchanged; the sigmoid at its best keeps only a quarter.",
    hints=[
        Hint(lambda: dsigmoid(0.0), "That is the sigmoid's largest slope. Look at the tanh' curve."),
        Hint(lambda: np.tanh(0.0), "That is tanh's value at x = 0, not its slope there."),
    ],
    fallback=_steeper_than_a_line,
))

SIG_SLOPE = float(dsigmoid(0.0))

register("02-sigmoid-chain", Exercise(
    question="A gradient goes back through 5 sigmoid layers, each at the operating point x = 0. "
             "What fraction of it is left?",
    expected=lambda: SIG_SLOPE ** 5,      # 0.25^5 = 1/1024
    sig=3,
    explain="Each layer multiplies the gradient by sigmoid'(0) = 0.25, so 5 layers leave 0.25^5 = 1/1024 "
            "= 0.000977, about a thousandth. And x = 0 is the best case: anywhere else it is less.",
    hints=[
        Hint(lambda: 5 * SIG_SLOPE, "Slopes along a chain multiply, they do not add."),
        Hint(lambda: float(sigmoid(0.0)) ** 5, "That multiplies the values sigmoid(0); the chain multiplies "
                                               "the slopes sigmoid'(0)."),
        Hint(lambda: SIG_SLOPE, "That is what one layer keeps; there are five."),
        Hint(lambda: SIG_SLOPE ** 4, "One factor too few: five layers multiply five slopes."),
        Hint(lambda: float(dtanh(0.0)) ** 5, "That would be tanh layers at x = 0 (tanh'(0) = 1), not sigmoid "
                                             "layers."),
    ],
    fallback="Set x = 0 and n = 5 in the saturation explorer and read the sigmoid line.",
))

TANH_SLOPE_2 = float(dtanh(2.0))

register("02-tanh-chain-x2", Exercise(
    question="Now 10 tanh layers, each at x = 2. What fraction of the gradient is left "
             "(a small number: write it like 4.5e-12)?",
    expected=lambda: TANH_SLOPE_2 ** 10,
    sig=2,
    explain="tanh'(2) = 1 - tanh(2)^2 = 0.0707, and 0.0707^10 is about 3.1e-12: a saturated layer is far "
            "worse than a sigmoid at its best.",
    hints=[
        Hint(lambda: TANH_SLOPE_2, "That is what one layer keeps; ten layers multiply ten such factors."),
        Hint(lambda: 10 * TANH_SLOPE_2, "Slopes along a chain multiply, they do not add."),
        Hint(lambda: float(np.tanh(2.0)) ** 10,
             "That multiplies the values tanh(2); the gradient multiplies the slopes tanh'(2) = 1 - tanh(2)^2."),
        Hint(lambda: TANH_SLOPE_2 ** 9, "One factor too few: ten layers multiply ten slopes."),
        Hint(lambda: float(dsigmoid(2.0)) ** 10, "That uses the sigmoid's slope at 2; these layers are tanh."),
    ],
    fallback="Set x = 2 and n = 10 in the saturation explorer and read the tanh line.",
))
