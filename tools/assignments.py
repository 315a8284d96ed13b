"""Turn the course's check-yourself exercises into nbgrader assignments, one per notebook.

    python3 tools/course.py assignments              # writes build/nbgrader/ (an nbgrader course)
    python3 tools/assignments.py --out DIR [NN ...]  # the same, for some notebooks only

The course folder it writes (``build/nbgrader/`` by default) is ready for nbgrader:
``nbgrader_config.py`` and ``source/lstm-NN-topic/lstm-NN-topic.ipynb``, one assignment per
notebook with exercises. Each exercise becomes three cells:

* its question (markdown, locked);
* the answer cell (an nbgrader solution cell): for a number, ``answer_NN_name = <the answer>``;
  for a function, the reference solution; nbgrader's ``generate_assignment`` replaces what lies
  between the solution markers with a stub for the student;
* the autograder cell (locked, with points): it calls the same checker the notebook uses,
  ``check`` or ``check_code``, prints its feedback (the hint that names the mistake) and fails
  when the answer is not right.

Points: 1 for a numeric exercise, 3 for a coding one. Then, in the folder:

    nbgrader generate_assignment lstm-03-forget-gate     # release/ gets the student version
    nbgrader autograde lstm-03-forget-gate               # after collecting into submitted/
    nbgrader generate_feedback lstm-03-forget-gate

(run nbgrader from the course's environment: `source .venv/bin/activate` first; it needs its
`alembic` on PATH). tests/test_assignments.py runs exactly this on a right and a wrong submission.
"""

from __future__ import annotations

import argparse
import inspect
import json
import re
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "build" / "nbgrader"
POINTS = {"numeric": 1, "code": 3}
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
CONFIG = '''\
# nbgrader's settings for the course's assignments (written by tools/assignments.py).
c = get_config()  # noqa: F821
c.CourseDirectory.course_id = "lstm-course"
# what a student sees in place of a solution
c.ClearSolutions.code_stub = {"python": "# YOUR ANSWER HERE\\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
# a cell may train a small model: give it time, but not forever
c.ExecutePreprocessor.timeout = 120
'''


def exercises():
    from lstm_course import exercises as ex
    return ex


def notebook_titles() -> dict:
    """{"03": ("03-the-forget-gate", "The forget gate"), ...} from notebooks/."""
    out = {}
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb")):
        nb = json.loads(path.read_text())
        first = "".join(nb["cells"][0]["source"]).splitlines()[0]
        out[path.name[:2]] = (path.stem, first.lstrip("# ").strip())
    return out


def assignment_name(stem: str) -> str:
    """'03-the-forget-gate' -> 'lstm-03-forget-gate' (nbgrader names: letters, digits, '-')."""
    number, _, rest = stem.partition("-")
    rest = re.sub(r"^(the|a|an)-", "", rest)
    return f"lstm-{number}-{rest}"


def variable(exercise_id: str) -> str:
    return "answer_" + re.sub(r"\W", "_", exercise_id)


def _meta(grade_id, *, solution=False, grade=False, locked=False, points=None):
    meta = {"nbgrader": {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3,
                         "solution": solution, "task": False}}
    if points is not None:
        meta["nbgrader"]["points"] = points
    return meta


def _cell(kind, source, meta):
    cell = {"cell_type": kind, "id": meta["nbgrader"]["grade_id"][:64], "metadata": meta, "source": source}
    if kind == "code":
        cell.update(execution_count=None, outputs=[])
    return cell


def answer_source(exercise_id, exercise, ex) -> str:
    """The answer cell's text, solution between nbgrader's markers."""
    if ex.is_numeric(exercise):
        return (f"# {exercise_id}: your answer ({ex.precision_words(exercise) or 'exact'})\n"
                f"### BEGIN SOLUTION\n{variable(exercise_id)} = {ex.format_answer(exercise)}\n### END SOLUTION")
    code = textwrap.dedent(inspect.getsource(exercise.solution)).rstrip()
    return f"# {exercise_id}: write the function\n### BEGIN SOLUTION\n{code}\n### END SOLUTION"


def test_source(exercise_id, exercise, ex) -> str:
    if ex.is_numeric(exercise):
        call = f"check({exercise_id!r}, {variable(exercise_id)})"
    else:
        call = f"check_code({exercise_id!r}, {exercise.solution.__name__})"
    return (f"feedback = {call}\nprint(feedback)\n"
            f"assert feedback, \"{exercise_id}: not right yet (the feedback above says what to look at)\"")


def assignment(number: str, stem: str, title: str, ids: list, ex) -> dict:
    name = assignment_name(stem)
    cells = [
        _cell("markdown", f"# {title}: graded exercises\n\nThe check-yourself exercises of notebook "
                          f"{number} ({stem}.ipynb). Work through the notebook first. Put each answer in "
                          "place of the stub in its cell (a number, or the body of the function), run "
                          "the cell and the check below it: it says what to look at when the answer is "
                          "not right yet. The same checks grade your work.",
              _meta(f"{name}-intro", locked=True)),
        _cell("code", "import numpy as np\nimport lstm_core as L\nfrom lstm_course.exercises import check, check_code",
              _meta(f"{name}-setup", locked=True)),
    ]
    for exercise_id in ids:
        exercise = ex.EXERCISES[exercise_id]
        kind = "numeric" if ex.is_numeric(exercise) else "code"
        slug = re.sub(r"\W", "-", exercise_id)
        cells += [
            _cell("markdown", f"## {exercise_id} ({POINTS[kind]} point{'s' if POINTS[kind] > 1 else ''})\n\n"
                              f"{ex.question(exercise_id)}", _meta(f"{slug}-question", locked=True)),
            _cell("code", answer_source(exercise_id, exercise, ex), _meta(f"{slug}-answer", solution=True)),
            _cell("code", test_source(exercise_id, exercise, ex),
                  _meta(f"{slug}-check", grade=True, locked=True, points=POINTS[kind])),
        ]
    return {"cells": cells, "metadata": {"kernelspec": KERNELSPEC, "language_info": {"name": "python"}},
            "nbformat": 4, "nbformat_minor": 5}


def build(out: Path = OUT, numbers=None) -> list:
    """Write the nbgrader course folder; return the assignment names written."""
    ex = exercises()
    titles = notebook_titles()
    by_number = {}
    for exercise_id in ex.EXERCISES:
        by_number.setdefault(exercise_id[:2], []).append(exercise_id)
    unknown = sorted(set(numbers or ()) - set(by_number))
    if unknown:
        raise SystemExit(f"assignments: no exercises for notebook(s) {', '.join(unknown)}; "
                         f"notebooks with exercises: {', '.join(sorted(by_number))}")
    out = Path(out)
    (out / "source").mkdir(parents=True, exist_ok=True)
    (out / "nbgrader_config.py").write_text(CONFIG)
    written = []
    for number in sorted(numbers or by_number):
        stem, title = titles[number]
        name = assignment_name(stem)
        folder = out / "source" / name
        folder.mkdir(parents=True, exist_ok=True)
        nb = assignment(number, stem, title, by_number[number], ex)
        (folder / f"{name}.ipynb").write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
        written.append(name)
    return written


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("numbers", nargs="*", help="notebook numbers (default: every notebook with exercises)")
    ap.add_argument("--out", type=Path, default=OUT, help=f"the nbgrader course folder (default {OUT.relative_to(ROOT)})")
    args = ap.parse_args(argv)
    names = build(args.out, args.numbers)
    print(f"wrote {len(names)} assignments to {args.out}/source/: {', '.join(names)}")
    print(f"next: cd {args.out} && nbgrader generate_assignment {names[0]}   (with .venv activated)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
