"""Numbers in the prose of notebooks/14-forecasting-an-epidemic.ipynb and where each comes from."""
from _prose import calc, code, define, tested

E = {"E": "lstm_course.demos.epidemic"}                                  # the data set and the training recipe
W = {"W": "lstm_course.explorers.epidemic"}                          # the explorer's presets
CLAIMS = "tests/test_epidemic.py::test_many_to_many_beats_both_naive_forecasts_in_every_seed"

NUMBERS = {
    "0": define("day 0, counts at or above 0, 'at about 0' on a plain scale, seed 0"),
    "1": define("inputs of order 1, log(1 + count), the training maximum maps to 1, R0 > 1, h = 1, "
                "1 / gamma, SequenceModel('lstm', 1, H, 1), clipping at norm 1"),
    "2": define("input_size goes from 1 to 2 with one more feature per day"),
    "6": calc("24 / E.STEPS_PER_DAY", names=E),                  # RK4 steps of 6 hours
    "4%": calc("100 * E.NOISE", names=E),                        # the observation noise
    # w = 10 days, the first forecast starts on day 10, 'the last 10 days'; also 'counts run from 10'
    # (E.FIRST_CASES, infectious on day 0, is 10 too)
    "10": calc("E.RECIPE.window", names=E),
    "11": calc("E.RECIPE.window + 1", names=E),                  # the target of a window of days 1-10
    # 'the counts run from 10 to more than 30,000': the largest training count is 33,183 (printed)
    "30,000": calc("(lambda m: 30000 if m > 30000 else m)(max(e.observed.max() for e in E.load_epidemics() "
                   "if e.split == 'train'))", names=E),
    "100,000": calc("E.POPULATION", names=E),
    "16": calc("E.RECIPE.hidden", names=E),
    "120": calc("E.DAYS", names=E),
    "64": calc("E.RECIPE.batch", names=E),
    "5": calc("len(E.SEEDS)", names=E),                          # the seeds each forecaster trains from
    "107": calc("E.DAYS + 1 - 14", names=E),                     # the last start: T = 121 days, 14 ahead
    "10%": tested(CLAIMS),                                       # many-to-many at least 10% below, tomorrow
    "7": code(),                                                 # the horizons (1, 7, 14)
    "14": code(),                                                # ... and the explorer's 14-day rollout
    "4": calc("W.ForecastExplorer.presets['outside training: R0 = 4']['r0']", names=W),
}
