"""How many parameters a recurrent layer has, as Keras and PyTorch count them.

For a layer with input size D and hidden size H, each of the cell's G gate blocks has an (H, D)
input matrix, an (H, H) recurrent matrix, and one or two bias vectors of H:

    one bias vector per block     G * (H * (D + H) + H)
    two bias vectors per block    G * (H * (D + H) + 2H)

with G = 4 for the LSTM, 3 for the GRU, 1 for the vanilla RNN. Which one a framework stores:

    convention   LSTM   GRU                                        RNN
    "torch"      two    two (bias_ih, bias_hh)                     two
    "keras"      one    two with reset_after=True (Keras' default)  one (SimpleRNN)
                        one with reset_after=False

so each convention gives the count that framework reports for its default layer. Where a cell
keeps two biases only their sum matters, except in the GRU's candidate, where the reset gate
multiplies W_hn h + b_hn: that is why Keras' default GRU needs both. In a stack, layer 1 sees the
input (D) and every later layer sees the hidden state of the one below (H).

Worked examples (source 001): LSTM 128 -> 64, keras: ((128 + 64) * 64 + 64) * 4 = 49,408;
torch: 49,664. LSTM 4096 -> 256, keras: 4 * ((4096 + 1) * 256 + 256^2) = 4,457,472.
GRU 128 -> 64, keras (reset_after=True) and torch: 3 * (64 * 128 + 64 * 64 + 2 * 64) = 37,248;
keras with reset_after=False: 3 * (64 * 128 + 64 * 64 + 64) = 37,056.
"""

from __future__ import annotations

from . import _checks

CONVENTIONS = ("keras", "torch")
GATES_PER_CELL = {"lstm": 4, "gru": 3, "rnn": 1}
MAX_LAYERS = 1000      # far beyond any real stack (a few to a few dozen layers); the count loops over layers


def biases_per_block(convention="keras", cell="lstm", reset_after=True) -> int:
    """How many bias vectors of H each gate block keeps: 1 or 2 (see the table above)."""
    _checks.choice("convention", convention, CONVENTIONS)
    _checks.choice("cell", cell, tuple(GATES_PER_CELL))
    if not isinstance(reset_after, bool):
        raise TypeError(f"reset_after must be True or False; got {_checks.describe(reset_after)}")
    if not reset_after and (cell, convention) != ("gru", "keras"):
        raise ValueError("reset_after=False is an option of Keras' GRU only: use it with cell='gru' and "
                         f"convention='keras' (got cell={cell!r}, convention={convention!r})")
    if convention == "torch" or (cell == "gru" and reset_after):
        return 2
    return 1


def count_params(input_size, hidden_size, convention="keras", layers=1, cell="lstm", *,
                 reset_after=True) -> int:
    """Number of trainable scalars in a stack of ``layers`` recurrent layers, as the framework
    named by ``convention`` counts its default layer of that cell.

    input_size: D >= 1; hidden_size: H >= 1; convention: "keras" or "torch";
    layers: 1 to MAX_LAYERS (1000); cell: "lstm", "gru" or "rnn".
    reset_after: Keras' GRU option (default True, as in Keras): True keeps two bias vectors per
        block, False one. False is accepted only with cell="gru" and convention="keras"
        (a ValueError otherwise: no other layer has the option).

    count_params(128, 64) = 49,408 (keras.layers.LSTM(64) on 128 features);
    count_params(128, 64, "keras", cell="gru") = 37,248 (keras.layers.GRU(64));
    count_params(128, 64, "keras", cell="gru", reset_after=False) = 37,056.
    """
    D = _checks.positive_int("input_size", input_size)
    H = _checks.positive_int("hidden_size", hidden_size)
    n_layers = _checks.positive_int("layers", layers)
    if n_layers > MAX_LAYERS:
        raise ValueError(f"layers must be at most {MAX_LAYERS} (real recurrent stacks have a few to a few dozen); "
                         f"got {n_layers}")
    nb = biases_per_block(convention, cell, reset_after)
    G = GATES_PER_CELL[cell]
    total = 0
    for layer in range(n_layers):
        d = D if layer == 0 else H
        total += G * (H * (d + H) + nb * H)
    return total
