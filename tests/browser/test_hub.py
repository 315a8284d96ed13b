"""The class hub (deploy/) for real: started as `python3 tools/course.py hub` starts it, with a
class of two, then one student's session through it as tools/hubload.py drives it.

Checks the security rule (every port on 127.0.0.1, nothing reachable without logging in, the
class password and the students' tokens on no command line), that each student gets their own
copy of the course which a restart never overwrites, and that notebook 03 runs in a student's
kernel and its explorer answers a slider. The load test that sizes a class is
benchmarks/bench_class.py.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest
import requests
from browserkit import assert_listens_on_loopback_only, assert_token_not_on_any_command_line

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import hubload  # noqa: E402

sys.path.pop(0)

pytestmark = pytest.mark.slow     # a hub, a proxy, a student's server and a kernel


@pytest.fixture(scope="module")
def hub():
    h = hubload.ClassHub(["ada", "grace"]).start()
    try:
        yield h
    finally:
        h.stop()


@pytest.fixture(scope="module")
def session(hub):
    student = hubload.Student(hub, "ada")
    s = student.run_notebook(ROOT / "notebooks" / "03-the-forget-gate.ipynb", timeout=180)
    return student, s


def test_the_command_holds_no_secret_and_the_password_file_is_private(hub):
    cmd = " ".join(hub.command())
    assert hub.password not in cmd and "password" not in cmd.lower()
    mode = Path(hub.env["LSTM_HUB_PASSWORD_FILE"]).stat().st_mode & 0o777
    assert mode == 0o600, oct(mode)


def test_every_port_is_on_loopback_only(hub):
    for var in ("LSTM_HUB_PORT", "LSTM_HUB_HUB_PORT", "LSTM_HUB_PROXY_API_PORT"):
        assert_listens_on_loopback_only(int(hub.env[var]))


def test_nothing_is_reachable_without_logging_in(hub, session):
    anon = requests.Session()
    r = anon.get(f"{hub.url}/user/ada/api/contents", allow_redirects=False, timeout=30)
    assert r.status_code in (302, 403), r.status_code
    assert "login" in r.headers.get("location", "login") or r.status_code == 403
    assert anon.get(f"{hub.url}/hub/api/users", timeout=30).status_code == 403
    # a wrong password, and a name that is not on the class list, are turned away
    xsrf = (anon.get(f"{hub.url}/hub/login", timeout=30), anon.cookies.get("_xsrf"))[1]
    for user, password in (("ada", "not-the-password"), ("mallory", hub.password)):
        r = anon.post(f"{hub.url}/hub/login", data={"username": user, "password": password, "_xsrf": xsrf},
                      allow_redirects=False, timeout=30)
        assert r.status_code == 403, (user, r.status_code)


def test_a_student_runs_notebook_03_and_moves_a_slider(session):
    _, s = session
    assert not s.errors, s.errors
    assert s.cells >= 5
    assert 0 < s.slider_reply < 10, "the explorer answered the slider"


def test_no_secret_is_on_any_command_line(hub, session):
    student, _ = session
    assert_token_not_on_any_command_line(hub.proc.pid, hub.password, student.token)


def test_each_student_has_a_copy_that_a_restart_never_overwrites(hub, session):
    student, _ = session
    home = hub.dir / "state" / "homes" / "ada" / "lstm-course"
    mine = home / "notebooks" / "03-the-forget-gate.ipynb"
    assert mine.exists() and (home / "docs" / "glossary.md").exists()
    assert not (hub.dir / "state" / "homes" / "grace").exists(), "grace has not logged in"
    nb = json.loads(mine.read_text())
    nb["cells"][0]["source"] = ["# my own notes\n"]
    mine.write_text(json.dumps(nb))
    (home / "notebooks" / "00-start-here.ipynb").unlink()
    r = student.http.delete(f"{hub.url}/hub/api/users/ada/server", timeout=60)
    assert r.status_code in (202, 204)
    deadline = time.monotonic() + 60
    while student.http.get(f"{hub.url}/hub/api/users/ada", timeout=30).json().get("servers") and \
            time.monotonic() < deadline:
        time.sleep(0.3)
    student.start_server()
    assert json.loads(mine.read_text())["cells"][0]["source"] == ["# my own notes\n"], "the student's work is kept"
    assert (home / "notebooks" / "00-start-here.ipynb").exists(), "a file the student lacks is copied again"
