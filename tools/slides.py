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
- a cell that would take the slide it continues past what fits (an estimate from its text, with
  room for a picture where the cell ends by showing an explorer or a figure) starts a subslide
  ("subslide"), reached with the down arrow;
- every other cell continues the slide it follows ("-").

It is a pure function of the cells' text, so `apply` is idempotent.

What fits: reveal.js lays slides out at 960 x 700 px and scales the deck to the screen (1.02 at a
1024 x 768 projector), so a slide taller than 700 px loses its bottom. `build` lays the executed
notebook out again (``layout``), knowing its outputs: it cuts cells where a slide may end (a
markdown cell between paragraphs, lists' items, quotes and formulas; code longer than a slide at
blank lines; the outputs of a tall cell into subslides of their own, without the code again;
printed text longer than a slide in slide-long parts; an explorer's readout after its picture)
and starts a subslide wherever the next piece would fill the slide past BUDGET (600 px, below
700 as the estimates are rough). tests/browser/test_slides_fit.py measures every slide of every
deck in Chromium at 1024 x 768.

Links: a link to a notebook (``NN-name.ipynb``) goes to its deck (``NN-name.slides.html``), and
the glossary and the teacher's guide (``../docs/NAME.md``) to pages built beside the decks by the
site's own code (tools/build_site.py: ``NAME.html``, with the glossary's anchors).

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
import base64
import html
import math
import re
import struct
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import assets  # noqa: E402  (reveal.js and MathJax from installed packages, for offline slides)
import build_site  # noqa: E402  (the glossary's page, and the links rewritten as the site does)
import execute  # noqa: E402  (the one way the site, the slides and the tests run a notebook)
from notebooks import course_notebooks, is_explorer_cell, source as _source  # noqa: E402  (one rule for both)

ROOT = Path(__file__).resolve().parents[1]
NB_DIR = ROOT / "notebooks"
OUT_DIR = ROOT / "build" / "slides"
TEMPLATES = ROOT / "site_assets" / "templates"     # slides/: the offline reveal.js page
SLIDE, SUBSLIDE, SKIP, CONTINUE = "slide", "subslide", "skip", "-"
SLIDE_TYPES = {SLIDE, SUBSLIDE, "fragment", SKIP, "notes", CONTINUE}
DECK = ".slides.html"      # a notebook's deck is NN-name.slides.html: links to NN-name.ipynb go there
APP_HINT = "Live version: <code>python3 tools/course.py app</code>, page {name}"


def notebook_paths(folder: Path = NB_DIR) -> list[Path]:
    """The course's notebooks in ``folder``, in order."""
    return course_notebooks(folder)


def _tags(cell) -> list:
    return cell.get("metadata", {}).get("tags", [])


def slide_types(cells) -> list[str]:
    """The slide type the rule gives each cell (``cells``: a notebook's list of cells): the
    sections' slides and the cells left out (section_types), and a subslide wherever a cell would
    overfill the slide it follows, judged by its text alone (what code prints is not known before
    it runs: tools/slides.py build lays the executed cells out again, see layout)."""
    return fill(section_types(cells), [cell_height(c, outputs=False) for c in cells])


def section_types(cells) -> list[str]:
    """SLIDE for the title and each "## " cell, SKIP for the cells left out, CONTINUE for the rest."""
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


def fill(types, heights) -> list[str]:
    """``types`` with CONTINUE turned into SUBSLIDE where a piece of ``heights[k]`` px would take
    the slide it continues past BUDGET (a piece taller than that gets a subslide of its own)."""
    out, used = [], 0.0
    for kind, h in zip(types, heights):
        if kind == SKIP:
            out.append(kind)
            continue
        if kind == CONTINUE and used > 0 and used + h > BUDGET:
            kind = SUBSLIDE
        used = h if kind in (SLIDE, SUBSLIDE) else used + h
        out.append(kind)
    return out


# --- how tall a cell is on a slide -------------------------------------------------------------
# reveal.js lays every slide out at 960 x 700 px (the template's width and height) and scales the
# whole deck to the screen (by 1.02 at 1024 x 768): a slide taller than ROOM loses its bottom, and
# it is the cells that make it tall. The estimates below are rough, from the decks as Chromium
# shows them (tests/browser/test_slides_fit.py measures every slide of every deck), so a slide is
# filled to BUDGET only.
ROOM = 700
BUDGET = 600
TEXT_WIDTH = 900                  # px a cell's content has (the prompts are left out)
PROSE = (27, 80)                  # px per line and characters per line: a paragraph
ITEM = (33, 74)                   # a list item (the theme spaces them wider)
CODE = (24, 76)                   # code
PRINTED = (24, 70)                # printed text (its box is 90% wide)
PICTURE = 430                     # px: a figure or an explorer's picture, before it is made
READOUT = (17, 112)               # an explorer's readout (13 px monospace)
QUOTE = 0.92                      # a "Careful!" box's share of the width (the template's CSS)
LINK = re.compile(r"\]\([^)]*\)")
TAG = re.compile(r"<[^>]+>")


def _lines(text: str, chars: int) -> int:
    """Lines ``text`` takes when wrapped at ``chars`` characters (each of its lines at least one)."""
    return sum(max(1, math.ceil(len(line) / chars)) for line in text.splitlines()) if text else 0


def markdown_blocks(text: str) -> list[str]:
    """``text`` cut where a slide may end: before a heading, a paragraph, a list item, a quote or
    a displayed formula; never inside a fenced block or $$...$$. ''.join(blocks) == text."""
    blocks, current, fence, math_open, blank = [], [], False, False, False
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        starts = (not fence and not math_open and current and not line[:1].isspace()
                  and stripped and (blank or re.match(r"(#{1,6} |\d+\. |[-*+] |\$\$)", line)))
        if starts:
            blocks.append("".join(current))
            current = []
        current.append(line)
        if stripped.startswith("```"):
            fence = not fence
        elif not fence and stripped.count("$$") % 2:
            math_open = not math_open
        blank = not stripped
    if current:
        blocks.append("".join(current))
    return blocks


def block_height(block: str, width: float = 1.0) -> float:
    """px a markdown block takes on a slide (see markdown_blocks), in ``width`` of a cell's width."""
    text = TAG.sub("", LINK.sub("]", block)).strip("\n")
    first = text.lstrip().split("\n", 1)[0]
    if not text.strip():
        return 0
    if first.startswith("#"):
        level = len(first) - len(first.lstrip("#"))
        rest = text.split("\n", 1)[1] if "\n" in text else ""
        return {1: 110, 2: 80}.get(level, 60) + (block_height(rest) if rest.strip() else 0)
    if first.startswith("$$"):
        rows = text.count("\\\\") + 1
        return 40 + (40 * rows if "begin" in text else 50 * rows)
    if first.startswith("|"):
        rows = [line for line in text.splitlines() if line.startswith("|") and not re.match(r"\|[\s:|-]+\|\s*$", line)]
        return 30 + 40 * sum(max(1, math.ceil(len(r) / 90)) for r in rows)
    if first.startswith("```"):
        return 30 + CODE[0] * _lines(text, CODE[1])
    if first.startswith(">"):
        inner = "".join(re.sub(r"^> ?", "", line) for line in text.splitlines(keepends=True))
        return 30 + sum(block_height(b, width * QUOTE) for b in markdown_blocks(inner))
    if re.match(r"\s*(\d+\.|[-*+]) ", first):
        items = re.split(r"\n(?=\s*(?:\d+\.|[-*+]) )", text)
        return 20 + sum(ITEM[0] * _lines(" ".join(i.split()), int(ITEM[1] * width)) for i in items)
    return 20 + PROSE[0] * _lines(" ".join(text.split()), int(PROSE[1] * width))


def code_height(code: str) -> float:
    return 30 + CODE[0] * _lines(code.rstrip("\n"), CODE[1]) if code.strip() else 0


def _png_size(b64: str) -> tuple[int, int]:
    """(width, height) of a base64 PNG, from its header."""
    head = base64.b64decode(b64[:44])
    return struct.unpack(">II", head[16:24])


def output_height(output) -> float:
    """px one output takes on a slide (``output`` as a cell holds it, or as _slide_output made it)."""
    data = output.get("data", {})
    if output.get("output_type") == "stream":
        return 10 + PRINTED[0] * _lines(output.get("text", "").rstrip("\n"), PRINTED[1])
    shot = execute.snapshot(output)
    png = shot.png if shot else data.get("image/png")
    if png:
        w, h = _png_size(png)
        tall = 10 + h * min(1.0, TEXT_WIDTH / w)
        return tall + (60 + READOUT[0] * _lines(shot.caption, READOUT[1]) if shot else 0)
    if "text/html" in data and "lstm-readout" in str(data["text/html"]):
        lines = html.unescape(TAG.sub("", data["text/html"].replace("<br>", "\n")))
        return 10 + READOUT[0] * _lines(lines, READOUT[1])
    if "text/html" in data:
        text = data["text/html"]
        text = text if isinstance(text, str) else "".join(text)
        rows = len(re.findall(r"<tr\b|<br\b|<li\b|<p\b|<div\b", text))
        return 20 + max(rows * 25, PROSE[0] * _lines(" ".join(TAG.sub(" ", text).split()), PROSE[1]))
    if "text/plain" in data and "application/vnd.jupyter.widget-view+json" not in data:
        text = data["text/plain"]
        return 10 + PRINTED[0] * _lines(text if isinstance(text, str) else "".join(text), PRINTED[1])
    return 0


def _shows_picture(cell) -> bool:
    """Does the code cell end by showing an explorer or a figure (``fig``, ``fig.canvas``, ``x.fig``)?"""
    last = _source(cell).rstrip().rsplit("\n", 1)[-1]
    return is_explorer_cell(cell) or bool(re.fullmatch(r"[\w.]*\bfig(ure)?(\.canvas)?", last.strip()))


def cell_height(cell, outputs: bool = True) -> float:
    """px the cell takes on a slide: its text, and its outputs (``outputs``) or, when False, a
    picture if it ends by showing one (before a run, nothing else is known)."""
    text = _source(cell)
    if cell.get("cell_type") == "markdown":
        return sum(block_height(b) for b in markdown_blocks(text))
    if cell.get("cell_type") != "code":
        return PROSE[0] * _lines(text, PROSE[1])
    if outputs:
        return code_height(text) + sum(output_height(o) for o in cell.get("outputs", []))
    return code_height(text) + (PICTURE if _shows_picture(cell) else 0)


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

OUTPUT_ONLY = "slides-output-only"        # a tag layout gives a piece that shows a cell's outputs only


def _pieces(cell) -> list:
    """The cell cut where a slide may end, as [(a cell, its height)]: a markdown cell at its
    blocks (a heading stays with what follows it); a code cell taller than BUDGET into its
    code and each output (tagged OUTPUT_ONLY), printed text longer than a slide in slide-long parts."""
    import copy

    import nbformat

    if cell.cell_type == "markdown":
        blocks = []
        for block in markdown_blocks(cell.source):
            if blocks and re.fullmatch(r"#{1,6} [^\n]*\n*", blocks[-1]):
                blocks[-1] += block                         # a heading goes with what follows it
            else:
                blocks.append(block)
        out = []
        for block in blocks:
            piece = copy.deepcopy(cell)
            piece.source = block
            out.append((piece, sum(block_height(b) for b in markdown_blocks(block))))
        return out
    if cell.cell_type != "code" or cell_height(cell) <= BUDGET:
        return [(cell, cell_height(cell))]
    out = []
    for part in code_parts(cell.source):
        code = copy.deepcopy(cell)
        code.source, code.outputs = part, []
        out.append((code, code_height(part)))
    room = int((BUDGET - 10) // PRINTED[0])                 # lines of printed text a slide holds
    for output in cell.outputs:
        parts = [output]
        if output.get("output_type") == "stream" and output_height(output) > BUDGET:
            lines, parts, chunk = output.text.splitlines(keepends=True), [], []
            for line in lines:
                if chunk and _lines("".join(chunk + [line]), PRINTED[1]) > room:
                    parts.append(nbformat.v4.new_output("stream", name=output.name, text="".join(chunk)))
                    chunk = []
                chunk.append(line)
            parts.append(nbformat.v4.new_output("stream", name=output.name, text="".join(chunk)))
        shot = execute.snapshot(output)
        if shot is not None and output_height(output) > BUDGET:        # the picture, then its readout
            picture = copy.deepcopy(output)
            picture.metadata[execute.SNAPSHOT]["caption"] = ""
            readout = nbformat.v4.new_output("display_data", data={"text/html": readout_html(shot.caption)})
            parts = [picture, readout]
        for part in parts:
            piece = copy.deepcopy(cell)
            piece.outputs = [part]
            piece.metadata["tags"] = [*_tags(cell), OUTPUT_ONLY]
            out.append((piece, output_height(part)))
    return out


def code_parts(code: str) -> list[str]:
    """``code`` as it is, or cut at blank lines into parts that fit a slide when it does not
    (a part may still be taller, if it has no blank line to cut at). ''.join(parts) == code."""
    if code_height(code) <= BUDGET:
        return [code] if code.strip() else []
    parts, current = [], ""
    for para in re.split(r"(?<=\n\n)(?=\S)", code):
        if current and code_height(current + para) > BUDGET:
            parts.append(current)
            current = ""
        current += para
    return parts + [current]


def layout(nb) -> None:
    """Lay the executed notebook ``nb`` out on slides that fit (changes ``nb``): the rule's slides
    and skipped cells (section_types), then each cell cut into pieces (_pieces) and a subslide
    wherever a piece would take its slide past BUDGET, by the heights of the outputs the run
    made. Pieces of one cell that stay on one slide are joined again."""
    kinds, pieces, heights, origin = [], [], [], []
    for k, (cell, kind) in enumerate(zip(nb.cells, section_types(nb.cells))):
        cut = [(cell, 0)] if kind == SKIP else _pieces(cell)
        for j, (piece, h) in enumerate(cut):
            if j and "id" in piece:
                piece.id = f"{piece.id[:56]}-part{j}"     # ids stay unique
            kinds.append(kind if j == 0 else CONTINUE)
            pieces.append(piece)
            heights.append(h)
            origin.append(k)
    cells, last = [], None
    for piece, kind, k in zip(pieces, fill(kinds, heights), origin):
        if kind == CONTINUE and last == k and piece.cell_type == cells[-1].cell_type:
            if piece.cell_type == "code":
                cells[-1].outputs += piece.outputs
            if OUTPUT_ONLY not in _tags(piece):
                cells[-1].source += piece.source
            continue
        piece.metadata.setdefault("slideshow", {})["slide_type"] = kind
        cells.append(piece)
        last = k
    nb.cells = cells


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
        body = (f"<div class='lstm-snapshot'><b>{html.escape(shot.title)}</b><br>"
                f"<img src='data:image/png;base64,{shot.png}' alt='{html.escape(shot.alt)}' style='max-width:100%'>"
                f"{readout_html(shot.caption)}"
                f"<p style='font-size:70%'><em>{APP_HINT.format(name=html.escape(name))}</em></p></div>")
        return nbformat.v4.new_output("display_data", data={"text/html": body})
    alt = output.get("metadata", {}).get("image/png", {}).get("alt")
    if "image/png" in data and alt:
        body = f"<img src='data:image/png;base64,{data['image/png']}' alt='{html.escape(alt)}' style='max-width:100%'>"
        return nbformat.v4.new_output("display_data", data={"text/html": body})
    return output


def readout_html(caption: str) -> str:
    """An explorer's readout on a slide (its class is styled in the slides' template)."""
    if not caption.strip():
        return ""
    return "<div class='lstm-readout'>" + "<br>".join(html.escape(line) for line in caption.splitlines()) + "</div>"


def write_slides(nb, name: str, out_dir: Path, reveal_prefix: str = "") -> Path:
    """Write ``out_dir/NAME.slides.html`` from a notebook (``nb`` as tools/execute.py ran it, or with
    the outputs it has; it is not changed), with reveal.js and MathJax in ``out_dir/_assets/``
    (reveal.js from ``reveal_prefix`` instead when given)."""
    import copy

    from nbconvert import SlidesExporter

    nb = copy.deepcopy(nb)
    layout(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [o for o in (_slide_output(o, name) for o in cell.outputs) if o is not None]
    nb.metadata.pop("widgets", None)
    out_dir.mkdir(parents=True, exist_ok=True)
    from traitlets.config import Config

    config = Config()
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_input_tags = {OUTPUT_ONLY}
    exporter = SlidesExporter(config=config, template_name="slides", extra_template_basedirs=[str(TEMPLATES)],
                              reveal_scroll=True, reveal_number="c/t", reveal_transition="none",
                              reveal_theme="white")   # the theme that asks Google Fonts for nothing
    exporter.exclude_input_prompt = exporter.exclude_output_prompt = True   # "In [3]:" takes a sixth of the width
    exporter.reveal_url_prefix = reveal_prefix or assets.copy_reveal(out_dir)
    resources = {"metadata": {"name": name}, "offline_mathjax": assets.mathjax_html(assets.copy_mathjax(out_dir))}
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    out = out_dir / f"{name}.slides.html"
    out.write_text(build_site._finish_html(body, DECK), encoding="utf-8")
    write_docs(out_dir)
    return out


_docs_written = set()


def write_docs(out_dir: Path) -> None:
    """The glossary and the teacher's guide as pages beside the slides (once per folder and run),
    made as the site makes them: the notebooks link glossary terms (``../docs/glossary.md#term``),
    which _finish_html turns into ``glossary.html#term`` on the slides."""
    key = Path(out_dir).resolve()
    if key not in _docs_written:
        build_site.build_docs(out_dir, DECK)
        _docs_written.add(key)


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
