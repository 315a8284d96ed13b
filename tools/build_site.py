#!/usr/bin/env python3
"""Build a static HTML copy of the course: every notebook executed, with its outputs and figures.

    python tools/build_site.py                           # the whole course into build/site/
    python tools/build_site.py --out /tmp/s notebooks/03-*.ipynb    # a few notebooks (quick check)
    python tools/build_site.py --jobs 1 --timeout 300    # one notebook at a time, 300 s per cell

Run it with the course's environment (`.venv/bin/python`): it needs nbclient, nbconvert and a
kernel that can import lstm_core. It writes `NN-name.html` for each notebook and `index.html`
(the course title, and each notebook's title and one-line description, linked).

How a page is made, for each notebook:
1. A copy of the notebook runs in a fresh kernel (nbclient; working folder notebooks/; a time
   limit per cell), with the widgets' state stored. Before the first cell, a hidden set-up
   (``KERNEL_SETUP``, never shown) selects matplotlib's inline backend, so every figure becomes
   a PNG; the notebook's own ``%matplotlib widget`` line is turned into a comment for this run only
   (the page shows the original source). An ipympl canvas would show nothing without a kernel.
2. Each explorer (``lstm_course.explorers.Explorer``) shown in a cell gets, after that cell, a static
   picture of its figure as an output of its own, with alt text (its title, the axes' titles and
   its readout) and a caption with the readout. Plain figures get alt text from their titles.
   The picture inside the explorer's own Output widget is dropped from the stored widget state,
   so that a browser that renders the widgets (from the stored state; it needs the widget
   manager from a CDN) shows the sliders and the readout once, above the static picture.
3. nbconvert's HTMLExporter (the "lab" template, extended in ``site_assets/templates/site``)
   writes the page: a banner saying it is a static copy, ``lang="en"``, alt text on images,
   code visible (inputs of cells tagged ``hide-input`` hidden), and links to ``NN-name.ipynb``
   rewritten to ``NN-name.html``.

Notebooks run in parallel (``--jobs``, default 2: the machines have two cores). The exit status
is 1 when any notebook failed; its page is still written, with the error, so it can be read.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import functools
import html
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from notebooks import course_notebooks, title_of  # noqa: E402  (one rule for what a course notebook is)

ROOT = Path(__file__).resolve().parents[1]
NB_DIR = ROOT / "notebooks"
ASSETS = ROOT / "site_assets"
DEFAULT_OUT = ROOT / "build" / "site"
MATPLOTLIB_MAGIC = re.compile(r"^([ \t]*)(%matplotlib\b.*)$", re.M)
NOTEBOOK_LINK = re.compile(r'(href=")(?:\.\./notebooks/)?(\d\d-[a-z0-9]+(?:-[a-z0-9]+)*)\.ipynb(#[^"]*)?(")')
DOCS_LINK = re.compile(r'(href=")(?:\.\./docs/)?([a-z0-9]+(?:-[a-z0-9]+)*)\.md(#[^"]*)?(")')
DOCS = ("teachers-guide", "glossary")        # docs/NAME.md -> NAME.html beside the notebooks' pages
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
BANNER = ("Static copy: the sliders need a running kernel. Run this notebook in JupyterLab "
          "(<code>python3 tools/course.py lab</code>) to move them.")
DEFAULT_TIMEOUT = 300     # seconds per cell
DEFAULT_JOBS = 2

# Runs silently in each kernel before the notebook's first cell (it takes no execution count
# and leaves no output). It must not fail when lstm_course.explorers cannot be imported.
KERNEL_SETUP = r'''
def _site_setup():
    import base64
    import html
    import io
    import re

    import matplotlib.pyplot as plt
    from IPython import get_ipython
    from IPython.display import display
    from matplotlib.figure import Figure

    ip = get_ipython()
    ip.run_line_magic("matplotlib", "inline")

    def plain(text):
        """Mathtext read aloud-ish: '$c_{t-1}$' -> 'c_t-1', '$\\tilde C$' -> 'tilde C'."""
        def math(m):
            inner = re.sub(r"\\([A-Za-z]+)\s*", r"\1 ", m.group(1))
            return inner.replace("{", "").replace("}", "").replace("\\", "").strip()
        return re.sub(r"\$([^$]*)\$", math, text).strip()

    def describe(fig):
        """The figure's titles, in reading order: the words a picture's alt text starts from."""
        parts = []
        sup = getattr(fig, "_suptitle", None)
        if sup is not None and sup.get_text().strip():
            parts.append(plain(sup.get_text()))
        for ax in fig.axes:
            titles = [plain(ax.get_title(loc)) for loc in ("left", "center", "right")]
            titles = [t for t in titles if t]
            if titles:
                parts.append(" / ".join(titles))
        return "; ".join(parts)

    def png(fig):
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=100, bbox_inches="tight", facecolor="white")
        return buf.getvalue()

    def figure_png(fig):
        # IPython accepts (data, metadata); the site's template puts metadata "alt" on <img>
        return png(fig), {"alt": "Figure: " + (describe(fig) or "a matplotlib figure without a title")}

    def use_figure_formatter(*_):
        ip.display_formatter.formatters["image/png"].for_type(Figure, figure_png)

    use_figure_formatter()
    ip.events.register("pre_run_cell", use_figure_formatter)   # in case a cell runs %matplotlib

    try:
        from lstm_course.explorers import Explorer
    except Exception:
        return
    shown = []
    widget_property = Explorer.widget

    def widget(self):
        box = widget_property.fget(self)
        if not any(e is self for e in shown):
            shown.append(self)
        if self.fig is not None:
            plt.close(self.fig)     # the explorer draws it; the inline backend must not show it too
        return box

    Explorer.widget = property(widget, doc=widget_property.__doc__)

    def static_picture(ex):
        frame = getattr(ex, "_frame", None)
        if frame is not None:       # a cached frame is drawn at one size; draw everything instead
            frame.release()
            ex._frame = None
        data = base64.b64encode(png(ex.fig)).decode("ascii")
        readout = ex.readout_text.strip()
        title = (ex.title or "").strip()
        alt = ". ".join(p for p in (title, describe(ex.fig), readout.replace("\n", "; ")) if p)
        caption = "<br>".join(html.escape(line) for line in readout.splitlines())
        label = html.escape(title or type(ex).__name__)
        body = (f'<figure class="site-figure">'
                f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt or label)}">'
                f'<figcaption><span class="site-figure-label">{label}</span> at its starting '
                f'values (static picture).' + (f'<br>{caption}' if caption else '') +
                '</figcaption></figure>')
        display({"text/html": body, "text/plain": f"[static picture of {label}]"}, raw=True)

    def after_cell(result):
        pending = list(shown)
        shown.clear()
        for ex in pending:
            if ex.fig is not None:
                static_picture(ex)

    ip.events.register("post_run_cell", after_cell)


_site_setup()
del _site_setup
'''


@dataclass
class PageResult:
    """What building one notebook's page gave."""

    notebook: str                 # the notebook's file name
    page: str                     # the page's file name
    title: str
    description: str
    seconds: float
    error: str = ""               # empty when every cell ran
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

def _client_class():
    from nbclient import NotebookClient

    class SiteClient(NotebookClient):
        """A NotebookClient that runs ``KERNEL_SETUP`` silently once the kernel has started."""

        async def async_start_new_kernel_client(self):
            kc = await super().async_start_new_kernel_client()
            msg_id = kc.execute(KERNEL_SETUP, silent=True, store_history=False)
            reply = await self.async_wait_for_reply(msg_id)
            content = (reply or {}).get("content", {})
            if content.get("status") != "ok":
                raise RuntimeError("the site's kernel set-up failed: "
                                   f"{content.get('ename')}: {content.get('evalue')}")
            return kc

    return SiteClient


def _drop_figures_from_widget_state(nb) -> None:
    """Remove matplotlib pictures stored inside Output widgets (the page shows them statically)."""
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    for model in state.values():
        outputs = model.get("state", {}).get("outputs")
        if model.get("model_name") == "OutputModel" and outputs:
            model["state"]["outputs"] = [
                o for o in outputs
                if not ("image/png" in o.get("data", {})
                        and str(o["data"].get("text/plain", "")).startswith("<Figure"))]


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
    return {"metadata": {"name": name}, "site_css": css, "site_banner": BANNER}


def _finish_html(body: str) -> str:
    """Links to NN-name.ipynb become NN-name.html (navigation, contents, prose), and links to
    docs/NAME.md (the glossary, the teacher's guide) become NAME.html."""
    body = NOTEBOOK_LINK.sub(lambda m: f"{m.group(1)}{m.group(2)}.html{m.group(3) or ''}{m.group(4)}", body)
    return DOCS_LINK.sub(lambda m: (f"{m.group(1)}{m.group(2)}.html{m.group(3) or ''}{m.group(4)}"
                                    if m.group(2) in DOCS else m.group(0)), body)


def build_docs(out) -> list:
    """Write the glossary and the teacher's guide (docs/*.md) as pages of the site."""
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
        page.write_text(_finish_html(body), encoding="utf-8")
        pages.append(page)
    return pages


def build_page(path, out, timeout: int = DEFAULT_TIMEOUT) -> PageResult:
    """Execute one notebook (a copy; the file is not changed) and write ``out/NN-name.html``."""
    from nbclient.exceptions import CellExecutionError

    path, out = Path(path), Path(out)
    start = time.perf_counter()
    nb = _read(path)
    title = title_of(nb)
    original = {}
    for k, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and MATPLOTLIB_MAGIC.search(cell.source):
            original[k] = cell.source
            cell.source = MATPLOTLIB_MAGIC.sub(r"\1# \2   (site build: inline backend)", cell.source)
    error = ""
    client = _client_class()(nb, timeout=int(-(-timeout // 1)), kernel_name="python3", store_widget_state=True,
                             resources={"metadata": {"path": str(path.parent)}})
    try:
        client.execute()
    except CellExecutionError as err:
        error = str(err).strip().splitlines()[-1] if str(err).strip() else type(err).__name__
    except Exception as err:  # a kernel that dies or times out: report it, keep building the rest
        error = f"{type(err).__name__}: {err}"
    for k, source in original.items():
        nb.cells[k].source = source
    _drop_figures_from_widget_state(nb)
    nb.metadata["title"] = f"{title} · {_course_title()}"
    body, _ = _exporter().from_notebook_node(nb, resources=_resources(path.stem))
    body = _finish_html(body)
    page = out / f"{path.stem}.html"
    page.write_text(body, encoding="utf-8")
    return PageResult(notebook=path.name, page=page.name, title=title, description=description_of(nb),
                      seconds=time.perf_counter() - start, error=error, images=body.count("<img"))


def _build_page_job(args):
    return build_page(*args)


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
    if jobs == 1 or len(paths) == 1:
        for p in paths:
            results.append(build_page(p, out, timeout))
            log(_line(results[-1]))
    else:
        with concurrent.futures.ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = {pool.submit(_build_page_job, (p, out, timeout)): p for p in paths}
            for fut in concurrent.futures.as_completed(futures):
                try:
                    results.append(fut.result())
                except Exception as err:   # the build of one page broke (not the notebook's code)
                    p = futures[fut]
                    results.append(PageResult(p.name, f"{p.stem}.html", p.stem, "", 0.0,
                                              error=f"{type(err).__name__}: {err}"))
                log(_line(results[-1]))
    results.sort(key=lambda r: r.notebook)
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
    try:
        results = build_site(args.notebooks or None, args.out, args.jobs, args.timeout)
    except (TypeError, ValueError) as err:
        print(f"[site] {err}", file=sys.stderr)
        return 2
    failed = [r for r in results if r.error]
    if failed:
        print(f"[site] {len(failed)} notebook(s) failed: {', '.join(r.notebook for r in failed)}", file=sys.stderr)
    print(f"[site] open {Path(args.out) / 'index.html'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
