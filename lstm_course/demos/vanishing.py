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
"""


from __future__ import annotations

import functools
from typing import NamedTuple

import numpy as np

from lstm_core import _checks
from lstm_core.losses import mean_squared_error
from lstm_core.optim import SGD, clip_grad_norm, global_norm
from lstm_core.params import RNNParams
from lstm_core.rnn import rnn_backward, rnn_forward

__all__ = ["FLOW_HIDDEN", "FLOW_T_MAX", "FLOW_SEED", "VANISH", "EXPLODE", "recurrent_matrix", "flow_inputs",
           "GradientFlow", "gradient_flow", "step_bounds", "verdict", "CLIFF_T", "CLIFF_KICK",
           "CLIFF_TARGET", "CLIFF_LR", "CLIFF_STEPS", "cliff_loss_and_grads", "cliff_surface", "Trajectory",
           "descend", "CLIFF_START", "CLIFF_BOX", "CLIFF_SEED", "CLIFF_N_STARTS", "cliff_starts",
           "CliffRuns", "cliff_runs"]

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


def recurrent_matrix(radius) -> np.ndarray:
    """Notebook 10's W_hh (H, H), H = 16: a fixed random matrix scaled to spectral radius ``radius``.

    radius: a number in [0, 10], the largest |eigenvalue| of the result."""
    r = _checks.finite_number("radius", radius, 0.0, 10.0)
    return r * _flow_base()[0]


def flow_inputs(T, input_scale) -> np.ndarray:
    """Notebook 10's inputs, (1, T, H): ``input_scale`` times the first T steps of a fixed normal sequence.

    T: an int in 1..100; input_scale: a number in [0, 100]."""
    T = _checks.positive_int("T", T)
    if T > FLOW_T_MAX:
        raise ValueError(f"T must be in 1..{FLOW_T_MAX}; got {T}")
    s = _checks.finite_number("input_scale", input_scale, 0.0, 100.0)
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
