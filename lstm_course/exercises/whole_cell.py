"""Exercises of notebook 07 (the whole cell, live).

They use the one-unit "hand example" of the notebook: x_t = 1, h_{t-1} = 0.5, and round weights
that make the pre-activations z_f = 2, z_i = 0, z_C = 1, z_o = 0, so f = sigmoid(2) = 0.881,
i = 0.5, C~ = tanh(1) = 0.762, o = 0.5.
"""

import numpy as np

from lstm_core.activations import sigmoid
from lstm_core.cell import lstm_step
from lstm_core.params import GATES, LSTMParams
from . import Exercise, Hint, register

# The hand example: {gate: (w_x, w_h, b)}, x_t = 1, h_{t-1} = 0.5.
HAND_WEIGHTS = {"f": (2.0, 2.0, -1.0), "i": (1.0, -2.0, 0.0), "g": (1.0, 2.0, -1.0), "o": (-1.0, 2.0, 0.0)}
HAND_X, HAND_H = 1.0, 0.5


def hand_params():
    """The hand example's one-unit cell as LSTMParams (D = H = 1)."""
    return LSTMParams.from_gates(
        W_x={g: np.array([[HAND_WEIGHTS[g][0]]]) for g in GATES},
        W_h={g: np.array([[HAND_WEIGHTS[g][1]]]) for g in GATES},
        b={g: np.array([HAND_WEIGHTS[g][2]]) for g in GATES},
    )


def hand_step(c_prev):
    return lstm_step(hand_params(), np.array([HAND_X]), np.array([HAND_H]), np.array([c_prev]))


F, I, G = float(sigmoid(2.0)), 0.5, float(np.tanh(1.0))


# The question's old memory. (With c_(t-1) = -2 the answer -1.381, rounded to -1, was the same
# number as the mistake "the whole candidate written", 0.881 * (-2) + 0.762.)
C_OLD = -3.0


register("07-new-memory", Exercise(
    question="Keep the hand example's weights and inputs (x_t = 1, h_(t-1) = 0.5) but start from an old "
             f"memory c_(t-1) = {C_OLD:g}. What is the new memory c_t?",
    expected=lambda: hand_step(C_OLD).c[0],
    sig=3,
    explain=f"c_t = f*c_(t-1) + i*C~ = {F:.3f}*({C_OLD:g}) + {I}*{G:.3f} = {F * C_OLD:.3f} + {I * G:.3f} = "
            f"{F * C_OLD + I * G:.3f}. The gates do not depend on c_(t-1), so only the kept part changes.",
    hints=[
        Hint(C_OLD + I * G, f"The forget gate is missing: all of the old memory was kept. Multiply c_(t-1) "
                            f"by f = {F:.3f} first."),
        Hint(F * C_OLD + G, f"The input gate is missing: the whole candidate was written. i = {I} scales it "
                            f"first."),
        Hint(F * C_OLD, "That is only the kept part f*c_(t-1); add the written part i*C~."),
        Hint(-F * C_OLD + I * G, f"Check the sign: c_(t-1) is {C_OLD:g}, so the kept part is negative."),
        Hint(lambda: hand_step(1.0).c[0], f"That is c_t for the notebook's c_(t-1) = 1; this question starts "
                                          f"from {C_OLD:g}."),
    ],
    fallback=f"Press 'hand example' in the explorer, set the old memory slider to {C_OLD:g} and read c_t.",
))

register("07-new-output", Exercise(
    question=f"In the same step (c_(t-1) = {C_OLD:g}), what is the new output h_t?",
    expected=lambda: hand_step(C_OLD).h[0],
    sig=3,
    explain=f"h_t = o*tanh(c_t) = 0.5*tanh({F * C_OLD + I * G:.3f}) = 0.5*({np.tanh(F * C_OLD + I * G):.3f}) = "
            f"{0.5 * np.tanh(F * C_OLD + I * G):.3f}.",
    hints=[
        Hint(lambda: hand_step(C_OLD).c[0],
             "That is the new memory c_t; the output squashes it with tanh and scales it by o."),
        Hint(lambda: 0.5 * hand_step(C_OLD).c[0], "The tanh is missing: h_t = o*tanh(c_t)."),
        Hint(lambda: np.tanh(hand_step(C_OLD).c[0]),
             "The output gate is missing: o = 0.5 lets only half of tanh(c_t) out."),
    ],
    fallback=lambda a, w: ("c_t is negative here, and so is tanh(c_t): h_t must be negative too." if a > 0 else
                           "h_t = o*tanh(c_t): compute c_t first (the previous question), then squash and scale."),
))

register("07-ten-steps", Exercise(
    question="A unit's forget gate stays at 0.9 and its input gate at 0 for ten steps in a row. What "
             "share of its memory is left after the ten steps (a number between 0 and 1)?",
    expected=lambda: 0.9 ** 10,
    sig=3,
    explain="Each step multiplies c by f, so ten steps multiply it by 0.9^10 = 0.349: about a third is "
            "left. Even a gate that keeps 90% forgets most of the memory within a few dozen steps.",
    hints=[
        Hint(1 - 0.9 ** 10, "That is the share lost; the question asks for the share left."),
        Hint(1 - 10 * 0.1, "Forgetting does not subtract 10% of the original each step: it multiplies by 0.9 "
                           "each time."),
        Hint(0.9, "That is one step; the memory is multiplied by 0.9 ten times."),
        Hint(0.9 ** 9, "One factor too few: ten steps multiply by f ten times."),
    ],
    fallback=lambda a, w: ("A share left is at most 1: each step keeps 90% of what was there, never more."
                           if a > 1 else "Multiply by the forget gate once per step: 0.9 x 0.9 x ... (ten factors)."),
))


# --- coding exercise: 07-lstm-step -------------------------------------------------------------------
import lstm_core as L  # noqa: E402
from .coding import CodeExercise  # noqa: E402
from . import Hint  # noqa: E402


def my_lstm_step(x, h_prev, c_prev, W_x, W_h, b):
    """One LSTM step for a batch, the four gates in one matrix product per input.

    x: (B, D); h_prev, c_prev: (B, H); W_x: (4H, D); W_h: (4H, H); b: (4H,), with the gates' rows in
    lstm_core's order f, i, o, g (forget, input, output, candidate). Returns (h, c), each (B, H)."""
    H = h_prev.shape[1]
    z = x @ W_x.T + h_prev @ W_h.T + b          # (B, 4H): every gate's pre-activation at once
    f = L.sigmoid(z[:, :H])
    i = L.sigmoid(z[:, H:2 * H])
    o = L.sigmoid(z[:, 2 * H:3 * H])
    g = np.tanh(z[:, 3 * H:])
    c = f * c_prev + i * g
    h = o * np.tanh(c)
    return h, c


def _step_cases():
    rng = np.random.default_rng(7)
    out = []
    for B, D, H in ((1, 2, 3), (4, 3, 2), (2, 5, 4)):
        out.append(dict(x=rng.normal(size=(B, D)), h_prev=np.tanh(rng.normal(size=(B, H))),
                        c_prev=rng.normal(0, 1.5, (B, H)), W_x=rng.normal(0, 0.8, (4 * H, D)),
                        W_h=rng.normal(0, 0.8, (4 * H, H)), b=rng.normal(0, 0.5, 4 * H)))
    return out


def _step_reference(x, h_prev, c_prev, W_x, W_h, b):
    s = lstm_step(LSTMParams(W_x, W_h, b), x, h_prev, c_prev)
    return s.h, s.c


def _step_parts(x, h_prev, W_x, W_h, b, order="fiog", acts="ssst", transpose=True):
    H = h_prev.shape[1]
    z = (x @ W_x.T if transpose else x @ W_x) + h_prev @ W_h.T + b
    blocks = {name: z[:, k * H:(k + 1) * H] for k, name in enumerate(order)}
    act = {"s": L.sigmoid, "t": np.tanh}
    return [act[a](blocks[name]) for name, a in zip("fiog", acts)]


def _step_torch_order(x, h_prev, c_prev, W_x, W_h, b):
    """The blocks read in PyTorch's order i, f, g, o instead of lstm_core's f, i, o, g."""
    f, i, o, g = _step_parts(x, h_prev, W_x, W_h, b, order="ifgo")
    c = f * c_prev + i * g
    return o * np.tanh(c), c


def _step_all_sigmoid(x, h_prev, c_prev, W_x, W_h, b):
    """The candidate g squashed with the sigmoid like the gates."""
    f, i, o, g = _step_parts(x, h_prev, W_x, W_h, b, acts="ssss")
    c = f * c_prev + i * g
    return o * np.tanh(c), c


def _step_h_no_tanh(x, h_prev, c_prev, W_x, W_h, b):
    """h = o * c without the tanh."""
    f, i, o, g = _step_parts(x, h_prev, W_x, W_h, b)
    c = f * c_prev + i * g
    return o * c, c


def _step_h_from_c_prev(x, h_prev, c_prev, W_x, W_h, b):
    """h made from the old cell state c_prev instead of the new c."""
    f, i, o, g = _step_parts(x, h_prev, W_x, W_h, b)
    c = f * c_prev + i * g
    return o * np.tanh(c_prev), c


def _step_no_transpose(x, h_prev, c_prev, W_x, W_h, b):
    """x @ W_x: (B, D) and (4H, D) do not chain."""
    f, i, o, g = _step_parts(x, h_prev, W_x, W_h, b, transpose=False)
    c = f * c_prev + i * g
    return o * np.tanh(c), c


def _step_swapped_return(x, h_prev, c_prev, W_x, W_h, b):
    """(c, h) returned instead of (h, c)."""
    h, c = my_lstm_step(x, h_prev, c_prev, W_x, W_h, b)
    return c, h


register("07-lstm-step", CodeExercise(
    question=("Write my_lstm_step(x, h_prev, c_prev, W_x, W_h, b) -> (h, c), one LSTM step for a batch, with one "
              "matrix product per input for all four gates: x (B, D), h_prev and c_prev (B, H), W_x (4H, D), "
              "W_h (4H, H), b (4H,), the rows in lstm_core's gate order f, i, o, g; h and c (B, H)."),
    solution=my_lstm_step,
    reference=_step_reference,
    cases=_step_cases,
    outputs=("h", "c"),
    hints=[
        Hint(_step_swapped_return, "Both values are right but in the wrong order: return (h, c)."),
        Hint(_step_no_transpose, "W_x has shape (4H, D) and x has one example per row, (B, D): multiply by "
                                 "W_x transposed (and W_h transposed) to get (B, 4H)."),
        Hint(_step_torch_order, "The four blocks of z are read in the wrong order. lstm_core stores them as "
                                "f, i, o, g (rows 0..H-1 are the forget gate, then input, output, candidate); "
                                "PyTorch's i, f, g, o is another layout (notebook 08)."),
        Hint(_step_all_sigmoid, "The candidate g is squashed with tanh, into (-1, 1), so that it can lower the "
                                "memory as well as raise it; only f, i and o use the sigmoid."),
        Hint(_step_h_no_tanh, "c is right, but h = o * tanh(c): the cell state is squashed before it is shown."),
        Hint(_step_h_from_c_prev, "c is right, but h is made from the NEW cell state c of this step, not c_prev."),
    ],
    explain="That is all of lstm_core.lstm_step's arithmetic: one product per input for the four gates, "
            "then a few elementwise operations.",
))
