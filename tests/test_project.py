"""Project-level promises: dependency lists agree, the math imports only numpy, the README's
two commands are the ones CI and the tools run."""

import platform
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def names(requirements):
    return {re.split(r"[<>=!~ \[]", r.strip(), maxsplit=1)[0].lower().replace("_", "-") for r in requirements}


def test_environment_yml_lists_what_pyproject_lists():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = names(project["dependencies"])
    for extra in ("course", "test"):
        wanted |= names(project["optional-dependencies"][extra])
    text = (ROOT / "environment.yml").read_text()
    deps = text[text.index("dependencies:"):].splitlines()
    # conda's packages ("  - name") and those pip installs in that environment ("      - name")
    conda = {line.strip()[2:] for line in deps if re.match(r"^ +- [A-Za-z]", line) and not line.endswith(":")}
    conda_names = names(c for c in conda) - {"python", "pip"}
    assert conda_names == wanted


def test_pyproject_extras_are_the_brief():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert {"numpy", "matplotlib", "ipywidgets"} <= names(project["dependencies"])
    assert names(project["optional-dependencies"]["course"]) >= {"jupyterlab", "ipykernel"}
    assert names(project["optional-dependencies"]["test"]) >= {"pytest", "nbval", "hypothesis"}
    assert "torch" not in str(project)


def test_constraints_pin_every_direct_dependency():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pinned = names(line for line in (ROOT / "constraints.txt").read_text().splitlines()
                   if line and not line.startswith("#"))
    wanted = names(project["dependencies"])
    for extra in project["optional-dependencies"].values():    # course, test and class
        wanted |= names(extra)
    assert wanted <= pinned
    assert "torch" not in pinned


def test_import_lstm_core_loads_only_numpy():
    code = ("import sys, lstm_core, lstm_course.demos, lstm_course.exercises; "
            "print(sorted(m for m in ('matplotlib', 'ipywidgets', 'torch', 'IPython') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"


# What each part of the tree may import (besides pure-Python standard-library helpers): the core
# numpy only; the demonstrations the core too; the exercises the demonstrations too; only the
# explorers and the two drawing modules matplotlib and ipywidgets.
STDLIB = {"__future__", "dataclasses", "typing", "numbers", "math", "functools", "itertools", "collections",
          "re", "string", "unicodedata", "pathlib", "html", "contextlib", "json", "inspect", "traceback",
          "warnings", "os", "io", "struct", "zlib"}
IMPORT_RULES = {
    "lstm_core": {"numpy"},
    "lstm_course/demos": {"numpy", "lstm_core"},
    "lstm_course/exercises": {"numpy", "lstm_core", "lstm_course.demos"},
    "lstm_course/explorers": {"numpy", "lstm_core", "lstm_course.demos", "lstm_course.formatting",
                              "lstm_course.plotting", "lstm_course.diagram", "lstm_course.exercises", "matplotlib",
                              "ipywidgets", "IPython"},
    "lstm_course/formatting.py": {"numpy"},
    "lstm_course/plotting.py": {"numpy", "matplotlib"},
    "lstm_course/diagram.py": {"numpy", "matplotlib", "lstm_course.plotting"},
}


def imports_of(path: Path) -> set:
    """Absolute names of what a module imports at its top level (relative imports resolved against
    its package). Imports inside functions (tqdm for an optional progress bar) load on demand."""
    package = path.relative_to(ROOT).with_suffix("").parts[:-1]
    out = set()
    for line in path.read_text().splitlines():
        m = re.match(r"^(?:from (\.*)([\w.]*) import|import ([\w.]+))", line)
        if not m:
            continue
        dots, mod, plain = m.groups()
        if plain:
            out.add(plain)
        elif dots:
            base = list(package[:len(package) - (len(dots) - 1)])
            out.add(".".join(base + ([mod] if mod else [])))
        else:
            out.add(mod)
    return out


@pytest.mark.parametrize("part", sorted(IMPORT_RULES))
def test_each_part_imports_only_what_it_may(part):
    allowed = IMPORT_RULES[part]
    target = ROOT / part
    paths = [target] if target.suffix == ".py" else sorted(target.rglob("*.py"))
    assert paths, part
    for path in paths:
        own = ".".join(path.relative_to(ROOT).with_suffix("").parts[:2])   # imports inside its own part
        for name in imports_of(path):
            top = name.split(".")[0]
            ok = (top in STDLIB or name.startswith(own) or name.startswith(part.replace("/", "."))
                  or any(name == a or name.startswith(a + ".") for a in allowed))
            assert ok, f"{path.relative_to(ROOT)} imports {name}; {part} may import {sorted(allowed)}"


def test_the_import_rules_catch_a_plot_in_the_math(tmp_path, monkeypatch):
    bad = ROOT / "lstm_course" / "demos" / "_probe_rule.py"
    bad.write_text("import matplotlib.pyplot as plt\n")
    try:
        with pytest.raises(AssertionError, match="imports matplotlib"):
            test_each_part_imports_only_what_it_may("lstm_course/demos")
    finally:
        bad.unlink()


def test_readme_gives_the_two_commands_and_ci_runs_the_test_one():
    readme = (ROOT / "README.md").read_text()
    assert "python3 tools/course.py lab" in readme and "python3 tools/course.py test" in readme
    ci = (ROOT / ".ci" / "run").read_text()
    assert "python3 tools/course.py test" in ci
    make = (ROOT / "Makefile").read_text()
    assert "tools/course.py lab" in make and "tools/course.py test" in make


def test_lab_command_is_loopback_with_a_token_from_the_environment():
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import course
    finally:
        sys.path.pop(0)
    cmd = [str(c) for c in course.lab_command(Path("python"), 8899, browser=False)]
    assert "--ip=127.0.0.1" in cmd and "--port=8899" in cmd and "--no-browser" in cmd
    assert not any("token" in c.lower() for c in cmd), "the token goes in the environment, not the command"
    assert course.server_env("abc123")["JUPYTER_TOKEN"] == "abc123"


@pytest.mark.skipif(platform.machine().lower() not in ("x86_64", "amd64"), reason="x86 CPU features")
def test_the_other_cpu_level_really_computes_without_avx():
    """The test command's second pass (tests marked `trains`) must run numpy without AVX2 and
    AVX-512 and OpenBLAS on another kernel; ask a fresh interpreter what it really uses."""
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import course
    finally:
        sys.path.pop(0)
    env = course.other_cpu_env({"PATH": "/usr/bin:/bin", "OPENBLAS_L2_SIZE": "1"})
    assert "OPENBLAS_L2_SIZE" not in env and env["OPENBLAS_CORETYPE"] == "Nehalem"
    probe = ("from numpy._core._multiarray_umath import __cpu_features__ as f;"
             "print(f['AVX2'] and f['X86_V3'], f['AVX512F'] and f['X86_V4'], f['AVX512_ICL'])")
    out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False", "False"], out.stdout + out.stderr



def test_claims_from_training_are_marked_for_the_second_cpu_level():
    """The experiments behind notebooks 10, 12-15, 17 and 18 are re-run by the test command's second pass."""
    out = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-m", "trains", "tests"],
                         cwd=ROOT, capture_output=True, text=True)
    files = {line.split("::")[0] for line in out.stdout.splitlines() if "::" in line}
    want = {"tests/test_vanishing.py", "tests/test_long_range.py", "tests/test_language_model_claims.py",
            "tests/test_epidemic.py", "tests/test_variants_training.py", "tests/test_seq2seq_claims.py",
            "tests/test_attention_claims.py"}
    assert want <= files, out.stdout[-2000:]
