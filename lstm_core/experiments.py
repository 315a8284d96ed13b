"""The long-range experiment of notebook 12 (reused by notebook 15): can a model remember one
symbol across a gap of k noisy steps?

Task ``noisy_first_symbol(n, k)``: a sequence of T = k + 1 input vectors of size S = n_symbols.
Step 1 holds the symbol s, one-hot; steps 2 .. k + 1 hold only Gaussian noise (std ``noise``)
on every channel. After the last step the model must name s, seen k steps earlier. Guessing
gives an accuracy of 1 / S (``chance``).

    x_1         = one_hot(s)                  (S,)
    x_2..x_{k+1} ~ Normal(0, noise^2)          (S,) each, independent
    target      = s                           read at the last step (``at="last"``)

Training (``train_and_score``): a ``SequenceModel`` (a cell of H units and a linear read-out),
softmax cross-entropy at the last step, Adam, gradient clipping by global norm, a fresh batch of
B sequences at every step; then the accuracy on a separate test set of ``n_test`` sequences.
An LSTM-like cell's forget-gate bias is set to ``forget_bias`` (4 by default) before training:
sigmoid(4) = 0.982, so at first the cell keeps 0.982^k of what it stored k steps back (0.48 for
k = 40), where the usual bias 1 (sigmoid(1) = 0.73) keeps 0.73^k (4e-6 for k = 40), too little
for a gradient to find the symbol.

Every random number comes from ``seed``: the model's initial weights (``seed``), the training
batch of step j (``[seed, k, j]``) and the test set (``[seed, k, TEST_STREAM]``). The same
arguments give the same numbers on one machine; across machines (another BLAS, other thread
counts) rounding differs, and 400 steps of training can turn that into a different third decimal
of an accuracy. Notebooks therefore print ``Sweep.summary()`` (solved / in between / at chance),
not the raw accuracies.

Use:
    run = train_and_score("lstm", k=20, seed=0, progress=True)   # Run: .accuracy, .history, .model
    sweep = long_range_accuracy(("rnn", "lstm"), ks=(5, 10, 20, 40), seed=0)
    sweep.accuracy["lstm"], sweep.summary(), sweep.at_chance_from("rnn")
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field

import numpy as np

from . import _checks
from .models import CELLS, SequenceModel
from .training import History, accuracy, fit

TEST_STREAM = 10 ** 6      # the test set's seed stream (training batches use 0 .. steps - 1)

# The run notebook 12 shows (and tests/test_longrange.py re-runs): long_range_accuracy(**NOTEBOOK_12).
NOTEBOOK_12 = dict(kinds=("rnn", "lstm"), ks=(5, 10, 20, 40), seed=0, steps=400, hidden=32, noise=2.0,
                   forget_bias=4.0)


def _seed(name, seed):
    """An int >= 0 or a sequence of them (as numpy's default_rng takes)."""
    s = np.asarray(seed)
    if s.dtype.kind not in "iu" or s.ndim > 1 or (s.size and s.min() < 0) or s.size == 0:
        raise ValueError(f"{name} must be an integer >= 0 or a list of them; got {_checks.describe(seed)}")
    return seed


def _number(name, value, low, high=np.inf, low_open=False):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real) or not np.isfinite(value):
        raise TypeError(f"{name} must be a finite number; got {_checks.describe(value)}")
    if value < low or (low_open and value == low) or value > high:
        lo = "(" if low_open else "["
        raise ValueError(f"{name} must lie in {lo}{low}, {high}]; got {value}")
    return float(value)


def chance(n_symbols=4) -> float:
    """Accuracy of guessing among ``n_symbols`` equally likely symbols: 1 / n_symbols."""
    return 1.0 / _checks.positive_int("n_symbols", n_symbols)


def noisy_first_symbol(n, k, n_symbols=4, noise=1.0, seed=0):
    """(xs (n, k + 1, n_symbols) float, targets (n,) int): name the symbol shown k steps earlier.

    n:         number of sequences
    k:         the gap: steps between the symbol (step 1) and the answer (step k + 1), >= 1
    n_symbols: S, the alphabet size (inputs are S wide), >= 2
    noise:     standard deviation of the Gaussian noise on steps 2 .. k + 1, >= 0
    seed:      int >= 0 or a list of them
    """
    n = _checks.positive_int("n", n)
    k = _checks.positive_int("k", k)
    S = _checks.positive_int("n_symbols", n_symbols)
    if S < 2:
        raise ValueError(f"n_symbols must be at least 2 (one symbol leaves nothing to remember); got {S}")
    noise = _number("noise", noise, 0.0)
    rng = np.random.default_rng(_seed("seed", seed))
    targets = rng.integers(0, S, size=n)                       # (n,)
    xs = np.empty((n, k + 1, S))                               # (n, T, S)
    xs[:, 0] = np.eye(S)[targets]                              # step 1: the symbol, one-hot
    xs[:, 1:] = rng.normal(0.0, 1.0, size=(n, k, S)) * noise   # then noise only
    return xs, targets


@dataclass
class Run:
    """One trained model and its score."""

    kind: str
    k: int
    seed: int
    accuracy: float          # on the test set
    history: History         # per-step training loss and gradient norm
    model: SequenceModel
    config: dict = field(default_factory=dict)   # every other argument of train_and_score

    @property
    def final_loss(self) -> float:
        """Mean training loss over the last 20 steps."""
        return float(np.mean(self.history.loss[-20:]))

    def test_set(self, n=None):
        """(xs, targets): the test set this run was scored on (the first ``n`` sequences)."""
        c = self.config
        return noisy_first_symbol(n or c["n_test"], self.k, c["n_symbols"], c["noise"],
                                  seed=[self.seed, self.k, TEST_STREAM])

    def __repr__(self):
        return f"Run({self.kind!r}, k={self.k}, seed={self.seed}, accuracy={self.accuracy:.3f})"


def has_forget_gate(kind) -> bool:
    """Whether cells of ``kind`` have a forget gate "f" whose bias ``forget_bias`` sets."""
    _checks.choice("kind", kind, tuple(CELLS))
    return "f" in CELLS[kind][0].GATE_ORDER


def train_and_score(kind, k, seed=0, steps=400, hidden=32, *, batch=32, n_symbols=4, noise=2.0,
                    lr=0.01, clip=1.0, forget_bias=4.0, n_test=500, progress=False) -> Run:
    """Train one model on ``noisy_first_symbol`` with gap k and score it on a held-out test set.

    kind:        a SequenceModel kind: "lstm", "rnn" (and the variants when present)
    k:           the gap, >= 1 (sequences are k + 1 steps long)
    seed:        int >= 0: initial weights, training batches and test set all follow from it
    steps:       optimiser (Adam) steps, one fresh batch of ``batch`` sequences each
    hidden:      H, hidden units of the cell
    forget_bias: the forget-gate bias set before training, for cells that have one ("lstm",
                 "peephole", "coupled"); None keeps the cell's own initialisation
    progress:    True shows a progress bar (tqdm), as in ``lstm_core.fit``
    Returns a ``Run`` (accuracy, loss history, the trained model).
    """
    _checks.choice("kind", kind, tuple(CELLS))
    k = _checks.positive_int("k", k)
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"seed must be an integer >= 0; got {_checks.describe(seed)}")
    steps = _checks.positive_int("steps", steps)
    H = _checks.positive_int("hidden", hidden)
    B = _checks.positive_int("batch", batch)
    n_test = _checks.positive_int("n_test", n_test)
    S = _checks.positive_int("n_symbols", n_symbols)
    noise = _number("noise", noise, 0.0)
    lr = _number("lr", lr, 0.0, low_open=True)
    if forget_bias is not None:
        forget_bias = _number("forget_bias", forget_bias, -20.0, 20.0)
    chance(S)
    noisy_first_symbol(1, 1, S, noise)                 # the task's own checks (n_symbols >= 2)

    model = SequenceModel(kind, S, H, S, seed=int(seed))
    if forget_bias is not None and has_forget_gate(kind):
        model.cell.gate("f").b[:] = forget_bias
    seed = int(seed)

    def batches(step):
        return noisy_first_symbol(B, k, S, noise, seed=[seed, k, step])

    hist = fit(model, batches, steps, loss="ce", at="last", lr=lr, clip=clip, progress=progress,
               desc=f"{kind} k={k}")
    config = dict(steps=steps, hidden=H, batch=B, n_symbols=S, noise=noise, lr=lr, clip=clip,
                  forget_bias=forget_bias, n_test=n_test)
    run = Run(kind, k, seed, float("nan"), hist, model, config)
    xs, ts = run.test_set()
    run.accuracy = accuracy(model, xs, ts)
    return run


@dataclass
class Sweep:
    """Accuracy against the gap k for several kinds: ``accuracy[kind]`` is aligned with ``ks``."""

    ks: tuple
    kinds: tuple
    runs: dict               # (kind, k) -> Run
    n_symbols: int = 4

    @property
    def accuracy(self) -> dict:
        return {kind: np.array([self.runs[kind, k].accuracy for k in self.ks]) for kind in self.kinds}

    @property
    def chance(self) -> float:
        return chance(self.n_symbols)

    def at_chance_from(self, kind, margin=0.1):
        """The smallest k from which every run of ``kind`` scores below chance + margin (None if
        the last k is above it)."""
        acc = self.accuracy[kind]
        below = acc < self.chance + margin
        if not below[-1]:
            return None
        i = len(self.ks) - 1
        while i > 0 and below[i - 1]:
            i -= 1
        return self.ks[i]

    def verdict(self, kind, k, solved=0.9, margin=0.1) -> str:
        """"solved" (accuracy >= solved), "at chance" (< chance + margin) or "in between"."""
        a = self.runs[kind, k].accuracy
        return "solved" if a >= solved else "at chance" if a < self.chance + margin else "in between"

    def summary(self, solved=0.9, margin=0.1) -> str:
        """The verdicts as fixed text, one row per k. Unlike the accuracies themselves, they do not
        change when rounding differences (another BLAS, another machine) nudge a training run."""
        head = "k    " + "".join(f"{kind:>12s}" for kind in self.kinds)
        rows = [f"{k:<5d}" + "".join(f"{self.verdict(kind, k, solved, margin):>12s}" for kind in self.kinds)
                for k in self.ks]
        return "\n".join([head] + rows)

    def table(self) -> str:
        """The accuracies as fixed-format text, one row per kind."""
        head = "k:      " + " ".join(f"{k:6d}" for k in self.ks)
        rows = [f"{kind:7s} " + " ".join(f"{a:6.3f}" for a in self.accuracy[kind]) for kind in self.kinds]
        return "\n".join([head] + rows + [f"chance  {self.chance:6.3f}"])


def long_range_accuracy(kinds=("rnn", "lstm"), ks=(5, 10, 20, 40), seed=0, progress=False,
                        **kwargs) -> Sweep:
    """``train_and_score`` for every kind and every k (same seed for all); keyword arguments
    (steps, hidden, noise, ...) pass through. Returns a ``Sweep``."""
    if isinstance(kinds, str) or not len(kinds):
        raise ValueError(f"kinds must be a non-empty list of model kinds such as ('rnn', 'lstm'); got {kinds!r}")
    for kind in kinds:
        _checks.choice("kind", kind, tuple(CELLS))
    if isinstance(ks, numbers.Integral) or not len(ks):
        raise ValueError(f"ks must be a non-empty list of gaps such as (5, 10, 20); got {ks!r}")
    ks = tuple(_checks.positive_int("ks[i]", k) for k in ks)
    runs = {}
    for k in ks:
        for kind in kinds:
            runs[kind, k] = train_and_score(kind, k, seed, progress=progress, **kwargs)
    return Sweep(ks, tuple(kinds), runs, kwargs.get("n_symbols", 4))
