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
from .losses import softmax_cross_entropy
from .models import _one_hot
from .params import LSTMParams
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
class Seq2SeqOutput:
    """What ``AttentionSeq2Seq.forward`` computed: logits (B, T, K) and what backward needs.

    weights: (B, T, S) the attention weights of every output step (None without attention)."""

    logits: np.ndarray
    weights: np.ndarray
    encoder: object           # LSTMTrace over the source
    decoder: object           # LSTMTrace over the decoder inputs
    attention: object         # AttentionTrace, or None
    features: np.ndarray      # (B, T, H) or (B, T, 2H): what the read-out reads, [h_t] or [h_t; context_t]
    W_y: np.ndarray           # copies of the read-out this output was made with
    b_y: np.ndarray


class AttentionSeq2Seq:
    """An LSTM encoder, an LSTM decoder, and (when ``attention``) additive attention between them.

    Symbols: B batch, S source length, T target length, V source symbols, K target symbols,
    H hidden size (encoder and decoder), A attention size.

        k_1..k_S   = encoder LSTM over one-hot source symbols              keys (B, S, H)
        h_1..h_T   = decoder LSTM over [start, y_1 .. y_{T-1}] one-hot      (teacher forcing),
                     starting from the encoder's last (h, c)
        context_t  = additive_attention(query h_t, keys)                    (B, T, H)
        logits_t   = W_y [h_t; context_t] + b_y                             (B, T, K)

    With ``attention=False`` the read-out sees h_t only: the plain encoder-decoder, whose whole
    memory of the source is the encoder's last state. (Bahdanau et al. feed the context into
    the decoder's next input; here it sits beside h_t before the read-out, as in Luong et al.
    2015, so the decoder runs as one fast ``lstm_forward`` in training. The scores are
    Bahdanau's additive ones either way.)

    Every batch holds sequences of one length S (no padding), so the encoder's last step is every
    sequence's last symbol. The start symbol is K (the decoder's inputs have K + 1 symbols).
    ``params`` is a dict of the live arrays ("enc.weight_x", ..., "att.W_q", ..., "W_y", "b_y")
    and ``loss_and_grads`` has ``fit``'s signature, so ``lstm_core.fit`` trains it.
    """

    def __init__(self, n_source, n_target, hidden_size, attention_size=None, attention=True, seed=0,
                 dtype=np.float64):
        V = _checks.positive_int("n_source", n_source)
        K = _checks.positive_int("n_target", n_target)
        H = _checks.positive_int("hidden_size", hidden_size)
        A = H if attention_size is None else _checks.positive_int("attention_size", attention_size)
        if not isinstance(attention, (bool, np.bool_)):
            raise TypeError(f"attention must be True or False; got {_checks.describe(attention)}")
        dt = _checks.float_dtype("dtype", dtype)
        _checks.seed("seed", seed, generator=False)
        s = [seed] if not isinstance(seed, (list, tuple)) else list(seed)
        self.attention = bool(attention)
        self.n_source, self.n_target = V, K
        self.encoder = LSTMParams.init(V, H, seed=[*s, 0], dtype=dt)
        self.decoder = LSTMParams.init(K + 1, H, seed=[*s, 1], dtype=dt)
        self.att = AttentionParams.init(H, H, A, seed=[*s, 2], dtype=dt) if self.attention else None
        F = 2 * H if self.attention else H
        rng = np.random.default_rng([*s, 3])
        self.W_y = rng.uniform(-1, 1, (K, F)).astype(dt) / np.sqrt(F)
        self.b_y = np.zeros(K, dt)
        self._params = {**{f"enc.{k}": v for k, v in self.encoder.arrays().items()},
                        **{f"dec.{k}": v for k, v in self.decoder.arrays().items()},
                        **({f"att.{k}": v for k, v in self.att.arrays().items()} if self.attention else {}),
                        "W_y": self.W_y, "b_y": self.b_y}

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
        return (f"AttentionSeq2Seq(n_source={self.n_source}, n_target={self.n_target}, hidden_size={self.hidden_size}, "
                f"attention={self.attention}, params={self.num_params})")

    def _symbols(self, name, xs, n, ndim=2):
        a = _checks.as_ndarray(name, xs)
        if a.dtype.kind not in "iu":
            raise TypeError(f"{name} must be integer symbols, shape (B, length); got {_checks.describe(xs)}")
        if a.ndim != ndim or 0 in a.shape:
            raise ValueError(f"{name} must have shape (B, length) with B, length >= 1; got {a.shape}")
        return a, _one_hot(name, a, n).astype(self.dtype, copy=False)

    def _encode(self, source):
        _, x = self._symbols("source", source, self.n_source)
        return lstm_forward(self.encoder, x)

    def decoder_inputs(self, targets) -> np.ndarray:
        """[start, y_1 .. y_{T-1}] (B, T): the targets shifted right, the start symbol K in front."""
        t, _ = self._symbols("targets", targets, self.n_target)
        return np.concatenate([np.full((t.shape[0], 1), self.n_target), t[:, :-1]], axis=1)

    def forward(self, source, targets) -> Seq2SeqOutput:
        """Teacher forcing: source (B, S) and targets (B, T) integer symbols -> Seq2SeqOutput."""
        enc = self._encode(source)
        dec_in = self.decoder_inputs(targets)
        if dec_in.shape[0] != enc.xs.shape[0]:
            raise ValueError(f"targets must have one row per source row ({enc.xs.shape[0]}); got {dec_in.shape[0]}")
        _, x = self._symbols("targets", dec_in, self.n_target + 1)
        dec = lstm_forward(self.decoder, x, h0=enc.h_last, c0=enc.c_last)
        att, weights, feats = None, None, dec.h
        if self.attention:
            att = additive_attention(self.att, dec.h, enc.h)
            weights = att.weights
            feats = np.concatenate([dec.h, att.context], axis=-1)
        logits = feats @ self.W_y.T + self.b_y
        return Seq2SeqOutput(logits, weights, enc, dec, att, feats, self.W_y.copy(), self.b_y.copy())

    def backward(self, out: Seq2SeqOutput, dlogits) -> dict:
        """Gradients of every parameter given dlogits = dL/dlogits (B, T, K)."""
        if not isinstance(out, Seq2SeqOutput) or out.W_y.shape != self.W_y.shape:
            raise TypeError(f"out must be the Seq2SeqOutput this model's forward returned; got {_checks.describe(out)}")
        dy = _checks.array("dlogits", dlogits, shape=out.logits.shape, dtype=self.dtype)
        H = self.hidden_size
        B, T, K = dy.shape
        grads = {"W_y": dy.reshape(-1, K).T @ out.features.reshape(B * T, -1), "b_y": dy.sum(axis=(0, 1))}
        dfeat = dy @ out.W_y                                        # (B, T, F)
        dh_dec = dfeat[..., :H]
        dkeys = np.zeros_like(out.encoder.h)
        if self.attention:
            ga = additive_attention_backward(out.attention, dfeat[..., H:])
            dh_dec = dh_dec + ga.query                              # h_t is also the query
            dkeys = ga.keys                                         # every encoder state is a key
            grads.update({f"att.{k}": v for k, v in ga.params.arrays().items()})
        gd = lstm_backward(out.decoder, dh_dec)
        dh_enc = np.array(dkeys)
        dh_enc[:, -1] += gd.h0                                      # the decoder started from (h_S, c_S)
        ge = lstm_backward(out.encoder, dh_enc, dc_last=gd.c0)
        grads.update({f"enc.{k}": v for k, v in ge.params.arrays().items()})
        grads.update({f"dec.{k}": v for k, v in gd.params.arrays().items()})
        return {k: grads[k] for k in self._params}

    def loss_and_grads(self, source, targets, loss="ce", at="all"):
        """(mean cross-entropy over every output step, gradient dict): ``fit``'s interface.

        source (B, S) and targets (B, T) integer symbols; loss must be "ce" and at "all"."""
        _checks.choice("loss", loss, ("ce",))
        _checks.choice("at", at, ("all",))
        out = self.forward(source, targets)
        value, dy = softmax_cross_entropy(out.logits, np.asarray(targets))
        return value, self.backward(out, dy)

    def greedy(self, source, length=None):
        """Decode without teacher forcing: each step reads the symbol the model chose before.

        source: (B, S) integer symbols; length: output steps (default S).
        Returns (symbols (B, length) int, weights (B, length, S) or None)."""
        enc = self._encode(source)
        B, S = enc.xs.shape[:2]
        T = S if length is None else _checks.positive_int("length", length)
        h, c = enc.h_last, enc.c_last
        prev = np.full(B, self.n_target)
        out = np.empty((B, T), int)
        weights = np.zeros((B, T, S), self.dtype) if self.attention else None
        eye = np.eye(self.n_target + 1, dtype=self.dtype)
        for t in range(T):
            st = lstm_step(self.decoder, eye[prev], h, c)
            h, c = st.h, st.c
            feats = h
            if self.attention:
                at = additive_attention(self.att, h, enc.h)
                weights[:, t] = at.weights
                feats = np.concatenate([h, at.context], axis=-1)
            prev = np.argmax(feats @ self.W_y.T + self.b_y, axis=-1)
            out[:, t] = prev
        return out, weights
