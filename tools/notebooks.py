#!/usr/bin/env python3
"""Keep the notebooks tidy: navigation, table of contents and stored outputs.

    python tools/notebooks.py nav [--check]   # write (or check) prev/contents/next cells and the
                                              # tables of contents in README.md and notebook 00
    python tools/notebooks.py outputs [NB..]  # execute notebooks, keep outputs only in cells
                                              # marked "# NBVAL_CHECK_OUTPUT", strip the rest
    python tools/notebooks.py strip [NB..]    # remove every output

The course's order is the order of the file names, notebooks/NN-kebab-title.ipynb; a notebook's
title is its first "# " heading. Navigation cells are markdown cells tagged "nav"; the table of
contents in notebook 00 is the markdown cell tagged "toc"; in README.md it sits between the
markers <!-- toc --> and <!-- /toc -->.

The reading helpers (the notebook list, titles, explorer cells) need only the standard library, so
app/build_apps.py and tools/course.py use them before the virtual environment exists; writing and
executing notebooks import nbformat and nbclient when called.

Output policy (see README): notebooks are committed without outputs, except the cells marked
"# NBVAL_CHECK_OUTPUT", whose stored output nbval compares with a fresh run (`--nbval-lax`).
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NB_DIR = ROOT / "notebooks"
README = ROOT / "README.md"
CHECK_MARK = "# NBVAL_CHECK_OUTPUT"
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
NAME_RE = re.compile(r"^\d\d-[a-z0-9]+(-[a-z0-9]+)*\.ipynb$")


def course_notebooks(folder: Path = NB_DIR) -> list[Path]:
    """The course's notebooks in ``folder`` (NN-kebab-title.ipynb), in course order. The one rule
    the other tools (site, slides, glossary) import."""
    return sorted(p for p in Path(folder).glob("*.ipynb") if NAME_RE.match(p.name))


def notebook_paths(only_tracked: bool = False) -> list[Path]:
    """The course's notebooks in order; with only_tracked, those git knows (committed or added),
    so navigation can be made for what is being committed while other notebooks are drafts."""
    paths = course_notebooks()
    if only_tracked:
        import subprocess
        out = subprocess.run(["git", "ls-files", "notebooks"], cwd=ROOT, capture_output=True, text=True, check=True)
        tracked = {Path(line).name for line in out.stdout.split()}
        paths = [p for p in paths if p.name in tracked]
    return paths


def source(cell) -> str:
    """A cell's source as one string (JSON keeps it as a list of lines or a string)."""
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def title_of(nb) -> str:
    """The notebook's first '# ' heading (``nb`` parsed JSON or an nbformat notebook)."""
    for cell in nb["cells"]:
        if cell.get("cell_type") == "markdown":
            for line in source(cell).splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    raise ValueError("the notebook has no '# ' title heading in a markdown cell")


def parse_code(code: str):
    """A code cell's Python with IPython magics and shell lines blanked out; None if it does not
    parse (a cell magic, say)."""
    if code.lstrip().startswith("%%"):
        return None
    lines = ["pass" if ln.lstrip().startswith(("%", "!")) else ln for ln in code.splitlines()]
    try:
        return ast.parse("\n".join(lines))
    except SyntaxError:
        return None


def is_explorer_cell(cell) -> bool:
    """A code cell whose last statement calls a name ending in "Explorer" (the course's one-line
    explorer cells, ``ForgetGateExplorer()``): app mode, the slides and the site find them so."""
    tree = parse_code(source(cell)) if cell.get("cell_type") == "code" else None
    if tree is None or not tree.body:
        return False
    last = tree.body[-1]
    if not isinstance(last, ast.Expr) or not isinstance(last.value, ast.Call):
        return False
    func = last.value.func
    name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
    return name.endswith("Explorer")


def read(path: Path):
    import nbformat

    return nbformat.read(path, as_version=4)


def write(nb, path: Path) -> None:
    import nbformat

    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata.setdefault("language_info", {"name": "python"})
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, path)


def has_tag(cell, tag: str) -> bool:
    return tag in cell.get("metadata", {}).get("tags", [])


def is_checked(cell) -> bool:
    return cell.cell_type == "code" and cell.source.lstrip().startswith(CHECK_MARK)


# --- navigation and contents -------------------------------------------------------------------

def nav_text(paths: list[Path], k: int) -> str:
    parts = []
    if k > 0:
        parts.append(f"[&larr; Previous: {title_of(read(paths[k - 1]))}]({paths[k - 1].name})")
    parts.append(f"[Contents]({paths[0].name}#Contents)")
    if k + 1 < len(paths):
        parts.append(f"[Next: {title_of(read(paths[k + 1]))} &rarr;]({paths[k + 1].name})")
    return " | ".join(parts)


def toc_lines(paths: list[Path], prefix: str) -> list[str]:
    return [f"- {p.name[:2]} [{title_of(read(p))}]({prefix}{p.name})" for p in paths]


def expected_nav(paths):
    """{path: (nav text, toc text or None)} for every notebook."""
    toc = "## Contents\n\n" + "\n".join(toc_lines(paths, ""))
    return {p: (nav_text(paths, k), toc if k == 0 else None) for k, p in enumerate(paths)}


def readme_toc(paths) -> str:
    return "\n".join(toc_lines(paths, "notebooks/"))


def nav(check: bool, only_tracked: bool = False) -> list[str]:
    """Write navigation; with check, write nothing and return the problems found."""
    paths = notebook_paths(only_tracked)
    problems = []
    for path, (nav_md, toc_md) in expected_nav(paths).items():
        nb = read(path)
        navs = [c for c in nb.cells if has_tag(c, "nav")]
        if not navs:
            if check:
                problems.append(f"{path.name}: no navigation cell (tag 'nav')")
                continue
            import nbformat

            nb.cells.append(nbformat.v4.new_markdown_cell(nav_md, metadata={"tags": ["nav"]}))
            navs = [nb.cells[-1]]
        for cell in navs:
            if cell.source != nav_md:
                problems.append(f"{path.name}: navigation cell is stale")
                cell.source = nav_md
        if toc_md is not None:
            tocs = [c for c in nb.cells if has_tag(c, "toc")]
            if not tocs:
                problems.append(f"{path.name}: no contents cell (tag 'toc')")
            for cell in tocs:
                if cell.source != toc_md:
                    problems.append(f"{path.name}: contents cell is stale")
                    cell.source = toc_md
        if not check:
            write(nb, path)
    text = README.read_text()
    new = re.sub(r"<!-- toc -->.*?<!-- /toc -->", lambda m: f"<!-- toc -->\n{readme_toc(paths)}\n<!-- /toc -->",
                 text, flags=re.S)
    if "<!-- toc -->" not in text:
        problems.append("README.md: no <!-- toc --> markers")
    elif new != text:
        problems.append("README.md: table of contents is stale")
        if not check:
            README.write_text(new)
    return problems


# --- outputs -----------------------------------------------------------------------------------

def strip(nb, keep_checked: bool) -> None:
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        cell.metadata.pop("execution", None)
        if keep_checked and is_checked(cell):
            cell.outputs = [o for o in cell.outputs if o.output_type != "display_data"
                            or "application/vnd.jupyter.widget-view+json" not in o.get("data", {})]
            continue
        cell.outputs = []
        cell.execution_count = None


def execute(path: Path):
    from nbclient import NotebookClient

    nb = read(path)
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(NB_DIR)}}).execute()
    return nb


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p_nav = sub.add_parser("nav")
    p_nav.add_argument("--check", action="store_true")
    p_nav.add_argument("--only-tracked", action="store_true", help="only notebooks git tracks (added or committed)")
    for name in ("outputs", "strip"):
        p = sub.add_parser(name)
        p.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args(argv)
    if args.command == "nav":
        problems = nav(args.check, args.only_tracked)
        for p in problems:
            print(p)
        return 1 if (problems and args.check) else 0
    paths = [p.resolve() for p in args.notebooks] or notebook_paths()
    for path in paths:
        if args.command == "outputs":
            nb = execute(path)
            strip(nb, keep_checked=True)
        else:
            nb = read(path)
            strip(nb, keep_checked=False)
        write(nb, path)
        print(("executed and stored checked outputs: " if args.command == "outputs" else "stripped: ") + path.name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
