"""Check-yourself exercises: a checker that answers with a hint, not just right or wrong.

Each exercise has an id (the notebook's number and a word), a way to compute the right answer
with lstm_core, a tolerance, and hints for the usual wrong answers. A notebook calls::

    check("00-sigmoid-90", my_answer)

and gets back a ``Feedback`` that prints as a sentence (and is truthy when the answer is right).
Each notebook's exercises live in a module of this package named for its topic (``start.py``
for notebook 00, ...), which calls ``register``; the last lines of this file import them all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from lstm_core import _checks


@dataclass
class Feedback:
    """The verdict on one answer: ``ok`` and a message that says what to look at next."""

    ok: bool
    message: str

    def __bool__(self):
        return self.ok

    def __str__(self):
        return ("Correct! " if self.ok else "Not yet. ") + self.message

    __repr__ = __str__


@dataclass
class Exercise:
    """expected() gives the right answer; hints maps a wrong-answer test to a hint."""

    question: str
    expected: Callable[[], object]
    tol: float = 1e-3
    explain: str = ""                          # said when the answer is right
    hints: list = field(default_factory=list)  # [(predicate(answer, expected) -> bool, hint)]
    fallback: str = "Look again at the readout of the explorer above."


EXERCISES: dict[str, Exercise] = {}


def register(exercise_id: str, exercise: Exercise) -> None:
    EXERCISES[exercise_id] = exercise


def question(exercise_id: str) -> str:
    return _get(exercise_id).question


def _get(exercise_id):
    if exercise_id not in EXERCISES:
        raise ValueError(f"exercise_id must be one of {sorted(EXERCISES)}; got {exercise_id!r}")
    return EXERCISES[exercise_id]


def check(exercise_id: str, answer) -> Feedback:
    """Compare ``answer`` with the exercise's expected value; return Feedback with a hint."""
    ex = _get(exercise_id)
    want = np.asarray(ex.expected(), dtype=float)
    try:
        got = _checks.array("answer", answer)
    except (TypeError, ValueError) as err:
        return Feedback(False, f"I need a number (or an array of numbers) here: {err}.")
    if got.shape == want.shape and np.allclose(got, want, rtol=0, atol=ex.tol):
        return Feedback(True, ex.explain)
    for predicate, hint in ex.hints:
        try:
            with np.errstate(all="ignore"):           # 1e308 / 3e-12 is inf, not a warning to the learner
                matched = bool(predicate(got, want))
        except Exception:                             # a hint written for another shape or a stranger answer
            matched = False
        if matched:
            return Feedback(False, hint)
    if got.shape != want.shape:
        return Feedback(False, f"The answer should have shape {want.shape}; yours has shape {got.shape}.")
    return Feedback(False, ex.fallback)



# Topic modules register their exercises on import (keep this list in notebook order).
from . import (start, recurrence, squashing, forget_gate, input_gate, cell_state, output_gate,  # noqa: E402,F401
               whole_cell, shapes, backpropagation, vanishing, highway, long_range, language_model, epidemic,
               variants, seq2seq, attention)
