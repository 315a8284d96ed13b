"""The course as a person meets it: the README's JupyterLab in a real browser.

Starts JupyterLab exactly as `python3 tools/course.py lab` does (127.0.0.1, a token, a free
port), then drives Debian's Chromium with Playwright: open the forget-gate notebook, run all
cells, move the forget-bias slider with the keyboard, and check that the forget gate the page
shows is the one lstm_core computes for the new bias. A screenshot goes to
test-output/browser/. Then the explorers' figures: notebook 13's explorers (the cells app mode
keeps, without the minute of training) run three times over with Run All, and every figure
must have a real size and a picture each time; a figure whose canvas was drawn before the
browser showed it must appear too. Skips, saying why, when Playwright or Chromium is not on the
machine.
"""

from __future__ import annotations

import importlib.util
import json
import re
import secrets
import sys
import time
from pathlib import Path

import nbformat

import numpy as np
import pytest
from browserkit import (OUT, ROOT, assert_listens_on_loopback_only, assert_token_not_on_any_command_line, command_lines,
                        course, http_status, running_server, server_env)

import lstm_core as L

sys.path.insert(0, str(ROOT / "tools"))
import labdriver  # noqa: E402

sys.path.pop(0)

pytestmark = pytest.mark.slow     # a server and a real browser

# the source texts' forget-gate weights (shared/seeds/README.md)
SOURCE_W_F = np.array([[1, 2, 3, 4, 5, 6], [5, 6, 7, 8, 9, 10], [3, 4, 5, 6, 7, 8]], float)


@pytest.fixture(scope="module")
def lab():
    """JupyterLab as `course.py lab` starts it, with settings of its own (labdriver's): autosave
    off, so a Run All here never writes outputs into a committed notebook."""
    port, token = course.free_port(18888), secrets.token_hex(16)
    cmd = course.lab_command(Path(sys.executable), port, browser=False)
    with labdriver.private_lab_settings() as settings, \
            running_server(cmd, f"http://127.0.0.1:{port}/api/status?token={token}", "jupyterlab.log",
                           env=dict(server_env(token), **settings)) as proc:
        yield f"http://127.0.0.1:{port}", token, port, proc.pid


def test_autosave_is_off_so_no_committed_notebook_is_written(lab):
    """JupyterLab's default is autosave every 120 s: the page asks the server for its settings."""
    base, token, _, _ = lab
    assert labdriver.autosave_setting(base, token) is False


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


# --- explorers' figures ------------------------------------------------------------------------

# every ipympl figure on the page: its size on screen and how many sampled pixels are not white
# (the picture arrived and was painted)
FIGURES_JS = """() => Array.from(document.querySelectorAll('.jupyter-matplotlib-canvas-div, img.lstm-figure')).map(el => {
  // a figure is the kit's picture (an <img>, kernel-drawn) or ipympl's canvas (LSTM_COURSE_FIGURE=canvas)
  const r = el.getBoundingClientRect();
  let ink = 0;
  if (el.tagName === 'IMG') {
    ink = (el.complete && el.naturalWidth > 0) ? el.naturalWidth : 0;   // a broken image has no natural size
  } else {
    for (const c of el.querySelectorAll('canvas')) {
      if (!c.width || !c.height) continue;
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      for (let i = 0; i < d.length; i += 4 * 53) if (d[i + 3] > 0 && (d[i] < 200 || d[i + 1] < 200 || d[i + 2] < 200)) ink++;
    }
  }
  return {width: Math.round(r.width), height: Math.round(r.height), ink: ink};
})"""


def open_notebook(base, token, chromium, relative):
    """A page on the notebook ``relative`` (to the server's root) in JupyterLab, and the list of
    the console's errors about drawing pictures, which grows as they come."""
    page = chromium.new_page(viewport={"width": 1400, "height": 1000})
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" and "drawImage" in m.text else None)
    page.goto(f"{base}/lab/tree/{relative}?reset&token={token}")
    page.wait_for_selector(".jp-Notebook", timeout=90_000)
    page.wait_for_timeout(1500)
    return page, errors


def run_all(page, timeout_s=300):
    """Run > Run All Cells, then wait until no cell is running or waiting ([*])."""
    page.click("div.lm-MenuBar-itemLabel:text('Run')")
    page.click(".lm-Menu-itemLabel:text-is('Run All Cells')")
    page.wait_for_timeout(1000)
    page.wait_for_function("() => document.querySelectorAll('.jp-CodeCell').length > 0 && "
                           "!Array.from(document.querySelectorAll('.jp-InputPrompt')).some(e => e.textContent.includes('*'))",
                           timeout=timeout_s * 1000)


def figures_when_drawn(page, count, timeout_s=30):
    """The page's figures once there are ``count`` and each has a picture (or the time is up)."""
    deadline = time.time() + timeout_s
    while True:
        figures = page.evaluate(FIGURES_JS)
        if (len(figures) >= count and all(f["ink"] > 0 for f in figures)) or time.time() > deadline:
            return figures
        page.wait_for_timeout(250)


def assert_real_figures(figures, count, errors, when):
    assert len(figures) == count, f"{when}: {len(figures)} figures on the page, {count} explorers"
    for k, f in enumerate(figures):
        assert f["width"] > 100 and f["height"] > 100, f"{when}: figure {k} is {f['width']} x {f['height']} px"
        assert f["ink"] > 0, f"{when}: figure {k} has a size but no picture"
    assert not errors, f"{when}: the browser could not draw a picture: {errors[:2]}"


def scratch_notebook(name, cells) -> str:
    """Write a notebook under test-output/browser/ (inside the server's root); returns its path there."""
    OUT.mkdir(parents=True, exist_ok=True)
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nbformat.write(nb, OUT / name)
    return str((OUT / name).relative_to(ROOT))


def test_a_canvas_drawn_before_the_browser_shows_it_still_appears(lab, chromium):
    """A draw before the browser's canvas is ready once left the figure blank (0 x 0 px) with
    "drawImage ... 'broken' state" in the console (ipympl 0.10 kept that picture without its
    data: prefix); lstm_course.plotting.new_figure turns that keeping off."""
    base, token, _, _ = lab
    relative = scratch_notebook("early-draw.ipynb", [
        nbformat.v4.new_code_cell("%matplotlib widget\nfrom lstm_course.explorers import ForgetGateExplorer"),
        nbformat.v4.new_code_cell("ex = ForgetGateExplorer()\nex.fig.canvas.draw()   # before the browser has the canvas"),
        nbformat.v4.new_code_cell("ex"),
    ])
    page, errors = open_notebook(base, token, chromium, relative)
    run_all(page)
    figures = figures_when_drawn(page, 1)
    page.close()
    assert_real_figures(figures, 1, errors, "a canvas drawn early")


def test_notebook_13_explorers_show_their_figures_on_every_run_all(lab, chromium):
    """Notebook 13's "Does the forget gate react..." explorer once showed no figure (6 px high)
    in 5 of 14 Run All passes. The explorers' cells (app mode's page of the notebook: the set-up,
    each explorer and what it needs) run three times in one kernel, as a long lesson does."""
    spec = importlib.util.spec_from_file_location("build_apps", ROOT / "app" / "build_apps.py")
    apps = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(apps)
    source = ROOT / "notebooks" / "13-a-character-language-model.ipynb"
    page_nb = apps.app_notebook(json.loads(source.read_text(encoding="utf-8")), source.stem)
    explorers = sum(cell["cell_type"] == "code" and cell["source"].strip().endswith("Explorer()")
                    for cell in page_nb["cells"])
    assert explorers >= 2, "notebook 13 should have its explorers"
    relative = scratch_notebook("13-explorers.ipynb", [
        nbformat.v4.new_markdown_cell(c["source"]) if c["cell_type"] == "markdown" else nbformat.v4.new_code_cell(c["source"])
        for c in page_nb["cells"]])
    base, token, _, _ = lab
    page, errors = open_notebook(base, token, chromium, relative)
    for run in range(1, 4):
        started = time.time()
        run_all(page)
        figures = figures_when_drawn(page, explorers)
        print(f"Run All {run}: {time.time() - started:.1f} s, figures {figures}")
        if run == 3:
            page.screenshot(path=str(OUT / "13-explorers-third-run.png"))
        assert_real_figures(figures, explorers, errors, f"Run All number {run}")
    page.close()
