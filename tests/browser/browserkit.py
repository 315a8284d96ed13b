"""Helpers the real-browser tests share: start a server the way tools/course.py does, read the
status of a URL, list the sockets a port listens on. (The Chromium fixture is in conftest.py.)
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "test-output" / "browser"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run"]

sys.path.insert(0, str(ROOT / "tools"))
import course  # noqa: E402,F401  (the tests import it from here)

sys.path.pop(0)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def http_status(url: str) -> int:
    """The status code of GET ``url``; redirects are not followed (a 302 to a login page is an
    answer in itself)."""
    try:
        with _opener.open(url, timeout=30) as r:
            return r.status
    except urllib.error.HTTPError as err:
        return err.code


def listening_addresses(port: int) -> set:
    """Local addresses of the sockets listening on ``port``, read from the kernel's tables
    (/proc/net/tcp and tcp6), so nothing is sent anywhere. 0100007F is 127.0.0.1 in the table's
    little-endian hex; 00000000 would be every interface."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not os.path.exists(table):
            continue
        for line in open(table).read().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            addr, hexport = local.split(":")
            if state == "0A" and int(hexport, 16) == port:          # 0A = LISTEN
                found.add(addr)
    return found


def assert_listens_on_loopback_only(port: int) -> None:
    """The server on ``port`` listens on 127.0.0.1 and nowhere else (skips without /proc)."""
    if not os.path.exists("/proc/net/tcp"):
        pytest.skip("no /proc/net/tcp on this system to read listening sockets from")
    addrs = listening_addresses(port)
    assert addrs, f"nothing listens on port {port}"
    # anything but 0100007F (127.0.0.1) would let other machines reach the server
    assert addrs == {"0100007F"}, f"listening on {addrs}, not only on 127.0.0.1"


def server_env(token: str) -> dict:
    """The environment course.py gives a server (the token in JUPYTER_TOKEN, PYTHONPATH dropped),
    plus PYTHONPATH=ROOT: the server's kernels must import the lstm_core under test even where the
    environment's editable install points at another checkout (a git worktree)."""
    return dict(course.server_env(token), PYTHONPATH=str(ROOT))


def command_lines(pid: int) -> dict:
    """{pid: the command line} of process ``pid`` and every process under it (its kernels), read
    from /proc/PID/cmdline: what any account on the machine can read (ps shows the same)."""
    found, todo = {}, [pid]
    while todo:
        p = todo.pop()
        try:
            found[p] = Path(f"/proc/{p}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            children = Path(f"/proc/{p}/task/{p}/children").read_text().split()
        except OSError:                     # the process ended meanwhile
            continue
        todo += [int(c) for c in children]
    return found


def assert_token_not_on_any_command_line(pid: int, *secrets) -> None:
    """No secret appears in the command line of ``pid`` or of any process it started."""
    if not os.path.exists(f"/proc/{pid}/cmdline"):
        pytest.skip("no /proc on this system to read command lines from")
    lines = command_lines(pid)
    assert lines, f"process {pid} is not running"
    for p, line in lines.items():
        for secret in secrets:
            assert secret not in line, f"a secret is on the command line of process {p}: {line[:200]}"


@contextlib.contextmanager
def running_server(cmd, ready_url: str, log_name: str, timeout: float = 120, env=None):
    """Start ``cmd`` (output to test-output/browser/``log_name``) in ``env`` (the server's
    environment: course.server_env(token)), wait until ``ready_url`` answers 200, yield the
    process, stop it."""
    OUT.mkdir(parents=True, exist_ok=True)
    log = open(OUT / log_name, "w")
    proc = subprocess.Popen([str(c) for c in cmd], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.time() + timeout
        while time.time() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"{cmd[2]} exited with {proc.returncode}; see {OUT / log_name}")
            try:
                if http_status(ready_url) == 200:
                    break
            except OSError:
                pass
            time.sleep(0.5)
        else:
            pytest.fail(f"the server did not answer within {timeout:.0f} s; see {OUT / log_name}")
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


LOCAL = ("http://127.0.0.1", "ws://127.0.0.1", "file:", "data:", "blob:", "about:")


def offline_context(browser, **options):
    """A new browser context in which every request beyond 127.0.0.1 (and local files) is
    aborted, as on a machine with no network; returns (context, the list of blocked URLs, which
    grows as the pages ask)."""
    context = browser.new_context(**options)
    blocked = []

    def route(r):
        if r.request.url.startswith(LOCAL):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    return context, blocked


def kernel_pids(server_pid: int) -> list:
    """The ids of the Python kernels running under the server ``server_pid``."""
    return sorted(p for p, line in command_lines(server_pid).items() if p != server_pid and "ipykernel" in line)
