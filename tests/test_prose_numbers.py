"""Every number a learner reads in a notebook's prose is checked, or declared a definition.

``tests/prose_numbers/nbNN.py`` lists each number of notebook NN's markdown with its origin
(``tests/_prose.py``): computed here and compared at the written precision (``calc``), a literal of
the notebook's code (``code``), asserted by a named test against a fresh run (``tested``), or a
definition or a source figure with its reason. A number that appears in the prose and not in the
registry fails, as does a registry entry for a number the prose no longer has, and a ``calc``
whose value does not round to what is written: change a computed number in a notebook by one
digit and this file fails.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
import sys
from pathlib import Path

import numpy as np
import pytest

import _prose
from _prose import Origin

ROOT = Path(__file__).resolve().parents[1]
REGISTRY = ROOT / "tests" / "prose_numbers"
sys.path.insert(0, str(ROOT / "tools"))
import notebooks as nbtools  # noqa: E402

sys.path.pop(0)

NOTEBOOKS = nbtools.notebook_paths()


def registry_path(nb: Path) -> Path:
    return REGISTRY / f"nb{nb.name[:2]}.py"


def load_registry(nb: Path) -> dict:
    path = registry_path(nb)
    spec = importlib.util.spec_from_file_location(f"prose_numbers_{path.stem}", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.NUMBERS


def evaluate(origin: Origin):
    import lstm_core

    names = {"np": np, "L": lstm_core, "lstm_core": lstm_core}
    for name, module in origin.names.items():
        names[name] = importlib.import_module(module)
    return eval(origin.what, names)  # noqa: S307 - expressions written in this repository


def problems(nb: Path, numbers: dict[str, int], registry: dict) -> list[str]:
    """What is wrong with ``registry`` for the ``numbers`` found in notebook ``nb`` (empty: all good)."""
    out = []
    code = _prose.code_of(nb)
    for tok in numbers:
        if tok not in registry:
            out.append(f"{tok!r} is in the prose but not in {registry_path(nb).relative_to(ROOT)}")
    for tok, origin in registry.items():
        if tok not in numbers:
            out.append(f"{tok!r} is listed but no longer in the prose (remove it)")
            continue
        if not isinstance(origin, Origin):
            out.append(f"{tok!r}: the entry must be calc(...), code(), tested(...), define(...) or source(...)")
        elif origin.kind == "calc":
            try:
                value = evaluate(origin)
            except Exception as exc:  # noqa: BLE001 - report any failure of the expression
                out.append(f"{tok!r}: calc({origin.what!r}) raised {type(exc).__name__}: {exc}")
                continue
            if not _prose.matches(tok, value, origin.rel):
                how = f"within {origin.rel:.0%}" if origin.rel is not None else "as written"
                out.append(f"{tok!r}: calc({origin.what!r}) gives {value!r}, which is not {tok} {how}")
        elif origin.kind == "code":
            if not _prose.literal_in_code(tok, code):
                out.append(f"{tok!r}: listed as code() but no code cell has the literal")
        elif origin.kind == "tested":
            file, _, func = origin.what.partition("::")
            path = ROOT / file
            if not path.is_file() or not re.search(rf"^def {re.escape(func)}\(", path.read_text(), re.M):
                out.append(f"{tok!r}: the test {origin.what} does not exist")
            else:
                text = path.read_text()
                forms = {tok.rstrip("%"), tok.replace(",", "").rstrip("%"), repr(_prose.value_of(tok))}
                if tok.endswith("%"):
                    forms.add(repr(_prose.value_of(tok) / 100))
                if not any(f in text for f in forms):
                    out.append(f"{tok!r}: {file} does not mention it")
        elif origin.kind in ("define", "source"):
            if len(origin.what.strip()) < 5:
                out.append(f"{tok!r}: {origin.kind}(...) needs a reason")
    return out


def test_every_notebook_has_a_registry():
    missing = [p.name for p in NOTEBOOKS if not registry_path(p).exists()]
    assert not missing, f"no tests/prose_numbers/nbNN.py for {missing}"


@pytest.mark.parametrize("nb", [p for p in NOTEBOOKS if registry_path(p).exists()], ids=lambda p: p.name[:2])
def test_every_number_in_the_prose_is_accounted_for(nb):
    found = _prose.numbers_in(nb)
    bad = problems(nb, found, load_registry(nb))
    assert not bad, f"{nb.name}:\n  " + "\n  ".join(bad)


# --- the check itself can fail ----------------------------------------------------------------------

def test_one_digit_changed_fails():
    nb = NOTEBOOKS[0]
    registry = {"0.982": _prose.calc("L.sigmoid(4.0)"), "4": _prose.define("the forget bias"),
                "1,316": _prose.calc("32 * 4 + 32 * 32 + 32 + 32 * 4 + 4")}
    good = {"0.982": 1, "4": 1, "1,316": 1}
    assert problems(nb, good, registry) == []
    for changed in ("0.983", "1,317"):
        numbers = {("0.982" if changed == "1,317" else changed): 1, "4": 1,
                   ("1,316" if changed == "0.983" else changed): 1}
        assert any(changed in p for p in problems(nb, numbers, registry)), changed
    wrong = dict(registry, **{"0.982": _prose.calc("L.sigmoid(4.1)")})
    assert any("which is not 0.982" in p for p in problems(nb, good, wrong))


@pytest.mark.parametrize("text, want", [
    ("with $b_f = 4$, $f = 0.98$; 4,868 parameters and 78% of it", ["4", "0.98", "4,868", "78%"]),
    ("$h_{t-1}$ and $x_1$ in [notebook 12](12-x.ipynb), `seed=0`, sources 000 and 003", []),
    ("about $1.1 \\times 10^{-40}$, or $0.5^{30} \\approx 10^{-9}$", ["1.1e-40", "0.5", "30", "1e-9"]),
    ("Greff et al. (2017) found\n1. first item with 3 units", ["3"]),
    ("a loss of \u22120.5 and notebooks 09 and 10", ["-0.5"]),
    ("> **Careful!** In sources 000\n> and 003, $W_f$ has 5 columns\n> 2. a quoted item", ["5"]),
    ("- 12 [LSTM vs RNN on a long-range task](12-lstm-vs-rnn-long-range.ipynb)\n- 4 units", ["4"]),
])
def test_numbers_found_in_prose(text, want):
    assert _prose.numbers_in_text(text) == want


@pytest.mark.parametrize("tok, value, ok", [
    ("0.98", 0.98201, True), ("0.98", 0.9749, False), ("4,868", 4868, True), ("4,868", 4867.6, True),
    ("1.1e-40", 1.04e-40, False), ("1.1e-40", 1.12e-40, True), ("78%", 78.4, True), ("78%", 0.78, False),
    ("-0.5", -0.5, True), ("1e-9", 9.3e-10, False), ("1e-9", 1.04e-9, True),
])
def test_written_precision(tok, value, ok):
    assert _prose.matches(tok, value) is ok


@pytest.mark.parametrize("tok, src, ok", [
    ("-6", "b = np.array([-6.0])", True), ("6", "b = np.array([-6.0])", True), ("-6", "b = [6.0]", False),
    ("-6", "z = x - 6", False), ("-4", "w = row(0, -4, 1e-4)", True), ("1,000", "n = 1_000", True),
    ("-1.5", "c_prev = np.array([2.0, -1.5, 1.0])", True), ("-1.5", "x = -1.5", True),
    ("-1.5", "y = x-1.5", False), ("1.5", "c = [2.0, -1.5]", True), ("10,000", "runs = 10_000", True),
    ("-2", "print(-2)", True), ("-2", "print(2)", False),
])
def test_literal_in_code(tok, src, ok):
    assert _prose.literal_in_code(tok, [src]) is ok


def test_rel_tolerance():
    assert _prose.matches("4.7", 4.79, rel=0.02)
    assert not _prose.matches("4.7", 4.9, rel=0.02)


# --- trained numbers are never compared by nbval -----------------------------------------------------

TRAINING_CALLS = re.compile(r"(?<![\w.])(?:L\.)?fit\s*\(|\b(?:train_and_score|long_range_accuracy|train_\w+)\s*\(")
ASSIGNED = re.compile(r"^([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)\s*=[^=]", re.M)


def trained_names(sources: list[str]) -> set[str]:
    """Names assigned in cells that call a training function (a trained model, a sweep, ...)."""
    names = set()
    for src in sources:
        if TRAINING_CALLS.search(src):
            for m in ASSIGNED.finditer(src):
                names.update(n.strip() for n in m.group(1).split(","))
    return names


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.name[:2])
def test_checked_cells_do_not_train(nb):
    """NBVAL_CHECK_OUTPUT is for deterministic arithmetic: a checked cell neither trains nor reads
    what a training cell made (training amplifies last-bit differences between CPUs)."""
    sources = _prose.code_of(nb)
    trained = trained_names(sources)
    for src in sources:
        if src.lstrip().startswith("# NBVAL_CHECK_OUTPUT"):
            assert not TRAINING_CALLS.search(src), f"{nb.name}: a checked cell trains:\n{src[:300]}"
            used = {n for n in trained if re.search(rf"\b{n}\b", src)}
            assert not used, f"{nb.name}: a checked cell prints trained values ({sorted(used)}):\n{src[:300]}"


def test_a_checked_cell_reading_a_sweep_is_caught():
    sources = ["sweep = E.long_range_accuracy(**E.NOTEBOOK_12)", "# NBVAL_CHECK_OUTPUT\nprint(sweep.summary())"]
    assert trained_names(sources) == {"sweep"}
