"""Set up the course's environment and run it: the work behind `make lab` and `make test`.

    python3 tools/course.py lab     # set up .venv if needed, open the course in JupyterLab
    python3 tools/course.py app     # set up .venv if needed, serve the explorers as Voila apps
    python3 tools/course.py slides  # set up .venv if needed, write build/slides/*.slides.html
    python3 tools/course.py site    # set up .venv if needed, build the static site in build/site/
    python3 tools/course.py hub     # set up .venv with the class tools, run JupyterHub for a class (deploy/)
    python3 tools/course.py assignments   # the exercises as nbgrader assignments in build/nbgrader/
    python3 tools/course.py test    # set up .venv if needed, run every test (pytest + nbval)
    python3 tools/course.py test --fast   # the same without notebooks, servers, browser, training
    python3 tools/course.py setup   # only set up .venv

Needs nothing but Python >= 3.10 (3.11 is what the course is tested with) and the network to
PyPI the first time. The environment is `.venv/` in the project folder; a stamp file there
remembers which pyproject.toml and constraints.txt it was built from, so a second run with
nothing changed skips pip entirely (after checking, in a tenth of a second, that pip and the key
packages are still there: a .venv without pip or with packages gone is repaired, and it says so).
Works the same on Linux, macOS and Windows.

The servers (lab, app) listen on 127.0.0.1 only and need a token, which they get through the
environment (JUPYTER_TOKEN), never on a command line: /proc/PID/cmdline is readable by every
account on the machine, and the token gives whoever holds it the learner's Python.

(tools/course.py, the command, checks the Python version in syntax every Python can read, then
runs main() from this module, tools/_course.py, which does all the rest.)
"""

from __future__ import annotations

import argparse
import errno
import hashlib
import json
import os
import platform
import secrets
import socket
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv"
STAMP = VENV / ".course-stamp"
FIRST_NOTEBOOK = "notebooks/00-start-here.ipynb"   # relative to the server's root, the project
APP_DIR = ROOT / "build" / "app"          # the app pages, made from the notebooks on every start
APP_CULL_IDLE, APP_CULL_INTERVAL = 30, 10   # seconds: a kernel with no open page stops within 40 s
EXTRAS = "course,test"
# the class tools (JupyterHub, its proxy and idle culler, nbgrader): installed by `test`, `hub` and
# `assignments` only, so a learner's `lab` does not download them
CLASS_EXTRAS = "course,test,class"
# what .venv must hold for every command to work: checked before the stamp is trusted
KEY_MODULES = ("pip", "numpy", "matplotlib", "ipywidgets", "ipympl", "tqdm", "jupyter", "jupyterlab",
               "ipykernel", "voila", "mathjax", "sphinx_revealjs", "pytest", "nbval", "hypothesis", "ruff",
               "lstm_core", "lstm_course")
CLASS_MODULES = ("jupyterhub", "configurable_http_proxy", "jupyterhub_idle_culler", "nbgrader")


def say(msg: str) -> None:
    print(f"[course] {msg}", flush=True)


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def venv_env() -> dict:
    """The environment for commands run inside .venv (its scripts first on PATH).

    PYTHONHOME and PYTHONPATH are dropped: a learner's stray numpy on PYTHONPATH would shadow
    the course's own and fail with an ImportError far from its cause."""
    env = dict(os.environ)
    bindir = str(venv_python().parent)
    env["PATH"] = bindir + os.pathsep + env.get("PATH", "")
    env["VIRTUAL_ENV"] = str(VENV)
    env.pop("PYTHONHOME", None)
    env.pop("PYTHONPATH", None)
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    # The course's matrices are small (a few hundred rows at most): BLAS threads cost more in
    # start-up and contention than they save, 3-5x on the training notebooks (measured). One
    # thread each also keeps kernels from fighting over the cores. Override by setting them.
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(var, "1")
    return env


def fingerprint(extras: str = EXTRAS) -> str:
    """One line of the stamp: what .venv was built from (the two files, Python) and which extras."""
    h = hashlib.sha256()
    for name in ("pyproject.toml", "constraints.txt"):
        h.update((ROOT / name).read_bytes())
    h.update(sys.version.split()[0].encode())
    return f"{h.hexdigest()} {extras}"


def stamp_covers(extras: str) -> bool:
    """Whether the stamp says .venv was built from today's files with these extras (or more)."""
    if not STAMP.exists():
        return False
    base, want = fingerprint(extras).split(" ")
    for line in STAMP.read_text().splitlines():
        parts = line.split(" ")
        if len(parts) == 2 and parts[0] == base and set(want.split(",")) <= set(parts[1].split(",")):
            return True
    return False


def write_stamp(extras: str) -> None:
    """Record an install; keep the lines of other extras built from the same files."""
    line = fingerprint(extras)
    base = line.split(" ")[0]
    old = STAMP.read_text().splitlines() if STAMP.exists() else []
    STAMP.write_text("\n".join([line] + [x for x in old if x.startswith(base + " ") and x != line]) + "\n")


def run(cmd, **kw) -> None:
    say("$ " + " ".join(str(c) for c in cmd))
    subprocess.run([str(c) for c in cmd], check=True, cwd=ROOT, env=venv_env(), **kw)


# Run by .venv's Python: which of KEY_MODULES it cannot find, and where lstm_core comes from
# (find_spec only locates a module, it imports nothing: a tenth of a second in all).
_PROBE = """
import importlib.util, json, sys
missing = [m for m in sys.argv[1:] if importlib.util.find_spec(m) is None]
spec = importlib.util.find_spec("lstm_core")
print(json.dumps({"missing": missing, "lstm_core": spec.origin if spec else None}))
"""


def venv_problems(py: Path, extras: str = EXTRAS) -> list:
    """What is wrong with .venv, in words (an empty list: nothing)."""
    if not py.exists():
        return [f"{py.relative_to(ROOT)} does not exist"]
    try:
        out = subprocess.run([str(py), "-c", _PROBE, *KEY_MODULES,
                              *(CLASS_MODULES if "class" in extras.split(",") else ())], capture_output=True, text=True,
                             env=venv_env(), cwd=str(VENV), timeout=120)
        found = json.loads(out.stdout)
    except (OSError, ValueError, subprocess.SubprocessError):
        return [f"its Python ({py.relative_to(ROOT)}) does not run"]
    problems = [f"{m} is missing" for m in found["missing"]]
    origin = found["lstm_core"]
    if origin and not Path(origin).resolve().is_relative_to(ROOT):
        problems.append(f"lstm_core comes from {Path(origin).parent}, not from this project")
    return problems


def make_venv() -> None:
    """Create .venv afresh, with pip (replacing a broken one)."""
    say(f"creating the virtual environment {VENV.relative_to(ROOT)}/")
    try:
        venv.EnvBuilder(with_pip=True, clear=VENV.exists()).create(VENV)
    except subprocess.CalledProcessError:
        # Debian and Ubuntu ship Python without ensurepip, which venv needs to install pip
        sys.exit(f"[course] Python's venv could not install pip into {VENV.relative_to(ROOT)}/. On Debian or "
                 f"Ubuntu install it with: sudo apt install python3-venv (or python{sys.version_info[0]}."
                 f"{sys.version_info[1]}-venv), then run this command again.")


def setup(extras: str = EXTRAS) -> Path:
    """Create .venv if missing or broken, and install the course into it if anything changed or is
    missing; say what was repaired. ``extras``: pyproject.toml's optional dependencies to install."""
    if sys.version_info < (3, 10):
        sys.exit(f"[course] Python 3.10 or newer is needed; this is {sys.version.split()[0]}")
    py = venv_python()
    if not VENV.exists() and not os.access(ROOT, os.W_OK):
        read_only(ROOT)
    problems = venv_problems(py, extras) if VENV.exists() else []
    if not VENV.exists() or not py.exists() or "pip is missing" in problems or \
            any("does not run" in p for p in problems):
        if VENV.exists():
            say(f"the environment in {VENV.relative_to(ROOT)}/ is broken ({'; '.join(problems)}): making it again")
        make_venv()
        problems = venv_problems(py, extras)
    if not problems and stamp_covers(extras):
        say("environment up to date (.venv)")
        return py
    if problems and STAMP.exists():
        say(f"the environment in {VENV.relative_to(ROOT)}/ is incomplete ({'; '.join(problems)}): repairing it")
    say("installing the course and its dependencies (first time: a minute or two)")
    try:
        run([py, "-m", "pip", "install", "--disable-pip-version-check", "--quiet",
             "-c", "constraints.txt", "-e", f".[{extras}]"])
    except subprocess.CalledProcessError as err:
        sys.exit(f"[course] pip could not install the course (exit code {err.returncode}; its messages are "
                 "above). Check the connection to PyPI (a proxy needs HTTPS_PROXY set), then run this command "
                 f"again; if it still fails, delete {VENV.relative_to(ROOT)}/ and run it again.")
    problems = venv_problems(py, extras)
    if problems:
        sys.exit(f"[course] after installing, the environment in {VENV.relative_to(ROOT)}/ is still incomplete "
                 f"({'; '.join(problems)}). Delete {VENV.relative_to(ROOT)}/ and run this command again.")
    quiet_jupyterlab()
    write_stamp(extras)
    say("environment ready")
    return py


def read_only(path) -> None:
    """Stop with what to do when the project folder cannot be written to."""
    sys.exit(f"[course] cannot write to {path}: the project folder is read-only for you here. Copy the "
             f"project to a folder you can write to (for example: cp -r {ROOT} ~/lstm-course) and run the "
             "command there.")


def quiet_jupyterlab() -> None:
    """Turn off the first-start 'get notified about news?' toast and update checks."""
    settings = VENV / "share" / "jupyter" / "lab" / "settings"
    settings.mkdir(parents=True, exist_ok=True)
    overrides = {"@jupyterlab/apputils-extension:notification": {"checkForUpdates": False, "fetchNews": "false"}}
    (settings / "overrides.json").write_text(json.dumps(overrides, indent=2) + "\n")


def free_port(start: int = 8888) -> int:
    for port in range(start, start + 100):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise SystemExit("[course] no free port between 8888 and 8987")


def server_env(token: str) -> dict:
    """The environment of a server command: venv_env() plus the token as JUPYTER_TOKEN, which
    JupyterLab's and Voila's IdentityProvider read. Never put the token in the command itself:
    /proc/PID/cmdline (what ps shows) is readable by every account on the machine, and the token
    gives whoever has it the learner's Python; /proc/PID/environ is readable by the learner only."""
    env = venv_env()
    env["JUPYTER_TOKEN"] = token
    env.pop("JUPYTER_TOKEN_FILE", None)       # it would take precedence over nothing, but say one thing
    return env


def server_token() -> str:
    """The learner's own JUPYTER_TOKEN when set, else a new random one."""
    return os.environ.get("JUPYTER_TOKEN") or secrets.token_hex(16)


def lab_command(py: Path, port: int, *, browser: bool, extra=()) -> list:
    """JupyterLab on 127.0.0.1 only; run it with env=server_env(token): the token is not in here."""
    cmd = [py, "-m", "jupyter", "lab",
           "--ip=127.0.0.1", f"--port={port}", "--port-retries=0",
           f"--ServerApp.root_dir={ROOT}",      # the project: notebooks link to docs/glossary.md
           f"--LabApp.default_url=/lab/tree/{FIRST_NOTEBOOK}"]
    if not browser:
        cmd.append("--no-browser")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")  # containers and CI run as root; JupyterLab refuses otherwise
    return cmd + list(extra)


def lab(args) -> int:
    py = setup()
    port = args.port or free_port()
    token = server_token()
    url = f"http://127.0.0.1:{port}/lab/tree/{FIRST_NOTEBOOK}?token={token}"
    say("starting JupyterLab on 127.0.0.1 only; open this address (Ctrl+C stops it):")
    print(f"\n    {url}\n", flush=True)          # to the learner's own terminal, not to a command line
    cmd = lab_command(py, port, browser=not args.no_browser)
    try:
        return subprocess.call([str(c) for c in cmd], cwd=ROOT, env=server_env(token))
    except KeyboardInterrupt:
        return 0


def build_app_pages(out_dir: Path = APP_DIR, nb_dir: Path | None = None) -> list:
    """Write the app pages (one per notebook with explorers) with app/build_apps.py; ``nb_dir``:
    the notebooks' folder (the course's notebooks/ by default)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_apps", ROOT / "app" / "build_apps.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.build(out_dir) if nb_dir is None else mod.build(out_dir, nb_dir)


def app_command(py: Path, port: int, root: Path = APP_DIR, *, browser: bool = False, extra=()) -> list:
    """Voila serving every page in ``root`` on 127.0.0.1 only, with a token: without it a page
    answers with a redirect to a login form that asks for the token. Run it with
    env=app_env(token, root): Voila.auto_token makes Voila's IdentityProvider take the token from
    JUPYTER_TOKEN (without it, and without --token=..., Voila would ask for none), and
    JUPYTER_PATH finds the template "course" app/build_apps.py wrote beside the pages (an index
    of titles, no CDN).

    Each opened page starts its own kernel. Closing the tab stops it at once (Voila's page sends
    a shutdown request as it unloads); a kernel whose page went without saying so (a browser
    that crashed, a laptop put to sleep) has no connection left, and the culler stops it after
    30 s idle, checking every 10 s. An open page is never culled (cull_connected=False), however
    long it sits untouched."""
    cmd = [py, "-m", "voila", str(root),
           "--Voila.ip=127.0.0.1", f"--port={port}", "--Voila.auto_token=True",
           "--template=course", "--VoilaConfiguration.classic_tree=True",
           "--theme=light", "--show_tracebacks=False",
           f"--MappingKernelManager.cull_interval={APP_CULL_INTERVAL}",
           f"--MappingKernelManager.cull_idle_timeout={APP_CULL_IDLE}",
           "--MappingKernelManager.cull_connected=False"]
    if not browser:
        cmd.append("--no-browser")
    return cmd + list(extra)


def app_env(token: str, root: Path = APP_DIR) -> dict:
    """server_env(token) plus JUPYTER_PATH leading to the template app/build_apps.py wrote in
    ``root``/.share."""
    env = server_env(token)
    share = str(Path(root) / ".share")
    env["JUPYTER_PATH"] = share + (os.pathsep + env["JUPYTER_PATH"] if env.get("JUPYTER_PATH") else "")
    return env


def app(args) -> int:
    py = setup()
    pages = build_app_pages()
    say(f"{len(pages)} app pages in {APP_DIR.relative_to(ROOT)}/ (one per notebook with explorers)")
    port = args.port or free_port(8866)
    token = server_token()
    say("starting Voila on 127.0.0.1 only; open this address (Ctrl+C stops it):")
    print(f"\n    http://127.0.0.1:{port}/?token={token}\n", flush=True)
    say("each page starts its own Python kernel when opened (a few seconds); closing its tab stops it, and a "
        f"kernel left without an open page is stopped after {APP_CULL_IDLE} s")
    cmd = app_command(py, port, browser=not args.no_browser)
    try:
        return subprocess.call([str(c) for c in cmd], cwd=ROOT, env=app_env(token))
    except KeyboardInterrupt:
        return 0


HUB_STATE = Path.home() / ".local" / "share" / "lstm-course-hub"


def hub_password_file(state: Path) -> Path:
    """The class password's file (mode 0600), made with a random password the first time."""
    state.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = state / "class-password"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(9) + "\n")
    return path


def hub_command(py: Path) -> list:
    """JupyterHub with deploy/jupyterhub_config.py. Its settings come through the environment
    (hub_env); the class password stays in a 0600 file, its path is all the environment holds.
    The hub listens on 127.0.0.1 unless LSTM_HUB_IP says otherwise (see deploy/README.md)."""
    return [py, "-m", "jupyterhub", "-f", ROOT / "deploy" / "jupyterhub_config.py"]


def hub_env(state: Path, students: Path, port: int) -> dict:
    env = venv_env()
    env.update(LSTM_HUB_STATE=str(state), LSTM_HUB_STUDENTS=str(students), LSTM_HUB_PORT=str(port),
               LSTM_HUB_PASSWORD_FILE=str(hub_password_file(state)))
    return env


def hub(args) -> int:
    students = Path(args.students or ROOT / "deploy" / "students.txt")
    if not students.exists():
        sys.exit(f"[course] no class list at {students}: copy deploy/students.example.txt there and put one "
                 "student name per line (or give --students FILE)")
    py = setup(CLASS_EXTRAS)
    state = Path(os.environ.get("LSTM_HUB_STATE") or HUB_STATE)
    env = hub_env(state, students, args.port)
    say(f"starting the class hub on {env.get('LSTM_HUB_IP', '127.0.0.1')}:{args.port} (Ctrl+C stops it)")
    say(f"students log in with their name from {students} and the class password, which is in "
        f"{env['LSTM_HUB_PASSWORD_FILE']} (readable by you only)")
    try:
        return subprocess.call([str(c) for c in hub_command(py)], cwd=state, env=env)
    except KeyboardInterrupt:
        return 0


def assignments(args) -> int:
    py = setup(CLASS_EXTRAS)
    cmd = [py, ROOT / "tools" / "assignments.py", *args.assignments_args]
    say("$ " + " ".join(str(c) for c in cmd))
    return subprocess.call([str(c) for c in cmd], cwd=ROOT, env=venv_env())


def slides(args) -> int:
    py = setup()
    cmd = [py, ROOT / "tools" / "slides.py", "build", *args.slides_args]
    say("$ " + " ".join(str(c) for c in cmd))
    return subprocess.call([str(c) for c in cmd], cwd=ROOT, env=venv_env())


def site(args) -> int:
    py = setup()
    cmd = [py, ROOT / "tools" / "build_site.py", *args.site_args]
    say("$ " + " ".join(str(c) for c in cmd))
    code = subprocess.call([str(c) for c in cmd], cwd=ROOT, env=venv_env())
    if code == 0:
        say(f"open {ROOT / 'build' / 'site' / 'index.html'} in a browser")
    return code


def ensure_chromium() -> None:
    """The browser test drives the system's Chromium (Playwright never downloads one). Install
    Debian's package when it is missing and we may (root, apt-get); otherwise the test skips
    and says why."""
    import shutil

    if shutil.which("chromium") or os.name != "posix" or not shutil.which("apt-get"):
        return
    if os.geteuid() != 0:
        say("Chromium not found; the browser test will skip (install it: sudo apt-get install chromium)")
        return
    say("installing Debian's Chromium for the browser test (apt-get install chromium)")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    ok = subprocess.call(["apt-get", "update", "-qq"], env=env) == 0 and \
        subprocess.call(["apt-get", "install", "-y", "-qq", "chromium"], env=env) == 0
    if not ok:
        say("could not install Chromium; the browser test will skip")


# Training turns last-bit differences between CPUs (numpy's SIMD paths for exp and tanh,
# OpenBLAS's kernels) into different accuracies, so what the course claims from training is
# tested on more than the machine at hand. The full run uses this machine as it is; the tests
# marked `trains` then run again as an older CPU computes: numpy at its SSE baseline (no AVX2,
# no AVX-512) and OpenBLAS's Nehalem kernel. ../shared/FIELD-NOTES.md has the other levels.
OTHER_CPU = {"NPY_DISABLE_CPU_FEATURES": "AVX512_ICL AVX512_SPR X86_V4 X86_V3",
             "OPENBLAS_CORETYPE": "Nehalem"}


def other_cpu_env(env: dict) -> dict:
    env = dict(env, **OTHER_CPU)
    env.pop("OPENBLAS_L2_SIZE", None)   # a cache size set for this machine's kernel
    return env


def test(args) -> int:
    py = setup(CLASS_EXTRAS)     # the tests of deploy/ and of the assignments need the class tools
    ensure_chromium()
    env = venv_env()
    env.setdefault("MPLBACKEND", "Agg")
    say("$ ruff check .   (the rules are in pyproject.toml)")
    lint = subprocess.call([str(py), "-m", "ruff", "check", "."], cwd=ROOT, env=env)
    if args.pytest_args[:1] == ["--fast"]:
        # everyday work: no notebook runs, servers, browser or training (tests marked slow)
        cmd = [py, "-m", "pytest", "tests", "-m", "not slow", "-q", *args.pytest_args[1:]]
        say("$ " + " ".join(str(c) for c in cmd))
        return subprocess.call([str(c) for c in cmd], cwd=ROOT, env=env) or lint
    cmd = [py, "-m", "pytest", "notebooks", "tests", "--nbval-lax", "-q", *args.pytest_args]
    if args.pytest_args:            # a chosen subset: run it once, as asked
        say("$ " + " ".join(str(c) for c in cmd))
        return subprocess.call([str(c) for c in cmd], cwd=ROOT, env=env) or lint
    # The second CPU level runs beside the main pass: the main pass mostly waits on one notebook
    # kernel at a time, so on two cores the trained claims' re-run costs little extra time.
    other = None
    if platform.machine().lower() in ("x86_64", "amd64"):
        log_path = ROOT / "test-output" / "other-cpu.log"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        again_cmd = [py, "-m", "pytest", "tests", "-m", "trains", "-q", "-p", "no:cacheprovider"]
        say("beside it, as another CPU computes (numpy at its SSE baseline, OpenBLAS's Nehalem kernel), the "
            f"tests of claims made by training; output in {log_path.relative_to(ROOT)}:")
        say(" ".join(f"{k}='{v}'" for k, v in OTHER_CPU.items()) + " $ " + " ".join(str(c) for c in again_cmd))
        log_file = open(log_path, "w")
        other = subprocess.Popen([str(c) for c in again_cmd], cwd=ROOT, env=other_cpu_env(env),
                                 stdout=log_file, stderr=subprocess.STDOUT)
    else:
        say(f"the second CPU level names x86 features; skipped on {platform.machine()}")
    say("$ " + " ".join(str(c) for c in cmd))
    code = subprocess.call([str(c) for c in cmd], cwd=ROOT, env=env) or lint
    if other is None:
        return code
    again = other.wait()
    log_file.close()
    say("the tests of claims made by training, as another CPU computes:")
    print(log_path.read_text(), flush=True)
    return code or (0 if again == 5 else again)   # 5: pytest found no test marked trains


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("setup", help="create or update .venv only")
    p_lab = sub.add_parser("lab", help="set up, then open the course in JupyterLab")
    p_lab.add_argument("--port", type=int, default=0, help="port (default: first free from 8888)")
    p_lab.add_argument("--token", default="", help=argparse.SUPPRESS)   # refused: see token_in_argv
    p_lab.add_argument("--no-browser", action="store_true", help="print the address, open no browser")
    p_app = sub.add_parser("app", help="set up, then serve the explorers as Voila apps (no code shown)")
    p_app.add_argument("--port", type=int, default=0, help="port (default: first free from 8866)")
    p_app.add_argument("--token", default="", help=argparse.SUPPRESS)
    p_app.add_argument("--no-browser", action="store_true", help="print the address, open no browser")
    p_hub = sub.add_parser("hub", help="set up, then run JupyterHub for a class on this machine (deploy/)")
    p_hub.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    p_hub.add_argument("--students", default="", help="the class list, one name per line (default: deploy/students.txt)")
    p_asg = sub.add_parser("assignments", help="set up, then write the exercises as nbgrader assignments "
                                               "(build/nbgrader/)")
    p_asg.add_argument("assignments_args", nargs=argparse.REMAINDER,
                       help="extra arguments for tools/assignments.py (notebook numbers, --out DIR)")
    p_slides = sub.add_parser("slides", help="set up, then write reveal.js slides to build/slides/")
    p_slides.add_argument("slides_args", nargs=argparse.REMAINDER,
                          help="extra arguments for tools/slides.py build (notebooks, --reveal-prefix ...)")
    p_site = sub.add_parser("site", help="set up, then execute every notebook into a static site in build/site/")
    p_site.add_argument("site_args", nargs=argparse.REMAINDER,
                        help="extra arguments for tools/build_site.py (notebooks, --out, --jobs ...)")
    p_test = sub.add_parser("test", help="set up, then run pytest over tests/ and nbval over notebooks/")
    p_test.add_argument("pytest_args", nargs=argparse.REMAINDER, help="extra arguments for pytest")
    # everything after `test`, `slides` or `site` goes to pytest or the tool as it is (`test -x`,
    # `slides --out DIR`): argparse's REMAINDER would not take options that come first
    argv = sys.argv[1:] if argv is None else list(argv)
    passthrough = None
    if argv and argv[0] in ("test", "slides", "site", "assignments"):
        argv, passthrough = argv[:1], argv[1:]
    args = parser.parse_args(argv)
    if passthrough is not None:
        setattr(args, {"test": "pytest_args", "slides": "slides_args", "site": "site_args",
                       "assignments": "assignments_args"}[args.command], passthrough)
    if getattr(args, "token", ""):
        sys.exit(token_in_argv(args.command))
    if "PYTHONPATH" in os.environ:
        say("leaving out PYTHONPATH inside .venv (packages there could shadow the course's own)")
    try:
        if args.command == "setup":
            setup()
            return 0
        return {"lab": lab, "app": app, "hub": hub, "assignments": assignments, "slides": slides,
                "site": site, "test": test}[args.command](args)
    except OSError as err:
        if err.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            read_only(err.filename or ROOT)
        raise


def token_in_argv(command: str) -> str:
    """Why --token is refused, and what to do instead."""
    return ("[course] --token would put the token on a command line, where every account on this machine "
            "can read it (ps, /proc). Give it in the environment instead:\n"
            f"    JUPYTER_TOKEN=your-token python3 tools/course.py {command}   (PowerShell: $env:JUPYTER_TOKEN=...)\n"
            "or leave it out for a new random token each time.")


if __name__ == "__main__":
    sys.exit(main())
