"""Numbers in the prose of notebooks/02-squashing-functions.ipynb and where each comes from."""
from _prose import calc, code, define

NUMBERS = {
    # the sigmoid's largest slope, sigma'(0) = 1/4
    "0.25": calc("L.dsigmoid(0.0)"),
    # tanh's largest slope tanh'(0) = 1; also the ends of the ranges (0, 1), (-1, 1) and ReLU's slope
    "1": calc("L.dtanh(0.0)"),
    # tanh(0) = 0; also x = 0, the ends of ranges, ReLU's slope for x < 0
    "0": calc("L.tanh(0.0)"),
    # sigma(0) = 0.5, and the first gate value of [0.5, 0.8, 0.9]
    "0.5": calc("L.sigmoid(0.0)"),
    # the gate vector [0.5, 0.8, 0.9] made as sigmoid(log 4), sigmoid(log 9) (source 000's values)
    "0.8": calc("L.sigmoid(np.log(4.0))"),
    "0.9": calc("L.sigmoid(np.log(9.0))"),
    "-1": define("the lower end of tanh's range (-1, 1), the '- 1' of 2 sigma(2x) - 1, and the memory [2, -1, 0.5]"),
    "2": code(),        # the memory [2, -1, 0.5]; also 2 sigma(2x) in the identity
    "-0.5": define("a gate value that cannot occur, named to show why gates use sigmoid"),
    "3": define("the input of the explorer's 'saturated: x = 3' preset, named in its button"),
}
