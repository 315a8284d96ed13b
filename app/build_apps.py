#!/usr/bin/env python3
"""App mode: one small page per notebook that has explorers, for Voilà (no code shown).

    python app/build_apps.py [OUT]      # write OUT/NN-name.ipynb (default build/app/)

`python3 tools/course.py app` runs this, then serves OUT with Voilà. The pages are made from the
notebooks every time, so a new notebook or explorer appears in app mode with no extra work. A page
holds, for a notebook with at least one explorer cell:

- a heading with the notebook's title and a line saying where the full notebook is;
- the notebook's first code cell (``%matplotlib widget`` and the imports);
- for each explorer cell (its last statement calls a name ending in "Explorer", as in
  ``ForgetGateExplorer()``): the markdown cell just before it (the prose that says what to try)
  and the explorer cell itself;
- any earlier code cell that defines a name an explorer cell uses, run under ``%%capture`` so
  nothing it prints appears on the page.

Beside the pages, in the hidden folder OUT/.share (Voila neither lists nor serves it), goes
Voila's template "course" (app/templates/course plus a generated titles.j2): an index that lists
the pages by number and title, and pages that ask no CDN for anything. The server finds it with
JUPYTER_PATH=OUT/.share (tools/_course.py, app_env).

Standard library only (the notebooks are JSON), so it runs before or without the virtual
environment.
"""

from __future__ import annotations

import ast
import json
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT_DIR = ROOT / "build" / "app"
TEMPLATE = ROOT / "app" / "templates" / "course"
SHARE = ".share"                 # OUT/.share/voila/templates/course: JUPYTER_PATH for the server
HEADING = "LSTM, gate by gate: the explorers"
INTRO = ("Each page runs one notebook's explorers, without the code: move the sliders, press the buttons. "
         "A page starts its own Python kernel when it opens, which takes a few seconds.")
sys.path.insert(0, str(ROOT / "tools"))
from notebooks import (KERNELSPEC, NB_DIR, course_notebooks, is_explorer_cell,  # noqa: E402  (standard library only)
                       parse_code, source, title_of)

sys.path.pop(0)


def names_used(code: str) -> set:
    tree = parse_code(code)
    if tree is None:
        return set()
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def names_defined(code: str) -> set:
    tree = parse_code(code)
    if tree is None:
        return set()
    out = set()
    for n in ast.walk(tree):
        if isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del)):
            out.add(n.id)
        elif isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out.add(n.name)
        elif isinstance(n, (ast.Import, ast.ImportFrom)):
            out |= {(a.asname or a.name).split(".")[0] for a in n.names}
    return out


def _code(text: str) -> dict:
    return {"cell_type": "code", "metadata": {}, "source": text, "outputs": [], "execution_count": None}


GLOSSARY_LINK = re.compile(r"\[([^\]]+)\]\(\.\./docs/glossary\.md#[\w-]+\)")


def _markdown(text: str) -> dict:
    # the app server only sees build/app/: a link to ../docs/glossary.md would lead nowhere
    return {"cell_type": "markdown", "metadata": {}, "source": GLOSSARY_LINK.sub(r"\1", text)}


def app_notebook(nb: dict, name: str):
    """The app page for the notebook ``nb`` (parsed JSON) named ``name``; None without explorers."""
    cells = nb.get("cells", [])
    code_idx = [k for k, c in enumerate(cells) if c.get("cell_type") == "code"]
    explorers = [k for k in code_idx if is_explorer_cell(cells[k])]
    if not explorers:
        return None
    setup = code_idx[0]
    keep = {setup}
    # earlier cells that define what an explorer cell (or a kept cell) needs, found backwards
    todo = [(k, names_used(source(cells[k]))) for k in explorers]
    while todo:
        k, needed = todo.pop()
        needed = needed - names_defined(source(cells[setup]))
        for j in reversed([j for j in code_idx if j < k and j != setup]):
            got = names_defined(source(cells[j])) & needed
            if got:
                needed -= got
                if j not in keep:
                    keep.add(j)
                    todo.append((j, names_used(source(cells[j]))))
    number = name[:2]
    out = [_markdown(f"# {number} · {title_of(nb)}\n\n*App mode: move the sliders and press the buttons. "
                     f"The full notebook, with the code and the exercises, is `notebooks/{name}.ipynb`.*")]
    for k in range(len(cells)):
        if k == setup:
            out.append(_code(source(cells[k])))
        elif k in explorers:
            if k > 0 and cells[k - 1].get("cell_type") == "markdown" and k - 1 != 0:
                out.append(_markdown(source(cells[k - 1])))
            out.append(_code(source(cells[k])))
        elif k in keep:
            out.append(_code("%%capture\n" + source(cells[k])))
    return {"cells": out, "metadata": {"kernelspec": dict(KERNELSPEC), "language_info": {"name": "python"}},
            "nbformat": 4, "nbformat_minor": 5}


def write_template(out_dir: Path, titles: dict) -> Path:
    """Copy Voila's template "course" into ``out_dir``/.share and write its titles.j2 (``titles``:
    {page file name: the notebook's title}); returns the folder to put on JUPYTER_PATH."""
    share = Path(out_dir) / SHARE
    target = share / "voila" / "templates" / "course"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(TEMPLATE, target)
    # json.dumps writes a dict Jinja reads as it is (strings in double quotes, escapes alike)
    (target / "titles.j2").write_text(
        "{#- written by app/build_apps.py: the index's heading and each page's title -#}\n"
        f"{{% set heading = {json.dumps(HEADING)} %}}\n{{% set intro = {json.dumps(INTRO)} %}}\n"
        f"{{% set titles = {json.dumps(titles, ensure_ascii=False, sort_keys=True)} %}}\n", encoding="utf-8")
    return share


def build(out_dir: Path = OUT_DIR, nb_dir: Path = NB_DIR) -> list:
    """Write one app page per notebook with explorers into ``out_dir`` (old pages removed), and
    the template that lists them by title (write_template); returns the pages' paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("*.ipynb"):
        old.unlink()
    written, titles = [], {}
    for path in course_notebooks(nb_dir):
        nb = json.loads(path.read_text(encoding="utf-8"))
        page = app_notebook(nb, path.stem)
        if page is None:
            continue
        titles[path.name] = title_of(nb)
        for k, cell in enumerate(page["cells"]):   # nbformat 4.5 wants an id on every cell
            cell["id"] = f"app-{k}"
        target = out_dir / path.name
        target.write_text(json.dumps(page, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(target)
    write_template(out_dir, titles)
    return written


if __name__ == "__main__":
    for p in build(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT_DIR):
        print(p)
