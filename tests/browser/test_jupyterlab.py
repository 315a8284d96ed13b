"""The course as a person meets it: the README's JupyterLab in a real browser.

Starts JupyterLab exactly as `python3 tools/course.py lab` does (127.0.0.1, a token, a free
port), then drives Debian's Chromium with Playwright: open the forget-gate notebook, run all
cells, move the forget-bias slider with the keyboard, and check that the forget gate the page
shows is the one lstm_core computes for the new bias. A screenshot goes to
test-output/browser/. Skips, saying why, when Playwright or Chromium is not on the machine.
"""

from __future__ import annotations

import re
import secrets
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from browserkit import (OUT, assert_listens_on_loopback_only, assert_token_not_on_any_command_line, command_lines,
                        course, http_status, running_server, server_env)

import lstm_core as L

pytestmark = pytest.mark.slow     # a server and a real browser

# the source texts' forget-gate weights (shared/seeds/README.md)
SOURCE_W_F = np.array([[1, 2, 3, 4, 5, 6], [5, 6, 7, 8, 9, 10], [3, 4, 5, 6, 7, 8]], float)


@pytest.fixture(scope="module")
def lab():
    port, token = course.free_port(18888), secrets.token_hex(16)
    cmd = course.lab_command(Path(sys.executable), port, browser=False)
    with running_server(cmd, f"http://127.0.0.1:{port}/api/status?token={token}", "jupyterlab.log",
                        env=server_env(token)) as proc:
        yield f"http://127.0.0.1:{port}", token, port, proc.pid


def test_server_refuses_requests_without_the_token(lab):
    base, token, _, _ = lab
    assert http_status(f"{base}/api/contents?token={token}") == 200
    assert http_status(f"{base}/api/contents") == 403
    assert http_status(f"{base}/api/contents?token=wrong") == 403


def test_server_listens_on_loopback_only(lab):
    assert_listens_on_loopback_only(lab[2])


def test_token_is_on_no_command_line_of_the_server_or_its_kernels(lab):
    """/proc/PID/cmdline is readable by every account on the machine: the token must not be there,
    in the server's or in a kernel's (started here through the REST API, as opening a notebook
    does), nor the kernel's own signing key; and the kernel listens on loopback only."""
    import json
    import urllib.request

    base, token, _, pid = lab
    req = urllib.request.Request(f"{base}/api/kernels?token={token}", data=b"{}", method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as r:
        kernel = json.loads(r.read())
    try:
        deadline = time.time() + 60
        while time.time() < deadline and len(command_lines(pid)) < 2:
            time.sleep(0.25)
        lines = command_lines(pid)
        kernel_pids = [p for p, line in lines.items() if p != pid and "ipykernel" in line]
        assert kernel_pids, f"no kernel started under the server: {lines}"
        connection_file = lines[kernel_pids[0]].split(" -f ")[1].split()[0]
        info = json.loads(Path(connection_file).read_text())
        assert info["ip"] == "127.0.0.1"
        assert_token_not_on_any_command_line(pid, token, info["key"])
        assert Path(connection_file).stat().st_mode & 0o077 == 0, "the kernel's key file is private"
    finally:
        urllib.request.urlopen(urllib.request.Request(f"{base}/api/kernels/{kernel['id']}?token={token}",
                                                      method="DELETE"), timeout=60).close()


def forget_gate(bias, explorer_defaults):
    """f for the forget-gate explorer's default inputs and a new forget bias, by plain numpy
    plus lstm_core's sigmoid."""
    x, h, b, s = explorer_defaults
    z = s * SOURCE_W_F @ np.concatenate([x, h]) + b + bias
    return L.sigmoid(z)


def test_forget_bias_slider_moves_the_forget_gate(lab, chromium):
    from lstm_course.explorers import ForgetGateExplorer

    ex = ForgetGateExplorer()
    defaults = (np.array([s.value for s in ex.x]), np.array([s.value for s in ex.h]),
                np.array([s.value for s in ex.b]), ex.scale.value)
    base, token, _, _ = lab
    page = chromium.new_page(viewport={"width": 1300, "height": 1000})
    page.goto(f"{base}/lab/tree/notebooks/03-the-forget-gate.ipynb?reset&token={token}")  # reset: no leftover workspace
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
    assert bias > 0, "the keyboard did not move the slider"
    assert after != before
    shown = np.array([float(v) for v in re.search(r"f = \[([^\]]+)\]", after).group(1).split(",")])
    np.testing.assert_allclose(shown, want, atol=5e-4)
