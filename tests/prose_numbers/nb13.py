"""Numbers in the prose of notebooks/13-a-character-language-model.ipynb and where each comes from."""
from _prose import calc, code, define, source, tested

T = {"tx": "lstm_course.demos.language_model"}

# The shipped model (data/charlm/weights.npz) over the whole held-out text, from a zero state: the
# numbers the notebook prints in its checked cells. Float64 forward passes of fixed weights, so
# the same to the last few bits on every CPU; no count below sits near its threshold
# (tests/test_language_model_claims.py checks the margins).
S = "tx.load_shipped()"
ACTS = "np.tanh(tx.held_out_trace().c)"
FOUND = f"tx.find_units({ACTS}, {S}.held_text, k=1)"           # indicator -> (best unit, its r)
BEST = f"np.max([np.abs(tx.unit_correlations({ACTS}, x)) for x in tx.indicators({S}.held_text).values()], axis=0)"
AT_ELSE = f"tx.forget_at_boundaries(tx.held_out_trace().f, {S}.held_text, '. ')"   # (at, elsewhere) per unit
ENCODE = S + ".vocab.encode({part})"
README = "(tx.DATA / 'charlm' / 'README.md').read_text()"

NUMBERS = {
    "0": define("probability 0, indicators 1/0, values near 0, seeds 0, 1 and 2, seed 0's model"),
    "1": define("a single 1 in a one-hot vector, characters 1..T, 1/V, tau = 1, near +1, 1 nat, clipping at 1"),
    "2": define("characters 2..T+1, temperature 2 (the explorer's slider end), seeds 0, 1 and 2"),
    "7": define("an example: a perplexity of 7 reads as 7 equally likely characters"),
    "3.11": source("the corpus, The Python Tutorial of the Python 3.11 documentation (data/text/SOURCE.md)"),
    "2015": source("Karpathy, Johnson and Fei-Fei's study of character models, cited with its year"),

    # the text and the shipped model
    "10%": calc("100 * tx.HELD_OUT", names=T),
    "96": calc(f"{S}.vocab.size", names=T),
    "128": calc(f"{S}.model.hidden_size", names=T),
    "18": calc(f"float(__import__('re').search(r'Time: ([\\d,]+) s', {README}).group(1).replace(',', '')) / 60",
               rel=0.05, names=T),                       # 'about 18 minutes': the README's 1,068 s
    "100": code(),                                       # windows of 100 characters (the cell cutting them)
    "4,000": define("the shipped run's steps, data/charlm/train.py's Config.steps (its README's log ends at 4000)"),
    "32": calc("tx.SMALL['batch']", names=T),            # 32 windows a step, for the shipped and the small model

    # perplexity
    "31.56": calc(f"tx.unigram_perplexity({ENCODE.format(part=S + '.train_text')}, "
                  f"{ENCODE.format(part=S + '.held_text')}, 96)", names=T),
    "6.67": calc(f"tx.model_perplexity({S}.model, {ENCODE.format(part=S + '.held_text')})", names=T),
    "4.7": calc(f"tx.model_perplexity({S}.model, {ENCODE.format(part=S + '.train_text[:20000]')})",
                rel=0.02, names=T),                      # 'about 4.7': 4.67
    "20,000": code(),

    # sampling (the explorer's settings to try)
    "0.1": tested("tests/test_language_model_claims.py::test_a_cold_sample_loops"),     # temperature 0.1 loops
    "0.5": define("temperature 0.5 to try; the viewer's bold-and-underline line at |value| > 0.5"),

    # units that track something
    "72": calc(f"{FOUND}['code line'][0][0]", names=T),
    "-0.59": calc(f"{FOUND}['code line'][1][0]", names=T),
    "16": calc(f"{FOUND}['inside parentheses'][0][0]", names=T),
    "0.49": calc(f"{FOUND}['inside parentheses'][1][0]", names=T),
    "-1": calc(f"{ACTS}[tx.indicators({S}.held_text)['inside parentheses'] == 0, 16].mean()", names=T),  # -0.85
    "101": calc(f"{FOUND}['inside ``literal``'][0][0]", names=T),
    "0.34": calc(f"{FOUND}['inside ``literal``'][1][0]", names=T),
    "12": calc(f"({BEST} > 0.3).sum()", names=T),
    "0.3": define("the correlation line of the count (either sign)"),

    # the forget gate after a full stop
    "25": calc(f"(lambda a: ((a[1] - a[0]) > 0.1).sum())({AT_ELSE})", names=T),
    "20": calc(f"(lambda a: ((a[1] - a[0]) < -0.1).sum())({AT_ELSE})", names=T),   # also 'below 20' (tested, trains)
    "0.74": calc(f"{AT_ELSE}[1][101]", names=T),
    "0.26": calc(f"{AT_ELSE}[0][101]", names=T),
    "0.04": calc(f"tx.forget_at_boundaries(tx.held_out_trace().f, {S}.held_text, '\\n\\n')[0][101]", names=T),

    # train your own: the settings, and what three seeds show
    "64": calc("tx.SMALL['hidden']", names=T),           # 64 units (and windows of 64 characters)
    "300": calc("tx.SMALL['steps']", names=T),
    "3": calc("len(tx.SMALL_SEEDS)", names=T),
}
