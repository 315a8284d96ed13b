"""Exercises of notebook 15 (LSTM variants: peepholes, the coupled gate, the GRU)."""

import numpy as np

from lstm_core.counting import count_params
from lstm_core.variants import CoupledParams, coupled_forward
from . import Exercise
from . import register


def _near(value, tol=0.5):
    """A hint predicate: the answer is ``value`` (to within ``tol``)."""
    return lambda a, w: abs(float(a) - value) < tol


def _gru(d, h, biases):
    """3 gate blocks of (H x (D + H)) weights and ``biases`` bias vectors each."""
    return 3 * (h * (d + h) + biases * h)


# torch.nn.GRU(10, 20): 3 x (20 x (10 + 20) + 2 x 20) = 1,920.
register("15-gru-params", Exercise(
    question="How many trainable parameters has a one-layer GRU with input size D = 10 and hidden size "
             "H = 20, as PyTorch builds it (torch.nn.GRU(10, 20), biases on)?",
    expected=lambda: count_params(10, 20, "torch", cell="gru"),
    tol=0.5,
    explain="Three blocks (r, z, n), each with a 20 x 10 input matrix, a 20 x 20 recurrent matrix and two "
            "bias vectors of 20: 3 x (200 + 400 + 40) = 1,920. The LSTM of the same size has 2,560.",
    hints=[
        (_near(_gru(10, 20, 1)),
         "That counts one bias vector per block, as Keras' GRU does with reset_after=False. PyTorch (and "
         "Keras' default, reset_after=True) keep two, "
         "because r multiplies W_hn h + b_hn, so b_hn cannot be merged into the input-side bias."),
        (_near(_gru(10, 20, 0)), "Count the biases too: two vectors of H per block."),
        (_near(4 * (20 * 30 + 2 * 20)),
         "That is an LSTM of this size (four blocks). A GRU has three: reset r, update z, candidate n."),
        (_near(4 * (20 * 30 + 20)),
         "That is an LSTM with one bias per gate. The GRU has three blocks, each with two biases in PyTorch."),
        (_near(_gru(10, 20, 2) / 3),
         "That is one block. The GRU has three blocks of the same size (r, z and n)."),
    ],
    fallback="Write one block as H x D + H x H + 2 x H and multiply by the number of blocks (3).",
))


def _coupled_cell_state(f, c_prev, g):
    """c_t of a one-unit coupled LSTM whose gates are set through their biases (zero weights)."""
    p = CoupledParams(np.zeros((3, 1)), np.zeros((3, 1)), np.zeros(3))
    p.gate("f").b[:] = np.log(f / (1 - f))        # sigmoid(b_f) = f
    p.gate("g").b[:] = np.arctanh(g)              # tanh(b_g) = g
    tr = coupled_forward(p, np.zeros((1, 1, 1)), h0=np.zeros((1, 1)), c0=np.full((1, 1), c_prev))
    return float(tr.c[0, 0, 0])


# c_t = 0.9 * 2.0 + (1 - 0.9) * (-0.5) = 1.75
register("15-coupled-cell", Exercise(
    question="A coupled-gate LSTM unit has forget gate f = 0.9, previous cell state c_(t-1) = 2.0 and "
             "candidate g = -0.5. What is its new cell state c_t?",
    expected=lambda: _coupled_cell_state(0.9, 2.0, -0.5),
    tol=1e-3,
    explain="The input gate is tied to 1 - f = 0.1: c_t = 0.9 x 2.0 + 0.1 x (-0.5) = 1.8 - 0.05 = 1.75. "
            "Keeping 90% leaves room to write only 10%.",
    hints=[
        (_near(0.9 * 2.0 + 0.9 * -0.5, 1e-3),
         "You wrote with i = f = 0.9. In the coupled cell the input gate is 1 - f, so a gate that keeps "
         "90% writes only 10%."),
        (_near(0.9 * 2.0, 1e-3), "That is only the kept part, f x c_(t-1). Add the written part, (1 - f) x g."),
        (_near(0.9 * 2.0 - 0.5, 1e-3),
         "That writes the whole candidate (i = 1). The coupled cell writes the share 1 - f."),
        (_near(0.1 * 2.0 + 0.9 * -0.5, 1e-3),
         "The roles are swapped: f multiplies the old memory c_(t-1), and 1 - f the candidate."),
    ],
    fallback="Use c_t = f * c_(t-1) + (1 - f) * g, or set the explorer's sliders and read the coupled cell.",
))
