"""Dropout for recurrent networks: which random multipliers, and where.

Symbols: B = batch size, T = time steps, D = input size, H = hidden size, p = the drop rate.

Dropout multiplies activations by random 0/1 draws during training, each kept with probability
1 - p and scaled by 1 / (1 - p) so that the expected value is unchanged (at test time nothing is
dropped and nothing is scaled). In a recurrent layer the question is what to draw at each step:

    naive        a fresh mask at every step, on the input x_t and on the recurrent input h_{t-1}.
                 The recurrent path is cut in a new place at every step, so over a long
                 sequence almost every route from an early step to a late one is broken somewhere:
                 the noise compounds along time and memory suffers.
    variational  one mask per sequence, drawn once and used at every step (Gal and Ghahramani,
                 2016): the same units are silenced all along, so the network is a thinned but
                 consistent recurrent net for that sequence, and a path that survives survives
                 every step.
    zoneout      no zeros at all: at every step each unit, with probability p, keeps its previous
                 state (h and c) instead of updating (Krueger et al., 2017). The gradient flows
                 through the kept units unchanged, like an open forget gate. At test time each unit
                 keeps the fraction p of its old state (the expectation).

``dropout_noise`` draws the multipliers for every layer of a model as keyword arguments of
``masked_lstm_forward`` (x_scale, h_scale, zoneout); ``masking.py`` applies them.
"""

from __future__ import annotations

import numpy as np

from . import _checks
from .params import LSTMParams

KINDS = ("naive", "variational", "zoneout")


def check_dropout(dropout):
    """None, or (kind, p) with kind one of KINDS and 0 <= p < 1; returned as (str, float)."""
    if dropout is None:
        return None
    if not isinstance(dropout, (tuple, list)) or len(dropout) != 2:
        raise TypeError(f"dropout must be None or a (kind, p) pair, kind one of {KINDS}; got {_checks.describe(dropout)}")
    kind = _checks.choice("dropout kind", dropout[0], KINDS)
    p = _checks.finite_number("dropout p", dropout[1], 0.0, 1.0, high_open=True)
    return kind, p


def dropout_mask(shape, p, rng) -> np.ndarray:
    """Inverted dropout multipliers of ``shape``: 0 with probability p, else 1 / (1 - p)."""
    if not isinstance(shape, tuple) or not shape:
        raise TypeError(f"shape must be a non-empty tuple of positive ints; got {_checks.describe(shape)}")
    shape = tuple(_checks.positive_int(f"shape[{k}]", n) for k, n in enumerate(shape))
    p = _checks.finite_number("p", p, 0.0, 1.0, high_open=True)
    rng = _checks.seed("rng", rng)
    return (rng.random(shape) >= p) / (1.0 - p)


def _one_direction(kind, p, B, T, D, H, rng, train):
    if kind == "zoneout":
        z = (rng.random((B, T, H)) < p).astype(float) if train else np.full((B, T, H), p)
        return {"zoneout": z}
    if not train:
        return {}
    if kind == "naive":                        # new draws at every step
        return {"x_scale": dropout_mask((B, T, D), p, rng), "h_scale": dropout_mask((B, T, H), p, rng)}
    # variational: one draw per sequence, repeated along time
    xm = np.repeat(dropout_mask((B, 1, D), p, rng), T, axis=1)
    hm = np.repeat(dropout_mask((B, 1, H), p, rng), T, axis=1)
    return {"x_scale": xm, "h_scale": hm}


def dropout_noise(kind, p, layers, B, T, rng, train=True) -> list:
    """Per layer, the keyword arguments for the masked layer: {} (nothing), or x_scale (B, T, D) and
    h_scale (B, T, H) multipliers (naive, variational), or zoneout (B, T, H) keep fractions.

    layers: a list of LSTMParams, or (forward, backward) pairs (each direction gets its own draws)
    train:  False gives the test-time version (no dropout; zoneout at its expectation p)
    """
    kind, p = check_dropout((kind, p))
    B = _checks.positive_int("B", B)
    T = _checks.positive_int("T", T)
    rng = _checks.seed("rng", rng)
    train = _checks.flag("train", train)
    if not isinstance(layers, (list, tuple)) or not layers:
        raise TypeError(f"layers must be a non-empty list of LSTMParams or (forward, backward) pairs; "
                        f"got {_checks.describe(layers)}")
    for n, layer in enumerate(layers):
        parts = layer if isinstance(layer, (list, tuple)) else (layer,)
        if not 1 <= len(parts) <= 2 or not all(isinstance(q, LSTMParams) for q in parts):
            raise TypeError(f"layers[{n}] must be an LSTMParams or a (forward, backward) pair of them; "
                            f"got {_checks.describe(layer)}")
    out = []
    for layer in layers:
        pair = isinstance(layer, (tuple, list))
        parts = layer if pair else (layer,)
        draws = [_one_direction(kind, p, B, T, q.input_size, q.hidden_size, rng, train) for q in parts]
        if pair:
            out.append({k: (draws[0][k], draws[1][k]) for k in draws[0]})
        else:
            out.append(draws[0])
    return out
