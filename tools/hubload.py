"""Drive the class hub (deploy/) as students would: start it, log in, start a server, run a notebook
through the kernel protocol, move a slider, and measure time and memory.

Used by benchmarks/bench_class.py (the load test that sizes a class) and by tests/browser/test_hub.py
(the hub's security and its first student's session). Everything listens on 127.0.0.1; the class
password lives in a 0600 file that only the hub reads; students' tokens travel in HTTP headers.

    hub = ClassHub(students=["s01", "s02"]).start()
    session = Student(hub, "s01").run_notebook(ROOT / "notebooks/03-the-forget-gate.ipynb")
    hub.stop()
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import requests
import websocket

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import _course  # noqa: E402

sys.path.pop(0)


def free_ports(n: int, start: int = 18000) -> list:
    found = []
    for port in range(start, start + 2000):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        found.append(port)
        if len(found) == n:
            return found
    raise RuntimeError("no free ports on 127.0.0.1")


class ClassHub:
    """A hub in a temporary folder, on free loopback ports, for a given class list."""

    def __init__(self, students, *, mem="1G", python=None, idle=3600, extra_env=None):
        self.students = list(students)
        self.dir = Path(tempfile.mkdtemp(prefix="lstm-hub-"))
        self.port, hub_port, api_port = free_ports(3)
        self.url = f"http://127.0.0.1:{self.port}"
        (self.dir / "students.txt").write_text("\n".join(self.students) + "\n")
        self.env = _course.hub_env(self.dir / "state", self.dir / "students.txt", self.port)
        self.env.update(LSTM_HUB_HUB_PORT=str(hub_port), LSTM_HUB_PROXY_API_PORT=str(api_port),
                        LSTM_HUB_MEM=mem, LSTM_HUB_IDLE=str(idle),
                        LSTM_HUB_MAX_STUDENTS=str(max(100, len(self.students))))
        if os.environ.get("PYTHONPATH"):       # a worktree under test: its packages, not the venv's
            self.env["PYTHONPATH"] = os.environ["PYTHONPATH"]
        self.env.update(extra_env or {})
        self.python = Path(python or sys.executable)
        self.password = Path(self.env["LSTM_HUB_PASSWORD_FILE"]).read_text().strip()
        self.proc = None

    def command(self) -> list:
        return [str(c) for c in _course.hub_command(self.python)]

    def start(self, timeout=60):
        self.log = open(self.dir / "hub.log", "w")
        self.proc = subprocess.Popen(self.command(), cwd=self.dir / "state", env=self.env,
                                     stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the hub stopped (exit {self.proc.returncode}):\n{self.log_text()[-3000:]}")
            try:
                if requests.get(self.url + "/hub/api/", timeout=2).ok:
                    return self
            except requests.ConnectionError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"the hub did not answer in {timeout} s:\n{self.log_text()[-3000:]}")

    def log_text(self) -> str:
        return (self.dir / "hub.log").read_text(errors="replace")

    def processes(self) -> list:
        """The hub and everything it started (proxy, culler, students' servers and kernels)."""
        if self.proc is None:
            return []
        try:
            hub = psutil.Process(self.proc.pid)
            return [hub] + hub.children(recursive=True)
        except psutil.NoSuchProcess:
            return []

    def memory_by_home(self) -> dict:
        """MiB of unique memory (USS) per student home, and for the hub's own processes ('hub')."""
        homes = self.dir / "state" / "homes"
        out = {}
        for p in self.processes():
            try:
                cwd, uss = Path(p.cwd()), p.memory_full_info().uss
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
            key = cwd.relative_to(homes).parts[0] if cwd.is_relative_to(homes) else "hub"
            out[key] = out.get(key, 0) + uss / 2 ** 20
        return out

    def stop(self):
        if self.proc and self.proc.poll() is None:
            procs = self.processes()
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                pass
            for p in procs:                  # servers the hub could not stop in time
                try:
                    p.kill()
                except psutil.NoSuchProcess:
                    pass
        if getattr(self, "log", None):
            self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


@dataclass
class Session:
    """What one student's session measured (seconds from the login request)."""

    name: str
    logged_in: float = 0.0
    server_ready: float = 0.0
    notebook_done: float = 0.0
    first_interaction: float = 0.0        # the slider's change answered by the explorer
    slider_reply: float = 0.0             # from sending the slider change to the explorer's answer
    cells: int = 0
    errors: list = field(default_factory=list)


class Student:
    def __init__(self, hub: ClassHub, name: str):
        self.hub, self.name = hub, name
        self.http = requests.Session()
        self.token = None

    # --- the hub ----------------------------------------------------------------------------
    def login(self):
        r = self.http.get(self.hub.url + "/hub/login", timeout=30)
        xsrf = self.http.cookies.get("_xsrf", path="/hub/")
        r = self.http.post(self.hub.url + "/hub/login?next=", timeout=60, allow_redirects=False,
                           data={"username": self.name, "password": self.hub.password, "_xsrf": xsrf})
        if r.status_code != 302 or "login" in r.headers.get("location", "login"):
            raise RuntimeError(f"{self.name}: login refused ({r.status_code})")
        xsrf = self.http.cookies.get("_xsrf", path="/hub/")   # a new one, bound to the logged-in student
        r = self.http.post(f"{self.hub.url}/hub/api/users/{self.name}/tokens", timeout=30,
                           headers={"X-XSRFToken": xsrf}, json={"note": "load test", "expires_in": 3600})
        r.raise_for_status()
        self.token = r.json()["token"]
        self.http.headers["Authorization"] = f"token {self.token}"

    def start_server(self, timeout=180):
        r = self.http.post(f"{self.hub.url}/hub/api/users/{self.name}/server", timeout=timeout)
        if r.status_code not in (201, 202, 400):     # 400: already running
            raise RuntimeError(f"{self.name}: server start answered {r.status_code}: {r.text[:300]}")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            user = self.http.get(f"{self.hub.url}/hub/api/users/{self.name}", timeout=30).json()
            server = user.get("servers", {}).get("")
            if server and server.get("ready"):
                return
            time.sleep(0.25)
        raise RuntimeError(f"{self.name}: server not ready after {timeout} s")

    # --- the student's server -----------------------------------------------------------------
    @property
    def base(self) -> str:
        return f"{self.hub.url}/user/{self.name}"

    def start_kernel(self) -> str:
        r = self.http.post(self.base + "/api/kernels", json={"name": "python3"}, timeout=60)
        r.raise_for_status()
        return r.json()["id"]

    def run_notebook(self, path: Path, *, timeout=300) -> Session:
        s = Session(self.name)
        t0 = time.monotonic()
        self.login()
        s.logged_in = time.monotonic() - t0
        self.start_server()
        s.server_ready = time.monotonic() - t0
        kernel = Kernel(self, self.start_kernel())
        try:
            nb = json.loads(Path(path).read_text())
            for cell in nb["cells"]:
                if cell["cell_type"] != "code":
                    continue
                reply = kernel.execute("".join(cell["source"]), timeout=timeout)
                s.cells += 1
                if reply.get("status") != "ok":
                    s.errors.append(f"cell {s.cells}: {reply.get('ename')}: {reply.get('evalue')}")
            s.notebook_done = time.monotonic() - t0
            slider = kernel.find_model("FloatSliderModel")
            if slider is None:
                s.errors.append("no slider in the notebook")
                return s
            t1 = time.monotonic()
            if not kernel.move_slider(slider, timeout=60):
                s.errors.append("the explorer did not answer the slider")
            s.slider_reply = time.monotonic() - t1
            s.first_interaction = time.monotonic() - t0
        finally:
            kernel.close()
        return s


class Kernel:
    """The kernel protocol over the server's websocket (JSON frames), just enough to run cells and
    to send a widget's state change over its comm."""

    def __init__(self, student: Student, kernel_id: str):
        self.session = uuid.uuid4().hex
        url = student.base.replace("http://", "ws://") + f"/api/kernels/{kernel_id}/channels"
        self.ws = websocket.create_connection(url, timeout=120,
                                              header=[f"Authorization: token {student.token}"])
        self.models = {}            # comm id -> widget state at comm_open

    def _msg(self, msg_type, content, channel="shell"):
        msg_id = uuid.uuid4().hex
        return msg_id, {"header": {"msg_id": msg_id, "username": "student", "session": self.session,
                                   "msg_type": msg_type, "version": "5.3", "date": ""},
                        "parent_header": {}, "metadata": {}, "content": content, "channel": channel,
                        "buffers": []}

    def _until_idle(self, msg_id, timeout, want_reply=True):
        """Read messages until the kernel is idle after ``msg_id``; return the shell reply and
        how many comm messages answered it."""
        reply, answered = {}, 0
        deadline, idle = time.monotonic() + timeout, False
        while time.monotonic() < deadline and not (idle and (reply or not want_reply)):
            self.ws.settimeout(max(0.1, deadline - time.monotonic()))
            frame = self.ws.recv()
            if isinstance(frame, bytes):         # a message with buffers (a figure's image)
                answered += 1
                continue
            msg = json.loads(frame)
            kind, content = msg["header"]["msg_type"], msg.get("content", {})
            if kind == "comm_open":
                state = content.get("data", {}).get("state", {})
                self.models[content["comm_id"]] = state
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            if kind == "status" and content.get("execution_state") == "idle":
                idle = True
            elif kind == "comm_msg":
                answered += 1
            elif msg.get("channel") == "shell" and kind.endswith("_reply"):
                reply = content
            elif kind == "status":
                pass
        if not idle:
            raise TimeoutError(f"the kernel did not finish in {timeout} s")
        return reply or {"status": "ok"}, answered

    def execute(self, code, timeout=300) -> dict:
        msg_id, msg = self._msg("execute_request", {"code": code, "silent": False, "store_history": True,
                                                    "user_expressions": {}, "allow_stdin": False,
                                                    "stop_on_error": True})
        self.ws.send(json.dumps(msg))
        return self._until_idle(msg_id, timeout)[0]

    def find_model(self, model_name):
        for comm_id, state in self.models.items():
            if state.get("_model_name") == model_name:
                return comm_id
        return None

    def move_slider(self, comm_id, timeout=60) -> int:
        """Move the slider one step, as a browser does (a comm_msg with the new state); return the
        number of comm messages the explorer answered with (readout, figure)."""
        state = self.models[comm_id]
        value = min(state.get("max", 1.0), state.get("value", 0.0) + state.get("step", 0.1))
        msg_id, msg = self._msg("comm_msg", {"comm_id": comm_id, "data": {
            "method": "update", "state": {"value": value}, "buffer_paths": []}})
        self.ws.send(json.dumps(msg))
        _, answered = self._until_idle(msg_id, timeout, want_reply=False)
        return answered

    def close(self):
        try:
            self.ws.close()
        except Exception:
            pass
