"""The check-yourself machinery (lstm_course.exercises) as a learner with a wrong or strange answer
meets it: every checker answers with feedback, never a traceback or a warning, and no hint hands
over the answer. (Each exercise's right answer and its hints for the usual mistakes are tested
with its notebook's explorer, in tests/test_widgets_<topic>.py.)"""

import re
import warnings

import numpy as np
import pytest

from lstm_course.exercises import EXERCISES, Feedback, _within, check, is_numeric


class Unreadable:
    """An answer whose conversion to an array fails: a learner's half-written class."""

    def __array__(self, *args, **kwargs):
        raise RuntimeError("not ready")


JUNK = [None, "0.5", "", b"1", [], [[]], [[1, 2], [3]], {}, {"a": 1}, object(), Unreadable(), [Unreadable()],
        1j, [1j], True, [True, False], np.nan, np.inf, -np.inf, 1e308, -1e308, 5e-324, 0, -1, 10 ** 400,
        np.zeros(0), np.zeros((3, 0)), np.ones((40, 40)), np.array(["a"]), np.array([None]), [np.nan, 1.0],
        np.float32(3e38), np.int64(2 ** 62), lambda: 1, range(3), np.full(3, 1e200), np.ones((2, 2, 2))]


@pytest.mark.parametrize("exercise_id", sorted(i for i, ex in EXERCISES.items() if is_numeric(ex)))   # coding: elsewhere
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


NUMERIC = sorted(i for i, ex in EXERCISES.items() if is_numeric(ex))


def _fallback_texts(ex):
    """The fallback's sentences: the text, or what the function says to answers on either side."""
    if not callable(ex.fallback):
        return [ex.fallback]
    want = np.asarray(ex.expected(), float)
    return sorted({ex.fallback(a, want) for a in (want * 0.5, want * 2, -want - 1, want + 0.5)})


@pytest.mark.parametrize("exercise_id", NUMERIC)
def test_no_hint_states_the_answer(exercise_id):
    """A number that the checker would accept as the answer may appear in a hint or the fallback
    only when the question itself gives it (H = 16 in the question may be repeated)."""
    ex = EXERCISES[exercise_id]
    want = np.ravel(np.asarray(ex.expected(), float))
    if want.size > 5:
        pytest.skip("an answer of many numbers (an array) cannot be given away in one number")
    given = _numbers(ex.question)
    trivial = {0.0, 1.0}                      # 0 and 1 appear in every explanation of a gate
    for text in [h.message for h in ex.hints] + _fallback_texts(ex):
        for v in _numbers(text):
            for w in want:
                if w not in trivial and v not in given and \
                        _within(np.array(v), np.array(w), ex.sig or 12, 1.0):
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


# --- issue 13: right answers accepted, hints as data, each hint answers its own mistake ----------------

from lstm_course.exercises import (LOOK, Hint, _hint_value, format_answer, matches, question,  # noqa: E402
                                   solution)


def _value(v):
    v = np.asarray(v, float)
    return v.item() if v.ndim == 0 else v.tolist()


@pytest.mark.parametrize("exercise_id", NUMERIC)
def test_the_right_answer_passes_and_each_hint_answers_its_own_mistake(exercise_id):
    ex = EXERCISES[exercise_id]
    want = _value(ex.expected())
    fb = check(exercise_id, want)
    assert fb.ok and fb.status == "correct", (exercise_id, str(fb))
    assert ex.hints and all(isinstance(h, Hint) for h in ex.hints)
    for hint in ex.hints:
        wrong = _value(_hint_value(hint))
        # no hint fires on the right answer, whatever the order of the checks
        assert not matches(ex, want, wrong), (exercise_id, hint.message)
        fb = check(exercise_id, wrong)
        assert not fb.ok and fb.status == "wrong", (exercise_id, wrong, str(fb))
        assert fb.message == hint.message, (exercise_id, wrong, fb.message, hint.message)


def test_the_stack_count_collides_with_no_mistake():
    # issue 13: with D = 3, H = 5 the right 100 was also "two biases, layer 2 reading D"
    ex = EXERCISES["01-stack-params"]
    values = [_hint_value(h) for h in ex.hints]
    assert len(values) >= 8 and len(set(values)) == len(values)
    assert ex.expected() not in values
    two = [h for h in ex.hints if h.message.startswith("Two things")]
    assert len(two) >= 4 and all("layer" in h.message for h in two)


def _round_sig(v, k):
    return v if v == 0 else round(v, k - 1 - int(np.floor(np.log10(abs(v)))))


@pytest.mark.parametrize("exercise_id", NUMERIC)
def test_a_rounded_right_answer_is_accepted_or_asked_for_more_digits(exercise_id):
    """Rounded to the digits the question asks for (or more): accepted. Rounded further: "close",
    never a hint about another mistake."""
    ex = EXERCISES[exercise_id]
    want = np.asarray(ex.expected(), float)
    if ex.sig is None:
        assert np.all(want == np.round(want))
        return
    for k in range(1, 6):
        answer = np.vectorize(lambda v: _round_sig(v, k))(want)
        if np.any((answer == 0) & (want != 0)):
            continue
        fb = check(exercise_id, _value(answer))
        if k >= ex.sig:
            assert fb.ok, (exercise_id, k, str(fb))
        else:
            assert fb.ok or fb.status == "close", (exercise_id, k, str(fb))
        if fb.status == "close":
            assert str(fb) == f"\u2248 Close: give {ex.sig} significant digits."


@pytest.mark.parametrize("exercise_id, answer, status", [
    ("11-forget-product", 0.122, "correct"), ("02-sigmoid-chain", 0.001, "close"),
    ("12-kept-after-40", 0.48, "close"), ("12-chance-6", 0.17, "correct"), ("13-temperature", 0.96, "correct"),
    ("06-softmax", [0.67, 0.24, 0.09], "correct"), ("00-sigmoid-90", [2.2], "correct"),
    ("00-sigmoid-90", 2.2, "correct"), ("06-softmax", [0.7, 0.2, 0.1], "close"),
])
def test_the_right_answers_issue_13_and_14_saw_rejected(exercise_id, answer, status):
    fb = check(exercise_id, answer)
    assert fb.status == status, str(fb)
    assert ("significant digits" in question(exercise_id)) == (EXERCISES[exercise_id].sig is not None)
    if status == "close":
        assert f"give {EXERCISES[exercise_id].sig} significant digits" in fb.message


def test_a_wrong_close_number_is_not_close():
    # "close" is only for the right answer rounded: 1/8 is not 0.9 ** 20 rounded
    assert check("11-forget-product", 0.125).status == "wrong"
    assert check("11-forget-product", 0.12).status == "close"


@pytest.mark.parametrize("placeholder", [..., None, [..., ..., ...], [None, None]])
def test_a_placeholder_reads_not_answered_yet(placeholder):
    for exercise_id in NUMERIC:
        fb = check(exercise_id, placeholder)
        assert fb.status == "unanswered" and not fb.ok
        assert str(fb).startswith("\u2026 Not answered yet.")


def test_feedback_says_its_verdict_with_a_symbol_words_and_a_colour():
    symbols = {look[0] for look in LOOK.values()}
    words = {look[1] for look in LOOK.values()}
    colours = {look[2] for look in LOOK.values()}
    assert len(symbols) == len(words) == len(colours) == len(LOOK)
    for status, (symbol, word, _) in LOOK.items():
        fb = Feedback(status == "correct", "Look at f.", status=status)
        assert str(fb).startswith(f"{symbol} {word}")
        page = fb._repr_html_()
        assert symbol in page and word in page and "word-break:normal" in page
        sizes = [int(px) for px in re.findall(r"font-size:(\d+)px", page)]
        assert sizes and min(sizes) >= 11
    assert Feedback(True, "").status == "correct"
    rows = Feedback(False, "dx is off.", rows=(("dx", 0.3, False), ("db", 1e-9, True)))
    assert "<table" in rows._repr_html_() and "dx: relative error 3.0e-01" in str(rows)
    assert "&lt;b&gt;" in Feedback(False, "<b>").__repr__() or "&lt;b&gt;" in Feedback(False, "<b>")._repr_html_()


def test_a_printed_question_wraps_between_words():
    for exercise_id in EXERCISES:
        q = question(exercise_id)
        lines = str(q).split("\n")
        assert all(len(line) <= q.WIDTH or " " not in line for line in lines)
        assert " ".join(lines).split() == str.__str__(q).split()          # no word cut in two
        assert "word-break:normal" in q._repr_html_()


def test_solution_is_given_when_asked_and_never_with_a_wrong_answer(capsys):
    ex = EXERCISES["00-sigmoid-90"]
    for exercise_id in NUMERIC:
        for hint in EXERCISES[exercise_id].hints:
            check(exercise_id, _value(_hint_value(hint)))
        check(exercise_id, 123456.0)
    assert capsys.readouterr().out == ""
    solution("00-sigmoid-90")
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Here is the reference solution of 00-sigmoid-90 (you asked for it)."
    assert out[1] == f"Answer: {format_answer(ex)}" == "Answer: 2.20"
    assert "ln 9" in " ".join(out[2:])
    assert format_answer(EXERCISES["06-softmax"]) == "[0.67, 0.24, 0.090]"
    assert format_answer(EXERCISES["01-stack-params"]) == "138"


def test_every_notebook_answer_cell_starts_unanswered():
    """After Run All no check cell says "Not yet": each answer cell starts from the placeholder ...
    (issue 14), and the checker reads it as not answered."""
    import json
    from pathlib import Path

    cells = 0
    for path in sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("[0-9][0-9]-*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            source = "".join(cell["source"])
            m = re.search(r'^check\("([\w-]+)", (\w+)\)', source, flags=re.M)
            if cell["cell_type"] != "code" or not m:
                continue
            cells += 1
            assert re.search(rf"^{m.group(2)} = \.\.\.\s+# <- put your answer here", source, flags=re.M), \
                (path.name, source)
            assert check(m.group(1), ...).status == "unanswered"
    assert cells >= 38


def test_no_rounding_of_a_right_answer_is_rejected():
    """tools/exercise_rounding.py's audit (the right answers rounded to 1..4 significant digits and
    1..4 decimals): before issue 13, 41 of 83 were rejected with a hint; now none is."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "tools" / "exercise_rounding.py"
    spec = importlib.util.spec_from_file_location("exercise_rounding", path)
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    rows = tool.audit()
    assert len(rows) >= 80
    assert [r for r in rows if r[3] == "rejected"] == []
    for exercise_id, answer in tool.REPORTED.items():
        assert tool.verdict(check(exercise_id, answer)) != "rejected", exercise_id
