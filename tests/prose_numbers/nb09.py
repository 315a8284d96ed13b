"""Numbers in the prose of notebooks/09-backpropagation-through-time.ipynb and where each comes from."""
from _prose import calc, code, define, tested

B = {"B": "lstm_course.demos.backpropagation"}     # the explorer's network and its BPTT (widgets.bptt draws it)

# The explorer as it starts (T = 8, the loss at step 8, truncation after k = 4; see
# tests/test_backpropagation_explorers.py::test_presets) with the recurrent weight scale of a preset.
CHAIN = "B.bptt_chain(B.chain_params({scale}), B.chain_inputs(8), 8, B.READOUT, truncate=4)"

# The notebook's 12-step RNN ("Truncated BPTT"): seed 1, h_0 = [0.5, -0.3], x_t = sin(0.7 t), loss
# [1, -1] . h_12. dW(k) is dL/dW_hh when the backward pass stops after k steps: BPTT over the last k
# steps alone, started from the state the full forward run reached there (held fixed).
DW = ("(lambda k, p=L.RNNParams.init(input_size=1, hidden_size=2, seed=1), "
      "xs=np.sin(0.7 * np.arange(1, 13)).reshape(1, 12, 1), h0=np.array([0.5, -0.3]): "
      "L.rnn_backward(L.rnn_forward(p, xs[:, 12 - k:], "
      "h0=np.vstack([h0, L.rnn_forward(p, xs, h0=h0[None]).h[0]])[12 - k][None]), "
      "np.outer(np.eye(k)[-1], [1.0, -1.0])[None]).params.weight_h)")

NUMBERS = {
    "0": define("h_0 = 0 in the explorer, 'away from 0', zero rows of dh"),
    "1": define("D = 1 input, steps t = 1, 2, 3, the 1 of 1 - h_t^2, norms below or above 1"),
    "2": define("H = 2 hidden units, steps, the squares h_t^2, the 2 of the central difference, D = 2 in the exercise"),
    "3": define("three steps t = 1, 2, 3, the three copies W^(1..3), H = 3 in the exercise"),

    # finite differences: the notebook prints "relative error below 1e-9: True" (checked by nbval)
    "1e-9": code(),

    # the explorer: x_t = sin(0.9 t), and what its presets show as it starts
    "0.9": calc("np.arcsin(B.chain_inputs(1)[0, 0])", names=B),
    "0.5": calc(CHAIN.format(scale=0.5) + ".jacobian_norms.max()", names=B),   # no arrow above 0.5 (it reads 0.50)
    "92%": calc("(lambda n: 100 * n[-3:].sum() / n.sum())(" + CHAIN.format(scale=0.5) + ".term_norms)", names=B),
    "1.0": tested("tests/test_backpropagation_explorers.py::test_presets"),                 # the presets' scales
    "1.8": tested("tests/test_backpropagation_explorers.py::test_presets"),
    "12": code(),                                                              # T = 12 (the slider's end), 12 steps
    "8": tested("tests/test_backpropagation_explorers.py::test_presets"),                   # the explorer starts at T = 8, s = 8
    "4": tested("tests/test_backpropagation_explorers.py::test_presets"),                   # ... and k = 4
    "8%": calc("100 * " + CHAIN.format(scale=0.5) + ".rel_error", names=B),   # the readout: 8.4%
    "61%": calc("100 * " + CHAIN.format(scale=1.8) + ".rel_error", names=B),  # the readout: 61.2%

    # truncated BPTT on the notebook's network: two steps give the gradient within about 5% (4.999%)
    "5%": calc(f"(lambda dW: 100 * np.linalg.norm(dW(2) - dW(12)) / np.linalg.norm(dW(12)))({DW})"),
}
