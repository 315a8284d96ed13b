"""A deliberately plain LSTM and RNN, written straight from the equations with per-gate weight
dicts and Python loops: a second method to compare lstm_core's fused, vectorised code with."""

import math

import numpy as np


def sig(z):
    values = [1 / (1 + math.exp(-v)) if v >= 0 else math.exp(v) / (1 + math.exp(v)) for v in np.ravel(z)]
    return np.array(values).reshape(np.shape(z))


def lstm_cell(Wx, Wh, b, x, h, c):
    """Wx[g] (H, D), Wh[g] (H, H), b[g] (H,); x (D,), h, c (H,). Returns dict of f, i, g, o, c, h."""
    f = sig(Wx["f"] @ x + Wh["f"] @ h + b["f"])
    i = sig(Wx["i"] @ x + Wh["i"] @ h + b["i"])
    g = np.tanh(Wx["g"] @ x + Wh["g"] @ h + b["g"])
    o = sig(Wx["o"] @ x + Wh["o"] @ h + b["o"])
    c_new = f * c + i * g
    return {"f": f, "i": i, "g": g, "o": o, "c": c_new, "h": o * np.tanh(c_new)}


def lstm_sequence(Wx, Wh, b, xs, h0, c0):
    """xs (B, T, D); h0, c0 (B, H). Returns dict of (B, T, H) arrays."""
    B, T, _ = xs.shape
    out = {k: np.zeros((B, T, h0.shape[1])) for k in "figoch"}
    for n in range(B):
        h, c = h0[n], c0[n]
        for t in range(T):
            s = lstm_cell(Wx, Wh, b, xs[n, t], h, c)
            for k in "figoch":
                out[k][n, t] = s[k]
            h, c = s["h"], s["c"]
    return out


def rnn_sequence(Wx, Wh, b, xs, h0):
    B, T, _ = xs.shape
    hs = np.zeros((B, T, h0.shape[1]))
    for n in range(B):
        h = h0[n]
        for t in range(T):
            h = np.tanh(Wx @ xs[n, t] + Wh @ h + b)
            hs[n, t] = h
    return hs


def random_gates(rng, D, H, scale=0.7):
    Wx = {g: rng.uniform(-scale, scale, (H, D)) for g in "figo"}
    Wh = {g: rng.uniform(-scale, scale, (H, H)) for g in "figo"}
    b = {g: rng.uniform(-scale, scale, H) for g in "figo"}
    return Wx, Wh, b
