"""Lecture mode (tools/slides.py): every notebook carries slide types that follow the rule, the
rule itself, `apply` changes nothing but slide types and is idempotent, and `build` writes
reveal.js slides with a still picture in place of each explorer: for a tiny deck, and for every
notebook of the course from the session's one run of it (the fixture executed_notebooks).

The notebooks checked are those in notebooks/, or in the folder named by the environment variable
LSTM_SLIDES_DIR (to check copies before `python tools/slides.py apply` is run on the real ones).
"""

from __future__ import annotations

import copy
import os
import re
import shutil
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import notebooks as nbtools  # noqa: E402
import slides  # noqa: E402

sys.path.pop(0)

FOLDER = Path(os.environ.get("LSTM_SLIDES_DIR", ROOT / "notebooks"))
# a script, a style sheet or a font the page would fetch from another machine
OUTSIDE = re.compile(r"""<(?:script|link)\b[^>]*\b(?:src|href)=["']?(?:https?:)?//|import\s[^;]*from\s*["'](?:https?:)?//""")


def assert_works_offline(page: str, folder: Path) -> None:
    """The slides load nothing from another machine, and what they load is in ``folder``."""
    assert not OUTSIDE.findall(page), f"the slides fetch from the network: {OUTSIDE.findall(page)[:3]}"
    for src in re.findall(r"""<(?:script|link)\b[^>]*\b(?:src|href)=["']([^"']+)["']""", page):
        assert (folder / src).is_file(), f"the slides load {src}, which is not beside them"


def _md(text, **meta):
    return nbformat.v4.new_markdown_cell(text, metadata=meta)


def _code(text):
    return nbformat.v4.new_code_cell(text)


@pytest.mark.parametrize("path", slides.notebook_paths(FOLDER), ids=lambda p: p.name)
def test_every_notebook_follows_the_slide_rule(path):
    found = slides.problems(path)
    assert not found, ("run `python tools/slides.py apply`:\n" + "\n".join(found[:10]))


def test_there_are_notebooks_to_check():
    assert len(slides.notebook_paths(FOLDER)) >= 9


def test_the_rule_cell_by_cell():
    cells = [
        _md("# Title\n\nAfter this notebook..."),                  # title: a slide
        _code("%matplotlib widget\nimport lstm_core as L"),        # setup: skipped
        _md("## A section\n\ntext"),                               # a section: a slide
        _code("# NBVAL_CHECK_OUTPUT\nprint(1)"),                   # goes with its section
        _md("More text\n\n## A heading inside a cell"),            # does not start with ##: goes on
        _code("ForgetGateExplorer()"),                             # its picture would overfill the slide
        _md("# Not the title\n\nA second level-1 heading"),        # only the first "# " cell; no room left
        _md("## Summary\n\n- a point\n\n## Check yourself"),      # a slide; opens Check yourself
        _code("print(question('x'))\ncheck('x', 0)"),               # check-yourself code: skipped
        _code("check('y', 1)"),
        _md("", tags=["nav"]),                                      # navigation: skipped
    ]
    assert slides.slide_types(cells) == ["slide", "skip", "slide", "-", "-", "subslide", "subslide", "slide", "skip",
                                         "skip", "skip"]


def test_fill_starts_a_subslide_where_the_slide_would_overflow():
    b = slides.BUDGET
    assert slides.fill(["slide", "-", "-", "skip", "-", "slide", "-"], [b / 2, b / 3, b / 3, 9 * b, b / 2, 2 * b, 1]) == \
        ["slide", "-", "subslide", "skip", "-", "slide", "subslide"]
    assert slides.fill(["slide", "-"], [0, 3 * b]) == ["slide", "-"], "nothing before it: no empty slide"


def test_markdown_blocks_cut_between_blocks_only():
    text = ("## Head\n\nA paragraph\nthat goes on.\n\n1. one\n2. two\n   still two\n\n"
            "$$\na\n\nb\n$$\n\n```\nx\n\ny\n```\n> quote\n>\n> more\n\ntail\n")
    blocks = slides.markdown_blocks(text)
    assert "".join(blocks) == text
    assert [b.split("\n", 1)[0] for b in blocks] == ["## Head", "A paragraph", "1. one", "2. two", "$$", "```",
                                                     "tail"] or blocks[5].startswith("```")
    assert any("a\n\nb" in b for b in blocks) and any("x\n\ny" in b for b in blocks), "no cut inside $$ or ```"


def test_code_parts_cut_long_code_at_blank_lines():
    code = "\n\n".join(f"x{k} = {k}\n" + "\n".join(f"y = {j}" for j in range(6)) for k in range(12)) + "\n"
    parts = slides.code_parts(code)
    assert "".join(parts) == code and len(parts) > 1
    assert all(slides.code_height(p) <= slides.BUDGET for p in parts)
    assert slides.code_parts("x = 1\n") == ["x = 1\n"]


def _tall_notebook():
    long_md = "## Long\n\n" + "\n\n".join(f"Paragraph {k}. " + "word " * 60 for k in range(12))
    printed = "".join(f"line {k}\n" for k in range(60))
    nb = nbformat.v4.new_notebook(cells=[
        _md("# T"), _code("import x"), _md(long_md),
        nbformat.v4.new_code_cell("print(the_printed_lines)",
                                  outputs=[nbformat.v4.new_output("stream", name="stdout", text=printed)]),
        _md("", tags=["nav"])])
    for k, cell in enumerate(nb.cells):
        cell.id = f"c{k}"
    return nb, long_md, printed


def test_layout_cuts_what_is_taller_than_a_slide_and_loses_nothing():
    nb, long_md, printed = _tall_notebook()
    slides.layout(nb)
    types = [c.metadata["slideshow"]["slide_type"] for c in nb.cells]
    md = [c for c in nb.cells if c.cell_type == "markdown" and c.source.strip()]
    assert "".join(c.source for c in md[1:]) == long_md and len(md) > 2, "the long cell is cut, nothing lost"
    assert types.count("subslide") >= 3
    code = [c for c in nb.cells if c.cell_type == "code" and c.source == "print(the_printed_lines)"]
    shown = "".join(o.text for c in code for o in c.outputs)
    assert shown == printed and len(code) > 2, "printed text longer than a slide goes on in the next"
    assert [slides.OUTPUT_ONLY in c.metadata.get("tags", []) for c in code] == [False] + [True] * (len(code) - 1)
    assert len({c.id for c in nb.cells}) == len(nb.cells), "cell ids stay unique"
    for cell, kind in zip(nb.cells, types):
        if kind in ("slide", "subslide"):
            assert slides.cell_height(cell) <= slides.BUDGET or cell.cell_type == "code"


def test_the_deck_shows_each_part_once_and_links_to_pages_beside_it(tmp_path):
    nb, _, printed = _tall_notebook()
    nb.cells[2].source += "\n\nSee [a gate](../docs/glossary.md#gate), [notebook 3](03-the-forget-gate.ipynb#x)."
    page = slides.write_slides(nb, "42-demo", tmp_path).read_text()
    assert page.count("the_printed_lines") == 1, "the code once; its outputs' own subslides without it"
    assert page.count("line 59") == 1 and page.count("line 0\n") == 1
    assert 'href="glossary.html#gate"' in page and 'href="03-the-forget-gate.slides.html#x"' in page
    assert "../docs/" not in page and ".ipynb" not in page
    glossary = (tmp_path / "glossary.html").read_text()
    assert 'id="forget-gate"' in glossary and (tmp_path / "teachers-guide.html").is_file()
    assert "In&nbsp;[" not in page, "no prompts: they take a sixth of a slide's width"


def test_check_yourself_in_its_own_cell_and_leading_blank_lines():
    cells = [_md("\n# T"), _code("import x"), _md("## Check yourself"), _code("check('a', 1)"), _md("after")]
    assert slides.slide_types(cells) == ["slide", "skip", "slide", "skip", "-"]


def test_apply_sets_only_slide_types_and_is_idempotent(tmp_path):
    for p in slides.notebook_paths(ROOT / "notebooks"):
        shutil.copy(p, tmp_path / p.name)
    paths = slides.notebook_paths(tmp_path)
    before = {p.name: nbformat.read(p, as_version=4) for p in paths}
    assert slides.main(["apply", *map(str, paths)]) == 0
    assert all(not slides.problems(p) for p in paths)
    first = {p.name: p.read_bytes() for p in paths}
    assert slides.main(["apply", *map(str, paths)]) == 0
    assert {p.name: p.read_bytes() for p in paths} == first, "a second apply changed files"
    assert slides.main(["apply", "--check", *map(str, paths)]) == 0
    for p in paths:
        after = nbformat.read(p, as_version=4)
        old = before[p.name]
        assert [c.source for c in after.cells] == [c.source for c in old.cells]
        for a, b in zip(after.cells, old.cells):
            meta, old_meta = copy.deepcopy(a.metadata), copy.deepcopy(b.metadata)
            meta.pop("slideshow")
            old_meta.pop("slideshow", None)
            assert meta == old_meta, "apply touched metadata other than slideshow"
        types = [c.metadata.slideshow.slide_type for c in after.cells]
        assert types[0] == "slide" and types[-1] == "skip"


def test_check_finds_a_wrong_slide_type(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[_md("# T"), _code("import x"), _md("## S"), _md("", tags=["nav"])])
    slides.apply_rule(nb)
    nb.cells[2].metadata["slideshow"]["slide_type"] = "-"
    del nb.cells[3].metadata["slideshow"]
    path = tmp_path / "42-demo.ipynb"
    nbformat.write(nb, path)
    found = slides.problems(path)
    assert len(found) == 2 and "cell 2 is '-'" in found[0] and "cell 3 has no" in found[1]
    assert slides.main(["apply", "--check", str(path)]) == 1


def test_explorer_cells_are_recognised():
    assert nbtools.is_explorer_cell(_code("ForgetGateExplorer()"))
    assert nbtools.is_explorer_cell(_code('ActivationExplorer(functions=("sigmoid", "tanh"))'))
    assert nbtools.is_explorer_cell(_code("import m\nm.SequenceExplorer(params)"))
    assert not nbtools.is_explorer_cell(_code("ex = ForgetGateExplorer()"))
    assert not nbtools.is_explorer_cell(_code("print(Explorer)"))
    assert not nbtools.is_explorer_cell(_md("ForgetGateExplorer()"))


@pytest.mark.slow
def test_build_writes_slides_with_a_still_picture_of_each_explorer(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[
        _md("# A tiny deck\n\nintro"),
        _code("%matplotlib widget\nfrom lstm_course.explorers import ActivationExplorer"),
        _md("## Try it\n\nMove the slider."),
        _code("ActivationExplorer(x=0.5)"),
        _md("## Check yourself"),
        _code("print('PLACEHOLDER-ANSWER')"),
        _md("", tags=["nav"]),
    ])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    path = tmp_path / "42-tiny-deck.ipynb"
    nbformat.write(nb, path)
    out = slides.build_one(path, tmp_path / "slides")
    assert out == tmp_path / "slides" / "42-tiny-deck.slides.html"
    page = out.read_text()
    assert "Reveal.initialize" in page or "reveal.js" in page
    # three slides (title, Try it, Check yourself); sections nest one level in nbconvert's template
    assert len(re.findall(r"<section>\s*<section>", page)) == 3
    assert page.count('class="lstm-snapshot"') == 1 and "data:image/png;base64," in page
    assert "x = +0.50" in page, "the explorer's readout is on the slide"
    assert "python3 tools/course.py app" in page
    assert "application/vnd.jupyter.widget-view+json" not in page, "no dead widgets on a static slide"
    assert "PLACEHOLDER-ANSWER" not in page and "%matplotlib widget" not in page, "skipped cells stay out"
    assert "slideshow" not in nbformat.read(path, as_version=4).cells[0].metadata
    assert_works_offline(page, out.parent)


@pytest.mark.slow
@pytest.mark.parametrize("path", slides.notebook_paths(), ids=lambda p: p.name)
def test_every_notebook_makes_slides_with_a_picture_of_each_explorer(executed_notebooks, path, tmp_path):
    ran = executed_notebooks[path.name]
    assert not ran.problems, f"{path.name}: " + "\n".join(ran.problems)
    pictures = 0
    for cell in ran.nb.cells:
        shots = [s for s in map(slides.execute.snapshot, cell.get("outputs", [])) if s is not None]
        if nbtools.is_explorer_cell(cell):
            assert len(shots) == 1, f"{path.name}: an explorer cell gave {len(shots)} pictures: {cell.source!r}"
            assert len(shots[0].png) > 1000 and shots[0].alt and shots[0].caption, "a picture, alt text, a readout"
        pictures += len(shots)
    page = slides.write_slides(ran.nb, path.stem, tmp_path).read_text()
    # nbconvert writes the HTML again: double quotes, attributes in its own order
    found = re.findall(r'class="lstm-snapshot">.*?<img [^>]*src="data:image/png;base64,[A-Za-z0-9+/=]{1000,}"', page, re.S)
    assert pictures and len(found) == pictures, f"{path.name}: {len(found)} explorer pictures on the slides, {pictures} made"
    assert "application/vnd.jupyter.widget-view+json" not in page, "no dead widgets on a static slide"
    assert "No description has been provided" not in page, "every figure has its alt text"
    assert not re.search(r" at 0x[0-9a-f]+&gt;|&lt;Figure size", page), "an object's repr where a figure belongs"
    assert_works_offline(page, tmp_path)


def test_the_offline_check_finds_a_cdn():
    with pytest.raises(AssertionError, match="network"):
        assert_works_offline('<script src="https://unpkg.com/reveal.js@4.0.2/dist/reveal.js"></script>', ROOT)
    with pytest.raises(AssertionError, match="network"):
        assert_works_offline("<script type=module>import mermaid from 'https://cdn/m.mjs';</script>", ROOT)
    with pytest.raises(AssertionError, match="not beside"):
        assert_works_offline('<link rel="stylesheet" href="_assets/missing.css">', ROOT)
