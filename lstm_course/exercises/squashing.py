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


# --- coding exercise: 02-stable-sigmoid -------------------------------------------------------------
from .coding import CodeExercise  # noqa: E402
from . import Hint  # noqa: E402


def my_sigmoid(x):
    """sigmoid(x) = 1 / (1 + exp(-x)) elementwise, for an array x of any shape.

    No overflow warning even at x = -1000 or 1000; float32 in gives float32 out."""
    e = np.exp(-np.abs(x))                        # in (0, 1]: cannot overflow, whatever the sign of x
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))   # e / (1 + e) = 1 / (1 + exp(|x|)) for x < 0


def _sigmoid_cases():
    rng = np.random.default_rng(2)
    return [dict(x=np.array([-1000.0, -100.0, -30.0, -1.0])),      # only negative: exp(-x) overflows here
            dict(x=np.array([1000.0, 100.0, 30.0, 1.0])),          # only positive: exp(x) overflows here
            dict(x=rng.normal(0, 4, (3, 5))),
            dict(x=np.array([[0.0]])),
            dict(x=np.array([[-1000.0, -2.5, 0.0, 2.5, 1000.0]]))]


def _naive(x):
    """1 / (1 + exp(-x)) as written: exp(-x) overflows for very negative x."""
    return 1 / (1 + np.exp(-x))


def _where_both(x):
    """np.where over two formulas: numpy computes both, so the unused one overflows."""
    return np.where(x >= 0, 1 / (1 + np.exp(-x)), np.exp(x) / (1 + np.exp(x)))


def _exp_over(x):
    """exp(x) / (1 + exp(x)): inf / inf = NaN for very positive x."""
    return np.exp(x) / (1 + np.exp(x))


def _to_float64(x):
    """A stable formula after converting x to float64: float32 in, float64 out."""
    x = np.asarray(x, dtype=np.float64)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def _abs_only(x):
    """1 / (1 + exp(-|x|)) for every x: that is sigmoid(|x|), wrong for x < 0."""
    return 1 / (1 + np.exp(-np.abs(x)))


def _tanh(x):
    """tanh instead of the sigmoid."""
    return np.tanh(x)


register("02-stable-sigmoid", CodeExercise(
    question=("Write my_sigmoid(x): 1 / (1 + exp(-x)) for every entry of an array x of any shape, without "
              "an overflow warning even at x = -1000 or 1000, and keeping float32 as float32."),
    solution=my_sigmoid,
    reference=lambda x: sigmoid(x),
    cases=_sigmoid_cases,
    outputs=("s",),
    keep_dtype=True,
    hints=[
        Hint(_where_both, "np.where(condition, a, b) computes a and b for every entry before choosing, so the "
                          "formula meant only for the other sign still overflows (numpy warns). Compute one "
                          "exponential that stays at most 1 for both signs, and build both branches from it."),
        Hint(_exp_over, "exp(x) / (1 + exp(x)) overflows for large positive x: exp(1000) is inf, and inf / inf is "
                        "NaN. Which exponential can never exceed 1?"),
        Hint(_naive, "The values are right, but exp(-x) overflows for very negative x (exp(1000) is inf, and "
                     "numpy warns). Use exp(-|x|), which is at most 1, and a formula for each sign of x."),
        Hint(_to_float64, "Your sigmoid returns float64 when it is given float32. Do not convert x: numpy keeps "
                          "float32 through np.exp, np.abs and arithmetic with Python numbers."),
        Hint(_abs_only, "For negative x the sigmoid is below 1/2 (sigmoid(-x) = 1 - sigmoid(x)); yours gives "
                        "sigmoid(|x|) there. The x < 0 branch needs exp(-|x|) in the numerator."),
        Hint(_tanh, "That is tanh, with values in (-1, 1). The sigmoid is 1 / (1 + exp(-x)), in (0, 1)."),
    ],
    explain="Building both branches from exp(-|x|) <= 1 keeps every intermediate finite; lstm_core's sigmoid "
            "does the same.",
))
