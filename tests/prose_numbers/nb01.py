"""Numbers in the prose of notebooks/01-why-recurrence.ipynb and where each comes from."""
from _prose import calc, code, define

R = {"R": "lstm_course.explorers.recurrence"}

NUMBERS = {
    "20": define("the fixed window of the 'pad or cut' example (20 steps, 20 positions)"),
    "3": define("positions 3 and 15 of the window example; also 'B = 2, D = 3' and '3-D' arrays"),
    "15": define("position 15 of the window example"),
    "-1": define("the lower end of tanh's range (-1, 1)"),
    "1": define("the upper end of tanh's range; one input, batch of one (1, 4, 2), layer 1, s < 1, axis 1"),
    "0": define("h_0 = 0 before the first call, b_y = 0, axis 0, the 'no memory (0)' preset"),
    "2015": define("the year of Karpathy's essay, in its citation"),
    "1990": define("the year of Elman's paper, in its citation"),
    "1986": define("the year of Jordan's report, in its citation"),
    "2": code(),        # 2-feature inputs (D = 2), B = 2, layer 2, "from step 2 on", axis 2
    "4": code(),        # four steps of seq, (1, 4, 2); H = 4 in the topology cell
    "5": code(),        # K = 5 output scores
    "6": code(),        # T = 6 steps in the topology cell
    "600": define("a sequence length named to say that none of the topologies fixes it"),
    "12": calc("R.T_STEPS", names=R),
    "0.6": define("the stretch of the explorer's 'fading memory (0.6)' preset, named in its button"),
    "1.5": define("the stretch of the explorer's 'amplifying (1.5)' preset, named in its button"),
}
