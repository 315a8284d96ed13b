"""The experiment of notebook 18: does attention help more as the digit strings get longer?

Notebook 17's task (``lstm_core.tasks.reverse_digits``): read a string of L random digits, write
it reversed, then EOS. Two models with the same encoder and decoder (``seq2seq.Seq2Seq``, and
``attention.AttentionSeq2Seq``, which adds attention from every decoder step to every encoder
state) are trained the same way (``seq2seq.train``: teacher forcing, Adam, clipping, one length
per batch drawn from ``lengths``), from the same seeds. Then each decodes greedily, fed its own
guesses, a held-out test set at each length of ``eval_lengths``; the score is the share of the L
digit positions it gets right (EOS is not counted).

The plain model must carry the whole string in the encoder's last state (H numbers), and it
must give the first digit it read last; attention lets each output step look the digit up.

Every random number comes from a seed: the weights (``seed``), the batches (``seq2seq.train``'s
``seed``), the test strings (``[TEST_STREAM, L]``, the same for every model and seed). Training
amplifies last-bit differences between machines, so the notebook trains every model from 5 seeds,
shows every seed, and claims only what holds in each of them (tests/test_attention_claims.py
re-runs the same seeds and asserts it).

Use:
    sweep = length_sweep(**NOTEBOOK_18, progress=True)
    sweep.accuracy["attention"]      # (len(eval_lengths), len(seeds)) digit accuracies
    sweep.table()                    # every run, with min, mean and max over the seeds
    sweep.model("attention", 0)      # the trained model of seed 0
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lstm_core import _checks
from lstm_core.attention import AttentionSeq2Seq
from lstm_core.seq2seq import Seq2Seq, greedy_decode, train
from lstm_core.tasks import reverse_digits

TEST_STREAM = 10 ** 6          # the test strings' seed stream (never a training seed)
MODELS = {"plain": Seq2Seq, "attention": AttentionSeq2Seq}

# The experiment notebook 18 shows and tests/test_attention_claims.py re-runs: length_sweep(**NOTEBOOK_18).
NOTEBOOK_18 = dict(
    seeds=(0, 1, 2, 3, 4),         # every model is trained once per seed
    steps=1000,                    # Adam steps, the same for both models
    hidden=32,                     # H: encoder and decoder units
    attention_size=16,             # A: the attention's tanh layer
    n_digits=10,                   # the digits 0-9
    lengths=(2, 12),               # training: each batch holds strings of one length in this range
    eval_lengths=(4, 6, 8, 10, 12),
    n_test=200,                    # test strings per length
    batch=32,
    lr=0.01,
    clip=1.0,
)

SHIPPED = Path(__file__).resolve().parents[2] / "data" / "attention" / "weights.npz"


def test_set(length, n_test=200, n_digits=10):
    """(src, targets) (n_test, length): the held-out strings of one length."""
    length = _checks.positive_int("length", length)
    return reverse_digits(n_test, length, n_digits, seed=[TEST_STREAM, length])


def digit_accuracy(model, src, targets) -> float:
    """The share of digit positions that greedy decoding (fed its own guesses) gets right."""
    toks, _ = greedy_decode(model, src)
    L = src.shape[1]
    return float(np.mean(toks[:, :L] == targets))


@dataclass
class LengthSweep:
    """Digit accuracy at each test length, for both models and every seed.

    accuracy[label]: (len(eval_lengths), len(seeds)); runs: (label, seed) -> trained model;
    losses: (label, seed) -> the training loss at every step."""

    eval_lengths: tuple
    seeds: tuple
    accuracy: dict
    runs: dict
    losses: dict
    config: dict

    @property
    def labels(self) -> tuple:
        return tuple(self.accuracy)

    def model(self, label="attention", seed=None):
        """The trained model ``label`` of ``seed`` (the first seed when None)."""
        return self.runs[label, self.seeds[0] if seed is None else seed]

    @property
    def gain(self) -> np.ndarray:
        """attention - plain, (len(eval_lengths), len(seeds)): per length and seed."""
        return self.accuracy["attention"] - self.accuracy["plain"]

    def table(self) -> str:
        """Every run's digit accuracy as fixed-format text: a row per length and model, a column
        per seed, then the smallest, the mean and the largest over the seeds."""
        head = (f"{'L':>3s}  {'model':11s}" + "".join(f"{'seed ' + str(s):>8s}" for s in self.seeds)
                + f"{'min':>8s}{'mean':>8s}{'max':>8s}")
        rows = [head]
        for i, L in enumerate(self.eval_lengths):
            for label in (*self.labels, "gain"):
                a = self.gain[i] if label == "gain" else self.accuracy[label][i]
                rows.append(f"{L:3d}  {label:11s}" + "".join(f"{v:8.3f}" for v in a)
                            + f"{a.min():8.3f}{a.mean():8.3f}{a.max():8.3f}")
        return "\n".join(rows)


def make_model(label, seed, hidden=32, attention_size=16, n_digits=10):
    """A fresh model: "plain" (Seq2Seq) or "attention" (AttentionSeq2Seq), same encoder and decoder."""
    _checks.choice("label", label, tuple(MODELS))
    if label == "plain":
        return Seq2Seq(n_digits, hidden, seed=seed)
    return AttentionSeq2Seq(n_digits, hidden, attention_size=attention_size, seed=seed)


def length_sweep(seeds=(0,), steps=1000, hidden=32, attention_size=16, n_digits=10, lengths=(2, 12),
                 eval_lengths=(4, 8, 12), n_test=200, batch=32, lr=0.01, clip=1.0, progress=False) -> LengthSweep:
    """Train both models from every seed, then score them at every test length. Returns a LengthSweep.

    progress: True shows one progress bar over all the runs."""
    seeds = tuple(int(_checks.finite_number("seeds[i]", s, 0)) for s in seeds)
    eval_lengths = tuple(_checks.positive_int("eval_lengths[i]", L) for L in eval_lengths)
    steps = _checks.positive_int("steps", steps)
    bar = None
    if progress:
        from tqdm.auto import tqdm  # imported here, as in lstm_core.fit
        bar = tqdm(total=len(MODELS) * len(seeds) * steps, desc="training", leave=True)
    tests = {L: test_set(L, n_test, n_digits) for L in eval_lengths}
    acc = {label: np.zeros((len(eval_lengths), len(seeds))) for label in MODELS}
    runs, losses = {}, {}
    try:
        for j, seed in enumerate(seeds):
            for label in MODELS:
                if bar is not None:
                    bar.set_description(f"{label} seed={seed}", refresh=False)
                model = make_model(label, seed, hidden, attention_size, n_digits)
                hist = train(model, steps, lengths=lengths, batch_size=batch, lr=lr, clip=clip, seed=seed,
                             progress=bar or False)
                runs[label, seed], losses[label, seed] = model, np.array(hist.loss)
                for i, L in enumerate(eval_lengths):
                    acc[label][i, j] = digit_accuracy(model, *tests[L])
    finally:
        if bar is not None:
            bar.close()
    config = dict(seeds=seeds, steps=steps, hidden=hidden, attention_size=attention_size, n_digits=n_digits,
                  lengths=tuple(lengths), eval_lengths=eval_lengths, n_test=n_test, batch=batch, lr=lr, clip=clip)
    return LengthSweep(eval_lengths, seeds, acc, runs, losses, config)


# --- the shipped model (data/attention/) ------------------------------------------------------------

def save_model(model, path):
    """Write an AttentionSeq2Seq's sizes and weights (float32) to ``path`` (.npz)."""
    if not isinstance(model, AttentionSeq2Seq):
        raise TypeError(f"model must be an AttentionSeq2Seq; got {_checks.describe(model)}")
    sizes = np.array([model.n_digits, model.hidden_size, model.attention_size])
    np.savez(path, sizes=sizes, **{k: v.astype(np.float32) for k, v in model.params.items()})


def load_model(path=None) -> AttentionSeq2Seq:
    """The AttentionSeq2Seq saved at ``path`` (default: the shipped one, data/attention/weights.npz)."""
    path = SHIPPED if path is None else path
    with np.load(path) as f:
        n_digits, hidden, att = (int(v) for v in f["sizes"])
        model = AttentionSeq2Seq(n_digits, hidden, attention_size=att)
        for k, v in model.params.items():
            v[...] = f[k]
    return model


def parse_digits(text, n_digits=10, longest=12):
    """The digits of ``text`` as an int array, and a note on what was left out ("" when nothing).

    Characters that are not digits below ``n_digits`` are skipped; past ``longest`` digits the
    rest is cut (the model never saw longer strings)."""
    text = str(text)
    digits = [int(ch) for ch in text if ch.isdigit() and ch.isascii() and int(ch) < n_digits]
    notes = []
    skipped = sum(1 for ch in text if not ch.isspace()) - len(digits)
    if skipped:
        notes.append(f"{skipped} character(s) that are not digits left out")
    if len(digits) > longest:
        notes.append(f"cut to the first {longest} digits (the longest strings it was trained on)")
        digits = digits[:longest]
    return np.array(digits, dtype=np.int64), "; ".join(notes)
