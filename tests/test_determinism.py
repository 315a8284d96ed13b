"""Every notebook gives the same text twice: run each from a fresh kernel two times and compare
all text outputs (printed numbers, tables, results). Widget views carry model ids that change
on every run and are left out."""

import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import notebooks as nbtools  # noqa: E402

sys.path.pop(0)

pytestmark = pytest.mark.slow     # every notebook, twice


def text_outputs(path):
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    out = []
    for k, cell in enumerate(nb.cells):
        for o in cell.get("outputs", []):
            if o.output_type == "stream":
                # a stream may arrive in one message or several: join what a cell printed
                if out and out[-1][:2] == (k, o.name):
                    out[-1] = (k, o.name, out[-1][2] + o.text)
                else:
                    out.append((k, o.name, o.text))
            elif o.output_type in ("execute_result", "display_data"):
                data = o.get("data", {})
                if "application/vnd.jupyter.widget-view+json" in data:
                    continue
                out.append((k, "text", data.get("text/plain", "")))
            elif o.output_type == "error":
                out.append((k, "error", o.ename))
    return out


@pytest.mark.parametrize("path", nbtools.notebook_paths(), ids=lambda p: p.name)
def test_two_runs_print_the_same(path):
    first, second = text_outputs(path), text_outputs(path)
    assert first, f"{path.name} printed nothing"
    for a, b in zip(first, second):
        assert a == b, f"{path.name}, cell {a[0]}: {a[2][:200]!r} then {b[2][:200]!r}"
    assert len(first) == len(second)
