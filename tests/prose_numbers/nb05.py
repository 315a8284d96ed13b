"""Numbers in the prose of notebooks/05-the-cell-state.ipynb and where each comes from."""
from _prose import calc, code, define

# The hand-set one-unit LSTM of "Long-term memory and short-term memory": forget bias +6, input
# bias -6, o = sigmoid(3x), candidate tanh(x), c_0 = 1, eight inputs from default_rng(0).
STEADY = ("L.lstm_forward(L.LSTMParams.from_gates("
          "W_x={'f': np.zeros((1, 1)), 'i': np.zeros((1, 1)), 'g': np.ones((1, 1)), 'o': np.full((1, 1), 3.0)}, "
          "W_h={k: np.zeros((1, 1)) for k in 'figo'}, "
          "b={'f': np.array([6.0]), 'i': np.array([-6.0]), 'g': np.zeros(1), 'o': np.zeros(1)}), "
          "np.random.default_rng(0).normal(size=(1, 8, 1)), h0=np.zeros((1, 1)), c0=np.ones((1, 1)))")

# The subject cell of "A new subject after the full stop" on `Bob is nice . Dan is kind`
# (features [which name, is a name, is a stop]): c_t after each token, for a given stop weight.
SUBJECT_C = ("(lambda stop_weight: L.lstm_forward(L.LSTMParams.from_gates("
             "W_x={'f': np.array([[0.0, 0.0, stop_weight]]), 'i': np.array([[0.0, 8.0, 0.0]]), "
             "'g': np.array([[1.5, 0.0, 0.0]]), 'o': np.zeros((1, 3))}, "
             "W_h={k: np.zeros((1, 1)) for k in 'figo'}, "
             "b={'f': np.array([4.0]), 'i': np.array([-4.0]), 'g': np.zeros(1), 'o': np.zeros(1)}), "
             "np.array([[[1, 1, 0], [0, 0, 0], [0, 0, 0], [0, 0, 1], [-1, 1, 0], [0, 0, 0], [0, 0, 0]]], float)"
             ").c[0, :, 0])")

NUMBERS = {
    # counting words, indices and the gates' extremes
    "0": define("the extremes f = 0 / i = 0, the lower end of the gates' range (0, 1), feature values, 'towards 0'"),
    "1": define("unit 1, the vector a = [1, 2, 3], the extremes f = 1 / i = 1, ranges (0, 1) and (-1, 1), c_0 = 1, "
                "the bound 'grow by at most 1 per step' (|f c + i C~| <= |c| + 1)"),
    "2": define("unit 2 and the example vectors a = [1, 2, 3], b = [3, 2, 1]"),
    "3": define("unit 3, the example vectors, three memory units, the output gate's weight in sigma(3x)"),
    "-1": define("the lower end of the candidate's range (-1, 1), and the feature value for Dan"),

    # two ways to multiply
    "4": calc("(np.array([1, 2, 3]) * np.array([3, 2, 1]))[1]"),        # [3, 4, 3]; also the forget bias 4
    "10": calc("np.dot([1, 2, 3], [3, 2, 1])"),                          # 3 + 4 + 3; also the stop weight -10

    # one update of three units
    "0.5": code(),                                                       # f = [0.5, 0.8, 0.9]; f ~ 0.5 in the last hint
    "0.8": code(),
    "0.9": code(),                                                       # f of unit 3, and its candidate 0.9
    "50%": calc("100 * 0.5"),                                            # each forget-gate entry read as a share kept
    "80%": calc("100 * 0.8"),
    "90%": calc("100 * 0.9"),
    "-0.6": calc("0.5 * -1.2"),                                          # kept part of unit 1: f * c_prev
    "0.63": calc("0.9 * 0.7"),                                           # written part of unit 1: i * C~
    "10%": calc("100 * (1 - 0.9)"),                                      # unit 3 (i = 0) only shrinks by 1 - f

    # long-term and short-term memory
    "6": code(),                                                         # forget bias +6
    "-6": code(),                                                        # input bias -6 (and sigma(4 - 10) = sigma(-6))
    "1.000": code(),                                                     # c_0 = 1.0
    "0.986": calc(STEADY + ".c[0, -1, 0]"),                              # c after eight steps
    "0.13": calc(STEADY + ".h.min()"),                                   # h jumps between about 0.13 ...
    "0.74": calc(STEADY + ".h.max()"),                                   # ... and 0.74

    # the subject cell
    "0.98": calc("L.sigmoid(4.0)"),                                      # f on ordinary tokens, i on a name
    "0.002": calc("L.sigmoid(4.0 - 10.0)"),                              # f at the full stop
    "0.02": calc("L.sigmoid(-4.0)"),                                     # i elsewhere
    "-4": code(),                                                        # the input gate's bias
    "8": code(),                                                         # the input gate's weight on 'is a name'
    "1.5": code(),                                                       # the candidate's weight on 'which name'
    "0.91": calc("np.tanh(1.5)"),
    "-0.91": calc("np.tanh(-1.5)"),
    "0.89": calc(SUBJECT_C + "(-10.0)[0]"),                              # c at Bob
    "-0.89": calc(SUBJECT_C + "(-10.0)[4]"),                             # c at Dan; also Dan's write i * C~ = -0.889
    "0.84": calc(SUBJECT_C + "(0.0)[3]"),                                # what is left of Bob's at the stop, stop weight 0
}
