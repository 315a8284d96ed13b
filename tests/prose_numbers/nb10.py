"""Numbers in the prose of notebooks/10-vanishing-and-exploding-gradients.ipynb and where each comes from."""
from _prose import calc, code, define, source, tested

F = {"F": "lstm_course.demos.vanishing"}                                         # the math of the notebook
GF = "W.GradientFlowExplorer.presets"                                # the gradient-flow explorer's presets
FW = {"F": "lstm_course.demos.vanishing", "W": "lstm_course.explorers.vanishing"}    # ... and the explorers' presets and axes

FLOW = "F.gradient_flow(1.3, 40, 0.5)"              # "The bound, checked on a run": radius 1.3, 40 steps, inputs 0.5
RUN = "F.descend(*F.CLIFF_START)"                   # the cliff run from (1.5, -0.3) without clipping
CLAIMS = "tests/test_vanishing.py::test_the_cliff_claims_hold_from_every_start"        # the 8 starts (trains)
SWEEP = "tests/test_vanishing.py::test_raising_the_input_scale_at_radius_3_goes_as_the_notebook_says"
LEAVES = ("int(np.argmax((lambda r, v: (r.w < v[0][0]) | (r.w > v[0][1]) | (r.b < v[1][0]) | (r.b > v[1][1]))"
          f"({RUN}, W.CLIFF_VIEW)))")

NUMBERS = {
    "0": define("the zero state, tanh' at 0, W_xh = I and b = 0, 'the gradient is exactly 0', seed 0"),
    "1": define("tanh' <= 1, factors below or above 1, radius 1, clipping to length 1, a step longer than 1"),
    "2": define("tanh(x) = 2 sigma(2x) - 1 and h^2 in the equations"),
    "003": define("source 003 ('repeated in 003': the comment thread of source 000 copied there)"),
    "2013": source("Pascanu, Mikolov and Bengio, On the difficulty of training recurrent neural networks, cited by year"),

    # one unit, 50 steps; the slopes
    "50": code(),                                                            # T = 50 (also h_50 of the cliff)
    "10%": define("the cell's weights 0.9 and 1.1, 10% below and above 1 (it prints 0.9**50 and 1.1**50)"),
    "7%": calc("100 * L.dtanh(2.0)"),                                        # tanh'(2) = 0.0707
    "0.25": calc("L.dsigmoid(0.0)"),
    "4": calc(LEAVES, names=FW),                # the dashed run leaves the window at step 4 (also 4 sigma'(2x), preset 4)

    # the bound, checked on a run; the spectral radius and norm
    "16": calc("F.FLOW_HIDDEN", names=F),
    "40": code(),
    "60%": calc(f"100 * (lambda f: np.max(f.norms[:-1] / f.norms[1:] / F.step_bounds(f)))({FLOW})", names=F),
    "3e11": calc(f"np.prod(F.step_bounds({FLOW}))", names=F),                # 2.99e11
    "4e-5": calc(f"{FLOW}.ratio", names=F),                                  # 4.27e-5
    "0.78": calc("F.gradient_flow(1.0, 61, 0.0).norms[0]", names=F),        # 60 steps back, no input: 0.784
    "9e10": calc("np.linalg.norm(F.recurrent_matrix(1.0), 2) ** 60", names=F),   # 8.68e10

    # the gradient-flow explorer and its presets
    "1e-20": calc("W.Y_LIMITS[0]", names=FW),
    "1e20": calc("W.Y_LIMITS[1]", names=FW),
    "60": calc(f"{GF}['linear, radius 0.8']['length_slider']", names=FW),         # T = 60 in the presets
    "59": calc(f"{GF}['linear, radius 0.8']['length_slider'] - 1", names=FW),     # steps back from T = 60 to 1
    "1.2": calc(f"{GF}['linear, radius 1.2']['radius_slider']", names=FW),
    "100": calc("F.FLOW_T_MAX", names=F),                                    # drag T to 100; also "50 or 100 steps"
    "0.96": calc(f"F.gradient_flow(*{GF}['small inputs, radius 1'].values()).slope.mean()", names=FW),
    # the edge is met at step 3 (radius 3 in presets 2, 4, 5; '3 of the 8' is tested)
    "3": calc(f"int(np.argmax({RUN}.norm))", names=F),
    # preset 5, radius 3, T = 60, the input scale raised one slider step at a time (also 'radius 0.8', 'w_0 = 0.8')
    "0.8": tested(SWEEP),
    "0.45": tested(SWEEP),
    "0.85": tested(SWEEP),
    "1.4": tested(SWEEP),
    "1.45": tested(SWEEP),
    "0.05": calc("0.1 * F.CLIFF_LR", names=F),    # threshold 0.1: steps of at most 0.05 (also the slider's step, tested)

    # the cliff: its definition and the run from (1.5, -0.3)
    "0.5": calc("F.CLIFF_LR", names=F),                                      # the learning rate (the kick x_1 too)
    "49": calc("F.CLIFF_T - 1", names=F),
    "-0.6": calc("F.CLIFF_TARGET", names=F),
    "0.6": calc("-F.CLIFF_TARGET", names=F),
    "1.5": calc("F.CLIFF_START[0]", names=F),
    "-0.3": calc("F.CLIFF_START[1]", names=F),
    "600": tested("tests/test_vanishing.py::test_the_single_run_the_notebook_walks_through"),   # "over 600 long"
    "617": calc(f"{RUN}.norm[3]", names=F),
    "-99": calc(f"{RUN}.w[4]", names=F),
    "-292": calc(f"{RUN}.b[4]", names=F),
    "-1": define("tanh's lower limit, where the thrown unit is stuck (the test checks its gradient is exactly 0)"),
    "0.16": calc(f"{RUN}.loss[-1]", names=F),
    "0.01": tested(CLAIMS),                           # 'below 0.01': every clipped run, ours included
    "0.1": define("the input scale of preset 3, the clipping threshold to try, the line 'ends above 0.1' draws"),
    "5": calc("F.CLIFF_N_STARTS - (F.cliff_runs().raw_final_loss > 0.1).sum()", names=F),  # the other 5 (threshold 5 too)
    "2.5": calc("5 * F.CLIFF_LR", names=F),                                   # threshold 5: steps up to 2.5

    # the eight starts
    "8": calc("F.CLIFF_N_STARTS", names=F),
    "1.3": calc("F.CLIFF_BOX[0][0]", names=F),
    "1.7": calc("F.CLIFF_BOX[0][1]", names=F),
    "-0.45": calc("F.CLIFF_BOX[1][0]", names=F),
    "-0.25": calc("F.CLIFF_BOX[1][1]", names=F),
    "0.02": tested(CLAIMS),
    "308": calc("F.cliff_runs().raw_longest_step[0]", names=F),
}
