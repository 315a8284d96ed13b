"""A recurrent cell plus a linear read-out: the model every training notebook uses.

    h_1..h_T = cell(x_1..x_T)            (B, T, D) -> (B, T, H), kinds "lstm", "rnn", and the
                                         variants "peephole", "coupled", "gru" when present
    y_t      = W_hy h_t + b_y            (B, T, H) -> (B, T, K)

Inputs are floats (B, T, D), or integer symbols (B, T) that are one-hot encoded to D = input_size.
A loss can read every step (``at="all"``: language models, many-to-many) or only the last one
(``at="last"``: classification of a whole sequence, many-to-one).

The model's ``params`` is a dict of its live arrays ("cell.weight_x", ..., "W_hy", "b_y"); the
gradients from ``backward`` use the same keys, so optimisers (``lstm_core.optim``) work on both.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import _checks
from .losses import mean_squared_error, softmax_cross_entropy
from .output import project, project_backward
from .params import LSTMParams, RNNParams
from .rnn import rnn_backward, rnn_forward
from .sequence import lstm_backward, lstm_forward

# kind -> (params class, forward, backward, names of the initial states forward takes)
CELLS = {
    "lstm": (LSTMParams, lstm_forward, lstm_backward, ("h0", "c0")),
    "rnn": (RNNParams, rnn_forward, rnn_backward, ("h0",)),
}


def _register_variants():
    try:
        from . import variants as V
    except ImportError:        # the variants module is optional while it is being written
        return
    for kind, cls, fwd, bwd, states in (
        ("peephole", "PeepholeParams", "peephole_forward", "peephole_backward", ("h0", "c0")),
        ("coupled", "CoupledParams", "coupled_forward", "coupled_backward", ("h0", "c0")),
        ("gru", "GRUParams", "gru_forward", "gru_backward", ("h0",)),
    ):
        if all(hasattr(V, n) for n in (cls, fwd, bwd)):
            CELLS[kind] = (getattr(V, cls), getattr(V, fwd), getattr(V, bwd), states)


_register_variants()


def one_hot(symbols, n) -> np.ndarray:
    """Integer symbols (...) -> float64 one-hot vectors (..., n)."""
    n = _checks.positive_int("n", n)
    s = np.asarray(symbols)
    if s.dtype.kind not in "iu":
        raise TypeError(f"symbols must be integers; got {_checks.describe(symbols)}")
    if s.size and (s.min() < 0 or s.max() >= n):
        raise ValueError(f"symbols must lie in [0, {n - 1}]; got values from {s.min()} to {s.max()}")
    out = np.zeros(s.shape + (n,))
    np.put_along_axis(out, s[..., None], 1.0, axis=-1)
    return out


@dataclass
class ModelOutput:
    """What ``SequenceModel.forward`` computed: y (B, T, K) and the cell's trace."""

    y: np.ndarray
    trace: object
    at: str

    @property
    def state(self) -> dict:
        """The final states, as keyword arguments for the next ``forward`` (h0=..., c0=...)."""
        st = {"h0": self.trace.h_last}
        if hasattr(self.trace, "c_last"):
            st["c0"] = self.trace.c_last
        return st


class SequenceModel:
    """kind: "lstm" | "rnn" (| "peephole" | "coupled" | "gru"); sizes D -> H -> K.

    SequenceModel("lstm", input_size=4, hidden_size=16, output_size=4, seed=0)
    """

    def __init__(self, kind, input_size, hidden_size, output_size, seed=0, dtype=np.float64,
                 *, cell=None, W_hy=None, b_y=None):
        _checks.choice("kind", kind, tuple(CELLS))
        D = _checks.positive_int("input_size", input_size)
        H = _checks.positive_int("hidden_size", hidden_size)
        K = _checks.positive_int("output_size", output_size)
        dt = _checks.float_dtype("dtype", dtype)
        cls = CELLS[kind][0]
        self.kind = kind
        if cell is None:
            cell = cls.init(D, H, seed=seed, dtype=dt)
        elif not isinstance(cell, cls) or (cell.input_size, cell.hidden_size) != (D, H):
            raise ValueError(f"cell must be a {cls.__name__} with input size {D} and hidden size {H}; "
                             f"got {cell!r}")
        self.cell = cell
        dt = cell.dtype
        if W_hy is None:
            rng = np.random.default_rng([seed, 1])
            bound = 1.0 / np.sqrt(H)
            W_hy = rng.uniform(-bound, bound, (K, H)).astype(dt)
            b_y = np.zeros(K, dt)
        self.W_hy = np.ascontiguousarray(_checks.array("W_hy", W_hy, shape=(K, H), dtype=dt))
        self.b_y = np.ascontiguousarray(_checks.array("b_y", b_y, shape=(K,), dtype=dt))
        self._params = {**{f"cell.{k}": v for k, v in cell.arrays().items()}, "W_hy": self.W_hy, "b_y": self.b_y}

    # --- sizes and parameters -------------------------------------------------------------
    input_size = property(lambda self: self.cell.input_size)
    hidden_size = property(lambda self: self.cell.hidden_size)
    output_size = property(lambda self: self.W_hy.shape[0])
    dtype = property(lambda self: self.cell.dtype)

    @property
    def params(self) -> dict:
        """name -> live parameter array (optimisers update these in place)."""
        return self._params

    @property
    def num_params(self) -> int:
        return sum(a.size for a in self._params.values())

    def __repr__(self):
        return (f"SequenceModel({self.kind!r}, input_size={self.input_size}, hidden_size={self.hidden_size}, "
                f"output_size={self.output_size}, params={self.num_params}, dtype={self.dtype})")

    # --- forward and backward ---------------------------------------------------------------
    def inputs(self, xs) -> np.ndarray:
        """xs as floats (B, T, D): integer symbols (B, T) are one-hot encoded."""
        a = np.asarray(xs)
        if a.dtype.kind in "iu":
            if a.ndim != 2:
                raise ValueError(f"xs of integer symbols must have shape (B, T); got {a.shape}")
            return one_hot(a, self.input_size).astype(self.dtype, copy=False)
        return a

    def forward(self, xs, at="all", **state) -> ModelOutput:
        """Run the cell over xs (B, T, D) or symbols (B, T), then the read-out.

        at="all": y (B, T, K) for every step; at="last": y (B, K) for the last step only.
        state: h0=..., c0=... (B, H) initial states (zeros when absent)."""
        _checks.choice("at", at, ("all", "last"))
        names = CELLS[self.kind][3]
        for k in state:
            if k not in names:
                raise ValueError(f"a {self.kind} takes initial states {names}; got {k!r}")
        trace = CELLS[self.kind][1](self.cell, self.inputs(xs), **state)
        h = trace.h if at == "all" else trace.h_last
        return ModelOutput(project(self.W_hy, self.b_y, h), trace, at)

    def backward(self, out: ModelOutput, dy) -> dict:
        """Gradients of every parameter given dy = dL/dy (shaped like out.y)."""
        if not isinstance(out, ModelOutput):
            raise TypeError(f"out must be the ModelOutput that forward returned; got {_checks.describe(out)}")
        tr = out.trace
        h = tr.h if out.at == "all" else tr.h_last
        pg = project_backward(self.W_hy, self.b_y, h, dy)
        if out.at == "all":
            dh = pg.h
        else:
            dh = np.zeros(tr.h.shape, self.dtype)
            dh[:, -1] = pg.h
        cg = CELLS[self.kind][2](tr, dh)
        grads = {f"cell.{k}": v for k, v in cg.params.arrays().items()}
        grads["W_hy"], grads["b_y"] = pg.W_hy, pg.b_y
        return grads

    def loss_and_grads(self, xs, targets, loss="ce", at="all", mask=None):
        """(loss value, gradient dict) for one batch.

        loss="ce": softmax cross-entropy, targets are integer classes (B, T) or (B,) for at="last";
        loss="mse": mean squared error, targets shaped like y."""
        _checks.choice("loss", loss, ("ce", "mse"))
        out = self.forward(xs, at=at)
        if loss == "ce":
            L = softmax_cross_entropy(out.y, targets, mask)
        else:
            if mask is not None:
                raise ValueError("mask is only supported with loss='ce'")
            L = mean_squared_error(out.y, targets)
        return L.value, self.backward(out, L.grad)

    def predict(self, xs, at="last") -> np.ndarray:
        """The read-out y: (B, K) for at="last", (B, T, K) for at="all"."""
        return self.forward(xs, at=at).y

    # --- saving ------------------------------------------------------------------------------
    def save(self, path, dtype=None):
        """Write kind and every parameter to an .npz file (optionally cast, e.g. to float32)."""
        dt = self.dtype if dtype is None else _checks.float_dtype("dtype", dtype)
        np.savez(path, kind=np.array(self.kind), **{k: v.astype(dt) for k, v in self._params.items()})

    @classmethod
    def load(cls, path, dtype=None) -> "SequenceModel":
        """A model from a file written by ``save``; dtype casts the arrays (default: as stored)."""
        with np.load(path, allow_pickle=False) as z:
            if "kind" not in z.files:
                raise ValueError(f"{path} is not a SequenceModel file (no 'kind' entry); it has {z.files}")
            kind = str(z["kind"])
            arrays = {k: z[k] for k in z.files if k != "kind"}
        if kind not in CELLS:
            raise ValueError(f"{path} holds a {kind!r} model; known kinds are {tuple(CELLS)}")
        if dtype is not None:
            dt = _checks.float_dtype("dtype", dtype)
            arrays = {k: v.astype(dt) for k, v in arrays.items()}
        pcls = CELLS[kind][0]
        cell = pcls(**{k[5:]: v for k, v in arrays.items() if k.startswith("cell.")})
        W = arrays["W_hy"]
        return cls(kind, cell.input_size, cell.hidden_size, W.shape[0], cell=cell, W_hy=W, b_y=arrays["b_y"])
