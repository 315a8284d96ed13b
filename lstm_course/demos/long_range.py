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
arguments give the same numbers on one machine; across machines (another BLAS, numpy's SIMD paths
on another CPU) rounding differs, and training amplifies that: one run's accuracy can move by
tenths, as if it had another seed. So ``long_range_accuracy`` trains every model over several
seeds, and notebook 12 states only what holds in every seed with a margin (its tests re-run the
same seeds and assert it).

Use:
    run = train_and_score("lstm", k=20, seed=0, progress=True)   # Run: .accuracy, .history, .model
    sweep = long_range_accuracy({"rnn": ("rnn", 32), "lstm": ("lstm", 32)}, ks=(5, 40), seeds=(0, 1, 2))
    sweep.accuracy["lstm"]        # (len(ks), len(seeds)) test accuracies
    sweep.table()                 # every run, with min, mean and max over the seeds
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field

import numpy as np

from lstm_core import _checks
from lstm_core.models import CELLS, SequenceModel
from lstm_core.optim import Adam
from lstm_core.training import History, _progress_bar, accuracy, fit

TEST_STREAM = 10 ** 6      # the test set's seed stream (training batches use 0 .. steps - 1)

# The experiment notebook 12 shows (and tests/test_long_range.py re-runs): long_range_accuracy(**NOTEBOOK_12).
NOTEBOOK_12 = dict(
    models={"rnn": ("rnn", 32),          # label: (kind, hidden units H); the plain RNN, 1,316 parameters
            "big rnn": ("rnn", 65),      # an RNN about as large as the LSTM: 4,814 parameters
            "lstm": ("lstm", 32)},       # 4,868 parameters
    ks=(5, 10, 20, 40),                  # the gaps
    seeds=(0, 1, 2, 3, 4),               # every model and gap is trained once per seed
    steps={5: 200, 10: 200, 20: 400, 40: 1200},  # Adam steps at each gap, the same for every model:
                                         # at k = 40 one LSTM seed needs about 750 to find the symbol
    stop_loss=0.01,                      # ... or fewer: a run stops once it has learnt the task
    batch=32,                            # sequences per step, fresh ones at every step
    lr=0.01,                             # Adam's learning rate
    clip=1.0,                            # gradients clipped to global norm 1
    noise=2.0,                           # std of the noise on the steps after the symbol
    forget_bias=4.0,                     # the LSTM's forget-gate bias before training
    n_test=2000,                         # test sequences per run: a guess scores 0.25 +- 0.010
)


def _seed(name, seed):
    """An int >= 0 or a sequence of them (as numpy's default_rng takes)."""
    s = np.asarray(seed)
    if s.dtype.kind not in "iu" or s.ndim > 1 or (s.size and s.min() < 0) or s.size == 0:
        raise ValueError(f"{name} must be an integer >= 0 or a list of them; got {_checks.describe(seed)}")
    return seed


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
    noise = _checks.finite_number("noise", noise, 0.0)
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

    @property
    def steps_trained(self) -> int:
        """The steps actually taken: ``config["steps"]``, or fewer after an early stop (``stop_loss``)."""
        return len(self.history.loss)

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


STOP_WINDOW = 20          # stop_loss compares the mean training loss of this many last steps


def train_and_score(kind, k, seed=0, steps=400, hidden=32, *, batch=32, n_symbols=4, noise=2.0,
                    lr=0.01, clip=1.0, forget_bias=4.0, n_test=500, stop_loss=None, progress=False) -> Run:
    """Train one model on ``noisy_first_symbol`` with gap k and score it on a held-out test set.

    kind:        a SequenceModel kind: "lstm", "rnn" (and the variants when present)
    k:           the gap, >= 1 (sequences are k + 1 steps long)
    seed:        int >= 0: initial weights, training batches and test set all follow from it
    steps:       optimiser (Adam) steps, one fresh batch of ``batch`` sequences each
    hidden:      H, hidden units of the cell
    forget_bias: the forget-gate bias set before training, for cells that have one ("lstm",
                 "peephole", "coupled"); None keeps the cell's own initialisation
    stop_loss:   None trains all ``steps``; a number stops early, at a multiple of 20 steps, once
                 the mean training loss of the last 20 steps is below it (the task is learnt)
    progress:    True shows a progress bar (tqdm), as in ``lstm_core.fit``, or a bar to update
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
    noise = _checks.finite_number("noise", noise, 0.0)
    lr = _checks.finite_number("lr", lr, 0.0, low_open=True)
    if forget_bias is not None:
        forget_bias = _checks.finite_number("forget_bias", forget_bias, -20.0, 20.0)
    if stop_loss is not None:
        stop_loss = _checks.finite_number("stop_loss", stop_loss, 0.0, low_open=True)
    chance(S)
    noisy_first_symbol(1, 1, S, noise)                 # the task's own checks (n_symbols >= 2)

    model = SequenceModel(kind, S, H, S, seed=int(seed))
    if forget_bias is not None and has_forget_gate(kind):
        model.cell.gate("f").b[:] = forget_bias
    seed = int(seed)

    def batches(step):
        return noisy_first_symbol(B, k, S, noise, seed=[seed, k, step])

    optimizer, hist = Adam(model.params, lr=lr), History()
    bar, own = _progress_bar(progress, steps, f"{kind} k={k}")
    try:
        done = 0
        while done < steps:               # all steps in one go, or STOP_WINDOW at a time
            n = steps - done if stop_loss is None else min(STOP_WINDOW, steps - done)
            fit(model, lambda j, start=done: batches(start + j), n, optimizer, loss="ce", at="last",
                clip=clip, history=hist, progress=bar if bar is not None else False)
            done += n
            if stop_loss is not None and np.mean(hist.loss[-STOP_WINDOW:]) < stop_loss:
                break
        if bar is not None:
            bar.update(steps - done)      # the steps an early stop left out, so a shared bar ends full
    finally:
        if own:
            bar.close()
    config = dict(steps=steps, hidden=H, batch=B, n_symbols=S, noise=noise, lr=lr, clip=clip,
                  forget_bias=forget_bias, n_test=n_test, stop_loss=stop_loss)
    run = Run(kind, k, seed, float("nan"), hist, model, config)
    xs, ts = run.test_set()
    run.accuracy = accuracy(model, xs, ts)
    return run


@dataclass
class Sweep:
    """Test accuracy against the gap k for several models and seeds.

    models: label -> (kind, hidden), e.g. {"rnn": ("rnn", 32), "lstm": ("lstm", 32)}
    runs:   (label, k, seed) -> Run
    ``accuracy[label]`` is a (len(ks), len(seeds)) array: one row per gap, one column per seed.
    """

    ks: tuple
    models: dict
    seeds: tuple
    runs: dict
    n_symbols: int = 4

    @property
    def labels(self) -> tuple:
        return tuple(self.models)

    def run(self, label, k, seed=None) -> Run:
        """The run of model ``label`` at gap ``k`` with ``seed`` (the first seed when None)."""
        return self.runs[label, k, self.seeds[0] if seed is None else seed]

    @property
    def accuracy(self) -> dict:
        return {label: np.array([[self.runs[label, k, s].accuracy for s in self.seeds] for k in self.ks])
                for label in self.labels}

    @property
    def chance(self) -> float:
        return chance(self.n_symbols)

    def num_params(self, label) -> int:
        """Parameters of model ``label``, its read-out included."""
        return self.run(label, self.ks[0]).model.num_params

    def table(self) -> str:
        """Every run's test accuracy as fixed-format text: one row per gap and model, one column per
        seed, then the smallest, the mean and the largest over the seeds."""
        width = max(len(label) for label in self.labels) + 2
        head = (f"{'k':>3s}  {'model':{width}s}" + "".join(f"{'seed ' + str(s):>8s}" for s in self.seeds)
                + f"{'min':>8s}{'mean':>8s}{'max':>8s}")
        rows = [head]
        for i, k in enumerate(self.ks):
            for label in self.labels:
                a = self.accuracy[label][i]
                rows.append(f"{k:3d}  {label:{width}s}" + "".join(f"{v:8.3f}" for v in a)
                            + f"{a.min():8.3f}{a.mean():8.3f}{a.max():8.3f}")
        rows.append(f"chance: {self.chance:.3f}")
        return "\n".join(rows)


def _models(models, hidden):
    """{label: (kind, hidden)} from a list of kinds (label = kind, H = ``hidden``) or such a dict."""
    if isinstance(models, str) or not len(models):
        raise ValueError("models must be a non-empty list of model kinds such as ('rnn', 'lstm'), or a dict "
                         f"label -> (kind, hidden) such as {{'rnn': ('rnn', 32)}}; got {models!r}")
    if not isinstance(models, dict):
        models = {kind: (kind, hidden) for kind in models}
    out = {}
    for label, spec in models.items():
        if not isinstance(label, str) or not isinstance(spec, tuple) or len(spec) != 2:
            raise ValueError(f"models must map a label to a pair (kind, hidden); got {label!r}: {spec!r}")
        kind, H = spec
        out[label] = (_checks.choice(f"the kind of {label!r}", kind, tuple(CELLS)),
                      _checks.positive_int(f"the hidden size of {label!r}", H))
    return out


def long_range_accuracy(models=("rnn", "lstm"), ks=(5, 10, 20, 40), seeds=(0,), steps=400, hidden=32,
                        progress=False, **kwargs) -> Sweep:
    """``train_and_score`` for every model, gap k and seed. Returns a ``Sweep``.

    models:   model kinds ("rnn", "lstm", ...), each with ``hidden`` units, or a dict
              label -> (kind, hidden) to train several sizes of one kind
    ks:       the gaps
    seeds:    the seeds; every model and gap is trained once per seed
    steps:    training steps, one number for every gap or a dict gap -> steps (the same for
              every model at a gap)
    progress: True shows one progress bar over all the runs
    Other keyword arguments (noise, forget_bias, n_test, ...) pass through to ``train_and_score``.
    """
    models = _models(models, hidden)
    if isinstance(ks, numbers.Integral) or not len(ks):
        raise ValueError(f"ks must be a non-empty list of gaps such as (5, 10, 20); got {ks!r}")
    ks = tuple(_checks.positive_int("ks[i]", k) for k in ks)
    if isinstance(seeds, numbers.Integral) or not len(seeds):
        raise ValueError(f"seeds must be a non-empty list of seeds such as (0, 1, 2); got {seeds!r}")
    for s in seeds:
        if isinstance(s, (bool, np.bool_)) or not isinstance(s, numbers.Integral) or s < 0:
            raise ValueError(f"seeds must hold integers >= 0; got {_checks.describe(s)}")
    seeds = tuple(int(s) for s in seeds)
    if isinstance(steps, dict):
        missing = [k for k in ks if k not in steps]
        if missing:
            raise ValueError(f"steps must give a number of steps for every gap; {missing} missing from {steps!r}")
        steps_at = {k: _checks.positive_int(f"steps[{k}]", steps[k]) for k in ks}
    else:
        steps_at = dict.fromkeys(ks, _checks.positive_int("steps", steps))
    bar = None
    if progress:
        from tqdm.auto import tqdm  # imported here, as in training.fit
        bar = tqdm(total=len(models) * len(seeds) * sum(steps_at.values()), desc="training", leave=True)
    runs = {}
    try:
        for k in ks:
            for seed in seeds:
                for label, (kind, H) in models.items():
                    if bar is not None:
                        bar.set_description(f"{label} k={k} seed={seed}", refresh=False)
                    runs[label, k, seed] = train_and_score(kind, k, seed, steps_at[k], H,
                                                           progress=bar or False, **kwargs)
    finally:
        if bar is not None:
            bar.close()
    return Sweep(ks, models, seeds, runs, kwargs.get("n_symbols", 4))
