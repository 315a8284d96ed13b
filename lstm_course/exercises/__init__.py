"""Check-yourself exercises: one registry, one feedback type, hints as data.

Every exercise has an id (the notebook's number and a word). A numeric exercise (``Exercise``)
computes its right answer with lstm_core and states how many significant digits it wants; a
coding exercise (``CodeExercise``, in ``coding.py``) runs the learner's function on fixed cases.
A notebook calls::

    check("00-sigmoid-90", my_x)              # a number or a short vector
    check_code("07-lstm-step", my_lstm_step)  # a function

and gets back a ``Feedback``: a symbol, a word and a sentence (correct, close, not yet, not answered
yet, or cannot check), truthy only when the answer is right. A hint is data: the wrong answer a
particular mistake produces (computed, never typed) and the sentence that names that mistake.
``solution(id)`` shows the reference answer, and only when asked.

Each notebook's exercises live in a module of this package named for its topic (``start.py`` for
notebook 00, ...), which calls ``register``; the last lines of this file import them all.
"""

from __future__ import annotations

import html
import inspect
import math
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from lstm_core import _checks

# status -> (symbol, words, Okabe-Ito colour name). The symbol and the words carry the verdict;
# the colour only repeats it.
LOOK = {
    "correct": ("\u2714", "Correct.", "green"),
    "close": ("\u2248", "Close:", "orange"),
    "wrong": ("\u2718", "Not yet.", "vermillion"),
    "unanswered": ("\u2026", "Not answered yet.", "sky"),
    "error": ("\u26a0", "Cannot check this:", "purple"),
}
_HEX = {"green": "#009E73", "orange": "#E69F00", "vermillion": "#D55E00", "sky": "#56B4E9",
        "purple": "#CC79A7"}     # lstm_course.plotting.OKABE_ITO (not imported: it loads matplotlib)


@dataclass
class Feedback:
    """The verdict on one answer: truthy only when it is right; prints as symbol + words + message."""

    ok: bool
    message: str
    status: str = "wrong"     # "correct" | "close" | "wrong" | "unanswered" | "error"
    rows: tuple = ()          # coding exercises: (output name, relative error, passed) per output

    def __post_init__(self):
        if self.ok and self.status == "wrong":
            self.status = "correct"
        if self.status not in LOOK:
            raise ValueError(f"status must be one of {', '.join(LOOK)}; got {self.status!r}")

    def __bool__(self):
        return self.ok

    def __str__(self):
        symbol, words, _ = LOOK[self.status]
        lines = [f"{symbol} {words} {self.message}".rstrip()]
        lines += [f"    {'ok ' if passed else 'off'}  {name}: relative error {err:.1e}"
                  for name, err, passed in self.rows]
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self):
        symbol, words, colour = LOOK[self.status]
        hex_ = _HEX[colour]
        table = ""
        if self.rows:
            cells = "".join(
                f"<tr><td style='padding:0 12px 0 0'>{html.escape(str(name))}</td>"
                f"<td style='padding:0 12px 0 0;text-align:right'>{err:.1e}</td>"
                f"<td>{'&#x2714; passes' if passed else '&#x2718; off'}</td></tr>"
                for name, err, passed in self.rows)
            table = (f"<table style='margin-top:6px;font-size:13px;border-collapse:collapse'>"
                     f"<tr><th style='text-align:left;padding:0 12px 0 0'>output</th>"
                     f"<th style='text-align:right;padding:0 12px 0 0'>relative error</th><th></th></tr>"
                     f"{cells}</table>")
        return (f"<div class='lstm-feedback lstm-feedback-{self.status}' style='border-left:6px solid {hex_};"
                f"background:{hex_}1f;padding:6px 10px;margin:4px 0;font-size:14px;line-height:1.4;"
                f"white-space:normal;word-break:normal;overflow-wrap:break-word;max-width:100%;"
                f"color:#000'><span style='color:{hex_};font-weight:bold;font-size:18px'>{symbol}</span> "
                f"<b>{html.escape(words)}</b> {html.escape(self.message)}{table}</div>")


@dataclass
class Hint:
    """A known mistake: ``wrong`` gives the answer it produces (numeric: a zero-argument function
    returning that value, or the value; coding: a wrong version of the function), ``message``
    names the mistake and what to look at, never the solution."""

    wrong: object
    message: str


@dataclass
class Exercise:
    """A numeric exercise: expected() gives the right answer (a number or a short vector), wanted
    to ``sig`` significant digits (None: exactly, for counts and shapes)."""

    question: str
    expected: Callable[[], object]
    sig: int | None = 3
    explain: str = ""                                     # said when the answer is right
    hints: list = field(default_factory=list)             # [Hint(lambda: wrong value, message)]
    fallback: object = "Look again at the readout of the explorer above."   # or fn(answer, expected) -> str


EXERCISES: dict = {}


def register(exercise_id: str, exercise) -> None:
    """Add a numeric ``Exercise`` or a ``CodeExercise`` under ``exercise_id`` ("NN-name")."""
    if not isinstance(exercise_id, str) or not exercise_id[:2].isdigit() or exercise_id[2:3] != "-":
        raise ValueError(f"exercise_id must look like 'NN-name'; got {exercise_id!r}")
    EXERCISES[exercise_id] = exercise


def _get(exercise_id):
    if exercise_id not in EXERCISES:
        raise ValueError(f"exercise_id must be one of {sorted(EXERCISES)}; got {exercise_id!r}")
    return EXERCISES[exercise_id]


def is_numeric(exercise) -> bool:
    return isinstance(exercise, Exercise)


def precision_words(exercise) -> str:
    """How precisely the answer is wanted, in words ("" for an exact answer)."""
    if not is_numeric(exercise) or exercise.sig is None:
        return ""
    n = exercise.sig
    return f"Give it to {n} significant digit{'s' if n != 1 else ''}."


class Question(str):
    """A question's text; printed (or shown) it wraps between words."""

    WIDTH = 92

    def __str__(self):
        out, line = [], ""
        for word in str.__str__(self).split():
            if line and len(line) + 1 + len(word) > self.WIDTH:
                out.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        return "\n".join(out + [line])

    def _repr_html_(self):
        return (f"<p style='white-space:normal;word-break:normal;font-size:14px;max-width:100%'>"
                f"{html.escape(str.__str__(self))}</p>")


def question(exercise_id: str) -> Question:
    """The question of an exercise, with the precision it wants (wraps between words when printed)."""
    ex = _get(exercise_id)
    words = precision_words(ex)
    return Question(f"{ex.question} {words}".strip())


# --- numbers to significant digits ---------------------------------------------------------------------

def _unit(value: float, digits: int, scale: float) -> float:
    """One unit in the ``digits``-th significant digit of ``value`` (of ``scale`` when value is 0)."""
    m = abs(value) if value != 0 else scale
    if m == 0 or not math.isfinite(m):
        return 0.0
    return 10.0 ** (math.floor(math.log10(m)) - digits + 1)


def _round_sig(value: float, digits: int) -> float:
    if value == 0 or not math.isfinite(value):
        return value
    return round(value, digits - 1 - math.floor(math.log10(abs(value))))


def _within(got: np.ndarray, want: np.ndarray, digits, slack: float) -> bool:
    """Every entry of got equals want to ``digits`` significant digits, within ``slack`` units of
    the last one (digits None: equal up to float rounding)."""
    if got.shape != want.shape:
        return False
    if digits is None:
        return bool(np.all(np.abs(got - want) <= 1e-9 * np.maximum(1.0, np.abs(want))))
    scale = float(np.max(np.abs(want))) if want.size else 0.0
    for g, w in zip(got.ravel(), want.ravel()):
        unit = _unit(float(w), digits, scale)
        if not abs(g - w) <= slack * unit * (1 + 1e-9) + 1e-300:
            return False
    return True


def _rounded_too_far(got: np.ndarray, want: np.ndarray, digits) -> bool:
    """got is want rounded (correctly) to fewer than ``digits`` significant digits in some entry,
    and right to its own digits in every entry. The entries of a vector may also be rounded to
    one number of decimals, as long as the largest keeps fewer than ``digits`` digits
    ([0.67, 0.24, 0.09] or [0.7, 0.2, 0.1] for [0.665, 0.245, 0.090])."""
    if digits is None or got.shape != want.shape or digits <= 1:
        return False
    scale = float(np.max(np.abs(want))) if want.size else 0.0
    if scale == 0 or not math.isfinite(scale):
        return False
    units = [_unit(0.0, k, scale) for k in range(1, digits)] if want.size > 1 else []   # decimals
    short = False
    for g, w in zip(got.ravel(), want.ravel()):
        g, w = float(g), float(w)
        if abs(g - w) <= _unit(w, digits, scale) * (1 + 1e-9):
            continue                                     # this entry is precise enough
        units_here = [_unit(w, k, scale) for k in range(1, digits)] + units
        if g == 0 or not any(abs(g - w) <= 0.5 * u * (1 + 1e-9) and abs(g / u - round(g / u)) < 1e-6
                             for u in units_here):
            return False
        short = True
    return short


def _hint_value(hint: Hint):
    return hint.wrong() if callable(hint.wrong) else hint.wrong


def _as_answer(value) -> np.ndarray:
    return np.asarray(value, dtype=float)


def matches(exercise, answer, value, rounded=True) -> bool:
    """The answer is ``value`` (a hint's wrong answer) to the exercise's precision, or (``rounded``)
    that value rounded further."""
    got, v = _as_answer(answer), _as_answer(value)
    if v.size == 1 and got.size == 1:
        got, v = got.reshape(()), v.reshape(())
    if got.shape != v.shape:
        return False
    digits = exercise.sig
    if digits is None and not np.all(v == np.round(v)):
        digits, rounded = 3, False   # a mistake that gives a fraction where a whole number is wanted
    with np.errstate(all="ignore"):
        return _within(got, v, digits, 1.0) or (rounded and _rounded_too_far(got, v, digits))


def _is_placeholder(answer) -> bool:
    if answer is None or answer is Ellipsis:
        return True
    if isinstance(answer, (list, tuple)):
        return any(_is_placeholder(a) for a in answer)
    if isinstance(answer, np.ndarray) and answer.dtype == object:
        return any(a is None or a is Ellipsis for a in answer.ravel())
    return False


def check(exercise_id: str, answer) -> Feedback:
    """Compare ``answer`` with a numeric exercise's right answer; return Feedback (with the hint of
    the mistake it recognises, or "close" when the answer is right but rounded too far)."""
    ex = _get(exercise_id)
    if not is_numeric(ex):
        return Feedback(False, f"{exercise_id} asks for a function: check it with "
                               f"check_code({exercise_id!r}, your_function).", status="error")
    if _is_placeholder(answer):
        return Feedback(False, "Put your answer in place of the ... and run the cell again.", status="unanswered")
    want = _as_answer(ex.expected())
    try:
        got = _checks.array("answer", answer)
    except (TypeError, ValueError) as err:
        return Feedback(False, f"I need a number (or a list of numbers) here: {err}.", status="error")
    if want.size == 1 and got.size == 1:
        got = got.reshape(want.shape)                    # [2.2] answers a question about one number
    with np.errstate(all="ignore"):                      # 1e308 / 3e-12 is inf, not a warning to the learner
        if _within(got, want, ex.sig, 1.0):
            return Feedback(True, ex.explain)
        if _rounded_too_far(got, want, ex.sig):
            return Feedback(False, f"give {ex.sig} significant digits.", status="close")
        wrongs = [(hint, _hint_value(hint)) for hint in ex.hints]
        for rounded in (False, True):                    # a hint's own value first, then its roundings
            for hint, value in wrongs:
                if matches(ex, got, value, rounded):
                    return Feedback(False, hint.message)
        if got.shape != want.shape:
            return Feedback(False, f"The answer should have shape {want.shape} "
                                   f"({'one number' if want.ndim == 0 else f'{want.size} numbers'}); "
                                   f"yours has shape {got.shape}.")
        text = ex.fallback(got, want) if callable(ex.fallback) else ex.fallback
    return Feedback(False, text)


def format_answer(exercise) -> str:
    """The right answer of a numeric exercise, written to the precision it asks for."""
    want = _as_answer(exercise.expected())

    def one(v):
        if exercise.sig is None:
            return f"{v:g}" if v != int(v) else str(int(v))
        return f"{_round_sig(float(v), exercise.sig):#.{exercise.sig}g}".rstrip(".")
    return one(float(want)) if want.ndim == 0 else "[" + ", ".join(one(float(v)) for v in want.ravel()) + "]"


def solution(exercise_id: str) -> None:
    """Print the reference solution of an exercise (only when you ask for it)."""
    ex = _get(exercise_id)
    print(f"Here is the reference solution of {exercise_id} (you asked for it).")
    if is_numeric(ex):
        print(f"Answer: {format_answer(ex)}")
        if ex.explain:
            print(Question(ex.explain))
    else:
        print(inspect.getsource(ex.solution))


def _no_coding(exercise_id, fn):
    return Feedback(False, "The coding exercises are not installed in this copy of the course.", status="error")


check_code = _no_coding

# Topic modules register their exercises on import (keep this list in notebook order).
from . import (start, recurrence, squashing, forget_gate, input_gate, cell_state, output_gate,  # noqa: E402,F401
               whole_cell, shapes, backpropagation, vanishing, highway, long_range, language_model, epidemic,
               variants, layers, seq2seq, attention)

try:                                                     # the coding exercises and their checker
    from .coding import CodeExercise, check_code  # noqa: E402,F401,F811
except ModuleNotFoundError as err:                       # pragma: no cover (before coding.py exists)
    if err.name != f"{__name__}.coding":
        raise
