"""Numbers in the prose of notebooks/03-the-forget-gate.ipynb and where each comes from."""
from _prose import calc, code, define, source

# source 000's worked forget gate: W_f, [x_t, h_{t-1}] = [1, ..., 6] and b_f
W_F = "np.array([[1, 2, 3, 4, 5, 6], [5, 6, 7, 8, 9, 10], [3, 4, 5, 6, 7, 8]])"
Z_F = f"({W_F} @ np.arange(1, 7) + np.array([1, 2, 3]))"      # the pre-activations [92, 177, 136]

NUMBERS = {
    # row 1: 1*1 + 2*2 + ... + 6*6 = 91, plus the bias 1 gives 92
    "91": calc(f"({W_F} @ np.arange(1, 7))[0]"),
    "92": calc(f"{Z_F}[0]"),
    # sigma(92) is exactly 1.0 in float64: the gate "prints as exactly 1", "rounds to 1.0", every bar at 1.000
    "1": calc(f"L.sigmoid(float({Z_F}[0]))"),
    "1.0": calc(f"L.sigmoid(float({Z_F}[0]))"),
    "1.000": calc(f"L.sigmoid(float({Z_F}.min()))"),
    # the true gap 1 - sigma(92) = sigma(-92)
    "1.1e-40": calc(f"L.sigmoid(-float({Z_F}[0]))"),
    # the slope sigma(z) sigma(-z) at z = 92, "about 10^-40", the summary's gap "10^-40"
    "1e-40": calc(f"L.sigmoid(float({Z_F}[0])) * L.sigmoid(-float({Z_F}[0]))"),
    # "the gap to 1 is below 10^-39 here": the power of ten above the largest gap sigma(-92)
    "1e-39": calc(f"10.0 ** np.ceil(np.log10(L.sigmoid(-float({Z_F}.min()))))"),
    # "below 10^-9 for its input-gate numbers": above the largest gap of notebook 04's z_i = 22
    "1e-9": calc("10.0 ** np.ceil(np.log10(L.sigmoid(-22.0)))"),
    # float64: 53 significant bits; the float below 1 is 1.1e-16 away
    "53": calc("np.finfo(np.float64).nmant + 1"),
    "1.1e-16": calc("1.0 - np.nextafter(1.0, 0.0)"),
    # "floats near 0 ... down to about 10^-308": the power of ten of the smallest normal float64 (2.2e-308)
    "1e-308": calc("10.0 ** np.floor(np.log10(np.finfo(np.float64).tiny))"),
    # sigma(0) = 0.5 (the zero-weight gates of the whole-cell check, the 'all zero' preset)
    "0.5": calc("L.sigmoid(0.0)"),
    # tanh(0) = 0 (the zero-weight candidate); also f = 0 wipes, the range (0, 1)
    "0": calc("L.tanh(0.0)"),
    "0.7": define("an example gate value in the formula's explanation"),
    "70%": calc("100 * 0.7"),
    "90%": calc("100 * 0.9"),
    "0.999": source("source 000's answer says its printed 1s were 'really about 0.999'"),
    "0.8": source("source 000's example gate values f = [0.5, 0.8, 0.9]"),
    "0.9": source("source 000's example gate values f = [0.5, 0.8, 0.9]"),
    "-1": define("the lower end of the range of a real hidden state, (-1, 1)"),
    "2000": define("the year of Gers et al., in its citation"),
    "2015": define("the year of Jozefowicz et al., in its citation"),
    "2016": define("the year of Krueger et al. (zoneout), in its citation"),
    # source 000's integers (x_t, h_{t-1}, W_f, b_f), the sizes m = 5, n = 2 of the shapes cell, c_{t-1}
    "2": code(),
    "3": code(),
    "4": code(),
    "5": code(),
    "6": code(),
    "7": code(),
    "8": code(),
    "9": code(),
    "10": code(),
    "-1.5": code(),
    "10,000": code(),
}
