"""Parameter containers for the LSTM and the vanilla RNN, and their framework layouts.

Symbols: D = input size, H = hidden size, G = number of gate blocks (4 for the LSTM, 1 for the
RNN).

Storage is *fused*: all gates' input weights sit in one matrix ``weight_x`` of shape (G*H, D),
all recurrent weights in ``weight_h`` (G*H, H), all biases in ``bias`` (G*H,), so that one matrix
product computes every gate at once. The block order inside is an implementation detail
(``LSTMParams.GATE_ORDER``); teach and inspect through the per-gate views::

    p.gate("f").W_x   # (H, D)  the forget gate's input weights   (U_f in the U/W notation)
    p.gate("f").W_h   # (H, H)  the forget gate's recurrent weights (W_f in the U/W notation)
    p.gate("f").b     # (H,)    the forget gate's bias

Gate names: "f" forget, "i" input, "g" candidate (C~, Keras calls it "c"), "o" output.

Framework layouts (numpy arrays in and out; neither framework is imported):

* PyTorch ``nn.LSTM``: weight_ih (4H, D), weight_hh (4H, H), bias_ih (4H,), bias_hh (4H,),
  row blocks in gate order i, f, g, o. The two biases are only ever added, so ``from_torch``
  stores their sum, and ``to_torch`` puts the whole bias in bias_ih and zeros in bias_hh.
  ``nn.RNN`` is the same with one block.
* Keras ``LSTM``: kernel (D, 4H), recurrent_kernel (H, 4H), bias (4H,), column blocks in gate
  order i, f, c, o.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, NamedTuple

import numpy as np

from . import _checks

GATES = ("f", "i", "g", "o")
GATE_NAMES = {"f": "forget gate", "i": "input gate", "g": "candidate (C~)", "o": "output gate"}
TORCH_GATE_ORDER = ("i", "f", "g", "o")
KERAS_GATE_ORDER = ("i", "f", "g", "o")  # Keras names the candidate "c"
CONCAT_ORDERS = ("xh", "hx")


class GateParams(NamedTuple):
    """One gate's parameters (views into the fused arrays, so writing to them edits the cell)."""

    W_x: np.ndarray  # (H, D) input weights
    W_h: np.ndarray  # (H, H) recurrent weights
    b: np.ndarray    # (H,)   bias


def _check_gate(name, gates=GATES) -> str:
    """``name``, which must be one of ``gates`` (the argument is called name: say so)."""
    if not isinstance(name, str) or name not in gates:
        raise ValueError(f"name must be one of the gates {', '.join(repr(g) for g in gates)}; got {name!r}")
    return name


@dataclass(eq=False)
class _RecurrentParams:
    """Fused weights shared by the LSTM (G = 4) and the RNN (G = 1)."""

    weight_x: np.ndarray  # (G*H, D)
    weight_h: np.ndarray  # (G*H, H)
    bias: np.ndarray      # (G*H,)

    GATE_ORDER: ClassVar[tuple] = ()
    KIND: ClassVar[str] = ""

    def __post_init__(self):
        g = len(self.GATE_ORDER)
        dtype = _checks.same_dtype_or_default(self.weight_h, self.weight_x, self.bias)
        wh = _checks.array("weight_h", self.weight_h, ndim=2, dtype=dtype)
        if wh.shape[0] != g * wh.shape[1] or wh.shape[1] < 1:
            raise ValueError(
                f"weight_h must have shape ({g}*H, H) = ({g}*{wh.shape[1]}, {wh.shape[1]}) for a "
                f"{self.KIND} with hidden size H; got shape {wh.shape}"
            )
        hidden = wh.shape[1]
        wx = _checks.array("weight_x", self.weight_x, ndim=2, dtype=dtype)
        if wx.shape[0] != g * hidden or wx.shape[1] < 1:
            raise ValueError(
                f"weight_x must have shape ({g * hidden}, D) to match weight_h {wh.shape}; got {wx.shape}"
            )
        b = _checks.array("bias", self.bias, shape=(g * hidden,), dtype=dtype)
        object.__setattr__(self, "weight_x", np.ascontiguousarray(wx))
        object.__setattr__(self, "weight_h", np.ascontiguousarray(wh))
        object.__setattr__(self, "bias", np.ascontiguousarray(b))

    # --- sizes -----------------------------------------------------------------------------
    @property
    def input_size(self) -> int:
        """D."""
        return self.weight_x.shape[1]

    @property
    def hidden_size(self) -> int:
        """H."""
        return self.weight_h.shape[1]

    @property
    def dtype(self) -> np.dtype:
        return self.weight_x.dtype

    @property
    def num_params(self) -> int:
        """Number of scalars stored (one bias vector per gate: the Keras convention)."""
        return self.weight_x.size + self.weight_h.size + self.bias.size

    def astype(self, dtype):
        """A copy with every array cast to ``dtype`` (float32 or float64)."""
        dt = _checks.float_dtype("dtype", dtype)
        return type(self)(self.weight_x.astype(dt), self.weight_h.astype(dt), self.bias.astype(dt))

    def copy(self):
        return type(self)(self.weight_x.copy(), self.weight_h.copy(), self.bias.copy())

    def arrays(self) -> dict:
        """The fused arrays by name (for saving and for optimisers)."""
        return {"weight_x": self.weight_x, "weight_h": self.weight_h, "bias": self.bias}

    def __repr__(self):
        return (f"{type(self).__name__}(input_size={self.input_size}, hidden_size={self.hidden_size}, "
                f"dtype={self.dtype})")

    # --- layout helpers ----------------------------------------------------------------------
    def _block(self, gate: str) -> slice:
        k = self.GATE_ORDER.index(gate)
        h = self.hidden_size
        return slice(k * h, (k + 1) * h)

    def _to_order(self, order) -> tuple:
        """(weight_x, weight_h, bias) with the row blocks rearranged into ``order``."""
        rows = np.concatenate([np.arange(self._block(g).start, self._block(g).stop) for g in order])
        return self.weight_x[rows], self.weight_h[rows], self.bias[rows]

    @classmethod
    def _from_order(cls, order, weight_x, weight_h, bias):
        """Build from arrays whose row blocks follow ``order``."""
        h = weight_h.shape[1]
        block = {g: slice(k * h, (k + 1) * h) for k, g in enumerate(order)}
        rows = np.concatenate([np.arange(block[g].start, block[g].stop) for g in cls.GATE_ORDER])
        return cls(weight_x[rows], weight_h[rows], bias[rows])

    # --- PyTorch layout ------------------------------------------------------------------------
    TORCH_ORDER: ClassVar[tuple] = ()

    @classmethod
    def from_torch(cls, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
        """From PyTorch's layout: weight_ih (G*H, D), weight_hh (G*H, H), bias_ih and bias_hh
        (G*H,) each or None (zeros). Their sum becomes our single bias."""
        dtype = _checks.same_dtype_or_default(weight_ih, weight_hh)
        wh = _checks.array("weight_hh", weight_hh, ndim=2, dtype=dtype)
        g = len(cls.GATE_ORDER)
        if wh.shape[0] != g * wh.shape[1]:
            raise ValueError(f"weight_hh must have shape ({g}*H, H); got {wh.shape}")
        n = wh.shape[0]
        wi = _checks.array("weight_ih", weight_ih, ndim=2, shape=(n, None), dtype=dtype)
        total = np.zeros(n, dtype=dtype)
        for name, b in (("bias_ih", bias_ih), ("bias_hh", bias_hh)):
            if b is not None:
                total = total + _checks.array(name, b, shape=(n,), dtype=dtype)
        return cls._from_order(cls.TORCH_ORDER, wi, wh, total)

    def to_torch(self):
        """(weight_ih, weight_hh, bias_ih, bias_hh) in PyTorch's layout (new arrays).

        bias_ih holds the whole bias and bias_hh zeros: PyTorch adds them, so it computes
        exactly what this cell computes."""
        wx, wh, b = self._to_order(self.TORCH_ORDER)
        return wx, wh, b, np.zeros_like(b)


class LSTMParams(_RecurrentParams):
    """Weights of one LSTM layer, fused; see the module docstring for the layouts.

    weight_x: (4H, D)  input weights of the gates, stacked
    weight_h: (4H, H)  recurrent weights, stacked the same way
    bias:     (4H,)    biases

    Equations (x: (D,), h_prev, c_prev: (H,); "*" is the elementwise product):
        f = sigmoid(W_xf x + W_hf h_prev + b_f)
        i = sigmoid(W_xi x + W_hi h_prev + b_i)
        g = tanh   (W_xg x + W_hg h_prev + b_g)
        o = sigmoid(W_xo x + W_ho h_prev + b_o)
        c = f * c_prev + i * g
        h = o * tanh(c)
    """

    # Sigmoid gates first so one sigmoid call covers a contiguous 3H block and one tanh the rest.
    GATE_ORDER: ClassVar[tuple] = ("f", "i", "o", "g")
    TORCH_ORDER: ClassVar[tuple] = TORCH_GATE_ORDER
    KIND: ClassVar[str] = "LSTM"

    def gate(self, name: str) -> GateParams:
        """Views (W_x (H, D), W_h (H, H), b (H,)) of one gate: "f", "i", "g" or "o"."""
        s = self._block(_check_gate(name))
        return GateParams(self.weight_x[s], self.weight_h[s], self.bias[s])

    def concatenated(self, name: str, order: str = "xh") -> np.ndarray:
        """One gate's weights as a single (H, D+H) matrix acting on [x, h] ("xh") or [h, x]."""
        _checks.choice("order", order, CONCAT_ORDERS)
        gp = self.gate(name)
        parts = (gp.W_x, gp.W_h) if order == "xh" else (gp.W_h, gp.W_x)
        return np.concatenate(parts, axis=1)

    @classmethod
    def init(cls, input_size, hidden_size, seed=0, forget_bias=1.0, dtype=np.float64):
        """Random weights, uniform in (-1/sqrt(H), 1/sqrt(H)) as PyTorch draws them, and biases
        the same except the forget gate's, which is ``forget_bias`` (1.0 by default, so a fresh
        cell starts out mostly remembering; 0.0 gives PyTorch's plain initialisation).

        seed: an int or a numpy Generator."""
        d = _checks.positive_int("input_size", input_size)
        h = _checks.positive_int("hidden_size", hidden_size)
        dt = _checks.float_dtype("dtype", dtype)
        fb = _fits("forget_bias", forget_bias, dt)
        rng = _rng(seed)
        k = 1.0 / np.sqrt(h)
        p = cls(
            rng.uniform(-k, k, (4 * h, d)).astype(dt),
            rng.uniform(-k, k, (4 * h, h)).astype(dt),
            rng.uniform(-k, k, 4 * h).astype(dt),
        )
        p.gate("f").b[:] = fb
        return p

    @classmethod
    def from_gates(cls, *, W_x=None, W_h=None, W=None, b=None, order=None):
        """Build from per-gate matrices, in one of two notations (dicts keyed "f", "i", "g", "o"):

        * separate input and recurrent weights: ``W_x[g]`` (H, D) and ``W_h[g]`` (H, H). In
          the U/W notation (f_t = sigmoid(x_t U_f + h_{t-1} W_f + b_f)), pass U as W_x and W as
          W_h (U and W there act on row vectors; transpose them if yours are (D, H)).
        * one concatenated matrix per gate: ``W[g]`` of shape (H, D+H) acting on [x, h]
          (``order="xh"``) or on [h, x] (``order="hx"``); the order must be given, since the
          sources use both.

        ``b[g]`` (H,) are the biases; zeros when ``b`` is None.
        """
        if W is not None:
            if W_x is not None or W_h is not None:
                raise ValueError("give either W (concatenated) or W_x and W_h (separate), not both")
            if order is None:
                raise ValueError('order must be given with W: "xh" if W acts on [x, h], "hx" if on [h, x]')
            _checks.choice("order", order, CONCAT_ORDERS)
            Wc = _gate_dict("W", W)
            first = Wc["f"]
            h = first.shape[0]
            if first.ndim != 2 or first.shape[1] <= h:
                raise ValueError(f"W['f'] must have shape (H, D+H) with D >= 1; got {first.shape}")
            d = first.shape[1] - h
            W_x, W_h = {}, {}
            for g, m in Wc.items():
                if m.shape != (h, d + h):
                    raise ValueError(f"W[{g!r}] must have shape ({h}, {d + h}) like W['f']; got {m.shape}")
                xs, hs = (m[:, :d], m[:, d:]) if order == "xh" else (m[:, h:], m[:, :h])
                W_x[g], W_h[g] = xs, hs
        else:
            if W_x is None or W_h is None:
                raise ValueError("give W_x and W_h (dicts of per-gate matrices), or W with order")
            if order is not None:
                raise ValueError("order only applies to the concatenated W")
            W_x, W_h = _gate_dict("W_x", W_x), _gate_dict("W_h", W_h)
        h = W_h["f"].shape[0]
        for g in GATES:
            _checks.array(f"W_h[{g!r}]", W_h[g], shape=(h, h))
        d = W_x["f"].shape[1] if W_x["f"].ndim == 2 else 0
        for g in GATES:
            _checks.array(f"W_x[{g!r}]", W_x[g], shape=(h, d))
        if b is None:
            bias = {g: np.zeros(h) for g in GATES}
        else:
            bias = _gate_dict("b", b)
            for g in GATES:
                _checks.array(f"b[{g!r}]", bias[g], shape=(h,))
        dtype = _checks.same_dtype_or_default(*W_x.values(), *W_h.values())
        return cls(
            np.concatenate([W_x[g] for g in cls.GATE_ORDER]).astype(dtype),
            np.concatenate([W_h[g] for g in cls.GATE_ORDER]).astype(dtype),
            np.concatenate([bias[g] for g in cls.GATE_ORDER]).astype(dtype),
        )

    @classmethod
    def from_keras(cls, kernel, recurrent_kernel, bias=None):
        """From Keras' layout: kernel (D, 4H), recurrent_kernel (H, 4H), bias (4H,) or None;
        column blocks in gate order i, f, c, o."""
        dtype = _checks.same_dtype_or_default(kernel, recurrent_kernel)
        rk = _checks.array("recurrent_kernel", recurrent_kernel, ndim=2, dtype=dtype)
        if rk.shape[1] != 4 * rk.shape[0]:
            raise ValueError(f"recurrent_kernel must have shape (H, 4H); got {rk.shape}")
        n = rk.shape[1]
        k = _checks.array("kernel", kernel, ndim=2, shape=(None, n), dtype=dtype)
        bz = np.zeros(n, dtype) if bias is None else _checks.array("bias", bias, shape=(n,), dtype=dtype)
        return cls._from_order(KERAS_GATE_ORDER, k.T, rk.T, bz)

    def to_keras(self):
        """(kernel (D, 4H), recurrent_kernel (H, 4H), bias (4H,)) in Keras' layout (new arrays)."""
        wx, wh, b = self._to_order(KERAS_GATE_ORDER)
        return np.ascontiguousarray(wx.T), np.ascontiguousarray(wh.T), b


class RNNParams(_RecurrentParams):
    """Weights of a vanilla (Elman) RNN layer: h_t = tanh(W_xh x_t + W_hh h_{t-1} + b).

    weight_x: (H, D) = W_xh,  weight_h: (H, H) = W_hh,  bias: (H,) = b.
    """

    GATE_ORDER: ClassVar[tuple] = ("h",)
    TORCH_ORDER: ClassVar[tuple] = ("h",)
    KIND: ClassVar[str] = "RNN"

    @classmethod
    def init(cls, input_size, hidden_size, seed=0, dtype=np.float64, scale=None):
        """Random weights, uniform in (-k, k) with k = 1/sqrt(H) (PyTorch's choice) unless
        ``scale`` gives k. seed: an int or a numpy Generator."""
        d = _checks.positive_int("input_size", input_size)
        h = _checks.positive_int("hidden_size", hidden_size)
        dt = _checks.float_dtype("dtype", dtype)
        k = 1.0 / np.sqrt(h) if scale is None else _fits("scale", scale, dt)
        if not k > 0:
            raise ValueError(f"scale must be > 0 (weights are drawn from (-scale, scale)); got {k:g}")
        rng = _rng(seed)
        return cls(rng.uniform(-k, k, (h, d)).astype(dt), rng.uniform(-k, k, (h, h)).astype(dt),
                   rng.uniform(-k, k, h).astype(dt))


class LSTMGradients(LSTMParams):
    """Gradients of a loss with respect to an LSTM's parameters, in the same fused layout.

    ``to_torch`` differs from ``LSTMParams``'s: since PyTorch adds bias_ih and bias_hh, the loss
    has the same gradient with respect to each, so both are the bias gradient."""

    def to_torch(self):
        wx, wh, b = self._to_order(self.TORCH_ORDER)
        return wx, wh, b, b.copy()


class RNNGradients(RNNParams):
    """Gradients with respect to an RNN's parameters (see ``LSTMGradients.to_torch``)."""

    def to_torch(self):
        wx, wh, b = self._to_order(self.TORCH_ORDER)
        return wx, wh, b, b.copy()


def _gate_dict(name, d) -> dict:
    """A dict with exactly the keys "f", "i", "g", "o", values as float arrays."""
    if not hasattr(d, "keys"):
        raise TypeError(f'{name} must be a dict keyed by gate name "f", "i", "g", "o"; got {_checks.describe(d)}')
    keys = set(d.keys())
    unknown = keys - set(GATES)
    if unknown:
        raise ValueError(f'{name} has unknown gate name(s) {sorted(map(str, unknown))}; gates are "f", "i", "g", "o"')
    missing = [g for g in GATES if g not in keys]
    if missing:
        raise ValueError(f"{name} is missing gate(s) {missing}")
    return {g: _checks.array(f"{name}[{g!r}]", d[g], ndim=(1, 2)) for g in GATES}


def _rng(seed) -> np.random.Generator:
    """The generator ``init`` draws from: seed is an int >= 0 (or a list of them) or a Generator."""
    return _checks.seed("seed", seed)


def _fits(name, value, dtype) -> float:
    """``value`` (a finite number) as a float that ``dtype`` can hold without becoming inf."""
    v = _checks.array(name, value, ndim=0).item()
    if not abs(v) <= float(np.finfo(dtype).max):
        raise ValueError(f"{name} must fit in {np.dtype(dtype)} (at most {np.finfo(dtype).max:.3g} in size); got {v:g}")
    return v
