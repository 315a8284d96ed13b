"""Deep and two-way LSTMs: layers stacked, and a layer read in both directions.

Symbols: B = batch size, T = padded length, D = input size, H = hidden size per direction,
N = number of layers, E = embedding size, V = vocabulary size, K = number of classes.

Stacked (N layers): layer 1 reads the inputs, layer n reads the hidden states of layer n - 1,
and the last layer's states are the output:

    h^1_t = LSTM_1(x_t, h^1_{t-1}),   h^n_t = LSTM_n(h^{n-1}_t, h^n_{t-1})      (n = 2 .. N)

Bidirectional: one LSTM reads the sequence forwards, a second, with its own weights, reads it
backwards, and each step's output is the two states side by side, so it knows the past and the
future of that step:

    ->h_t = LSTM_fwd(x_t, ->h_{t-1}),   <-h_t = LSTM_bwd(x_t, <-h_{t+1}),   h_t = [->h_t ; <-h_t]   (2H)

With padding the backward reader must start at each sequence's own end, not at T. Reversing the
whole padded time axis puts the padding first; the masked layer (``masking.py``) keeps its state
at zero through it and so starts each sequence fresh at its last real step. PyTorch does the same
with ``pack_padded_sequence`` (tests/test_layers.py compares the two).

The backward passes run the same structure in reverse: a layer's input gradient is the gradient
of the layer below's output; a bidirectional layer splits its output gradient into the two
halves, and its input gradient is the sum of what the two readers send back.

``TaggerModel`` puts an embedding, N (bidirectional) layers and a read-out per step together:
one class per step, the loss averaged over real steps only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import _checks
from .embedding import check_ids, embedding_backward, embedding_forward, init_embedding
from .losses import softmax_cross_entropy
from .masking import MaskedTrace, check_mask, masked_lstm_backward, masked_lstm_forward
from .output import project, project_backward
from .params import LSTMParams


def _check_layers(layers, bidirectional):
    """A non-empty list of LSTMParams (one-way) or of (forward, backward) pairs; input sizes chained."""
    if isinstance(layers, LSTMParams) or not isinstance(layers, (list, tuple)) or len(layers) == 0:
        kind = "(forward, backward) pairs of LSTMParams" if bidirectional else "LSTMParams"
        raise TypeError(f"layers must be a non-empty list of {kind}; got {_checks.describe(layers)}")
    for n, layer in enumerate(layers):
        parts = layer if bidirectional else (layer,)
        if bidirectional and (not isinstance(layer, (list, tuple)) or len(layer) != 2):
            raise TypeError(f"layers[{n}] must be a (forward, backward) pair of LSTMParams; got {_checks.describe(layer)}")
        for p in parts:
            if not isinstance(p, LSTMParams):
                raise TypeError(f"layers[{n}] must hold LSTMParams; got {_checks.describe(p)}")
        if bidirectional and layer[0].hidden_size != layer[1].hidden_size:
            raise ValueError(f"layers[{n}]: both directions must have the same hidden size; got "
                             f"{layer[0].hidden_size} and {layer[1].hidden_size}")
        if bidirectional and layer[0].input_size != layer[1].input_size:
            raise ValueError(f"layers[{n}]: both directions must read the same input size; got "
                             f"{layer[0].input_size} and {layer[1].input_size}")
        if n > 0:
            below = layers[n - 1][0] if bidirectional else layers[n - 1]
            want = below.hidden_size * (2 if bidirectional else 1)
            if parts[0].input_size != want:
                raise ValueError(f"layers[{n}] must read the {want} features layer {n - 1} gives out; its "
                                 f"input size is {parts[0].input_size}")


def init_layers(input_size, hidden_size, num_layers=1, bidirectional=False, seed=0, dtype=np.float64):
    """Fresh layers for ``stacked_forward``: a list of LSTMParams, or of (forward, backward) pairs."""
    D = _checks.positive_int("input_size", input_size)
    H = _checks.positive_int("hidden_size", hidden_size)
    N = _checks.positive_int("num_layers", num_layers)
    bidirectional = _checks.flag("bidirectional", bidirectional)
    dtype = _checks.float_dtype("dtype", dtype)
    rng = _checks.seed("seed", seed)
    layers = []
    for n in range(N):
        d = D if n == 0 else H * (2 if bidirectional else 1)
        if bidirectional:
            layers.append((LSTMParams.init(d, H, seed=rng, dtype=dtype), LSTMParams.init(d, H, seed=rng, dtype=dtype)))
        else:
            layers.append(LSTMParams.init(d, H, seed=rng, dtype=dtype))
    return layers


# --- one bidirectional layer ---------------------------------------------------------------------

@dataclass
class BidirectionalTrace:
    """forward: the MaskedTrace of the forward reader; backward: that of the backward reader, in
    reversed time; h (B, T, 2H): [->h_t ; <-h_t] at each step, in the original time order."""

    forward: MaskedTrace
    backward: MaskedTrace
    h: np.ndarray


def bidirectional_forward(fwd: LSTMParams, bwd: LSTMParams, xs, mask=None, **dropout) -> BidirectionalTrace:
    """One bidirectional layer.

    fwd, bwd: LSTMParams (D -> H) of the forward and backward readers
    xs:       (B, T, D)
    mask:     (B, T) or None
    dropout:  x_scale, h_scale, zoneout as in ``masked_lstm_forward``, each given as a
              (forward, backward) pair in the original time order (or omitted)
    Returns a BidirectionalTrace; trace.h is (B, T, 2H).
    """
    if not isinstance(fwd, LSTMParams) or not isinstance(bwd, LSTMParams):
        raise TypeError(f"fwd and bwd must be LSTMParams; got {_checks.describe(fwd)} and {_checks.describe(bwd)}")
    if (fwd.input_size, fwd.hidden_size, fwd.dtype) != (bwd.input_size, bwd.hidden_size, bwd.dtype):
        raise ValueError(f"fwd and bwd must have the same input size, hidden size and dtype; got {fwd!r} and {bwd!r}")
    xs_a = _checks.array("xs", xs, ndim=3, dtype=fwd.dtype)
    rev = None if mask is None else check_mask(mask, *xs_a.shape[:2], fwd.dtype)[:, ::-1]
    kw_f = {k: v[0] for k, v in dropout.items() if v is not None}
    kw_b = {k: v[1][:, ::-1] for k, v in dropout.items() if v is not None}
    tf = masked_lstm_forward(fwd, xs_a, mask, **kw_f)
    tb = masked_lstm_forward(bwd, xs_a[:, ::-1], rev, **kw_b)           # read from the end
    return BidirectionalTrace(tf, tb, np.concatenate([tf.h, tb.h[:, ::-1]], axis=2))


def bidirectional_backward(trace: BidirectionalTrace, dh):
    """(LSTMGradients of fwd, LSTMGradients of bwd, dxs (B, T, D)) from dh (B, T, 2H)."""
    if not isinstance(trace, BidirectionalTrace):
        raise TypeError(f"trace must be the BidirectionalTrace that bidirectional_forward returned; "
                        f"got {_checks.describe(trace)}")
    H = trace.forward.params.hidden_size
    dh = _checks.array("dh", dh, shape=trace.h.shape, dtype=trace.h.dtype)
    gf = masked_lstm_backward(trace.forward, dh[:, :, :H])
    gb = masked_lstm_backward(trace.backward, dh[:, ::-1, H:])
    return gf.params, gb.params, gf.xs + gb.xs[:, ::-1]


# --- a stack of layers ---------------------------------------------------------------------------

@dataclass
class StackedTrace:
    """traces: one per layer (MaskedTrace, or BidirectionalTrace); h (B, T, H or 2H): the top
    layer's output; bidirectional: whether the layers are pairs."""

    traces: list
    h: np.ndarray
    bidirectional: bool


@dataclass
class StackedGradients:
    """layers: per layer an LSTMGradients (or a (forward, backward) pair of them); xs (B, T, D)."""

    layers: list
    xs: np.ndarray


def stacked_forward(layers, xs, mask=None, bidirectional=False, between=None) -> StackedTrace:
    """N LSTM layers, each reading the one below (all initial states zero).

    layers:        a list of LSTMParams, or of (forward, backward) pairs when ``bidirectional``;
                   layer n's input size is layer n-1's hidden size (twice that, bidirectional)
    xs:            (B, T, D)
    mask:          (B, T) or None
    between:       optional list of N-1 multipliers (B, T, H or 2H) applied to each layer's output
                   before the next layer reads it (dropout between layers); None: none
    Returns a StackedTrace; trace.h is (B, T, H) or (B, T, 2H).
    """
    bidirectional = _checks.flag("bidirectional", bidirectional)
    _check_layers(layers, bidirectional)
    if between is not None and (not isinstance(between, (list, tuple)) or len(between) != len(layers) - 1):
        raise ValueError(f"between must be None or a list of {len(layers) - 1} multipliers (one per gap between "
                         f"layers); got {_checks.describe(between)}")
    traces, h = [], xs
    for n, layer in enumerate(layers):
        if n > 0 and between is not None:
            h = h * _checks.array(f"between[{n - 1}]", between[n - 1], shape=h.shape, dtype=h.dtype)
        tr = bidirectional_forward(*layer, h, mask) if bidirectional else masked_lstm_forward(layer, h, mask)
        traces.append(tr)
        h = tr.h
    return StackedTrace(traces, h, bool(bidirectional))


def stacked_backward(trace: StackedTrace, dh, between=None) -> StackedGradients:
    """Gradients of every layer and of the inputs, from dh (B, T, H or 2H) at the top layer.
    ``between``: the same multipliers the forward pass used."""
    if not isinstance(trace, StackedTrace):
        raise TypeError(f"trace must be the StackedTrace that stacked_forward returned; got {_checks.describe(trace)}")
    d = _checks.array("dh", dh, shape=trace.h.shape, dtype=trace.h.dtype)
    grads = []
    for n in range(len(trace.traces) - 1, -1, -1):
        tr = trace.traces[n]
        if trace.bidirectional:
            gf, gb, d = bidirectional_backward(tr, d)
            grads.append((gf, gb))
        else:
            g = masked_lstm_backward(tr, d)
            grads.append(g.params)
            d = g.xs
        if n > 0 and between is not None:
            d = d * between[n - 1]
    return StackedGradients(grads[::-1], d)


# --- a tagger: embedding, layers, read-out at every step ----------------------------------------

@dataclass
class TaggerOutput:
    """What ``TaggerModel.forward`` computed: logits y (B, T, K), and what backward needs."""

    y: np.ndarray
    ids: np.ndarray
    mask: np.ndarray
    trace: StackedTrace


class TaggerModel:
    """Embedding (V, E) -> N LSTM layers (one-way or bidirectional, hidden H) -> read-out to K
    classes at every step. ``params`` is a dict of the live arrays, for ``lstm_core.optim``.

    dropout: None, or (kind, p) with kind "naive" (a fresh mask at every step), "variational"
    (one mask per sequence, the same at every step) or "zoneout" (each unit keeps its previous
    state with probability p); see ``dropout.py``. Applied only when ``forward(train=True)``.
    """

    def __init__(self, vocab_size, embed_size, hidden_size, num_classes, num_layers=1, bidirectional=False,
                 seed=0, dropout=None, dtype=np.float64):
        from .dropout import check_dropout
        V = _checks.positive_int("vocab_size", vocab_size)
        E = _checks.positive_int("embed_size", embed_size)
        H = _checks.positive_int("hidden_size", hidden_size)
        K = _checks.positive_int("num_classes", num_classes)
        self.dropout = check_dropout(dropout)
        self.bidirectional = _checks.flag("bidirectional", bidirectional)
        dtype = _checks.float_dtype("dtype", dtype)
        rng = _checks.seed("seed", seed)
        self.table = init_embedding(V, E, seed=rng, dtype=dtype)
        self.layers = init_layers(E, H, num_layers, self.bidirectional, seed=rng, dtype=dtype)
        width = H * (2 if self.bidirectional else 1)
        bound = 1.0 / np.sqrt(width)
        self.W_hy = rng.uniform(-bound, bound, (K, width)).astype(dtype)
        self.b_y = np.zeros(K, dtype)
        self._params = {"embedding": self.table, "W_hy": self.W_hy, "b_y": self.b_y}
        for n, layer in enumerate(self.layers):
            for tag, p in (zip(("fwd", "bwd"), layer) if self.bidirectional else (("", layer),)):
                for k, v in p.arrays().items():
                    self._params[f"layer{n}{'.' + tag if tag else ''}.{k}"] = v
        self.rng = np.random.default_rng(rng.integers(2 ** 32))      # dropout masks in training

    vocab_size = property(lambda self: self.table.shape[0])
    params = property(lambda self: self._params, doc="name -> live parameter array")
    num_params = property(lambda self: sum(a.size for a in self._params.values()))

    def __repr__(self):
        return (f"TaggerModel(vocab={self.vocab_size}, layers={len(self.layers)}, bidirectional={self.bidirectional}, "
                f"params={self.num_params})")

    def forward(self, ids, mask=None, train=False) -> TaggerOutput:
        """ids (B, T) -> logits (B, T, K). train=True draws dropout masks (when the model has dropout)."""
        from .dropout import dropout_noise
        train = _checks.flag("train", train)
        i = check_ids("ids", ids, self.vocab_size, "vocab_size")
        if i.ndim != 2:
            raise ValueError(f"ids must have shape (B, T); got {i.shape}")
        B, T = i.shape
        m = None if mask is None else check_mask(mask, B, T, self.table.dtype)
        x = embedding_forward(self.table, i)
        noise = [{}] * len(self.layers)
        if self.dropout is not None:
            noise = dropout_noise(self.dropout[0], self.dropout[1], self.layers, B, T, self.rng, train=train)
        traces, h = [], x
        for layer, kw in zip(self.layers, noise):
            tr = bidirectional_forward(*layer, h, m, **kw) if self.bidirectional else masked_lstm_forward(layer, h, m, **kw)
            traces.append(tr)
            h = tr.h
        trace = StackedTrace(traces, h, self.bidirectional)
        return TaggerOutput(project(self.W_hy, self.b_y, h), i, m, trace)

    def loss_and_grads(self, ids, targets, mask=None, train=True):
        """(mean cross-entropy over the real steps, gradient dict) for one batch."""
        out = self.forward(ids, mask, train=train)
        t = check_ids("targets", targets, self.W_hy.shape[0], "num_classes")
        if t.shape != out.ids.shape:
            raise ValueError(f"targets must have the shape of ids {out.ids.shape}; got {t.shape}")
        loss = softmax_cross_entropy(out.y, t, out.mask)
        pg = project_backward(self.W_hy, self.b_y, out.trace.h, loss.grad)
        sg = stacked_backward(out.trace, pg.h)          # the traces keep the dropout multipliers they used
        grads = {"embedding": embedding_backward(out.ids, sg.xs, self.vocab_size), "W_hy": pg.W_hy, "b_y": pg.b_y}
        for n, g in enumerate(sg.layers):
            for tag, gp in (zip(("fwd", "bwd"), g) if self.bidirectional else (("", g),)):
                for k, v in gp.arrays().items():
                    grads[f"layer{n}{'.' + tag if tag else ''}.{k}"] = v
        return loss.value, grads

    def predict(self, ids, mask=None) -> np.ndarray:
        """The class picked at every step, (B, T) (no dropout; zoneout at its expectation)."""
        return np.argmax(self.forward(ids, mask).y, axis=-1)

    def accuracy(self, ids, targets, mask=None) -> float:
        """The fraction of real steps (all steps when mask is None) tagged right."""
        pred = self.predict(ids, mask)
        t = check_ids("targets", targets, self.W_hy.shape[0], "num_classes")
        if t.shape != pred.shape:
            raise ValueError(f"targets must have the shape of ids {pred.shape}; got {t.shape}")
        right = (pred == t).astype(float)
        if mask is None:
            return float(right.mean())
        m = check_mask(mask, *right.shape)
        return float((right * m).sum() / m.sum())

