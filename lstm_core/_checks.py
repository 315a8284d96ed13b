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


def array(name: str, value, *, ndim=None, shape=None, dtype=None, finite=True) -> np.ndarray:
    """``value`` as a float ndarray, checked.

    ndim:   an int or a tuple of allowed ranks.
    shape:  a tuple with an int or None (any size) per axis; checked after ``ndim``.
    dtype:  cast to this dtype; when None, float32 stays float32 and everything else numeric
            becomes float64.
    finite: reject NaN and inf.
    Returns the array (no copy when it already has the right dtype).
    """
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{name} must be an array of numbers; got {describe(value)}")
    arr = np.asarray(value)
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
    arr = arr.astype(dtype, copy=False)
    if finite and not np.isfinite(arr).all():
        bad = np.argwhere(~np.isfinite(arr))[0]
        where = tuple(int(i) for i in bad)
        raise ValueError(f"{name} must be finite; it holds {arr[where]} at index {where}")
    return arr


def same_dtype_or_default(*arrays) -> np.dtype:
    """float32 when every given array is float32, else float64."""
    dts = {np.asarray(a).dtype for a in arrays if a is not None}
    return np.dtype(np.float32) if dts == {np.dtype(np.float32)} else np.dtype(np.float64)
