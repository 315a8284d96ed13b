"""Exercises of notebook 05 (the cell state update c_t = f * c_{t-1} + i * C~)."""

import numpy as np

from lstm_core.cell import cell_state_update
from . import Exercise, Hint, register


# --- 05-update: one step of the update for one unit ---------------------------------------------
# (With C~ = -0.5 the answer 1.2, rounded to 1, was the same number as the mistake "the whole
# candidate written", 0.75 * 2 - 0.5.)
F, I, G, C_PREV = 0.75, 0.6, -0.8, 2.0

register("05-update", Exercise(
    question=(f"One memory unit holds c_(t-1) = {C_PREV}. The forget gate is f = {F}, the input gate "
              f"i = {I} and the candidate C~ = {G}. What is the new cell state c_t?"),
    expected=lambda: cell_state_update(np.array([F]), np.array([I]), np.array([G]), np.array([C_PREV]))[0],
    sig=3,
    explain=(f"c_t = f x c_(t-1) + i x C~ = {F} x {C_PREV} + {I} x ({G}) = {F * C_PREV:.2f} - "
             f"{abs(I * G):.2f} = {F * C_PREV + I * G:.2f}: the memory keeps three quarters of "
             "itself, and the negative candidate pulls it down a little."),
    hints=[
        Hint(F * C_PREV, "That is only the kept part f x c_(t-1). Add what the input gate writes, i x C~."),
        Hint(I * G, "That is only the written part i x C~. Add what the forget gate keeps, f x c_(t-1)."),
        Hint(F * C_PREV - I * G, "The candidate is negative, so the written part i x C~ is negative too: "
                                 "it lowers the memory."),
        Hint((1 - F) * C_PREV + I * G, "f is the share the forget gate keeps, not the share it throws away."),
        Hint(F * C_PREV + G, "Only a share i of the candidate is written: multiply C~ by i."),
    ],
    fallback="Set the four sliders of the explorer above to these values and read c_t.",
))


# --- 05-forget-share: which forget gate leaves a quarter of the memory ---------------------------
C_OLD, C_NEW = 2.0, 0.5

register("05-forget-share", Exercise(
    question=(f"The input gate is closed (i = 0), so nothing is written. The memory was c_(t-1) = {C_OLD} "
              f"and is now c_t = {C_NEW}. What was the forget gate f?"),
    expected=lambda: C_NEW / C_OLD,
    sig=3,
    explain=f"With i = 0, c_t = f x c_(t-1), so f = {C_NEW} / {C_OLD} = {C_NEW / C_OLD}: the gate kept 25%.",
    hints=[
        Hint(1 - C_NEW / C_OLD, "That is the share that was forgotten. The forget gate's value is the share "
                                "that is kept."),
        Hint(C_OLD - C_NEW, "That is how much memory was lost, not a gate value. A gate is a share between "
                            "0 and 1."),
        Hint(C_OLD / C_NEW, "Upside down: c_t = f x c_(t-1), so f = c_t / c_(t-1)."),
    ],
    fallback=lambda a, w: ("A sigmoid gate always lies between 0 and 1." if np.any((a < 0) | (a > 1)) else
                           "Press the preset 'remember' in the explorer, then lower f until c_t reads 0.50."),
))


# --- 05-hadamard: the elementwise product of a forget gate and a memory --------------------------
GATE = (0.5, 0.8, 0.9)
MEMORY = (2.0, -1.0, 4.0)

register("05-hadamard", Exercise(
    question=(f"A forget gate f = {list(GATE)} acts on the memory c_(t-1) = {list(MEMORY)}. What is the kept "
              "part f o c_(t-1)? (Answer with a list of three numbers.)"),
    expected=lambda: np.multiply(GATE, MEMORY),
    sig=3,
    explain=("The elementwise product multiplies each unit by its own gate: [0.5 x 2, 0.8 x (-1), 0.9 x 4] "
             "= [1.0, -0.8, 3.6]. Each unit of the memory is kept by its own share."),
    hints=[
        Hint(lambda: np.multiply(GATE, np.abs(MEMORY)), "Mind the sign of the second unit: a gate scales a "
                                                        "memory, it does not flip it."),
        Hint(lambda: np.multiply(1 - np.array(GATE), MEMORY), "That is the part that is forgotten; f is the "
                                                              "share kept."),
        Hint(lambda: float(np.dot(GATE, MEMORY)), "That adds the three products into one number (the dot "
                                                  "product). The elementwise product keeps one number per unit."),
    ],
    fallback=("Multiply the two vectors unit by unit (not the dot product, which sums to one number): "
              "first with first, second with second, third with third."),
))


# --- coding exercise: 05-cell-update -----------------------------------------------------------------
from .coding import CodeExercise  # noqa: E402
from . import Hint  # noqa: E402


def my_cell_state(f, i, g, c_prev):
    """The new cell state c = f * c_prev + i * g (elementwise).

    f, i: gates in (0, 1); g: candidate in (-1, 1); c_prev: old cell state; all (B, H).
    Returns c: (B, H)."""
    return f * c_prev + i * g


def _cell_cases():
    rng = np.random.default_rng(5)
    out = []
    for B, H in ((1, 3), (3, 5), (2, 4)):
        sig = lambda a: 1 / (1 + np.exp(-a))      # noqa: E731
        out.append(dict(f=sig(rng.normal(size=(B, H))), i=sig(rng.normal(size=(B, H))),
                        g=np.tanh(rng.normal(size=(B, H))), c_prev=rng.normal(0, 2, (B, H))))
    return out


def _cell_swapped(f, i, g, c_prev):
    """f with the candidate and i with the old memory."""
    return f * g + i * c_prev


def _cell_one_minus_f(f, i, g, c_prev):
    """(1 - f) * c_prev: reading f as a share to forget."""
    return (1 - f) * c_prev + i * g


def _cell_no_input_gate(f, i, g, c_prev):
    """The candidate added without the input gate."""
    return f * c_prev + g


def _cell_matmul(f, i, g, c_prev):
    """@ (a matrix product) instead of * (elementwise)."""
    return f @ c_prev + i @ g


def _cell_tanh_again(f, i, g, c_prev):
    """tanh applied to the sum: that belongs to the hidden state, not to c."""
    return np.tanh(f * c_prev + i * g)


register("05-cell-update", CodeExercise(
    question=("Write my_cell_state(f, i, g, c_prev) -> c, the cell-state update c = f * c_prev + i * g "
              "(elementwise) for a batch: every argument and c have shape (B, H)."),
    solution=my_cell_state,
    reference=lambda f, i, g, c_prev: cell_state_update(f, i, g, c_prev),
    cases=_cell_cases,
    outputs=("c",),
    hints=[
        Hint(_cell_matmul, "@ is a matrix product. The update multiplies entry by entry (the Hadamard product): "
                           "unit k's gate scales only unit k's memory."),
        Hint(_cell_swapped, "The forget gate f scales the OLD memory c_prev; the input gate i scales the "
                            "candidate g."),
        Hint(_cell_one_minus_f, "f is the share KEPT (f = 1 keeps everything), so it multiplies c_prev as it is."),
        Hint(_cell_no_input_gate, "The candidate g enters only through the input gate: it is scaled by i."),
        Hint(_cell_tanh_again, "c is not squashed: the cell state can grow beyond 1. The tanh comes later, in "
                               "the hidden state h = o * tanh(c)."),
    ],
    explain="Two elementwise products and a sum: the cell state is the LSTM's long-term memory, and this "
            "addition is why its gradient can travel far (notebook 11).",
))
