"""Numbers in the prose of notebooks/15-lstm-variants.ipynb and where each comes from."""
from _prose import calc, code, define, source, tested

V = {"V": "lstm_course.explorers.variants"}                          # the explorer's weights and presets
R = {"R": "lstm_course.demos.variants"}                             # the race's settings
X = {"X": "lstm_course.demos.long_range"}                               # notebook 12's task and settings

# one step of the explorer's four cells after pressing a preset (its compute(), from lstm_core)
PRESET = "(lambda ex: (ex.apply_preset({name!r}), ex.compute())[1])(V.VariantExplorer())"
KEEP = PRESET.format(name="keep (bias +3)")
OVERWRITE = PRESET.format(name="overwrite (bias -3)")
RACE_CLAIMS = "tests/test_variants_training.py::"

NUMBERS = {
    "0": define("zero weights, p = 0, h near 0, z near 0, sigma(0)"),
    "1": define("f near 1, 'count past 1', the range (-1, 1), D = H = 1, the plain RNN's 1 block, step 1, "
                "clipping at 1, version 1 of TensorFlow, the forget bias 1 of Jozefowicz et al."),
    "-1": define("the candidate's range (-1, 1), tanh's"),
    "2": code(),                                                 # H = 2 in the hand-computed step; 2H biases
    "3": code(),                                                 # D = 3; tanh(3); 3 blocks; 3H peepholes; bias +3
    "4": calc("R.RACE.keep_bias", names=R),                      # the race's keep bias; also 4 blocks, D = 4, ln 4
    "6": code(),                                                 # the biases 6.0 of the zero-weight cells
    "0.995": calc("np.tanh(3.0)"),
    "0.998": calc("L.sigmoid(6.0)"),
    "0.2%": calc("100 * (1 - L.sigmoid(6.0))"),                  # the coupled cell's write share with f = 0.998
    "0.5": calc("L.sigmoid(0.0)"),                               # f = 0.5, z = 0.5; also the race's noise 0.5
    "2017": source("Greff et al. (2017), LSTM: A Search Space Odyssey"),
    "2014": source("Cho et al. (2014) and Chung et al. (2014)"),
    "32": calc("R.RACE.hidden", names=R),                        # H = 32, batches of 32
    "128": source("source 001's worked example: 128 inputs into 64 units"),
    "64": source("source 001's worked example: 128 inputs into 64 units"),
    # the peephole LSTM's 3H extra numbers, relative to the LSTM: D = 4, H = 32 and D = 128, H = 64;
    # '2%' also: the tied cells' first write share 1 - sigmoid(4) = 1.8%
    "2%": calc("100 * 3 * 32 / L.LSTMParams.init(4, 32).num_params"),
    "0.4%": calc("100 * 3 * 64 / L.LSTMParams.init(128, 64).num_params"),
    # the explorer's keep preset: every keep gate at sigmoid(4.25) = 0.986, the LSTM's free i at 0.777,
    # the coupled cell's write share 1 - f = 0.014; the overwrite preset: f = 0.148, 1 - f = 0.852
    "0.99": calc(f"{KEEP}['LSTM']['f']", names=V),
    "78%": calc(f"100 * {KEEP}['LSTM']['i']", names=V),
    "1%": calc(f"100 * {KEEP}['coupled']['i']", names=V),
    "-3": calc("V.VariantExplorer.presets['overwrite (bias -3)']['bias_slider']", names=V),
    "0.15": calc(f"{OVERWRITE}['LSTM']['f']", names=V),
    "85%": calc(f"100 * {OVERWRITE}['coupled']['i']", names=V),
    # the race (lstm_course.demos.variants.RACE) and notebook 12's settings (experiments.NOTEBOOK_12)
    "25%": calc("100 * X.chance(4)", names=X),
    "0.01": calc("R.RACE.lr", names=R),
    "30": calc("R.RACE.k", names=R),
    "2.0": calc("X.NOTEBOOK_12['noise']", names=X),
    "1,200": calc("X.NOTEBOOK_12['steps'][max(X.NOTEBOOK_12['ks'])]", names=X),   # its longest gap's steps
    "150": calc("R.RACE.steps", names=R),
    "5": calc("len(R.SEEDS)", names=R),
    "256": calc("R.RACE.n_test", names=R),
    "15": calc("R.RACE.every", names=R),
    "90%": define("the race's mark for 'learned': test accuracy 0.9 (RaceResult.first_at's level)"),
    "75%": tested(RACE_CLAIMS + "test_the_coupled_lstm_is_last_and_far_above_chance"),
    "40%": tested(RACE_CLAIMS + "test_the_default_gru_stays_at_chance_in_every_seed"),
    "1.39": calc("np.log(4.0)"),                                 # guessing among 4: ln 4
    "1e-9": calc("10.0 ** np.round(np.log10(0.5 ** 30))"),       # 0.5^30 = 9.3e-10, of the order 10^-9
    "0.98": calc("L.sigmoid(4.0)"),
}
