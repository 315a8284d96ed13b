"""The experiments of notebook 17: an encoder-decoder LSTM learns to reverse digit strings
(``lstm_core.seq2seq``), fed the true previous digit (teacher forcing), its own guess (free
running), or a mix of the two (scheduled sampling); then greedy decoding against beam search.

Every run trains ``Seq2Seq(n_digits, hidden, seed)`` with ``seq2seq.train`` (Adam, clipping, a
fresh batch of one random length in ``lengths`` per step) at one teacher-forcing ratio r: the
probability of feeding the true previous digit. Every ``every`` steps it decodes a fixed
validation set greedily (the model fed its own guesses, as it will be when used) and records the
share of strings it reverses exactly. Then it is scored on a test set of ``n_test`` strings per
length.

Seeds: a run's seed fixes the initial weights, its batches and its draws of true-or-own; the
validation and test sets are the same for every run (streams VAL_STREAM and TEST_STREAM).
Training amplifies the last-bit differences between CPUs, so every claim is about a spread over
seeds (``Sweep.table``), and tests re-run the seeds to check it.

Use:
    sweep = ratio_sweep(**NOTEBOOK_17, progress=True)        # every ratio and seed
    sweep.final[1.0]                                          # (seeds,) test accuracies at r = 1
    position_errors(run.model, length=6)                      # fed the truth vs fed its own guesses
"""

from __future__ import annotations

import json
import numbers
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from lstm_core import _checks, tasks
from lstm_core import seq2seq as S
from lstm_core.training import History

DATA = Path(__file__).resolve().parents[2] / "data"   # the project: lstm_course/demos/ is two below it
SHIPPED = DATA / "seq2seq" / "ratio_sweep.json"      # every ratio's runs (see data/seq2seq/README.md)

VAL_STREAM = 10 ** 6          # the validation set's seed (training batches use the run's seed)
TEST_STREAM = 10 ** 6 + 1     # the test set's

# The experiment of notebook 17 (tests/test_seq2seq_claims.py re-runs it): ratio_sweep(**NOTEBOOK_17).
NOTEBOOK_17 = dict(
    ratios=(1.0, 0.0),            # teacher forcing, free running (the notebook adds 0.75, 0.5, 0.25)
    seeds=(0, 1, 2, 3, 4),        # every ratio is trained once per seed
    n_digits=10,                  # the digits 0 .. 9
    hidden=32,                    # H of the encoder and of the decoder
    lengths=(2, 6),               # each training batch: strings of one length in 2 .. 6
    steps=600,                    # Adam steps
    batch=32,                     # strings per step
    lr=0.01,                      # Adam's learning rate
    clip=1.0,                     # gradients clipped to global norm 1
    every=50,                     # validation every 50 steps
    n_val=40,                     # validation strings per length
    n_test=200,                   # test strings per length
)
# The shipped sweep (data/seq2seq/make_sweep.py): the same runs at five ratios.
SWEEP_17 = {**NOTEBOOK_17, "ratios": (1.0, 0.75, 0.5, 0.25, 0.0)}


def _seeds(seeds):
    if isinstance(seeds, numbers.Integral) or not len(seeds):
        raise ValueError(f"seeds must be a non-empty list of seeds such as (0, 1, 2); got {seeds!r}")
    for s in seeds:
        if isinstance(s, (bool, np.bool_)) or not isinstance(s, numbers.Integral) or s < 0:
            raise ValueError(f"seeds must hold integers >= 0; got {_checks.describe(s)}")
    return tuple(int(s) for s in seeds)


def eval_set(n, lengths, n_digits, stream):
    """{length: (src, targets)}: n strings of every length in lengths = (shortest, longest)."""
    lo, hi = S._lengths(lengths)
    return {L: tasks.reverse_digits(n, L, n_digits, seed=[stream, L]) for L in range(lo, hi + 1)}


def accuracy_by_length(model, sets) -> dict:
    """{length: share of strings reversed exactly by greedy decoding} on ``eval_set``'s sets."""
    return {L: S.sequence_accuracy(model, src, tgt) for L, (src, tgt) in sets.items()}


@dataclass
class Run:
    """One trained model: its ratio and seed, loss history, validation curve and test scores."""

    ratio: float
    seed: int
    model: S.Seq2Seq
    history: History
    curve_steps: list = field(default_factory=list)     # steps at which it was validated (0 first)
    curve: list = field(default_factory=list)           # validation accuracy there (all lengths pooled)
    test: dict = field(default_factory=dict)            # {length: test accuracy}

    @property
    def accuracy(self) -> float:
        """Test accuracy over every length (each length weighs the same)."""
        return float(np.mean(list(self.test.values())))

    def __repr__(self):
        return f"Run(ratio={self.ratio}, seed={self.seed}, accuracy={self.accuracy:.3f})"


def train_run(ratio, seed=0, *, n_digits=10, hidden=32, lengths=(2, 6), steps=600, batch=32, lr=0.01,
              clip=1.0, every=50, n_val=40, n_test=200, progress=False) -> Run:
    """Train one model at teacher-forcing ratio ``ratio`` and score it (see the module docstring)."""
    r = S.teacher_forcing_ratio("ratio", ratio)
    seed = _seeds([seed])[0]
    model = S.Seq2Seq(n_digits, hidden, seed=seed)
    val = eval_set(n_val, lengths, n_digits, VAL_STREAM)
    run = Run(r, seed, model, History())

    def validate(step, m):
        run.curve_steps.append(step)
        run.curve.append(float(np.mean(list(accuracy_by_length(m, val).values()))))

    validate(0, model)
    S.train(model, steps, lengths, r, batch, lr, clip, seed=seed, progress=progress, history=run.history,
            desc=f"r={r:.2f} seed={seed}", callback=validate, every=every)
    run.test = accuracy_by_length(model, eval_set(n_test, lengths, n_digits, TEST_STREAM))
    return run


@dataclass
class Sweep:
    """Runs at several teacher-forcing ratios and seeds: runs[(ratio, seed)] -> Run."""

    ratios: tuple
    seeds: tuple
    runs: dict
    config: dict

    def run(self, ratio, seed=None) -> Run:
        return self.runs[float(ratio), self.seeds[0] if seed is None else seed]

    @property
    def final(self) -> dict:
        """{ratio: (seeds,) test accuracies}."""
        return {r: np.array([self.runs[r, s].accuracy for s in self.seeds]) for r in self.ratios}

    def curves(self, ratio) -> np.ndarray:
        """(seeds, validation points) validation accuracy of every seed at ``ratio``."""
        return np.array([self.runs[float(ratio), s].curve for s in self.seeds])

    @property
    def curve_steps(self) -> np.ndarray:
        return np.array(self.runs[self.ratios[0], self.seeds[0]].curve_steps)

    def by_length(self, ratio) -> np.ndarray:
        """(seeds, lengths) test accuracy of every seed at each length."""
        return np.array([[self.runs[float(ratio), s].test[L] for L in self.lengths] for s in self.seeds])

    @property
    def lengths(self) -> tuple:
        return tuple(self.runs[self.ratios[0], self.seeds[0]].test)

    def table(self) -> str:
        """Test accuracy of every run: one row per ratio, one column per seed, then min, mean and max."""
        head = f"{'ratio':>6s}" + "".join(f"{'seed ' + str(s):>8s}" for s in self.seeds) + \
            f"{'min':>8s}{'mean':>8s}{'max':>8s}"
        rows = [head]
        for r in self.ratios:
            a = self.final[r]
            rows.append(f"{r:6.2f}" + "".join(f"{v:8.3f}" for v in a) + f"{a.min():8.3f}{a.mean():8.3f}{a.max():8.3f}")
        return "\n".join(rows)


def save_sweep(sweep, path):
    """Write a sweep's numbers (not its models) to a JSON file: config, curves and test accuracies."""
    runs = [{"ratio": r, "seed": s, "curve_steps": run.curve_steps, "curve": run.curve,
             "test": {str(L): a for L, a in run.test.items()}, "final_loss": float(np.mean(run.history.loss[-20:]))}
            for (r, s), run in sweep.runs.items()]
    data = {"ratios": list(sweep.ratios), "seeds": list(sweep.seeds), "config": sweep.config, "runs": runs}
    Path(path).write_text(json.dumps(data, indent=1) + "\n")


def load_sweep(path=None) -> Sweep:
    """A Sweep from a file written by ``save_sweep`` (default: the shipped one, ``SHIPPED``); its
    runs have no model and no loss history, only their curves and test accuracies."""
    p = SHIPPED if path is None else Path(path)
    if not p.is_file():
        raise ValueError(f"path must be a sweep file written by save_sweep; {p} does not exist "
                         "(run data/seq2seq/make_sweep.py)")
    data = json.loads(p.read_text())
    runs = {}
    for d in data["runs"]:
        run = Run(float(d["ratio"]), int(d["seed"]), None, None, list(d["curve_steps"]), list(d["curve"]),
                  {int(L): float(a) for L, a in d["test"].items()})
        runs[run.ratio, run.seed] = run
    config = {k: tuple(v) if isinstance(v, list) else v for k, v in data["config"].items()}
    return Sweep(tuple(float(r) for r in data["ratios"]), tuple(data["seeds"]), runs, config)


def ratio_sweep(ratios=(1.0, 0.0), seeds=(0,), progress=False, **config) -> Sweep:
    """``train_run`` at every ratio and seed, with one progress bar over all the steps.
    Keyword arguments (steps, hidden, lengths, ...) pass through to ``train_run``."""
    if isinstance(ratios, numbers.Real) or not len(ratios):
        raise ValueError(f"ratios must be a non-empty list of teacher-forcing ratios such as (1.0, 0.0); got {ratios!r}")
    ratios = tuple(S.teacher_forcing_ratio("ratios[i]", r) for r in ratios)
    seeds = _seeds(seeds)
    steps = config.get("steps", 600)
    bar = None
    if progress:
        from tqdm.auto import tqdm  # imported here, as in lstm_core.fit
        bar = tqdm(total=len(ratios) * len(seeds) * steps, desc="training", leave=True)
    runs = {}
    try:
        for seed in seeds:
            for r in ratios:
                if bar is not None:
                    bar.set_description(f"ratio {r:.2f} seed {seed}", refresh=False)
                runs[r, seed] = train_run(r, seed, progress=bar or False, **config)
    finally:
        if bar is not None:
            bar.close()
    return Sweep(ratios, seeds, runs, dict(config))


# --- exposure bias ----------------------------------------------------------------------------------
@dataclass
class PositionErrors:
    """Error rates at each output position t = 1 .. L + 1 (the last is EOS), for one model.

    true_fed:  (T,) fed the true previous digit (teacher forcing), so each position's own error
    own_fed:   (T,) fed its own previous guesses (greedy decoding), as when it is used
    after_error, after_none: (T,) error rate when fed its own guesses, among the strings that
               already have an error before t, and among those that have none (NaN where no string
               is in that group).
    after_error_true_fed: (T,) the same strings as after_error (an error before t when fed its
               own guesses), but the error rate at t when fed the true digits: what is left of
               their errors once the wrong inputs are taken away."""

    length: int
    true_fed: np.ndarray
    own_fed: np.ndarray
    after_error: np.ndarray
    after_none: np.ndarray
    after_error_true_fed: np.ndarray


def position_errors(model, length=6, n=400, seed=TEST_STREAM) -> PositionErrors:
    """Per-position error rates of ``model`` on n test strings of ``length`` digits."""
    L = _checks.positive_int("length", length)
    src, tgt = tasks.reverse_digits(_checks.positive_int("n", n), L, model.n_digits, seed=[seed, L])
    tf = model.forward(src, tgt, 1.0)
    wrong_tf = np.argmax(tf.logits, -1) != tf.outputs                  # (n, T)
    guesses, _ = S.greedy_decode(model, src)
    wrong = guesses != tf.outputs                                       # (n, T), fed its own guesses
    before = np.zeros_like(wrong)
    before[:, 1:] = np.cumsum(wrong, axis=1)[:, :-1] > 0               # an error somewhere before t

    def rate(errors, group):                                            # error rate within a group, per t
        n_group = group.sum(0)
        return np.where(n_group > 0, (errors & group).sum(0) / np.maximum(n_group, 1), np.nan)

    return PositionErrors(L, wrong_tf.mean(0), wrong.mean(0), rate(wrong, before), rate(wrong, ~before),
                          rate(wrong_tf, before))


ROWS = {"true_fed": "fed the truth", "own_fed": "fed its own guesses",
        "after_error": "after an error, own guesses", "after_error_true_fed": "after an error, fed the truth",
        "after_none": "no error before"}


def position_table(errors) -> str:
    """The mean over several models' ``PositionErrors`` as fixed-format text: one row per measure,
    one column per output position ('-' where no model has a string in that group)."""
    errors = list(errors)
    if not errors or not all(isinstance(e, PositionErrors) for e in errors):
        raise TypeError("errors must be a non-empty list of PositionErrors (from position_errors)")
    T = errors[0].length + 1
    rows = [f"{'output position':30s}" + "".join(f"{p:>7d}" for p in range(1, T)) + f"{'EOS':>7s}"]
    for key, label in ROWS.items():
        a = np.array([getattr(e, key) for e in errors])                  # (models, T)
        have = np.isfinite(a)
        cells = [f"{a[have[:, t], t].mean():7.3f}" if have[:, t].any() else f"{'-':>7s}" for t in range(T)]
        rows.append(f"{label:30s}" + "".join(cells))
    return "\n".join(rows)


# --- greedy against beam search ------------------------------------------------------------------------
@dataclass
class BeamCount:
    """Greedy decoding against beam search of ``width`` on n test strings."""

    width: int
    n: int
    both_right: int
    beam_only: int          # beam search right, greedy wrong
    greedy_only: int        # greedy right, beam search wrong
    higher_score: int       # beam search found an output more probable than greedy's
    lower_score: int        # ... less probable (the beam pruned greedy's path away)


def beam_vs_greedy(model, width=3, length=6, n=200, seed=TEST_STREAM) -> BeamCount:
    """Count, on n test strings of ``length`` digits, where beam search of ``width`` beats greedy."""
    W = _checks.positive_int("width", width)
    L = _checks.positive_int("length", length)
    src, tgt = tasks.reverse_digits(_checks.positive_int("n", n), L, model.n_digits, seed=[seed, L])
    guesses, logp = S.greedy_decode(model, src, steps=L + 3)
    counts = dict(both_right=0, beam_only=0, greedy_only=0, higher_score=0, lower_score=0)
    for b in range(src.shape[0]):
        want = tuple(int(v) for v in tgt[b])
        g = S.strip_eos(guesses[b], model.eos)
        g_len = min(len(g) + 1, L + 3)                                   # its digits and its EOS
        g_score = float(logp[b, :g_len].sum())
        res = S.beam_search(model, src[b], W, max_len=L + 3)
        beam = S.strip_eos(res.best.tokens, model.eos)
        g_ok, b_ok = g == want, beam == want
        counts["both_right"] += g_ok and b_ok
        counts["beam_only"] += b_ok and not g_ok
        counts["greedy_only"] += g_ok and not b_ok
        counts["higher_score"] += res.best.score > g_score + 1e-9
        counts["lower_score"] += res.best.score < g_score - 1e-9
    return BeamCount(W, int(src.shape[0]), **{k: int(v) for k, v in counts.items()})
