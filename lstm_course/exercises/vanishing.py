"""Exercises of notebook 10 (vanishing and exploding gradients).

* ``10-sigmoid-max``: the largest slope the sigmoid can have.
* ``10-bound-k-steps``: the product bound on how much a gradient can grow over k steps back.
* ``10-clip``: a gradient clipped by its global norm (the direction is kept).
"""

from __future__ import annotations

import numpy as np

from lstm_core.activations import dsigmoid, dtanh, sigmoid
from lstm_core.optim import clip_grad_norm
from . import Exercise, Hint, register


register("10-sigmoid-max", Exercise(
    question="What is the largest value the sigmoid's slope sigmoid'(x) can take, over all x (a number)?",
    expected=lambda: float(np.max(dsigmoid(np.linspace(-10, 10, 2001)))),
    sig=3,
    explain="sigmoid'(x) = sigmoid(x) (1 - sigmoid(x)) is largest at x = 0, where it is 0.5 * 0.5 = 0.25. "
            "So every sigmoid a gradient passes through multiplies it by a quarter at best.",
    hints=[
        Hint(lambda: dtanh(0.0), "That is the largest slope of tanh, not of the sigmoid. Plot L.dsigmoid and "
                                 "look at its peak."),
        Hint(lambda: sigmoid(0.0), "That is the sigmoid's value at 0, sigmoid(0). The question asks for its "
                                   "slope there: sigmoid(0) * (1 - sigmoid(0))."),
        Hint(0.0, "The slope goes to 0 far from the origin; the question asks for its largest value."),
    ],
    fallback="Evaluate L.dsigmoid on a grid of x values and take the maximum.",
))

# a tanh RNN with ||W_hh|| = 1.5 whose units keep tanh' <= 0.6 at every step, k = 10 steps back
BOUND_NORM, BOUND_SLOPE, BOUND_K = 1.5, 0.6, 10


def _bound():
    z = np.arctanh(np.sqrt(1 - BOUND_SLOPE))          # a pre-activation where tanh'(z) = 0.6
    return float(np.prod(np.full(BOUND_K, BOUND_NORM * dtanh(z))))


register("10-bound-k-steps", Exercise(
    question=(f"In a tanh RNN the spectral norm of W_hh is ||W_hh|| = {BOUND_NORM}, and at every step every "
              f"unit's slope is tanh'(z) <= {BOUND_SLOPE}. Going {BOUND_K} steps back from a loss at step T, what is "
              f"the largest value the ratio ||dL/dh_(T-{BOUND_K})|| / ||dL/dh_T|| can have (a number)?"),
    expected=_bound,
    sig=3,
    explain=f"Each step back multiplies the length by at most ||W_hh|| * max tanh' = {BOUND_NORM} * "
            f"{BOUND_SLOPE} = {BOUND_NORM * BOUND_SLOPE:g}, and {BOUND_K} steps multiply: "
            f"{BOUND_NORM * BOUND_SLOPE:g} ** {BOUND_K} = {_bound():.3f}. Below 1: this gradient must vanish, "
            "even though ||W_hh|| > 1.",
    hints=[
        Hint(BOUND_NORM ** BOUND_K, "You left out tanh'. Each step back passes through tanh' as well as W_hh: "
                                    "the factor per step is ||W_hh|| * max tanh'."),
        Hint(BOUND_SLOPE ** BOUND_K, "You left out W_hh. Each step back multiplies by W_hh^T too."),
        Hint(BOUND_NORM * BOUND_SLOPE * BOUND_K, "The factors of the steps multiply; they do not add."),
        Hint((BOUND_NORM * BOUND_SLOPE) ** (BOUND_K - 1),
             f"Count the steps again: from h_T back to h_(T-{BOUND_K}) there are exactly {BOUND_K} Jacobians."),
        Hint((BOUND_NORM * BOUND_SLOPE) ** (BOUND_K + 1),
             f"Count the steps again: from h_T back to h_(T-{BOUND_K}) there are exactly {BOUND_K} Jacobians."),
        Hint(lambda: (BOUND_NORM * float(dsigmoid(0.0))) ** BOUND_K,
             f"That uses the sigmoid's largest slope. A plain RNN uses tanh, and here its slope is at most "
             f"{BOUND_SLOPE}."),
    ],
    fallback="Multiply ||W_hh|| by the largest tanh', then raise that to the number of steps.",
))

CLIP_GRADS = {"w": (3.0, 4.0), "b": (12.0,)}     # global norm 13
CLIP_MAX = 6.5


def _raw():
    return np.concatenate([np.array(v) for v in CLIP_GRADS.values()])


def _clipped():
    grads = {k: np.array(v) for k, v in CLIP_GRADS.items()}
    clip_grad_norm(grads, CLIP_MAX)
    return np.concatenate([grads["w"], grads["b"]])


def _each_clipped():
    """The mistake of clipping each array by its own norm."""
    out = []
    for v in CLIP_GRADS.values():
        v = np.array(v)
        out.append(v * min(1.0, CLIP_MAX / np.linalg.norm(v)))
    return np.concatenate(out)


register("10-clip", Exercise(
    question=(f"A model's gradient is dL/dw = [3, 4] and dL/db = [12]. It is clipped by its global norm with "
              f"max_norm = {CLIP_MAX} (as lstm_core.clip_grad_norm does). What is the clipped gradient, as three "
              "numbers [dw_1, dw_2, db]?"),
    expected=_clipped,
    sig=3,
    explain="The global norm is sqrt(3^2 + 4^2 + 12^2) = 13 > 6.5, so every entry is multiplied by 6.5 / 13 = "
            "0.5: [1.5, 2, 6]. The direction is the same; only the length was cut, to 6.5.",
    hints=[
        Hint(lambda: _each_clipped(), "That clips each array on its own, which turns the gradient. Clipping by "
                                      "the global norm scales all entries by one common factor."),
        Hint(lambda: _raw(), "Nothing was clipped: the global norm is sqrt(9 + 16 + 144) = 13, more than 6.5, "
                             "so this gradient must be cut."),
        Hint(lambda: _raw() / np.linalg.norm(_raw()), "That is the direction alone (length 1). Clipping keeps "
                                                      "the direction but gives the length max_norm = 6.5."),
        Hint(lambda: _raw() * np.linalg.norm(_raw()) / CLIP_MAX, "The factor goes the other way: "
                                                                 "max_norm / norm = 6.5 / 13."),
    ],
    fallback="Compute the norm of all three numbers together, then multiply each by max_norm / norm.",
))
