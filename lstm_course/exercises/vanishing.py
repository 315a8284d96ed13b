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


# --- coding exercise: 10-clip-global-norm -----------------------------------------------------------
from .coding import CodeExercise  # noqa: E402
from . import Hint  # noqa: E402


def my_clip_by_global_norm(dW_x, dW_h, db, max_norm):
    """Clip three gradient arrays together by their global norm.

    dW_x: (4H, D), dW_h: (4H, H), db: (4H,); max_norm > 0. The global norm is the square root of
    the sum of the squares of every entry of all three. Returns new arrays (dW_x, dW_h, db), all
    scaled by max_norm / norm when norm > max_norm, unchanged otherwise; the inputs are not changed."""
    norm = np.sqrt(np.sum(dW_x ** 2) + np.sum(dW_h ** 2) + np.sum(db ** 2))
    scale = max_norm / norm if norm > max_norm else 1.0
    return dW_x * scale, dW_h * scale, db * scale


def _clip_cases():
    rng = np.random.default_rng(10)
    out = []
    for (D, H, size, max_norm) in ((2, 3, 5.0, 1.0), (3, 2, 0.1, 1.0), (4, 1, 50.0, 5.0), (1, 4, 2.0, 0.5)):
        out.append(dict(dW_x=rng.normal(0, size, (4 * H, D)), dW_h=rng.normal(0, size, (4 * H, H)),
                        db=rng.normal(0, size, 4 * H), max_norm=max_norm))
    return out


def _clip_reference(dW_x, dW_h, db, max_norm):
    grads = {"dW_x": dW_x.copy(), "dW_h": dW_h.copy(), "db": db.copy()}
    clip_grad_norm(grads, max_norm)
    return grads["dW_x"], grads["dW_h"], grads["db"]


def _clip_each(dW_x, dW_h, db, max_norm):
    """Each array clipped by its own norm."""
    def one(g):
        n = np.sqrt(np.sum(g ** 2))
        return g * (max_norm / n) if n > max_norm else g.copy()
    return one(dW_x), one(dW_h), one(db)


def _clip_always(dW_x, dW_h, db, max_norm):
    """Always scaled to length max_norm, even a short gradient (stretched)."""
    norm = np.sqrt(np.sum(dW_x ** 2) + np.sum(dW_h ** 2) + np.sum(db ** 2))
    return dW_x * (max_norm / norm), dW_h * (max_norm / norm), db * (max_norm / norm)


def _clip_values(dW_x, dW_h, db, max_norm):
    """np.clip on every entry: the direction changes."""
    return tuple(np.clip(g, -max_norm, max_norm) for g in (dW_x, dW_h, db))


def _clip_no_sqrt(dW_x, dW_h, db, max_norm):
    """The sum of squares used as the norm (no square root)."""
    norm = np.sum(dW_x ** 2) + np.sum(dW_h ** 2) + np.sum(db ** 2)
    scale = max_norm / norm if norm > max_norm else 1.0
    return dW_x * scale, dW_h * scale, db * scale


def _clip_inverted(dW_x, dW_h, db, max_norm):
    """Scaled by norm / max_norm: a long gradient made longer."""
    norm = np.sqrt(np.sum(dW_x ** 2) + np.sum(dW_h ** 2) + np.sum(db ** 2))
    scale = norm / max_norm if norm > max_norm else 1.0
    return dW_x * scale, dW_h * scale, db * scale


def _clip_in_place(dW_x, dW_h, db, max_norm):
    """Right values, but the caller's arrays are scaled in place (*=)."""
    norm = np.sqrt(np.sum(dW_x ** 2) + np.sum(dW_h ** 2) + np.sum(db ** 2))
    if norm > max_norm:
        for g in (dW_x, dW_h, db):
            g *= max_norm / norm
    return dW_x, dW_h, db


register("10-clip-global-norm", CodeExercise(
    question=("Write my_clip_by_global_norm(dW_x, dW_h, db, max_norm) -> (dW_x, dW_h, db): the norm of all three "
              "together is sqrt(sum of every entry squared); when it exceeds max_norm, return the three scaled by "
              "max_norm / norm, otherwise unchanged. Return new arrays; do not change the inputs."),
    solution=my_clip_by_global_norm,
    reference=_clip_reference,
    cases=_clip_cases,
    outputs=("dW_x", "dW_h", "db"),
    hints=[
        Hint(_clip_in_place, "The values are right, but your function scaled the caller's arrays in place (*=): "
                             "return new arrays (g * scale) and leave the inputs as they were."),
        Hint(_clip_each, "Each array was clipped by its own norm, which turns the gradient's direction. Compute ONE "
                         "norm over the entries of all three arrays and scale all three by the same factor."),
        Hint(_clip_values, "np.clip cuts each entry separately, which changes the gradient's direction. Clipping by "
                           "the global norm scales every entry by the same factor."),
        Hint(_clip_always, "A gradient whose norm is already at most max_norm is left as it is: scale only when "
                           "norm > max_norm."),
        Hint(_clip_no_sqrt, "The norm is the square ROOT of the sum of squares."),
        Hint(_clip_inverted, "The factor is upside down: after scaling, the norm must be max_norm, so the factor "
                             "is below 1."),
    ],
    explain="Scaling every array by one factor shortens the step and keeps its direction: the descent "
            "still goes downhill, just not off the cliff.",
))
