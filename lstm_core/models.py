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

from dataclasses import dataclass, fields
from pathlib import Path

import numpy as np

from . import _checks
from .losses import mean_squared_error, softmax_cross_entropy
from .output import project, project_backward
from .params import LSTMParams, RNNParams
from .rnn import RNNTrace, rnn_backward, rnn_forward
from .sequence import LSTMTrace, lstm_backward, lstm_forward

# kind -> (params class, forward, backward, names of the initial states forward takes, trace class)
CELLS = {
    "lstm": (LSTMParams, lstm_forward, lstm_backward, ("h0", "c0"), LSTMTrace),
    "rnn": (RNNParams, rnn_forward, rnn_backward, ("h0",), RNNTrace),
}


def _register_variants():
    try:
        from . import variants as V
    except ImportError:        # the variants module is optional while it is being written
        return
    for kind, cls, fwd, bwd, states, trace in (
        ("peephole", "PeepholeParams", "peephole_forward", "peephole_backward", ("h0", "c0"), "PeepholeTrace"),
        ("coupled", "CoupledParams", "coupled_forward", "coupled_backward", ("h0", "c0"), "CoupledTrace"),
        ("gru", "GRUParams", "gru_forward", "gru_backward", ("h0",), "GRUTrace"),
    ):
        if all(hasattr(V, n) for n in (cls, fwd, bwd, trace)):
            CELLS[kind] = (getattr(V, cls), getattr(V, fwd), getattr(V, bwd), states, getattr(V, trace))


_register_variants()


def one_hot(symbols, n) -> np.ndarray:
    """Integer symbols (...) -> float64 one-hot vectors (..., n)."""
    return _one_hot("symbols", symbols, n)


def _one_hot(name, symbols, n) -> np.ndarray:
    """one_hot, its errors naming the caller's argument ``name``."""
    n = _checks.positive_int("n", n)
    s = _checks.as_ndarray(name, symbols)
    if s.dtype.kind not in "iu":
        raise TypeError(f"{name} must be integers; got {_checks.describe(symbols)}")
    if s.size and (s.min() < 0 or s.max() >= n):
        raise ValueError(f"{name} must lie in [0, {n - 1}]; got values from {s.min()} to {s.max()}")
    out = np.zeros(s.shape + (n,))
    np.put_along_axis(out, s[..., None], 1.0, axis=-1)
    return out


def _check_path(path):
    if not (isinstance(path, str) or hasattr(path, "__fspath__")) or not str(path):
        raise TypeError(f"path must be a file name (a str or a pathlib.Path); got {_checks.describe(path)}")
    return path


@dataclass
class ModelOutput:
    """What ``SequenceModel.forward`` computed: y (B, T, K) and the cell's trace.

    W_hy and b_y are copies of the read-out the forward pass used (the trace keeps the cell's),
    so ``backward`` gives the gradient of this output even after the model's arrays changed."""

    y: np.ndarray
    trace: object
    at: str
    W_hy: np.ndarray = None
    b_y: np.ndarray = None

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
        rng = _checks.seed("seed", seed)      # checked before any draw
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
            # an int seed gives the read-out a stream of its own; a Generator goes on after the cell's draws
            if not isinstance(seed, np.random.Generator):
                rng = np.random.default_rng([*seed, 1] if isinstance(seed, (list, tuple)) else [seed, 1])
            bound = 1.0 / np.sqrt(H)
            W_hy = rng.uniform(-bound, bound, (K, H)).astype(dt)
        if b_y is None:
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
        a = _checks.as_ndarray("xs", xs)
        if a.dtype.kind in "iu":
            if a.ndim != 2:
                raise ValueError(f"xs of integer symbols must have shape (B, T); got {a.shape}")
            return _one_hot("xs", a, self.input_size).astype(self.dtype, copy=False)
        return _checks.array("xs", xs, ndim=3, dtype=self.dtype)

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
        return ModelOutput(project(self.W_hy, self.b_y, h), trace, at, self.W_hy.copy(), self.b_y.copy())

    def backward(self, out: ModelOutput, dy) -> dict:
        """Gradients of every parameter given dy = dL/dy (shaped like out.y)."""
        if not isinstance(out, ModelOutput):
            raise TypeError(f"out must be the ModelOutput that forward returned; got {_checks.describe(out)}")
        tr = out.trace
        if not isinstance(tr, CELLS[self.kind][4]) or out.W_hy is None or out.W_hy.shape != self.W_hy.shape or \
                (tr.params.input_size, tr.params.hidden_size) != (self.input_size, self.hidden_size):
            raise ValueError(f"out must come from this model's forward (a {self.kind} with sizes {self.input_size} -> "
                             f"{self.hidden_size} -> {self.output_size}); got {_checks.describe(out)[:80]}")
        h = tr.h if out.at == "all" else tr.h_last
        pg = project_backward(out.W_hy, out.b_y, h, dy)      # the read-out this output was made with
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
            L = mean_squared_error(out.y, _checks.array("targets", targets, shape=out.y.shape, dtype=self.dtype))
        return L.value, self.backward(out, L.grad)

    def predict(self, xs, at="last") -> np.ndarray:
        """The read-out y: (B, K) for at="last", (B, T, K) for at="all"."""
        return self.forward(xs, at=at).y

    # --- saving ------------------------------------------------------------------------------
    def save(self, path, dtype=None):
        """Write kind and every parameter to an .npz file (optionally cast, e.g. to float32)."""
        dt = self.dtype if dtype is None else _checks.float_dtype("dtype", dtype)
        _check_path(path)
        np.savez(path, kind=np.array(self.kind), **{k: v.astype(dt) for k, v in self._params.items()})

    @classmethod
    def load(cls, path, dtype=None) -> "SequenceModel":
        """A model from a file written by ``save``; dtype casts the arrays (default: as stored).

        ``path`` may leave out the ".npz" that ``save`` adds. A file that is not a whole
        SequenceModel file (empty, cut short, not an .npz, an array missing, arrays of another
        cell) is a ValueError that names the file and says what is wrong with it."""
        p = Path(_check_path(path))
        if not p.exists() and p.suffix != ".npz" and p.with_name(p.name + ".npz").exists():
            p = p.with_name(p.name + ".npz")       # save("model") wrote model.npz, as np.savez does
        if not p.exists():
            raise FileNotFoundError(f"no model file {p} (nor {p.name}.npz); save writes one with model.save(path)")
        dt = None if dtype is None else _checks.float_dtype("dtype", dtype)
        def unreadable(err):
            return ValueError(f"{p} is not a readable SequenceModel file (.npz written by save): "
                              f"{type(err).__name__}: {err}")
        try:
            z = np.load(p, allow_pickle=False)
        except Exception as err:                   # empty, cut short, text, pickled data, ...
            raise unreadable(err) from err
        if not isinstance(z, np.lib.npyio.NpzFile):
            raise ValueError(f"{p} is a single numpy array (.npy), not a SequenceModel file (.npz)")
        try:
            with z:                                # a member cut short fails only when it is read
                files = list(z.files)
                arrays = {k: z[k] for k in files}
        except Exception as err:
            raise unreadable(err) from err
        if "kind" not in arrays:
            raise ValueError(f"{p} is not a SequenceModel file (no 'kind' entry); it has {files}")
        kind = str(arrays.pop("kind"))
        if kind not in CELLS:
            raise ValueError(f"{p} holds a {kind!r} model; known kinds are {tuple(CELLS)}")
        pcls = CELLS[kind][0]
        want = {f"cell.{f.name}" for f in fields(pcls) if f.default is not None} | {"W_hy", "b_y"}
        allowed = {f"cell.{f.name}" for f in fields(pcls)} | {"W_hy", "b_y"}
        missing, extra = sorted(want - set(arrays)), sorted(set(arrays) - allowed)
        if missing or extra:
            raise ValueError(f"{p} does not hold a whole {kind!r} model: "
                             + "; ".join(([f"missing {missing}"] if missing else [])
                                         + ([f"arrays no {kind} has: {extra}"] if extra else [])))
        try:
            if dt is not None:
                arrays = {k: _checks.array(k, v, dtype=dt) for k, v in arrays.items()}
            cell = pcls(**{k[5:]: v for k, v in arrays.items() if k.startswith("cell.")})
            W = _checks.array("W_hy", arrays["W_hy"], ndim=2)
            return cls(kind, cell.input_size, cell.hidden_size, W.shape[0], cell=cell, W_hy=W, b_y=arrays["b_y"])
        except (TypeError, ValueError) as err:
            raise ValueError(f"{p} holds arrays that do not make a {kind!r} model: {err}") from err
