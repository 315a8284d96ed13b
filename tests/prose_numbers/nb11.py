"""Numbers in the prose of notebooks/11-the-gradient-highway.ipynb and where each comes from."""
from _prose import calc, code, define, source

F = {"F": "lstm_course.demos.highway"}                                   # the gradients along the cell state
FW = {"F": "lstm_course.demos.highway", "W": "lstm_course.explorers.highway"}  # ... and the explorer's presets

# The notebook's LSTM (D = 3, H = 4, T = 25, forget bias 1, seed 0; inputs from default_rng(0)) and
# its loss L = sum(c_T): the cell-path gradient ("PATH", rows t = 0..T) and the full one ("FULL").
TRACE = ("L.lstm_forward(L.LSTMParams.init(3, 4, seed=0, forget_bias=1.0), "
         "np.random.default_rng(0).normal(size=(1, 25, 3)))")
PATH = f"F.cell_path_gradients({TRACE}, np.ones((1, 4)))[0]"
FULL = f"F.cell_gradients({TRACE}, dc_last=np.ones((1, 4))).dc[0]"

# The explorer with a preset's forget bias (its other settings as it starts: T = 60, s = 0.6, loss on c_T).
PRESET = "F.highway_gradients(W.HighwayExplorer.presets[{label!r}]['bias_slider'])"
GATES_0 = PRESET.format(label="forget bias 0 (plain init)")
GATES_1 = PRESET.format(label="forget bias 1 (common default)")
SATURATED = PRESET.format(label="saturated forget gate")
DEFAULT = "__import__('inspect').signature(W.HighwayExplorer).parameters[{name!r}].default"

NUMBERS = {
    "0": define("indices from 0, t = 0, bias 0, s = 0, 'either 0 or 1' (source 001's claim, quoted)"),
    "1": define("forget gates near 1, f = 1, the loss gradient [1, 1, 1, 1], forget bias 1, unit 1, size 1"),
    "1997": source("the original LSTM (Hochreiter & Schmidhuber 1997), cited in source 001's references"),
    "20": define("the number of steps in the example 0.5^20"),

    # the notebook's small LSTM
    "3": code(),                                                          # D = 3
    "4": code(),                                                          # H = 4 (the 4 units)
    "25": code(),                                                         # T = 25
    "0.7": calc(f"{TRACE}.f.mean()"),                                     # 'forget gates around 0.7' (mean 0.709)
    "0.7%": calc(f"100 * {PATH}[15].min()", names=F),                     # ten steps back, per unit: 0.65% ...
    "9%": calc(f"100 * {PATH}[15].max()", names=F),                       # ... to 9.1%
    "0.3%": calc(f"(lambda top: 0.3 if top < 0.3 else top)(100 * {PATH}[5].max())", names=F),  # twenty back: below 0.3%
    "0.62": calc(f"{PATH}[24, 0]", names=F),                              # one step back, unit 1: cell path ...
    "0.40": calc(f"{FULL}[24, 0]", names=F),                              # ... and full
    "0.76": calc(f"{PATH}[24, 1]", names=F),                              # unit 2: cell path ...
    "0.90": calc(f"{FULL}[24, 1]", names=F),                              # ... and full
    "2": calc(f"np.linalg.norm({FULL}[25])", names=F),                    # the size of [1, 1, 1, 1]; also unit 2, s up to 2
    "1e-6": calc("0.5 ** 20"),

    # the explorer
    "8": calc("F.HIDDEN", names=F),                                       # H = 8, u = [1, ..., 1] / sqrt 8
    # the default scale, if it is close to PyTorch's: recurrent weights uniform in +-1/sqrt(H) stretch a
    # unit vector by about sqrt(H * 1 / (3 H)) = 0.58
    "0.6": calc(f"(lambda s: s if abs(s - np.sqrt(1 / 3)) < 0.05 else np.nan)({DEFAULT.format(name='scale')})",
                names=FW),
    "60": calc(DEFAULT.format(name="T"), names=FW),
    "100": calc("F.T_MAX", names=F),                                      # the T slider's end
    "1e-3": calc("F.THRESHOLD", names=F),                                 # the line the readout counts against
    "0.5": calc(f"{GATES_0}.f.mean()", names=FW),                         # bias 0: the gates average 0.5 (also sigmoid(0))
    "9": calc(f"F.steps_above(np.linalg.norm({GATES_0}.path, axis=1))", names=FW),   # cell path above 1e-3
    "0.73": calc(f"{GATES_1}.f.mean()", names=FW),
    "6": calc("W.HighwayExplorer.presets['saturated forget gate']['bias_slider']", names=FW),
    # the gates' mean too
    "0.998": calc("L.sigmoid(W.HighwayExplorer.presets['saturated forget gate']['bias_slider'])", names=FW),
    "0.865": calc(f"np.linalg.norm({SATURATED}.path[60])", names=FW),     # the readout: 8.65e-01
}
