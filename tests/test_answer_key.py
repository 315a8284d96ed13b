"""The teacher's answer key, docs/answer-key.md: generated from the exercise definitions by
tools/answer_key.py, committed, and kept in step (this test fails and says how to regenerate)."""

import importlib.util
import re
import sys
from pathlib import Path

from lstm_course.exercises import EXERCISES, format_answer, is_numeric

ROOT = Path(__file__).resolve().parents[1]
KEY = ROOT / "docs" / "answer-key.md"

_spec = importlib.util.spec_from_file_location("answer_key_tool", ROOT / "tools" / "answer_key.py")
A = importlib.util.module_from_spec(_spec)
sys.modules["answer_key_tool"] = A
_spec.loader.exec_module(A)


def test_the_committed_answer_key_is_in_step_with_the_exercises():
    assert KEY.exists(), "docs/answer-key.md is missing: run `python tools/answer_key.py`"
    assert KEY.read_text(encoding="utf-8") == A.render(), \
        "docs/answer-key.md is out of step with lstm_course/exercises: run `python tools/answer_key.py` and commit it"


def test_the_key_lists_every_exercise_with_its_answer_and_every_hint():
    text = KEY.read_text(encoding="utf-8")
    sections = dict(re.findall(r"### `(\d\d-[a-z0-9-]+)`\n(.*?)(?=\n### |\n## |\Z)", text, flags=re.S))
    assert set(sections) == set(EXERCISES)
    for exercise_id, ex in EXERCISES.items():
        body = sections[exercise_id]
        assert f"({len(ex.hints)}):**" in body
        assert body.count("\n| `") == len(ex.hints)
        if is_numeric(ex):
            assert f"**Answer:** `{format_answer(ex)}`" in body


def test_the_teachers_guide_links_the_key():
    guide = (ROOT / "docs" / "teachers-guide.md").read_text(encoding="utf-8")
    assert "](answer-key.md)" in guide


def test_markdown_in_questions_is_escaped():
    assert A.md("H*H + 9*H, c_(t-1) | [1, 2]") == r"H\*H + 9\*H, c\_(t-1) \| \[1, 2\]"
