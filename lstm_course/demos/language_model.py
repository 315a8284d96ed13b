"""Text for a character-level language model: vocabulary, batches, sampling, perplexity, probes.

Symbols: N = characters in a text, V = vocabulary size (distinct characters), B = batch size,
T = window length, H = hidden size.

A character model reads a text one character at a time and, at every step t, gives a
probability to each of the V characters for the next one:

    x_t = onehot(id of char t)                 (V,)
    h_t, c_t = LSTM(x_t, h_{t-1}, c_{t-1})     (H,), (H,)
    y_t = W_hy h_t + b_y                       (V,) scores ("logits")
    p_t = softmax(y_t / tau)                   tau: the temperature (1 = the model's own guess)

Training minimises the mean cross-entropy  L = -(1/N) sum_t log p_t[id of char t+1];
the perplexity is exp(L): the number of equally likely characters the model is, on average,
as unsure as. A model that gives every character probability 1/V has perplexity exactly V;
the *unigram* baseline, which ignores the context and always predicts the characters'
frequencies in the training text, is what any context-using model must beat.

The probes look for hidden units that track something in the text: each unit's values over
the text are correlated with an indicator sequence (1 inside parentheses, 0 outside, ...), and
the forget gate is averaged over the steps right after a sentence ends.

``train_small`` trains notebook 13's small model from scratch (``SMALL``: H = 64, 300 steps), one
seed at a time; the notebook and ``tests/test_language_model_claims.py`` run it for each of ``SMALL_SEEDS``.

This module imports only numpy (and lstm_core's own math modules).
"""

from __future__ import annotations

import functools
import numbers
from pathlib import Path
from typing import NamedTuple

import numpy as np

from lstm_core import _checks
from lstm_core.output import softmax

DATA = Path(__file__).resolve().parents[2] / "data"   # the project: lstm_course/demos/ is two below it
CORPUS = DATA / "text" / "python-tutorial.txt"      # the course's text (see data/text/SOURCE.md)
WEIGHTS = DATA / "charlm" / "weights.npz"            # the shipped model (see data/charlm/README.md)
HELD_OUT = 0.1                                       # the last 10% of the text is held out


# --- the text and its alphabet --------------------------------------------------------------------
def load_corpus(path=None) -> str:
    """The course's text (``data/text/python-tutorial.txt``), or the UTF-8 file at ``path``."""
    p = CORPUS if path is None else Path(path)
    if not p.is_file():
        raise ValueError(f"path must be a text file; {p} does not exist")
    return p.read_text(encoding="utf-8")


def split_text(text: str, held_out: float = HELD_OUT):
    """(train, held-out): the held-out part is the last ``held_out`` share of the text, starting
    at the beginning of a line so that no line is cut in two."""
    if not isinstance(text, str) or not text:
        raise TypeError(f"text must be a non-empty str; got {_checks.describe(text)}")
    _checks.finite_number("held_out", held_out, 0, 1, low_open=True, high_open=True)
    cut = int(len(text) * (1 - held_out))
    nl = text.find("\n", cut)
    cut = nl + 1 if 0 <= nl < len(text) - 1 else cut
    return text[:cut], text[cut:]


class Vocab:
    """The alphabet: each distinct character gets an id 0..V-1 (in sorted order).

    >>> v = Vocab("hello")          # chars "ehlo"
    >>> v.encode("hole")            # array([1, 3, 2, 0])
    >>> v.decode([1, 3, 2, 0])      # 'hole'
    """

    def __init__(self, text: str):
        if not isinstance(text, str) or not text:
            raise TypeError(f"text must be a non-empty str; got {_checks.describe(text)}")
        self.chars = "".join(sorted(set(text)))
        self._ids = {ch: i for i, ch in enumerate(self.chars)}

    @property
    def size(self) -> int:
        """V, the number of distinct characters."""
        return len(self.chars)

    def __len__(self):
        return self.size

    def __repr__(self):
        return f"Vocab(V={self.size}, chars={self.chars[:40]!r}{'...' if self.size > 40 else ''})"

    def __contains__(self, ch):
        return ch in self._ids

    def encode(self, text: str) -> np.ndarray:
        """text (N characters) -> ids (N,) int64. Every character must be in the alphabet."""
        if not isinstance(text, str):
            raise TypeError(f"text must be a str; got {_checks.describe(text)}")
        try:
            return np.fromiter((self._ids[ch] for ch in text), dtype=np.int64, count=len(text))
        except KeyError as err:
            raise ValueError(f"text holds the character {err.args[0]!r}, which is not in the vocabulary "
                             f"of {self.size} characters") from None

    def decode(self, ids) -> str:
        """ids (N,) integers in [0, V) -> the text."""
        a = _ids("ids", ids, self.size, ndim=1)
        return "".join(self.chars[i] for i in a)

    def keep_known(self, text: str) -> str:
        """``text`` without the characters that are not in the alphabet."""
        if not isinstance(text, str):
            raise TypeError(f"text must be a str; got {_checks.describe(text)}")
        return "".join(ch for ch in text if ch in self._ids)


def _ids(name, ids, V, ndim=None) -> np.ndarray:
    a = np.asarray(ids)
    if a.dtype.kind not in "iu":
        raise TypeError(f"{name} must be integer character ids; got {_checks.describe(ids)}")
    if ndim is not None and a.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} dimension(s); got shape {a.shape}")
    if a.size and (a.min() < 0 or a.max() >= V):
        raise ValueError(f"{name} must be ids in [0, {V - 1}]; got values from {a.min()} to {a.max()}")
    return a.astype(np.int64, copy=False)


# --- batches ------------------------------------------------------------------------------------
def windows(ids, starts, seq_len):
    """(inputs, targets) for windows of ``seq_len`` characters beginning at ``starts``.

    ids: (N,) the encoded text;  starts: (B,) positions with start + seq_len < N.
    Returns inputs (B, T) = ids[s : s+T] and targets (B, T) = ids[s+1 : s+T+1]: at every step
    the target is the character that comes next."""
    a = _ids("ids", ids, np.iinfo(np.int64).max, ndim=1)
    T = _checks.positive_int("seq_len", seq_len)
    s = np.asarray(starts)
    if s.dtype.kind not in "iu" or s.ndim != 1:
        raise TypeError(f"starts must be a 1-D array of integer positions; got {_checks.describe(starts)}")
    if s.size and (s.min() < 0 or s.max() + T >= a.size):
        raise ValueError(f"starts must lie in [0, {a.size - T - 1}] (len(ids) - seq_len - 1); "
                         f"got values from {s.min()} to {s.max()}")
    idx = s[:, None] + np.arange(T + 1)                 # (B, T+1)
    w = a[idx]
    return w[:, :-1], w[:, 1:]


def random_windows(ids, batch_size, seq_len, rng):
    """A batch of ``batch_size`` windows at random places: (inputs (B, T), targets (B, T)).

    rng: a numpy Generator or an int seed."""
    B = _checks.positive_int("batch_size", batch_size)
    T = _checks.positive_int("seq_len", seq_len)
    n = np.asarray(ids).size
    if n < T + 2:
        raise ValueError(f"ids must hold at least seq_len + 2 = {T + 2} characters; got {n}")
    g = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    return windows(ids, g.integers(0, n - T - 1, size=B), T)


# --- probabilities and perplexity ----------------------------------------------------------------
def apply_temperature(logits, temperature):
    """softmax(logits / temperature) along the last axis: (..., V) -> (..., V).

    temperature > 1 flattens the distribution, < 1 sharpens it; 0 gives all the probability to
    the largest score (the limit of ever smaller temperatures; ties share it equally)."""
    z = _checks.array("logits", logits)
    if z.ndim < 1 or z.shape[-1] < 1:
        raise ValueError(f"logits must have a last axis of V >= 1 scores; got shape {z.shape}")
    _checks.finite_number("temperature", temperature, 0)
    if temperature == 0:
        top = (z == z.max(axis=-1, keepdims=True)).astype(z.dtype)
        return top / top.sum(axis=-1, keepdims=True)
    return softmax(z / temperature)


def cross_entropy(probs, targets) -> float:
    """Mean of -log probs[n, targets[n]] in nats. probs: (N, V) rows summing to 1; targets: (N,)."""
    p = _checks.array("probs", probs, ndim=2)
    t = _ids("targets", targets, p.shape[1], ndim=1)
    if t.shape[0] != p.shape[0] or t.size == 0:
        raise ValueError(f"targets must have shape ({p.shape[0]},), one per row of probs, and not be empty; "
                         f"got {t.shape}")
    if (p < 0).any() or not np.allclose(p.sum(axis=1), 1.0, atol=1e-4):
        raise ValueError("probs must be non-negative with every row summing to 1")
    picked = p[np.arange(t.size), t]
    with np.errstate(divide="ignore"):
        return float(-np.mean(np.log(picked)))


def perplexity(probs, targets) -> float:
    """exp(cross-entropy): probs (N, V) for N predictions, targets (N,) the characters that came."""
    return float(np.exp(cross_entropy(probs, targets)))


def unigram_probs(ids, vocab_size, smoothing=1.0) -> np.ndarray:
    """The characters' frequencies in ``ids`` (N,), with ``smoothing`` added to every count so that
    no character gets probability 0: (count + smoothing) / (N + V * smoothing), shape (V,)."""
    V = _checks.positive_int("vocab_size", vocab_size)
    a = _ids("ids", ids, V, ndim=1)
    _checks.finite_number("smoothing", smoothing, 0)
    counts = np.bincount(a, minlength=V) + float(smoothing)
    if counts.sum() <= 0:
        raise ValueError("ids must not be empty when smoothing is 0")
    return counts / counts.sum()


def unigram_perplexity(train_ids, test_ids, vocab_size, smoothing=1.0) -> float:
    """Perplexity on ``test_ids`` of the model that always predicts ``train_ids``' frequencies."""
    p = unigram_probs(train_ids, vocab_size, smoothing)
    t = _ids("test_ids", test_ids, vocab_size, ndim=1)
    if t.size == 0:
        raise ValueError("test_ids must not be empty")
    return float(np.exp(-np.mean(np.log(p[t]))))


# --- running a trained model over a text ----------------------------------------------------------
class TextTrace(NamedTuple):
    """A model run over one text: every array has one row per character read.

    logits (N, V): scores for the character after each one;  h, c, f (N, H): hidden state,
    cell state and forget gate after reading each character."""

    logits: np.ndarray
    h: np.ndarray
    c: np.ndarray
    f: np.ndarray


def _check_model(model):
    if not all(hasattr(model, a) for a in ("forward", "cell", "W_hy")) or getattr(model, "kind", None) != "lstm":
        raise TypeError(f"model must be an LSTM SequenceModel; got {_checks.describe(model)}")
    return model


def run_text(model, ids, chunk=2000) -> TextTrace:
    """Read ``ids`` (N,) from a zero state, one long sequence, carrying the state through
    chunks of ``chunk`` characters (the same numbers as one call, in less memory)."""
    m = _check_model(model)
    a = _ids("ids", ids, m.input_size, ndim=1)
    if a.size == 0:
        raise ValueError("ids must not be empty")
    C = _checks.positive_int("chunk", chunk)
    parts, state = [], {}
    for s in range(0, a.size, C):
        out = m.forward(a[None, s:s + C], **state)
        tr = out.trace
        parts.append((out.y[0], tr.h[0], tr.c[0], tr.f[0]))
        state = out.state
    return TextTrace(*(np.concatenate([p[k] for p in parts]) for k in range(4)))


def model_perplexity(model, ids, chunk=2000) -> float:
    """Perplexity of ``model`` on the text ``ids`` (N,), read from a zero state with the state carried
    along: the N - 1 predictions of characters 2..N (the first character has no context)."""
    tr = run_text(model, ids, chunk)
    a = np.asarray(ids)
    return perplexity(softmax(tr.logits[:-1]), a[1:])


class _Stepper:
    """One character at a time, with the model's own weights: the LSTM step of ``cell.py`` written
    out for a single input (plain numpy, no argument checks, for a fast sampling loop)."""

    def __init__(self, model):
        cell = model.cell
        gates = {g: cell.gate(g) for g in "figo"}
        self.Wx = np.ascontiguousarray(np.vstack([gates[g].W_x for g in "figo"]).T)   # (V, 4H): row v = W_x onehot(v)
        self.Wh = np.ascontiguousarray(np.vstack([gates[g].W_h for g in "figo"]))     # (4H, H)
        self.b = np.concatenate([gates[g].b for g in "figo"])                        # (4H,)
        H = self.H = model.hidden_size
        # sigmoid(z) = (1 + tanh(z / 2)) / 2: one tanh call for all four blocks
        self.scale = np.concatenate([np.full(2 * H, 0.5), np.ones(H), np.full(H, 0.5)]).astype(self.b.dtype)
        self.W_hy, self.b_y = model.W_hy, model.b_y

    def step(self, v, h, c):
        """Read character id v from state (h, c) (each (H,)): returns (logits (V,), h, c)."""
        H = self.H
        a = np.tanh((self.Wx[v] + self.Wh @ h + self.b) * self.scale)
        f, i, o = 0.5 * (1 + a[:H]), 0.5 * (1 + a[H:2 * H]), 0.5 * (1 + a[3 * H:])
        c = f * c + i * a[2 * H:3 * H]                  # keep a share f, write i * candidate
        h = o * np.tanh(c)
        return self.W_hy @ h + self.b_y, h, c


def _prompt_state(model, vocab, prompt):
    if not isinstance(vocab, Vocab):
        raise TypeError(f"vocab must be a Vocab; got {_checks.describe(vocab)}")
    if vocab.size != model.input_size:
        raise ValueError(f"vocab must have the model's input size {model.input_size}; got V = {vocab.size}")
    if not isinstance(prompt, str) or not prompt:
        raise ValueError(f"prompt must be a non-empty str; got {prompt!r}")
    out = model.forward(vocab.encode(prompt)[None, :])
    return out.y[0, -1], out.trace.h_last[0], out.trace.c_last[0]


def next_char_probs(model, vocab, prompt, temperature=1.0) -> np.ndarray:
    """(V,) probabilities of the character that follows ``prompt`` (read from a zero state)."""
    logits, _, _ = _prompt_state(_check_model(model), vocab, prompt)
    return apply_temperature(logits, temperature)


def sample(model, vocab, prompt, length, temperature=1.0, seed=0) -> str:
    """``length`` characters that continue ``prompt``, each drawn from softmax(y / temperature).

    seed: an int or a numpy Generator; the same seed gives the same text. temperature 0 always
    takes the most likely character (greedy)."""
    m = _check_model(model)
    n = _checks.positive_int("length", length)
    apply_temperature(np.zeros(1), temperature)                 # checks the temperature
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    logits, h, c = _prompt_state(m, vocab, prompt)
    stepper = _Stepper(m)
    tau = float(temperature)
    out = []
    for _ in range(n):
        if tau == 0:
            v = int(np.argmax(logits))                           # greedy
        else:
            e = np.exp((logits - logits.max()) / tau)            # softmax(y / tau), unnormalised
            cum = np.cumsum(e)
            v = int(min(np.searchsorted(cum, rng.random() * cum[-1], side="right"), cum.size - 1))
        out.append(v)
        logits, h, c = stepper.step(v, h, c)
    return vocab.decode(np.array(out))


# --- the shipped model ------------------------------------------------------------------------------
class Shipped(NamedTuple):
    """The trained model of ``data/charlm`` with its alphabet and the two parts of the text."""

    model: object          # SequenceModel("lstm", V, H, V), float64
    vocab: Vocab
    train_text: str
    held_text: str


@functools.lru_cache(maxsize=2)
def load_shipped(path=None) -> Shipped:
    """Load ``data/charlm/weights.npz`` (or ``path``) as float64 with the corpus' alphabet (cached)."""
    from lstm_core.models import SequenceModel
    p = WEIGHTS if path is None else Path(path)
    if not p.is_file():
        raise ValueError(f"path must be a weights file written by SequenceModel.save; {p} does not exist "
                         "(run data/charlm/train.py)")
    text = load_corpus()
    vocab = Vocab(text)
    model = SequenceModel.load(p, dtype=np.float64)
    if model.input_size != vocab.size:
        raise ValueError(f"the model at {p} reads {model.input_size} characters; the corpus has {vocab.size}")
    return Shipped(model, vocab, *split_text(text))


@functools.lru_cache(maxsize=2)
def held_out_trace(path=None) -> TextTrace:
    """The shipped model run over the whole held-out text from a zero state (cached)."""
    s = load_shipped(path)
    return run_text(s.model, s.vocab.encode(s.held_text))


# --- probes: what do single units track? ---------------------------------------------------------
def indicators(text: str) -> dict:
    """Indicator sequences (N,) float, one value per character of ``text``:

    "inside parentheses": 1 from "(" up to its ")" (nested ones count once), else 0
    "inside quotes":      1 from a double quote " to the next one on the same line, else 0
    "inside ``literal``": 1 from a double backquote `` to the next one (the reST markup for code
                          inside a sentence), else 0
    "code line":          1 on lines indented by 2 or more spaces (the tutorial's code blocks)
    "position in line":   characters since the last newline, divided by 80 (0 at a newline)
    The delimiters themselves count as inside.
    """
    if not isinstance(text, str) or not text:
        raise TypeError(f"text must be a non-empty str; got {_checks.describe(text)}")
    N = len(text)
    paren, quote, lit, code, pos = (np.zeros(N) for _ in range(5))
    depth, in_quote, in_lit, col, indented, skip = 0, False, False, 0, False, False
    in_lit_next = False                                 # whether the pair of ` being read opens a literal
    for t, ch in enumerate(text):
        if ch == "\n":
            in_quote, col = False, 0
            if text.startswith("\n\n", t):
                in_lit = False                          # a literal never spans a paragraph
        else:
            col += 1
        if col == 1:
            indented = text.startswith("  ", t)
        if ch == "(":
            depth += 1
        paren[t] = 1.0 if depth > 0 else 0.0
        if ch == ")":
            depth = max(depth - 1, 0)
        quote[t] = 1.0 if in_quote or ch == '"' else 0.0
        if ch == '"':
            in_quote = not in_quote
        if skip:                                        # the second ` of a pair
            lit[t], skip = 1.0, False
            if not in_lit_next:
                in_lit = False
        elif text.startswith("``", t):
            lit[t], skip = 1.0, True
            in_lit_next = not in_lit
            in_lit = True
        else:
            lit[t] = 1.0 if in_lit else 0.0
        code[t] = 1.0 if indented and ch != "\n" else 0.0
        pos[t] = (col if ch != "\n" else 0) / 80.0
    return {"inside parentheses": paren, "inside quotes": quote, "inside ``literal``": lit,
            "code line": code, "position in line": pos}


def unit_correlations(acts, indicator) -> np.ndarray:
    """Pearson correlation of each unit's values with an indicator: acts (N, H), indicator (N,) -> (H,).

    A unit (or an indicator) that never changes has correlation 0."""
    A = _checks.array("acts", acts, ndim=2, dtype=np.float64)
    x = _checks.array("indicator", indicator, ndim=1, dtype=np.float64)
    if x.shape[0] != A.shape[0] or A.shape[0] < 2:
        raise ValueError(f"indicator must have shape ({A.shape[0]},), one value per row of acts (at least 2); "
                         f"got {x.shape}")
    A0, x0 = A - A.mean(axis=0), x - x.mean()
    den = np.sqrt((A0 * A0).sum(axis=0) * (x0 @ x0))
    num = x0 @ A0
    return np.divide(num, den, out=np.zeros_like(num), where=den > 0)


def best_units(acts, indicator, k=3) -> np.ndarray:
    """The ``k`` units whose values correlate most strongly (either sign) with ``indicator``."""
    k = _checks.positive_int("k", k)
    r = unit_correlations(acts, indicator)
    return np.argsort(-np.abs(r), kind="stable")[:k]


def find_units(acts, text, k=3) -> dict:
    """For each indicator of ``indicators(text)``: (units (k,), correlations (k,)), strongest first.

    acts: (N, H) one row per character of ``text`` (e.g. tanh of the cell state)."""
    A = _checks.array("acts", acts, ndim=2)
    ind = indicators(text)
    if A.shape[0] != len(text):
        raise ValueError(f"acts must have one row per character of text ({len(text)}); got shape {A.shape}")
    out = {}
    for name, x in ind.items():
        r = unit_correlations(A, x)
        units = np.argsort(-np.abs(r), kind="stable")[:_checks.positive_int("k", k)]
        out[name] = (units, r[units])
    return out


def after_marker(text: str, marker: str = ". ") -> np.ndarray:
    """(N,) bool: True at each step that reads the last character of ``marker`` (for ". ": the space
    right after a full stop, the first step at which the model can know a sentence has ended)."""
    if not isinstance(text, str) or not text:
        raise TypeError(f"text must be a non-empty str; got {_checks.describe(text)}")
    if not isinstance(marker, str) or not marker:
        raise ValueError(f"marker must be a non-empty str; got {marker!r}")
    out = np.zeros(len(text), bool)
    start = text.find(marker)
    while start >= 0:
        out[start + len(marker) - 1] = True
        start = text.find(marker, start + 1)
    return out


def forget_at_boundaries(f, text, marker=". "):
    """Mean forget gate per unit at the steps right after ``marker`` and at all other steps.

    f: (N, H) forget-gate values while reading ``text`` (N characters).
    Returns (at (H,), elsewhere (H,))."""
    F = _checks.array("f", f, ndim=2)
    mask = after_marker(text, marker)
    if F.shape[0] != mask.size:
        raise ValueError(f"f must have one row per character of text ({mask.size}); got shape {F.shape}")
    if not mask.any() or mask.all():
        raise ValueError(f"text must contain {marker!r} at some but not all positions")
    return F[mask].mean(axis=0), F[~mask].mean(axis=0)


# --- training a small model from scratch (notebook 13's "Train your own") --------------------------
SMALL = dict(hidden=64, batch=32, seq=64, steps=300, lr=3e-3, clip=1.0)   # H, B, T, steps, Adam's lr, clip
SMALL_SEEDS = (0, 1, 2)                   # the notebook's seeds (initial weights and windows' places)


class SmallRun(NamedTuple):
    """One ``train_small`` run: the seed, the float32 model, its History (per-step loss in nats)
    and its perplexity on the whole held-out text (read in one pass, as ``held_out_trace``)."""

    seed: int
    model: object
    history: object
    perplexity: float


def train_small(seed=0, progress=False, **settings) -> SmallRun:
    """Train ``SequenceModel("lstm", V, H, V)`` from scratch on the training text: ``steps`` Adam
    steps on ``batch`` random windows of ``seq`` characters, each from a zero state, gradients
    clipped at global norm ``clip``; ``SMALL`` gives the settings, keyword arguments replace them.

    seed: an int, for the initial weights and the windows' places; progress: as in ``training.fit``."""
    from lstm_core.models import SequenceModel      # imported here, as in load_shipped
    from lstm_core.optim import Adam
    from lstm_core.training import fit

    unknown = set(settings) - set(SMALL)
    if unknown:
        raise TypeError(f"settings must be among {sorted(SMALL)}; got {sorted(unknown)}")
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"seed must be an int; got {_checks.describe(seed)}")
    cfg = {**SMALL, **settings}
    s = load_shipped()
    train_ids, held_ids = s.vocab.encode(s.train_text), s.vocab.encode(s.held_text)
    V = s.vocab.size
    model = SequenceModel("lstm", V, cfg["hidden"], V, seed=int(seed), dtype=np.float32)
    rng = np.random.default_rng(int(seed))
    history = fit(model, lambda _step: random_windows(train_ids, cfg["batch"], cfg["seq"], rng), steps=cfg["steps"],
                  optimizer=Adam(model.params, lr=cfg["lr"]), clip=cfg["clip"], progress=progress,
                  desc=f"seed {seed}")
    return SmallRun(int(seed), model, history, model_perplexity(model, held_ids))
