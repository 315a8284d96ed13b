"""Three relatives of the LSTM, forward and backpropagation through time, in numpy:

* ``peephole``: the gates also see the cell state, through per-unit peephole weights;
* ``coupled``: one gate for forgetting and writing, the input gate being i = 1 - f;
* ``gru``: the gated recurrent unit, exactly as torch.nn.GRU computes it.

Each module's docstring writes out its equations and its backward pass. Every cell has the
interface of the LSTM in ``sequence.py``: a params dataclass (``init``, ``arrays`` (the live
arrays, for optimisers), ``Cls(**p.arrays())``, ``copy``, ``astype``, ``input_size``,
``hidden_size``, ``dtype``, ``num_params``, per-gate views ``gate(name)``), a forward function

    trace = peephole_forward(params, xs, h0=None, c0=None)   # xs (B, T, D); trace.h (B, T, H)
    trace = coupled_forward(params, xs, h0=None, c0=None)
    trace = gru_forward(params, xs, h0=None)

and a backward function ``<name>_backward(trace, dh[, dc_last])`` given dL/dh (B, T, H),
returning ``VariantGradients(params, xs, h0, c0)`` whose ``params`` is an instance of the same
params class holding the gradients (``c0`` is None for the GRU). ``VARIANTS`` maps a kind name
to (params class, forward, backward).
"""

from ._base import VariantGradients
from .coupled import CoupledParams, CoupledTrace, coupled_backward, coupled_forward
from .gru import GRUGateParams, GRUParams, GRUTrace, gru_backward, gru_forward
from .peephole import PeepholeParams, PeepholeTrace, peephole_backward, peephole_forward

# kind -> (params class, forward, backward), for code that builds any of these cells by name
VARIANTS = {
    "peephole": (PeepholeParams, peephole_forward, peephole_backward),
    "coupled": (CoupledParams, coupled_forward, coupled_backward),
    "gru": (GRUParams, gru_forward, gru_backward),
}


__all__ = [
    "PeepholeParams", "PeepholeTrace", "peephole_forward", "peephole_backward",
    "CoupledParams", "CoupledTrace", "coupled_forward", "coupled_backward",
    "GRUParams", "GRUGateParams", "GRUTrace", "gru_forward", "gru_backward",
    "VariantGradients", "VARIANTS",
]
