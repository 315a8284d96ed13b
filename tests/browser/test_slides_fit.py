"""Every slide of every deck fits a 1024 x 768 projector, and every relative link on it leads
somewhere (tools/slides.py).

The decks are written once per module from the session's one run of each notebook (the fixture
executed_notebooks, which test_slides.py reads too), into one folder, as `python3 tools/course.py
slides` writes build/slides/. One headless Chromium at 1024 x 768, with the network blocked (as
test_offline.py), shows each slide in turn (Reveal.slide) and reads, in the page:

- the slide's height (its scrollHeight, what reveal.js itself measures to centre a slide) against
  the height reveal.js lays slides out in (its `height` setting): taller, and the bottom is cut;
- the smallest text, as the screen shows it (font size times the scale reveal.js applies to the
  whole deck; MathJax's hidden copy for screen readers is not shown, and a formula's scripts are
  taken at 0.7 of its size): at least 11 px;
- every pictures' scale on the screen (shown width over the PNG's own width): at least 0.9, so
  that the 11 px text in the figures (tests/test_explorers.py) stays readable;
- every relative link's target (as the browser resolves it): a file in the decks' folder, and the
  #anchor, when it has one, an id in that file.

A failure names the deck, the slide (h/v, as reveal.js counts them) and what was measured.
Marked slow: it needs every notebook run (about 2.5 minutes on two cores, shared with
test_slides.py and test_site.py); the walk itself takes about 20 s.
"""

from __future__ import annotations

import html
import re
import sys
import time
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from browserkit import ROOT, offline_context

pytestmark = pytest.mark.slow     # every notebook run, and a real browser

sys.path.insert(0, str(ROOT / "tools"))
import slides  # noqa: E402

sys.path.pop(0)

VIEWPORT = {"width": 1024, "height": 768}
MIN_TEXT = 11            # px on the screen
MIN_PICTURE = 0.9        # a picture shown at less than this of its own size has text below 11 px

# For each slide of the deck: its indices, height, the smallest text on the screen, the pictures'
# scales and the links (resolved by the browser).
MEASURE = """() => {
  const out = [];
  for (const s of Reveal.getSlides()) {
    const at = Reveal.getIndices(s);
    Reveal.slide(at.h, at.v);
    const scale = Reveal.getScale();
    let smallest = Infinity, what = '';
    const walk = document.createTreeWalker(s, NodeFilter.SHOW_TEXT);
    while (walk.nextNode()) {
      const el = walk.currentNode.parentElement;
      if (!walk.currentNode.textContent.trim() || !el.getClientRects().length) continue;
      if (el.closest('mjx-assistive-mml')) continue;
      const px = parseFloat(getComputedStyle(el).fontSize) * scale;
      if (px < smallest) { smallest = px; what = walk.currentNode.textContent.trim().slice(0, 40); }
    }
    for (const m of s.querySelectorAll('mjx-container')) {
      const px = 0.7 * parseFloat(getComputedStyle(m).fontSize) * scale;
      if (px < smallest) { smallest = px; what = 'a formula\\'s scripts'; }
    }
    const pictures = Array.from(s.querySelectorAll('img')).filter(i => i.naturalWidth)
      .map(i => i.getBoundingClientRect().width / i.naturalWidth);
    const links = Array.from(s.querySelectorAll('a[href]')).map(a => [a.getAttribute('href'), a.href]);
    const title = (s.querySelector('h1, h2, h3') || s).textContent.replace('\\u00b6', '').trim().slice(0, 50);
    out.push({at: at.h + '/' + (at.v || 0), height: s.scrollHeight, smallest, what, pictures, links, title});
  }
  return {room: Reveal.getConfig().height, slides: out};
}"""


@pytest.fixture(scope="module")
def decks(executed_notebooks, tmp_path_factory):
    """{deck's file name: its path}, every deck in one folder, as `course.py slides` writes them."""
    folder = tmp_path_factory.mktemp("slides")
    written = {}
    for name in sorted(executed_notebooks):
        ran = executed_notebooks[name]
        assert not ran.problems, f"{name}: " + "\n".join(ran.problems)
        path = slides.write_slides(ran.nb, ran.path.stem, folder)
        written[path.name] = path
    return written


@pytest.fixture(scope="module")
def measured(decks):
    """{deck's file name: what MEASURE read}, all decks in one browser, and the time it took."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    from browserkit import CHROMIUM, FLAGS

    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    start, found = time.perf_counter(), {}
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        try:
            context, blocked = offline_context(browser, viewport=VIEWPORT)
            page = context.new_page()
            for name, path in decks.items():
                page.goto(path.as_uri())
                page.wait_for_function("() => window.Reveal && Reveal.isReady()", timeout=30_000)
                page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise",
                                       timeout=30_000)
                page.evaluate("() => MathJax.startup.promise")      # formulas change the heights
                found[name] = page.evaluate(MEASURE)
            assert not blocked, f"the slides asked for something beyond this machine: {blocked[:3]}"
        finally:
            browser.close()
    print(f"\n[slides fit] {len(found)} decks measured in {time.perf_counter() - start:.1f} s")
    return found


def anchors(path: Path) -> set:
    return {html.unescape(a) for a in re.findall(r'\bid="([^"]+)"', path.read_text(encoding="utf-8"))}


def dead_links(slide: dict, folder: Path) -> list[str]:
    """The slide's relative links whose file is not in ``folder`` or whose #anchor is not in it."""
    dead = []
    for written, url in slide["links"]:
        if re.match(r"^([a-z][a-z0-9+.-]*:|//)", written, re.I):
            continue                                   # http:, mailto:, ... : not a file of the deck
        parts = urlparse(url)
        target = Path(unquote(parts.path))
        if written.startswith("#"):
            target = None                              # this page: checked below against the deck itself
        elif target.parent != folder or not target.is_file():
            dead.append(f"{written} (no {target.name} beside the decks)")
            continue
        if parts.fragment and target is not None and target.suffix == ".html":
            if unquote(parts.fragment) not in anchors(target):
                dead.append(f"{written} (no id {parts.fragment!r} in {target.name})")
    return dead


def deck_names():
    return [f"{p.stem}.slides.html" for p in slides.notebook_paths()]


@pytest.mark.parametrize("deck", deck_names())
def test_every_slide_fits_1024x768_and_its_links_work(measured, decks, deck):
    got = measured[deck]
    folder = decks[deck].parent
    tall, small, shrunk, dead = [], [], [], []
    for s in got["slides"]:
        where = f"slide {s['at']} ({s['title']!r})"
        if s["height"] > got["room"]:
            tall.append(f"{where}: {s['height']} px high, room for {got['room']}")
        if s["smallest"] < MIN_TEXT:
            small.append(f"{where}: text {s['smallest']:.1f} px ({s['what']!r})")
        if s["pictures"] and min(s["pictures"]) < MIN_PICTURE:
            shrunk.append(f"{where}: a picture at {min(s['pictures']):.2f} of its size")
        dead += [f"{where}: {d}" for d in dead_links(s, folder)]
    summary = (f"{deck}: {len(got['slides'])} slides, {len(tall)} too tall, {len(small)} with small text, "
               f"{len(shrunk)} with shrunk pictures, {len(dead)} dead links")
    print(summary)
    assert not (tall or small or shrunk or dead), "\n".join([summary, *tall, *small, *shrunk, *dead[:20]])


def test_the_link_check_finds_a_dead_link(tmp_path):
    (tmp_path / "glossary.html").write_text('<a id="lstm"></a>', encoding="utf-8")
    base = (tmp_path / "03-x.slides.html").as_uri()
    slide = {"links": [["glossary.html#lstm", base.replace("03-x.slides.html", "glossary.html#lstm")],
                       ["glossary.html#nope", base.replace("03-x.slides.html", "glossary.html#nope")],
                       ["../docs/glossary.md#lstm", (tmp_path.parent / "docs" / "glossary.md").as_uri() + "#lstm"],
                       ["https://example.org/", "https://example.org/"]]}
    dead = dead_links(slide, tmp_path)
    assert len(dead) == 2 and "nope" in dead[0] and "glossary.md" in dead[1]
