"""The class hub's settings and a student's first start (deploy/), without starting a hub: every
rule of deploy/hubsettings.py and deploy/singleuser.py's copy of the course."""

from __future__ import annotations

import json
import os
import re
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "deploy"))
import hubsettings  # noqa: E402
import singleuser  # noqa: E402

sys.path.pop(0)


@pytest.fixture
def env(tmp_path):
    pw = tmp_path / "pw"
    pw.write_text("correct horse\n")
    pw.chmod(0o600)
    students = tmp_path / "students.txt"
    students.write_text("# class 4b\nAda\n\ngrace\n")
    return {"LSTM_HUB_STATE": str(tmp_path / "state"), "LSTM_HUB_PASSWORD_FILE": str(pw),
            "LSTM_HUB_STUDENTS": str(students)}


def test_defaults_are_loopback_with_limits(env):
    s = hubsettings.from_env(env, ROOT)
    assert s.students == ["ada", "grace"] and s.teachers == []
    assert s.ip == "127.0.0.1" and s.port == 8000 and s.hub_port == 8081
    assert s.mem_bytes == 2 ** 30 and s.cpu == 1.0 and s.idle == 3600 and s.spawner == "local"
    assert s.password == "correct horse"
    assert s.homes == Path(env["LSTM_HUB_STATE"]) / "homes" and s.homes.is_dir()


@pytest.mark.parametrize("change, match", [
    ({"LSTM_HUB_SPAWNER": "docker"}, "LSTM_HUB_SPAWNER must be 'local' or 'systemd'"),
    ({"LSTM_HUB_MEM": "lots"}, "LSTM_HUB_MEM must be a size such as 1G"),
    ({"LSTM_HUB_MEM": "100M"}, "at least 256M"),
    ({"LSTM_HUB_CPU": "0"}, "LSTM_HUB_CPU must be between"),
    ({"LSTM_HUB_IDLE": "5"}, "LSTM_HUB_IDLE must be at least 60"),
    ({"LSTM_HUB_TEACHERS": "Bad Name"}, "LSTM_HUB_TEACHERS"),
])
def test_bad_settings_are_named(env, change, match):
    with pytest.raises(ValueError, match=match):
        hubsettings.from_env({**env, **change}, ROOT)


def test_the_password_must_be_private_and_long_enough(env):
    pw = Path(env["LSTM_HUB_PASSWORD_FILE"])
    pw.chmod(0o644)
    with pytest.raises(ValueError, match="can be read by others .* chmod 600"):
        hubsettings.from_env(env, ROOT)
    pw.chmod(0o600)
    pw.write_text("short")
    with pytest.raises(ValueError, match="at least 8 characters"):
        hubsettings.from_env(env, ROOT)
    with pytest.raises(ValueError, match="LSTM_HUB_PASSWORD_FILE is not set"):
        hubsettings.from_env({k: v for k, v in env.items() if k != "LSTM_HUB_PASSWORD_FILE"}, ROOT)


def test_a_bad_or_repeated_name_in_the_class_list_is_pointed_at(env):
    students = Path(env["LSTM_HUB_STUDENTS"])
    students.write_text("ada\nbad/name\n")
    with pytest.raises(ValueError, match=r"line 2: 'bad/name' is not a valid student name"):
        hubsettings.from_env(env, ROOT)
    students.write_text("ada\nADA\n")
    with pytest.raises(ValueError, match="listed twice"):
        hubsettings.from_env(env, ROOT)


def test_memory_sizes():
    assert hubsettings.parse_memory("512M") == 512 * 2 ** 20
    assert hubsettings.parse_memory("1.5G") == int(1.5 * 2 ** 30)
    assert hubsettings.parse_memory(str(2 ** 30)) == 2 ** 30


def test_the_course_is_copied_once_and_a_students_work_is_kept(tmp_path):
    home = tmp_path / "home"
    copied = singleuser.copy_course(ROOT, home)
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    assert {p.name for p in copied if p.suffix == ".ipynb"} == {p.name for p in notebooks}
    assert (home / "lstm-course" / "docs" / "glossary.md").exists()
    mine = home / "lstm-course" / "notebooks" / notebooks[0].name
    mine.write_text("my work")
    (home / "lstm-course" / "notebooks" / notebooks[1].name).unlink()
    again = singleuser.copy_course(ROOT, home)
    assert mine.read_text() == "my work"
    assert [p.name for p in again] == [notebooks[1].name]


def test_the_hub_config_reads_its_settings(env, monkeypatch):
    """deploy/jupyterhub_config.py run as JupyterHub runs it: loopback, the class list, the limits."""
    traitlets = pytest.importorskip("traitlets.config")
    monkeypatch.setattr(os, "environ", {**os.environ, **env})
    c = traitlets.Config()
    code = (ROOT / "deploy" / "jupyterhub_config.py").read_text()
    exec(compile(code, "jupyterhub_config.py", "exec"), {"get_config": lambda: c, "__file__": str(ROOT / "deploy" / "x")})
    assert c.JupyterHub.ip == "127.0.0.1" and c.JupyterHub.hub_ip == "127.0.0.1"
    assert c.Authenticator.allowed_users == {"ada", "grace"}
    assert c.SharedPasswordAuthenticator.user_password == "correct horse"
    assert c.Spawner.mem_limit == "1G" and c.Spawner.cpu_limit == 1.0
    assert any("jupyterhub_idle_culler" in part for s in c.JupyterHub.services for part in s["command"])
    assert "correct horse" not in " ".join(c.Spawner.cmd + c.Spawner.args)


# --- beyond one server: the image (binder/, repo2docker) and Zero to JupyterHub ------------------

def _pins():
    return {re.sub(r"[-_.]+", "-", a).lower(): b for a, b in
            (line.split("==") for line in (ROOT / "constraints.txt").read_text().splitlines()
             if "==" in line and not line.startswith("#"))}


def test_the_image_installs_what_pyproject_and_constraints_say():
    """binder/requirements.txt pins every runtime and `course` dependency at constraints.txt's
    version, is constrained by constraints.txt for the rest, and is what tools/image_spec.py
    writes today (run it after changing either file)."""
    sys.path.insert(0, str(ROOT / "tools"))
    import image_spec
    sys.path.pop(0)
    assert image_spec.main(["--check"]) == 0, "run python3 tools/image_spec.py"
    lines = (ROOT / "binder" / "requirements.txt").read_text().splitlines()
    assert "-c ../constraints.txt" in lines and (ROOT / "binder" / "../constraints.txt").exists()
    pinned = {re.sub(r"[-_.]+", "-", line.split("==")[0]).lower(): line.split("==")[1]
              for line in lines if "==" in line}
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    direct = {re.sub(r"[-_.]+", "-", re.split(r"[<>=!~\[; ]", r, maxsplit=1)[0]).lower()
              for r in project["dependencies"] + project["optional-dependencies"]["course"]}
    assert direct | {"jupyterhub"} == set(pinned), "the image has the course's packages, no more, no less"
    constraints = _pins()
    for name, version in pinned.items():
        assert constraints[name] == version, f"{name}: image {version}, constraints {constraints[name]}"
    assert (ROOT / "binder" / "runtime.txt").read_text().strip() == "python-3.11"
    post = (ROOT / "binder" / "postBuild").read_text()
    assert "pip install --no-cache-dir --no-deps -e ." in post and os.access(ROOT / "binder" / "postBuild", os.X_OK)


def test_the_kubernetes_values_match_the_one_server_hub():
    yaml = pytest.importorskip("yaml")
    values = yaml.safe_load((ROOT / "deploy" / "z2jh" / "values.yaml").read_text())
    single = values["singleuser"]
    assert single["memory"]["limit"] == "1G" and single["cpu"]["limit"] == 1, "the same limits as deploy/"
    assert hubsettings.parse_memory(single["memory"]["guarantee"]) >= 300 * 2 ** 20, \
        "at least what one student was measured to use (benchmarks/bench_class.py)"
    hook = single["lifecycleHooks"]["postStart"]["exec"]["command"]
    assert hook[-2:] == ["/srv/lstm-course/deploy/singleuser.py", "--copy-only"]
    assert single["extraEnv"]["LSTM_COURSE_SOURCE"] == "/srv/lstm-course"
    assert single["defaultUrl"] == "/lab/tree/lstm-course/notebooks/00-start-here.ipynb"
    assert values["cull"]["enabled"] and values["cull"]["timeout"] == 3600
    assert "user_password" not in json.dumps(values["hub"]["config"]), "the password comes from a secret"
    assert values["hub"]["extraEnv"]["SHARED_PASSWORD"]["valueFrom"]["secretKeyRef"]["name"] == "lstm-course-class"


def test_copy_only_copies_and_starts_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("LSTM_COURSE_SOURCE", str(ROOT))
    monkeypatch.setattr(sys, "argv", ["singleuser.py", "--copy-only"])
    monkeypatch.setattr(os, "execv", lambda *a: pytest.fail("--copy-only must not start a server"))
    singleuser.main()
    assert (tmp_path / "lstm-course" / "notebooks" / "00-start-here.ipynb").exists()
