"""The notebooks follow the output policy, open without a kernel dialog, have the shape every
notebook of the course has, and their navigation matches the files in the README's order."""

import re
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import notebooks as nbtools  # noqa: E402

sys.path.pop(0)

PATHS = nbtools.notebook_paths()


def test_there_are_notebooks_and_all_are_named_by_the_scheme():
    assert PATHS and PATHS[0].name == "00-start-here.ipynb"
    for p in (ROOT / "notebooks").glob("*.ipynb"):
        assert nbtools.NAME_RE.match(p.name), f"{p.name} is not NN-kebab-title.ipynb"
    numbers = [int(p.name[:2]) for p in PATHS]
    assert numbers == list(range(len(PATHS))), "notebook numbers must run 00, 01, 02, ... without gaps"


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.name)
def test_output_policy_and_kernelspec(path):
    nb = nbformat.read(path, as_version=4)
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3"
    assert "widgets" not in nb.metadata
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if nbtools.is_checked(cell):
            assert cell.outputs, f"{path.name}: a NBVAL_CHECK_OUTPUT cell has no stored output"
            assert cell.execution_count is not None, f"{path.name}: checked cell needs an execution_count"
        else:
            assert not cell.outputs, f"{path.name}: outputs stored in an unchecked cell: {cell.source[:60]!r}"


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.name)
def test_every_notebook_has_the_course_shape(path):
    nb = nbformat.read(path, as_version=4)
    text = "\n".join(c.source for c in nb.cells)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "you will be able to" in nb.cells[0].source.lower(), "objectives at the top"
    assert "## Summary" in text
    assert "Check yourself" in text and "check(" in code
    assert "import lstm_core" in code
    assert "%matplotlib widget" in code
    assert re.search(r"Explorer\(", code), "at least one explorer"
    assert nbtools.has_tag(nb.cells[-1], "nav"), "navigation is the last cell"


def test_navigation_and_tables_of_contents_match_the_files():
    problems = nbtools.nav(check=True)
    assert problems == [], "run `python tools/notebooks.py nav`: " + "; ".join(problems)


def test_navigation_links_point_at_real_files_in_order():
    for k, path in enumerate(PATHS):
        nb = nbformat.read(path, as_version=4)
        links = re.findall(r"\]\(([^)#]+)", nb.cells[-1].source)
        expected = ([PATHS[k - 1].name] if k else []) + [PATHS[0].name] + ([PATHS[k + 1].name] if k + 1 < len(PATHS) else [])
        assert links == expected
        for link in links:
            assert (path.parent / link).exists()
    readme_links = re.findall(r"\]\((notebooks/[^)]+\.ipynb)\)", (ROOT / "README.md").read_text())
    assert readme_links == [f"notebooks/{p.name}" for p in PATHS]


def test_the_reading_helpers_need_only_the_standard_library():
    """app/build_apps.py runs before .venv exists and imports tools/notebooks.py for the course's
    rules (which notebooks, their titles, explorer cells): neither may need nbformat to load."""
    import subprocess

    code = ("import sys; sys.modules['nbformat'] = sys.modules['nbclient'] = None;"
            "sys.path[:0] = ['tools', 'app']; import notebooks, build_apps;"
            "print(len(build_apps.build(sys.argv[1])))")
    out = subprocess.run([sys.executable, "-c", code, str(ROOT / "build" / "test-app-pages")], cwd=ROOT,
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert int(out.stdout) >= 10
