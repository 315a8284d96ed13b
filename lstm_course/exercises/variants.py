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


# --- coding exercise: 15-gru-step --------------------------------------------------------------------
import lstm_core as L  # noqa: E402
from lstm_core.variants import GRUParams, gru_forward  # noqa: E402
from .coding import CodeExercise  # noqa: E402
from . import Hint  # noqa: E402


def my_gru_step(x, h_prev, W_x, W_h, b_x, b_h):
    """One GRU step for a batch, in PyTorch's convention (lstm_core's GRUParams): blocks r, z, n.

    x: (B, D); h_prev: (B, H); W_x: (3H, D); W_h: (3H, H); b_x, b_h: (3H,).
        r = sigmoid(W_xr x + b_xr + W_hr h_prev + b_hr)          reset gate
        z = sigmoid(W_xz x + b_xz + W_hz h_prev + b_hz)          update gate
        n = tanh(W_xn x + b_xn + r * (W_hn h_prev + b_hn))       candidate
        h = (1 - z) * n + z * h_prev
    Returns h: (B, H)."""
    H = h_prev.shape[1]
    a_x = x @ W_x.T + b_x                        # (B, 3H): the input side of all three blocks
    a_h = h_prev @ W_h.T + b_h                   # (B, 3H): the recurrent side
    r = L.sigmoid(a_x[:, :H] + a_h[:, :H])
    z = L.sigmoid(a_x[:, H:2 * H] + a_h[:, H:2 * H])
    n = np.tanh(a_x[:, 2 * H:] + r * a_h[:, 2 * H:])
    return (1 - z) * n + z * h_prev


def _gru_cases():
    rng = np.random.default_rng(15)
    out = []
    for B, D, H in ((1, 2, 3), (4, 3, 2), (2, 5, 4)):
        out.append(dict(x=rng.normal(size=(B, D)), h_prev=np.tanh(rng.normal(size=(B, H))),
                        W_x=rng.normal(0, 0.8, (3 * H, D)), W_h=rng.normal(0, 0.8, (3 * H, H)),
                        b_x=rng.normal(0, 0.5, 3 * H), b_h=rng.normal(0, 0.5, 3 * H)))
    return out


def _gru_reference(x, h_prev, W_x, W_h, b_x, b_h):
    return gru_forward(GRUParams(W_x, W_h, b_x, b_h), x[:, None, :], h0=h_prev).h_last


def _gru_variant(kind):
    def wrong(x, h_prev, W_x, W_h, b_x, b_h):
        H = h_prev.shape[1]
        a_x, a_h = x @ W_x.T + b_x, h_prev @ W_h.T + b_h
        rb, zb = (slice(H, 2 * H), slice(0, H)) if kind == "rz_swapped" else (slice(0, H), slice(H, 2 * H))
        r = L.sigmoid(a_x[:, rb] + a_h[:, rb])
        z = L.sigmoid(a_x[:, zb] + a_h[:, zb])
        W_hn, b_hn = W_h[2 * H:], b_h[2 * H:]
        if kind == "reset_before":
            n = np.tanh(a_x[:, 2 * H:] + (r * h_prev) @ W_hn.T + b_hn)
        elif kind == "bias_outside":
            n = np.tanh(a_x[:, 2 * H:] + r * (h_prev @ W_hn.T) + b_hn)
        elif kind == "no_reset":
            n = np.tanh(a_x[:, 2 * H:] + a_h[:, 2 * H:])
        else:
            n = np.tanh(a_x[:, 2 * H:] + r * a_h[:, 2 * H:])
        return z * n + (1 - z) * h_prev if kind == "z_swapped" else (1 - z) * n + z * h_prev
    wrong.__name__ = f"gru_{kind}"
    wrong.__doc__ = {
        "z_swapped": "h = z * n + (1 - z) * h_prev: the update gate's roles swapped.",
        "reset_before": "r applied to h_prev before the product, W_hn (r * h_prev): the textbook variant.",
        "bias_outside": "r * (W_hn h_prev) + b_hn: the recurrent bias left outside the reset gate.",
        "no_reset": "The reset gate never used.",
        "rz_swapped": "The first two blocks read as z, r instead of r, z.",
    }[kind]
    return wrong


register("15-gru-step", CodeExercise(
    question=("Write my_gru_step(x, h_prev, W_x, W_h, b_x, b_h) -> h: one GRU step for a batch in PyTorch's "
              "convention, blocks r, z, n: r = sigmoid(W_xr x + b_xr + W_hr h + b_hr), z likewise, "
              "n = tanh(W_xn x + b_xn + r * (W_hn h + b_hn)), h_new = (1 - z) * n + z * h. x (B, D), h_prev (B, H), "
              "W_x (3H, D), W_h (3H, H), b_x and b_h (3H,)."),
    solution=my_gru_step,
    reference=_gru_reference,
    cases=_gru_cases,
    outputs=("h",),
    hints=[
        Hint(_gru_variant("z_swapped"), "The update gate's roles are swapped: z is the share of the OLD state "
                                        "h_prev that is kept, and 1 - z the share of the candidate n."),
        Hint(_gru_variant("reset_before"), "That is the textbook GRU, with r applied to h_prev before the matrix "
                                           "product. PyTorch's GRU (and lstm_core's) applies r to the whole "
                                           "recurrent term W_hn h_prev + b_hn."),
        Hint(_gru_variant("bias_outside"), "The recurrent bias b_hn belongs inside the reset gate's product: "
                                           "r * (W_hn h_prev + b_hn). That is why the GRU keeps two bias vectors."),
        Hint(_gru_variant("no_reset"), "The reset gate r must scale the recurrent part of the candidate."),
        Hint(_gru_variant("rz_swapped"), "The blocks are in the order r, z, n: the first H rows are the reset "
                                         "gate, the next H the update gate."),
    ],
    explain="Three blocks instead of four, and no cell state: the update gate z mixes old and new "
            "directly in h.",
))
