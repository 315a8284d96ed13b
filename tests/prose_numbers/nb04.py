"""Numbers in the prose of notebooks/04-the-input-gate.ipynb and where each comes from."""
from _prose import calc, code, define, source

# sources 000 and 003: rows of 1s, 2s and 3s times [x_t, h_{t-1}] = [1, ..., 6], plus b_i = 1
Z_I = "(np.repeat([[1.0], [2.0], [3.0]], 6, axis=1) @ np.arange(1, 7) + 1.0)"

NUMBERS = {
    # 1 + 2 + ... + 6 = 21, so row k gives 21k + 1 = 22, 43, 64
    "21": calc("sum(range(1, 7))"),
    "22": calc(f"{Z_I}[0]"),
    "43": calc(f"{Z_I}[1]"),
    "64": calc(f"{Z_I}[2]"),
    "42": source("sources 000 and 003 print the pre-activation as [22, 42, 62] (the erratum)"),
    "62": source("sources 000 and 003 print the pre-activation as [22, 42, 62] (the erratum)"),
    # "about 37": the smallest z (to 0.01) whose sigmoid is exactly 1.0 in float64
    "37": calc("min(z for z in np.arange(30.0, 40.0, 0.01) if L.sigmoid(z) == 1.0)"),
    "1.0": calc(f"L.sigmoid({Z_I}[1])"),
    # "i_t is 1 in every unit": even the smallest, sigma(22), rounds to 1; also the range ends, b_i = 1
    "1": calc(f"L.sigmoid({Z_I}[0])"),
    # the explorer's 'gate shut' preset: input weights scaled to 0, so i = sigma(b_i) = sigma(-8)
    "0.0003": calc("(lambda ex: ex.apply_preset('gate shut: write nothing') or "
                   "(L.sigmoid(ex.b_i.value) if ex.scale_i.value == 0 else np.nan))(IG.InputGateExplorer())",
                   names={"IG": "lstm_course.explorers.input_gate"}),
    "0": define("the ends of the gate's range (0, 1), i = 0 as 'shut', b_C = 0 chosen for the candidate"),
    "-1": define("the lower end of the candidate's range (-1, 1)"),
    # the sources' x_t, h_{t-1}, W_i; c_{t-1} = [2, -1.5, 1]; "units 2 and 3"
    "2": code(),
    "3": code(),
    "4": code(),
    "5": code(),
    "6": code(),
    "-1.5": code(),
}
