"""The static site (tools/build_site.py): the whole course is built into a temporary folder, and every
notebook must have its page, with its figures as images that carry alt text, navigation that
links existing .html pages, an index that links every page, no Python traceback and no object's
repr where a figure belongs, and the build must report no problem.

The pages are built from the session's one run of every notebook (the fixture executed_notebooks
in conftest.py, shared with the slides and determinism tests), once per module.
"""

import html
import importlib.util
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
# loaded by path (tools/ is not a package)
_spec = importlib.util.spec_from_file_location("course_site", ROOT / "tools" / "build_site.py")
site = importlib.util.module_from_spec(_spec)
sys.modules["course_site"] = site          # dataclasses look their module up by this name
_spec.loader.exec_module(site)

NOTEBOOKS = sorted(p for p in (ROOT / "notebooks").glob("*.ipynb") if re.match(r"^\d\d-", p.name))
# the last expression of a code cell that shows a figure: an explorer, a figure or its canvas, a display(...)
SHOWS_FIGURE = re.compile(r"(^|[\s=(])[A-Z]\w*Explorer\(.*\)\s*$|\.fig\s*$|\.canvas\s*$|^display\(|^plt\.show\(\)")
# an object shown by its repr: <matplotlib.backends.backend_agg.FigureCanvasAgg at 0x7f...>, <Figure size ...>
OBJECT_REPR = re.compile(r"<[\w.]+(?: object)? at 0x[0-9a-fA-F]+>|<Figure size [^>]*>")
# a script, a style sheet or a module the page would fetch from another machine
OUTSIDE = re.compile(r"""<(?:script|link)\b[^>]*\b(?:src|href)=["']?(?:https?:)?//|import\s[^;]*from\s*["'](?:https?:)?//""")


class Page(HTMLParser):
    """What the checks need from a page: <html lang>, images with alt, headings, links, ids."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.lang, self.images, self.headings, self.links, self.ids = None, [], [], [], set()
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        if tag == "img":
            self.images.append(a)
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if a.get("id"):
            self.ids.add(a["id"])


def figure_displays(path) -> int:
    """How many figures the notebook shows, read from its source (independent of the build)."""
    nb = nbformat.read(path, as_version=4)
    count = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        lines = [ln for ln in cell.source.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
        if lines and SHOWS_FIGURE.search(lines[-1].strip()):
            count += 1
    return count


@pytest.fixture(scope="module")
def built(tmp_path_factory, executed_notebooks):
    """The whole course built once from the session's run of every notebook: tests using it are slow."""
    out = tmp_path_factory.mktemp("site")
    log = []
    results = site.write_site(list(executed_notebooks.values()), out, log=log.append)
    return out, {r.notebook: r for r in results}, log


def page_text(text) -> str:
    """What a page says, without its tags (the words survive the HTML that ANSI colours become)."""
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def has_traceback(text) -> bool:
    """A Python traceback in a page."""
    return "Traceback (most recent call last)" in page_text(text)


def read_page(out, name):
    return (out / name).read_text(encoding="utf-8")


def local_target(href):
    return not re.match(r"^([a-z][a-z0-9+.-]*:|//)", href, re.I)


# --- the whole course ---------------------------------------------------------------------------

@pytest.mark.slow
def test_every_notebook_ran_and_has_its_page(built):
    out, results, log = built
    assert NOTEBOOKS, "no notebooks found"
    assert sorted(results) == [p.name for p in NOTEBOOKS]
    failed = {name: r.error for name, r in results.items() if r.error}
    assert not failed, f"notebooks failed in the site build: {failed}"
    assert not [line for line in log if "Traceback" in line or "FAILED" in line], "\n".join(log)
    for p in NOTEBOOKS:
        assert (out / f"{p.stem}.html").is_file(), f"no page for {p.name}"


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_page_has_figures_alt_text_lang_headings_and_no_traceback(built, path):
    out, _, _ = built
    text = read_page(out, f"{path.stem}.html")
    page = Page(text)
    assert page.lang == "en"
    expected = max(1, figure_displays(path))
    assert len(page.images) >= expected, f"{path.name}: {len(page.images)} images, expected >= {expected}"
    for img in page.images:
        assert img.get("src", "").startswith("data:image/png;base64,"), "images are embedded PNGs"
        alt = img.get("alt", "")
        assert alt.strip() and "No description" not in alt and "no description" not in alt, \
            f"{path.name}: an image without a real alt text: {alt!r}"
    assert page.headings and page.headings[0] == 1, f"{path.name}: the page must start with an h1"
    for before, after in zip(page.headings, page.headings[1:]):
        assert after <= before + 1, f"{path.name}: heading levels jump from h{before} to h{after}"
    assert not has_traceback(text), f"{path.name}: the page shows a Python traceback"
    shown = OBJECT_REPR.findall(page_text(text))
    assert not shown, f"{path.name}: the page shows an object's repr where a figure belongs: {shown}"
    assert 'class="site-banner"' in text and "JupyterLab" in text, "the static-copy banner is missing"
    assert not OUTSIDE.findall(text), f"{path.name}: the page fetches from the network: {OUTSIDE.findall(text)[:3]}"
    for src in re.findall(r"""<script\b[^>]*\bsrc=["']([^"']+)["']""", text):
        assert (out / src).is_file(), f"{path.name} loads {src}, which is not in the site's folder"
    if "%matplotlib widget" in path.read_text(encoding="utf-8"):
        assert "%matplotlib widget" in re.sub(r"<[^>]+>", "", text), "the page must show the original source"


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_navigation_links_point_to_existing_html_pages(built, path):
    out, _, _ = built
    page = Page(read_page(out, f"{path.stem}.html"))
    hrefs = [h for h in page.links if local_target(h) and not h.startswith("#")]
    assert not [h for h in hrefs if ".ipynb" in h], f"{path.name}: links still point to notebooks"
    nav = [h for h in hrefs if re.match(r"^\d\d-", h)]
    assert nav, f"{path.name}: no links to other pages: is its nav cell empty? (python tools/notebooks.py nav)"
    for href in hrefs:
        target, _, fragment = href.partition("#")
        assert (out / target).is_file(), f"{path.name}: link to a missing file {href}"
        if fragment:
            assert fragment in Page(read_page(out, target)).ids, f"{path.name}: {href}: no such anchor"


@pytest.mark.slow
def test_index_links_every_page_with_title_and_description(built):
    out, _, _ = built
    text = read_page(out, "index.html")
    page = Page(text)
    assert page.lang == "en" and page.headings[0] == 1
    for p in NOTEBOOKS:
        nb = nbformat.read(p, as_version=4)
        assert f"{p.stem}.html" in page.links, f"index.html does not link {p.stem}.html"
        assert site.title_of(nb) in text
        desc = site.description_of(nb)
        assert desc, f"{p.name}: no description for the index"


@pytest.mark.slow
def test_glossary_and_guide_are_pages_the_index_links(built):
    out, _, _ = built
    index = Page(read_page(out, "index.html"))
    for name in ("glossary", "teachers-guide"):
        page = Page(read_page(out, f"{name}.html"))
        assert page.lang == "en" and page.headings[0] == 1
        assert f"{name}.html" in index.links
        for href in (h for h in page.links if local_target(h) and not h.startswith("#")):
            target, _, fragment = href.partition("#")
            assert (out / target).is_file(), f"{name}.html: link to a missing file {href}"
    assert "forget-gate" in Page(read_page(out, "glossary.html")).ids


# --- pieces, without executing anything -----------------------------------------------------------

def test_links_to_notebooks_become_links_to_pages():
    html = ('<a href="03-the-forget-gate.ipynb">x</a> <a href="00-start-here.ipynb#Contents">c</a> '
            '<a href="https://example.org/01-a.ipynb">ext</a> <code>03-the-forget-gate.ipynb</code>')
    new = site._finish_html(html)
    assert 'href="03-the-forget-gate.html"' in new
    assert 'href="00-start-here.html#Contents"' in new
    assert 'href="https://example.org/01-a.ipynb"' in new           # not a course page: unchanged
    assert "<code>03-the-forget-gate.ipynb</code>" in new            # text, not a link: unchanged


def test_description_is_the_first_sentence_of_prose():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Title\n\n**After this notebook you will be able to**\n- do a thing;"),
        nbformat.v4.new_markdown_cell("## A part\n\nGates are small. They open and shut.\n\nMore."),
    ])
    assert site.title_of(nb) == "Title"
    assert site.description_of(nb) == "Gates are small."
    nb.metadata["description"] = "Given in the metadata."
    assert site.description_of(nb) == "Given in the metadata."
    with pytest.raises(ValueError, match="title"):
        site.title_of(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("no heading")]))


@pytest.mark.parametrize("kwargs, match", [
    ({"notebooks": ["README.md"]}, "notebooks: expected existing .ipynb"),
    ({"notebooks": ["notebooks/99-missing.ipynb"]}, "notebooks: expected existing .ipynb"),
    ({"jobs": 0}, r"jobs: expected an integer >= 1"),
    ({"jobs": 1.5}, r"jobs: expected an integer >= 1"),
    ({"timeout": 0}, r"timeout: expected a number of seconds > 0"),
    ({"timeout": "60"}, r"timeout: expected a number of seconds > 0"),
])
def test_bad_arguments_are_refused_before_anything_runs(tmp_path, kwargs, match):
    args = {"notebooks": [NOTEBOOKS[0]], "out": tmp_path, **kwargs}
    args["notebooks"] = [ROOT / p if not Path(p).is_absolute() else p for p in args["notebooks"]]
    with pytest.raises(ValueError, match=match):
        site.build_site(**args, log=lambda line: None)
    assert not list(tmp_path.iterdir()), "nothing may be written for bad arguments"


def test_out_must_be_a_path(tmp_path):
    with pytest.raises(TypeError, match="out: expected a folder path"):
        site.build_site([NOTEBOOKS[0]], out=3, log=lambda line: None)


def test_a_failing_notebook_is_reported_and_its_error_kept(tmp_path, capsys):
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Broken\n\nThis notebook divides by zero."),
        nbformat.v4.new_code_cell("%matplotlib widget\nx = 1 / 0"),
    ])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    src = tmp_path / "nb"
    src.mkdir()
    nbformat.write(nb, src / "98-broken.ipynb")
    assert site.main([str(src / "98-broken.ipynb"), "--out", str(tmp_path / "out"), "--jobs", "1"]) == 1
    page = (tmp_path / "out" / "98-broken.html").read_text(encoding="utf-8")
    assert "ZeroDivisionError" in page and has_traceback(page)    # the check above can fail
    assert "ZeroDivisionError" in capsys.readouterr().out


def test_an_object_shown_where_a_figure_belongs_fails_the_build(tmp_path, capsys):
    """The page of a cell ending in a figure's canvas shows the figure; a cell ending in an object
    with no picture is a problem the build reports (it once showed FigureCanvasAgg reprs and said ok)."""
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Shows things\n\nA canvas and an object."),
        nbformat.v4.new_code_cell("%matplotlib widget\nfrom lstm_course.plotting import new_figure"),
        nbformat.v4.new_code_cell("fig, ax = new_figure()\nax.set_title('a title')\nfig.canvas"),
        nbformat.v4.new_code_cell("object()"),
    ])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    src = tmp_path / "nb"
    src.mkdir()
    nbformat.write(nb, src / "97-shows.ipynb")
    assert site.main([str(src / "97-shows.ipynb"), "--out", str(tmp_path / "out"), "--jobs", "1"]) == 1
    page = Page((tmp_path / "out" / "97-shows.html").read_text(encoding="utf-8"))
    assert [img["alt"] for img in page.images] == ["Figure: a title"]
    said = capsys.readouterr().out
    assert "FAILED" in said and re.search(r"<object (object )?at 0x", said) and "FigureCanvasAgg" not in said


def test_a_traceback_the_build_prints_itself_fails_it(tmp_path, monkeypatch, capfd):
    """The build once printed a ZMQError traceback (from jupyter_client, outside any notebook) and
    said ok: a traceback on the build's own stderr now fails it."""
    def noisy_build(*args, **kwargs):
        import traceback

        try:
            raise OSError("Address already in use")
        except OSError:
            traceback.print_exc()        # as a library's background task reports an error
        return []

    monkeypatch.setattr(site, "build_site", noisy_build)
    assert site.main(["--out", str(tmp_path)]) == 1
    assert "FAILED: the build printed 1 traceback" in capfd.readouterr().err
    monkeypatch.setattr(site, "build_site", lambda *a, **k: [])
    assert site.main(["--out", str(tmp_path)]) == 0


@pytest.mark.slow
def test_the_site_command_prints_no_traceback(tmp_path):
    """`build_site.py` as the site command runs it, on two notebooks at once: exit status 0 and no
    traceback anywhere in what it printed (its stdout and stderr, the kernels' included)."""
    import subprocess

    cmd = [sys.executable, str(ROOT / "tools" / "build_site.py"), "--out", str(tmp_path), "--jobs", "2",
           str(ROOT / "notebooks" / "00-start-here.ipynb"), str(ROOT / "notebooks" / "02-squashing-functions.ipynb")]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600, cwd=ROOT)
    said = done.stdout + done.stderr
    assert done.returncode == 0, said
    assert "Traceback" not in said and "Error" not in done.stderr, said
