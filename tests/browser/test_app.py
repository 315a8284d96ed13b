"""App mode as a teacher meets it: `python3 tools/course.py app` in a real browser.

Builds the app pages from the notebooks (app/build_apps.py), starts Voilà exactly as the app
command does (127.0.0.1, a token, a free port), checks that the server refuses visitors without
the token and listens on loopback only, then drives Debian's Chromium with Playwright, with
every request beyond 127.0.0.1 blocked as on a machine with no network: the index lists every
page by its notebook's title, the forget-gate page asks for nothing outside, shows no code, and
moving the forget-bias slider with the keyboard changes the forget gate the page shows to the
one lstm_core computes, and redraws the figure; a page's kernel stops when its tab is closed,
and within a minute when the page goes without saying so. A screenshot goes to
test-output/browser/. The browser part skips, saying why, when Playwright or Chromium is not
on the machine.
"""

from __future__ import annotations

import json
import re
import secrets
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from browserkit import (OUT, ROOT, assert_listens_on_loopback_only, assert_token_not_on_any_command_line, course,
                        http_status, kernel_pids, offline_context, running_server)

import lstm_core as L

pytestmark = pytest.mark.slow     # a server and a real browser

PAGE = "03-the-forget-gate"
# the source texts' forget-gate weights (shared/seeds/README.md), written out here on purpose
SOURCE_W_F = np.array([[1, 2, 3, 4, 5, 6], [5, 6, 7, 8, 9, 10], [3, 4, 5, 6, 7, 8]], float)


# --- the pages and the command, without a server -------------------------------------------------

def _sources(path):
    return ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            for c in json.loads(Path(path).read_text())["cells"]]


def test_every_notebook_with_an_explorer_gets_a_page(tmp_path):
    pages = {p.name: p for p in course.build_app_pages(tmp_path)}
    assert PAGE + ".ipynb" in pages
    for nb in sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb")):
        # an explorer cell, written out here independently: its last line calls SomethingExplorer(...)
        explorer_cells = [s for s in _sources(nb) if re.fullmatch(r"\w+Explorer\(.*\)", s.strip().split("\n")[-1])]
        if explorer_cells:
            assert nb.name in pages, f"{nb.name} has explorers but no app page"
            page = _sources(pages[nb.name])
            assert page[0].startswith(f"# {nb.name[:2]} · "), "a page starts with the notebook's number and title"
            assert page[1].lstrip().startswith("%matplotlib widget"), "the notebook's setup cell comes first"
            for cell in explorer_cells:
                assert cell in page, f"{nb.name}: explorer cell {cell!r} is missing from its page"
    assert not list(tmp_path.glob("*.py")), "only pages are written"


def test_a_page_runs_what_its_explorers_need_and_hides_its_output(tmp_path):
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_apps", ROOT / "app" / "build_apps.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    cell = lambda kind, text: {"cell_type": kind, "source": text, "metadata": {}}  # noqa: E731
    nb = {"cells": [
        cell("markdown", "# Demo\n\nintro"),
        cell("code", "%matplotlib widget\nfrom lstm_course.explorers import ActivationExplorer"),
        cell("code", "unused = 1\nprint('noise')"),
        cell("code", "rng_x = 2.0\nprint(rng_x)"),
        cell("markdown", "Try the slider."),
        cell("code", "ActivationExplorer(x=rng_x)"),
        cell("code", "print('after')"),
    ]}
    page = mod.app_notebook(nb, "42-demo")
    texts = [c["source"] for c in page["cells"]]
    assert texts[0].startswith("# 42 · Demo")
    assert texts[1].startswith("%matplotlib widget")
    assert texts[2] == "%%capture\nrng_x = 2.0\nprint(rng_x)", "the defining cell runs, its print is captured"
    assert texts[3:] == ["Try the slider.", "ActivationExplorer(x=rng_x)"]
    assert mod.app_notebook({"cells": [cell("code", "x = 1")]}, "43-none") is None


def test_app_command_is_loopback_with_a_token_from_the_environment():
    cmd = [str(c) for c in course.app_command(Path("python"), 8866, root=Path("pages"))]
    assert cmd[:4] == ["python", "-m", "voila", "pages"]
    assert "--Voila.ip=127.0.0.1" in cmd and "--port=8866" in cmd and "--no-browser" in cmd
    # Voila asks for a token only with auto_token (or --token=..., which ps would show)
    assert "--Voila.auto_token=True" in cmd and not any("token=" in c.lower() and "auto" not in c for c in cmd)
    assert course.server_env("abc123")["JUPYTER_TOKEN"] == "abc123"
    # closed pages' kernels: culled after a short idle time, but never while a page is open
    assert "--MappingKernelManager.cull_connected=False" in cmd
    assert course.APP_CULL_IDLE + course.APP_CULL_INTERVAL <= 45, "a kernel must stop well within a minute"


def notebook_title(path) -> str:
    """A notebook's first '# ' heading, read here from its JSON (not by app/build_apps.py)."""
    for text in _sources(path):
        m = re.search(r"^# (.+)$", text, re.M)
        if m:
            return m.group(1).strip()
    raise AssertionError(f"{path} has no title")


# --- the server --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def app(tmp_path_factory):
    pages = tmp_path_factory.mktemp("app")
    course.build_app_pages(pages)
    port, token = course.free_port(18866), secrets.token_hex(16)
    cmd = course.app_command(Path(sys.executable), port, root=pages)
    # PYTHONPATH: the kernels import the lstm_core under test (see browserkit.server_env)
    env = dict(course.app_env(token, pages), PYTHONPATH=str(ROOT))
    with running_server(cmd, f"http://127.0.0.1:{port}/?token={token}", "voila.log", env=env) as proc:
        yield f"http://127.0.0.1:{port}", token, port, proc.pid, pages


def test_app_server_refuses_visitors_without_the_token(app):
    base, token, *_ = app
    # the tree page with the token; a redirect to the login form without it or with a wrong one
    assert http_status(f"{base}/?token={token}") == 200
    assert http_status(f"{base}/") == 302
    assert http_status(f"{base}/voila/render/{PAGE}.ipynb") == 302
    assert http_status(f"{base}/voila/render/{PAGE}.ipynb?token=wrong") == 302
    assert http_status(f"{base}/voila/tree?token=wrong") == 302


def test_app_server_listens_on_loopback_only(app):
    assert_listens_on_loopback_only(app[2])


def test_app_token_is_on_no_command_line(app):
    base, token, _, pid, _ = app
    assert_token_not_on_any_command_line(pid, token)


def forget_gate(bias, x, h, b, scale):
    """f for the explorer's default inputs and a new forget bias: plain numpy plus lstm_core's
    sigmoid, not the explorer's code."""
    return L.sigmoid(scale * SOURCE_W_F @ np.concatenate([x, h]) + b + bias)


def test_forget_gate_app_follows_the_keyboard(app, chromium):
    from lstm_course.explorers.forget_gate import ForgetGateExplorer

    ex = ForgetGateExplorer()
    defaults = dict(x=np.array([s.value for s in ex.x]), h=np.array([s.value for s in ex.h]),
                    b=np.array([s.value for s in ex.b]), scale=ex.scale.value)
    base, token, *_ = app
    context, blocked = offline_context(chromium, viewport={"width": 1300, "height": 1000})
    page = context.new_page()
    page.goto(f"{base}/?token={token}")                       # the index: a list of pages
    page.get_by_text(notebook_title(ROOT / "notebooks" / f"{PAGE}.ipynb")).first.wait_for(timeout=60_000)
    started = time.time()
    page.goto(f"{base}/voila/render/{PAGE}.ipynb")           # the token cookie is set by now
    slider = page.locator(".widget-slider:has(.widget-label:has-text('forget bias'))").first
    handle = slider.locator(".noUi-handle").first
    handle.wait_for(timeout=120_000)
    load_seconds = time.time() - started
    readout = page.locator(".widget-html:has-text('f = [')").first
    readout.wait_for(timeout=60_000)
    canvas = page.locator("img.lstm-figure").first            # the explorer's picture (kit.FigureImage)
    canvas.wait_for(timeout=60_000)
    page.wait_for_timeout(1000)
    code_shown = page.locator(".jp-InputArea-editor, .CodeMirror, .cm-editor").count()
    figure_before = canvas.screenshot()
    before = readout.inner_text().splitlines()[0]
    handle.scroll_into_view_if_needed()
    handle.focus()
    for _ in range(10):
        page.keyboard.press("ArrowRight")
        page.wait_for_timeout(50)
    bias = float(slider.locator(".widget-readout").first.inner_text())
    want = forget_gate(bias, **defaults)
    want_text = "f = [" + ", ".join(f"{v:.3f}" for v in want) + "]"
    deadline = time.time() + 30
    while time.time() < deadline and not readout.inner_text().startswith(want_text):
        page.wait_for_timeout(250)
    after = readout.inner_text().splitlines()[0]
    page.wait_for_timeout(1500)
    figure_after = canvas.screenshot()
    page.screenshot(path=str(OUT / "app-forget-gate-after-slider.png"))
    context.close()
    print(f"app page ready (first slider shown) {load_seconds:.1f} s after opening it")
    assert not blocked, f"app mode asked for something beyond 127.0.0.1 (blocked): {blocked}"
    assert code_shown == 0, "app mode must not show code"
    assert bias > 0, "the keyboard did not move the slider"
    assert after != before
    shown = np.array([float(v) for v in re.search(r"f = \[([^\]]+)\]", after).group(1).split(",")])
    np.testing.assert_allclose(shown, want, atol=5e-4)
    assert figure_after != figure_before, "the figure did not redraw"


def test_app_index_lists_every_page_by_title(app, chromium):
    base, token, _, _, pages = app
    context, blocked = offline_context(chromium, viewport={"width": 1024, "height": 768})
    page = context.new_page()
    page.goto(f"{base}/")                                   # the login form, which asks for the token
    page.locator("input[type=password], input[name=password]").first.wait_for(timeout=30_000)
    page.goto(f"{base}/?token={token}")
    links = page.locator("a[href*='/voila/render/']")
    links.first.wait_for(timeout=60_000)
    shown = {a.get_attribute("href").split("/voila/render/")[1].split("?")[0]: a.inner_text() for a in links.all()}
    page.screenshot(path=str(OUT / "app-index.png"))
    context.close()
    names = sorted(p.name for p in pages.glob("*.ipynb"))
    assert sorted(shown) == names, "the index links every page, and nothing else"
    for name, text in shown.items():
        want = f"{name[:2]} {notebook_title(ROOT / 'notebooks' / name)}"
        assert " ".join(text.split()) == want, f"{name}: the index says {text!r}, not {want!r}"
        assert ".ipynb" not in text
    assert not blocked, f"the index asked for something beyond 127.0.0.1 (blocked): {blocked}"


def test_a_closed_page_stops_its_kernel(app, chromium):
    """Two pages open; the first tab is closed as a browser closes it (its page says goodbye to
    the server), the second goes silently (a crashed browser, a laptop put to sleep). Both
    kernels must stop: the first at once, the second within a minute."""
    base, token, _, pid, _ = app
    context, _ = offline_context(chromium, viewport={"width": 1024, "height": 768})
    first = context.new_page()
    first.goto(f"{base}/?token={token}")                 # sets the login cookie
    before = set(kernel_pids(pid))
    opened = [first, context.new_page()]
    for page in opened:                                  # both kernels start at once
        page.goto(f"{base}/voila/render/{PAGE}.ipynb", wait_until="commit")
    for page in opened:
        page.locator("img.lstm-figure, .jupyter-matplotlib canvas").first.wait_for(timeout=120_000)
    kernels = set(kernel_pids(pid)) - before
    assert len(kernels) == 2, f"two pages should have two kernels, found {kernels}"

    def seconds_until_kernels(n, limit):
        start = time.time()
        while time.time() - start < limit:
            if len(set(kernel_pids(pid)) & kernels) <= n:
                return time.time() - start
            time.sleep(0.5)
        return None

    opened[0].close(run_before_unload=True)
    at_once = seconds_until_kernels(1, 20)
    opened[1].close()                                    # no beforeunload: the page just goes away
    silently = seconds_until_kernels(0, 75)
    context.close()
    print(f"kernel stopped {at_once} s after its tab closed, {silently} s after a page went silently")
    assert at_once is not None, "closing a tab did not stop its kernel within 20 s"
    assert silently is not None and silently <= 60, f"a page gone silently left its kernel running ({silently})"
