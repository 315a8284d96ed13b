"""Numbers in the prose of notebooks/00-start-here.ipynb and where each comes from."""
from _prose import calc, define

NUMBERS = {
    # sigmoid(0) = 1/(1 + e^0) = 0.5, and 0.5 x 0.5 in sigmoid'(0)
    "0.5": calc("L.sigmoid(0.0)"),
    # sigmoid'(0) = 0.5 x 0.5 = 0.25, the sigmoid's largest slope
    "0.25": calc("L.dsigmoid(0.0)"),
    # tanh(0) = 0; also the input x = 0 and the ends "(0, 1)", "towards 0"
    "0": calc("L.tanh(0.0)"),
    # tanh'(0) = 1 - 0^2 = 1, the largest tanh slope; also the range ends (0, 1), (-1, 1) and "1 means..."
    "1": calc("L.dtanh(0.0)"),
    "-1": define("the lower end of tanh's range (-1, 1)"),
}
