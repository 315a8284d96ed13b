"""Numbers in the prose of notebooks/06-the-output-gate.ipynb and where each comes from."""
from _prose import code, define

NUMBERS = {
    "0": define("the closed end of a gate (0 = hide this unit), entries of source 000's example "
                "tanh(c_t) ~ [0, 1, 1], o_t ~ [0, 0, 1], h_t ~ [0, 0, 1], 'h is about 0'"),
    "1": define("the open end of a gate, the range (-1, 1) of tanh, 'add up to 1', unit 1, "
                "entries of source 000's example vectors"),
    "-1": define("the lower end of tanh's range (-1, 1)"),
    "2": code(),           # x_t = [1, 2, 3] (source 000's input, set in the first worked cell); unit 2
    "3": code(),           # x_t = [1, 2, 3], unit 3, W_hy = 3 I
    "4": code(),           # h_(t-1) = [4, 5, 6], c_t = [0, 4, 4], the yes/no head's weight 4
    "5": code(),           # h_(t-1) = [4, 5, 6] (source 000's input)
    "6": code(),
}
