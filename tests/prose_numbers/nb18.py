"""Numbers in the prose of notebooks/18-attention.ipynb and where each comes from."""
from _prose import calc, code, define, source, tested

A = {"A": "lstm_course.demos.attention"}
CFG = "A.NOTEBOOK_18"                          # the sweep the notebook runs: length_sweep(**A.NOTEBOOK_18)
CLAIMS = "tests/test_attention_claims.py::"    # the trains tests, each on a fresh run of that sweep

NUMBERS = {
    "0": define("e^0 = 1 (a padding scored 0), e^-inf = 0, a weight of zero"),
    "1": define("weights that sum to 1, e^0 = 1, output step 1"),
    "2": define("output step 2; 2H numbers in the decoder state and the read-out; strings of 2 to 12 digits"),
    "3": code(),                                                  # three keys in the hand-computed cell
    "32": calc(f"{CFG}['hidden'] if {CFG}['hidden'] == {CFG}['batch'] else float('nan')", names=A),  # H; the batch
    "16": calc(f"{CFG}['attention_size']", names=A),
    "1,000": calc(f"{CFG}['steps']", names=A),
    "3,000": define("the shipped model's training steps (data/attention/README.md, train.py's default)"),
    "200": calc(f"{CFG}['n_test']", names=A),
    "4": calc(f"{CFG}['eval_lengths'][0]", names=A),              # the shortest test length; four positions
    "6": calc(f"{CFG}['eval_lengths'][1]", names=A),
    "8": calc(f"{CFG}['eval_lengths'][2]", names=A),
    "10": calc(f"{CFG}['eval_lengths'][3]", names=A),
    "12": calc(f"{CFG}['lengths'][1] if {CFG}['lengths'][1] == {CFG}['eval_lengths'][-1] else float('nan')",
               names=A),                                          # the longest training and test length
    "5": calc(f"len({CFG}['seeds'])", names=A),
    "0.98": tested(CLAIMS + "test_both_models_reverse_short_strings"),
    "0.7": tested(CLAIMS + "test_the_plain_model_falls_with_length"),
    "0.15": tested(CLAIMS + "test_the_gain_grows_with_length"),
    "17": define("notebook 17, named in the list of what a Transformer keeps (beam search (17))"),
    "2023": source("Gu and Dao (2023), Mamba"),
    "2024": source("Beck et al. (2024), xLSTM"),
}
