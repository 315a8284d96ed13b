"""Embeddings: a table of learnt vectors, one row per symbol, read by index.

Symbols: V = vocabulary size (number of symbols), E = embedding size, and any leading axes of the
integer ids (B, or B, T).

    forward:   e = table[ids]                              ids (...) -> e (..., E)
    backward:  dtable[v] = sum of de[n] over every n with ids[n] = v      (a scatter-add)

Reading row v of the table is the same as multiplying the one-hot vector of v by the table:
onehot(v) @ table = table[v]. So an embedding is a linear layer on one-hot inputs, computed
without building the one-hot vectors; its gradient is onehot(ids)^T @ de, which adds each de[n]
into the row its symbol picked (``np.add.at``, which, unlike ``dtable[ids] += de``, counts a
symbol that appears twice twice). Rows of symbols absent from the batch get zero gradient.
"""

from __future__ import annotations

import numpy as np

from . import _checks


def check_ids(name, ids, vocab_size, size_name="the table's number of rows") -> np.ndarray:
    """ids as an integer array with every value in [0, vocab_size) (``size_name`` says where that
    size comes from, for the message)."""
    a = _checks.as_ndarray(name, ids)
    if a.dtype.kind not in "iu":
        raise TypeError(f"{name} must be integer symbol ids; got {_checks.describe(ids)}")
    if a.size and (a.min() < 0 or a.max() >= vocab_size):
        raise ValueError(f"{name} must lie in [0, {vocab_size - 1}] ({size_name} is {vocab_size}); "
                         f"got values from {a.min()} to {a.max()}")
    return a


def check_table(table) -> np.ndarray:
    """table as a (V, E) float array."""
    t = _checks.array("table", table, ndim=2)
    if t.shape[0] < 1 or t.shape[1] < 1:
        raise ValueError(f"table must have shape (V, E) with V, E >= 1; got {t.shape}")
    return t


def init_embedding(vocab_size, embed_size, seed=0, scale=1.0, dtype=np.float64) -> np.ndarray:
    """A (V, E) table drawn from Normal(0, scale^2), as ``nn.Embedding`` draws it (scale 1)."""
    V = _checks.positive_int("vocab_size", vocab_size)
    E = _checks.positive_int("embed_size", embed_size)
    s = _checks.finite_number("scale", scale, 0.0)
    dt = _checks.float_dtype("dtype", dtype)
    rng = _checks.seed("seed", seed)
    return (rng.normal(0.0, 1.0, (V, E)) * s).astype(dt)


def embedding_forward(table, ids) -> np.ndarray:
    """The rows of ``table`` that ``ids`` name.

    table: (V, E)   one vector per symbol
    ids:   (...)    integer symbols in [0, V), e.g. (B, T)
    Returns e (..., E), a new array.
    """
    t = check_table(table)
    i = check_ids("ids", ids, t.shape[0])
    return t[i]                                    # fancy indexing copies


def embedding_backward(ids, d_out, vocab_size) -> np.ndarray:
    """dL/dtable from dL/de: each row of d_out is added into the row of the table its id picked.

    ids:        (...)     the ids of the forward pass
    d_out:      (..., E)  dL/de
    vocab_size: V
    Returns dtable (V, E).
    """
    V = _checks.positive_int("vocab_size", vocab_size)
    i = check_ids("ids", ids, V, "vocab_size")
    d = _checks.array("d_out", d_out)
    if d.ndim != i.ndim + 1 or d.shape[:-1] != i.shape:
        raise ValueError(f"d_out must have shape {i.shape} + (E,): the shape of ids, then the embedding size; "
                         f"got {d.shape}")
    dtable = np.zeros((V, d.shape[-1]), d.dtype)
    np.add.at(dtable, i.reshape(-1), d.reshape(-1, d.shape[-1]))   # repeated ids add up
    return dtable
