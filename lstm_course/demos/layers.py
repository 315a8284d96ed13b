"""The experiments of notebook 16: padded batches of symbol sequences, tagged at every step, and
models made deeper, two-way, or regularised by dropout.

Tasks (``tag_task``): B sequences of random symbols 1 .. V-1 (0 is the padding symbol), each of
a random length in [min_len, max_len], padded to max_len; a class to predict at every real step.

    "window"  tag_t = (s_{t-k} + ... + s_t) mod V   the sum of the last k + 1 symbols (a
              one-way model has all it needs, but must combine k + 1 of them: depth may help)
    "future"  tag_t = s_{t+k}, or 0 when t + k is past the end: the symbol k steps later (a one-way
              model cannot know it when it must answer; a bidirectional one has read it)
    "delay"   tag_t = s_{t-k}, or 0 before step k: the symbol k steps earlier

Training (``train_tagger``): a ``TaggerModel`` (embedding, LSTM layers, read-out), the
cross-entropy averaged over real steps only, Adam, gradients clipped to global norm 1, a batch of
``batch`` training sequences drawn at every step. Every random number comes from the seed: the
data (``[seed, stream]``), the weights and the dropout draws (``seed``).

The three experiments (``depth_experiment``, ``direction_experiment``, ``dropout_experiment``)
train every model once per seed; ``NOTEBOOK_16`` holds the settings the notebook and
``tests/test_layers_claims.py`` share. Results differ in the last digits between machines and
training amplifies that, so the notebook states only what holds in every seed with a margin.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from lstm_core import _checks
from lstm_core.layers import TaggerModel
from lstm_core.masking import lengths_to_mask
from lstm_core.optim import Adam, clip_grad_norm
from lstm_core.training import _progress_bar

RULES = ("window", "future", "delay")
TRAIN, TEST = 0, 1               # the data streams of a seed

NOTEBOOK_16 = dict(
    depth=dict(rule="window", k=2, vocab=5, models={          # label: (layers, hidden per layer)
        "1 layer, H=8": (1, 8), "2 layers, H=8": (2, 8), "3 layers, H=8": (3, 8),
        "1 layer, H=13": (1, 13)},                           # about as many parameters as 2 layers
        steps=150, seeds=(0, 1, 2, 3, 4)),
    direction=dict(rule="future", k=2, vocab=6, hidden=10, steps=200, seeds=(0, 1, 2, 3, 4)),
    dropout=dict(rule="delay", k=2, vocab=6, hidden=32, n_train=48, noise=0.3, p=0.5, steps=100, every=20,
                 kinds=(None, "naive", "variational", "zoneout"), seeds=(0, 1, 2, 3, 4)),
)


def tag_task(n, rule, k=2, vocab=5, min_len=5, max_len=10, noise=0.0, seed=0):
    """(ids (n, max_len) int, tags (n, max_len) int, mask (n, max_len) float) for one of RULES.

    noise: the fraction of real steps whose tag is replaced by a random class (label noise)."""
    n = _checks.positive_int("n", n)
    _checks.choice("rule", rule, RULES)
    k = _checks.positive_int("k", k)
    V = _checks.positive_int("vocab", vocab)
    if V < 3:
        raise ValueError(f"vocab must be at least 3 (the padding symbol 0 and two others); got {V}")
    lo, hi = _checks.positive_int("min_len", min_len), _checks.positive_int("max_len", max_len)
    if lo > hi:
        raise ValueError(f"min_len must be <= max_len; got {lo} > {hi}")
    noise = _checks.finite_number("noise", noise, 0.0, 1.0)
    rng = _checks.seed("seed", seed)
    lengths = rng.integers(lo, hi + 1, n)
    mask = lengths_to_mask(lengths, hi)
    ids = np.where(mask > 0, rng.integers(1, V, (n, hi)), 0)
    padded = np.concatenate([np.zeros((n, k), int), ids, np.zeros((n, k), int)], axis=1)   # zeros beyond both ends
    if rule == "window":
        tags = sum(padded[:, k - j:k - j + hi] for j in range(k + 1)) % V
    elif rule == "future":
        tags = padded[:, 2 * k:2 * k + hi]
    else:
        tags = padded[:, :hi]
    if noise > 0:
        flip = rng.random((n, hi)) < noise
        tags = np.where(flip, rng.integers(0, V, (n, hi)), tags)
    return ids, (tags * (mask > 0)).astype(int), mask


@dataclass
class Run:
    """One trained model: its label, seed, held-out accuracy, and curves."""

    label: str
    seed: int
    accuracy: float                      # on the held-out set, over real steps
    num_params: int
    loss: list = field(default_factory=list)
    curve: dict = field(default_factory=dict)      # step -> (train accuracy, held-out accuracy)
    model: TaggerModel = None


def train_tagger(model, train, test, steps, batch=32, lr=0.02, seed=0, every=None, bar=None, label=""):
    """Train ``model`` on ``train`` = (ids, tags, mask) and score it on ``test``; returns a Run.

    every: also record (train accuracy, held-out accuracy) every this many steps (the curves)."""
    steps = _checks.positive_int("steps", steps)
    batch = _checks.positive_int("batch", batch)
    rng = _checks.seed("seed", [seed, 7])
    ids, tags, mask = train
    opt = Adam(model.params, lr=lr)
    run = Run(label, seed, 0.0, model.num_params, model=model)
    for step in range(steps):
        pick = rng.integers(0, len(ids), min(batch, len(ids))) if batch < len(ids) else np.arange(len(ids))
        value, grads = model.loss_and_grads(ids[pick], tags[pick], mask[pick])
        clip_grad_norm(grads, 1.0)
        opt.step(grads)
        run.loss.append(value)
        if every and ((step + 1) % every == 0 or step == 0):
            run.curve[step + 1] = (model.accuracy(*train), model.accuracy(*test))
        if bar is not None:
            bar.update(1)
    run.accuracy = model.accuracy(*test)
    return run


@dataclass
class Sweep:
    """Every run of an experiment: runs[label] is a list over seeds."""

    runs: dict
    chance: float = 0.0

    def accuracy(self, label) -> np.ndarray:
        return np.array([r.accuracy for r in self.runs[label]])

    def table(self) -> str:
        """Parameters and held-out accuracy per model: every seed, then min and max."""
        lines = [f"{'model':<22}{'params':>7}   accuracy per seed          min    max"]
        for label, runs in self.runs.items():
            acc = self.accuracy(label)
            seeds = " ".join(f"{a:.3f}" for a in acc)
            lines.append(f"{label:<22}{runs[0].num_params:>7}   {seeds:<24} {acc.min():.3f}  {acc.max():.3f}")
        return "\n".join(lines)


def _bar(progress, total, desc):
    return _progress_bar(progress, total, desc)


def depth_experiment(rule="window", k=2, vocab=5, models=None, steps=150, seeds=(0, 1, 2), n_train=2000,
                     n_test=500, progress=False) -> Sweep:
    """One-way models of different depths and widths on the same task; held-out accuracy per seed."""
    models = models or NOTEBOOK_16["depth"]["models"]
    total = steps * len(models) * len(seeds)
    bar, own = _bar(progress, total, "depth")
    runs = {label: [] for label in models}
    try:
        for seed in seeds:
            train = tag_task(n_train, rule, k, vocab, seed=[seed, TRAIN])
            test = tag_task(n_test, rule, k, vocab, seed=[seed, TEST])
            for label, (N, H) in models.items():
                model = TaggerModel(vocab, 8, H, vocab, num_layers=N, seed=seed)
                runs[label].append(train_tagger(model, train, test, steps, seed=seed, bar=bar, label=label))
    finally:
        if own:
            bar.close()
    return Sweep(runs)


def direction_experiment(rule="future", k=2, vocab=6, hidden=10, steps=200, seeds=(0, 1, 2), n_train=2000,
                         n_test=500, progress=False) -> Sweep:
    """A one-way and a bidirectional LSTM (same hidden size per direction) on a task that needs the future."""
    models = {"one-way": False, "bidirectional": True}
    bar, own = _bar(progress, steps * 2 * len(seeds), "directions")
    runs = {label: [] for label in models}
    try:
        for seed in seeds:
            train = tag_task(n_train, rule, k, vocab, seed=[seed, TRAIN])
            test = tag_task(n_test, rule, k, vocab, seed=[seed, TEST])
            for label, bi in models.items():
                model = TaggerModel(vocab, 8, hidden, vocab, bidirectional=bi, seed=seed)
                runs[label].append(train_tagger(model, train, test, steps, seed=seed, bar=bar, label=label))
    finally:
        if own:
            bar.close()
    return Sweep(runs)


def dropout_label(kind) -> str:
    return "no dropout" if kind is None else kind


def dropout_experiment(rule="delay", k=2, vocab=6, hidden=32, n_train=48, noise=0.3, p=0.5, steps=100, every=20,
                       kinds=(None, "naive", "variational", "zoneout"), seeds=(0, 1, 2), n_test=500,
                       progress=False) -> Sweep:
    """An over-sized model on a small training set with noisy tags (easy to memorise), trained
    with each kind of dropout at rate p; train and held-out accuracy every ``every`` steps.
    The held-out tags are clean: they measure the rule, not the noise."""
    bar, own = _bar(progress, steps * len(kinds) * len(seeds), "dropout")
    runs = {dropout_label(kd): [] for kd in kinds}
    try:
        for seed in seeds:
            train = tag_task(n_train, rule, k, vocab, noise=noise, seed=[seed, TRAIN])
            test = tag_task(n_test, rule, k, vocab, seed=[seed, TEST])
            for kind in kinds:
                model = TaggerModel(vocab, 8, hidden, vocab, seed=seed, dropout=None if kind is None else (kind, p))
                runs[dropout_label(kind)].append(train_tagger(model, train, test, steps, batch=n_train, seed=seed,
                                                              every=every, bar=bar, label=dropout_label(kind)))
    finally:
        if own:
            bar.close()
    return Sweep(runs)


# --- embeddings moving in training (EmbeddingExplorer) -------------------------------------------

CHARACTERS = "aeiobdkt1234"                     # symbols 1 .. 12 (0 is padding)
GROUPS = ("vowel", "consonant", "digit")        # characters 4k .. 4k+3 of CHARACTERS form group k


def group_of(symbols) -> np.ndarray:
    """The group (1 vowel, 2 consonant, 3 digit; 0 for padding) of symbols 0 .. 12."""
    s = np.asarray(symbols)
    return np.where(s > 0, (s - 1) // 4 + 1, 0)


@dataclass
class EmbeddingSnapshots:
    """The 2-D embedding of every character, saved during training.

    steps: (S,) the training step of each snapshot (0 = before training)
    tables: (S, 13, 2) the embedding table at each (row 0: the padding symbol)
    loss: (S,) the training loss of the batch at that step (nan at step 0)
    accuracy: (S,) held-out accuracy at that step"""

    steps: np.ndarray
    tables: np.ndarray
    loss: np.ndarray
    accuracy: np.ndarray
    characters: str = CHARACTERS


def kind_before_task(n, min_len=4, max_len=8, seed=0):
    """(ids, tags, mask): tag each character with the kind of the character before it (0 at the start)."""
    rng = _checks.seed("seed", seed)
    lengths = rng.integers(min_len, max_len + 1, n)
    mask = lengths_to_mask(lengths, max_len)
    ids = np.where(mask > 0, rng.integers(1, len(CHARACTERS) + 1, (n, max_len)), 0)
    tags = np.zeros_like(ids)
    tags[:, 1:] = group_of(ids[:, :-1])
    return ids, (tags * (mask > 0)).astype(int), mask


def embedding_snapshots(steps=150, every=5, seed=0, hidden=8, batch=32, lr=0.02) -> EmbeddingSnapshots:
    """Train a TaggerModel with a 2-D embedding on ``kind_before_task`` and save the table every
    ``every`` steps. Characters of one kind play the same part in the task, so training pulls
    them together."""
    steps = _checks.positive_int("steps", steps)
    every = _checks.positive_int("every", every)
    train = kind_before_task(1000, seed=[seed, TRAIN])
    test = kind_before_task(300, seed=[seed, TEST])
    model = TaggerModel(len(CHARACTERS) + 1, 2, hidden, len(GROUPS) + 1, seed=seed)
    opt = Adam(model.params, lr=lr)
    rng = np.random.default_rng([seed, 7])
    shots, tables, losses, accs = [0], [model.table.copy()], [np.nan], [model.accuracy(*test)]
    for step in range(1, steps + 1):
        pick = rng.integers(0, len(train[0]), batch)
        value, grads = model.loss_and_grads(train[0][pick], train[1][pick], train[2][pick])
        clip_grad_norm(grads, 1.0)
        opt.step(grads)
        if step % every == 0:
            shots.append(step)
            tables.append(model.table.copy())
            losses.append(value)
            accs.append(model.accuracy(*test))
    return EmbeddingSnapshots(np.array(shots), np.array(tables), np.array(losses), np.array(accs))


def spread(table) -> tuple:
    """(mean distance between characters of the same kind, mean distance between characters of
    different kinds) in an embedding table (13, E) (row 0, the padding symbol, left out)."""
    t = np.asarray(table)[1:]
    g = group_of(np.arange(1, len(t) + 1))
    d = np.sqrt(((t[:, None] - t[None]) ** 2).sum(-1))
    same = (g[:, None] == g[None]) & ~np.eye(len(t), dtype=bool)
    diff = g[:, None] != g[None]
    return float(d[same].mean()), float(d[diff].mean())
