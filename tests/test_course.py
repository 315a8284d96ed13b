"""tools/course.py (and tools/_course.py, where its work is done): the servers keep their token off
every command line, and setup survives a learner's machine (a stray PYTHONPATH, a broken .venv, an
old Python, a read-only folder).

The servers themselves are started for real in tests/browser/ (test_jupyterlab.py, test_app.py:
the token works, nothing listens beyond 127.0.0.1, no command line of the server or its kernels
holds the token). Here the commands are run with their subprocess replaced, and setup with a
temporary project folder (ROOT, VENV and STAMP monkeypatched), so nothing is installed."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import venv
import warnings
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parents[1]
LAUNCHER = ROOT / "tools" / "course.py"

sys.path.insert(0, str(ROOT / "tools"))
import _course as course  # noqa: E402  (the real module: monkeypatching course.py's re-exported names would not reach it)

sys.path.pop(0)

# Every command that starts a server, and how to call it with its subprocess replaced. A new
# server command must be added here (test_every_server_command_is_checked fails until it is).
SERVERS = {"lab": "lab_command", "app": "app_command"}
# the class hub logs students in with a password kept in a 0600 file, not with a token: its own rules
# (loopback, no secret on a command line, nothing reachable without logging in) are in
# tests/browser/test_hub.py and tests/test_deploy.py
OTHER_SERVERS = {"hub": "hub_command"}


# --- the security rule: secrets never in argv; servers on loopback with a token -------------------

@pytest.fixture
def started(monkeypatch, tmp_path):
    """Run course.lab/app with setup and the server replaced; returns {command: (cmd, env)}."""
    calls = {}
    monkeypatch.setattr(course, "setup", lambda: Path("python"))
    monkeypatch.setattr(course, "build_app_pages", lambda: [])

    def fake_call(cmd, cwd=None, env=None):
        calls["last"] = ([str(c) for c in cmd], env)
        return 0
    monkeypatch.setattr(course.subprocess, "call", fake_call)

    def start(command, **environ):
        for k, v in environ.items():
            monkeypatch.setenv(k, v)
        args = SimpleNamespace(port=18000, token="", no_browser=True)
        assert getattr(course, command)(args) == 0
        return calls.pop("last")
    return start


@pytest.mark.parametrize("command", sorted(SERVERS))
def test_servers_get_their_token_from_the_environment_not_the_command_line(started, capsys, command):
    # /proc/PID/cmdline is world-readable: --IdentityProvider.token=... and Voila's --token=...
    # gave any local account the learner's JupyterLab, that is, code execution as the learner
    cmd, env = started(command)
    token = env["JUPYTER_TOKEN"]
    assert len(token) >= 32
    assert not any(token in c for c in cmd), cmd
    assert not any("token=" in c.lower() for c in cmd if "auto_token" not in c.lower()), cmd
    assert "--ip=127.0.0.1" in cmd or "--Voila.ip=127.0.0.1" in cmd
    assert f"?token={token}" in capsys.readouterr().out, "the address with the token is for the learner's eyes"


@pytest.mark.parametrize("command", sorted(SERVERS))
def test_a_learners_own_token_comes_from_jupyter_token(started, command):
    cmd, env = started(command, JUPYTER_TOKEN="my-own-secret-token")
    assert env["JUPYTER_TOKEN"] == "my-own-secret-token"
    assert not any("my-own-secret-token" in c for c in cmd)


@pytest.mark.parametrize("command", sorted(SERVERS))
def test_a_token_on_the_command_line_is_refused_with_what_to_do_instead(monkeypatch, command):
    monkeypatch.setattr(course, "setup", lambda: pytest.fail("refused before setup, not after"))
    with pytest.raises(SystemExit) as stop:
        course.main([command, "--token", "abc"])
    assert "JUPYTER_TOKEN=" in str(stop.value) and "ps" in str(stop.value)


def test_every_server_command_is_checked():
    """The functions that build a server's command line are exactly the ones tested above and in
    tests/browser/; each lab/app subcommand runs its server with server_env."""
    builders = {name for name in dir(course) if name.endswith("_command") and callable(getattr(course, name))}
    assert builders == set(SERVERS.values()) | set(OTHER_SERVERS.values()), \
        f"a new server command: add it to SERVERS ({builders})"
    source = Path(course.__file__).read_text()
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name in SERVERS:
            body = ast.get_source_segment(source, node)
            assert f"{SERVERS[node.name]}(" in body and "env=server_env(token)" in body, node.name


def test_contributing_states_the_rule():
    text = (ROOT / "CONTRIBUTING.md").read_text()
    assert "never goes on a command line" in text and "127.0.0.1" in text and "JUPYTER_TOKEN" in text


# --- setup: PYTHONPATH, a broken .venv, an old Python, a read-only folder -----------------------------

def test_venv_env_leaves_out_pythonpath_and_pythonhome(monkeypatch):
    # a learner's stray numpy on PYTHONPATH shadowed the course's and `course.py test` failed
    monkeypatch.setenv("PYTHONPATH", "/somewhere/with/an/old/numpy")
    monkeypatch.setenv("PYTHONHOME", "/elsewhere")
    env = course.venv_env()
    assert "PYTHONPATH" not in env and "PYTHONHOME" not in env
    assert env["PATH"].startswith(str(course.venv_python().parent))


@pytest.fixture
def project(monkeypatch, tmp_path):
    """A temporary project folder for setup: its own pyproject.toml, constraints.txt and .venv."""
    root = tmp_path.resolve()
    for name in ("pyproject.toml", "constraints.txt"):
        (root / name).write_bytes((ROOT / name).read_bytes())
    monkeypatch.setattr(course, "ROOT", root)
    monkeypatch.setattr(course, "VENV", root / ".venv")
    monkeypatch.setattr(course, "STAMP", root / ".venv" / ".course-stamp")
    return root


def fake_setup(monkeypatch, problems):
    """Replace what setup calls outside Python: venv_problems answers from ``problems`` in turn,
    make_venv creates the folder and python, run records pip's command line. Returns the log."""
    log = []
    answers = iter(problems)
    monkeypatch.setattr(course, "venv_problems", lambda py, extras=course.EXTRAS: next(answers))

    def make_venv():
        log.append("make_venv")
        course.venv_python().parent.mkdir(parents=True, exist_ok=True)
        course.venv_python().write_text("")
    monkeypatch.setattr(course, "make_venv", make_venv)
    monkeypatch.setattr(course, "run", lambda cmd, **kw: log.append(" ".join(str(c) for c in cmd[1:5])))
    monkeypatch.setattr(course, "quiet_jupyterlab", lambda: None)
    return log


def test_a_valid_stamp_is_not_trusted_when_packages_are_gone(project, monkeypatch, capsys):
    # with the stamp intact but packages deleted, setup said "up to date" and lab died with
    # "No module named jupyter"
    fake_setup(monkeypatch, [])
    course.venv_python().parent.mkdir(parents=True)
    course.venv_python().write_text("")
    course.STAMP.write_text(course.fingerprint() + "\n")
    log = fake_setup(monkeypatch, [["jupyter is missing", "voila is missing"], []])
    course.setup()
    out = capsys.readouterr().out
    assert "incomplete (jupyter is missing; voila is missing): repairing it" in out
    assert log == ["-m pip install --disable-pip-version-check"], "reinstalled, not rebuilt"
    assert course.STAMP.read_text().strip() == course.fingerprint()
    log = fake_setup(monkeypatch, [[]])
    course.setup()
    assert "environment up to date" in capsys.readouterr().out and log == []


def test_a_venv_without_pip_is_made_again(project, monkeypatch, capsys):
    # what Debian leaves without python3-venv: every run failed with the same CalledProcessError
    course.venv_python().parent.mkdir(parents=True)
    course.venv_python().write_text("")
    log = fake_setup(monkeypatch, [["pip is missing", "numpy is missing"], ["numpy is missing"], []])
    course.setup()
    assert "broken (pip is missing; numpy is missing): making it again" in capsys.readouterr().out
    assert log[0] == "make_venv" and log[1].startswith("-m pip install")


def test_a_real_venv_without_pip_is_found_broken(project):
    venv.EnvBuilder(with_pip=False, symlinks=os.name != "nt").create(course.VENV)
    problems = course.venv_problems(course.venv_python())
    assert "pip is missing" in problems and "lstm_core is missing" in problems
    assert not any("does not run" in p for p in problems)


def test_no_ensurepip_says_which_package_to_install(project, monkeypatch):
    def create(self, env_dir):
        raise subprocess.CalledProcessError(1, ["python", "-m", "ensurepip"])
    monkeypatch.setattr(course.venv.EnvBuilder, "create", create)
    with pytest.raises(SystemExit, match="sudo apt install python3-venv"):
        course.make_venv()


def test_a_failing_pip_ends_in_a_sentence_not_a_traceback(project, monkeypatch):
    fake_setup(monkeypatch, [["numpy is missing"]])
    course.venv_python().parent.mkdir(parents=True)
    course.venv_python().write_text("")

    def pip_fails(cmd, **kw):
        raise subprocess.CalledProcessError(1, cmd)
    monkeypatch.setattr(course, "run", pip_fails)
    with pytest.raises(SystemExit, match="pip could not install the course .* Check the connection to PyPI"):
        course.setup()


def test_still_incomplete_after_installing_says_so(project, monkeypatch):
    course.venv_python().parent.mkdir(parents=True)
    course.venv_python().write_text("")
    fake_setup(monkeypatch, [["ipympl is missing"], ["ipympl is missing"]])
    with pytest.raises(SystemExit, match=r"still incomplete \(ipympl is missing\)"):
        course.setup()
    assert not course.STAMP.exists()


def test_a_read_only_project_folder_says_what_to_do(project, monkeypatch):
    # a raw PermissionError traceback before; root ignores permissions, so os.access and the
    # error are simulated
    monkeypatch.setattr(course.os, "access", lambda path, mode: False)
    monkeypatch.setattr(course.venv.EnvBuilder, "create", lambda *a: pytest.fail("said before trying, not after"))
    with pytest.raises(SystemExit, match="read-only for you here. Copy the project to a folder you can write to"):
        course.setup()

    def denied():
        raise PermissionError(13, "Permission denied", str(project / "build" / "app"))
    monkeypatch.setattr(course, "setup", denied)
    with pytest.raises(SystemExit, match=r"cannot write to .*build/app: the project folder is read-only"):
        course.main(["setup"])


PY3_ONLY = (ast.JoinedStr, ast.AnnAssign, ast.Nonlocal, ast.AsyncFunctionDef, ast.Await, ast.YieldFrom,
            ast.NamedExpr, ast.MatMult, ast.Starred, ast.Match)


def test_the_launcher_parses_on_python_2_7_and_3_6():
    """An old interpreter must reach the version check. tools/course.py is parsed as Python 3.4
    (ast's oldest feature_version: no f-strings), then walked for what Python 2.7 cannot read
    (annotations, keyword-only arguments, 'raise ... from', print with keywords...), then parsed
    with lib2to3's Python 2 grammar, in which print is a statement."""
    source = LAUNCHER.read_text()
    tree = ast.parse(source, feature_version=(3, 4))
    for node in ast.walk(tree):
        assert not isinstance(node, PY3_ONLY), f"line {node.lineno}: {type(node).__name__} is not Python 2.7"
        if isinstance(node, ast.FunctionDef):
            a = node.args
            assert node.returns is None and not a.kwonlyargs and not a.posonlyargs, f"line {node.lineno}"
            assert all(x.annotation is None for x in a.args), f"line {node.lineno}: an annotation"
        assert not (isinstance(node, ast.Raise) and node.cause), f"line {node.lineno}: raise ... from"
        assert not (isinstance(node, ast.ImportFrom) and node.module == "__future__"
                    and any(n.name == "annotations" for n in node.names)), "3.7+: from __future__ import annotations"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            from lib2to3 import pygram, pytree
            from lib2to3.pgen2 import driver
        except ImportError:
            pytest.skip("lib2to3 (a Python 2 parser) is gone from this Python")
    driver.Driver(pygram.python_grammar, convert=pytree.convert).parse_string(source)
    check = source.index("if sys.version_info < (3, 10):")
    assert source.index("from _course import") > check, "the real code is imported after the check"


def test_an_old_python_gets_the_version_message(tmp_path):
    code = ("import sys; sys.version_info = (3, 6, 9, 'final', 0); sys.argv = ['course.py', 'setup']; "
            f"exec(compile(open({str(LAUNCHER)!r}).read(), 'course.py', 'exec'), "
            f"{{'__name__': '__main__', '__file__': {str(LAUNCHER)!r}}})")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert out.returncode == 1
    assert "Python 3.10 or newer is needed; this is Python 3.6" in out.stderr
    assert "Traceback" not in out.stderr


def test_importing_course_gives_the_real_modules_names():
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import course as launcher
    finally:
        sys.path.pop(0)
    assert launcher.lab_command is course.lab_command and launcher.main is course.main


@pytest.mark.slow      # starts a kernel (two seconds)
def test_kernels_of_site_slides_and_nbval_keep_their_key_off_the_command_line():
    """`site`, `slides` and `test` run notebooks in kernels that jupyter_client starts (nbclient,
    nbconvert, nbval): the kernel's signing key goes in a private connection file, the command
    line holds only its path, and the kernel listens on 127.0.0.1."""
    import json

    from jupyter_client.manager import KernelManager

    if not Path("/proc/self/cmdline").exists():
        pytest.skip("no /proc on this system to read command lines from")
    km = KernelManager(kernel_name="python3")
    km.start_kernel()
    try:
        pid = km.provisioner.process.pid
        line = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        info = json.loads(Path(km.connection_file).read_text())
        assert info["key"] and info["key"] not in line
        assert info["ip"] == "127.0.0.1"
        assert Path(km.connection_file).stat().st_mode & 0o077 == 0, "the connection file is private"
    finally:
        km.shutdown_kernel(now=True)


def test_the_class_tools_are_installed_on_top_and_a_lab_after_a_test_installs_nothing(project, monkeypatch, capsys):
    """`test` and `hub` need the class extra; `lab` does not, and must not reinstall after them."""
    course.venv_python().parent.mkdir(parents=True)
    course.venv_python().write_text("")
    log = fake_setup(monkeypatch, [[], []])
    course.setup()                                     # lab: course,test
    assert log == ["-m pip install --disable-pip-version-check"]
    assert course.STAMP.read_text().split() == course.fingerprint().split()
    log = fake_setup(monkeypatch, [[], []])
    course.setup(course.CLASS_EXTRAS)                  # test: the class tools on top
    assert log == ["-m pip install --disable-pip-version-check"]
    assert course.STAMP.read_text().splitlines()[0].endswith(" course,test,class")
    log = fake_setup(monkeypatch, [[]])
    course.setup()                                     # lab again: covered by the bigger install
    assert log == [] and "environment up to date" in capsys.readouterr().out
    log = fake_setup(monkeypatch, [[]])
    course.setup(course.CLASS_EXTRAS)
    assert log == []
    (project / "constraints.txt").write_text("numpy==0.0\n")   # a changed pin: everything again
    log = fake_setup(monkeypatch, [[], []])
    course.setup()
    assert log == ["-m pip install --disable-pip-version-check"]
