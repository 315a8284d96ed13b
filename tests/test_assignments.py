"""nbgrader on the course's exercises (tools/assignments.py), for real: generate the student
version, then autograde a fully right submission and one with typical mistakes, and check the
scores and that the feedback names the mistake."""

from __future__ import annotations

import inspect
import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import assignments  # noqa: E402

sys.path.pop(0)

from lstm_course import exercises as ex  # noqa: E402

pytestmark = pytest.mark.slow          # nbgrader runs each submission in a kernel


def _number():
    """A notebook with numeric and coding exercises (the richest case), else one with numbers."""
    kinds = {}
    for exercise_id, exercise in ex.EXERCISES.items():
        kinds.setdefault(exercise_id[:2], set()).add(ex.is_numeric(exercise))
    both = sorted(n for n, k in kinds.items() if k == {True, False})
    return both[0] if both else "03"


NUMBER = _number()


def nbgrader(folder, *args):
    bindir = str(Path(sys.executable).parent)
    env = dict(os.environ, PATH=bindir + os.pathsep + os.environ.get("PATH", ""), PYTHONPATH=str(ROOT),
               OPENBLAS_NUM_THREADS="1", MPLBACKEND="Agg")
    out = subprocess.run([sys.executable, "-m", "nbgrader", *args, "--force"], cwd=folder, env=env,
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-4000:]
    return out


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    folder = tmp_path_factory.mktemp("nbgrader")
    (name,) = assignments.build(folder, [NUMBER])
    nbgrader(folder, "generate_assignment", name)
    return folder, name


def _cells(path):
    return json.loads(Path(path).read_text())["cells"]


def _grade_id(cell):
    return cell["metadata"].get("nbgrader", {}).get("grade_id", "")


def _solution(cell_source):
    return re.search(r"### BEGIN SOLUTION\n(.*?)\n### END SOLUTION", cell_source, re.S).group(1)


def _submit(folder, name, student, answers):
    """Hand in the released notebook with ``answers`` {grade_id: source} in the answer cells."""
    nb = json.loads((folder / "release" / name / f"{name}.ipynb").read_text())
    for cell in nb["cells"]:
        if _grade_id(cell) in answers:
            cell["source"] = answers[_grade_id(cell)]
    dest = folder / "submitted" / student / name
    dest.mkdir(parents=True, exist_ok=True)
    (dest / f"{name}.ipynb").write_text(json.dumps(nb))


def _wrong_answer(exercise_id, exercise):
    """A typical mistake's answer: the first hint's wrong value, or its wrong function."""
    wrong = exercise.hints[0].wrong
    if ex.is_numeric(exercise):
        value = wrong() if callable(wrong) else wrong
        return f"{assignments.variable(exercise_id)} = {np.asarray(value, float).tolist()!r}", exercise.hints[0].message
    source = textwrap.dedent(inspect.getsource(wrong))
    source = re.sub(r"^def \w+\(", f"def {exercise.solution.__name__}(", source, count=1, flags=re.M)
    return source, exercise.hints[0].message


def _scores(folder, name):
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{folder / 'gradebook.db'}") as gb:
        return {s.student.id: (s.score, s.max_score) for s in gb.assignment_submissions(name)}


def test_the_student_version_has_no_solution_and_keeps_the_checks(course):
    folder, name = course
    source, release = _cells(folder / "source" / name / f"{name}.ipynb"), \
        _cells(folder / "release" / name / f"{name}.ipynb")
    ids = [i for i in ex.EXERCISES if i.startswith(NUMBER + "-")]
    answers = [c for c in release if _grade_id(c).endswith("-answer")]
    assert len(answers) == len(ids) >= 1
    for cell in answers:
        text = "".join(cell["source"])
        assert "raise NotImplementedError()" in text and "BEGIN SOLUTION" not in text
    for s, r in zip(source, release):
        if _grade_id(s).endswith("-check"):
            text = lambda c: "".join(c["source"])  # noqa: E731
            assert text(s) == text(r) and "check" in text(r)


def test_autograding_gives_full_marks_and_the_expected_partial_marks(course):
    folder, name = course
    source = _cells(folder / "source" / name / f"{name}.ipynb")
    right = {_grade_id(c): _solution("".join(c["source"])) for c in source if _grade_id(c).endswith("-answer")}
    ids = [i for i in ex.EXERCISES if i.startswith(NUMBER + "-")]
    points = {i: assignments.POINTS["numeric" if ex.is_numeric(ex.EXERCISES[i]) else "code"] for i in ids}
    total = sum(points.values())
    # the second student: a typical mistake in the first exercise (and the first coding one), and
    # the last exercise left as handed out
    wrong_ids = [ids[0]] + [i for i in ids[1:] if not ex.is_numeric(ex.EXERCISES[i])][:1]
    slug = lambda i: re.sub(r"\W", "-", i) + "-answer"  # noqa: E731
    mistakes, messages = dict(right), {}
    for i in wrong_ids:
        mistakes[slug(i)], messages[i] = _wrong_answer(i, ex.EXERCISES[i])
    unanswered = ids[-1] if ids[-1] not in wrong_ids else None
    if unanswered:
        del mistakes[slug(unanswered)]
    _submit(folder, name, "right", right)
    _submit(folder, name, "typical", mistakes)
    nbgrader(folder, "autograde", name)
    scores = _scores(folder, name)
    lost = sum(points[i] for i in wrong_ids) + (points[unanswered] if unanswered else 0)
    assert scores["right"] == (total, total)
    assert scores["typical"] == (total - lost, total)
    graded = folder / "autograded" / "typical" / name / f"{name}.ipynb"
    outputs = "".join(o.get("text", "") if isinstance(o.get("text", ""), str) else "".join(o["text"])
                      for c in _cells(graded) for o in c.get("outputs", []))
    first_message = messages[ids[0]]
    assert first_message[:60] in outputs, "the feedback names the mistake"
