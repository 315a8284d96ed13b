"""Exercises of notebook 15 (LSTM variants: peepholes, the coupled gate, the GRU)."""

import numpy as np

from lstm_core.counting import count_params
from lstm_core.variants import CoupledParams, coupled_forward
from . import Exercise, Hint, register


def _gru(d, h, biases):
    """3 gate blocks of (H x (D + H)) weights and ``biases`` bias vectors each."""
    return 3 * (h * (d + h) + biases * h)


# torch.nn.GRU(10, 20): 3 x (20 x (10 + 20) + 2 x 20) = 1,920.
register("15-gru-params", Exercise(
    question="How many trainable parameters has a one-layer GRU with input size D = 10 and hidden size "
             "H = 20, as PyTorch builds it (torch.nn.GRU(10, 20), biases on)?",
    expected=lambda: count_params(10, 20, "torch", cell="gru"),
    sig=None,
    explain="Three blocks (r, z, n), each with a 20 x 10 input matrix, a 20 x 20 recurrent matrix and two "
            "bias vectors of 20: 3 x (200 + 400 + 40) = 1,920. The LSTM of the same size has 2,560.",
    hints=[
        Hint(_gru(10, 20, 1),
             "That counts one bias vector per block, as Keras' GRU does with reset_after=False. PyTorch (and "
             "Keras' default, reset_after=True) keep two, "
             "because r multiplies W_hn h + b_hn, so b_hn cannot be merged into the input-side bias."),
        Hint(_gru(10, 20, 0), "Count the biases too: two vectors of H per block."),
        Hint(4 * (20 * 30 + 2 * 20),
             "That is an LSTM of this size (four blocks). A GRU has three: reset r, update z, candidate n."),
        Hint(4 * (20 * 30 + 20),
             "That is an LSTM with one bias per gate. The GRU has three blocks, each with two biases in PyTorch."),
        Hint(_gru(10, 20, 2) / 3,
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


# c_t = 0.8 * 2.0 + (1 - 0.8) * (-0.7) = 1.46. (With f = 0.9 and g = -0.5 the answer 1.75, rounded
# to 1.8, was the same number as the mistake "only the kept part", 0.9 * 2.0.)
CF, CC, CG = 0.8, 2.0, -0.7

register("15-coupled-cell", Exercise(
    question=f"A coupled-gate LSTM unit has forget gate f = {CF}, previous cell state c_(t-1) = {CC} and "
             f"candidate g = {CG}. What is its new cell state c_t?",
    expected=lambda: _coupled_cell_state(CF, CC, CG),
    sig=3,
    explain=f"The input gate is tied to 1 - f = {1 - CF:.1f}: c_t = {CF} x {CC} + {1 - CF:.1f} x ({CG}) = "
            f"{CF * CC:.2f} - {abs((1 - CF) * CG):.2f} = {CF * CC + (1 - CF) * CG:.2f}. "
            f"Keeping {CF:.0%} leaves room to write only {1 - CF:.0%}.",
    hints=[
        Hint(CF * CC + CF * CG,
             f"The write used i = f = {CF}. In the coupled cell the input gate is 1 - f, so a gate that keeps "
             f"{CF:.0%} writes only {1 - CF:.0%}."),
        Hint(CF * CC, "That is only the kept part, f x c_(t-1). Add the written part, (1 - f) x g."),
        Hint(CF * CC + CG, "That writes the whole candidate (i = 1). The coupled cell writes the share 1 - f."),
        Hint((1 - CF) * CC + CF * CG,
             "The roles are swapped: f multiplies the old memory c_(t-1), and 1 - f the candidate."),
    ],
    fallback="Use c_t = f * c_(t-1) + (1 - f) * g, or set the explorer's sliders and read the coupled cell.",
))
