"""Checking an analytic gradient against central finite differences.

For a scalar function L(x) and each element x_j:

    dL/dx_j ~ (L(x + eps e_j) - L(x - eps e_j)) / (2 eps)       (error O(eps^2))

The relative error between the analytic gradient a and the numerical one n is
||a - n|| / max(||a|| + ||n||, floor): about 1e-9 or less in float64 when a is right, and of
order 1 when a is wrong.

The floor is for tiny gradients. Rounding alone makes each difference quotient wrong by about
u |L| / eps (u = 2.2e-16, the float64 rounding unit), so the numerical gradient carries an absolute
noise of about noise = 10 sqrt(N) u max|L| / eps (N elements, a safety factor of 10). A gradient
smaller than noise / tol cannot be measured to a relative ``tol`` at all; below that size the
difference is compared with that floor instead, i.e. in absolute terms. A correct gradient of
1e-7 then passes, and a wrong one still fails as soon as it is off by more than the noise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import _checks


def numerical_gradient(fn, x, eps=1e-6) -> np.ndarray:
    """Central-difference gradient of the scalar function ``fn`` at ``x`` (any shape, float64).

    ``fn`` is called with arrays shaped like x (copies, each with one element nudged)."""
    return _central_differences(fn, x, eps)[0]


def _central_differences(fn, x, eps):
    """(the numerical gradient, the largest |fn| met while computing it)."""
    if not callable(fn):
        raise TypeError(f"fn must be a callable returning a scalar; got {_checks.describe(fn)}")
    x = _checks.array("x", x, dtype=np.float64).copy()
    eps = float(_checks.array("eps", eps, ndim=0))
    if not eps > 0:
        raise ValueError(f"eps must be positive; got {eps}")
    grad = np.empty_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    largest = 0.0
    for j in range(flat.size):
        old = flat[j]
        flat[j] = old + eps
        up = _scalar(fn(x))
        flat[j] = old - eps
        down = _scalar(fn(x))
        flat[j] = old
        gflat[j] = (up - down) / (2 * eps)
        largest = max(largest, abs(up), abs(down))
    return grad, largest


def _scalar(v) -> float:
    arr = _checks.as_ndarray("fn's result", v)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"fn must return a scalar loss (a real number); it returned {_checks.describe(v)}")
    arr = arr.astype(np.float64)
    if arr.size != 1:
        raise ValueError(f"fn must return a scalar loss; it returned shape {arr.shape}")
    return float(arr.reshape(()))


@dataclass
class GradcheckResult:
    """Outcome of ``gradcheck``: ``ok`` says whether rel_error <= tol."""

    rel_error: float           # ||a - n|| / max(||a|| + ||n||, floor)
    max_abs_error: float       # max |a - n|
    worst_index: tuple         # where |a - n| is largest
    analytic: np.ndarray
    numerical: np.ndarray
    tol: float
    floor: float = 0.0         # noise / tol: smaller gradients are compared with this, not their size

    @property
    def ok(self) -> bool:
        return self.rel_error <= self.tol

    def __bool__(self):
        return self.ok

    def __str__(self):
        verdict = "OK" if self.ok else "MISMATCH"
        text = f"{verdict}: relative error {self.rel_error:.2e} (tolerance {self.tol:.0e})"
        if not self.ok:
            w = self.worst_index
            text += (f"; largest difference at index {w}: analytic {self.analytic[w]:.6g}, "
                     f"numerical {self.numerical[w]:.6g}")
        size = float(np.linalg.norm(self.analytic) + np.linalg.norm(self.numerical))
        if size < self.floor:
            text += (f"; the gradient (size {size:.1e}) is too small for finite differences to measure to "
                     f"this tolerance, so it was compared with {self.floor:.1e} instead of its own size")
        return text


def gradcheck(fn, x, analytic, eps=1e-6, tol=1e-6) -> GradcheckResult:
    """Compare ``analytic`` (the gradient you computed, shaped like x) with central differences
    of the scalar function ``fn`` at ``x``. Returns a GradcheckResult (truthy when it passes).

    eps: the step of the central differences (> 0); tol: the largest relative error that passes,
    in (0, 1) (a relative error is at most 1, so tol >= 1 would pass anything). Gradients too
    small to measure to ``tol`` are compared in absolute terms (see the module docstring)."""
    x = _checks.array("x", x, dtype=np.float64)
    a = _checks.array("analytic", analytic, dtype=np.float64)
    if a.shape != x.shape:
        raise ValueError(f"analytic must have the shape of x {x.shape}; got {a.shape}")
    tol = float(_checks.array("tol", tol, ndim=0))
    if not 0 < tol < 1:
        raise ValueError(f"tol must lie in (0, 1): a relative error is at most 1, so tol >= 1 passes any "
                         f"gradient and tol <= 0 none; got {tol:g}")
    n, largest = _central_differences(fn, x, eps)
    if not np.isfinite(n).all():
        raise ValueError("fn returned a non-finite value near x; cannot check the gradient there")
    noise = 10 * np.sqrt(max(x.size, 1)) * np.finfo(np.float64).eps * largest / float(eps)
    floor = max(noise / tol, np.finfo(np.float64).tiny)
    diff = np.abs(a - n)
    denom = max(np.linalg.norm(a) + np.linalg.norm(n), floor)
    worst = tuple(int(i) for i in np.unravel_index(np.argmax(diff), diff.shape)) if diff.size else ()
    return GradcheckResult(
        rel_error=float(np.linalg.norm(a - n) / denom),
        max_abs_error=float(diff.max()) if diff.size else 0.0,
        worst_index=worst, analytic=a, numerical=n, tol=tol, floor=float(floor),
    )
