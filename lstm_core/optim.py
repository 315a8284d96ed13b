"""Optimisers and gradient clipping over a dict of parameter arrays.

Parameters and gradients are both ``{name: ndarray}`` with the same keys and shapes (a model's
``params`` dict and the dict its backward returns). Optimisers update the parameter arrays
*in place*, so every view of them (``model.cell.gate("f").W_x`` ...) sees the new values.

    SGD (with momentum mu):   v <- mu v + g;           w <- w - lr v
    Adam:                     m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2
                              w <- w - lr * m_hat / (sqrt(v_hat) + eps),
                              m_hat = m / (1 - b1^t),  v_hat = v / (1 - b2^t)
    clipping by global norm:  n = sqrt(sum over every array of sum(g^2));
                              if n > max_norm: every g <- g * max_norm / n
                              (the direction is kept, only the length is cut)

Gradients are float arrays (an int, bool or complex "gradient" is a TypeError, never applied).
The norm is computed as m * sqrt(sum((g / m)^2)) with m the largest |g| when the plain sum of
squares overflows (entries above about 1e154: an exploding RNN's gradients), so clipping still
cuts the length and keeps the direction instead of zeroing everything.
"""

from __future__ import annotations

import numpy as np

from . import _checks


def _positive(name, value, allow_zero=False):
    return _checks.finite_number(name, value, 0, low_open=not allow_zero)


def _check_grads(grads, params=None):
    if not isinstance(grads, dict) or not grads:
        raise TypeError(f"grads must be a non-empty dict of name -> array; got {_checks.describe(grads)}")
    for k, g in grads.items():
        if not isinstance(g, np.ndarray):
            raise TypeError(f"grads[{k!r}] must be a numpy array; got {_checks.describe(g)}")
        if g.dtype.kind != "f":
            raise TypeError(f"grads[{k!r}] must be an array of real floats (float32 or float64); "
                            f"got {_checks.describe(g)}")
        if params is not None:
            if k not in params:
                raise ValueError(f"grads has a key {k!r} that is not a parameter; parameters are {sorted(params)}")
            if g.shape != params[k].shape:
                raise ValueError(f"grads[{k!r}] must have the shape of the parameter {params[k].shape}; got {g.shape}")
        if not np.isfinite(g).all():
            raise ValueError(f"grads[{k!r}] holds NaN or inf: the loss diverged (try a smaller learning rate "
                             "or gradient clipping)")
    if params is not None and set(params) != set(grads):
        raise ValueError(f"grads must have one entry per parameter; missing {sorted(set(params) - set(grads))}")


def _norm(grads) -> tuple:
    """(global norm, the largest |entry| m, sqrt(sum((g / m)^2))): the last is the norm of the
    gradients divided by m, which never overflows (it is at most sqrt(number of entries))."""
    with np.errstate(over="ignore"):
        total = sum(float(np.vdot(g, g)) for g in grads.values())
    if np.isfinite(total) and total > 0:
        return float(np.sqrt(total)), None, None
    m = max(float(np.max(np.abs(g))) if g.size else 0.0 for g in grads.values())
    if m == 0:
        return 0.0, None, None
    scaled = float(np.sqrt(sum(float(np.vdot(g / m, g / m)) for g in grads.values())))
    return m * scaled, m, scaled                # inf only when the norm itself is beyond the float range


def global_norm(grads) -> float:
    """sqrt of the sum of squares of every entry of every array in ``grads`` (no overflow for
    finite entries, however large; inf only if the norm itself is beyond the float range)."""
    _check_grads(grads)
    return _norm(grads)[0]


def clip_grad_norm(grads, max_norm) -> float:
    """Scale every array of ``grads`` in place so their global norm is at most ``max_norm``.

    Returns the global norm *before* clipping (so a training loop can report it)."""
    m = _positive("max_norm", max_norm)
    _check_grads(grads)
    norm, big, scaled = _norm(grads)
    if norm > m:
        for g in grads.values():
            if big is None:
                g *= m / norm
            else:                      # divide by the largest entry first: m / norm would underflow
                g /= big
                g *= m / scaled
    return norm


class _Optimizer:
    def __init__(self, params, lr):
        if not isinstance(params, dict) or not params:
            raise TypeError(f"params must be a non-empty dict of name -> array; got {_checks.describe(params)}")
        for k, p in params.items():
            if not isinstance(p, np.ndarray) or p.dtype not in _checks.FLOAT_DTYPES:
                raise TypeError(f"params[{k!r}] must be a float32 or float64 numpy array; got {_checks.describe(p)}")
            if not np.isfinite(p).all():
                raise ValueError(f"params[{k!r}] holds NaN or inf: these weights have diverged already")
        self.params = params
        self.lr = _positive("lr", lr)
        self.steps = 0

    def step(self, grads):
        """Update every parameter in place from ``grads`` (same keys and shapes)."""
        _check_grads(grads, self.params)
        self.steps += 1
        for k, p in self.params.items():
            self._update(k, p, grads[k])

    def state(self) -> dict:
        """The optimiser's state arrays (for saving alongside the weights)."""
        return {}


class SGD(_Optimizer):
    """Stochastic gradient descent, optionally with (heavy-ball) momentum."""

    def __init__(self, params, lr=0.1, momentum=0.0):
        super().__init__(params, lr)
        self.momentum = _positive("momentum", momentum, allow_zero=True)
        if self.momentum >= 1:
            raise ValueError(f"momentum must be in [0, 1); got {momentum}")
        self._v = {k: np.zeros_like(p) for k, p in params.items()} if self.momentum else {}

    def _update(self, k, p, g):
        if self.momentum:
            v = self._v[k]
            v *= self.momentum
            v += g
            g = v
        p -= self.lr * g


class Adam(_Optimizer):
    """Adam (Kingma and Ba, 2015) with bias correction."""

    def __init__(self, params, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        super().__init__(params, lr)
        self.beta1 = _positive("beta1", beta1, allow_zero=True)
        self.beta2 = _positive("beta2", beta2, allow_zero=True)
        for name, b in (("beta1", self.beta1), ("beta2", self.beta2)):
            if b >= 1:
                raise ValueError(f"{name} must be in [0, 1); got {b}")
        self.eps = _positive("eps", eps)
        self._m = {k: np.zeros_like(p) for k, p in params.items()}
        self._v = {k: np.zeros_like(p) for k, p in params.items()}
        self._work = {}         # two scratch arrays per parameter shape: the update allocates nothing

    def _update(self, k, p, g):
        m, v = self._m[k], self._v[k]
        key = (p.shape, p.dtype)
        if key not in self._work:
            self._work[key] = (np.empty_like(p), np.empty_like(p))
        a, b = self._work[key]
        # the same operations, in the same order, as the formulas in the module docstring
        m *= self.beta1
        np.multiply(g, 1 - self.beta1, out=a)
        m += a                                          # m = b1 m + (1 - b1) g
        v *= self.beta2
        np.multiply(g, g, out=a)
        a *= 1 - self.beta2
        v += a                                          # v = b2 v + (1 - b2) g^2
        c1 = 1 - self.beta1 ** self.steps
        c2 = 1 - self.beta2 ** self.steps
        np.divide(v, c2, out=a)
        np.sqrt(a, out=a)
        a += self.eps                                   # sqrt(v_hat) + eps
        np.multiply(m, self.lr / c1, out=b)
        b /= a
        p -= b                                          # w -= lr m_hat / (sqrt(v_hat) + eps)

    def state(self):
        return {**{f"m.{k}": a for k, a in self._m.items()}, **{f"v.{k}": a for k, a in self._v.items()}}
