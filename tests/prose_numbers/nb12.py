"""Numbers in the prose of notebooks/12-lstm-vs-rnn-long-range.ipynb and where each comes from."""
from _prose import calc, code, define, tested

E = {"E": "lstm_course.demos.long_range"}
CFG = "E.NOTEBOOK_12"                       # the sweep the notebook runs: long_range_accuracy(**E.NOTEBOOK_12)
CLAIMS = "tests/test_long_range.py::"        # the trains tests, each on a fresh run of that sweep


NUMBERS = {
    "0": calc(f"{CFG}['seeds'][0]", names=E),                                  # "five seeds (0 to 4)"
    "1": define("sigma(1) and the common forget bias b_f = 1, gradients clipped to norm 1, gates close to 1, 1/4"),
    "4": code(),        # four symbols (inputs and classes), sigma(4) and b_f = 4, the example gap k = 4, seeds 0 to 4
    "2": calc(f"{CFG}['noise']", names=E),                 # the noise's standard deviation 2; also the exponent in H^2
    "0.25": calc("E.chance(4)", names=E),
    "0.75": calc("1 - E.chance(4)", names=E),                                 # a guess is wrong 3 times in 4
    "0.73": calc("L.sigmoid(1.0)"),
    "0.98": calc("L.sigmoid(4.0)"),

    # the three models and their sizes
    "32": calc(f"{CFG}['models']['lstm'][1] if {CFG}['models']['lstm'][1] == {CFG}['models']['rnn'][1] "
               f"== {CFG}['batch'] else float('nan')", names=E),             # H of the LSTM and small RNN; the batch
    "65": calc(f"{CFG}['models']['big rnn'][1]", names=E),
    "9": calc("L.SequenceModel('rnn', 4, 1, 4, seed=0).num_params - 1 - 4"),  # H^2 + 9H + 4 at H = 1 is 14
    "4,814": calc("L.SequenceModel('rnn', 4, 65, 4, seed=0).num_params"),
    "4,868": calc("L.SequenceModel('lstm', 4, 32, 4, seed=0).num_params"),
    "54": calc("L.SequenceModel('lstm', 4, 32, 4, seed=0).num_params - L.SequenceModel('rnn', 4, 65, 4, seed=0).num_params"),

    # the sweep's settings
    "5": calc(f"{CFG}['ks'][0]", names=E),
    "10": calc(f"{CFG}['ks'][1]", names=E),
    "20": calc(f"{CFG}['ks'][2] if {CFG}['ks'][2] == E.STOP_WINDOW else float('nan')", names=E),  # k = 20; the 20-step mean
    "40": calc(f"{CFG}['ks'][3]", names=E),
    "60": calc(f"len({CFG}['models']) * len({CFG}['ks']) * len({CFG}['seeds'])", names=E),   # training runs
    "200": calc(f"{CFG}['steps'][5] if {CFG}['steps'][5] == {CFG}['steps'][10] else float('nan')", names=E),
    "400": calc(f"{CFG}['steps'][20]", names=E),
    "1,200": calc(f"{CFG}['steps'][40]", names=E),
    "0.01": calc(f"{CFG}['lr'] if {CFG}['lr'] == {CFG}['stop_loss'] else float('nan')", names=E),  # lr; stop_loss
    "2,000": calc(f"{CFG}['n_test']", names=E),
    "2000": calc(f"{CFG}['n_test']", names=E),                                # the same, inside the formula
    "0.0097": calc(f"np.sqrt(E.chance(4) * (1 - E.chance(4)) / {CFG}['n_test'])", names=E),
    "1.39": calc("np.log(4)"),                                                # guessing costs ln 4 nats

    # what the runs show, asserted on a fresh run of the five seeds (at two CPU levels by the test command)
    "0.95": tested(CLAIMS + "test_the_lstm_learns_every_gap_in_every_seed"),  # and test_every_model_solves_the_short_gap
    "0.05": tested(CLAIMS + "test_the_small_rnn_is_a_lottery_at_10_and_mostly_at_chance_at_20"),
    "0.4": tested(CLAIMS + "test_the_small_rnn_is_a_lottery_at_10_and_mostly_at_chance_at_20"),
    "0.1": tested(CLAIMS + "test_the_big_rnn_does_better_than_the_small_one_on_average"),
    "0.9": tested(CLAIMS + "test_neither_rnn_is_reliable_at_the_long_gaps"),
    "1.2": tested(CLAIMS + "test_the_loss_curves_at_k_40"),
    "100": tested(CLAIMS + "test_the_loss_curves_at_k_40"),                   # still on the plateau after 100 steps
    "0.85": tested(CLAIMS + "test_inside_the_lstm_at_k_40"),
}
