"""Drive the course's explorers in a real browser, as a learner meets them.

Starts JupyterLab or Voila the way tools/course.py does (127.0.0.1, a token in the environment, a
free port), opens a notebook in JupyterLab and runs all its cells (or opens its app page), and
finds each explorer on the page: the output of each explorer cell (a cell whose last line calls
``SomethingExplorer(...)``, the rule app mode uses); or writes one notebook that holds every
explorer of the course (``every_explorer_notebook``). Debian's Chromium through Playwright, never a
downloaded browser. Shared by ``benchmarks/bench_browser.py`` (key press to new figure pixels) and
``tests/browser/test_explorers_fit.py`` (nothing cut off at 1024 px and at 592 px).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

TOOLS = Path(__file__).resolve().parent
ROOT = TOOLS.parent
sys.path.insert(0, str(TOOLS))
import course  # noqa: E402
from notebooks import course_notebooks, is_explorer_cell, parse_code  # noqa: E402

sys.path.pop(0)

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run"]

# an explorer on the page: the output of an explorer cell that holds a slider (JupyterLab and
# Voila's lab template both put a cell's output in .jp-OutputArea-output)
EXPLORER = ".jp-OutputArea-output:has(.widget-slider)"


def explorer_cells(path: Path) -> list:
    """[(cell index, the explorer call as written)] for the notebook at ``path``, in order."""
    cells = json.loads(Path(path).read_text())["cells"]
    out = []
    for k, cell in enumerate(cells):
        if is_explorer_cell(cell):
            last = parse_code("".join(cell["source"])).body[-1]
            out.append((k, _call_text(cell, last)))
    return out


def _call_text(cell, node) -> str:
    import ast

    return ast.get_source_segment("".join(cell["source"]), node) or ""


def notebooks_with_explorers(only=()) -> list:
    """[(notebook path, [(cell index, call)])] for every course notebook with explorers; ``only``:
    notebook numbers or name parts to keep."""
    out = []
    for nb in course_notebooks():
        if only and not any(nb.name.startswith(o) or o in nb.name for o in only):
            continue
        cells = explorer_cells(nb)
        if cells:
            out.append((nb, cells))
    return out


def _imports_of(setup_code: str, names: set) -> list:
    """The import statements of ``setup_code`` (as written) that bind any of ``names``."""
    import ast

    tree = parse_code(setup_code)
    out = []
    for node in (tree.body if tree else []):
        if isinstance(node, (ast.Import, ast.ImportFrom)) and \
                {(a.asname or a.name).split(".")[0] for a in node.names} & names:
            out.append(ast.get_source_segment(setup_code, node))
    return out


def standalone_call(call: str) -> str:
    """The explorer call ``call`` with only its literal arguments: ``BeamExplorer(lm, length=6)``
    gives ``BeamExplorer(length=6)`` (every explorer's options default to shipped data or a quick
    demo); a call whose arguments are all literals is kept as written."""
    import ast

    node = ast.parse(call, mode="eval").body

    def literal(arg):
        try:
            ast.literal_eval(arg)
            return True
        except (ValueError, TypeError):      # a name, a call: what the notebook computed
            return False

    args = [a for a in node.args if literal(a)]
    keywords = [k for k in node.keywords if k.arg is not None and literal(k.value)]
    if len(args) == len(node.args) and len(keywords) == len(node.keywords):
        return call
    return ast.unparse(ast.Call(func=node.func, args=args, keywords=keywords))


def every_explorer_notebook(notebooks=None) -> tuple:
    """One notebook that shows every explorer of the course: a first cell with ``%matplotlib
    widget`` and each notebook's own import lines for its explorers, then, per explorer, a heading
    naming the notebook and the call, and the call itself (``standalone_call``: only its literal
    arguments). Returns (the notebook as JSON, [(notebook number, the call as the notebook
    writes it)] in page order). ``notebooks``: notebooks_with_explorers() by default."""
    from notebooks import KERNELSPEC, source

    notebook_explorers = notebooks if notebooks is not None else notebooks_with_explorers()
    imports, cells, explorers = [], [], []
    for nb, calls in notebook_explorers:
        code = [c for c in json.loads(Path(nb).read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]
        for _, call in calls:
            name = call.split("(")[0].strip()
            found = _imports_of(source(code[0]), {name})
            if not found:
                raise ValueError(f"{nb.name}: the first code cell does not import {name}")
            imports += [line for line in found if line not in imports]
            explorers.append((nb.name[:2], call))
            cells.append({"cell_type": "markdown", "metadata": {}, "source": f"## {nb.name[:2]}: `{call}`"})
            cells.append({"cell_type": "code", "metadata": {}, "source": standalone_call(call),
                          "outputs": [], "execution_count": None})
    first = {"cell_type": "code", "metadata": {}, "source": "\n".join(["%matplotlib widget", *imports]),
             "outputs": [], "execution_count": None}
    page = {"cells": [{"cell_type": "markdown", "metadata": {}, "source": "# Every explorer of the course"},
                      first, *cells],
            "metadata": {"kernelspec": dict(KERNELSPEC), "language_info": {"name": "python"}},
            "nbformat": 4, "nbformat_minor": 5}
    for k, cell in enumerate(page["cells"]):
        cell["id"] = f"fit-{k}"
    return page, explorers


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status
    except urllib.error.HTTPError as err:
        return err.code


@contextlib.contextmanager
def _server(cmd, ready_url, env, log_path, timeout=120):
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "w") as log:
        proc = subprocess.Popen([str(c) for c in cmd], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env)
        try:
            deadline = time.time() + timeout
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"the server exited with {proc.returncode}; see {log_path}")
                with contextlib.suppress(OSError):
                    if _status(ready_url) == 200:
                        break
                if time.time() > deadline:
                    raise RuntimeError(f"the server did not answer within {timeout} s; see {log_path}")
                time.sleep(0.5)
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


def _env(token, extra):
    # the kernels import the lstm_core of this checkout (a git worktree's editable install may
    # point at another one)
    return dict(course.server_env(token), PYTHONPATH=str(ROOT), **(extra or {}))


@contextlib.contextmanager
def private_lab_settings():
    """Environment variables that give a test's JupyterLab settings and workspaces of its own, in
    a temporary folder: autosave off (or a Run All that takes over two minutes, as notebook 12's
    does, writes its outputs into the committed notebook) and none of the user's settings."""
    with tempfile.TemporaryDirectory() as private:
        settings = Path(private) / "settings" / "@jupyterlab" / "docmanager-extension"
        settings.mkdir(parents=True)
        (settings / "plugin.jupyterlab-settings").write_text(json.dumps({"autosave": False}))
        yield {"JUPYTERLAB_SETTINGS_DIR": str(Path(private) / "settings"),
               "JUPYTERLAB_WORKSPACES_DIR": str(Path(private) / "workspaces")}


def autosave_setting(base: str, token: str):
    """JupyterLab's autosave setting as the server at ``base`` gives it to the page: the user's
    setting, else the schema's default (with the installation's overrides in it)."""
    url = f"{base}/lab/api/settings/@jupyterlab/docmanager-extension:plugin?token={token}"
    with urllib.request.urlopen(url, timeout=30) as r:
        plugin = json.loads(r.read())
    return plugin["settings"].get("autosave", plugin["schema"]["properties"]["autosave"]["default"])


@contextlib.contextmanager
def lab_server(log_path: Path, env=None):
    """JupyterLab as `course.py lab` starts it, with private_lab_settings() (``env``: more
    environment variables for it and its kernels); yields (base URL, token)."""
    port, token = course.free_port(18900), secrets.token_hex(16)
    cmd = course.lab_command(Path(sys.executable), port, browser=False)
    base = f"http://127.0.0.1:{port}"
    with private_lab_settings() as settings:
        lab_env = dict(env or {}, **settings)
        with _server(cmd, f"{base}/api/status?token={token}", _env(token, lab_env), log_path):
            yield base, token


@contextlib.contextmanager
def app_server(pages: Path, log_path: Path, env=None):
    """Voila as `course.py app` starts it, serving the app pages in ``pages``; yields (base, token)."""
    port, token = course.free_port(18960), secrets.token_hex(16)
    cmd = course.app_command(Path(sys.executable), port, root=pages)
    base = f"http://127.0.0.1:{port}"
    app_env = dict(course.app_env(token, pages), PYTHONPATH=str(ROOT), **(env or {}))   # the pages' template too
    with _server(cmd, f"{base}/?token={token}", app_env, log_path):
        yield base, token


@contextlib.contextmanager
def chromium():
    """Debian's headless Chromium (a Playwright Browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        try:
            yield browser
        finally:
            browser.close()


def _wait_for_explorers(page, count, timeout, idle_limit=None):
    """Wait until ``count`` explorers show a drawn figure (or have none) and no cell is running.
    ``idle_limit`` (JupyterLab): seconds with no cell running and too few explorers after which
    the run has stopped short (an error in a cell ends Run All); the error raised quotes the
    page's tracebacks."""
    deadline = time.time() + timeout
    idle_since = None
    while time.time() < deadline:
        ready = page.evaluate(
            """([sel]) => {
                const boxes = [...document.querySelectorAll(sel)];
                const drawn = boxes.filter(b => {
                    const c = b.querySelector('.jupyter-matplotlib-canvas-div canvas');
                    return !c || (c.width > 10 && c.height > 10);
                });
                const busy = [...document.querySelectorAll('.jp-InputArea-prompt')]
                    .some(p => p.textContent.includes('*'));
                return [boxes.length, drawn.length, busy];
            }""", [EXPLORER])
        if ready[0] >= count and ready[1] >= count and not ready[2]:
            return
        if idle_limit is not None and not ready[2]:
            idle_since = idle_since or time.time()
            if time.time() - idle_since > idle_limit:
                errors = page.evaluate("""() => [...document.querySelectorAll(
                    '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')]
                    .map(e => e.textContent.trim().slice(-400))""")
                raise RuntimeError(f"the run stopped with {ready[0]} of {count} explorers shown; "
                                   f"errors on the page: {errors or 'none'}")
        else:
            idle_since = None
        page.wait_for_timeout(250)
    raise TimeoutError(f"{count} explorers did not appear within {timeout} s (seen: {ready})")


def open_in_lab(page, base, token, nb: Path, count: int, timeout=900):
    """Open notebook ``nb`` in JupyterLab, Run All Cells, wait for its ``count`` explorers."""
    rel = nb.relative_to(ROOT).as_posix()
    page.goto(f"{base}/lab/tree/{rel}?reset&token={token}")     # reset: no leftover workspace
    page.wait_for_selector(".jp-Notebook", timeout=90_000)
    page.wait_for_timeout(2000)                 # the kernel starts
    page.click("div.lm-MenuBar-itemLabel:text('Run')")
    page.click(".lm-Menu-itemLabel:text-is('Run All Cells')")
    page.wait_for_timeout(1000)
    _wait_for_explorers(page, count, timeout, idle_limit=20)
    page.wait_for_timeout(500)


def open_in_app(page, base, token, nb: Path, count: int, timeout=900):
    """Open the app page (Voila) of notebook ``nb`` and wait for its ``count`` explorers."""
    # Voila runs the page's cells before the page has loaded (12 trains for a minute or more)
    page.goto(f"{base}/voila/render/{nb.name}?token={token}", wait_until="commit", timeout=timeout * 1000)
    _wait_for_explorers(page, count, timeout)
    page.wait_for_timeout(500)


def left_sidebar(page, shown: bool):
    """Show or hide JupyterLab's left sidebar (the file browser), as View > Show Left Sidebar."""
    is_shown = page.evaluate("() => { const p = document.querySelector('#jp-left-stack');"
                             " return !!p && !p.classList.contains('lm-mod-hidden') && p.offsetWidth > 0; }")
    if is_shown != shown:     # clicking the file browser's tab opens or closes the sidebar
        page.click(".jp-SideBar.jp-mod-left .lm-TabBar-tab[data-id='filebrowser']")
        page.wait_for_timeout(500)


def shut_down_kernels(base, token):
    """Stop every kernel of the server (the notebook just measured), through the REST API."""
    with urllib.request.urlopen(f"{base}/api/kernels?token={token}", timeout=30) as r:
        kernels = json.loads(r.read())
    for k in kernels:
        req = urllib.request.Request(f"{base}/api/kernels/{k['id']}?token={token}", method="DELETE")
        with contextlib.suppress(OSError):
            urllib.request.urlopen(req, timeout=30).close()


def environment_note() -> str:
    return f"{os.cpu_count()} cores, Chromium {CHROMIUM}"


# what a person at this screen width would miss: run on one explorer's output area
FIT_PROBE = """(box) => {
  const r = e => e.getBoundingClientRect();
  const name = e => (e.className && typeof e.className === 'string' ? e.className.split(' ')
      .filter(c => c.startsWith('widget-') || c.startsWith('jupyter-matplotlib') || c.startsWith('jp-'))
      .slice(0, 2).join('.') : e.tagName) || e.tagName;
  const out = {width: box.clientWidth, overflow: [], cut: [], tracks: []};
  if (box.scrollWidth > box.clientWidth + 1)
    out.overflow.push(`output area: scrollWidth ${box.scrollWidth} > clientWidth ${box.clientWidth}`);
  const parts = '.jupyter-widgets, .widget-html-content, .jupyter-matplotlib-figure, .jupyter-matplotlib-canvas-container';
  for (const e of box.querySelectorAll(parts)) {
    const style = getComputedStyle(e);
    if (style.display === 'none' || e.clientWidth === 0) continue;
    if (e.scrollWidth > e.clientWidth + 1)
      out.overflow.push(`${name(e)}: scrollWidth ${e.scrollWidth} > clientWidth ${e.clientWidth}`);
  }
  const area = r(box);
  for (const f of box.querySelectorAll('.jupyter-matplotlib-canvas-div canvas, img.widget-image, .widget-image img')) {
    const fr = r(f);
    if (fr.width < 10 || fr.height < 10) { out.cut.push(`a figure of ${fr.width}x${fr.height} px`); continue; }
    let clipped = fr.right > area.right + 1 || fr.left < area.left - 1;
    for (let a = f.parentElement; a && a !== box.parentElement; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.overflowX !== 'visible' && (fr.right > r(a).right + 1 || fr.left < r(a).left - 1)) clipped = true;
    }
    if (clipped) out.cut.push(`figure ${Math.round(fr.width)} px wide at x ${Math.round(fr.left - area.left)} ` +
                              `in an area of ${Math.round(area.width)} px`);
  }
  for (const s of box.querySelectorAll('.widget-slider')) {
    const track = s.querySelector('.noUi-target, .slider-container');
    const label = s.querySelector('.widget-label');
    if (track) out.tracks.push([label ? label.textContent.trim() : '?', Math.round(r(track).width)]);
  }
  return out;
}"""
