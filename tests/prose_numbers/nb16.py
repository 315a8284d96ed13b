"""Numbers in the prose of notebooks/16-real-inputs-deep-and-two-way.ipynb and where each comes from."""
from _prose import calc, code, define, source, tested

E = {"E": "lstm_course.demos.layers"}                                # the experiments' settings
CLAIMS = "tests/test_layers_claims.py::"

NUMBERS = {
    "0": define("the padding symbol 0, mask value 0, class 0 at padding, gradient zero"),
    "1": define("mask value 1, a one-hot vector's single 1, 1/(1-p), layers n = 1, symbols from 1"),
    "2": code(),                                                   # D = 2; 'two steps' in the tasks (k = 2)
    "4": calc("E.NOTEBOOK_16['depth']['vocab'] - 1", names=E),     # symbols 1 to 4
    "5": calc("len(E.NOTEBOOK_16['depth']['seeds'])", names=E),    # 5 seeds; also modulo 5 (vocab), lengths 5 to 10
    "8": calc("E.NOTEBOOK_16['depth']['models']['2 layers, H=8'][1]", names=E),
    "10": calc("E.tag_task(1, 'window').__getitem__(0).shape[1]", names=E),   # max_len: sequences of 5 to 10 steps
    "13": calc("E.NOTEBOOK_16['depth']['models']['1 layer, H=13'][1]", names=E),
    "32": calc("E.NOTEBOOK_16['dropout']['hidden']", names=E),
    "48": calc("E.NOTEBOOK_16['dropout']['n_train']", names=E),
    "30%": calc("100 * E.NOTEBOOK_16['dropout']['noise']", names=E),
    "0.5": calc("E.NOTEBOOK_16['dropout']['p']", names=E),
    "2016": source("Gal and Ghahramani (2016), variational dropout in recurrent networks"),
    "2017": source("Krueger et al. (2017), zoneout"),
    "0.4": tested(CLAIMS + "test_bidirectional_reads_the_future"),
    "0.6": tested(CLAIMS + "test_bidirectional_reads_the_future"),
    "0.9": tested(CLAIMS + "test_dropout_keeps_train_and_held_out_together"),
    "0.7": tested(CLAIMS + "test_dropout_keeps_train_and_held_out_together"),
    "0.2": tested(CLAIMS + "test_dropout_keeps_train_and_held_out_together"),
    "0.1": tested(CLAIMS + "test_dropout_keeps_train_and_held_out_together"),
}
