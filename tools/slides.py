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

`build` executes each notebook (nbclient, from ``notebooks/``) and turns every explorer into a
still picture: its figure as a PNG and its readout, with a line pointing to the live version
(``python3 tools/course.py app``). Live sliders cannot work in a static page: their updates run in
Python, and ipympl keeps no picture of the figure in the saved widget state, so embedded widgets
would show sliders that move nothing and an empty figure. The slides load reveal.js and MathJax
from a CDN (as nbconvert does) unless ``--reveal-prefix`` and ``--require-js`` point at local
copies (reveal.js 4, require.js 2; MathJax stays on the CDN: offline, formulas show as TeX).
Keys in the browser: Space / arrows to move, F for full screen, Esc for the overview, S for the
speaker view (needs a local reveal.js).
"""

from __future__ import annotations

import argparse
import base64
import html
import os
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from notebooks import course_notebooks, is_explorer_cell, source as _source  # noqa: E402  (one rule for both)

ROOT = Path(__file__).resolve().parents[1]
NB_DIR = ROOT / "notebooks"
OUT_DIR = ROOT / "build" / "slides"
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

# Run right after an explorer cell, in the same kernel: `_` is the explorer the cell returned.
# The figure is saved at its own dpi: the explorer's cached frame is an image made at that dpi.
SNAPSHOT_CODE = """\
import base64 as _b64, html as _html, io as _io
_snap_buf = _io.BytesIO()
_.fig.savefig(_snap_buf, format="png", dpi=_.fig.dpi)
print("SNAPSHOT:" + _b64.b64encode(_snap_buf.getvalue()).decode() + ":" + _b64.b64encode(
    ("<b>" + _html.escape(_.title) + "</b>" if _.title else "").encode()).decode() + ":" + _b64.b64encode(
    _.readout.value.encode()).decode())
del _snap_buf
"""


def snapshot_output(stream_text: str, name: str):
    """The display_data output that stands for an explorer on a slide, from SNAPSHOT_CODE's print."""
    import nbformat

    m = re.search(r"SNAPSHOT:([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]*):([A-Za-z0-9+/=]*)", stream_text)
    if not m:
        raise RuntimeError(f"{name}: an explorer cell gave no snapshot")
    png = m.group(1)
    title, readout = (base64.b64decode(m.group(k)).decode() for k in (2, 3))
    body = (f"<div class='lstm-snapshot'>{title}<br><img src='data:image/png;base64,{png}' "
            f"alt='the explorer as it starts' style='max-width:100%'>{readout}"
            f"<p style='font-size:70%'><em>{APP_HINT.format(name=html.escape(name))}</em></p></div>")
    return nbformat.v4.new_output("display_data", data={"text/html": body})


def execute_with_snapshots(nb, cwd: Path, timeout: int = 600):
    """Execute ``nb`` and put a still picture in place of every explorer's widget output."""
    import nbformat
    from nbclient import NotebookClient

    name = nb.metadata.get("lstm_name", "")
    marks = []
    cells = []
    for cell in nb.cells:
        cells.append(cell)
        if is_explorer_cell(cell):
            marks.append(len(cells))
            cells.append(nbformat.v4.new_code_cell(SNAPSHOT_CODE))
    nb.cells = cells
    NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=False,
                   resources={"metadata": {"path": str(cwd)}}).execute()
    for k in reversed(marks):
        text = "".join(o.get("text", "") for o in nb.cells[k].outputs if o.output_type == "stream")
        nb.cells[k - 1].outputs = [snapshot_output(text, name)]
        del nb.cells[k]
    nb.metadata.pop("widgets", None)
    return nb


def build_one(path: Path, out_dir: Path, reveal_prefix: str = "", require_js: str = "",
              execute: bool = True) -> Path:
    import nbformat
    from nbconvert import SlidesExporter

    nb = nbformat.read(path, as_version=4)
    apply_rule(nb)
    nb.metadata["lstm_name"] = path.stem
    if execute:
        execute_with_snapshots(nb, cwd=path.parent)
    nb.metadata.pop("lstm_name", None)
    exporter = SlidesExporter(reveal_scroll=True, reveal_number="c/t", reveal_transition="none")
    if reveal_prefix:
        exporter.reveal_url_prefix = reveal_prefix
    if require_js:
        exporter.require_js_url = require_js
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": path.stem}})
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / f"{path.stem}.slides.html"
    out.write_text(body, encoding="utf-8")
    return out


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
                         help="URL or relative path of a reveal.js 4 copy (default: nbconvert's CDN)")
    p_build.add_argument("--require-js", default="",
                         help="URL or relative path of require.js 2 (default: nbconvert's CDN)")
    p_build.add_argument("--no-execute", action="store_true", help="slides from the stored outputs only")
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
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    for path in paths:
        out = build_one(path, args.out, args.reveal_prefix, args.require_js, execute=not args.no_execute)
        print(f"wrote {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
