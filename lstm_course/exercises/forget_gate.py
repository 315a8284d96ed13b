"""Exercises of notebook 03 (the forget gate)."""

import numpy as np

from lstm_core.cell import cell_state_update
from lstm_core.params import LSTMParams
from . import Exercise, Hint, register

_F = np.array([0.5, 0.8, 0.9])        # the sources' example of a forget-gate output
_C_PREV = np.array([2.0, -1.0, 4.0])


def _kept():
    zeros = np.zeros(3)
    return cell_state_update(_F, zeros, zeros, _C_PREV)      # f * c_prev, nothing written


register("03-kept-memory", Exercise(
    question="A forget gate outputs f = [0.5, 0.8, 0.9] and the previous cell state is "
             "c_prev = [2, -1, 4]. Nothing new is written (i * C~ = 0). What is the new cell state "
             "(three numbers, e.g. [1.0, 2.0, 3.0])?",
    expected=_kept,
    sig=3,
    explain="f * c_prev = [0.5*2, 0.8*(-1), 0.9*4] = [1.0, -0.8, 3.6]: f is the share KEPT, "
            "so the unit with f = 0.9 keeps 90% of its value, every time, with no dice rolled.",
    hints=[
        Hint(lambda: (1 - _F) * _C_PREV,
             "1 - f is the share that is thrown away. The gate's value f is the share that is kept."),
        Hint(lambda: _F + _C_PREV, "The gate scales the memory (multiplies each unit), it does not add to it."),
        Hint(lambda: _C_PREV, "Keeping c_prev unchanged needs f = 1 in every unit. Here f is below 1."),
        Hint(lambda: np.where(_F > 0.5, _C_PREV, 0.0),
             "The gate does not switch a unit fully on or off at a threshold: it multiplies by f."),
        Hint(lambda: np.where(_F > 0.5, 0.0, _C_PREV),
             "The gate does not switch a unit fully off or on at a threshold: it multiplies by f, the share kept."),
    ],
    fallback="Multiply unit by unit: new c[k] = f[k] * c_prev[k].",
))


def _wf_size():
    return LSTMParams.init(10, 32).concatenated("f", order="xh").size


register("03-wf-size", Exercise(
    question="An LSTM reads inputs with m = 10 features and has a hidden state of n = 32 units. How many "
             "numbers are in the forget gate's weight matrix W_f (the one that acts on [x_t, h_(t-1)]), "
             "not counting the bias?",
    expected=_wf_size,
    sig=None,
    explain="W_f has one row per cell-state unit (k = n = 32) and one column per entry of [x_t, h_(t-1)] "
            "(m + n = 42): 32 x 42 = 1344.",
    hints=[
        Hint(10 * 32, "That counts only the columns for x_t. W_f also reads h_(t-1): it has m + n columns."),
        Hint(32 * 32, "That counts only the columns for h_(t-1). W_f also reads x_t: it has m + n columns."),
        Hint(42 * 42, "W_f is not square: it has one row per cell-state unit (n = 32), and the cell state has "
                      "the size of h, not of [x, h]."),
        Hint(lambda: _wf_size() + 32, "That includes the bias b_f (32 numbers); the question leaves it out."),
        Hint(lambda: 4 * _wf_size(), "That is all four gates together. The question asks for the forget gate alone."),
        Hint(lambda: 4 * (_wf_size() + 32),
             "That is all four gates with their biases. The question asks for the forget gate's weights alone."),
    ],
    fallback="Rows: one per cell-state unit (the same as the hidden size). Columns: one per entry of [x_t, h_(t-1)].",
))


# --- coding exercise: 03-gate ------------------------------------------------------------------------
import lstm_core as L  # noqa: E402
from lstm_core.cell import gate_value  # noqa: E402
from .coding import CodeExercise  # noqa: E402
from . import Hint  # noqa: E402


def my_gate(x, h_prev, W, b):
    """One gate: a = sigmoid(W [x, h_prev] + b), for a batch.

    x: (B, D), h_prev: (B, H), W: (H, D + H) (its first D columns read x), b: (H,).
    Returns a: (B, H)."""
    v = np.concatenate([x, h_prev], axis=1)    # (B, D + H): x first, then h_prev, each row one example
    z = v @ W.T + b                            # (B, H): row vectors meet W transposed
    return L.sigmoid(z)


def _gate_cases():
    rng = np.random.default_rng(3)
    out = []
    for B, D, H in ((1, 2, 3), (4, 3, 2), (2, 5, 4)):
        out.append(dict(x=rng.normal(size=(B, D)), h_prev=np.tanh(rng.normal(size=(B, H))),
                        W=rng.normal(0, 0.8, (H, D + H)), b=rng.normal(0, 0.5, H)))
    return out


def _gate_hx(x, h_prev, W, b):
    """[h_prev, x] instead of [x, h_prev]: W's columns meet the wrong inputs."""
    return L.sigmoid(np.concatenate([h_prev, x], axis=1) @ W.T + b)


def _gate_no_transpose(x, h_prev, W, b):
    """v @ W: the shapes (B, D+H) and (H, D+H) do not chain."""
    return L.sigmoid(np.concatenate([x, h_prev], axis=1) @ W + b)


def _gate_axis0(x, h_prev, W, b):
    """np.concatenate without axis=1 stacks the batch rows instead of joining the features."""
    return L.sigmoid(np.concatenate([x, h_prev]) @ W.T + b)


def _gate_no_bias(x, h_prev, W, b):
    """The bias left out."""
    return L.sigmoid(np.concatenate([x, h_prev], axis=1) @ W.T)


def _gate_tanh(x, h_prev, W, b):
    """tanh (the candidate's squashing) instead of the sigmoid."""
    return np.tanh(np.concatenate([x, h_prev], axis=1) @ W.T + b)


def _gate_linear(x, h_prev, W, b):
    """The pre-activation z returned, without the sigmoid."""
    return np.concatenate([x, h_prev], axis=1) @ W.T + b


register("03-gate", CodeExercise(
    question=("Write my_gate(x, h_prev, W, b) -> a, one gate for a batch: a = sigmoid(W [x, h_prev] + b), with "
              "x (B, D), h_prev (B, H), W (H, D + H) whose first D columns read x, b (H,), and a (B, H)."),
    solution=my_gate,
    reference=lambda x, h_prev, W, b: gate_value(W, x, h_prev, b, order="xh", activation="sigmoid").a,
    cases=_gate_cases,
    outputs=("a",),
    hints=[
        Hint(_gate_hx, "The values are off because x and h_prev are in the wrong order: W's first D columns read "
                       "x, so the concatenation must put x first."),
        Hint(_gate_axis0, "np.concatenate joined along the batch axis. Each example's features x and h_prev must "
                          "be joined side by side (along axis 1), giving a (B, D + H) array."),
        Hint(_gate_no_transpose, "W has shape (H, D + H) and each row of your concatenation is one example of "
                                 "length D + H: multiply by W transposed to get (B, H)."),
        Hint(_gate_no_bias, "Close: only the bias b is missing from the pre-activation."),
        Hint(_gate_tanh, "A gate squashes with the sigmoid, into (0, 1), so that it can act as a share; tanh is "
                         "the candidate's squashing."),
        Hint(_gate_linear, "You returned the pre-activation: the gate's value is its sigmoid."),
    ],
    explain="The order of [x, h] is a convention: it must match how W's columns were laid out "
            "(notebook 08 shows both).",
))
