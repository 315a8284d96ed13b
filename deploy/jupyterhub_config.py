"""JupyterHub for a class on one machine: every student gets their own copy of the course.

Start it with ``python3 tools/course.py hub`` (which sets up the course's environment with the
``class`` extra and passes the settings below through the environment). What it does:

* Students log in with their name from the class list (one name per line) and the class password
  (read from a file only its owner can read, never from a command line).
* Each student's server runs ``deploy/singleuser.py``, which copies the notebooks, docs and data
  into ``<home>/lstm-course`` the first time (and any notebook added later), never overwriting a
  student's work, then starts ``jupyterhub-singleuser`` from the course's own environment.
* Idle servers are stopped by ``jupyterhub-idle-culler`` (a hub service) and idle kernels inside
  a running server by the server's own kernel culler.
* Limits per student: with ``LSTM_HUB_SPAWNER=systemd`` (a Linux server with systemd, hub run as
  root) each student's server is a systemd unit with a dynamic user: memory and CPU are enforced
  by cgroups, and students cannot read each other's files. Otherwise (the default: local
  processes, no system users, fine for a workshop or this machine's load test) each process gets
  an address-space limit; there is no CPU quota and no isolation between students' files.

Settings (environment variables; defaults in brackets):
  LSTM_HUB_STUDENTS       file with the class list                 [deploy/students.txt]
  LSTM_HUB_TEACHERS       comma-separated admin names              []
  LSTM_HUB_PASSWORD_FILE  file holding the shared class password   (required; mode 0600)
  LSTM_HUB_STATE          folder for the hub's database and cookie [~/.local/share/lstm-course-hub]
  LSTM_HUB_HOMES          folder of the students' homes            [<state>/homes]
  LSTM_HUB_IP, _PORT      where the hub listens                    [127.0.0.1, 8000]
  LSTM_HUB_HUB_PORT       the hub's own API, on 127.0.0.1          [8081]
  LSTM_HUB_PROXY_API_PORT the proxy's API, on 127.0.0.1            [8001]
  LSTM_HUB_MEM, _CPU      per-student memory and cores             [1G, 1]
  LSTM_HUB_IDLE           seconds before an idle server is stopped [3600]
  LSTM_HUB_SPAWNER        "local" or "systemd"                     [local]
  LSTM_HUB_MAX_STUDENTS   concurrent servers the hub will run      [100]
"""

import os
import sys
from pathlib import Path

c = get_config()  # noqa: F821  (JupyterHub's config loader provides get_config)

ROOT = Path(__file__).resolve().parents[1]
PY = Path(sys.executable)                    # the course's own environment runs the hub ...
BIN = PY.parent                              # ... and every student's server
sys.path.insert(0, str(ROOT / "deploy"))
import hubsettings  # noqa: E402

s = hubsettings.from_env(os.environ, ROOT)

c.JupyterHub.ip = s.ip
c.JupyterHub.port = s.port
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = s.hub_port
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{s.proxy_api_port}"
c.JupyterHub.db_url = f"sqlite:///{s.state / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(s.state / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(s.state / "jupyterhub.pid")
c.JupyterHub.active_server_limit = s.max_students
c.JupyterHub.concurrent_spawn_limit = 20

# The proxy: the pure-Python configurable-http-proxy from PyPI (no Node needed); the hub gives it
# its token through the environment (CONFIGPROXY_AUTH_TOKEN).
c.ConfigurableHTTPProxy.command = [str(BIN / "configurable-http-proxy")]

# Who may log in: the class list and the shared password (8+ characters).
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = s.password
c.Authenticator.allowed_users = set(s.students) | set(s.teachers)
c.Authenticator.admin_users = set(s.teachers)

# Each student's server: the course environment, their own copy of the course.
c.Spawner.cmd = [str(PY), str(ROOT / "deploy" / "singleuser.py")]
c.Spawner.default_url = "/lab/tree/lstm-course/notebooks/00-start-here.ipynb"
c.Spawner.environment = {
    "LSTM_COURSE_SOURCE": str(ROOT),
    "LSTM_HUB_MEM_BYTES": str(s.mem_bytes),
    "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
    "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
}
c.Spawner.mem_limit = s.mem
c.Spawner.cpu_limit = s.cpu
c.Spawner.http_timeout = 60
c.Spawner.start_timeout = 120
# Inside a student's server: stop kernels idle for 20 minutes (a closed tab's kernel included).
c.Spawner.args = ["--MappingKernelManager.cull_idle_timeout=1200", "--MappingKernelManager.cull_interval=120",
                  "--MappingKernelManager.cull_connected=False"]
if hasattr(os, "geteuid") and os.geteuid() == 0 and s.spawner == "local":
    c.Spawner.args.append("--allow-root")   # local processes as root (containers, CI): the server refuses otherwise

if s.spawner == "systemd":
    c.JupyterHub.spawner_class = "systemdspawner.SystemdSpawner"
    c.SystemdSpawner.dynamic_users = True            # a throwaway Unix user per student, files kept
    c.SystemdSpawner.isolate_tmp = True
    c.SystemdSpawner.isolate_devices = True
    c.SystemdSpawner.disable_user_sudo = True
else:
    c.JupyterHub.spawner_class = "simple"            # local processes, no system users needed
    c.SimpleLocalProcessSpawner.home_dir_template = str(s.homes / "{username}")

# Stop servers that have been idle (no open tab, no running cell) for LSTM_HUB_IDLE seconds.
c.JupyterHub.load_roles = [{
    "name": "idle-culler",
    "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
    "services": ["idle-culler"],
}]
c.JupyterHub.services = [{
    "name": "idle-culler",
    "command": [str(PY), "-m", "jupyterhub_idle_culler", f"--timeout={s.idle}", "--cull-every=60"],
}]
