"""Synthetic sequence tasks whose answer depends on an input far back in time.

first_symbol(n, length, n_symbols): a sequence of random symbols; the answer is the FIRST one,
    seen ``length - 1`` steps before the model must answer. Chance level is 1 / n_symbols.
    xs: integer symbols (n, length); targets: (n,) classes.
adding(n, length): two channels per step: a random number in [0, 1) and a 0/1 marker; exactly two
    steps are marked, one in the first half and one in the second; the answer is the sum of the
    two marked numbers (the "adding problem" of Hochreiter & Schmidhuber). Predicting 1.0 always
    gives a mean squared error of about 1/6; xs: (n, length, 2); targets: (n, 1).
reverse_digits(n, length, n_digits): strings of ``length`` random digits in [0, n_digits); the
    answer is the same string backwards (a sequence-to-sequence task, ``seq2seq.py``): the
    first digit out is the last one in, the last digit out was read ``length`` steps before the
    decoder started. src: (n, length) int; targets: (n, length) int.

Every generator takes a ``seed``, an int >= 0 or a list of them (not None, not a Generator:
either would give different data on every call), and returns the same data for the same arguments.
"""

from __future__ import annotations

import numpy as np

from . import _checks


def first_symbol(n, length, n_symbols=4, seed=0):
    """(xs (n, length) int, targets (n,) int): remember the first of ``length`` random symbols."""
    n = _checks.positive_int("n", n)
    length = _checks.positive_int("length", length)
    k = _checks.positive_int("n_symbols", n_symbols)
    if k < 2:
        raise ValueError(f"n_symbols must be at least 2 (one symbol leaves nothing to remember); got {k}")
    rng = _checks.seed("seed", seed, generator=False)   # an int (or a list of them): same seed, same data
    xs = rng.integers(0, k, size=(n, length))
    return xs, xs[:, 0].copy()


def adding(n, length, seed=0):
    """(xs (n, length, 2), targets (n, 1)): add the two marked numbers of a sequence."""
    n = _checks.positive_int("n", n)
    length = _checks.positive_int("length", length)
    if length < 2:
        raise ValueError(f"length must be at least 2 (two steps are marked); got {length}")
    rng = _checks.seed("seed", seed, generator=False)   # an int (or a list of them): same seed, same data
    values = rng.uniform(0.0, 1.0, size=(n, length))
    half = length // 2
    first = rng.integers(0, half, size=n)
    second = rng.integers(half, length, size=n)
    marks = np.zeros((n, length))
    rows = np.arange(n)
    marks[rows, first] = 1.0
    marks[rows, second] = 1.0
    xs = np.stack([values, marks], axis=-1)
    targets = (values[rows, first] + values[rows, second])[:, None]
    return xs, targets


def reverse_digits(n, length, n_digits=8, seed=0):
    """(src (n, length) int, targets (n, length) int): a digit string and the same string reversed."""
    n = _checks.positive_int("n", n)
    length = _checks.positive_int("length", length)
    k = _checks.positive_int("n_digits", n_digits)
    if k < 2:
        raise ValueError(f"n_digits must be at least 2 (one digit leaves nothing to reverse); got {k}")
    rng = _checks.seed("seed", seed, generator=False)   # an int (or a list of them): same seed, same data
    src = rng.integers(0, k, size=(n, length))
    return src, src[:, ::-1].copy()
