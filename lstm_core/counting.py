"""How many parameters a recurrent layer has, in the two conventions the sources and
frameworks use.

For a layer with input size D and hidden size H, each gate has an (H, D) input matrix, an
(H, H) recurrent matrix, and bias:

    keras: one bias vector per gate     G * (H * (D + H) + H)
    torch: two bias vectors per gate    G * (H * (D + H) + 2H)   (bias_ih and bias_hh)

with G = 4 for the LSTM, 3 for the GRU, 1 for the vanilla RNN. In a stack, layer 1 sees the
input (D) and every later layer sees the hidden state of the one below (H).

Worked examples (source 001): LSTM 128 -> 64, keras: ((128 + 64) * 64 + 64) * 4 = 49,408;
torch: 49,664. LSTM 4096 -> 256, keras: 4 * ((4096 + 1) * 256 + 256^2) = 4,457,472.
"""

from __future__ import annotations

from . import _checks

CONVENTIONS = ("keras", "torch")
GATES_PER_CELL = {"lstm": 4, "gru": 3, "rnn": 1}


def count_params(input_size, hidden_size, convention="keras", layers=1, cell="lstm") -> int:
    """Number of trainable scalars in a stack of ``layers`` recurrent layers.

    input_size: D >= 1; hidden_size: H >= 1; convention: "keras" or "torch";
    layers: >= 1; cell: "lstm", "gru" or "rnn".
    (Keras' GRU with reset_after=True also keeps two biases; "torch" counts that case.)
    """
    D = _checks.positive_int("input_size", input_size)
    H = _checks.positive_int("hidden_size", hidden_size)
    _checks.choice("convention", convention, CONVENTIONS)
    n_layers = _checks.positive_int("layers", layers)
    G = GATES_PER_CELL[_checks.choice("cell", cell, tuple(GATES_PER_CELL))]
    biases = 1 if convention == "keras" else 2
    total = 0
    for layer in range(n_layers):
        d = D if layer == 0 else H
        total += G * (H * (d + H) + biases * H)
    return total
