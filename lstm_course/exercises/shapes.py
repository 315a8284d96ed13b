"""Exercises of notebook 08 (shapes, parameters and frameworks)."""

from lstm_core.counting import count_params
from lstm_core.params import KERAS_GATE_ORDER
from . import Exercise, Hint, register


def _per_layer(d, h, nb, layers_input):
    """G = 4 gate blocks of (H x (d + H)) weights and nb bias vectors, summed over the layers'
    input sizes ``layers_input``: the count a learner gets from a particular mistake."""
    return sum(4 * (h * (di + h) + nb * h) for di in layers_input)


# PyTorch nn.LSTM(input_size=10, hidden_size=20, num_layers=2): 2,560 + 3,360 = 5,920.
register("08-torch-2-layers", Exercise(
    question="How many trainable parameters has a 2-layer PyTorch LSTM with input size 10 and hidden "
             "size 20 (nn.LSTM(10, 20, num_layers=2), biases on)?",
    expected=lambda: count_params(10, 20, "torch", layers=2),
    sig=None,
    explain="Layer 1: 4 x (20 x (10 + 20) + 2 x 20) = 2,560. Layer 2 reads layer 1's hidden state, so "
            "its input size is 20: 4 x (20 x (20 + 20) + 2 x 20) = 3,360. Total 5,920.",
    hints=[
        Hint(_per_layer(10, 20, 1, (10, 20)),
             "That is the count with one bias vector per gate, as Keras' LSTM stores it. PyTorch keeps two, "
             "bias_ih and bias_hh, in every layer."),
        Hint(_per_layer(10, 20, 2, (10, 10)),
             "Layer 2 does not see the input x: it reads layer 1's hidden state, so its input size is H = 20, "
             "not 10."),
        Hint(_per_layer(10, 20, 1, (10, 10)),
             "Two things: PyTorch keeps two bias vectors per gate, and layer 2's input is layer 1's hidden "
             "state (size 20), not x (size 10)."),
        Hint(_per_layer(10, 20, 2, (10,)),
             "That is one layer. The question asks for two; the second one's input size is 20."),
        Hint(_per_layer(10, 20, 1, (10,)),
             "That is one layer, counted with one bias per gate. Count two layers, with two biases per gate."),
        Hint(lambda: count_params(10, 20, "torch", layers=2) / 4,
             "You counted one gate. An LSTM layer has four blocks (i, f, g, o), each the same size."),
    ],
    fallback="Write each layer as 4 x (H x (input + H) + 2 x H), with input = 10 for layer 1 and 20 for "
             "layer 2, or set the sliders of the parameter counter above.",
))

# Keras LSTM with H = 16: column blocks i, f, c, o, so f starts at column 16.
register("08-keras-forget-column", Exercise(
    question="A Keras LSTM layer has hidden size H = 16. In its kernel, at which column (counting from 0) "
             "does the forget gate's block begin?",
    expected=lambda: KERAS_GATE_ORDER.index("f") * 16,
    sig=None,
    explain="Keras stores the blocks in the order i, f, c, o, each 16 columns wide: i is columns 0-15, "
            "f is columns 16-31.",
    hints=[
        Hint(0, "Column 0 starts the input gate's block: Keras puts i first, then f."),
        Hint(17, "Count from 0: in Python, as in Keras' kernel, the first column is column 0, not column 1."),
        Hint(32, "Columns 32-47 hold the candidate (Keras' c), the third block. The forget gate is second."),
        Hint(48, "Columns 48-63 hold the output gate, the last block. The forget gate is second."),
        Hint(4, "Blocks are H = 16 columns wide, not one column per gate."),
    ],
    fallback="Pick 'Keras LSTM (fused)' in the layout explorer, set H, find the forget gate, and read "
             "its columns.",
))
