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
    conda = {line.strip()[2:] for line in deps if re.match(r"^  - [A-Za-z]", line) and not line.endswith(":")}
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
    wanted = names(project["dependencies"]) | names(project["optional-dependencies"]["course"]) | \
        names(project["optional-dependencies"]["test"])
    assert wanted <= pinned
    assert "torch" not in pinned


def test_import_lstm_core_loads_only_numpy():
    code = ("import sys, lstm_core, lstm_core.exercises; "
            "print(sorted(m for m in ('matplotlib', 'ipywidgets', 'torch', 'IPython') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"


def test_math_modules_import_nothing_but_numpy():
    # numpy and a few pure-Python standard-library helpers; widgets/ and the two drawing modules
    # are the only places matplotlib and ipywidgets may appear
    allowed = {"numpy", "__future__", "dataclasses", "typing", "numbers", "math", "functools",
               "itertools", "collections", "re", "string", "unicodedata", "pathlib"}
    for path in (ROOT / "lstm_core").rglob("*.py"):
        if path.name in ("plotting.py", "diagram.py") or "widgets" in path.parts:
            continue
        for line in path.read_text().splitlines():
            m = re.match(r"^(?:from|import) ([a-zA-Z_][\w]*)", line)
            if m:
                assert m.group(1) in allowed, f"{path.name} imports {m.group(1)}"


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

