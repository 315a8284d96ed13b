"""tools/execute.py, the one way the site, the slides and the tests run a notebook: what a run
gives for figures, canvases and explorers, and what counts as a problem."""

import os
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import execute  # noqa: E402

sys.path.pop(0)


def notebook(*sources):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# A test")] +
                                  [nbformat.v4.new_code_cell(s) for s in sources])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    return nb


@pytest.fixture(scope="module")
def ran(tmp_path_factory):
    path = tmp_path_factory.mktemp("nb") / "96-pictures.ipynb"
    nbformat.write(notebook(
        "%matplotlib widget\nfrom lstm_course.explorers import ActivationExplorer\n"
        "from lstm_course.plotting import new_figure",
        "fig, ax = new_figure()\nax.set_title('$c_{t-1}$ over time')\nfig",
        "fig.canvas",
        "_ = 1.0        # the notebook's own `_`: IPython stops updating it (notebook 10 does this)",
        "ActivationExplorer(x=0.5)",
    ), path)
    return execute.execute(path)


def outputs(ran, k):
    return [c.outputs for c in ran.nb.cells if c.cell_type == "code"][k]


def test_a_figure_and_its_canvas_become_pictures_with_alt_text(ran):
    assert ran.problems == [], ran.problems    # its log may hold "KeyboardInterrupt caught": shutting down
    # a kernel, jupyter_client interrupts it first
    for k in (1, 2):
        (out,) = outputs(ran, k)
        assert out["data"]["image/png"] and out["metadata"]["image/png"]["alt"] == "Figure: c_t-1 over time"


def test_an_explorer_shows_its_widgets_then_its_snapshot(ran):
    widget, picture = outputs(ran, 4)
    assert "application/vnd.jupyter.widget-view+json" in widget["data"]
    shot = execute.snapshot(picture)
    assert shot is not None and len(shot.png) > 1000
    assert "x = +0.50" in shot.caption and shot.title in shot.alt and "x = +0.50" in shot.alt
    assert execute.snapshot(widget) is None
    assert "application/vnd.jupyter.widget-state+json" in ran.nb.metadata["widgets"]


def test_problems_are_errors_tracebacks_and_reprs_where_pictures_belong():
    nb = notebook("a", "b", "c", "d")
    cells = [c for c in nb.cells if c.cell_type == "code"]
    cells[0].outputs = [nbformat.v4.new_output("error", ename="ZeroDivisionError", evalue="division by zero")]
    cells[1].outputs = [nbformat.v4.new_output("stream", name="stderr", text="Traceback (most recent call last):\n  x\nE: y\n")]
    cells[2].outputs = [nbformat.v4.new_output("execute_result", {"text/plain": "<matplotlib.backends.backend_agg"
                                                                   ".FigureCanvasAgg at 0x7f3a2c1b2d90>"})]
    cells[3].outputs = [nbformat.v4.new_output("execute_result", {"text/plain": "<Figure size 640x480 with 1 Axes>"}),
                        nbformat.v4.new_output("execute_result", {"text/plain": "0.25"})]
    found = execute.problems_of(nb, log="Exception in thread Heartbeat:\nTraceback (most recent call last):\n"
                                        "zmq.error.ZMQError: Address already in use\n")
    assert len(found) == 5, found
    assert found[0] == "code cell 0: ZeroDivisionError: division by zero"
    assert found[1] == "code cell 1 printed a traceback: E: y"
    assert found[2].startswith("code cell 2 shows <matplotlib.backends") and found[2].endswith("where a picture belongs")
    assert found[3].startswith("code cell 3 shows <Figure size 640x480")     # "0.25" is a result, not a problem
    assert found[4].startswith("the kernel printed a traceback") and "ZMQError" in found[4]
    assert execute.problems_of(notebook("x")) == []


@pytest.mark.skipif(os.name != "posix", reason="Windows has no ipc transport: TCP ports, one process")
def test_kernels_talk_through_socket_files_not_ports(tmp_path):
    """TCP ports are picked, released and bound again by the kernel later: another process's kernel
    could take one meanwhile (ZMQError: Address already in use). Socket files cannot collide."""
    client = execute._client_class()(notebook("1"), kernel_name="python3")
    client.socket_dir = str(tmp_path)
    km = client.create_kernel_manager()
    assert km.transport == "ipc" and km.ip == str(tmp_path / "kernel")


def test_jobs_must_be_a_positive_integer():
    for jobs in (0, 1.5, True):
        with pytest.raises(ValueError, match="jobs: expected an integer >= 1"):
            execute.execute_all([], jobs)


def test_watch_stderr_sees_what_any_writer_prints_and_passes_it_on(capfd):
    import subprocess

    with execute.watch_stderr() as watch:
        print("Traceback (most recent call last):\n  from python", file=sys.stderr)
        os.write(2, b"from the file descriptor\n")
        subprocess.run([sys.executable, "-c", "import sys; sys.stderr.write('Traceback (most recent call last): child')"],
                       check=True)
    assert watch.tracebacks == 2 and "from the file descriptor" in watch.text
    passed_on = capfd.readouterr().err
    assert "from python" in passed_on and "from the file descriptor" in passed_on and "child" in passed_on
    with execute.watch_stderr() as quiet:
        print("a warning, not a traceback", file=sys.stderr)
    assert quiet.tracebacks == 0
