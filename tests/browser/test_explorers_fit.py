"""Every explorer fits the screens a classroom has: a 1024 x 768 projector, in JupyterLab with the
file browser closed (an output area about 844 px wide) and open (about 592 px), and in app mode.

What is checked, for each explorer's output in the page: no horizontal overflow (the output
area's and every widget's scrollWidth at most its clientWidth), every figure drawn and fully
inside the output area and not clipped by a box around it, and every slider's track at least
150 px long. A failure names the notebook and the explorer call as the notebook writes it.

Two walks:

- In every test run: ONE notebook, generated into build/fit/ (git-ignored, removed afterwards),
  holds every explorer of every course notebook (labdriver.every_explorer_notebook: each
  notebook's own import lines, each call with its literal arguments only, so
  ``BeamExplorer(lm, length=6)`` runs as ``BeamExplorer(length=6)`` on its own shipped or demo
  data). JupyterLab (started as `course.py lab` starts it) opens it once at 1024 x 768 and runs
  all cells; every explorer is checked with the sidebar closed and open, and at 150% browser
  zoom (683 x 512 CSS px, sidebar closed: the teacher's guide suggests that zoom). Then the same notebook
  as an app page (built by app/build_apps.py, as `course.py app` builds its pages) in Voila at
  1024 px. Screenshots of three explorers (03 forget gate, 07 whole cell, 14 epidemic) at 1024
  px go to test-output/browser/. About 1.5 minutes on the 2-core machine at low load.
- On demand (LSTM_FIT_TEST=1 python3 tools/course.py test tests/browser/test_explorers_fit.py):
  each course notebook itself, Run All in JupyterLab and its app page in Voila, with the data
  the notebook computes (notebook 12's trained sweep, 17's trained model). 8-17 minutes on two
  cores (notebook 12 trains for over a minute in each mode); on 2026-12-05 all 38 cases (19
  notebooks) passed in 14 minutes at load average 2-7.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest
from browserkit import OUT, ROOT

sys.path.insert(0, str(ROOT / "tools"))
import labdriver  # noqa: E402

sys.path.pop(0)

pytestmark = pytest.mark.slow     # servers and a real browser

# the walk over each real notebook: 8-17 minutes on a 2-core machine, so not in every test run
on_demand = pytest.mark.skipif(os.environ.get("LSTM_FIT_TEST") != "1",
                               reason="the walk over each whole notebook runs on demand: set LSTM_FIT_TEST=1")

VIEWPORT = {"width": 1024, "height": 768}
ZOOM_150 = {"width": 683, "height": 512}     # the same screen at 150% browser zoom, in CSS px
MIN_TRACK = 150                   # px: a slider shorter than this is hard to drag with a mouse
SIDEBAR_OPEN_MAX = 600            # px: the output area with the file browser open (592 at 1024 px)
NOTEBOOKS = labdriver.notebooks_with_explorers()
# three explorers at 1024 px: (notebook number, its first explorer) -> file name
SCREENSHOTS = {"03": "forget-gate", "07": "whole-cell", "14": "epidemic"}
EVERY = "99-every-explorer.ipynb"   # app/build_apps.py takes notebooks named NN-words.ipynb


@pytest.fixture(scope="module")
def lab():
    with labdriver.lab_server(OUT / "fit-jupyterlab.log") as server:
        yield server


@pytest.fixture(scope="module")
def every_explorer():
    """(the generated notebook's path under build/fit/, [(notebook number, call)] in page order)."""
    parent = ROOT / "build" / "fit"
    parent.mkdir(parents=True, exist_ok=True)
    folder = tempfile.mkdtemp(dir=parent)        # JupyterLab serves the project folder only
    try:
        page, explorers = labdriver.every_explorer_notebook(NOTEBOOKS)
        path = Path(folder) / EVERY
        path.write_text(json.dumps(page, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        yield path, explorers
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def problems(page, explorers, where, max_width=None):
    """What does not fit, for every explorer on the page, as sentences; ``explorers``: [(notebook
    number, the call as the notebook writes it)] in page order."""
    found = []
    boxes = page.locator(labdriver.EXPLORER)
    for k, (nb, call) in enumerate(explorers):
        box = boxes.nth(k)
        box.scroll_into_view_if_needed()
        page.wait_for_timeout(150)
        fit = box.evaluate(labdriver.FIT_PROBE)
        who = f"notebook {nb}, {call}, {where} (output {fit['width']} px)"
        if max_width is not None:
            assert fit["width"] <= max_width + 10, f"{who}: the output area is wider than the case tested"
        found += [f"{who}: {p}" for p in fit["overflow"] + fit["cut"]]
        found += [f"{who}: slider {label!r} has a track of {w} px (< {MIN_TRACK})"
                  for label, w in fit["tracks"] if w < MIN_TRACK]
    return found


def screenshots(page, explorers):
    """The first explorer of each notebook in SCREENSHOTS, at 1024 px, in a taller window (the same
    width) that shows the whole explorer, into test-output/browser/fit-1024-NAME.png."""
    OUT.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": VIEWPORT["width"], "height": 1400})
    boxes = page.locator(labdriver.EXPLORER)
    numbers = [nb for nb, _ in explorers]
    for nb, name in SCREENSHOTS.items():
        box = boxes.nth(numbers.index(nb))
        box.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        box.screenshot(path=str(OUT / f"fit-1024-{name}.png"))
    page.set_viewport_size(VIEWPORT)


def walk_in_lab(chromium, base, token, nb, explorers, shots=False):
    """Open ``nb`` in JupyterLab at 1024 x 768, run all cells, check every explorer with the sidebar
    closed and open; the problems found."""
    context = chromium.new_context(viewport=VIEWPORT)
    page = context.new_page()
    try:
        labdriver.open_in_lab(page, base, token, nb, len(explorers))
        labdriver.left_sidebar(page, False)
        found = problems(page, explorers, "JupyterLab, sidebar closed")
        if shots:
            screenshots(page, explorers)
        labdriver.left_sidebar(page, True)
        page.wait_for_timeout(500)
        found += problems(page, explorers, "JupyterLab, sidebar open", max_width=SIDEBAR_OPEN_MAX)
        # the teacher's guide suggests 150% zoom for a room: on a 1024 x 768 projector the page is
        # then laid out in 683 x 512 CSS px (with the file browser hidden, as the guide says)
        labdriver.left_sidebar(page, False)
        page.set_viewport_size(ZOOM_150)
        page.wait_for_timeout(500)
        found += problems(page, explorers, "JupyterLab at 150% zoom, sidebar closed")
    finally:
        context.close()
        labdriver.shut_down_kernels(base, token)
    return found


def walk_in_app(chromium, base, token, nb, explorers):
    """Open the app page of ``nb`` in Voila at 1024 x 768 and check every explorer."""
    context = chromium.new_context(viewport=VIEWPORT)
    page = context.new_page()
    try:
        labdriver.open_in_app(page, base, token, nb, len(explorers))
        return problems(page, explorers, "app mode")
    finally:
        context.close()


# --- in every test run: one notebook with every explorer ---------------------------------------

def test_generated_notebook_holds_every_explorer_call(every_explorer):
    """The page walked below has each explorer of each notebook, in course order, and keeps a
    call's literal arguments while dropping those the notebook computed."""
    path, explorers = every_explorer
    expected = [(nb.name[:2], call) for nb, cells in NOTEBOOKS for _, call in cells]
    assert explorers == expected
    assert len(expected) >= 19          # at least one explorer in most notebooks
    cells = json.loads(path.read_text())["cells"]
    calls = [c["source"] for c in cells[2:] if c["cell_type"] == "code"]
    assert len(calls) == len(expected)
    assert labdriver.standalone_call("BeamExplorer(lm, length=6)") == "BeamExplorer(length=6)"
    assert labdriver.standalone_call("LongRangeExplorer(sweep)") == "LongRangeExplorer()"
    assert labdriver.standalone_call('A(functions=("sigmoid", "tanh"))') == 'A(functions=("sigmoid", "tanh"))'
    assert labdriver.standalone_call("A(x=np.ones(3), n=2)") == "A(n=2)"


def test_every_explorer_fits_in_jupyterlab_at_1024_px(lab, chromium, every_explorer):
    path, explorers = every_explorer
    found = walk_in_lab(chromium, *lab, path, explorers, shots=True)
    assert not found, "\n".join(found)


def test_every_explorer_fits_in_app_mode_at_1024_px(chromium, every_explorer, tmp_path):
    path, explorers = every_explorer
    pages = tmp_path / "app"
    built = labdriver.course.build_app_pages(pages, nb_dir=path.parent)
    assert [p.name for p in built] == [EVERY]
    with labdriver.app_server(pages, OUT / "fit-all-voila.log") as (base, token):
        found = walk_in_app(chromium, base, token, built[0], explorers)
    assert not found, "\n".join(found)


# --- on demand: each notebook itself ------------------------------------------------------------

@pytest.fixture(scope="module")
def app(tmp_path_factory):
    pages = tmp_path_factory.mktemp("app")
    labdriver.course.build_app_pages(pages)
    with labdriver.app_server(pages, OUT / "fit-voila.log") as server:
        yield server


def cases(known=None):
    """The notebooks as test cases; ``known``: {number: reason} for problems still open (xfail)."""
    known = known or {}
    return [pytest.param(nb, cells, id=nb.name[:2],
                         marks=[on_demand] + ([pytest.mark.xfail(reason=known[nb.name[:2]], strict=False)]
                                              if nb.name[:2] in known else []))
            for nb, cells in NOTEBOOKS]


LAB_CASES = APP_CASES = cases()


@pytest.mark.parametrize("nb,cells", LAB_CASES)
def test_explorers_of_each_notebook_fit_in_jupyterlab(lab, chromium, nb, cells):
    found = walk_in_lab(chromium, *lab, nb, [(nb.name[:2], call) for _, call in cells])
    assert not found, "\n".join(found)


@pytest.mark.parametrize("nb,cells", APP_CASES)
def test_explorers_of_each_notebook_fit_in_app_mode(app, chromium, nb, cells):
    found = walk_in_app(chromium, *app, nb, [(nb.name[:2], call) for _, call in cells])
    assert not found, "\n".join(found)
