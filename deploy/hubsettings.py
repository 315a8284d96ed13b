"""The class hub's settings, read from the environment and checked before the hub starts.

Kept apart from jupyterhub_config.py so a test can check every rule without starting a hub.
"""

from __future__ import annotations

import re
import stat
from dataclasses import dataclass
from pathlib import Path

NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,31}$")   # JupyterHub lower-cases names; keep them path-safe
UNITS = {"K": 1024, "M": 1024 ** 2, "G": 1024 ** 3}


@dataclass
class HubSettings:
    students: list
    teachers: list
    password: str
    state: Path
    homes: Path
    ip: str
    port: int
    hub_port: int
    proxy_api_port: int
    mem: str
    mem_bytes: int
    cpu: float
    idle: int
    spawner: str
    max_students: int


def read_names(path: Path) -> list:
    """One name per line; blank lines and lines starting with # are skipped."""
    names = []
    for n, line in enumerate(Path(path).read_text().splitlines(), 1):
        name = line.strip().lower()
        if not name or name.startswith("#"):
            continue
        if not NAME.match(name):
            raise ValueError(f"{path}, line {n}: {line.strip()!r} is not a valid student name "
                             "(letters, digits, '.', '_', '-'; at most 32 characters)")
        names.append(name)
    if len(set(names)) != len(names):
        raise ValueError(f"{path}: a name is listed twice")
    return names


def read_password(path: Path) -> str:
    """The class password from a file only its owner may read (never from a command line)."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"LSTM_HUB_PASSWORD_FILE: no file at {path}")
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise ValueError(f"LSTM_HUB_PASSWORD_FILE: {path} can be read by others (mode {mode:o}); "
                         f"run: chmod 600 {path}")
    password = path.read_text().strip()
    if len(password) < 8:
        raise ValueError("LSTM_HUB_PASSWORD_FILE: the class password needs at least 8 characters")
    return password


def parse_memory(text: str) -> int:
    """'1G', '512M', '2048K' or a number of bytes -> bytes."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMG]?)\s*", str(text).upper())
    if not m:
        raise ValueError(f"LSTM_HUB_MEM must be a size such as 1G or 512M; got {text!r}")
    value = float(m.group(1)) * UNITS.get(m.group(2), 1)
    if value < 256 * UNITS["M"]:
        raise ValueError(f"LSTM_HUB_MEM must be at least 256M (a kernel with the course needs ~150M); got {text!r}")
    return int(value)


def from_env(env, root: Path) -> HubSettings:
    root = Path(root)
    state = Path(env.get("LSTM_HUB_STATE") or Path.home() / ".local" / "share" / "lstm-course-hub")
    state.mkdir(parents=True, exist_ok=True, mode=0o700)
    homes = Path(env.get("LSTM_HUB_HOMES") or state / "homes")
    homes.mkdir(parents=True, exist_ok=True)
    if "LSTM_HUB_PASSWORD_FILE" not in env:
        raise ValueError("LSTM_HUB_PASSWORD_FILE is not set: `python3 tools/course.py hub` makes one")
    students = read_names(Path(env.get("LSTM_HUB_STUDENTS") or root / "deploy" / "students.txt"))
    teachers = [t.strip().lower() for t in env.get("LSTM_HUB_TEACHERS", "").split(",") if t.strip()]
    for t in teachers:
        if not NAME.match(t):
            raise ValueError(f"LSTM_HUB_TEACHERS: {t!r} is not a valid name")
    spawner = env.get("LSTM_HUB_SPAWNER", "local")
    if spawner not in ("local", "systemd"):
        raise ValueError(f"LSTM_HUB_SPAWNER must be 'local' or 'systemd'; got {spawner!r}")
    mem = env.get("LSTM_HUB_MEM", "1G")
    cpu = float(env.get("LSTM_HUB_CPU", "1"))
    if not 0.1 <= cpu <= 64:
        raise ValueError(f"LSTM_HUB_CPU must be between 0.1 and 64 cores; got {cpu}")
    idle = int(env.get("LSTM_HUB_IDLE", "3600"))
    if idle < 60:
        raise ValueError(f"LSTM_HUB_IDLE must be at least 60 seconds; got {idle}")
    port = int(env.get("LSTM_HUB_PORT", "8000"))
    return HubSettings(students=students, teachers=teachers,
                       password=read_password(Path(env["LSTM_HUB_PASSWORD_FILE"])),
                       state=state, homes=homes, ip=env.get("LSTM_HUB_IP", "127.0.0.1"), port=port,
                       hub_port=int(env.get("LSTM_HUB_HUB_PORT", "8081")),
                       proxy_api_port=int(env.get("LSTM_HUB_PROXY_API_PORT", "8001")),
                       mem=mem, mem_bytes=parse_memory(mem), cpu=cpu, idle=idle, spawner=spawner,
                       max_students=int(env.get("LSTM_HUB_MAX_STUDENTS", "100")))
