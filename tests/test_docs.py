"""The teacher's guide and the glossary: complete, consistent with the course, and linked from the
notebooks by tools/glossary.py (first occurrence of each term, idempotent)."""

import importlib.util
import re
import shutil
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

import ipywidgets as widgets
import mistune
import matplotlib.pyplot as plt
import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "teachers-guide.md"
GLOSSARY = ROOT / "docs" / "glossary.md"
TOOL = ROOT / "tools" / "glossary.py"
NOTEBOOKS = sorted(p for p in (ROOT / "notebooks").glob("*.ipynb") if re.match(r"^\d\d-", p.name))

_spec = importlib.util.spec_from_file_location("glossary_tool", TOOL)
G = importlib.util.module_from_spec(_spec)
sys.modules["glossary_tool"] = G          # dataclasses look their module up while the class is made
_spec.loader.exec_module(G)


@lru_cache(maxsize=None)
def entries():
    return G.load_glossary(GLOSSARY)


def guide_text():
    return GUIDE.read_text(encoding="utf-8")


# --- the glossary ---------------------------------------------------------------------------------

def test_guide_and_glossary_exist():
    assert GUIDE.stat().st_size > 5000
    assert GLOSSARY.stat().st_size > 5000
    assert 40 <= len(entries()) <= 100          # 00-15 needed about 70; notebooks 16-18 add about 15


def test_every_entry_has_a_definition_and_all_six_languages():
    for e in entries():
        assert list(e.names) == list(G.LANGUAGES), f"{e.anchor}: language columns {list(e.names)}"
        empty = [lang for lang in G.LANGUAGES if not e.names[lang].strip(" *")]
        assert not empty, f"{e.anchor}: no term for {empty}"
        assert len(e.definition.split()) >= 8, f"{e.anchor}: the definition is too short"


def test_language_cells_are_in_their_scripts():
    traditional = set("門遞歸網記憶層參數與單經隱狀態輸們")   # source 001 writes traditional characters
    for e in entries():
        assert re.search(r"[\u0900-\u097F]", e.names["Hindi"]), f"{e.anchor}: Hindi cell has no Devanagari"
        assert re.search(r"[\u4e00-\u9fff]", e.names["Chinese"]), f"{e.anchor}: Chinese cell has no Chinese"
        assert not traditional & set(e.names["Chinese"]), f"{e.anchor}: traditional characters in {e.names['Chinese']}"
        for lang in ("Dutch", "Turkish", "Italian"):
            assert re.search(r"[A-Za-z]", e.names[lang]), f"{e.anchor}: {lang} cell is not in Latin script"


def test_anchors_are_unique_well_formed_and_right_before_their_heading():
    text = GLOSSARY.read_text(encoding="utf-8")
    ids = re.findall(r'<a id="([^"]*)"></a>', text)
    assert len(ids) == len(set(ids)), "duplicate anchors"
    for anchor in ids:
        assert G.ANCHOR_RE.match(anchor), anchor
        assert re.search(rf'<a id="{anchor}"></a>\n##+ \S', text), f"{anchor}: not directly before a heading"
    assert [e.anchor for e in entries()] == [a for a in ids if a in {e.anchor for e in entries()}]
    assert len(entries()) == len(ids) - 1          # every anchor is an entry, except the translation list


def test_index_and_internal_links_resolve():
    text = GLOSSARY.read_text(encoding="utf-8")
    ids = set(re.findall(r'<a id="([^"]*)"></a>', text))
    index = text[text.index("## Index"):text.index("## Sequences")]
    assert {e.anchor for e in entries()} == set(re.findall(r"\]\(#([^)]+)\)", index))
    for target in re.findall(r"\]\(#([^)]+)\)", text):
        assert target in ids, f"link to #{target}"
    for target in re.findall(r"glossary\.md#([\w-]+)", guide_text()):
        assert target in ids, f"the guide links to glossary.md#{target}"


def test_no_two_entries_match_the_same_words():
    seen = {}
    for e in entries():
        for form in e.forms:
            key = form.lower()
            assert key not in seen, f"'{form}' is matched by both {seen.get(key)} and {e.anchor}"
            seen[key] = e.anchor


def test_a_malformed_entry_is_a_clear_error():
    bad = ('<a id="x"></a>\n### x\nA definition.\n\n| English | Hindi | Chinese | Dutch | Turkish | Italian |\n'
           '| --- | --- | --- | --- | --- | --- |\n| x | y | z |\n')
    with pytest.raises(ValueError, match="'x'.*3 cells"):
        G.parse_glossary(bad)


# --- the guide ------------------------------------------------------------------------------------

def explorer_classes():
    import importlib
    import pkgutil

    import lstm_course.explorers as W

    found = {}
    for info in pkgutil.iter_modules(W.__path__):
        module = importlib.import_module(f"lstm_course.explorers.{info.name}")
        for name, obj in vars(module).items():
            if isinstance(obj, type) and issubclass(obj, W.Explorer) and obj is not W.Explorer:
                found[name] = obj
    return found


def test_guide_plans_every_notebook_and_they_exist():
    stems = set(re.findall(r"\.\./notebooks/(\d\d-[a-z0-9-]+)\.ipynb", guide_text()))
    assert {s[:2] for s in stems} == {p.name[:2] for p in (ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb")}
    missing = sorted(s for s in stems if not (ROOT / "notebooks" / f"{s}.ipynb").exists())
    assert not missing, f"the guide links notebooks that do not exist: {missing}"


def test_every_explorer_the_guide_names_exists():
    named = set(re.findall(r"`([A-Z]\w*(?:Explorer|Viewer))`", guide_text()))
    assert len(named) >= 15
    missing = sorted(named - set(explorer_classes()))
    assert not missing, f"the guide names explorers that lstm_course.explorers does not have: {missing}"


def test_every_exercise_id_the_guide_names_exists():
    from lstm_course.exercises import EXERCISES

    stems = {p.stem for p in NOTEBOOKS}
    ids = set(re.findall(r"`(\d\d-[a-z0-9-]+)`", guide_text())) - stems
    assert len(ids) >= 20
    missing = sorted(ids - set(EXERCISES))
    assert not missing, f"the guide names exercises that are not registered: {missing}"


def control_labels(explorer):
    labels = []
    for c in explorer.leaf_controls():
        if isinstance(c, (widgets.ToggleButtons, widgets.Dropdown)):
            labels += [str(label) for label in c._options_labels]
        elif getattr(c, "description", ""):
            labels.append(c.description)
    return labels


def blocks(text):
    """The guide cut into table rows, list items and paragraphs (wrapped lines joined)."""
    out, current = [], []
    for line in text.splitlines():
        starts = not line.strip() or line.lstrip().startswith("|") or re.match(r"^\s*(?:-|\d+\.) ", line)
        if starts and current:
            out.append(" ".join(current))
            current = []
        if line.strip():
            current.append(line.strip())
    return out + [" ".join(current)] * bool(current)


def test_every_button_and_slider_the_guide_names_is_in_its_explorer():
    classes = explorer_classes()
    cache = {}
    rows = [block for block in blocks(guide_text()) if "**[" in block]
    assert len(rows) >= 15
    for line in rows:
        names = [n for n in re.findall(r"`([A-Z]\w*(?:Explorer|Viewer))`", line) if n in classes]
        assert names, f"a control label without an explorer in the same row or item: {line[:80]}"
        for name in names:
            if name not in cache:
                ex = classes[name]()
                cache[name] = control_labels(ex)
                plt.close(ex.fig)
        available = [label for name in names for label in cache[name]]
        for label in re.findall(r"\*\*\[(.+?)\]\*\*", line):
            ok = any(a == label or a.startswith(label + ":") for a in available)
            assert ok, f"'{label}' is not a control of {names}; they have {available}"


# --- tools/glossary.py ----------------------------------------------------------------------------

def md_notebook(*cells, nav="[Contents](00-start-here.ipynb#Contents)"):
    nb = nbformat.v4.new_notebook()
    for src in cells:
        nb.cells.append(nbformat.v4.new_code_cell(src[5:]) if src.startswith("code:")
                        else nbformat.v4.new_markdown_cell(src))
    nb.cells.append(nbformat.v4.new_markdown_cell(nav, metadata={"tags": ["nav"]}))
    return nb


def test_link_puts_one_link_at_the_first_eligible_occurrence():
    nb = md_notebook(
        "# The forget gate\n\nA `forget gate` in code, $forget gate$ in math, and [forget gate](x.md) as a link.",
        "code:forget_gate = 1  # forget gate",
        "The forget gate keeps a share. Forget gates again; the input\ngate reads [x, h].",
        "```\nforget gate in a fence\n```\nThe cell-state line and LSTMs; adam is not Adam.",
        nav="forget gate in the nav cell",
    )
    before = [c.source for c in nb.cells]
    done = G.link_notebook(nb, entries())
    link = "](../docs/glossary.md#"
    assert nb.cells[0].source == before[0]                                   # heading, code span, math, link
    assert nb.cells[1].source == before[1]                                   # code cell
    assert nb.cells[2].source == ("The [forget gate](../docs/glossary.md#forget-gate) keeps a share. Forget gates "
                                  "again; the [input\ngate](../docs/glossary.md#input-gate) reads [x, h].")
    assert nb.cells[3].source == ("```\nforget gate in a fence\n```\nThe [cell-state](../docs/glossary.md#cell-state) "
                                  "line and [LSTMs](../docs/glossary.md#lstm); adam is not "
                                  "[Adam](../docs/glossary.md#adam).")
    assert nb.cells[-1].source == "forget gate in the nav cell"
    assert sorted(o.anchor for o in done) == ["adam", "cell-state", "forget-gate", "input-gate", "lstm"]
    assert "gate" not in {o.anchor for o in done}                          # "forget gate" is not also a "gate"
    assert sum(c.source.count(link) for c in nb.cells) == 5
    assert G.link_notebook(nb, entries()) == []                             # idempotent
    assert G.unlinked(nb, entries()) == []


def test_check_reports_a_first_occurrence_left_unlinked():
    nb = md_notebook("The hidden state comes first.",
                     "Later the [hidden state](../docs/glossary.md#hidden-state) is linked, and a "
                     "[bad link](../docs/glossary.md#no-such-term).")
    problems = G.unlinked(nb, entries())
    assert [(o.anchor, o.cell, o.text) for o in problems] == [("hidden-state", 0, "hidden state")]
    assert G.broken_links(nb, entries()) == ["no-such-term"]
    G.link_notebook(nb, entries())
    assert G.unlinked(nb, entries()) == []
    assert nb.cells[0].source == "The [hidden state](../docs/glossary.md#hidden-state) comes first."


@pytest.fixture(scope="module")
def linked_copies(tmp_path_factory):
    folder = tmp_path_factory.mktemp("notebooks")
    for p in NOTEBOOKS:
        shutil.copy(p, folder / p.name)
    return folder


def test_link_on_copies_is_idempotent_and_touches_only_prose(linked_copies, capsys):
    paths = sorted(linked_copies.glob("*.ipynb"))
    assert G.main(["link", *map(str, paths)]) == 0
    first = {p.name: p.read_bytes() for p in paths}
    capsys.readouterr()
    assert G.main(["link", *map(str, paths)]) == 0
    assert {p.name: p.read_bytes() for p in paths} == first, "a second run changed something"
    assert capsys.readouterr().out.count("linked 0 term(s)") == len(paths)
    assert G.main(["check", *map(str, paths)]) == 0, capsys.readouterr().out

    total = 0
    for path in paths:
        original = nbformat.read(ROOT / "notebooks" / path.name, as_version=4)
        linked = nbformat.read(path, as_version=4)
        assert len(original.cells) == len(linked.cells)
        for a, b in zip(original.cells, linked.cells):
            if a.cell_type != "markdown" or "nav" in a.metadata.get("tags", []):
                assert a.source == b.source
                continue
            html = mistune.html(b.source)
            for m in re.finditer(r"\[([^\]]+)\]\(\.\./docs/glossary\.md#([\w-]+)\)", b.source):
                total += 1
                assert G.ANCHOR_RE.match(m.group(2))
                assert f'href="../docs/glossary.md#{m.group(2)}"' in html, f"{path.name}: link does not render"
            headings = [line for line in b.source.splitlines() if line.lstrip().startswith("#")]
            assert not any("glossary.md" in h for h in headings)
            plain = re.sub(r"\[([^\]]+)\]\(\.\./docs/glossary\.md#[\w-]+\)", r"\1", b.source)
            before = re.sub(r"\[([^\]]+)\]\(\.\./docs/glossary\.md#[\w-]+\)", r"\1", a.source)
            assert plain == before, f"{path.name}: linking changed the text itself"
    assert total >= 5 * len(paths)


def test_check_fails_on_unlinked_notebooks_and_names_the_term(tmp_path):
    path = tmp_path / "03-the-forget-gate.ipynb"
    shutil.copy(ROOT / "notebooks" / "03-the-forget-gate.ipynb", path)
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:        # strip any glossary links, as before the lead's first run
        cell.source = re.sub(r"\[([^\]]+)\]\(\.\./docs/glossary\.md#[\w-]+\)", r"\1", cell.source)
    nbformat.write(nb, path)
    out = subprocess.run([sys.executable, str(TOOL), "check", str(path)], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 1
    assert "first occurrence of 'forget-gate' is not linked" in out.stdout


def test_committed_notebooks_link_every_glossary_term_at_its_first_occurrence():
    """Fails until `python tools/glossary.py link` has been run on the committed notebooks."""
    problems = []
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        problems += [f"{path.name}: {o.anchor} ({o.text!r})" for o in G.unlinked(nb, entries())]
        problems += [f"{path.name}: broken #{a}" for a in G.broken_links(nb, entries())]
    assert not problems, f"{len(problems)} unlinked first occurrences, e.g. {problems[:5]}; " \
                         "run: python tools/glossary.py link"
