"""Backpropagation through time along an unrolled Elman RNN, one step at a time (notebook 09; the
explorer is ``widgets.bptt``).

Symbols: T = time steps, D = input size, H = hidden size; one sequence (no batch axis). Time runs
t = 1..T; arrays over time are indexed 0..T-1 for steps 1..T.

Forward (the rule ``rnn_forward`` runs), with a loss that reads the state at one step s:

    z_t = W_xh x_t + W_hh h_{t-1} + b,   h_t = tanh(z_t),   h_0 = 0          W_xh (H, D), W_hh (H, H)
    L   = u . h_s                        (a fixed linear read-out u (H,) of the state at step s)

Backward, from step s down to step 1 (the rule ``rnn_backward`` runs):

    dL/dh_s     = u
    dz_t        = dL/dh_t * (1 - h_t^2)                   (back through tanh, elementwise)
    dL/dh_{t-1} = W_hh^T dz_t
    dL/dW_hh    = sum_t dz_t h_{t-1}^T                    (one (H, H) term per step: W_hh is used at every step)

The Jacobian of one step is J_t = dh_t/dh_{t-1} = diag(1 - h_t^2) W_hh (H, H), so
dL/dh_t = J_{t+1}^T ... J_s^T u: one factor per step travelled back. Steps after s get no
gradient (L does not depend on them), and step 1's term is zero because h_0 = 0.

Truncated BPTT after k steps keeps only the terms of steps s-k+1..s (``truncate=k``); its
relative error is ||dL/dW_hh (truncated) - dL/dW_hh|| / ||dL/dW_hh|| (Frobenius norms).

The explorer's network (``chain_params``, ``chain_inputs``): D = 1 input, H = 2 units,
W_xh = ``INPUT_WEIGHTS``, b = ``BIAS``, W_hh = scale * Q with Q the rotation by ``ANGLE`` (so W_hh
stretches every vector by exactly ``scale``), x_t = sin(0.9 t), and u = ``READOUT``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstm_core import _checks
from lstm_core.params import RNNParams
from lstm_core.rnn import rnn_backward, rnn_forward

__all__ = ["T_MAX", "ANGLE", "INPUT_WEIGHTS", "BIAS", "READOUT", "rotation", "chain_params", "chain_inputs",
           "BPTTChain", "bptt_chain", "truncation_errors"]

T_MAX = 12                                    # the longest chain the explorer unrolls
ANGLE = 0.5                                   # radians: Q rotates by this angle
INPUT_WEIGHTS = np.array([[0.8], [-0.5]])     # W_xh (H, D) = (2, 1)
BIAS = np.array([0.1, -0.2])                  # b (H,)
READOUT = np.array([1.0, -0.5])               # u (H,): L_s = u . h_s


def rotation(angle: float = ANGLE) -> np.ndarray:
    """The 2 x 2 rotation matrix Q by ``angle`` radians (Q^T Q = I)."""
    c, s = np.cos(angle), np.sin(angle)
    return np.array([[c, -s], [s, c]])


def chain_params(scale: float) -> RNNParams:
    """The explorer's RNN: W_xh = INPUT_WEIGHTS (2, 1), W_hh = scale * rotation() (2, 2), b = BIAS (2,).

    scale: a finite number, how much W_hh stretches every vector."""
    scale = float(_checks.array("scale", scale, ndim=0))
    return RNNParams(INPUT_WEIGHTS.copy(), scale * rotation(), BIAS.copy())


def chain_inputs(T: int = T_MAX) -> np.ndarray:
    """The fixed inputs x_1..x_T, shape (T, 1): x_t = sin(0.9 t). T: a positive int."""
    T = _checks.positive_int("T", T)
    return np.sin(0.9 * np.arange(1, T + 1)).reshape(T, 1)


@dataclass
class BPTTChain:
    """What ``bptt_chain`` computed. Arrays over time are indexed 0..T-1 for steps 1..T."""

    h: np.ndarray               # (T, H)     hidden states h_1..h_T
    jacobians: np.ndarray       # (T, H, H)  J_t = dh_t/dh_{t-1} = diag(1 - h_t^2) W_hh
    jacobian_norms: np.ndarray  # (T,)       spectral norm of each J_t
    dh: np.ndarray              # (T, H)     dL/dh_t (zero after the loss step)
    terms: np.ndarray           # (T, H, H)  dz_t h_{t-1}^T, each step's share of dL/dW_hh
    term_norms: np.ndarray      # (T,)       Frobenius norm of each term
    dW_hh: np.ndarray           # (H, H)     the full gradient (from rnn_backward)
    dW_hh_truncated: np.ndarray  # (H, H)    the sum of the kept terms only
    kept: np.ndarray            # (T,) bool  steps whose term truncation keeps
    loss_step: int              # s, 1-based
    truncate: int               # k (>= s means nothing is cut)

    @property
    def rel_error(self) -> float:
        """||truncated - full|| / ||full|| (0 when both are zero)."""
        diff = float(np.linalg.norm(self.dW_hh_truncated - self.dW_hh))
        full = float(np.linalg.norm(self.dW_hh))
        return 0.0 if diff == 0.0 else diff / max(full, np.finfo(float).tiny)


def bptt_chain(params: RNNParams, xs, loss_step: int, readout, truncate=None) -> BPTTChain:
    """BPTT of the loss L = readout . h_s (s = ``loss_step``) of an Elman RNN run from h_0 = 0.

    params: RNNParams (D, H); xs: (T, D), one sequence; loss_step: s in 1..T; readout: (H,);
    truncate: k >= 1 (keep the terms of steps s-k+1..s) or None (keep all).
    """
    if not isinstance(params, RNNParams):
        raise TypeError(f"params must be an RNNParams; got {_checks.describe(params)}")
    D, H = params.input_size, params.hidden_size
    xs = _checks.array("xs", xs, ndim=2, shape=(None, D), dtype=np.float64)
    T = xs.shape[0]
    if T < 1:
        raise ValueError(f"xs must hold at least one step, shape (T, {D}); got shape {xs.shape}")
    s = _checks.positive_int("loss_step", loss_step)
    if s > T:
        raise ValueError(f"loss_step must be in 1..T = 1..{T}; got {s}")
    u = _checks.array("readout", readout, shape=(H,), dtype=np.float64)
    k = T if truncate is None else _checks.positive_int("truncate", truncate)

    trace = rnn_forward(params, xs[None])
    h = trace.h[0]                                            # (T, H)
    h_prev = np.vstack([np.zeros((1, H)), h[:-1]])            # h_0..h_{T-1}
    W = params.weight_h
    slope = 1.0 - h * h                                       # tanh' at each step, (T, H)
    jac = slope[:, :, None] * W[None]                         # diag(1 - h_t^2) W_hh
    jac_norms = np.linalg.norm(jac, ord=2, axis=(1, 2))

    dh = np.zeros((T, H))
    dh[s - 1] = u
    for t in range(s - 1, 0, -1):                             # dL/dh_{t-1} = J_t^T dL/dh_t
        dh[t - 1] = jac[t].T @ dh[t]
    dz = dh * slope
    terms = dz[:, :, None] * h_prev[:, None, :]               # dz_t h_{t-1}^T, (T, H, H)
    steps = np.arange(1, T + 1)
    kept = (steps <= s) & (steps > s - k)

    dh_loss = np.zeros((1, T, H))
    dh_loss[0, s - 1] = u
    full = rnn_backward(trace, dh_loss).params.weight_h
    return BPTTChain(h=h, jacobians=jac, jacobian_norms=jac_norms, dh=dh, terms=terms,
                     term_norms=np.linalg.norm(terms, axis=(1, 2)), dW_hh=full,
                     dW_hh_truncated=terms[kept].sum(axis=0), kept=kept, loss_step=s, truncate=k)


def truncation_errors(chain: BPTTChain) -> np.ndarray:
    """The relative error of truncated BPTT for every k = 1..T, from one forward pass.

    chain: the BPTTChain from ``bptt_chain`` (its ``truncate`` does not matter).
    Returns (T,): entry k-1 is ||sum of the terms of steps s-k+1..s - dL/dW_hh|| / ||dL/dW_hh||
    (0 when both are zero); for every k >= s it is 0 up to rounding (the full dL/dW_hh is
    ``rnn_backward``'s, summed in another order).
    """
    if not isinstance(chain, BPTTChain):
        raise TypeError(f"chain must be the BPTTChain that bptt_chain returned; got {_checks.describe(chain)}")
    s = chain.loss_step
    full = np.linalg.norm(chain.dW_hh)
    cum = np.cumsum(chain.terms[:s][::-1], axis=0)         # terms of steps s, s..s-1, ...
    errs = np.zeros(len(chain.h))
    for k in range(1, len(chain.h) + 1):
        diff = np.linalg.norm(cum[min(k, s) - 1] - chain.dW_hh)
        errs[k - 1] = 0.0 if diff == 0.0 else diff / max(full, np.finfo(float).tiny)
    return errs
