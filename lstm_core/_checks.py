"""Argument checking shared by every public function.

Each helper raises ``TypeError`` (wrong kind of thing) or ``ValueError`` (right kind, wrong
shape, size or value) with a message that names the argument, says what was expected and what
came. The math modules call these at their boundaries so that a learner never meets a numpy
broadcasting error or a silent NaN.
"""

from __future__ import annotations

import numbers

import numpy as np

FLOAT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def describe(value) -> str:
    """A short description of ``value`` for error messages."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    return f"{type(value).__name__} {value!r}"[:120]


def positive_int(name: str, value) -> int:
    """``value`` as a Python int, which must be >= 1."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a positive integer; got {describe(value)}")
    if value < 1:
        raise ValueError(f"{name} must be a positive integer (>= 1); got {value}")
    return int(value)


def flag(name: str, value) -> bool:
    """``value``, which must be True or False (not 0, 1 or a string)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False; got {describe(value)}")
    return bool(value)


def finite_number(name: str, value, low=None, high=None, *, low_open=False, high_open=False) -> float:
    """``value`` as a Python float, which must be a finite real number within the bounds given.

    low, high: the bounds (None: no bound on that side); ``low_open`` / ``high_open`` leave the
    bound itself out. A bool, a string or a list is a TypeError; NaN, inf or a number out of
    bounds a ValueError naming the bound it breaks. A 0-d array counts as the number it holds.
    """
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a finite number; got {describe(value)}")
    try:
        v = float(value)
    except OverflowError:                   # an int beyond the float range
        v = float("inf")
    if not np.isfinite(v):
        raise ValueError(f"{name} must be a finite number; got {describe(value)}")
    if low is not None and (v < low or (low_open and v == low)):
        raise ValueError(f"{name} must be {'>' if low_open else '>='} {low}; got {v}")
    if high is not None and (v > high or (high_open and v == high)):
        raise ValueError(f"{name} must be {'<' if high_open else '<='} {high}; got {v}")
    return v


def choice(name: str, value, options) -> str:
    """``value``, which must be one of ``options`` (strings)."""
    if not isinstance(value, str) or value not in options:
        opts = ", ".join(repr(o) for o in options)
        raise ValueError(f"{name} must be one of {opts}; got {value!r}")
    return value


def float_dtype(name: str, dtype) -> np.dtype:
    """``dtype`` as a numpy dtype, which must be float32 or float64."""
    try:
        dt = np.dtype(dtype)
    except TypeError as err:
        raise TypeError(f"{name} must be float32 or float64; got {dtype!r}") from err
    if dt not in FLOAT_DTYPES:
        raise ValueError(f"{name} must be float32 or float64; got {dt}")
    return dt


def as_ndarray(name: str, value) -> np.ndarray:
    """``np.asarray(value)``, with numpy's own failures said in words that name the argument:
    a ragged nested list ([[1, 2], [3]]) is a ValueError, an object whose ``__array__`` fails a
    TypeError. No dtype or shape is checked here (``array`` does that)."""
    if isinstance(value, np.ndarray):
        return value
    try:
        return np.asarray(value)
    except ValueError as err:
        if "inhomogeneous" in str(err) or "sequence" in str(err):
            raise ValueError(f"{name} must be a regular array: every row of a nested list the same length; "
                             f"got a ragged nested list ({describe(value)})") from None
        raise TypeError(f"{name} could not be read as an array ({type(err).__name__}: {err})") from err
    except Exception as err:  # a user's object whose __array__ or __len__ fails in any way
        raise TypeError(f"{name} could not be read as an array ({type(err).__name__}: {err})") from err


def array(name: str, value, *, ndim=None, shape=None, dtype=None, finite=True) -> np.ndarray:
    """``value`` as a float ndarray, checked.

    ndim:   an int or a tuple of allowed ranks.
    shape:  a tuple with an int or None (any size) per axis; checked after ``ndim``.
    dtype:  cast to this dtype; when None, float32 stays float32 and everything else numeric
            becomes float64. A finite number too large for it (1e39 in float32) is an error.
    finite: reject NaN and inf.
    Returns the array (no copy when it already has the right dtype).
    """
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{name} must be an array of numbers; got {describe(value)}")
    arr = as_ndarray(name, value)
    if arr.dtype == object or arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be an array of real numbers; got {describe(value)}")
    if arr.dtype.kind == "b":
        raise TypeError(f"{name} must hold numbers, not booleans; got {describe(arr)}")
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(str(n) for n in allowed)
            raise ValueError(
                f"{name} must have {want} dimension(s); got shape {arr.shape} ({arr.ndim} dimension(s))"
            )
    if shape is not None:
        if len(shape) != arr.ndim or any(s is not None and s != a for s, a in zip(shape, arr.shape)):
            want = "(" + ", ".join("any" if s is None else str(s) for s in shape) + ")"
            raise ValueError(f"{name} must have shape {want}; got shape {arr.shape}")
    if dtype is None:
        dtype = arr.dtype if arr.dtype in FLOAT_DTYPES else np.float64
    source = arr
    with np.errstate(over="ignore"):            # reported below, in words, instead of a warning
        arr = arr.astype(dtype, copy=False)
    if finite and not np.isfinite(arr).all():
        bad = np.argwhere(~np.isfinite(arr))[0]
        where = tuple(int(i) for i in bad)
        if source is not arr and np.isfinite(source[where]):
            raise ValueError(f"{name} holds {source[where]} at index {where}, too large for {np.dtype(dtype)} "
                             f"(largest: {np.finfo(dtype).max:.3g})")
        raise ValueError(f"{name} must be finite; it holds {arr[where]} at index {where}")
    return arr


def same_dtype_or_default(*arrays) -> np.dtype:
    """float32 when every given array is float32, else float64."""
    dts = set()
    for a in arrays:
        if a is not None:
            try:
                dts.add(np.asarray(a).dtype)
            except Exception:   # unreadable: float64, and the named check of that argument says why
                dts.add(np.dtype(np.float64))
    return np.dtype(np.float32) if dts == {np.dtype(np.float32)} else np.dtype(np.float64)


def seed(name: str, value, *, generator=True):
    """A seed for ``np.random.default_rng``: an int >= 0, a list of them (a SeedSequence's
    entropy), or (when ``generator``) a numpy Generator, returned as it is. Returns a Generator."""
    if generator and isinstance(value, np.random.Generator):
        return value
    parts = value if isinstance(value, (list, tuple)) else [value]
    ok = len(parts) > 0 and all(isinstance(v, numbers.Integral) and not isinstance(v, (bool, np.bool_))
                                for v in parts)
    if not ok:
        kinds = "an int >= 0, a list of them, or a numpy Generator" if generator else "an int >= 0 or a list of them"
        why = "" if generator else " (the same seed gives the same data)"
        raise TypeError(f"{name} must be {kinds}{why}; got {describe(value)}")
    if any(v < 0 for v in parts):
        raise ValueError(f"{name} must be >= 0; got {value!r}")
    return np.random.default_rng([int(v) for v in parts] if isinstance(value, (list, tuple)) else int(value))


def finite_gradients(fn: str, steps: int, **arrays) -> None:
    """After a backward pass: raise FloatingPointError when a gradient overflowed.

    With finite parameters and inputs, an inf or NaN here means the product of the steps'
    Jacobians outgrew the float range on its way back through ``steps`` steps; the message says
    so, instead of blaming a parameter."""
    for name, a in arrays.items():
        if not np.isfinite(a).all():
            raise FloatingPointError(
                f"{fn}: the gradient overflowed (its {name} holds inf or NaN) on its way back through {steps} "
                "step(s): the recurrent weights multiply it at every step and it outgrew the float range. "
                "The parameters and inputs are finite; use shorter sequences, smaller recurrent weights "
                "(in training: a lower learning rate).")
