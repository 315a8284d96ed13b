"""The class hub's settings and a student's first start (deploy/), without starting a hub: every
rule of deploy/hubsettings.py and deploy/singleuser.py's copy of the course."""

from __future__ import annotations

import os
import sys
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
