"""The small output layer both cells share: a linear projection of h, then softmax.

Symbols: H = hidden size, K = number of outputs (classes), and any leading axes (B, or B, T).

    y = W_hy h + b_y        projection:  W_hy (K, H), b_y (K,), h (..., H) -> y (..., K)
    p = softmax(y)          p_k = exp(y_k) / sum_j exp(y_j), along the last axis

Backward of the projection, given dy = dL/dy:
    dh = W_hy^T dy;  dW_hy = sum over leading axes of dy h^T;  db_y = sum of dy
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from . import _checks


class ProjectionGradients(NamedTuple):
    h: np.ndarray      # (..., H)
    W_hy: np.ndarray   # (K, H)
    b_y: np.ndarray    # (K,)


def _check_projection(W_hy, b_y, h):
    W = _checks.array("W_hy", W_hy, ndim=2)
    K, H = W.shape
    b = _checks.array("b_y", b_y, shape=(K,), dtype=W.dtype)
    hh = _checks.array("h", h, dtype=W.dtype)
    if hh.ndim < 1 or hh.shape[-1] != H:
        raise ValueError(f"h must have {H} features in its last axis (W_hy is {W.shape}); got shape {hh.shape}")
    return W, b, hh


def project(W_hy, b_y, h):
    """y = W_hy h + b_y along the last axis of h.

    W_hy: (K, H), b_y: (K,), h: (H,), (B, H) or (B, T, H). Returns y with last axis K."""
    W, b, hh = _check_projection(W_hy, b_y, h)
    return hh @ W.T + b


def project_backward(W_hy, b_y, h, dy) -> ProjectionGradients:
    """Gradients of ``project`` given dy = dL/dy (shaped like the output y)."""
    W, b, hh = _check_projection(W_hy, b_y, h)
    want = hh.shape[:-1] + (W.shape[0],)
    d = _checks.array("dy", dy, shape=want, dtype=W.dtype)
    d2, h2 = d.reshape(-1, W.shape[0]), hh.reshape(-1, W.shape[1])
    return ProjectionGradients(h=d @ W, W_hy=d2.T @ h2, b_y=d2.sum(axis=0))


def softmax(y, axis=-1):
    """exp(y) / sum(exp(y)) along ``axis``; subtracts the max first, so it never overflows."""
    arr = _checks.array("y", y)
    if arr.ndim == 0:
        raise ValueError("y must have at least one dimension (the scores to normalise); got a scalar")
    if isinstance(axis, (bool, np.bool_)) or not isinstance(axis, (int, np.integer)) or \
            not -arr.ndim <= axis < arr.ndim:
        raise ValueError(f"axis must be an int in [-{arr.ndim}, {arr.ndim - 1}] for y of shape {arr.shape}; got {axis!r}")
    e = np.exp(arr - arr.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)
