"""The slides and the static site with no network: every request beyond 127.0.0.1 and local files
is blocked (Playwright routing), as in a classroom without internet.

- Slides (tools/slides.py): the deck is a slideshow (reveal.js runs; the arrow keys move to the
  next slide and back) and its formulas are typeset (MathJax's output elements, no raw $...$).
- Site (tools/build_site.py): a notebook's page and the index typeset their formulas.
- Neither asks for anything outside, and nothing they ask for fails or throws.

App mode's pages are checked the same way in test_app.py (its server is started there). The pages
are made from the notebook's stored outputs (nothing is executed here: test_slides.py and
test_site.py check the executed pages), so this takes seconds.
"""

from __future__ import annotations

import importlib.util
import re
import sys

import nbformat
import pytest
from browserkit import OUT, ROOT, offline_context

pytestmark = pytest.mark.slow     # a real browser

NOTEBOOK = ROOT / "notebooks" / "03-the-forget-gate.ipynb"     # formulas inline and displayed
sys.path.insert(0, str(ROOT / "tools"))
import execute  # noqa: E402
import slides  # noqa: E402

sys.path.pop(0)


def _site_module():
    spec = importlib.util.spec_from_file_location("course_site_offline", ROOT / "tools" / "build_site.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod          # dataclasses look their module up by this name
    spec.loader.exec_module(mod)
    return mod


def open_offline(chromium, url):
    """Open ``url`` with the network blocked; returns (page, context, blocked, failed, errors)."""
    context, blocked = offline_context(chromium, viewport={"width": 1024, "height": 768})
    page = context.new_page()
    failed, errors = [], []
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(url)
    return page, context, blocked, failed, errors


def wait_for_math(page, selector="body"):
    """How many formulas MathJax has typeset under ``selector``, once it is done."""
    page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=30_000)
    page.evaluate("() => MathJax.startup.promise")
    return page.locator(f"{selector} mjx-container").count()


def raw_tex(page, selector):
    """Text between dollar signs left in the prose under ``selector`` (code excluded): TeX that
    nothing typeset."""
    text = page.evaluate("""(sel) => Array.from(document.querySelectorAll(sel))
        .map(e => { const c = e.cloneNode(true); c.querySelectorAll('pre, code, mjx-container, script')
                    .forEach(x => x.remove()); return c.textContent; }).join('\\n')""", selector)
    return re.findall(r"\$[^$\n]{1,80}\$", text)


def test_the_notebook_has_formulas_to_typeset():
    prose = "\n".join(c.source for c in nbformat.read(NOTEBOOK, as_version=4).cells if c.cell_type == "markdown")
    assert len(re.findall(r"\$[^$\n]+\$", prose)) >= 5, "the checks below need a notebook with formulas"


def test_slides_are_a_slideshow_with_typeset_math_offline(chromium, tmp_path):
    out = slides.write_slides(nbformat.read(NOTEBOOK, as_version=4), NOTEBOOK.stem, tmp_path)
    page, context, blocked, failed, errors = open_offline(chromium, out.as_uri())
    page.wait_for_function("() => window.Reveal && Reveal.isReady()", timeout=30_000)
    total = page.evaluate("() => Reveal.getTotalSlides()")
    typeset = wait_for_math(page, ".reveal .slides")
    start = page.evaluate("() => Reveal.getIndices().h")
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(300)
    moved = page.evaluate("() => Reveal.getIndices().h")
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(300)
    page.screenshot(path=str(OUT / "offline-slides.png"))
    page.keyboard.press("ArrowLeft")
    page.wait_for_timeout(300)
    back = page.evaluate("() => Reveal.getIndices().h")
    leftover = raw_tex(page, ".reveal .slides .jp-RenderedMarkdown")
    context.close()
    assert not blocked, f"the slides asked for something beyond this machine: {blocked}"
    assert not failed and not errors, f"failed requests {failed}, errors {errors}"
    assert total >= 3, f"one slide per section expected, found {total}"
    assert (start, moved, back) == (0, 1, 1), f"arrow keys: slide {start} -> {moved} -> (right, left) {back}"
    assert typeset >= 5, f"only {typeset} formulas typeset on the slides"
    assert not leftover, f"raw TeX on the slides: {leftover[:5]}"


def test_site_pages_typeset_math_offline(chromium, tmp_path):
    site = _site_module()
    ran = execute.Executed(NOTEBOOK, nbformat.read(NOTEBOOK, as_version=4), 0.0)   # the stored outputs
    results = site.write_site([ran], tmp_path, log=lambda line: None)
    assert results[0].page == f"{NOTEBOOK.stem}.html"
    for name, least in ((results[0].page, 5), ("index.html", 1)):
        page, context, blocked, failed, errors = open_offline(chromium, (tmp_path / name).as_uri())
        typeset = wait_for_math(page)
        leftover = raw_tex(page, ".jp-RenderedMarkdown")
        if name == "index.html":
            page.screenshot(path=str(OUT / "offline-site-index.png"))
        context.close()
        assert not blocked, f"{name} asked for something beyond this machine: {blocked}"
        assert not failed and not errors, f"{name}: failed requests {failed}, errors {errors}"
        assert typeset >= least, f"{name}: {typeset} formulas typeset"
        assert not leftover, f"{name}: raw TeX: {leftover[:5]}"
