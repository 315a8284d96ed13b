"""Every notebook prints the same text twice: what nbval's run of it printed (or, when nbval did not
run it in this session, what a plain fresh run prints) and what the session's run by
tools/execute.py printed (the fixture executed_notebooks, shared with the site and slides tests).
Compared: what cells print (streams), text results and errors' names. Not compared: figures,
explorers and widgets, which the two runs show differently (ipympl widgets under nbval, PNGs with
tools/execute.py) and whose widget views carry model ids that change on every run."""

import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import execute  # noqa: E402
import notebooks as nbtools  # noqa: E402

sys.path.pop(0)

PICTURES = ("image/", "application/vnd.jupyter.widget-view+json")


def text_of(outputs) -> tuple:
    """A code cell's outputs as text: everything printed to each stream (joined, however many
    messages it came in), then each result's text/plain that is not a picture or a widget (nor a
    figure's repr, all a figure shows without a picture), then any error's name."""
    streams, results, errors = {}, [], []
    for o in outputs:
        if o["output_type"] == "stream":
            streams[o["name"]] = streams.get(o["name"], "") + o["text"]
        elif o["output_type"] in ("execute_result", "display_data"):
            data = o.get("data", {})
            text = data.get("text/plain", "")
            if not any(k.startswith(PICTURES) for k in data) and not execute.REPR.match(text.strip()):
                results.append(text)
        elif o["output_type"] == "error":
            errors.append(o["ename"])
    return tuple(sorted(streams.items())), tuple(results), tuple(errors)


def code_texts(nb) -> list:
    return [text_of(c.get("outputs", [])) for c in nb.cells if c.cell_type == "code"]


def fresh_run(path) -> list:
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return code_texts(nb)


def nbval_run(config, path):
    """The text of nbval's run of ``path`` in this session, or None if it did not run it whole."""
    cells = getattr(config, "nbval_outputs", {}).get(str(path), {})
    n_code = sum(c.cell_type == "code" for c in nbformat.read(path, as_version=4).cells)
    if len(cells) != n_code or any(v is None for v in cells.values()):
        return None
    return [text_of(cells[k]) for k in range(n_code)]


@pytest.mark.slow
@pytest.mark.parametrize("path", nbtools.notebook_paths(), ids=lambda p: p.name)
def test_two_runs_print_the_same(path, request, executed_notebooks):
    first = nbval_run(request.config, path) or fresh_run(path)
    second = code_texts(executed_notebooks[path.name].nb)
    assert any(any(cell) for cell in first), f"{path.name} printed nothing"
    assert len(first) == len(second)
    for k, (a, b) in enumerate(zip(first, second)):
        assert a == b, f"{path.name}, code cell {k}: {str(a)[:300]!r} then {str(b)[:300]!r}"


def test_the_text_compared_ignores_pictures_widget_ids_and_message_splits():
    one = [{"output_type": "stream", "name": "stdout", "text": "a"},
           {"output_type": "display_data", "data": {"application/vnd.jupyter.widget-view+json": {"model_id": "1"}}},
           {"output_type": "stream", "name": "stdout", "text": "b\n"},
           {"output_type": "execute_result", "data": {"text/plain": "<Figure size 640x480 with 1 Axes>"}}]
    two = [{"output_type": "stream", "name": "stdout", "text": "ab\n"},
           {"output_type": "display_data", "data": {"application/vnd.jupyter.widget-view+json": {"model_id": "2"}}},
           {"output_type": "display_data", "data": {"image/png": "iVBO", "text/plain": "[picture of X]"}}]
    assert text_of(one) == text_of(two)
    assert text_of(one) != text_of([{"output_type": "stream", "name": "stdout", "text": "ab \n"}])
    assert text_of([{"output_type": "execute_result", "data": {"text/plain": "0.25"}}])[1] == ("0.25",)
