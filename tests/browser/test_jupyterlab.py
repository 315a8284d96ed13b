"""The course as a person meets it: the README's JupyterLab in a real browser.

Starts JupyterLab exactly as `python3 tools/course.py lab` does (127.0.0.1, a token, a free
port), then drives Debian's Chromium with Playwright: open the forget-gate notebook, run all
cells, move the forget-bias slider with the keyboard, and check that the forget gate the page
shows is the one lstm_core computes for the new bias. A screenshot goes to
test-output/browser/. Skips, saying why, when Playwright or Chromium is not on the machine.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
import pytest

import lstm_core as L

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "test-output" / "browser"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run"]
# the source texts' forget-gate weights (shared/seeds/README.md)
SOURCE_W_F = np.array([[1, 2, 3, 4, 5, 6], [5, 6, 7, 8, 9, 10], [3, 4, 5, 6, 7, 8]], float)

sys.path.insert(0, str(ROOT / "tools"))
import course  # noqa: E402

sys.path.pop(0)


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as err:
        return err.code


@pytest.fixture(scope="module")
def lab():
    port, token = course.free_port(18888), secrets.token_hex(16)
    OUT.mkdir(parents=True, exist_ok=True)
    log = open(OUT / "jupyterlab.log", "w")
    cmd = [str(c) for c in course.lab_command(Path(sys.executable), port, token, browser=False)]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 120
    while time.time() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"JupyterLab exited with {proc.returncode}; see {OUT / 'jupyterlab.log'}")
        try:
            if get(f"{base}/api/status?token={token}") == 200:
                break
        except OSError:
            pass
        time.sleep(0.5)
    else:
        proc.terminate()
        pytest.fail("JupyterLab did not answer within 120 s")
    yield base, token, port
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


def test_server_refuses_requests_without_the_token(lab):
    base, token, _ = lab
    assert get(f"{base}/api/contents?token={token}") == 200
    assert get(f"{base}/api/contents") == 403
    assert get(f"{base}/api/contents?token=wrong") == 403


def listening_addresses(port):
    """Local addresses of the sockets listening on ``port``, read from the kernel's tables
    (/proc/net/tcp and tcp6), so nothing is sent anywhere."""
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


def test_server_listens_on_loopback_only(lab):
    _, _, port = lab
    if not os.path.exists("/proc/net/tcp"):
        pytest.skip("no /proc/net/tcp on this system to read listening sockets from")
    addrs = listening_addresses(port)
    assert addrs, f"nothing listens on port {port}"
    # 0100007F is 127.0.0.1 in the table's little-endian hex; anything else (00000000 = all
    # interfaces) would let other machines reach the server
    assert addrs == {"0100007F"}, f"listening on {addrs}, not only on 127.0.0.1"


def forget_gate(bias, explorer_defaults):
    """f for the forget-gate explorer's default inputs and a new forget bias, by plain numpy
    plus lstm_core's sigmoid."""
    x, h, b, s = explorer_defaults
    z = s * SOURCE_W_F @ np.concatenate([x, h]) + b + bias
    return L.sigmoid(z)


def test_forget_bias_slider_moves_the_forget_gate(lab):
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium); the browser test cannot run")
    from lstm_core.widgets import ForgetGateExplorer

    ex = ForgetGateExplorer()
    defaults = (np.array([s.value for s in ex.x]), np.array([s.value for s in ex.h]),
                np.array([s.value for s in ex.b]), ex.scale.value)
    base, token, _ = lab
    with sync_api.sync_playwright() as p:
        try:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        except Exception as err:  # the browser itself cannot start here
            pytest.skip(f"Chromium did not start: {err}")
        try:
            page = browser.new_page(viewport={"width": 1300, "height": 1000})
            page.goto(f"{base}/lab/tree/03-the-forget-gate.ipynb?reset&token={token}")  # reset: no leftover workspace
            page.wait_for_selector(".jp-Notebook", timeout=90_000)
            page.wait_for_timeout(2000)
            page.click("div.lm-MenuBar-itemLabel:text('Run')")
            page.click(".lm-Menu-itemLabel:text-is('Run All Cells')")
            slider = page.locator(".widget-slider:has(.widget-label:has-text('forget bias'))").first
            handle = slider.locator(".noUi-handle").first
            handle.wait_for(timeout=120_000)
            readout = page.locator(".widget-html:has-text('f = [')").first
            readout.wait_for(timeout=60_000)
            before = readout.inner_text().splitlines()[0]
            handle.scroll_into_view_if_needed()
            handle.focus()
            for _ in range(10):
                page.keyboard.press("ArrowRight")
                page.wait_for_timeout(50)
            bias = float(slider.locator(".widget-readout").first.inner_text())
            want = forget_gate(bias, defaults)
            want_text = "f = [" + ", ".join(f"{v:.3f}" for v in want) + "]"
            deadline = time.time() + 30
            while time.time() < deadline and not readout.inner_text().startswith(want_text):
                page.wait_for_timeout(250)
            after = readout.inner_text().splitlines()[0]
            readout.scroll_into_view_if_needed()
            page.wait_for_timeout(1500)
            page.screenshot(path=str(OUT / "forget-gate-after-slider.png"))
        finally:
            browser.close()
    assert bias > 0, "the keyboard did not move the slider"
    assert after != before
    shown = np.array([float(v) for v in re.search(r"f = \[([^\]]+)\]", after).group(1).split(",")])
    np.testing.assert_allclose(shown, want, atol=5e-4)
