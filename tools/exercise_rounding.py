"""How the numeric checkers treat right answers that a learner rounded.

For every numeric exercise whose answer is not a whole number, round the right answer to 1..4
significant digits and to 1..4 decimals (each entry of a vector alike), and record the checker's
verdict on each rounding: accepted, "close" (asked for more digits) or rejected (any other
answer, which is a hint about a mistake the learner did not make). Roundings that turn an entry
to 0 are left out (nobody answers 0 for 0.00098). The issue-13 answers are checked as well.

    python tools/exercise_rounding.py            # the table and the totals
    python tools/exercise_rounding.py --quiet    # the totals only

It reads ``lstm_course.exercises`` from PYTHONPATH, so pointing PYTHONPATH at an older checkout
measures that version's checkers (the script only needs ``EXERCISES`` and ``check``).
"""

from __future__ import annotations

import argparse
import math

import numpy as np

from lstm_course.exercises import EXERCISES, check

REPORTED = {                      # issue 13: right answers a reader saw rejected
    "11-forget-product": 0.122, "02-sigmoid-chain": 0.001, "12-kept-after-40": 0.48, "12-chance-6": 0.17,
    "13-temperature": 0.96, "06-softmax": [0.67, 0.24, 0.09],
}


def round_sig(v: float, k: int) -> float:
    return v if v == 0 else round(v, k - 1 - math.floor(math.log10(abs(v))))


def roundings(want: np.ndarray):
    """(label, answer) pairs: the right answer rounded in each way, without repeats."""
    seen, out = set(), []
    for label, fn in ([(f"{k} sig", lambda v, k=k: round_sig(v, k)) for k in range(1, 5)]
                      + [(f"{d} dec", lambda v, d=d: round(v, d)) for d in range(1, 5)]):
        r = np.array([fn(float(v)) for v in want.ravel()]).reshape(want.shape)
        if np.any((r == 0) & (want != 0)) or np.array_equal(r, want):
            continue
        key = tuple(np.ravel(r))
        if key not in seen:
            seen.add(key)
            out.append((label, r))
    return out


def verdict(fb) -> str:
    status = getattr(fb, "status", None)
    if fb.ok:
        return "accepted"
    return "close" if status == "close" else "rejected"


def is_numeric(ex) -> bool:
    return hasattr(ex, "expected")


def audit():
    rows = []
    for exercise_id, ex in EXERCISES.items():
        if not is_numeric(ex) or exercise_id == "09-step-backward":
            continue
        want = np.asarray(ex.expected(), dtype=float)
        if np.all(want == np.round(want)):
            continue                                   # a whole number or a shape: nothing to round
        for label, answer in roundings(want):
            given = answer.item() if answer.ndim == 0 else answer.tolist()
            fb = check(exercise_id, given)
            rows.append((exercise_id, label, given, verdict(fb), str(fb).replace("\n", " ")))
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quiet", action="store_true", help="print the totals only")
    args = parser.parse_args(argv)
    rows = audit()
    if not args.quiet:
        for exercise_id, label, given, v, text in rows:
            print(f"{exercise_id:<24}{label:<7}{str(given):<28}{v:<9}{text[:90]}")
    counts = {v: sum(r[3] == v for r in rows) for v in ("accepted", "close", "rejected")}
    exercises = len({r[0] for r in rows})
    print(f"{len(rows)} roundings of {exercises} exercises' answers: " +
          ", ".join(f"{n} {v}" for v, n in counts.items()))
    print("issue 13's answers:")
    for exercise_id, answer in REPORTED.items():
        fb = check(exercise_id, answer)
        print(f"  {exercise_id:<20}{str(answer):<20}{verdict(fb):<9}{str(fb)[:80]}")
    return counts


if __name__ == "__main__":
    main()
