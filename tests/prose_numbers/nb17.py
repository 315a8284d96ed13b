"""Numbers in the prose of notebooks/17-sequence-to-sequence.ipynb and where each comes from."""
from _prose import calc, code, define, tested

E = {"E": "lstm_course.demos.seq2seq", "S": "lstm_core.seq2seq"}
CFG = "E.NOTEBOOK_17"                       # the runs the notebook trains: ratio_sweep(**E.NOTEBOOK_17)
CLAIMS = "tests/test_seq2seq_claims.py::"    # the trains tests, each on a fresh run of E.SWEEP_17


NUMBERS = {
    "0": define("the digits 0 to 9, seeds 0 to 4, r = 0 (free running)"),
    "1": define("r = 1 (teacher forcing), clipping to norm 1, the first position, W = 1, 'lowers r from 1'"),
    "9": calc("E.NOTEBOOK_17['n_digits'] - 1", names=E),                       # the digits 0 to 9
    "2": calc(f"{CFG}['lengths'][0]", names=E),             # strings of 2 to 6 digits; positions 2 to 6
    "6": calc(f"{CFG}['lengths'][1]", names=E),             # the longest strings; the 6-digit test strings
    "3": define("strings of 3 digits, beam width 3 (the width the counts use)"),
    "5": code(),                                            # the beam example's string 3 1 4 1 5 9 (a code literal)
    "7": calc(f"{CFG}['lengths'][1] + 1", names=E),          # output positions: 6 digits, then EOS
    "10": calc("S.tokens(10)[0]", names=E),                 # 10 digits; EOS is token 10
    "11": calc("S.tokens(10)[1]", names=E),                 # BOS is token 11; 11 outputs; 11H + 11 read-out
    "12": calc("S.Seq2Seq(10, 32).input_size", names=E),    # one-hot inputs 12 wide; 12 inputs
    "4": define("the four weight blocks of an LSTM in 4(12H + H^2 + H); 'four strings out of five'"),
    "32": calc(f"{CFG}['hidden'] if {CFG}['hidden'] == {CFG}['batch'] else float('nan')", names=E),  # H; batch
    "0.5": code(),                                          # the gradient check's mix r = 0.5
    "600": calc(f"{CFG}['steps']", names=E),
    "0.01": calc(f"{CFG}['lr']", names=E),
    "50": calc(f"{CFG}['every']", names=E),
    "40": calc(f"{CFG}['n_val']", names=E),
    "200": calc(f"{CFG}['n_test']", names=E),               # test strings per length; also "after 200 steps",
                                                            # asserted by test_teacher_forcing_learns_sooner
    "400": code(),                                          # the exposure-bias cell's n=400
    "0.75": calc("E.SWEEP_17['ratios'][1]", names=E),
    "0.25": calc("E.SWEEP_17['ratios'][3]", names=E),
    "25": calc("len(E.SWEEP_17['ratios']) * len(E.SWEEP_17['seeds'])", names=E),   # runs in the shipped sweep
    "2015": define("the year of a citation: Bengio et al. (2015); Huszár (2015)"),
    "2016": define("the year of a citation: Wu et al. (2016)"),

    # what the runs show, asserted on a fresh run of the five seeds (at two CPU levels by the test command)
    "0.4": tested(CLAIMS + "test_teacher_forcing_learns_sooner"),
    "0.97": tested(CLAIMS + "test_length_makes_the_task_hard"),
    "0.8": tested(CLAIMS + "test_length_makes_the_task_hard"),
    "0.2": tested(CLAIMS + "test_one_error_brings_the_next"),
    "0.05": tested(CLAIMS + "test_the_end_is_found"),
}
