"""Coding exercises: the learner writes a function, the checker runs it and says what to look at.

A notebook cell holds a skeleton (signature, docstring with shapes, ``...`` body) and the next
cell calls ``check_code("NN-name", my_function)``. The checker

1. runs the function on the exercise's fixed cases (several sizes, B = 1, D != H), first in
   float64, then on float32 copies of the same cases, each time on copies of the inputs;
2. compares every returned value with the exercise's ``reference`` (computed with lstm_core, in
   float64, from the same inputs) by the relative error

       err(a, b) = max |a - b| / max(max(|a| + |b|), 1e-8)

   (CS231n's relative error, taken over the whole array rather than entry by entry, so that an
   entry that is nearly zero through cancellation does not fail a correct float32 version), and
   for gradients also with central finite differences (``gradcheck``);
3. passes the function when every output of every case is within ``THRESHOLD`` and the function
   neither warned (overflow, division by zero), nor changed its inputs, nor (where the exercise
   asks for it) turned float32 into float64;
4. otherwise runs each ``Hint``'s wrong version on the same cases and answers with the message of
   the first one whose symptoms the learner's function shows (the same wrong values in the
   outputs where the wrong version is off, the same warning, the same error, the same changed
   input); failing that, it names the outputs that are off, or says in a sentence what went
   wrong (an exception, a wrong number of values, a wrong shape, NaN, a changed input).

Nothing here prints or returns the solution: ``solution(id)`` does that, on request.
"""

from __future__ import annotations

import traceback
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

# Every correct float64 and float32 implementation of every exercise stays below THRESHOLD, and
# every wrong version in the hints is far above it (tests/test_coding_exercises.py measures both:
# the report in test_threshold_separates_right_from_wrong).
THRESHOLD = 1e-4
GRADCHECK_THRESHOLD = 1e-6     # analytic gradients (float64) against central differences
_TINY = 1e-8


@dataclass
class CodeExercise:
    """A function to write. See the module docstring for how ``check_code`` uses each field."""

    question: str                         # what to write, with shapes (shown in the answer key)
    solution: Callable                    # the reference solution, plain numpy, as a learner would write it
    reference: Callable                   # the expected outputs, computed with lstm_core
    cases: Callable[[], list]             # fixed cases: a list of dicts of arguments (float64), in call order
    outputs: tuple                        # names of the returned values, in order
    hints: list                           # [Hint(wrong_function, message), ...]
    gradcheck: Callable | None = None     # case kwargs -> {output name: central-difference gradient}
    explain: str = ""                     # said when the function passes
    keep_dtype: bool = False              # float32 in must give float32 out (the sigmoid exercise)


# --- running a function on one case -------------------------------------------------------------
_OWN_DIRS = tuple(Path(m.__file__).resolve().parent for m in (np, __import__("lstm_core"), __import__("lstm_course")))


@dataclass
class _Run:
    outputs: tuple | None = None      # float arrays (or None: did not return enough values)
    raw: object = None                # what the function returned
    error: Exception | None = None    # what it raised
    where: str = ""                   # the learner's line that raised
    warning: str = ""                 # the first floating-point warning it caused
    mutated: tuple = ()               # names of the arguments it changed


def _copy_case(case):
    return {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in case.items()}


def _to32(case):
    return {k: (v.astype(np.float32) if isinstance(v, np.ndarray) and v.dtype.kind == "f" else v)
            for k, v in case.items()}


def _to64(case):
    return {k: (v.astype(np.float64) if isinstance(v, np.ndarray) and v.dtype.kind == "f" else v)
            for k, v in case.items()}


def _ours(filename) -> bool:
    """Whether a traceback frame is in numpy, lstm_core or lstm_course (not the learner's code)."""
    path = Path(filename).resolve()
    return any(d == path or d in path.parents for d in _OWN_DIRS)


def _learner_line(err) -> str:
    """'line 4: dz = dh * o' for the deepest frame of the learner's own code in err's traceback."""
    frames = [f for f in traceback.extract_tb(err.__traceback__) if not _ours(f.filename)]
    if not frames:
        return ""
    f = frames[-1]
    return f"line {f.lineno}: {f.line.strip()}" if f.line else f"line {f.lineno}"


def _same(a, b) -> bool:
    if isinstance(a, np.ndarray) and isinstance(b, np.ndarray):
        return a.shape == b.shape and a.dtype == b.dtype and np.array_equal(a, b, equal_nan=a.dtype.kind in "fc")
    return True


def _split(result, n):
    """The returned value as a tuple of n things, or None when it is not n things."""
    if n == 1:
        if isinstance(result, tuple):
            return result if len(result) == 1 else None
        return (result,)
    if isinstance(result, (tuple, list)) and len(result) == n:
        return tuple(result)
    return None


def _count(value) -> int:
    return len(value) if isinstance(value, (tuple, list)) else 1


def _as_array(value):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            arr = np.asarray(value)
    except Exception:
        return None
    if arr.dtype == object or arr.dtype.kind not in "biuf":
        return None
    return arr if arr.dtype.kind == "f" else arr.astype(np.float64)


def _run(fn, case, n_outputs) -> _Run:
    """Call fn(*case.values()) on copies; never raises (except KeyboardInterrupt and the like)."""
    args = _copy_case(case)
    run = _Run()
    with warnings.catch_warnings(record=True) as caught, \
            np.errstate(over="warn", divide="warn", invalid="warn", under="ignore"):
        warnings.simplefilter("always")
        try:
            run.raw = fn(*args.values())
        except Exception as err:      # the learner's code: any exception becomes a sentence
            run.error, run.where = err, _learner_line(err)
    for w in caught:
        if issubclass(w.category, RuntimeWarning):
            run.warning = str(w.message)
            break
    run.mutated = tuple(k for k in case if not _same(case[k], args[k]))
    if run.error is None:
        parts = _split(run.raw, n_outputs)
        if parts is not None:
            arrays = tuple(_as_array(p) for p in parts)
            if all(a is not None for a in arrays):
                run.outputs = arrays
    return run


def _unanswered(run) -> bool:
    if isinstance(run.error, NotImplementedError):
        return True
    return run.error is None and (run.raw is None or run.raw is Ellipsis or
                                  (isinstance(run.raw, tuple) and any(p is None or p is Ellipsis for p in run.raw)))


# --- comparing ------------------------------------------------------------------------------------
def rel_error(a, b) -> float:
    """max |a - b| / max(max(|a| + |b|), 1e-8) over the finite entries (inf when the shapes differ
    or the non-finite entries are not in the same places)."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    if a.shape != b.shape:
        return np.inf
    fa, fb = np.isfinite(a), np.isfinite(b)
    if not np.array_equal(fa, fb) or not np.array_equal(np.isnan(a), np.isnan(b)) or \
            not np.array_equal(a[~fa & ~np.isnan(a)], b[~fb & ~np.isnan(b)]):
        return np.inf
    if not fa.any():
        return 0.0
    a, b = a[fa], b[fa]
    return float(np.max(np.abs(a - b)) / max(float(np.max(np.abs(a) + np.abs(b))), _TINY))


def _off(got, want, f32, keep_dtype) -> bool:
    """Whether output ``got`` is not an acceptable answer for ``want``."""
    if got.shape != want.shape or rel_error(got, want) > THRESHOLD:
        return True
    return bool(f32 and keep_dtype and got.dtype != np.float32)


def _matches(got, wrong, f32, keep_dtype) -> bool:
    """Whether the learner's output equals a wrong version's output (shape, dtype rule, values)."""
    if got.shape != wrong.shape or rel_error(got, wrong) > THRESHOLD:
        return False
    return not (f32 and keep_dtype and (got.dtype == np.float32) != (wrong.dtype == np.float32))


# --- the checker -----------------------------------------------------------------------------------
def _describe_case(case, k, n, f32) -> str:
    shapes = [f"{name} {v.shape}" for name, v in case.items() if isinstance(v, np.ndarray) and v.ndim]
    kind = "float32" if f32 else "float64"
    return f"case {k + 1} of {n} ({kind}; {', '.join(shapes[:4])})"


def _names(names) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


class _Trial:
    """Every case (float64, then float32) with its reference outputs; runs functions on them."""

    def __init__(self, ex):
        self.ex = ex
        base = ex.cases()
        self.cases = [(c, False) for c in base] + [(_to32(c), True) for c in base]
        self.n = len(base)
        self.want = []
        for case, f32 in self.cases:
            ref = _split(ex.reference(**_to64(case)), len(ex.outputs))
            self.want.append(tuple(np.asarray(r, np.float64) for r in ref))

    def run(self, fn):
        return [_run(fn, case, len(self.ex.outputs)) for case, _ in self.cases]

    def off(self, runs):
        """{(case index, output name)} of the outputs that are not acceptable."""
        bad = set()
        for k, (run, want, (case, f32)) in enumerate(zip(runs, self.want, self.cases)):
            if run.outputs is None:
                continue
            for name, got, w in zip(self.ex.outputs, run.outputs, want):
                if _off(got, w, f32, self.ex.keep_dtype):
                    bad.add((k, name))
        return bad

    def symptoms_match(self, wrong_runs, runs) -> bool:
        """Whether the learner's runs show every symptom of a wrong version's runs (and it has one)."""
        seen = False
        names = self.ex.outputs
        for k, (w, r, want, (case, f32)) in enumerate(zip(wrong_runs, runs, self.want, self.cases)):
            if w.error is not None:
                seen = True
                if r.error is None or type(r.error) is not type(w.error) or str(r.error) != str(w.error):
                    return False
                continue
            if w.warning:
                seen = True
                if not r.warning:
                    return False
            for name in w.mutated:
                seen = True
                if name not in r.mutated:
                    return False
            if w.outputs is None:
                seen = True
                if r.outputs is not None or r.error is not None or _count(r.raw) != _count(w.raw):
                    return False
                continue
            for i, name in enumerate(names):
                if _off(w.outputs[i], want[i], f32, self.ex.keep_dtype):
                    seen = True
                    if r.outputs is None or not _matches(r.outputs[i], w.outputs[i], f32, self.ex.keep_dtype):
                        return False
        return seen

    def rows(self, runs):
        """(output name, largest relative error over every case, passed) per output."""
        rows = []
        for i, name in enumerate(self.ex.outputs):
            errs = []
            for run, want in zip(runs, self.want):
                if run.outputs is not None:
                    errs.append(rel_error(run.outputs[i], want[i]))
            worst = max(errs) if errs else np.inf
            rows.append((name, worst, bool(worst <= THRESHOLD)))
        return tuple(rows)


def check_code(exercise_id: str, fn):
    """Run your function ``fn`` on the exercise's cases and say whether it is right, and if not,
    what to look at. Returns a Feedback (truthy when the function passes)."""
    from . import EXERCISES, Feedback

    if exercise_id not in EXERCISES or not isinstance(EXERCISES[exercise_id], CodeExercise):
        coding = sorted(k for k, v in EXERCISES.items() if isinstance(v, CodeExercise))
        raise ValueError(f"exercise_id must be one of the coding exercises {coding}; got {exercise_id!r}")
    ex = EXERCISES[exercise_id]
    if not callable(fn):
        return Feedback(False, "Pass your function itself, without calling it: check_code(\"" + exercise_id +
                        "\", my_function), not my_function(...). Got " + _describe(fn) + ".", status="error")
    trial = _Trial(ex)
    runs = trial.run(fn)
    if _unanswered(runs[0]):
        return Feedback(False, "Your function is not written yet: fill in its body (it still returns nothing), "
                               "then run this cell again. solution(\"" + exercise_id + "\") shows an answer if you "
                               "are stuck.", status="unanswered")
    bad = trial.off(runs)
    clean = not bad and all(r.outputs is not None and not r.warning and not r.mutated for r in runs)
    if clean:
        fd_rows, fd_bad = _gradcheck(ex, trial, runs)
        if not fd_bad:
            n = trial.n
            msg = (f"Every output matches lstm_core on {n} cases, in float64 and in float32 "
                   f"(largest relative error {max(r[1] for r in trial.rows(runs)):.1e}; the bar is {THRESHOLD:g})")
            if fd_rows:
                msg += ", and the gradients agree with central finite differences"
            msg += ". " + ex.explain
            return Feedback(True, msg.strip(), status="correct", rows=trial.rows(runs) + fd_rows)
        return Feedback(False, f"Your {_names(fd_bad)} match lstm_core but not central finite differences: "
                               "tell your teacher, this is a bug in the course.",
                        status="wrong", rows=trial.rows(runs) + fd_rows)
    for hint in ex.hints:
        if trial.symptoms_match(trial.run(hint.wrong), runs):
            return Feedback(False, hint.message, status="wrong", rows=trial.rows(runs))
    return _diagnose(ex, trial, runs, bad)


def _describe(value):
    return f"{type(value).__name__} {value!r}"[:100]


def _diagnose(ex, trial, runs, bad):
    """A sentence for a function no hint recognises."""
    from . import Feedback

    names = ex.outputs
    for k, run in enumerate(runs):
        case, f32 = trial.cases[k]
        where = _describe_case(case, k % trial.n, trial.n, f32)
        if run.error is not None:
            at = f" ({run.where})" if run.where else ""
            msg = f"Your function raised {type(run.error).__name__}: {run.error}{at}, on {where}."
            if f32:
                msg += " It works in float64: look for a step that assumes float64."
            return Feedback(False, msg, status="error")
        if run.outputs is None:
            parts = _split(run.raw, len(names))
            if parts is None:
                want = f"{len(names)} values ({', '.join(names)})" if len(names) > 1 else f"one array ({names[0]})"
                return Feedback(False, f"Your function should return {want}; it returned {_describe(run.raw)}.",
                                status="error")
            i = next(i for i, p in enumerate(parts) if _as_array(p) is None)
            return Feedback(False, f"{names[i]} should be an array of numbers; your function returned "
                                   f"{_describe(parts[i])} for it.", status="error")
        for name, got, want in zip(names, run.outputs, trial.want[k]):
            if got.shape != want.shape:
                return Feedback(False, f"{name} should have shape {want.shape}; yours has shape {got.shape} "
                                       f"on {where}.", status="error")
        for name, got, want in zip(names, run.outputs, trial.want[k]):
            if not np.isfinite(got).all() and np.isfinite(want).all():
                return Feedback(False, f"{name} holds NaN or inf on {where}"
                                       + (f" (numpy warned: {run.warning})" if run.warning else "") + ".",
                                status="error", rows=trial.rows(runs))
        if run.mutated:
            return Feedback(False, f"Your function changed its input {_names(run.mutated)} on {where}. Work on "
                                   "new arrays (or a .copy()): the caller still needs the values it passed.",
                            status="error", rows=trial.rows(runs))
    off_names = [n for n in names if any(name == n for _, name in bad)]
    if off_names:
        k = min(k for k, name in bad if name == off_names[0])
        case, f32 = trial.cases[k]
        where = _describe_case(case, k % trial.n, trial.n, f32)
        right = [n for n in names if n not in off_names]
        msg = f"{_names(off_names)} {'is' if len(off_names) == 1 else 'are'} not right yet, first on {where}"
        if right:
            msg += f"; {_names(right)} {'is' if len(right) == 1 else 'are'} right"
        if f32 and not any(name for kk, name in bad if kk < trial.n):
            if ex.keep_dtype and any(r.outputs[0].dtype != np.float32 for r in runs[trial.n:] if r.outputs):
                msg += ". Float32 in should give float32 out: do not convert to float64 on the way"
            else:
                msg += ". Float64 works: look for a step that loses precision in float32"
        return Feedback(False, msg + ". Compare the rows below.", status="wrong", rows=trial.rows(runs))
    warned = next((k for k, r in enumerate(runs) if r.warning), None)
    if warned is not None:
        case, f32 = trial.cases[warned]
        return Feedback(False, f"The values are right, but numpy warned \"{runs[warned].warning}\" on "
                               f"{_describe_case(case, warned % trial.n, trial.n, f32)}: some step overflows or "
                               "divides by zero on the way.", status="wrong", rows=trial.rows(runs))
    return Feedback(False, "Something is off; compare the rows below.", status="wrong", rows=trial.rows(runs))


def _gradcheck(ex, trial, runs):
    """Rows (name + ' vs finite differences', error, passed) on the first two float64 cases."""
    if ex.gradcheck is None:
        return (), []
    rows, bad = [], []
    worst = {}
    for k in range(min(2, trial.n)):
        numeric = ex.gradcheck(**_copy_case(trial.cases[k][0]))
        for name, num in numeric.items():
            got = runs[k].outputs[ex.outputs.index(name)]
            worst[name] = max(worst.get(name, 0.0), rel_error(got, num))
    for name, err in worst.items():
        ok = err <= GRADCHECK_THRESHOLD
        rows.append((f"{name} vs finite differences", err, ok))
        if not ok:
            bad.append(name)
    return tuple(rows), bad


def central_differences(loss, arrays: dict, names, eps=1e-6) -> dict:
    """{name: dloss/d arrays[name]} by central differences; ``loss(**arrays)`` -> float.

    Perturbs one entry at a time of a float64 copy of each named array."""
    arrays = {k: (v.astype(np.float64).copy() if isinstance(v, np.ndarray) else v) for k, v in arrays.items()}
    out = {}
    for name in names:
        a = arrays[name]
        g = np.empty_like(a)
        flat, gflat = a.reshape(-1), g.reshape(-1)
        for j in range(flat.size):
            old = flat[j]
            flat[j] = old + eps
            up = loss(**arrays)
            flat[j] = old - eps
            down = loss(**arrays)
            flat[j] = old
            gflat[j] = (up - down) / (2 * eps)
        out[name] = g
    return out
