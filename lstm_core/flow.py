"""Gradient flow through time: how far back a gradient reaches, and how it shrinks or grows on the
way, in a plain (Elman) RNN (notebook 10; explorers in ``widgets.vanishing``) and along the LSTM's
cell state (notebook 11; the explorer is ``widgets.highway``).

Symbols: B = batch size, T = time steps, D = input size, H = hidden size. Time runs t = 1..T;
index 0 of every (B, T+1, H) array below is the initial state (c_0 or h_0).

1. The plain RNN: vanishing and exploding gradients (``gradient_flow``, ``step_bounds``)
-----------------------------------------------------------------------------------------
The RNN is h_t = tanh(z_t), z_t = W_xh x_t + W_hh h_{t-1} + b, h_0 = 0. For a loss at the last
step only, L = u . h_T, the gradient travels back one step at a time:

    dL/dh_T     = u
    dL/dh_{t-1} = W_hh^T (tanh'(z_t) * dL/dh_t),      tanh'(z_t) = 1 - h_t^2   (elementwise)

so dL/dh_t is dL/dh_T multiplied by T - t Jacobians, one per step. Each one stretches a vector by
at most ||W_hh|| * max_i tanh'(z_t,i) (||.|| = the spectral norm, the largest singular value):

    ||dL/dh_{t-1}|| <= ||W_hh|| * max_i tanh'(z_t,i) * ||dL/dh_t||             (``step_bounds``)

``gradient_flow`` builds notebook 10's network: H = ``FLOW_HIDDEN`` = 16 units, W_xh = I (the
input x_t (D = H) is added to z_t directly, so "input scale" is how hard the inputs push tanh into
saturation), b = 0, and W_hh (H, H) a fixed random matrix rescaled so that its spectral radius
(largest |eigenvalue|) is the slider's value (``recurrent_matrix``); inputs (1, T, H) from
``flow_inputs``; u (H,) a fixed random unit vector. With W_xh = I, the gradient ``rnn_backward``
returns for the input x_t is dz_t itself, so every dL/dh_{t-1} = W_hh^T dz_t comes out of
lstm_core's own backward pass. ``verdict`` names the ratio ||dL/dh_1|| / ||dL/dh_T||: below
``VANISH`` it vanishes, above ``EXPLODE`` it explodes.

2. Exploding gradients and clipping: the cliff (``cliff_*``, ``descend``)
------------------------------------------------------------------------
A one-unit RNN h_t = tanh(w h_{t-1} + b + x_t) with one input kick x_1 = ``CLIFF_KICK`` = 0.5
(x_t = 0 afterwards), run for T = ``CLIFF_T`` = 50 steps, loss L(w, b) = (h_T - y*)^2 with
y* = ``CLIFF_TARGET`` = -0.6. For w > 1 the final state jumps between two values as b crosses a
line in the (w, b) plane: the loss has a cliff there, and on its edge the gradient is hundreds of
times larger than anywhere near it. Plain gradient descent that lands on the edge is thrown far
away; clipping the gradient's length (``lstm_core.optim.clip_grad_norm``: g <- g * max_norm / ||g||
when ||g|| > max_norm) keeps the step small and its direction unchanged.

Whether a step lands on the edge depends on where the run starts, so one run proves little.
``cliff_runs`` repeats both descents from ``cliff_starts()``: notebook 10's start ``CLIFF_START``
first, then ``CLIFF_N_STARTS - 1`` starts drawn (seed ``CLIFF_SEED``) uniformly from ``CLIFF_BOX``,
the low side of the cliff around it.

3. The LSTM: the cell state as a gradient highway (``cell_gradients``, ``highway_gradients``)
--------------------------------------------------------------------------------------------
Along the cell state alone (the edge c_{t-1} -> c_t of c_t = f_t * c_{t-1} + i_t * g_t) the
derivative is f_t, elementwise, so the direct path from c_T back to c_t contributes

    dL/dc_t (cell path only) = dL/dc_T * f_{t+1} * f_{t+2} * ... * f_T        (``cell_path_gradients``)

The full gradient also flows through the hidden state, because every gate reads h_{t-1}:

    dL/dc_{t-1} = dL/dc_t * f_t  +  dL/dh_{t-1} * o_{t-1} * tanh'(c_{t-1})    (``cell_gradients``)
    dL/dh_{t-1} = W_h^T dz_t  (+ the loss's own dL/dh_{t-1})

where dz_t holds the four gates' pre-activation gradients (``cell.lstm_step_backward``). Here
dL/dc_t is the total derivative: nudge c_t and let h_t = o_t * tanh(c_t) follow. For the Elman
RNN h_t = tanh(W_xh x_t + W_hh h_{t-1} + b) the only path is through h:

    dL/dh_{t-1} = W_hh^T (dL/dh_t * (1 - h_t^2))                                 (``rnn_hidden_gradients``)

The explorer's two networks (``highway_params``) have H = 8 units, D = 2 inputs and the same
fixed random input sequence (``highway_inputs``); their recurrent weights are ``scale`` times
fixed orthogonal matrices, one per gate block, so ``scale`` is exactly how much W_h stretches a
vector. The loss reads the last step through u = [1, ..., 1] / sqrt(H) (so |dL/dc_T| = 1):
L = u . c_T ("c") or L = u . h_T ("h"); the RNN's loss is always u . h_T.
"""


from __future__ import annotations

import functools
from typing import NamedTuple

import numpy as np

from . import _checks
from .losses import mean_squared_error
from .optim import SGD, clip_grad_norm, global_norm
from .params import LSTMParams, RNNParams
from .rnn import RNNTrace, rnn_backward, rnn_forward
from .sequence import LSTMTrace, lstm_forward

__all__ = ["CellGradients", "cell_gradients", "cell_path_gradients", "rnn_hidden_gradients", "steps_above",
           "orthogonal", "highway_params", "highway_inputs", "HighwayResult", "highway_gradients",
           "HIDDEN", "INPUTS", "T_MAX", "THRESHOLD", "Y_LIMITS", "CLIM", "LOSSES",
           # the plain RNN (notebook 10)
           "FLOW_HIDDEN", "FLOW_T_MAX", "FLOW_SEED", "VANISH", "EXPLODE", "recurrent_matrix", "flow_inputs",
           "GradientFlow", "gradient_flow", "step_bounds", "verdict",
           "CLIFF_T", "CLIFF_KICK", "CLIFF_TARGET", "CLIFF_LR", "CLIFF_STEPS", "cliff_loss_and_grads",
           "cliff_surface", "Trajectory", "descend",
           "CLIFF_START", "CLIFF_BOX", "CLIFF_SEED", "CLIFF_N_STARTS", "cliff_starts", "CliffRuns", "cliff_runs"]

# --- 1. the plain RNN: vanishing and exploding gradients (notebook 10) ----------------------------

FLOW_HIDDEN = 16             # H, units of notebook 10's RNN (inputs: D = H, since W_xh = I)
FLOW_T_MAX = 100             # the longest sequence
FLOW_SEED = 10               # the fixed random W_hh, inputs and read-out u
VANISH, EXPLODE = 0.1, 10.0  # ``verdict``'s words: ratio below 1/10 "vanishes", above 10 "explodes"


@functools.lru_cache(maxsize=1)
def _flow_base():
    """(W0 (H, H) with spectral radius 1, inputs (1, FLOW_T_MAX, H), unit read-out u (H,)), fixed."""
    rng = np.random.default_rng(FLOW_SEED)
    W0 = rng.standard_normal((FLOW_HIDDEN, FLOW_HIDDEN))
    W0 /= np.max(np.abs(np.linalg.eigvals(W0)))          # spectral radius exactly 1
    xs = rng.standard_normal((1, FLOW_T_MAX, FLOW_HIDDEN))    # (1, T_MAX, D = H)
    u = rng.standard_normal(FLOW_HIDDEN)
    return W0, xs, u / np.linalg.norm(u)


def _number(name, value, lo, hi):
    v = float(_checks.array(name, value, ndim=0))
    if not lo <= v <= hi:
        raise ValueError(f"{name} must be in [{lo}, {hi}]; got {v}")
    return v


def recurrent_matrix(radius) -> np.ndarray:
    """Notebook 10's W_hh (H, H), H = 16: a fixed random matrix scaled to spectral radius ``radius``.

    radius: a number in [0, 10], the largest |eigenvalue| of the result."""
    r = _number("radius", radius, 0.0, 10.0)
    return r * _flow_base()[0]


def flow_inputs(T, input_scale) -> np.ndarray:
    """Notebook 10's inputs, (1, T, H): ``input_scale`` times the first T steps of a fixed normal sequence.

    T: an int in 1..100; input_scale: a number in [0, 100]."""
    T = _checks.positive_int("T", T)
    if T > FLOW_T_MAX:
        raise ValueError(f"T must be in 1..{FLOW_T_MAX}; got {T}")
    s = _number("input_scale", input_scale, 0.0, 100.0)
    return s * _flow_base()[1][:, :T]


class GradientFlow(NamedTuple):
    """What ``gradient_flow`` computed, rows indexed 0..T-1 for steps t = 1..T.

    params:        the RNNParams (W_xh = I (H, H), W_hh (H, H), b = 0 (H,))
    h:             (T, H) hidden states h_1..h_T
    dh:            (T, H) dL/dh_t for the loss L = u . h_T
    norms:         (T,)   ||dL/dh_t||  (norms[-1] = ||u|| = 1)
    slope:         (T, H) tanh'(z_t) = 1 - h_t^2
    radius:        the spectral radius of W_hh asked for
    spectral_norm: ||W_hh||, its largest singular value
    """

    params: RNNParams
    h: np.ndarray
    dh: np.ndarray
    norms: np.ndarray
    slope: np.ndarray
    radius: float
    spectral_norm: float

    @property
    def ratio(self) -> float:
        """||dL/dh_1|| / ||dL/dh_T||: how much the gradient grew (> 1) or shrank (< 1) on the way back."""
        return float(self.norms[0] / self.norms[-1])


def gradient_flow(radius=1.0, T=50, input_scale=0.1) -> GradientFlow:
    """Run notebook 10's RNN (see the module docstring, part 1) and backpropagate L = u . h_T.

    radius: spectral radius of W_hh, in [0, 10]; T: steps, 1..100; input_scale: in [0, 100].
    """
    W_hh = recurrent_matrix(radius)
    xs = flow_inputs(T, input_scale)
    T = xs.shape[1]
    u = _flow_base()[2]
    params = RNNParams(np.eye(FLOW_HIDDEN), W_hh, np.zeros(FLOW_HIDDEN))
    trace = rnn_forward(params, xs)
    dh_loss = np.zeros((1, T, FLOW_HIDDEN))
    dh_loss[0, -1] = u
    grads = rnn_backward(trace, dh_loss)
    dz = grads.xs[0]                                       # = dL/dz_t, since W_xh = I
    dh = np.empty((T, FLOW_HIDDEN))
    dh[-1] = u
    dh[:-1] = dz[1:] @ W_hh                                # dL/dh_{t-1} = W_hh^T dz_t
    h = trace.h[0]
    return GradientFlow(params=params, h=h, dh=dh, norms=np.linalg.norm(dh, axis=1), slope=1.0 - h * h,
                        radius=float(radius), spectral_norm=float(np.linalg.norm(W_hh, 2)))


def step_bounds(flow: GradientFlow) -> np.ndarray:
    """(T-1,) the bound on ||dL/dh_{t-1}|| / ||dL/dh_t|| for t = 2..T: ||W_hh|| * max_i tanh'(z_t,i).

    flow: the GradientFlow from ``gradient_flow``."""
    if not isinstance(flow, GradientFlow):
        raise TypeError(f"flow must be what gradient_flow returned; got {_checks.describe(flow)}")
    return flow.spectral_norm * flow.slope[1:].max(axis=1)


def verdict(ratio) -> str:
    """The word for a ratio ||dL/dh_1|| / ||dL/dh_T|| (a number >= 0): vanishes, explodes or roughly kept."""
    r = float(_checks.array("ratio", ratio, ndim=0))
    if r < 0:
        raise ValueError(f"ratio must be >= 0; got {r}")
    if r < VANISH:
        return "vanishes"
    if r > EXPLODE:
        return "explodes"
    return "roughly kept"


# --- 2. exploding gradients and clipping: the cliff (notebook 10) ----------------------------------

CLIFF_T = 50                 # steps of the one-unit RNN
CLIFF_KICK = 0.5             # x_1; x_t = 0 afterwards
CLIFF_TARGET = -0.6          # y*, the wanted h_T
CLIFF_LR = 0.5               # learning rate of ``descend`` (the explorer's)
CLIFF_STEPS = 25             # gradient-descent steps of ``descend`` (the explorer's)
CLIFF_START = (1.5, -0.3)    # (w0, b0): notebook 10's start, and the clipping explorer's
CLIFF_BOX = ((1.3, 1.7), (-0.45, -0.25))   # (w0 range, b0 range) of ``cliff_starts``' random starts
CLIFF_SEED = 0               # the generator that draws them
CLIFF_N_STARTS = 8           # notebook 10's start and 7 drawn ones


def _cliff_inputs():
    xs = np.zeros((1, CLIFF_T, 1))                         # (B, T, D) = (1, 50, 1)
    xs[0, 0, 0] = CLIFF_KICK
    return xs


def cliff_loss_and_grads(w, b):
    """(loss, {"w": dL/dw (1,), "b": dL/db (1,)}) of the one-unit RNN at recurrent weight w, bias b.

    w, b: numbers. The loss is (h_T - y*)^2, T = CLIFF_T (module docstring, part 2)."""
    w = float(_checks.array("w", w, ndim=0))
    b = float(_checks.array("b", b, ndim=0))
    params = RNNParams(np.ones((1, 1)), np.array([[w]]), np.array([b]))
    trace = rnn_forward(params, _cliff_inputs())
    loss = mean_squared_error(trace.h_last, np.full((1, 1), CLIFF_TARGET))
    dh = np.zeros((1, CLIFF_T, 1))
    dh[:, -1] = loss.grad
    g = rnn_backward(trace, dh).params
    return loss.value, {"w": g.weight_h.reshape(1).copy(), "b": g.bias.copy()}


def cliff_surface(ws, bs) -> np.ndarray:
    """The loss at every (w, b) of a grid, (len(bs), len(ws)).

    ws: (N,) recurrent weights; bs: (M,) biases. N one-unit RNNs side by side are one N-unit RNN
    with a diagonal W_hh, so each row of the grid is a single ``rnn_forward``."""
    ws = _checks.array("ws", ws, ndim=1)
    bs = _checks.array("bs", bs, ndim=1)
    if ws.size == 0 or bs.size == 0:
        raise ValueError("ws and bs must each hold at least one value")
    N = ws.size
    xs = np.zeros((1, CLIFF_T, N))
    xs[0, 0] = CLIFF_KICK
    out = np.empty((bs.size, N))
    for j, b in enumerate(bs):
        trace = rnn_forward(RNNParams(np.eye(N), np.diag(ws), np.full(N, b)), xs)
        out[j] = (trace.h_last[0] - CLIFF_TARGET) ** 2
    return out


class Trajectory(NamedTuple):
    """``descend``'s record, one row per step k = 0..steps (the last row has no step after it).

    w, b: (steps+1,) the parameters; loss: (steps+1,); norm: (steps+1,) the gradient's length
    before clipping; step: (steps, 2) the (w, b) update actually taken."""

    w: np.ndarray
    b: np.ndarray
    loss: np.ndarray
    norm: np.ndarray
    step: np.ndarray


def descend(w0, b0, steps=CLIFF_STEPS, lr=CLIFF_LR, max_norm=None) -> Trajectory:
    """Plain gradient descent (``lstm_core.SGD``) on the cliff loss from (w0, b0).

    w0, b0: numbers; steps: an int >= 1; lr: the learning rate, > 0; max_norm: None (no clipping)
    or a positive number, the length ``clip_grad_norm`` cuts each gradient down to."""
    steps = _checks.positive_int("steps", steps)
    if max_norm is not None:
        max_norm = float(_checks.array("max_norm", max_norm, ndim=0))
        if not max_norm > 0:
            raise ValueError(f"max_norm must be a positive number or None; got {max_norm}")
    params = {"w": np.array([float(_checks.array("w0", w0, ndim=0))]),
              "b": np.array([float(_checks.array("b0", b0, ndim=0))])}
    opt = SGD(params, lr=float(_checks.array("lr", lr, ndim=0)))
    rows, taken = [], []
    for k in range(steps + 1):
        loss, g = cliff_loss_and_grads(params["w"][0], params["b"][0])
        norm = global_norm(g)
        rows.append((params["w"][0], params["b"][0], loss, norm))
        if k == steps:
            break
        if max_norm is not None:
            clip_grad_norm(g, max_norm)
        before = np.array([params["w"][0], params["b"][0]])
        opt.step(g)
        taken.append(np.array([params["w"][0], params["b"][0]]) - before)
    w, b, loss, norm = (np.array(c) for c in zip(*rows))
    return Trajectory(w=w, b=b, loss=loss, norm=norm, step=np.array(taken))


def cliff_starts(n=CLIFF_N_STARTS, seed=CLIFF_SEED) -> np.ndarray:
    """(n, 2) starting points (w0, b0): ``CLIFF_START`` first, then n - 1 drawn uniformly from ``CLIFF_BOX``.

    n: an int >= 1; seed: an int, the seed of the generator that draws them."""
    n = _checks.positive_int("n", n)
    rng = np.random.default_rng(int(seed))
    (wl, wh), (bl, bh) = CLIFF_BOX
    drawn = np.column_stack([rng.uniform(wl, wh, n - 1), rng.uniform(bl, bh, n - 1)])   # (n-1, 2)
    return np.vstack([CLIFF_START, drawn])


class CliffRuns(NamedTuple):
    """``cliff_runs``' record: both descents from each of n starts (row k of every array is start k).

    starts: (n, 2) the (w0, b0); raw, clipped: n Trajectories each (``descend`` without clipping and
    with clipping at ``max_norm``)."""

    starts: np.ndarray
    raw: tuple
    clipped: tuple
    max_norm: float

    @staticmethod
    def _longest(runs):
        return np.array([np.hypot(*r.step.T).max() for r in runs])

    @property
    def raw_longest_step(self) -> np.ndarray:
        """(n,) the longest (w, b) step each run without clipping takes."""
        return self._longest(self.raw)

    @property
    def clipped_longest_step(self) -> np.ndarray:
        """(n,) the longest step each clipped run takes (at most lr * max_norm)."""
        return self._longest(self.clipped)

    @property
    def raw_final_loss(self) -> np.ndarray:
        """(n,) the loss after the last step, without clipping."""
        return np.array([r.loss[-1] for r in self.raw])

    @property
    def clipped_final_loss(self) -> np.ndarray:
        """(n,) the loss after the last step, with clipping."""
        return np.array([r.loss[-1] for r in self.clipped])

    @property
    def raw_end(self) -> np.ndarray:
        """(n, 2) where each run without clipping ends, (w, b)."""
        return np.array([(r.w[-1], r.b[-1]) for r in self.raw])


def cliff_runs(starts=None, max_norm=1.0, steps=CLIFF_STEPS, lr=CLIFF_LR) -> CliffRuns:
    """``descend`` from every start, once without clipping and once clipping at ``max_norm``.

    starts: (n, 2) starting points (w0, b0), or None for ``cliff_starts()``; the rest as in ``descend``."""
    pts = cliff_starts() if starts is None else _checks.array("starts", starts, ndim=2)
    if pts.shape[1] != 2 or pts.shape[0] < 1:
        raise ValueError(f"starts must have shape (n, 2), one (w0, b0) per row; got {pts.shape}")
    raw = tuple(descend(w0, b0, steps, lr, None) for w0, b0 in pts)
    clipped = tuple(descend(w0, b0, steps, lr, max_norm) for w0, b0 in pts)
    return CliffRuns(starts=pts, raw=raw, clipped=clipped, max_norm=float(max_norm))


# --- 3. the LSTM's gradient highway (notebook 11) --------------------------------------------------

HIDDEN = 8                 # H, hidden units of both networks
INPUTS = 2                 # D, input features
T_MAX = 100                # longest sequence the explorer runs
THRESHOLD = 1e-3           # "the gradient is still alive" in the readout
Y_LIMITS = (1e-16, 1e4)    # fixed limits of the line plot (log scale)
CLIM = (1e-12, 1e2)        # fixed colour limits of the heatmap (log scale)
LOSSES = ("c", "h")


class CellGradients(NamedTuple):
    """Per-step gradients from ``cell_gradients``, each (B, T+1, H); index t is step t, 0 the start.

    dc: total dL/dc_t (for t = 0, dL/dc_0 as ``lstm_backward`` returns it)
    dh: dL/dh_t (for t = 0, dL/dh_0 as ``lstm_backward`` returns it)
    """

    dc: np.ndarray
    dh: np.ndarray


def _check_trace(trace, cls, producer):
    if not isinstance(trace, cls):
        raise TypeError(f"trace must be the {cls.__name__} that {producer} returned; got {_checks.describe(trace)}")
    return trace


def _loss_grads(trace, dh, dc_last):
    B, T, _ = trace.xs.shape
    H = trace.params.hidden_size
    dt = trace.params.dtype
    dh = np.zeros((B, T, H), dt) if dh is None else _checks.array("dh", dh, shape=(B, T, H), dtype=dt)
    dc = np.zeros((B, H), dt) if dc_last is None else _checks.array("dc_last", dc_last, shape=(B, H), dtype=dt)
    return dh, dc


def cell_gradients(trace: LSTMTrace, dh=None, dc_last=None) -> CellGradients:
    """dL/dc_t and dL/dh_t at every step: the BPTT of ``lstm_backward``, keeping every step.

    trace:   the LSTMTrace from ``lstm_forward`` (B, T steps, H units)
    dh:      (B, T, H)  dL/dh_t as the loss sees each hidden state, or None (zeros)
    dc_last: (B, H)     dL/dc_T as the loss sees the last cell state, or None (zeros)
    Returns CellGradients(dc, dh), each (B, T+1, H). dc[:, 0] and dh[:, 0] equal
    ``lstm_backward(trace, dh, dc_last)``'s c0 and h0; dc[:, t] * f_t is what
    ``lstm_step_backward`` returns as c_prev for step t.
    """
    _check_trace(trace, LSTMTrace, "lstm_forward")
    dh_loss, dc_next = _loss_grads(trace, dh, dc_last)
    p = trace.params
    B, T, H = dh_loss.shape
    tm = lambda a: np.ascontiguousarray(a.transpose(1, 0, 2))       # (B, T, H) -> time-major (T, B, H)
    f, i, g, o, tc = tm(trace.f), tm(trace.i), tm(trace.g), tm(trace.o), tm(trace._tanh_cells.transpose(2, 0, 1))
    c_prev = np.concatenate([trace.c0[None], tm(trace.c)[:-1]])     # (T, B, H): c_0 .. c_(T-1)
    via_h = o * (1.0 - tc * tc)                                     # dh_t -> dc_t, since h_t = o_t * tanh(c_t)
    # d(pre-activation)/d(upstream gradient) of each gate, in the fused order f, i, o, g of weight_h:
    # dz_f = dc * c_prev * f(1-f),  dz_i = dc * g * i(1-i),  dz_o = dh * tanh(c) * o(1-o),  dz_g = dc * i * (1-g^2)
    slope = np.concatenate([c_prev * f * (1 - f), g * i * (1 - i), tc * o * (1 - o), i * (1 - g * g)], axis=-1)
    W_h = p.weight_h                                                # (4H, H)
    dh_tm = tm(dh_loss)
    out_dc = np.empty((T + 1, B, H), p.dtype)
    out_dh = np.empty((T + 1, B, H), p.dtype)
    dh_next = np.zeros((B, H), p.dtype)
    for t in range(T - 1, -1, -1):                                  # array index t is step t + 1
        dh_t = dh_tm[t] + dh_next                                   # the loss at this step and every later one
        dc_t = dc_next + dh_t * via_h[t]                            # total: c_t also reaches L through h_t
        out_dh[t + 1], out_dc[t + 1] = dh_t, dc_t
        dz = slope[t] * np.concatenate([dc_t, dc_t, dh_t, dc_t], axis=-1)   # (B, 4H)
        dh_next = dz @ W_h                                          # through h_(t-1) into all four gates
        dc_next = dc_t * f[t]                                       # along the cell state: times f_t
    out_dc[0], out_dh[0] = dc_next, dh_next
    return CellGradients(out_dc.transpose(1, 0, 2), out_dh.transpose(1, 0, 2))


def cell_path_gradients(trace: LSTMTrace, dc_last) -> np.ndarray:
    """The gradient that reaches each c_t along the cell state alone: dc_last * f_{t+1} * ... * f_T.

    trace:   the LSTMTrace from ``lstm_forward`` (B, T steps, H units)
    dc_last: (B, H)  dL/dc_T, the gradient that sets off from the last cell state
    Returns (B, T+1, H); index T is dc_last itself, index 0 the product of all T forget gates.
    """
    _check_trace(trace, LSTMTrace, "lstm_forward")
    _, dc = _loss_grads(trace, None, dc_last)
    f = trace.f                                                     # (B, T, H)
    B, T, H = f.shape
    prod = np.ones((B, T + 1, H), f.dtype)
    prod[:, :T] = np.cumprod(f[:, ::-1], axis=1)[:, ::-1]           # prod[:, t] = f_{t+1} ... f_T
    return prod * dc[:, None, :]


def rnn_hidden_gradients(trace: RNNTrace, dh) -> np.ndarray:
    """dL/dh_t at every step of an Elman RNN (the BPTT recursion of ``rnn.py``).

    trace: the RNNTrace from ``rnn_forward`` (B, T steps, H units)
    dh:    (B, T, H)  dL/dh_t as the loss sees each hidden state
    Returns (B, T+1, H); index 0 equals ``rnn_backward(trace, dh).h0``.
    """
    _check_trace(trace, RNNTrace, "rnn_forward")
    p = trace.params
    B, T, _ = trace.xs.shape
    H = p.hidden_size
    dh = _checks.array("dh", dh, shape=(B, T, H), dtype=p.dtype)
    out = np.empty((B, T + 1, H), p.dtype)
    hs = trace.h
    dh_next = np.zeros((B, H), p.dtype)
    for t in range(T - 1, -1, -1):
        dh_t = dh[:, t] + dh_next
        out[:, t + 1] = dh_t
        dh_next = (dh_t * (1.0 - hs[:, t] ** 2)) @ p.weight_h       # W_hh^T (dh_t * tanh')
    out[:, 0] = dh_next
    return out


def steps_above(norms, threshold=THRESHOLD) -> int:
    """How many steps back a gradient stays above ``threshold``.

    norms:     (T+1,) gradient sizes, index 0 the last step T, index k the step k steps back
    threshold: a positive number
    Returns the largest k such that norms[0..k] are all above the threshold (T when all are),
    or -1 when even norms[0] is not.
    """
    norms = _checks.array("norms", norms, ndim=1)
    if norms.size < 1:
        raise ValueError("norms must hold at least one value (the gradient at the last step)")
    thr = float(_checks.array("threshold", threshold, ndim=0))
    if not thr > 0:
        raise ValueError(f"threshold must be positive; got {thr}")
    below = np.flatnonzero(norms <= thr)
    return int(below[0]) - 1 if below.size else norms.size - 1


def orthogonal(n: int, seed: int) -> np.ndarray:
    """A fixed random orthogonal (n, n) matrix Q (Q^T Q = I): it turns vectors without stretching.

    n: a positive int; seed: an int. Returns a new array (the QR factorisation is computed once)."""
    return _orthogonal(_checks.positive_int("n", n), int(seed)).copy()


@functools.lru_cache(maxsize=32)
def _orthogonal(n, seed):
    q, r = np.linalg.qr(np.random.default_rng(seed).normal(size=(n, n)))
    return q * np.sign(np.diag(r))                                  # unique: a positive diagonal of r


def highway_params(forget_bias=1.0, scale=0.6):
    """The explorer's two networks, (LSTMParams, RNNParams), both D = 2 inputs and H = 8 units.

    forget_bias: the forget gate's bias b_f, the same for every unit (a number)
    scale:       s >= 0; each recurrent weight block is s times a fixed orthogonal matrix
    Input weights and the other biases are ``LSTMParams.init`` / ``RNNParams.init`` with seed 0.
    """
    fb = float(_checks.array("forget_bias", forget_bias, ndim=0))
    s = float(_checks.array("scale", scale, ndim=0))
    if s < 0:
        raise ValueError(f"scale must be >= 0; got {s}")
    lstm = LSTMParams.init(INPUTS, HIDDEN, seed=0, forget_bias=fb)
    blocks = {g: orthogonal(HIDDEN, k + 1) for k, g in enumerate("figo")}
    for g in "figo":
        lstm.gate(g).W_h[:] = s * blocks[g]
    rnn = RNNParams.init(INPUTS, HIDDEN, seed=0)
    rnn.weight_h[:] = s * orthogonal(HIDDEN, 5)
    return lstm, rnn


def highway_inputs(T: int) -> np.ndarray:
    """The explorer's inputs x_1..x_T, (1, T, 2): the first T steps of one fixed normal sequence."""
    T = _checks.positive_int("T", T)
    if T > T_MAX:
        raise ValueError(f"T must be at most {T_MAX}; got {T}")
    return np.random.default_rng(0).normal(size=(1, T_MAX, INPUTS))[:, :T]


class HighwayResult(NamedTuple):
    """What the explorer plots, indexed by steps back k = T - t (k = 0..T).

    path, full: (T+1, H) the cell-path-only and the full dL/dc_t of the LSTM, per unit
    rnn:        (T+1, H) the RNN's dL/dh_t
    f:          (T, H)   the forget gates f_1..f_T
    """

    path: np.ndarray
    full: np.ndarray
    rnn: np.ndarray
    f: np.ndarray


def highway_gradients(forget_bias=1.0, T=60, scale=0.6, loss="c") -> HighwayResult:
    """Run both networks of ``highway_params`` on ``highway_inputs(T)`` and backpropagate from step T.

    loss: "c" for L = u . c_T (dL/dc_T = u, no dL/dh), "h" for L = u . h_T; u = ones(H) / sqrt(H).
    The RNN's loss is u . h_T in both cases. Rows of the results run backwards in time.
    """
    _checks.choice("loss", loss, LOSSES)
    lstm, rnn = highway_params(forget_bias, scale)
    xs = highway_inputs(T)
    T = xs.shape[1]
    u = np.full((1, HIDDEN), 1.0 / np.sqrt(HIDDEN))
    dh = np.zeros((1, T, HIDDEN))
    dh[:, -1] = u
    trace = lstm_forward(lstm, xs)
    if loss == "c":
        grads = cell_gradients(trace, dc_last=u)
    else:
        grads = cell_gradients(trace, dh=dh)
    full = grads.dc[0, ::-1]
    path = cell_path_gradients(trace, grads.dc[:, -1])[0, ::-1]     # sets off with the full dL/dc_T
    rnn_dh = rnn_hidden_gradients(rnn_forward(rnn, xs), dh)[0, ::-1]
    return HighwayResult(path=path, full=full, rnn=rnn_dh, f=trace.f[0])
