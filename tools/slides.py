#!/usr/bin/env python3
"""Lecture mode: the notebooks as reveal.js slides.

    python tools/slides.py apply [--check] [NB..]   # set (or check) every cell's slide type
    python tools/slides.py build [NB..]             # write build/slides/NN-name.slides.html

The rule `apply` writes into each cell's ``metadata.slideshow.slide_type`` (and that `build`
uses, whether or not `apply` has been run):

- the title cell (the first markdown cell starting with "# ") and every markdown cell starting
  with "## " begin a new slide ("slide");
- the navigation cell (tag "nav"), the first code cell (``%matplotlib widget`` and imports: noise
  on a slide) and the code cells of the "## Check yourself" section (they hold placeholder
  answers for the learner to edit, so run here they only print "not yet") are left out ("skip");
- every other cell continues the slide it follows ("-").

It is a pure function of the cells' text, so `apply` is idempotent.

`build` runs each notebook with tools/execute.py (from ``notebooks/``, a few at once), which turns
every explorer into a still picture: its figure as a PNG and its readout, shown here with a line
pointing to the live version (``python3 tools/course.py app``), and every figure into a PNG with
alt text. Live sliders cannot work in a static page: their updates run in Python, so embedded
widgets would show sliders that move nothing; they are left out.
A notebook with a problem (a failing cell, an object's repr where a picture belongs) gets no
slides and the exit status is 1, as it is when the build prints a traceback of its own.
The slides need no network: reveal.js and MathJax 3 are copied from installed packages into
``_assets/`` beside them (tools/assets.py), and the page (``site_assets/templates/slides``) loads
nothing else. ``--reveal-prefix`` points at another reveal.js 5 copy (a URL, say) instead.
Keys in the browser: Space / arrows to move, F for full screen, Esc for the overview, S for the
speaker view.
"""

from __future__ import annotations

import argparse
import html
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import assets  # noqa: E402  (reveal.js and MathJax from installed packages, for offline slides)
import execute  # noqa: E402  (the one way the site, the slides and the tests run a notebook)
from notebooks import course_notebooks, source as _source  # noqa: E402  (one rule for both)

ROOT = Path(__file__).resolve().parents[1]
NB_DIR = ROOT / "notebooks"
OUT_DIR = ROOT / "build" / "slides"
TEMPLATES = ROOT / "site_assets" / "templates"     # slides/: the offline reveal.js page
SLIDE, SKIP, CONTINUE = "slide", "skip", "-"
SLIDE_TYPES = {SLIDE, "subslide", "fragment", SKIP, "notes", CONTINUE}
APP_HINT = "Live version: <code>python3 tools/course.py app</code>, page {name}"


def notebook_paths(folder: Path = NB_DIR) -> list[Path]:
    """The course's notebooks in ``folder``, in order."""
    return course_notebooks(folder)


def _tags(cell) -> list:
    return cell.get("metadata", {}).get("tags", [])


def slide_types(cells) -> list[str]:
    """The slide type the rule gives each cell (``cells``: a notebook's list of cells)."""
    types, section, seen_title, seen_code = [], "", False, False
    for cell in cells:
        text = _source(cell).lstrip("\n")
        kind = cell.get("cell_type")
        if kind == "markdown":
            for line in text.splitlines():          # the section a later code cell belongs to
                if line.startswith("## "):
                    section = line[3:].strip().lower()
        if "nav" in _tags(cell):
            types.append(SKIP)
        elif kind == "markdown" and text.startswith("## "):
            types.append(SLIDE)
        elif kind == "markdown" and text.startswith("# ") and not seen_title:
            seen_title = True
            types.append(SLIDE)
        elif kind == "code" and not seen_code:
            seen_code = True
            types.append(SKIP)
        elif kind == "code" and section.startswith("check yourself"):
            types.append(SKIP)
        else:
            types.append(CONTINUE)
        seen_code = seen_code or kind == "code"
    return types


def slide_type_of(cell):
    return cell.get("metadata", {}).get("slideshow", {}).get("slide_type")


def apply_rule(nb) -> int:
    """Set every cell's slide type by the rule; returns how many cells changed."""
    changed = 0
    for cell, want in zip(nb.cells, slide_types(nb.cells)):
        if slide_type_of(cell) != want:
            cell.setdefault("metadata", {}).setdefault("slideshow", {})["slide_type"] = want
            changed += 1
    return changed


def problems(path: Path) -> list[str]:
    """What in the notebook at ``path`` differs from the rule (empty when it follows it)."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    out = []
    for k, (cell, want) in enumerate(zip(nb.cells, slide_types(nb.cells))):
        have = slide_type_of(cell)
        if have is None:
            out.append(f"{path.name}: cell {k} has no metadata.slideshow.slide_type (want {want!r})")
        elif have != want:
            out.append(f"{path.name}: cell {k} is {have!r}, the rule says {want!r}")
    return out


# --- build ------------------------------------------------------------------------------------

def _slide_output(output, name: str):
    """An output as a slide shows it: an explorer's picture (tools/execute.py) with its title, its
    readout and where to find the live version; a figure as an image with its alt text; a widget
    (it would show nothing without a kernel) as None."""
    import nbformat

    data = output.get("data", {})
    if "application/vnd.jupyter.widget-view+json" in data:
        return None
    shot = execute.snapshot(output)
    if shot is not None:
        readout = "<br>".join(html.escape(line) for line in shot.caption.splitlines())
        body = (f"<div class='lstm-snapshot'><b>{html.escape(shot.title)}</b><br>"
                f"<img src='data:image/png;base64,{shot.png}' alt='{html.escape(shot.alt)}' style='max-width:100%'>"
                f"<div style='font-family:monospace; font-size:13px'>{readout}</div>"
                f"<p style='font-size:70%'><em>{APP_HINT.format(name=html.escape(name))}</em></p></div>")
        return nbformat.v4.new_output("display_data", data={"text/html": body})
    alt = output.get("metadata", {}).get("image/png", {}).get("alt")
    if "image/png" in data and alt:
        body = f"<img src='data:image/png;base64,{data['image/png']}' alt='{html.escape(alt)}' style='max-width:100%'>"
        return nbformat.v4.new_output("display_data", data={"text/html": body})
    return output


def write_slides(nb, name: str, out_dir: Path, reveal_prefix: str = "") -> Path:
    """Write ``out_dir/NAME.slides.html`` from a notebook (``nb`` as tools/execute.py ran it, or with
    the outputs it has; it is not changed), with reveal.js and MathJax in ``out_dir/_assets/``
    (reveal.js from ``reveal_prefix`` instead when given)."""
    import copy

    from nbconvert import SlidesExporter

    nb = copy.deepcopy(nb)
    apply_rule(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [o for o in (_slide_output(o, name) for o in cell.outputs) if o is not None]
    nb.metadata.pop("widgets", None)
    out_dir.mkdir(parents=True, exist_ok=True)
    exporter = SlidesExporter(template_name="slides", extra_template_basedirs=[str(TEMPLATES)],
                              reveal_scroll=True, reveal_number="c/t", reveal_transition="none",
                              reveal_theme="white")   # the theme that asks Google Fonts for nothing
    exporter.reveal_url_prefix = reveal_prefix or assets.copy_reveal(out_dir)
    resources = {"metadata": {"name": name}, "offline_mathjax": assets.mathjax_html(assets.copy_mathjax(out_dir))}
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    out = out_dir / f"{name}.slides.html"
    out.write_text(body, encoding="utf-8")
    return out


def build_one(path: Path, out_dir: Path, reveal_prefix: str = "", execute_it: bool = True) -> Path:
    """Run the notebook at ``path`` (tools/execute.py; unless execute_it is False) and write its
    slides; a failing cell or an object shown where a picture belongs raises RuntimeError."""
    if execute_it:
        ran = execute.execute(path)
        if ran.problems:
            raise RuntimeError(f"{path.name}: " + "\n".join(ran.problems))
        nb = ran.nb
    else:
        import nbformat

        nb = nbformat.read(path, as_version=4)
    return write_slides(nb, path.stem, out_dir, reveal_prefix)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p_apply = sub.add_parser("apply", help="set every cell's slide type by the rule")
    p_apply.add_argument("--check", action="store_true", help="change nothing; list cells that break the rule")
    p_apply.add_argument("notebooks", nargs="*", type=Path)
    p_build = sub.add_parser("build", help="write build/slides/NN-name.slides.html")
    p_build.add_argument("notebooks", nargs="*", type=Path)
    p_build.add_argument("--out", type=Path, default=OUT_DIR, help=f"output folder (default {OUT_DIR})")
    p_build.add_argument("--reveal-prefix", default="",
                         help="URL or relative path of another reveal.js 5 copy (default: the installed one, "
                              "copied into OUT/_assets)")
    p_build.add_argument("--no-execute", action="store_true", help="slides from the stored outputs only")
    p_build.add_argument("--jobs", type=int, default=execute.DEFAULT_JOBS, help="notebooks run at once (default 2)")
    args = parser.parse_args(argv)
    paths = [p.resolve() for p in args.notebooks] or notebook_paths()
    if args.command == "apply":
        import nbformat

        found = []
        for path in paths:
            if args.check:
                found += problems(path)
                continue
            nb = nbformat.read(path, as_version=4)
            n = apply_rule(nb)
            if n:
                nbformat.write(nb, path)
            print(f"{path.name}: {n} cell(s) changed")
        for line in found:
            print(line)
        return 1 if found else 0
    if args.no_execute:
        for path in paths:
            _wrote(build_one(path, args.out, args.reveal_prefix, execute_it=False))
        return 0
    failed = []

    def write(ran):                    # as each notebook finishes, while the others still run
        if ran.problems:
            failed.append(ran.path.name)
            print(f"{ran.path.name}: FAILED:\n  " + "\n  ".join(ran.problems), flush=True)
        else:
            _wrote(write_slides(ran.nb, ran.path.stem, args.out, args.reveal_prefix))

    with execute.watch_stderr() as stderr:
        execute.execute_all(paths, args.jobs, done=write)
    if failed:
        print(f"{len(failed)} notebook(s) failed, no slides written for them: {', '.join(failed)}")
    if stderr.tracebacks:
        print(f"FAILED: the build printed {stderr.tracebacks} traceback(s) (above)")
    return 1 if failed or stderr.tracebacks else 0


def _wrote(out: Path) -> None:
    print(f"wrote {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}", flush=True)

if __name__ == "__main__":
    sys.exit(main())
