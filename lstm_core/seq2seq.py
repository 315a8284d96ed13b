"""Sequence to sequence: an encoder LSTM reads the input, a decoder LSTM writes the output.

Symbols: B = batch size, L = source length, T = L + 1 output steps (the L digits, then EOS),
H = hidden size, n = number of digits, V = n + 2 input symbols, K = n + 1 output classes.

Tokens: the digits are 0 .. n-1, EOS = n ("end of sequence", the last output), BOS = n + 1
("begin", the decoder's first input, never an output). Inputs are one-hot vectors of size V.

    encoder:  (h_L, c_L) = LSTM_enc(src_1 .. src_L)           src (B, L) digits
    decoder:  (h_t, c_t) = LSTM_dec(in_t, h_{t-1}, c_{t-1}),   starting from (h_L, c_L)
              y_t = W_hy h_t + b_y,  p_t = softmax(y_t)         y (B, T, K)
    loss:     mean over b, t of -log p_t[out_t]                 out = target digits, then EOS

What the decoder is fed at step t (in_1 = BOS always) is the whole question of notebook 17:
    teacher forcing (ratio 1):  in_t = out_{t-1}, the true previous token
    free running (ratio 0):     in_t = argmax y_{t-1}, the model's own previous guess
    scheduled sampling (0 < r < 1): each sequence, at each step, gets the true token with
                                probability r and its own guess otherwise.
The choice is not differentiated (an argmax has no gradient): once the inputs are chosen, the
gradient is that of the teacher-forced model on those inputs. So the decoder runs step by step
to choose its inputs, then ``lstm_forward`` replays it on them for ``lstm_backward``.

Backward: dy -> ``project_backward`` -> dh (B, T, H) -> ``lstm_backward`` of the decoder gives
dh_0, dc_0 -> they are the gradients of the encoder's last state: ``lstm_backward`` of the
encoder with dh = dh_0 at its last step and dc_last = dc_0.

A batch holds sources of one length L (``tasks.reverse_digits`` makes such batches), so no
padding or masking is needed; a test set of several lengths is one batch per length.

Decoding a trained model goes through two methods that any decoder can provide (notebook 18's
attention model does): ``start(src) -> state`` and ``step(tokens, state) -> (log_probs, state)``,
where state is a tuple of arrays whose first axis is the batch (or the beams). ``greedy_decode``
and ``beam_search`` are written on these two only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import _checks
from .losses import softmax_cross_entropy
from .models import one_hot
from .output import project, project_backward
from .params import LSTMParams
from .sequence import LSTMTrace, lstm_backward, lstm_forward


def tokens(n_digits):
    """(EOS, BOS) for ``n_digits`` digits: EOS = n_digits, BOS = n_digits + 1."""
    n = _checks.positive_int("n_digits", n_digits)
    return n, n + 1


def check_digits(name, a, n_digits, ndim=2):
    """An integer array of digits in [0, n_digits) with ``ndim`` axes and at least one element."""
    arr = _checks.as_ndarray(name, a)
    if arr.dtype.kind not in "iu":
        raise TypeError(f"{name} must be integer digits; got {_checks.describe(a)}")
    if arr.ndim != ndim:
        want = "(B, L): a batch of digit strings of one length" if ndim == 2 else "(L,): one digit string"
        raise ValueError(f"{name} must have shape {want}; got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} must hold at least one digit; got shape {arr.shape}")
    if arr.min() < 0 or arr.max() >= n_digits:
        raise ValueError(f"{name} must hold digits in [0, {n_digits - 1}]; got values from {arr.min()} to {arr.max()}")
    return arr.astype(np.int64, copy=False)


def decoder_targets(targets, n_digits):
    """(teacher-forced inputs (B, T), outputs (B, T)) for target digits (B, L), T = L + 1:
    inputs = BOS, then the targets; outputs = the targets, then EOS."""
    eos, bos = tokens(n_digits)
    t = check_digits("targets", targets, n_digits)
    B = t.shape[0]
    inputs = np.concatenate([np.full((B, 1), bos), t], axis=1)
    outputs = np.concatenate([t, np.full((B, 1), eos)], axis=1)
    return inputs, outputs


def _fed_step(p: LSTMParams, tok, h, c):
    """One LSTM step of ``p`` fed one-hot tokens (N,), from h, c (N, H): (h, c) after it.

    The equations of ``cell.lstm_step`` for one-hot inputs, where W_x x is column ``tok`` of W_x;
    without its checks and copies, as decoding calls it once per output step (the tests check it
    against ``lstm_step``)."""
    H = p.hidden_size
    z = p.weight_x.T[tok] + h @ p.weight_h.T + p.bias                # (N, 4H), gates f, i, o, g
    a = np.tanh(z * np.where(np.arange(4 * H) < 3 * H, 0.5, 1.0))     # sigmoid(z) = (1 + tanh(z/2)) / 2
    a[:, :3 * H] = 0.5 * (1.0 + a[:, :3 * H])
    f, i, o, g = a[:, :H], a[:, H:2 * H], a[:, 2 * H:3 * H], a[:, 3 * H:]
    c = f * c + i * g
    return o * np.tanh(c), c


def teacher_forcing_ratio(name, value):
    return _checks.finite_number(name, value, 0.0, 1.0)


@dataclass
class Seq2SeqOutput:
    """What ``Seq2Seq.forward`` computed.

    logits:  (B, T, K) scores y_t
    inputs:  (B, T)    the tokens the decoder was fed (BOS, then true or own tokens)
    outputs: (B, T)    the right answers (targets, then EOS)
    fed_true: (B, T)   True where the decoder was fed the true token (always at t = 0)
    encoder, decoder:  the LSTMTraces (encoder.h is (B, L, H): every encoder state)
    W_hy, b_y: copies of the read-out this output was made with."""

    logits: np.ndarray
    inputs: np.ndarray
    outputs: np.ndarray
    fed_true: np.ndarray
    encoder: LSTMTrace
    decoder: LSTMTrace
    W_hy: np.ndarray
    b_y: np.ndarray


class Seq2Seq:
    """An encoder LSTM and a decoder LSTM with a linear read-out over n_digits + 1 classes.

    Seq2Seq(n_digits=8, hidden_size=48, seed=0)

    params: a dict of the live arrays ("encoder.weight_x", ..., "decoder.bias", "W_hy", "b_y"),
    the keys of the gradients from ``backward``, so ``lstm_core.optim`` trains it.
    """

    def __init__(self, n_digits=8, hidden_size=48, seed=0, dtype=np.float64):
        n = _checks.positive_int("n_digits", n_digits)
        if n < 2:
            raise ValueError(f"n_digits must be at least 2 (one digit leaves nothing to reverse); got {n}")
        H = _checks.positive_int("hidden_size", hidden_size)
        dt = _checks.float_dtype("dtype", dtype)
        _checks.seed("seed", seed, generator=False)
        s = [seed] if not isinstance(seed, (list, tuple)) else list(seed)
        self.n_digits = n
        self.eos, self.bos = tokens(n)
        V, K = n + 2, n + 1
        self.encoder = LSTMParams.init(V, H, seed=np.random.default_rng([*s, 0]), dtype=dt)
        self.decoder = LSTMParams.init(V, H, seed=np.random.default_rng([*s, 1]), dtype=dt)
        bound = 1.0 / np.sqrt(H)
        self.W_hy = np.random.default_rng([*s, 2]).uniform(-bound, bound, (K, H)).astype(dt)
        self.b_y = np.zeros(K, dt)
        self._params = {**{f"encoder.{k}": v for k, v in self.encoder.arrays().items()},
                        **{f"decoder.{k}": v for k, v in self.decoder.arrays().items()},
                        "W_hy": self.W_hy, "b_y": self.b_y}

    input_size = property(lambda self: self.n_digits + 2, doc="V: digits, EOS and BOS, one-hot")
    output_size = property(lambda self: self.n_digits + 1, doc="K: digits and EOS")
    hidden_size = property(lambda self: self.encoder.hidden_size)
    dtype = property(lambda self: self.encoder.dtype)

    @property
    def params(self) -> dict:
        """name -> live parameter array (optimisers update these in place)."""
        return self._params

    @property
    def num_params(self) -> int:
        return sum(a.size for a in self._params.values())

    def __repr__(self):
        return (f"Seq2Seq(n_digits={self.n_digits}, hidden_size={self.hidden_size}, params={self.num_params}, "
                f"dtype={self.dtype})")

    def one_hot(self, symbols) -> np.ndarray:
        """Tokens (...) -> one-hot inputs (..., V) in the model's dtype."""
        return one_hot(symbols, self.input_size).astype(self.dtype, copy=False)

    # --- forward and backward ---------------------------------------------------------------
    def encode(self, src) -> LSTMTrace:
        """The encoder over src (B, L) digits; trace.h (B, L, H), trace.h_last and c_last (B, H)."""
        src = check_digits("src", src, self.n_digits)
        return lstm_forward(self.encoder, self.one_hot(src))

    def _forward_inputs(self, src, targets, teacher_forcing, seed):
        """forward's arguments checked, and the encoder run: (decoder inputs fed true (B, T),
        outputs (B, T), ratio, Generator, encoder trace). Shared with AttentionSeq2Seq.forward."""
        src = check_digits("src", src, self.n_digits)
        true_in, outputs = decoder_targets(targets, self.n_digits)
        if true_in.shape[0] != src.shape[0]:
            raise ValueError(f"targets must have one row per source: src has {src.shape[0]}, targets {true_in.shape[0]}")
        r = teacher_forcing_ratio("teacher_forcing", teacher_forcing)
        rng = _checks.seed("seed", seed)
        return true_in, outputs, r, rng, self.encode(src)

    def forward(self, src, targets, teacher_forcing=1.0, seed=0) -> Seq2SeqOutput:
        """Encode src (B, L), then decode T = L + 1 steps towards targets (B, L).

        teacher_forcing: the probability, per sequence and step, of feeding the true previous
        token rather than the model's own guess (1: teacher forcing, 0: free running).
        seed: the draws that make that choice (an int, a list of ints, or a Generator)."""
        true_in, outputs, r, rng, enc = self._forward_inputs(src, targets, teacher_forcing, seed)
        B, T = true_in.shape
        h0, c0 = enc.h_last, enc.c_last
        fed_true = np.ones((B, T), bool)
        if r == 1.0:
            inputs = true_in
        else:
            fed_true[:, 1:] = rng.random((B, T - 1)) < r
            inputs = true_in.copy()
            h, c = h0, c0
            for t in range(T - 1):                      # choose in_{t+1} from step t's guess
                h, c = _fed_step(self.decoder, inputs[:, t], h, c)
                guess = np.argmax(project(self.W_hy, self.b_y, h), axis=-1)
                inputs[:, t + 1] = np.where(fed_true[:, t + 1], true_in[:, t + 1], guess)
        dec = lstm_forward(self.decoder, self.one_hot(inputs), h0, c0)
        logits = project(self.W_hy, self.b_y, dec.h)
        return Seq2SeqOutput(logits, inputs, outputs, fed_true, enc, dec, self.W_hy.copy(), self.b_y.copy())

    def backward(self, out: Seq2SeqOutput, dlogits) -> dict:
        """Gradients of every parameter given dlogits = dL/dy (B, T, K); keys as ``params``."""
        if not isinstance(out, Seq2SeqOutput):
            raise TypeError(f"out must be the Seq2SeqOutput that forward returned; got {_checks.describe(out)}")
        pg = project_backward(out.W_hy, out.b_y, out.decoder.h, dlogits)
        dg = lstm_backward(out.decoder, pg.h)
        dh_enc = np.zeros(out.encoder.h.shape, self.dtype)
        dh_enc[:, -1] = dg.h0                           # the decoder started from the encoder's last state
        eg = lstm_backward(out.encoder, dh_enc, dc_last=dg.c0)
        grads = {**{f"encoder.{k}": v for k, v in eg.params.arrays().items()},
                 **{f"decoder.{k}": v for k, v in dg.params.arrays().items()}}
        grads["W_hy"], grads["b_y"] = pg.W_hy, pg.b_y
        return grads

    def loss(self, out: Seq2SeqOutput):
        """The mean cross-entropy of out.logits against out.outputs, as a ``Loss`` (value, grad)."""
        return softmax_cross_entropy(out.logits, out.outputs)

    def loss_and_grads(self, src, targets, teacher_forcing=1.0, seed=0):
        """(loss value, gradient dict) for one batch; arguments as in ``forward``."""
        out = self.forward(src, targets, teacher_forcing, seed)
        L = self.loss(out)
        return L.value, self.backward(out, L.grad)

    # --- decoding: start and step -----------------------------------------------------------
    def start(self, src):
        """The decoder's first state for src (B, L): (h, c), each (B, H)."""
        enc = self.encode(src)
        return (enc.h_last, enc.c_last)

    def step(self, tok, state):
        """One decoder step: fed tokens (N,) and state (h, c) (N, H) -> (log-probabilities (N, K), new state)."""
        h, c = state
        tok = np.asarray(tok)
        if tok.dtype.kind not in "iu" or tok.shape != (h.shape[0],) or tok.min() < 0 or tok.max() >= self.input_size:
            raise ValueError(f"tok must hold one token in [0, {self.input_size - 1}] per row of the state "
                             f"({h.shape[0]},); got {_checks.describe(tok)}")
        h, c = _fed_step(self.decoder, tok, h, c)
        y = h @ self.W_hy.T + self.b_y
        y = y - y.max(axis=-1, keepdims=True)
        return y - np.log(np.exp(y).sum(axis=-1, keepdims=True)), (h, c)


def _check_decoder(model):
    for name in ("start", "step", "eos", "bos"):
        if not hasattr(model, name):
            raise TypeError(f"model must be a decoder with start(src), step(tokens, state), eos and bos "
                            f"(a Seq2Seq); got {_checks.describe(model)}")


def greedy_decode(model, src, steps=None):
    """Feed the model its own best guess at every step.

    src: (B, L) digits; steps: how many output steps (default L + 1, the right answer's length).
    Returns (tokens (B, steps), log-probability of each chosen token (B, steps)). Tokens after a
    sequence's first EOS are still the model's guesses; ``strip_eos`` cuts them off."""
    _check_decoder(model)
    src = check_digits("src", src, model.n_digits)
    steps = src.shape[1] + 1 if steps is None else _checks.positive_int("steps", steps)
    state = model.start(src)
    B = src.shape[0]
    tok = np.full(B, model.bos)
    out = np.empty((B, steps), np.int64)
    logp = np.empty((B, steps))
    for t in range(steps):
        lp, state = model.step(tok, state)
        tok = np.argmax(lp, axis=-1)
        out[:, t], logp[:, t] = tok, lp[np.arange(B), tok]
    return out, logp


def strip_eos(seq, eos):
    """The digits of a decoded sequence before its first EOS, as a tuple of ints."""
    out = []
    for s in np.asarray(seq).tolist():
        if s == eos:
            break
        out.append(int(s))
    return tuple(out)


@dataclass
class Beam:
    """One hypothesis: its tokens (without BOS), their summed log-probability, and whether it ended."""

    tokens: tuple
    score: float
    done: bool = False


@dataclass
class BeamResult:
    """``beam_search``'s answer: best (a Beam); steps[t]: the beams kept after step t + 1 (live ones
    and the ones that ended at that step), best first; finished: every hypothesis that ended."""

    best: Beam
    steps: list = field(default_factory=list)
    finished: list = field(default_factory=list)


def beam_search(model, src, beam_width=3, max_len=None) -> BeamResult:
    """Keep the ``beam_width`` best partial outputs at every step, scored by their summed log-probability.

    src: (L,) one digit string; max_len: the most output steps (default L + 3).
    At each step every live beam is extended by every token; of all the extensions the
    ``beam_width`` highest-scoring are kept, and those that end with EOS are finished. The search
    stops when no beam is live, or when the best finished score is at least the best live one
    (a log-probability is <= 0, so a live beam can only lose score). A beam still live after
    ``max_len`` steps counts as finished. With beam_width=1 this is greedy decoding."""
    _check_decoder(model)
    src = check_digits("src", src, model.n_digits, ndim=1)
    W = _checks.positive_int("beam_width", beam_width)
    max_len = src.shape[0] + 3 if max_len is None else _checks.positive_int("max_len", max_len)
    state = model.start(src[None, :])
    live = [Beam((), 0.0)]
    tok = np.array([model.bos])
    result = BeamResult(None)
    for t in range(max_len):
        lp, state = model.step(tok, state)                     # (N, K) for the N live beams
        total = np.array([b.score for b in live])[:, None] + lp
        flat = total.ravel()
        order = np.argsort(-flat, kind="stable")[:W]             # ties: the lower beam, then the lower token
        K = lp.shape[1]
        kept, rows = [], []
        for j in order:
            b, k = divmod(int(j), K)
            beam = Beam(live[b].tokens + (k,), float(flat[j]), done=(k == model.eos))
            kept.append(beam)
            if not beam.done:
                rows.append(b)
        if t == max_len - 1:
            for beam in kept:
                beam.done = True
        result.steps.append(kept)
        result.finished += [b for b in kept if b.done]
        live = [b for b in kept if not b.done]
        if not live:
            break
        if result.finished and max(b.score for b in result.finished) >= live[0].score:
            break
        idx = np.array(rows)
        state = tuple(s[idx] for s in state)
        tok = np.array([b.tokens[-1] for b in live])
    result.best = max(result.finished, key=lambda b: b.score)   # the first of equal scores
    return result


# --- training and measuring ---------------------------------------------------------------------
def _ratio_at(teacher_forcing, step, steps):
    if callable(teacher_forcing):
        return teacher_forcing_ratio("teacher_forcing(step)", teacher_forcing(step))
    return teacher_forcing_ratio("teacher_forcing", teacher_forcing)


def train(model, steps, lengths=(2, 6), teacher_forcing=1.0, batch_size=32, lr=1e-2, clip=1.0, seed=0,
          progress=False, desc="training", history=None, optimizer=None, callback=None, every=50):
    """Train a sequence-to-sequence model on ``tasks.reverse_digits`` with Adam and clipping.

    lengths: (shortest, longest) source length; each batch draws one length in that range.
    teacher_forcing: a ratio in [0, 1] (1: teacher forcing, 0: free running, between:
        scheduled sampling), or a function step -> ratio (a schedule).
    seed: the batches and the teacher-forcing draws (model weights come from the model's seed).
    progress: True for a tqdm bar, or a bar you made (``update`` and ``set_postfix``).
    optimizer, history: an Adam (or SGD) on model.params and a History, to go on from an earlier call.
    callback: a function (steps done, model) called after every ``every`` steps (to measure
        accuracy during training), or None.
    Returns a History (loss and gradient norm before clipping, per step)."""
    from .optim import Adam, clip_grad_norm
    from .tasks import reverse_digits
    from .training import History, _progress_bar
    _check_decoder(model)
    steps = _checks.positive_int("steps", steps)
    lo, hi = _lengths(lengths)
    B = _checks.positive_int("batch_size", batch_size)
    clip = _checks.finite_number("clip", clip, 0.0, low_open=True)
    rng = _checks.seed("seed", seed, generator=False)
    s0 = int(rng.integers(2**31))
    every = _checks.positive_int("every", every)
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be a function (steps done, model) or None; got {_checks.describe(callback)}")
    opt = Adam(model.params, lr=lr) if optimizer is None else optimizer
    hist = History() if history is None else history
    bar, own = _progress_bar(progress, steps, desc)
    try:
        for step in range(steps):
            r = _ratio_at(teacher_forcing, step, steps)
            L = int(rng.integers(lo, hi + 1))
            src, tgt = reverse_digits(B, L, model.n_digits, seed=[s0, step])
            value, grads = model.loss_and_grads(src, tgt, r, seed=[s0, step, 1])
            norm = clip_grad_norm(grads, clip)
            opt.step(grads)
            hist.loss.append(value)
            hist.grad_norm.append(norm)
            if callback is not None and (step + 1) % every == 0:
                callback(step + 1, model)
            if bar is not None:
                bar.update(1)
                if step % 10 == 0 or step == steps - 1:
                    bar.set_postfix(loss=f"{value:.3f}", refresh=False)
    finally:
        if own:
            bar.close()
    return hist


def _lengths(lengths):
    if not isinstance(lengths, (tuple, list)) or len(lengths) != 2:
        raise TypeError(f"lengths must be a pair (shortest, longest); got {_checks.describe(lengths)}")
    lo = _checks.positive_int("lengths[0]", lengths[0])
    hi = _checks.positive_int("lengths[1]", lengths[1])
    if hi < lo:
        raise ValueError(f"lengths must be (shortest, longest) with shortest <= longest; got {tuple(lengths)}")
    return lo, hi


def position_errors(model, src, targets, teacher_forcing=1.0, seed=0):
    """Error rate at each output position (T,), T = L + 1, for src and targets (B, L).

    teacher_forcing=1: every step is fed the true previous token, so each position's error is
    its own; 0: the model is fed its own guesses (greedy decoding), so an early error can push
    later ones. Error = the argmax is not the right token (digit or, at the end, EOS)."""
    out = model.forward(src, targets, teacher_forcing, seed)
    return np.mean(np.argmax(out.logits, axis=-1) != out.outputs, axis=0)


def sequence_accuracy(model, src, targets):
    """The share of sources (B, L) whose greedy decoding is exactly the target digits, then EOS."""
    _check_decoder(model)
    t = check_digits("targets", targets, model.n_digits)
    toks, _ = greedy_decode(model, src)
    if toks.shape != (t.shape[0], t.shape[1] + 1):
        raise ValueError(f"targets must have the shape of src {toks.shape[0], toks.shape[1] - 1}; got {t.shape}")
    want = np.concatenate([t, np.full((t.shape[0], 1), model.eos)], axis=1)
    return float(np.mean(np.all(toks == want, axis=1)))
