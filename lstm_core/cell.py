"""One LSTM time step, forward and backward.

Symbols: B = batch size, D = input size, H = hidden size. A single example may be passed as
vectors (D,) and (H,); a batch as (B, D) and (B, H). "*" is the elementwise (Hadamard) product.

Forward:
    z = W_x x + W_h h_prev + b            (4H pre-activations, one matrix product per input)
    f = sigmoid(z_f)    forget gate: how much of each unit of c_prev to keep, in (0, 1)
    i = sigmoid(z_i)    input gate: how much of the candidate to write, in (0, 1)
    g = tanh(z_g)       candidate C~: what to write, in (-1, 1)
    o = sigmoid(z_o)    output gate: how much of the cell to show, in (0, 1)
    c = f * c_prev + i * g
    h = o * tanh(c)

Backward, given dh = dL/dh and dc = dL/dc arriving from later steps and the loss:
    dc_total = dc + dh * o * tanh'(c)      (c reaches the loss directly and through h)
    do = dh * tanh(c);  df = dc_total * c_prev;  di = dc_total * g;  dg = dc_total * i
    dz_f = df * f(1-f); dz_i = di * i(1-i); dz_g = dg * (1-g^2); dz_o = do * o(1-o)
    dc_prev = dc_total * f                 (the direct path through the cell state)
    dx = W_x^T dz;  dh_prev = W_h^T dz;  dW_x = dz x^T;  dW_h = dz h_prev^T;  db = dz

A whole sequence is this step in a loop: ``loop.py`` (lstm_forward_loop, lstm_backward_loop) writes
that loop out plainly; ``sequence.py`` is the fast version of the same loop.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from . import _checks
from .activations import sigmoid_
from .params import LSTMGradients, LSTMParams


@dataclass
class LSTMStep:
    """What one step computed. Each of f, i, g, o, c, h has shape (H,) or (B, H), like the input.

    x, h_prev, c_prev and tanh_c are kept for ``lstm_step_backward``, and ``params``, the weights
    the step used: all copies, so that changing the caller's arrays afterwards (refilling an input
    buffer, an optimiser step) cannot change the gradient of what this step computed.
    """

    f: np.ndarray
    i: np.ndarray
    g: np.ndarray
    o: np.ndarray
    c: np.ndarray
    h: np.ndarray
    x: np.ndarray
    h_prev: np.ndarray
    c_prev: np.ndarray
    tanh_c: np.ndarray
    params: LSTMParams = None


@dataclass
class LSTMStepGradients:
    """Gradients of one step: ``params`` (LSTMGradients), ``x``, ``h_prev``, ``c_prev``."""

    params: LSTMGradients
    x: np.ndarray
    h_prev: np.ndarray
    c_prev: np.ndarray


def check_params(params, cls=LSTMParams):
    if not isinstance(params, cls):
        n = cls.__name__    # "an LSTMParams" (letters read out), "a PeepholeParams"
        article = "an" if n[0] in ("AEIOFHLMNRSX" if n[:2].isupper() else "AEIOU") else "a"
        raise TypeError(f"params must be {article} {cls.__name__}; got {_checks.describe(params)}")
    return params


def check_step_inputs(params, x, **states):
    """Validate one step's input ``x`` and its ``states`` (name=value, None for zeros).

    Returns ([x, *states] as 2-D arrays (B, D) and (B, H)), and whether x came as a vector."""
    dt = params.dtype
    D, H = params.input_size, params.hidden_size
    x = _checks.array("x", x, ndim=(1, 2), dtype=dt)
    vector = x.ndim == 1
    if x.shape[-1] != D:
        raise ValueError(f"x must have {D} features (the params' input_size) in its last axis; got shape {x.shape}")
    x2 = x.reshape(1, D) if vector else x
    B = x2.shape[0]
    want = (H,) if vector else (B, H)
    out = [x2]
    for name, v in states.items():
        if v is None:
            out.append(np.zeros((B, H), dt))
            continue
        arr = _checks.array(name, v, dtype=dt)
        if arr.shape != want:
            raise ValueError(f"{name} must have shape {want} to match x {x.shape} and hidden size {H}; got {arr.shape}")
        out.append(arr.reshape(B, H))
    return out, vector


class GateValue(NamedTuple):
    """A gate's pre-activation z = W [x, h] + b and its activation a = act(z), both (H,) or (B, H)."""

    z: np.ndarray
    a: np.ndarray


GATE_ACTIVATIONS = ("sigmoid", "tanh")


def gate_value(W, x, h_prev, b=None, order="xh", activation="sigmoid") -> GateValue:
    """One gate on its own, written the way the sources write it: a = act(W [x, h_prev] + b).

    W:      (H, D+H) acting on the concatenation [x, h_prev] (order="xh") or [h_prev, x] ("hx")
    x:      (D,) or (B, D);  h_prev: (H,) or (B, H);  b: (H,) or None (zeros)
    activation: "sigmoid" (the gates f, i, o) or "tanh" (the candidate C~)
    """
    _checks.choice("order", order, ("xh", "hx"))
    _checks.choice("activation", activation, GATE_ACTIVATIONS)
    W = _checks.array("W", W, ndim=2)
    H = W.shape[0]
    D = W.shape[1] - H
    if D < 1:
        raise ValueError(f"W must have shape (H, D+H) with D >= 1; got {W.shape}")
    x = _checks.array("x", x, ndim=(1, 2), dtype=W.dtype)
    if x.shape[-1] != D:
        raise ValueError(f"x must have {D} features to match W {W.shape} (H = {H}); got shape {x.shape}")
    h = _checks.array("h_prev", h_prev, shape=x.shape[:-1] + (H,), dtype=W.dtype)
    b = np.zeros(H, W.dtype) if b is None else _checks.array("b", b, shape=(H,), dtype=W.dtype)
    v = np.concatenate([x, h] if order == "xh" else [h, x], axis=-1)   # (..., D+H)
    z = v @ W.T + b
    a = np.empty_like(z)
    if activation == "sigmoid":
        sigmoid_(z, a)
    else:
        np.tanh(z, out=a)
    return GateValue(z, a)


def cell_state_update(f, i, g, c_prev):
    """c = f * c_prev + i * g: keep a share f of the old memory, add a share i of the candidate.

    All four arguments have the same shape, (H,) or (B, H); f and i in [0, 1], g in [-1, 1]."""
    c_prev = _checks.array("c_prev", c_prev)
    arrs = {}
    for name, v, lo, hi in (("f", f, 0, 1), ("i", i, 0, 1), ("g", g, -1, 1)):
        a = _checks.array(name, v, shape=c_prev.shape, dtype=c_prev.dtype)
        if (a < lo).any() or (a > hi).any():
            raise ValueError(f"{name} must lie in [{lo}, {hi}]; got values from {a.min():.3g} to {a.max():.3g}")
        arrs[name] = a
    return arrs["f"] * c_prev + arrs["i"] * arrs["g"]


def hidden_state(o, c):
    """h = o * tanh(c): the output gate chooses how much of the squashed cell state to show.

    o and c have the same shape, (H,) or (B, H); o in [0, 1]."""
    c = _checks.array("c", c)
    o = _checks.array("o", o, shape=c.shape, dtype=c.dtype)
    if (o < 0).any() or (o > 1).any():
        raise ValueError(f"o must lie in [0, 1]; got values from {o.min():.3g} to {o.max():.3g}")
    return o * np.tanh(c)


def lstm_step(params: LSTMParams, x, h_prev=None, c_prev=None) -> LSTMStep:
    """One LSTM step.

    params: LSTMParams with input size D and hidden size H
    x:      (D,) or (B, D)  the input at this step
    h_prev: (H,) or (B, H)  the previous hidden state (zeros if None)
    c_prev: (H,) or (B, H)  the previous cell state (zeros if None)
    Returns an LSTMStep with f, i, g, o, c, h shaped like h_prev.
    """
    check_params(params)
    (x2, h2, c2), vector = check_step_inputs(params, x, h_prev=h_prev, c_prev=c_prev)
    x2, h2, c2 = x2.copy(), h2.copy(), c2.copy()    # kept for the backward: the caller may reuse theirs
    H = params.hidden_size
    z = x2 @ params.weight_x.T                    # (B, 4H)
    z += h2 @ params.weight_h.T
    z += params.bias
    a = np.empty_like(z)
    sigmoid_(z[:, :3 * H], a[:, :3 * H])         # f, i, o
    np.tanh(z[:, 3 * H:], out=a[:, 3 * H:])       # g
    f, i, o, g = a[:, :H], a[:, H:2 * H], a[:, 2 * H:3 * H], a[:, 3 * H:]
    c = f * c2 + i * g
    tanh_c = np.tanh(c)
    h = o * tanh_c
    out = dict(f=f, i=i, g=g, o=o, c=c, h=h, x=x2, h_prev=h2, c_prev=c2, tanh_c=tanh_c)
    if vector:                                    # one example in, one example out: (H,) not (1, H)
        out = {k: v[0] for k, v in out.items()}
    return LSTMStep(**out, params=params.copy())


def lstm_step_backward(params: LSTMParams, step: LSTMStep, dh, dc=None) -> LSTMStepGradients:
    """Backward through one step.

    params: the LSTMParams the step was computed with (its sizes and dtype are checked against
            the step's; the gradient is taken with the copy of the weights the step kept, so it
            stays right even if params changed since)
    step: the LSTMStep that ``lstm_step(params, ...)`` returned
    dh:   (H,) or (B, H)  dL/dh for this step's h (from the loss and from later steps)
    dc:   (H,) or (B, H)  dL/dc from later steps, or None (zeros)
    Returns LSTMStepGradients(params (LSTMGradients), x, h_prev, c_prev), shaped like the inputs.
    """
    check_params(params)
    if not isinstance(step, LSTMStep):
        raise TypeError(f"step must be the LSTMStep that lstm_step returned; got {_checks.describe(step)}")
    D, H = step.x.shape[-1], step.h.shape[-1]
    if (D, H, step.h.dtype) != (params.input_size, params.hidden_size, params.dtype):
        raise ValueError(f"step must come from lstm_step with these params: the step has input size {D}, "
                         f"hidden size {H} and dtype {step.h.dtype}; params have {params.input_size}, "
                         f"{params.hidden_size} and {params.dtype}")
    if step.params is not None:
        params = step.params                      # the weights the step used: the gradient of what it computed
    shape = step.h.shape
    dt = params.dtype
    dh = _checks.array("dh", dh, shape=shape, dtype=dt)
    dc = np.zeros(shape, dt) if dc is None else _checks.array("dc", dc, shape=shape, dtype=dt)
    f, i, g, o, tc = step.f, step.i, step.g, step.o, step.tanh_c
    dc_total = dc + dh * o * (1.0 - tc * tc)                   # through h = o * tanh(c), and directly
    dz_f = dc_total * step.c_prev * f * (1.0 - f)
    dz_i = dc_total * g * i * (1.0 - i)
    dz_o = dh * tc * o * (1.0 - o)
    dz_g = dc_total * i * (1.0 - g * g)
    dz = np.concatenate([dz_f, dz_i, dz_o, dz_g], axis=-1)    # GATE_ORDER f, i, o, g: (B, 4H)
    dz2 = np.atleast_2d(dz)
    x2, h2 = np.atleast_2d(step.x), np.atleast_2d(step.h_prev)
    grads = LSTMGradients(dz2.T @ x2, dz2.T @ h2, dz2.sum(axis=0))
    return LSTMStepGradients(
        params=grads,
        x=dz @ params.weight_x,
        h_prev=dz @ params.weight_h,
        c_prev=dc_total * f,
    )
