"""Additive attention (Bahdanau, Cho and Bengio, 2015), forward and backward side by side.

Symbols: B = batch size, S = input (source) positions, T = output positions (queries),
Hq = query size (the decoder's state), Hk = key size (the encoder's states), A = attention size.

A query q (what the decoder is about to write) scores every key k_j (what the encoder saw at
input position j), the scores become weights that sum to 1 over the input, and the context is
the weighted sum of the keys:

    u_j     = tanh(W_q q + W_k k_j)              (A,)   W_q (A, Hq), W_k (A, Hk)
    e_j     = v . u_j                            score of input position j; v (A,)
    e_j     = -inf where mask_j = 0              padding gets no weight at all
    a       = softmax(e) over j                  (S,)   weights, a_j >= 0, sum_j a_j = 1
    context = sum_j a_j k_j                      (Hk,)

Backward, given dctx = dL/dcontext (and optionally da0 = dL/da, when a loss reads the weights):
    dk_j   += a_j dctx                           (the keys are summed into the context directly)
    da_j    = k_j . dctx + da0_j
    de_j    = a_j (da_j - sum_i a_i da_i)        (softmax backward; 0 where a_j = 0)
    dv      = sum_j de_j u_j
    dp_j    = de_j v * (1 - u_j^2)               (through the tanh; p_j = W_q q + W_k k_j)
    dW_k    = sum_j dp_j k_j^T;   dk_j += W_k^T dp_j
    dW_q    = (sum_j dp_j) q^T;   dq    = W_q^T sum_j dp_j
Sums over the batch (and over the T queries) are implied for the parameter gradients.

Every function takes one query per sequence, (B, Hq), or T of them, (B, T, Hq); the T queries
then share the keys and the mask, and the weights are (B, T, S).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import _checks
from .cell import lstm_step
from .output import project, project_backward
from .seq2seq import Seq2Seq, Seq2SeqOutput, check_digits
from .sequence import lstm_backward, lstm_forward


@dataclass
class AttentionParams:
    """The weights of additive attention: W_q (A, Hq), W_k (A, Hk), v (A,)."""

    W_q: np.ndarray
    W_k: np.ndarray
    v: np.ndarray

    NAMES = ("W_q", "W_k", "v")

    def __post_init__(self):
        checked = check_attention_params(self)
        self.W_q, self.W_k, self.v = checked.W_q, checked.W_k, checked.v

    @property
    def attention_size(self) -> int:
        return self.W_q.shape[0]

    @property
    def query_size(self) -> int:
        return self.W_q.shape[1]

    @property
    def key_size(self) -> int:
        return self.W_k.shape[1]

    @property
    def dtype(self):
        return self.W_q.dtype

    @classmethod
    def init(cls, query_size, key_size, attention_size, seed=0, dtype=np.float64) -> "AttentionParams":
        """Random weights, uniform in +-1/sqrt(fan-in) (as PyTorch's linear layers start)."""
        hq = _checks.positive_int("query_size", query_size)
        hk = _checks.positive_int("key_size", key_size)
        a = _checks.positive_int("attention_size", attention_size)
        dt = _checks.float_dtype("dtype", dtype)
        rng = _checks.seed("seed", seed)
        return cls(rng.uniform(-1, 1, (a, hq)).astype(dt) / np.sqrt(hq),
                   rng.uniform(-1, 1, (a, hk)).astype(dt) / np.sqrt(hk),
                   rng.uniform(-1, 1, a).astype(dt) / np.sqrt(a))

    def arrays(self) -> dict:
        """{"W_q": ..., "W_k": ..., "v": ...}: the live arrays (an optimiser updates them in place)."""
        return {n: getattr(self, n) for n in self.NAMES}

    def copy(self) -> "AttentionParams":
        return AttentionParams(self.W_q.copy(), self.W_k.copy(), self.v.copy())


class _Checked:
    """The three arrays, checked, without going through AttentionParams' constructor again."""

    def __init__(self, W_q, W_k, v):
        self.W_q, self.W_k, self.v = W_q, W_k, v


def check_attention_params(params, prefix=""):
    """params' arrays checked against each other: W_q (A, Hq), W_k (A, Hk), v (A,), one dtype.

    Errors name the array (``W_q``, or ``params.W_q`` with prefix "params.")."""
    if not hasattr(params, "W_q") or not hasattr(params, "W_k") or not hasattr(params, "v"):
        raise TypeError(f"params must be an AttentionParams; got {_checks.describe(params)}")
    W_q = _checks.array(prefix + "W_q", params.W_q, ndim=2)
    A = W_q.shape[0]
    W_k = _checks.array(prefix + "W_k", params.W_k, ndim=2, dtype=W_q.dtype)
    if W_k.shape[0] != A:
        raise ValueError(f"{prefix}W_k must have {A} rows, like {prefix}W_q {W_q.shape} (one per attention unit); "
                         f"got shape {W_k.shape}")
    v = _checks.array(prefix + "v", params.v, shape=(A,), dtype=W_q.dtype)
    return _Checked(W_q, W_k, v)


def check_mask(mask, B, S):
    """A (B, S) mask as a bool array (True = a real position); all True when None."""
    if mask is None:
        return np.ones((B, S), bool)
    m = _checks.as_ndarray("mask", mask)
    if m.dtype != bool:
        m = _checks.array("mask", m)
        if not np.isin(m, (0.0, 1.0)).all():
            raise ValueError("mask must hold only 0 (padding) and 1 (a real position), or booleans")
        m = m.astype(bool)
    if m.shape != (B, S):
        raise ValueError(f"mask must have shape (B, S) = ({B}, {S}), one entry per position of keys; got {m.shape}")
    empty = ~m.any(axis=1)
    if empty.any():
        raise ValueError(f"mask must keep at least one real position in every row: row {int(np.argmax(empty))} "
                         "is all padding, so there is nothing to attend to")
    return m


def _inputs(params, query, keys, mask):
    if not isinstance(params, AttentionParams):
        raise TypeError(f"params must be an AttentionParams; got {_checks.describe(params)}")
    c = check_attention_params(params, "params.")
    p = AttentionParams(c.W_q.copy(), c.W_k.copy(), c.v.copy())   # the trace's own: the backward uses these
    dt = p.dtype
    k = _checks.array("keys", keys, ndim=3, dtype=dt)
    B, S, Hk = k.shape
    if Hk != p.key_size:
        raise ValueError(f"keys must have shape (B, S, {p.key_size}) (batch, input positions, key size; "
                         f"params.W_k is {p.W_k.shape}); got {k.shape}")
    if B < 1 or S < 1:
        raise ValueError(f"keys must hold at least one sequence of at least one position; got shape {k.shape}")
    q = _checks.array("query", query, ndim=(2, 3), dtype=dt)
    if q.shape[0] != B or q.shape[-1] != p.query_size:
        want = f"({B}, {p.query_size}) or ({B}, T, {p.query_size})"
        raise ValueError(f"query must have shape {want} (one row per sequence of keys {k.shape}, "
                         f"params.W_q is {p.W_q.shape}); got {q.shape}")
    return p, q, k, check_mask(mask, B, S)


@dataclass
class AttentionTrace:
    """What ``additive_attention`` computed, and what its backward needs.

    weights (B, S) or (B, T, S): a, zero at padding, summing to 1 over S;
    context (B, Hk) or (B, T, Hk); scores: e before the softmax (-inf at padding).
    """

    weights: np.ndarray
    context: np.ndarray
    scores: np.ndarray
    params: AttentionParams   # a copy of the weights used (the backward reads these)
    query: np.ndarray         # (B, T, Hq) (T = 1 for a single query)
    keys: np.ndarray          # (B, S, Hk)
    mask: np.ndarray          # (B, S) bool
    u: np.ndarray             # (B, T, S, A) tanh(W_q q + W_k k_j)
    single: bool              # the query came as (B, Hq)


@dataclass
class AttentionGradients:
    """Gradients of ``additive_attention``: params (AttentionParams of dW_q, dW_k, dv), query, keys."""

    params: AttentionParams
    query: np.ndarray         # shaped like the query given
    keys: np.ndarray          # (B, S, Hk)


def additive_attention(params: AttentionParams, query, keys, mask=None) -> AttentionTrace:
    """Attend from ``query`` over ``keys``.

    params: AttentionParams, W_q (A, Hq), W_k (A, Hk), v (A,)
    query:  (B, Hq) one query per sequence, or (B, T, Hq) T queries per sequence
    keys:   (B, S, Hk) the encoder's states (also the values that are summed)
    mask:   (B, S) 1/True for a real position, 0/False for padding; None: all real
    Returns an AttentionTrace: .weights (B, [T,] S) and .context (B, [T,] Hk).
    """
    p, q, k, m = _inputs(params, query, keys, mask)
    single = q.ndim == 2
    q3 = q[:, None, :] if single else q
    kp = k @ p.W_k.T                                            # (B, S, A) W_k k_j, once per key
    qp = q3 @ p.W_q.T                                           # (B, T, A) W_q q, once per query
    u = np.add(qp[:, :, None, :], kp[:, None, :, :])            # (B, T, S, A)
    np.tanh(u, out=u)
    e = u @ p.v                                                 # (B, T, S) scores
    e = np.where(m[:, None, :], e, -np.inf)                     # padding: exp(-inf) = 0 below
    a = np.exp(e - e.max(axis=-1, keepdims=True))               # every row keeps a real position: max finite
    a /= a.sum(axis=-1, keepdims=True)
    ctx = a @ k                                                 # (B, T, Hk) sum_j a_j k_j
    if single:
        a, ctx, e = a[:, 0], ctx[:, 0], e[:, 0]
    return AttentionTrace(a, ctx, e, p, q3.copy(), k.copy(), m.copy(), u, single)


def additive_attention_backward(trace: AttentionTrace, dcontext, dweights=None) -> AttentionGradients:
    """Gradients of ``additive_attention``.

    trace:    the AttentionTrace it returned
    dcontext: dL/dcontext, shaped like trace.context
    dweights: dL/dweights, shaped like trace.weights, or None (the loss reads only the context)
    Returns AttentionGradients(params, query, keys).
    """
    if not isinstance(trace, AttentionTrace):
        raise TypeError(f"trace must be the AttentionTrace that additive_attention returned; "
                        f"got {_checks.describe(trace)}")
    p, dt = trace.params, trace.params.dtype
    dctx = _checks.array("dcontext", dcontext, shape=trace.context.shape, dtype=dt)
    a, k, u, q = trace.weights, trace.keys, trace.u, trace.query
    if trace.single:
        a, dctx = a[:, None], dctx[:, None]
    da = dctx @ k.transpose(0, 2, 1)                            # (B, T, S) k_j . dctx
    if dweights is not None:
        dw = _checks.array("dweights", dweights, shape=trace.weights.shape, dtype=dt)
        da = da + (dw[:, None] if trace.single else dw)
    dk = a.transpose(0, 2, 1) @ dctx                            # (B, S, Hk) sum over t of a_tj dctx_t
    de = a * (da - (a * da).sum(axis=-1, keepdims=True))        # softmax backward (0 at padding)
    A = p.attention_size
    dv = de.reshape(-1) @ u.reshape(-1, A)                      # sum of de_j u_j
    dp = u * u                                                  # (B, T, S, A), then in place:
    np.subtract(1.0, dp, out=dp)
    dp *= p.v
    dp *= de[..., None]                                         # de_j v (1 - u_j^2), through the tanh
    dkp = dp.sum(axis=1)                                        # (B, S, A) every query's share of key j
    dqp = dp.sum(axis=2)                                        # (B, T, A) every key's share of query t
    dW_k = dkp.reshape(-1, A).T @ k.reshape(-1, k.shape[-1])    # sum_j dp_j k_j^T
    dk += dkp @ p.W_k
    dW_q = dqp.reshape(-1, A).T @ q.reshape(-1, q.shape[-1])    # (sum_j dp_j) q^T
    dq = dqp @ p.W_q
    if trace.single:
        dq = dq[:, 0]
    return AttentionGradients(AttentionParams(dW_q, dW_k, dv), dq, dk)


# --- an encoder-decoder that attends ----------------------------------------------------------------

@dataclass
class AttentionOutput(Seq2SeqOutput):
    """What ``AttentionSeq2Seq.forward`` computed: a ``Seq2SeqOutput`` (logits (B, T, K), inputs,
    outputs, fed_true, the encoder's and decoder's traces, the read-out used) and:

    attention: the AttentionTrace of every decoder state over every encoder state;
    features:  (B, T, 2H) what the read-out read, [h_t; context_t]."""

    attention: AttentionTrace = None
    features: np.ndarray = None

    @property
    def weights(self) -> np.ndarray:
        """(B, T, L): how much output step t looked at input position j (each row sums to 1)."""
        return self.attention.weights


class AttentionSeq2Seq(Seq2Seq):
    """``seq2seq.Seq2Seq`` with additive attention from the decoder to every encoder state.

    Symbols as in ``seq2seq``: B batch, L source length, T = L + 1 output steps, H hidden size,
    K = n_digits + 1 output classes; A attention size (H when None).

        k_1..k_L   = the encoder's states over the source                  keys (B, L, H)
        h_1..h_T   = the decoder's states, as in Seq2Seq
        context_t  = additive_attention(query h_t, keys k_1..k_L)           (B, T, H)
        y_t        = W_hy [h_t; context_t] + b_y                            W_hy (K, 2H)

    The plain Seq2Seq must squeeze the whole source into the encoder's last state; here every
    output step can look back at every input position. (Bahdanau et al. 2015 feed the context
    into the decoder's next input; here it sits beside h_t before the read-out, as in Luong et al.
    2015, so that in training the decoder still runs as one ``lstm_forward``. The scores are
    Bahdanau's additive ones.)

    The encoder and decoder start from the same weights as ``Seq2Seq(n_digits, hidden_size,
    seed)``. ``params`` adds "attention.W_q", "attention.W_k", "attention.v"; ``start`` and ``step``
    keep the keys in the state, so ``seq2seq.train``, ``greedy_decode``, ``beam_search`` and
    ``sequence_accuracy`` work on this model unchanged.
    """

    def __init__(self, n_digits=8, hidden_size=48, attention_size=None, seed=0, dtype=np.float64):
        super().__init__(n_digits, hidden_size, seed, dtype)
        H, K = self.hidden_size, self.output_size
        A = H if attention_size is None else _checks.positive_int("attention_size", attention_size)
        s = [seed] if not isinstance(seed, (list, tuple)) else list(seed)
        self.attention = AttentionParams.init(H, H, A, seed=[*s, 3], dtype=self.dtype)
        bound = 1.0 / np.sqrt(2 * H)
        self.W_hy = np.random.default_rng([*s, 2]).uniform(-bound, bound, (K, 2 * H)).astype(self.dtype)
        self._params = {**{f"encoder.{k}": v for k, v in self.encoder.arrays().items()},
                        **{f"decoder.{k}": v for k, v in self.decoder.arrays().items()},
                        **{f"attention.{k}": v for k, v in self.attention.arrays().items()},
                        "W_hy": self.W_hy, "b_y": self.b_y}

    attention_size = property(lambda self: self.attention.attention_size)

    def __repr__(self):
        return (f"AttentionSeq2Seq(n_digits={self.n_digits}, hidden_size={self.hidden_size}, "
                f"attention_size={self.attention_size}, params={self.num_params}, dtype={self.dtype})")

    def forward(self, src, targets, teacher_forcing=1.0, seed=0) -> AttentionOutput:
        """Encode src (B, L), then decode T = L + 1 steps towards targets (B, L), attending.

        teacher_forcing and seed as in ``Seq2Seq.forward``: the probability of feeding the true
        previous token, and the draws that choose."""
        true_in, outputs, r, rng, enc = self._forward_inputs(src, targets, teacher_forcing, seed)
        B, T = true_in.shape
        fed_true = np.ones((B, T), bool)
        inputs = true_in
        if r < 1.0:                                     # step by step, to choose what each step is fed
            fed_true[:, 1:] = rng.random((B, T - 1)) < r
            inputs = true_in.copy()
            state = (enc.h_last, enc.c_last, enc.h)
            for t in range(T - 1):
                lp, state = self.step(inputs[:, t], state)
                inputs[:, t + 1] = np.where(fed_true[:, t + 1], true_in[:, t + 1], np.argmax(lp, axis=-1))
        dec = lstm_forward(self.decoder, self.one_hot(inputs), enc.h_last, enc.c_last)
        att = additive_attention(self.attention, dec.h, enc.h)          # every h_t queries every k_j
        feats = np.concatenate([dec.h, att.context], axis=-1)           # (B, T, 2H)
        logits = project(self.W_hy, self.b_y, feats)
        return AttentionOutput(logits, inputs, outputs, fed_true, enc, dec, self.W_hy.copy(), self.b_y.copy(),
                               att, feats)

    def backward(self, out: AttentionOutput, dlogits) -> dict:
        """Gradients of every parameter given dlogits = dL/dy (B, T, K); keys as ``params``."""
        if not isinstance(out, AttentionOutput) or out.W_hy.shape != self.W_hy.shape:
            raise TypeError(f"out must be the AttentionOutput that this model's forward returned; "
                            f"got {_checks.describe(out)}")
        dy = _checks.array("dlogits", dlogits, shape=out.logits.shape, dtype=self.dtype)
        H = self.hidden_size
        pg = project_backward(out.W_hy, out.b_y, out.features, dy)   # pg.h: dL/d[h_t; context_t]
        ga = additive_attention_backward(out.attention, pg.h[..., H:])
        dg = lstm_backward(out.decoder, pg.h[..., :H] + ga.query)          # h_t is read out and queries
        dh_enc = np.array(ga.keys)                                         # every encoder state is a key,
        dh_enc[:, -1] += dg.h0                                             # and the last one starts the decoder
        eg = lstm_backward(out.encoder, dh_enc, dc_last=dg.c0)
        grads = {**{f"encoder.{k}": v for k, v in eg.params.arrays().items()},
                 **{f"decoder.{k}": v for k, v in dg.params.arrays().items()},
                 **{f"attention.{k}": v for k, v in ga.params.arrays().items()}}
        grads["W_hy"], grads["b_y"] = pg.W_hy, pg.b_y
        return grads

    # --- decoding: start and step, as Seq2Seq's, with the keys in the state --------------------
    def start(self, src):
        """The decoder's first state for src (B, L): (h, c, keys), (B, H), (B, H), (B, L, H)."""
        enc = self.encode(src)
        return (enc.h_last, enc.c_last, np.ascontiguousarray(enc.h))

    def step(self, tok, state):
        """One decoder step: tokens (N,) and state (h, c, keys) -> (log-probabilities (N, K), new state)."""
        lp, state, _ = self._step(tok, state)
        return lp, state

    def _step(self, tok, state):
        h, c, keys = state
        st = lstm_step(self.decoder, self.one_hot(tok), h, c)
        at = additive_attention(self.attention, st.h, keys)
        y = project(self.W_hy, self.b_y, np.concatenate([st.h, at.context], axis=-1))
        y = y - y.max(axis=-1, keepdims=True)
        return y - np.log(np.exp(y).sum(axis=-1, keepdims=True)), (st.h, st.c, keys), at.weights

    def attend(self, src, steps=None):
        """Greedy decoding that also returns where each step looked.

        src: (B, L) digits; steps: output steps (default L + 1).
        Returns (tokens (B, steps), weights (B, steps, L)): weights[b, t, j] is how much output
        step t read input position j."""
        src = check_digits("src", src, self.n_digits)
        steps = src.shape[1] + 1 if steps is None else _checks.positive_int("steps", steps)
        state = self.start(src)
        B, L = src.shape
        tok = np.full(B, self.bos)
        out = np.empty((B, steps), np.int64)
        weights = np.empty((B, steps, L), self.dtype)
        for t in range(steps):
            lp, state, weights[:, t] = self._step(tok, state)
            tok = np.argmax(lp, axis=-1)
            out[:, t] = tok
        return out, weights
