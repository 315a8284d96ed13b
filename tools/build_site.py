#!/usr/bin/env python3
"""Build a static HTML copy of the course: every notebook executed, with its outputs and figures.

    python tools/build_site.py                           # the whole course into build/site/
    python tools/build_site.py --out /tmp/s notebooks/03-*.ipynb    # a few notebooks (quick check)
    python tools/build_site.py --jobs 1 --timeout 300    # one notebook at a time, 300 s per cell

Run it with the course's environment (`.venv/bin/python`): it needs nbclient, nbconvert and a
kernel that can import lstm_core. It writes `NN-name.html` for each notebook and `index.html`
(the course title, and each notebook's title and one-line description, linked).

How a page is made, for each notebook:
1. tools/execute.py runs a copy of the notebook in a fresh kernel (working folder notebooks/; a
   time limit per cell), with the widgets' state stored and static (inline) figures: every figure
   a cell shows is a PNG with alt text made of its titles, and every explorer
   (``lstm_course.explorers.Explorer``) shown by a cell is followed by a picture of its figure
   with alt text (its title, the axes' titles and its readout) and its readout as a caption.
   An ipympl canvas would show nothing without a kernel.
2. Each explorer's picture becomes a figure with a caption on the page. The widgets themselves
   (sliders, buttons) and their stored state are left out: with no kernel behind them they would
   move nothing, and showing them needs a widget library from a CDN.
3. nbconvert's HTMLExporter (the "lab" template, extended in ``site_assets/templates/site``)
   writes the page: a banner saying it is a static copy, ``lang="en"``, alt text on images,
   code visible (inputs of cells tagged ``hide-input`` hidden), and links to ``NN-name.ipynb``
   rewritten to ``NN-name.html``. Formulas are typeset in the browser by MathJax 3, copied into
   ``_assets/`` beside the pages from an installed package (tools/assets.py): the site needs no
   network, and the folder can be published as it is.

Notebooks run a few at once (``--jobs``, default 2: the machines have two cores). The exit status
is 1 when any notebook had a problem (a failing cell, an object's repr where a picture belongs, a
traceback; see tools/execute.py; its page is still written, so it can be read) or when the build
printed a traceback of its own to stderr.
"""

from __future__ import annotations

import argparse
import functools
import html
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import assets  # noqa: E402  (MathJax from an installed package, for an offline site)
import execute  # noqa: E402  (the one way the site, the slides and the tests run a notebook)
from notebooks import course_notebooks, title_of  # noqa: E402  (one rule for what a course notebook is)

ROOT = Path(__file__).resolve().parents[1]
NB_DIR = ROOT / "notebooks"
ASSETS = ROOT / "site_assets"
DEFAULT_OUT = ROOT / "build" / "site"
NOTEBOOK_LINK = re.compile(r'(href=")(?:\.\./notebooks/)?(\d\d-[a-z0-9]+(?:-[a-z0-9]+)*)\.ipynb(#[^"]*)?(")')
DOCS_LINK = re.compile(r'(href=")(?:\.\./docs/)?([a-z0-9]+(?:-[a-z0-9]+)*)\.md(#[^"]*)?(")')
DOCS = ("teachers-guide", "glossary")        # docs/NAME.md -> NAME.html beside the notebooks' pages
# docs that stay off the site (the answer key is for teachers, and the site is for students): a
# link to one becomes its text and where to find the file in the course folder
OFF_SITE_LINK = re.compile(r'<a href="(?:\.\./docs/)?(answer-key)\.md(?:#[^"]*)?">(.*?)</a>')
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
BANNER = ("Static copy: the sliders need a running kernel. Run this notebook in JupyterLab "
          "(<code>python3 tools/course.py lab</code>) to move them.")
DEFAULT_TIMEOUT = execute.DEFAULT_TIMEOUT     # seconds per cell
DEFAULT_JOBS = execute.DEFAULT_JOBS

@dataclass
class PageResult:
    """What building one notebook's page gave."""

    notebook: str                 # the notebook's file name
    page: str                     # the page's file name
    title: str
    description: str
    seconds: float
    error: str = ""               # the run's problems (tools/execute.py), one a line; empty: none
    images: int = 0               # <img> elements on the page
    broken_links: list = field(default_factory=list)


# --- reading notebooks -------------------------------------------------------------------------

def _read(path: Path):
    import nbformat

    return nbformat.read(path, as_version=4)


def description_of(nb, limit: int = 220) -> str:
    """One line about the notebook: ``metadata.description`` if set, otherwise the first sentence
    of its first paragraph of prose (not a heading, list, quote, or the bold "After this
    notebook" line), cut at about ``limit`` characters."""
    given = nb.metadata.get("description")
    if isinstance(given, str) and given.strip():
        return given.strip()
    for cell in nb.cells:
        if cell.cell_type != "markdown" or "nav" in cell.metadata.get("tags", []):
            continue
        for para in re.split(r"\n[ \t]*\n", cell.source):
            text = " ".join(line.strip() for line in para.strip().splitlines())
            if not text or re.match(r"(#|[-*+] |\d+\. |>|\*\*|\||<|\$\$|```)", text):
                continue
            m = re.match(r"(.+?[.!?])(\s+[A-Z(`*_]|$)", text)
            sentence = m.group(1) if m else text
            if len(sentence) > limit:
                sentence = sentence[:limit].rsplit(" ", 1)[0] + " ..."
            return sentence
    return ""


def _course_title() -> str:
    readme = ROOT / "README.md"
    if readme.exists():
        for line in readme.read_text(encoding="utf-8").splitlines():
            if line.startswith("# "):
                return line[2:].strip()
    return "An interactive LSTM course"


# --- executing and exporting one notebook -------------------------------------------------------

@functools.lru_cache(maxsize=1)
def _exporter():
    """One HTML exporter per process (making one and compiling its template takes a second or two)."""
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    c = Config()
    c.TagRemovePreprocessor.enabled = True
    c.TagRemovePreprocessor.remove_input_tags = {"hide-input"}
    c.TagRemovePreprocessor.remove_cell_tags = {"site-remove"}
    exporter = HTMLExporter(config=c, template_name="site",
                            extra_template_basedirs=[str(ASSETS / "templates")])
    exporter.exclude_input_prompt = False
    return exporter


def _resources(name: str) -> dict:
    css = (ASSETS / "site.css").read_text(encoding="utf-8") if (ASSETS / "site.css").exists() else ""
    # the pages all sit in one folder, beside _assets/ (finish_site copies MathJax there)
    mathjax = assets.mathjax_html(f"{assets.ASSETS}/mathjax/{assets.MATHJAX_FILE}")
    return {"metadata": {"name": name}, "site_css": css, "site_banner": BANNER, "offline_mathjax": mathjax}


def _finish_html(body: str, notebook_page: str = ".html") -> str:
    """Links to NN-name.ipynb become NN-name.html (navigation, contents, prose), and links to
    docs/NAME.md (the glossary, the teacher's guide) become NAME.html. ``notebook_page`` is what
    replaces a notebook's ``.ipynb`` (the slides, tools/slides.py, link ``NN-name.slides.html``)."""
    body = NOTEBOOK_LINK.sub(lambda m: f"{m.group(1)}{m.group(2)}{notebook_page}{m.group(3) or ''}{m.group(4)}", body)
    body = OFF_SITE_LINK.sub(lambda m: f"{m.group(2)} (<code>docs/{m.group(1)}.md</code> in the course folder)", body)
    return DOCS_LINK.sub(lambda m: (f"{m.group(1)}{m.group(2)}.html{m.group(3) or ''}{m.group(4)}"
                                    if m.group(2) in DOCS else m.group(0)), body)


def build_docs(out, notebook_page: str = ".html") -> list:
    """Write the glossary and the teacher's guide (docs/*.md) as pages of the site (or beside the
    slides, which link them: ``notebook_page`` as in _finish_html)."""
    import nbformat

    pages = []
    for name in DOCS:
        src = ROOT / "docs" / f"{name}.md"
        if not src.exists():
            continue
        text = src.read_text(encoding="utf-8")
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(text)])
        nb.metadata["title"] = text.splitlines()[0].lstrip("# ").strip()
        resources = _resources(name)
        resources["site_banner"] = ""
        body, _ = _exporter().from_notebook_node(nb, resources=resources)
        page = Path(out) / f"{name}.html"
        page.write_text(_finish_html(body, notebook_page), encoding="utf-8")
        pages.append(page)
    return pages


def _site_figure(output):
    """An explorer's picture (tools/execute.py) as the page shows it: a figure with its readout."""
    import nbformat

    shot = execute.snapshot(output)
    if shot is None:
        return output
    caption = "<br>".join(html.escape(line) for line in shot.caption.splitlines())
    label = html.escape(shot.title)
    body = (f'<figure class="site-figure">'
            f'<img src="data:image/png;base64,{shot.png}" alt="{html.escape(shot.alt)}">'
            f'<figcaption><span class="site-figure-label">{label}</span> at its starting '
            f'values (static picture).' + (f'<br>{caption}' if caption else '') + '</figcaption></figure>')
    return nbformat.v4.new_output("display_data", data={"text/html": body, "text/plain": f"[picture of {label}]"})


def page_from(executed, out) -> PageResult:
    """Write ``out/NN-name.html`` from a notebook tools/execute.py ran (``executed`` is not changed)."""
    import copy

    start = time.perf_counter()
    path, nb = executed.path, copy.deepcopy(executed.nb)
    title = title_of(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [_site_figure(o) for o in cell.outputs if WIDGET_VIEW not in o.get("data", {})]
    nb.metadata.pop("widgets", None)
    nb.metadata["title"] = f"{title} · {_course_title()}"
    body, _ = _exporter().from_notebook_node(nb, resources=_resources(path.stem))
    body = _finish_html(body)
    page = Path(out) / f"{path.stem}.html"
    page.write_text(body, encoding="utf-8")
    return PageResult(notebook=path.name, page=page.name, title=title, description=description_of(nb),
                      seconds=executed.seconds + time.perf_counter() - start, error="\n".join(executed.problems),
                      images=body.count("<img"))


def build_page(path, out, timeout: float = DEFAULT_TIMEOUT) -> PageResult:
    """Execute one notebook (a copy; the file is not changed) and write ``out/NN-name.html``."""
    return page_from(execute.execute(path, timeout), out)


# --- the index ----------------------------------------------------------------------------------

def build_index(out, notebooks=None) -> Path:
    """Write ``out/index.html``: the course title, an introduction, and the table of contents
    (every notebook's number, title and description; linked when its page exists in ``out``)."""
    import nbformat

    out = Path(out)
    lines = []
    for path in (course_notebooks() if notebooks is None else [Path(p) for p in notebooks]):
        nb = _read(path)
        title, desc = title_of(nb), description_of(nb)
        page = out / f"{path.stem}.html"
        entry = f"[{title}]({page.name})" if page.exists() else f"{title} (page not built)"
        lines.append(f"- **{path.name[:2]}** {entry}" + (f"<br>{desc}" if desc else ""))
    intro = ("These pages are a static copy of the course: every notebook was run once and its "
             "outputs and figures were saved. To move the sliders, run the notebooks yourself "
             "(`python3 tools/course.py lab` in the course's folder opens them in JupyterLab).")
    extra = ("\n\n## For teachers\n\n- [Teacher's guide](teachers-guide.html): three 90-minute sessions, "
             "misconceptions to expect, setting up a room\n- [Glossary](glossary.html): every term, with its "
             "name in Hindi, Chinese, Dutch, Turkish and Italian")
    text = f"# {_course_title()}\n\n{intro}\n\n## Contents\n\n" + "\n".join(lines) + extra
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(text)])
    nb.metadata["title"] = _course_title()
    resources = _resources("index")
    resources["site_banner"] = ""          # the introduction above says it already
    body, _ = _exporter().from_notebook_node(nb, resources=resources)
    index = out / "index.html"
    index.write_text(_finish_html(body), encoding="utf-8")
    return index


# --- checks and the whole build -----------------------------------------------------------------

def local_links(page: Path) -> list[str]:
    """Targets of the page's relative links (href), without their #fragment."""
    text = Path(page).read_text(encoding="utf-8")
    found = []
    for href in re.findall(r'href="([^"]+)"', text):
        if re.match(r"^([a-z][a-z0-9+.-]*:|#|//)", href, re.I):
            continue
        found.append(html.unescape(href.split("#", 1)[0]))
    return [h for h in found if h]


def _check_args(notebooks, out, jobs, timeout):
    paths = []
    for p in notebooks:
        p = Path(p)
        if p.suffix != ".ipynb" or not p.is_file():
            raise ValueError(f"notebooks: expected existing .ipynb files, got {str(p)!r}")
        paths.append(p.resolve())
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"jobs: expected an integer >= 1, got {jobs!r}")
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout > 0:
        raise ValueError(f"timeout: expected a number of seconds > 0, got {timeout!r}")
    if not isinstance(out, (str, Path)):
        raise TypeError(f"out: expected a folder path (str or Path), got {type(out).__name__}")
    return paths


def build_site(notebooks=None, out=DEFAULT_OUT, jobs: int = DEFAULT_JOBS, timeout=DEFAULT_TIMEOUT,
               log=print) -> list[PageResult]:
    """Build the pages of ``notebooks`` (default: the whole course) and the index in ``out``.

    notebooks: paths of .ipynb files; jobs: notebooks executed at once (>= 1); timeout: seconds
    allowed per cell (> 0). Returns one PageResult per notebook, in course order."""
    paths = _check_args(course_notebooks() if notebooks is None else list(notebooks), out, jobs, timeout)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    results = []

    def write_page(executed):          # as each notebook finishes, while the others still run
        try:
            results.append(page_from(executed, out))
        except Exception as err:       # the page itself broke (not the notebook's code)
            p = executed.path
            results.append(PageResult(p.name, f"{p.stem}.html", p.stem, "", executed.seconds,
                                      error=f"{type(err).__name__}: {err}"))
        log(_line(results[-1]))

    execute.execute_all(paths, jobs, timeout, done=write_page)
    return finish_site(results, out, log, start)


def write_site(executed, out, log=print) -> list[PageResult]:
    """Build the site in ``out`` from notebooks tools/execute.py already ran (a list of Executed)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    results = []
    for ex in executed:
        results.append(page_from(ex, out))
        log(_line(results[-1]))
    return finish_site(results, out, log, start)


def finish_site(results, out, log, start) -> list[PageResult]:
    """The docs' pages and the index beside the notebooks' pages; every page's broken links."""
    results.sort(key=lambda r: r.notebook)
    assets.copy_mathjax(out)
    build_docs(out)
    build_index(out)
    for r in results:
        r.broken_links = [h for h in local_links(out / r.page) if not (out / h).exists()]
    log(f"[site] {len(results)} page(s) and index.html in {out} in {time.perf_counter() - start:.1f} s")
    for r in results:
        if r.broken_links:
            log(f"[site] {r.page}: links to missing files: {', '.join(sorted(set(r.broken_links)))}")
    return results


def _line(r: PageResult) -> str:
    status = f"FAILED: {r.error}" if r.error else "ok"
    return f"[site] {r.notebook}: {r.seconds:5.1f} s, {r.images} image(s), {status}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", type=Path, help="notebooks to build (default: all)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: build/site)")
    parser.add_argument("--jobs", type=int, default=DEFAULT_JOBS, help="notebooks run at once (default: 2)")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds per cell (default: 300)")
    args = parser.parse_args(argv)
    try:
        import nbclient  # noqa: F401
        import nbconvert  # noqa: F401
    except ImportError as err:
        print(f"[site] {err}: run this with the course's environment, .venv/bin/python", file=sys.stderr)
        return 2
    with execute.watch_stderr() as stderr:
        try:
            results = build_site(args.notebooks or None, args.out, args.jobs, args.timeout)
        except (TypeError, ValueError) as err:
            print(f"[site] {err}", file=sys.stderr)
            return 2
    failed = [r for r in results if r.error]
    if failed:
        print(f"[site] {len(failed)} notebook(s) failed: {', '.join(r.notebook for r in failed)}", file=sys.stderr)
    if stderr.tracebacks:
        print(f"[site] FAILED: the build printed {stderr.tracebacks} traceback(s) (above)", file=sys.stderr)
    print(f"[site] open {Path(args.out) / 'index.html'}")
    return 1 if failed or stderr.tracebacks else 0


if __name__ == "__main__":
    sys.exit(main())
