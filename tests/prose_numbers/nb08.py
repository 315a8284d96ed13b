"""Numbers in the prose of notebooks/08-shapes-parameters-frameworks.ipynb and where each comes from."""
from _prose import calc, code, define, source

C = {"C": "lstm_core.counting"}
P = {"P": "lstm_core.params"}

NUMBERS = {
    # what the frameworks report for one layer 128 -> 64 (count_params is checked by hand in
    # tests/test_counting.py): LSTM 4 (64 (128 + 64) + 64) and + 2 x 64; GRU 3 (64 (128 + 64) + 2 x 64)
    "49,408": calc("L.count_params(128, 64, 'keras')"),
    "49,664": calc("L.count_params(128, 64, 'torch')"),
    "37,248": calc("L.count_params(128, 64, 'keras', cell='gru')"),
    "37,056": calc("L.count_params(128, 64, 'keras', cell='gru', reset_after=False)"),
    # "the extra 4H = 256 numbers": PyTorch's count minus Keras'; also source 001's 256 units
    "256": calc("L.count_params(128, 64, 'torch') - L.count_params(128, 64, 'keras')"),
    "128": source("source 001's first worked count: 128 features into 64 hidden units"),
    "64": source("source 001's first worked count: 128 features into 64 hidden units"),
    "4096": source("source 001's second worked count: 4096 features into 256 units"),
    # gate blocks per cell: 4 for the LSTM (4H rows, 4(H(D + H) + H)), 3 for the GRU; also D = 3, H = 4
    "4": calc("C.GATES_PER_CELL['lstm']", names=C),
    "3": calc("C.GATES_PER_CELL['gru']", names=C),
    "1": define("a row vector is 1 x D; source 001's '+ 1' bias column; the plain RNN's 1 block"),
    # with D = 3 and H = 2 the concatenated W_f has D + H = 5 columns
    "5": calc("L.LSTMParams.init(3, 2).concatenated('f', 'xh').shape[1]"),
    # PyTorch with H = 4: the forget gate is the second row block, rows 4 to 7
    "7": calc("(P.TORCH_GATE_ORDER.index('f') + 1) * 4 - 1", names=P),
    "2": code(),      # H = 2 in the first cells; also 2H and 256^2
    "6": code(),      # the random sequence of 6 steps
}
