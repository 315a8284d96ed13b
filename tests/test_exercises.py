"""The check-yourself machinery (lstm_course.exercises) as a learner with a wrong or strange answer
meets it: every checker answers with feedback, never a traceback or a warning, and no hint hands
over the answer. (Each exercise's right answer and its hints for the usual mistakes are tested
with its notebook's explorer, in tests/test_widgets_<topic>.py.)"""

import re
import warnings

import numpy as np
import pytest

from lstm_course.exercises import EXERCISES, Feedback, check, is_numeric

NUMERIC = sorted(i for i, ex in EXERCISES.items() if is_numeric(ex))   # coding: tests/test_coding_exercises.py


class Unreadable:
    """An answer whose conversion to an array fails: a learner's half-written class."""

    def __array__(self, *args, **kwargs):
        raise RuntimeError("not ready")


JUNK = [None, "0.5", "", b"1", [], [[]], [[1, 2], [3]], {}, {"a": 1}, object(), Unreadable(), [Unreadable()],
        1j, [1j], True, [True, False], np.nan, np.inf, -np.inf, 1e308, -1e308, 5e-324, 0, -1, 10 ** 400,
        np.zeros(0), np.zeros((3, 0)), np.ones((40, 40)), np.array(["a"]), np.array([None]), [np.nan, 1.0],
        np.float32(3e38), np.int64(2 ** 62), lambda: 1, range(3), np.full(3, 1e200), np.ones((2, 2, 2))]


@pytest.mark.parametrize("exercise_id", NUMERIC)
def test_every_checker_answers_junk_with_feedback(exercise_id):
    # an answer whose __array__ raised crashed all 38 checkers with a traceback; a huge one made
    # a hint print numpy's overflow warning
    for answer in JUNK:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            fb = check(exercise_id, answer)
        assert isinstance(fb, Feedback) and not fb.ok and fb.message, (exercise_id, answer)
    assert "could not be read as an array" in check(exercise_id, Unreadable()).message


def _numbers(text):
    """The numbers written in ``text`` ("2,100", "0.25", "3.1e-12"), as floats."""
    return [float(m.replace(",", "")) for m in re.findall(r"(?<![\w.])-?\d[\d,]*(?:\.\d+)?(?:e-?\d+)?(?![\d])", text)]


@pytest.mark.parametrize("exercise_id", NUMERIC)
def test_no_hint_states_the_answer(exercise_id):
    """A number of the answer (to the exercise's tolerance) may appear in a hint or the fallback
    only when the question itself gives it (H = 16 in the question may be repeated)."""
    ex = EXERCISES[exercise_id]
    want = np.ravel(np.asarray(ex.expected(), float))
    if want.size > 5:
        pytest.skip("an answer of many numbers (an array) cannot be given away in one number")
    given = _numbers(ex.question)
    trivial = {0.0, 1.0}                      # 0 and 1 appear in every explanation of a gate
    for text in [h for _, h in ex.hints] + [ex.fallback]:
        for v in _numbers(text):
            for w in want:
                if w not in trivial and abs(v - w) <= max(ex.tol, 1e-9 * abs(w)) and v not in given:
                    pytest.fail(f"{exercise_id}: a hint states the answer {w:g}: {text!r}")


def test_the_hints_that_gave_the_answer_away_no_longer_do():
    # issue 12: answering 17 was told "the next begins at 16"; the step-backward fallback listed
    # every formula; the linear-trend hints stated the three increments
    assert "16" not in check("08-keras-forget-column", 17).message
    assert "Count from 0" in check("08-keras-forget-column", 17).message
    for hint in EXERCISES["09-step-backward"].hints:                    # now a coding exercise
        assert "outer(" not in hint.message and ".T @" not in hint.message
    for answer in ([1800, 1800, 1800], [2100, 2100, 2100]):
        message = check("14-naive", answer).message
        assert not re.search(r"\+\s*[369]00", message), message
