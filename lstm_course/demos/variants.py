"""Notebook 15's race: the LSTM, its three relatives and a plain RNN on the long-range task of
notebook 12 (``lstm_course.demos.long_range.noisy_first_symbol``), each trained from several seeds, with
the test accuracy measured on the way.

The task: name the symbol (one of four, one-hot) shown k steps earlier, through k steps of
Gaussian noise. Training is ``lstm_course.demos.long_range.train_and_score``'s, step for step (the same
model, batches, test set and optimiser for the same seed and settings; a test checks it); what
this module adds is the test accuracy every ``every`` steps, a keep bias for the GRU's update gate
(``train_and_score`` sets only a forget gate's bias), and the loop over seeds.

Keep bias: before training, the bias of the gate that decides what the cell keeps is set to
``keep_bias``: the forget gate f of the three LSTMs (f near 1 keeps c) and the GRU's update gate z
(its input-side bias b_xz; z near 1 keeps h). A keep gate at sigmoid(b) holds sigmoid(b)^k of a
stored value after k steps.

Use:
    curve = train_tracked("gru", keep_bias=3.0, seed=0)[2]     # (n, 2): [step, test accuracy]
    res = race(seeds=(0, 1, 2, 3, 4))                           # every label of RUNS, every seed
    print(res.table()); res.final("gru"); res.first_at("coupled", 0.9)
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from lstm_core import _checks
from .long_range import TEST_STREAM, noisy_first_symbol
from lstm_core.models import SequenceModel
from lstm_core.optim import Adam
from lstm_core.training import History, _progress_bar, accuracy, fit


@dataclass(frozen=True)
class RaceConfig:
    """The race's settings (notebook 15 prints them)."""

    k: int = 30               # the gap: steps of noise between the symbol and the answer
    steps: int = 150          # Adam steps, one fresh batch each
    noise: float = 0.5        # standard deviation of the noise on each of the 4 inputs
    hidden: int = 32          # H
    batch: int = 32           # sequences per step
    lr: float = 0.01          # Adam's learning rate
    clip: float = 1.0         # largest global gradient norm
    keep_bias: float = 4.0    # the keep gate's bias before training, where a run asks for one
    n_test: int = 256         # held-out test sequences
    every: int = 15           # steps between two measurements of the test accuracy
    n_symbols: int = 4        # S: the alphabet (input and output size)


RACE = RaceConfig()
SEEDS = (0, 1, 2, 3, 4)

# label -> (kind, whether the keep gate gets RaceConfig.keep_bias before training)
RUNS = {
    "lstm": ("lstm", True),
    "peephole": ("peephole", True),
    "coupled": ("coupled", True),
    "gru": ("gru", True),
    "gru, default init": ("gru", False),
    "rnn": ("rnn", False),
}


def set_keep_bias(model, bias) -> None:
    """Set the bias of ``model``'s keep gate in place: f for the LSTMs, z's input-side bias for
    the GRU. A plain RNN has no keep gate (ValueError)."""
    kind = model.kind
    if kind in ("lstm", "peephole", "coupled"):
        model.cell.gate("f").b[:] = bias           # f near 1 keeps c
    elif kind == "gru":
        model.cell.gate("z").b_x[:] = bias         # z near 1 keeps h
    else:
        raise ValueError(f"model must have a keep gate (an LSTM variant or a GRU); got kind {kind!r}")


def train_tracked(kind, keep_bias=True, seed=0, config=RACE, progress=False):
    """Train one model on the race's task; returns (model, History, curve).

    kind:      "lstm", "peephole", "coupled", "gru" or "rnn"
    keep_bias: True sets the keep gate's bias to config.keep_bias before training (False keeps
               the cell's own initialisation; a plain RNN must have False)
    seed:      int >= 0: initial weights (seed), training batch of step j ([seed, k, j]) and test
               set ([seed, k, TEST_STREAM]), as in ``experiments.train_and_score``
    progress:  False, True (a progress bar) or a bar with update()
    curve:     (n, 2) array of [step, test accuracy], from step 0 every config.every steps to the end
    """
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"seed must be an integer >= 0; got {_checks.describe(seed)}")
    c = config
    m = SequenceModel(kind, c.n_symbols, c.hidden, c.n_symbols, seed=int(seed))
    if keep_bias:
        set_keep_bias(m, c.keep_bias)
    opt, hist = Adam(m.params, lr=c.lr), History()
    test = noisy_first_symbol(c.n_test, c.k, c.n_symbols, noise=c.noise, seed=[seed, c.k, TEST_STREAM])
    curve = [(0, accuracy(m, *test))]
    bar, own = _progress_bar(progress, c.steps, f"{kind} seed {seed}")
    try:
        for start in range(0, c.steps, c.every):
            def batches(j, start=start):
                return noisy_first_symbol(c.batch, c.k, c.n_symbols, noise=c.noise, seed=[seed, c.k, start + j])
            fit(m, batches, min(c.every, c.steps - start), opt, loss="ce", at="last", clip=c.clip,
                history=hist, progress=False if bar is None else bar)
            curve.append((len(hist.loss), accuracy(m, *test)))
    finally:
        if own:
            bar.close()
    return m, hist, np.array(curve, float)


@dataclass
class RaceResult:
    """Every run of a race. curves[label]: (n_seeds, n, 2) of [step, test accuracy];
    losses[label]: (n_seeds, steps) training losses; params[label]: the model's parameter count."""

    seeds: tuple
    config: RaceConfig
    curves: dict
    losses: dict
    params: dict

    @property
    def chance(self) -> float:
        return 1.0 / self.config.n_symbols

    def final(self, label) -> np.ndarray:
        """(n_seeds,) test accuracy at the end of training."""
        return self.curves[label][:, -1, 1]

    def first_at(self, label, level=0.9) -> list:
        """Per seed, the first measured step with test accuracy >= level (None: never)."""
        return [next((int(s) for s, a in curve if a >= level), None) for curve in self.curves[label]]

    def final_loss(self, label, last=15) -> np.ndarray:
        """(n_seeds,) mean training loss over the last ``last`` steps."""
        return self.losses[label][:, -last:].mean(axis=1)

    def table(self, level=0.9) -> str:
        """Fixed-format text: per label the parameter count, the min - max over the seeds of the
        final test accuracy and of the final loss (mean of the last 15 steps), and the step of first
        reaching ``level``: median (min - max), "never" counted as later than any step, and in
        how many seeds it was reached."""
        n = len(self.seeds)
        head = (f"{'model':18s} {'params':>6s}  {'final accuracy':>14s}  {'final loss':>11s}  "
                f"{f'step of first {level:.0%}: median (range)':>32s}  {'reached':>7s}")
        lines = [head]
        for label in self.curves:
            acc = self.final(label)
            firsts = self.first_at(label, level)
            steps = sorted(np.inf if s is None else s for s in firsts)
            spread = f"{_step(np.median(steps))} ({_step(steps[0])} - {_step(steps[-1])})"
            reached = sum(s is not None for s in firsts)
            loss = self.final_loss(label)
            lines.append(f"{label:18s} {self.params[label]:6d}  {f'{acc.min():.2f} - {acc.max():.2f}':>14s}  "
                         f"{f'{loss.min():.2f} - {loss.max():.2f}':>11s}  {spread:>32s}  {f'{reached}/{n}':>7s}")
        return "\n".join(lines)


def _step(v) -> str:
    """A step number as text; infinity (never reached) as "never"."""
    return f"{v:.0f}" if np.isfinite(v) else "never"


def race(seeds=SEEDS, runs=None, config=RACE, progress=False) -> RaceResult:
    """``train_tracked`` for every label of ``runs`` (default ``RUNS``) and every seed.

    progress: False, True (one progress bar for all the runs) or a bar with update()."""
    runs = RUNS if runs is None else runs
    if isinstance(seeds, numbers.Integral) or not len(seeds):
        raise ValueError(f"seeds must be a non-empty list of integers such as (0, 1, 2); got {seeds!r}")
    if not isinstance(runs, dict) or not runs:
        raise ValueError(f"runs must be a non-empty dict {{label: (kind, keep_bias)}}; got {runs!r}")
    seeds = tuple(seeds)
    bar, own = _progress_bar(progress, len(seeds) * len(runs) * config.steps,
                             f"{len(runs)} models x {len(seeds)} seeds")
    curves, losses, params = {}, {}, {}
    try:
        for label, (kind, keep) in runs.items():
            got = [train_tracked(kind, keep, s, config, progress=False if bar is None else bar) for s in seeds]
            curves[label] = np.stack([g[2] for g in got])
            losses[label] = np.array([g[1].loss for g in got])
            params[label] = got[0][0].num_params
    finally:
        if own:
            bar.close()
    return RaceResult(seeds, config, curves, losses, params)
