"""Losses with their gradients, the two the course trains with.

Each returns ``Loss(value, grad)``: the scalar loss and dL/d(input), shaped like the input.

    softmax cross-entropy   L = mean over counted positions n of  -log p_n[t_n],
                            p_n = softmax(z_n);   dL/dz_n = (p_n - onehot(t_n)) / N
    mean squared error      L = mean over all elements of (y - y*)^2;
                            dL/dy = 2 (y - y*) / (number of elements)

"Mean" makes the loss independent of batch size and sequence length, so one learning rate
works for both; the gradient carries the same 1/N.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from . import _checks


class Loss(NamedTuple):
    value: float          # the loss, a Python float
    grad: np.ndarray      # dL/d(input), shaped like the input


def _log_softmax(z):
    shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def softmax_cross_entropy(logits, targets, mask=None) -> Loss:
    """Cross-entropy of softmax(logits) against integer class targets.

    logits:  (..., K) scores (any leading axes: (B, K) or (B, T, K))
    targets: (...)    integer class indices in [0, K)
    mask:    (...)    optional 0/1 (or bool) weights: which positions count; the mean is over them.
    """
    z = _checks.array("logits", logits)
    if z.ndim < 1:
        raise ValueError("logits must have at least one axis (the K class scores); got a scalar")
    K = z.shape[-1]
    t = _checks.as_ndarray("targets", targets)
    if t.dtype.kind not in "iu":
        raise TypeError(f"targets must be integer class indices; got {_checks.describe(targets)}")
    if t.shape != z.shape[:-1]:
        raise ValueError(f"targets must have shape {z.shape[:-1]} (logits {z.shape} without the class axis); "
                         f"got {t.shape}")
    if t.size and (t.min() < 0 or t.max() >= K):
        raise ValueError(f"targets must be class indices in [0, {K - 1}]; got values from {t.min()} to {t.max()}")
    if mask is None:
        w = np.ones(t.shape, z.dtype)
    else:
        m = _checks.as_ndarray("mask", mask)
        w = _checks.array("mask", m.astype(z.dtype) if m.dtype == bool else m, shape=t.shape, dtype=z.dtype)
        if (w < 0).any():
            raise ValueError("mask must be non-negative (0 = ignore a position, 1 = count it)")
    n = w.sum()
    if n <= 0:
        raise ValueError("mask must count at least one position; it is all zeros")
    logp = _log_softmax(z)
    picked = np.take_along_axis(logp, t[..., None], axis=-1)[..., 0]
    value = float(-(picked * w).sum() / n)
    grad = np.exp(logp)
    np.put_along_axis(grad, t[..., None], np.take_along_axis(grad, t[..., None], axis=-1) - 1.0, axis=-1)
    grad *= (w / n)[..., None]
    return Loss(value, grad.astype(z.dtype, copy=False))


def mean_squared_error(pred, target) -> Loss:
    """Mean over all elements of (pred - target)^2; pred and target have the same shape."""
    y = _checks.array("pred", pred)
    t = _checks.array("target", target, dtype=y.dtype)
    if t.shape != y.shape:
        raise ValueError(f"target must have the same shape as pred {y.shape}; got {t.shape}")
    if y.size == 0:
        raise ValueError("pred must not be empty")
    diff = y - t
    return Loss(float(np.mean(diff * diff)), (2.0 / y.size) * diff)
