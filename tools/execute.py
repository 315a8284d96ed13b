"""Run notebooks for the pages made from them: the one way the static site (tools/build_site.py),
the slides (tools/slides.py) and the tests (tests/conftest.py) execute a notebook.

``execute_all(paths)`` runs a copy of each notebook (the files are not changed) in a fresh kernel
working in the notebook's folder, a few at once, and returns one ``Executed`` per notebook. Before
the first cell the kernel imports ``tools/kernel_setup.py``: inline (static) figures, and every
figure and explorer a cell shows becomes a PNG output with alt text; an explorer's output also
carries its readout as a caption (see there). Widget state is stored in the notebook.

A run has problems (``Executed.problems``; empty when all is well) when a cell fails, a cell
shows an object's repr where a picture belongs (``<Figure size ...>``, ``<... at 0x7f...>``),
an output or the kernel's own stderr has a traceback, or the kernel dies or times out. A
traceback the building process itself prints (jupyter_client, asyncio, a thread) is none of
these: ``watch_stderr()`` catches it on its way to the terminal, so that the build that printed
it can fail (the site build once printed "ZMQError: Address already in use" and said ok).

Kernels talk to this process through socket files (ZeroMQ's ipc transport), not TCP ports,
where the system has them. With TCP, jupyter_client picks a free port, releases it, and the
kernel binds it a second or so later; a kernel started meanwhile by another process (the site
build ran one process per notebook) can take it: "ZMQError: Address already in use". All
kernels are started from this one process in any case (asyncio), so jupyter_client's port
cache keeps them apart on Windows too.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import re
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

TOOLS = Path(__file__).resolve().parent
DEFAULT_TIMEOUT = 300     # seconds per cell
DEFAULT_JOBS = 2          # notebooks run at once: the course's machines have two cores
TRACEBACK = "Traceback (most recent call last)"
# what a cell shows when a figure or an object has no picture: <Figure size 900x360 with 2 Axes>,
# <matplotlib.backends.backend_agg.FigureCanvasAgg at 0x7f...>, <object object at 0x...>
REPR = re.compile(r"^<Figure size .*>$|^<[\w.]+(?: object)? at 0x[0-9a-fA-F]+>$")
SNAPSHOT = "snapshot"     # output metadata of an explorer's picture: {"title": ..., "caption": its readout}
# run silently in the kernel before the first cell (tools/ leaves sys.path again at once)
SETUP = (f"import sys\nsys.path.insert(0, {str(TOOLS)!r})\nimport kernel_setup\n"
         f"sys.path.remove({str(TOOLS)!r})\nkernel_setup.install()\n")


@dataclass
class Executed:
    """One notebook after its run."""

    path: Path
    nb: object                     # the executed copy (nbformat.NotebookNode), outputs and widget state
    seconds: float
    problems: list = field(default_factory=list)   # what went wrong, one line each; empty: all well
    log: str = ""                  # what the kernel process printed outside the cells' outputs


@dataclass
class Snapshot:
    """An explorer's picture, as tools/kernel_setup.py puts it in a cell's outputs."""

    png: str                       # base64
    alt: str                       # its title, the axes' titles and its readout
    title: str
    caption: str                   # its readout, one line per line


def snapshot(output):
    """The Snapshot an output holds, or None for any other output."""
    meta = output.get("metadata", {})
    if SNAPSHOT not in meta or "image/png" not in output.get("data", {}):
        return None
    return Snapshot(output["data"]["image/png"], meta.get("image/png", {}).get("alt", ""),
                    meta[SNAPSHOT]["title"], meta[SNAPSHOT]["caption"])


def problems_of(nb, log: str = "") -> list[str]:
    """Every error output, traceback and object repr in ``nb``'s outputs, and a traceback in ``log``."""
    found = []
    code_cells = (c for c in nb.cells if c.cell_type == "code")
    for k, cell in enumerate(code_cells):
        for out in cell.get("outputs", []):
            kind, data = out.get("output_type"), out.get("data", {})
            if kind == "error":
                found.append(f"code cell {k}: {out.get('ename')}: {out.get('evalue')}")
            elif kind == "stream" and TRACEBACK in out.get("text", ""):
                found.append(f"code cell {k} printed a traceback: {out['text'].strip().splitlines()[-1]}")
            elif set(data) == {"text/plain"} and REPR.match(data["text/plain"].strip()):
                found.append(f"code cell {k} shows {data['text/plain'].strip()} where a picture belongs")
    if TRACEBACK in log:
        found.append("the kernel printed a traceback:\n" + log[log.index(TRACEBACK):].strip())
    return found


def _client_class():
    from nbclient import NotebookClient

    class Client(NotebookClient):
        """A NotebookClient whose kernel runs SETUP first and talks through socket files."""

        socket_dir = None

        def create_kernel_manager(self):
            sockets = {}
            if os.name == "posix":
                sockets = {"transport": "ipc", "ip": os.path.join(self.socket_dir, "kernel")}
            self.km = self.kernel_manager_class(kernel_name=self.kernel_name, config=self.config, **sockets)
            return self.km

        async def async_start_new_kernel_client(self):
            kc = await super().async_start_new_kernel_client()
            reply = await self.async_wait_for_reply(kc.execute(SETUP, silent=True, store_history=False))
            content = (reply or {}).get("content", {})
            if content.get("status") != "ok":
                raise RuntimeError("the kernel set-up (tools/kernel_setup.py) failed: "
                                   f"{content.get('ename')}: {content.get('evalue')}")
            return kc

    return Client


async def execute_async(path, timeout: float = DEFAULT_TIMEOUT) -> Executed:
    """Run a copy of the notebook at ``path``; see the module's docstring."""
    import nbformat
    from nbclient.exceptions import CellExecutionError

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    client = _client_class()(nb, timeout=math.ceil(timeout), kernel_name="python3", store_widget_state=True,
                             resources={"metadata": {"path": str(path.parent)}})
    client.socket_dir = tempfile.mkdtemp(prefix="kernel-")
    start = time.perf_counter()
    stopped = ""
    with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as log:
        try:
            await client.async_execute(stdout=log, stderr=log)
        except CellExecutionError:
            pass                     # the cell's error output says what happened
        except Exception as err:     # a kernel that died or timed out
            stopped = f"{type(err).__name__}: {err}"
        finally:
            shutil.rmtree(client.socket_dir, ignore_errors=True)
        log.seek(0)
        text = log.read()
    problems = ([stopped] if stopped else []) + problems_of(nb, text)
    return Executed(path, nb, time.perf_counter() - start, problems, text)


class StderrWatch:
    """What went to the process's stderr while watch_stderr() was on: ``text`` (all of it) and
    ``tracebacks`` (how many Python tracebacks were in it)."""

    def __init__(self):
        self.text = ""

    @property
    def tracebacks(self) -> int:
        return self.text.count(TRACEBACK)


@contextlib.contextmanager
def watch_stderr():
    """Pass everything written to file descriptor 2 (Python's sys.stderr, C libraries, the child
    processes started meanwhile) on to where it went before, keeping a copy: yields a StderrWatch."""
    watch = StderrWatch()
    sys.stderr.flush()
    saved = os.dup(2)
    read_end, write_end = os.pipe()
    os.dup2(write_end, 2)
    os.close(write_end)
    # Python's own writes go to file descriptor 2 too, even where sys.stderr was swapped for
    # something else (pytest's capture does that)
    python_stderr = sys.stderr
    sys.stderr = open(2, "w", encoding="utf-8", errors="replace", buffering=1, closefd=False)
    chunks = []

    def pump():
        while True:
            data = os.read(read_end, 65536)
            if not data:                # every writer closed its end
                return
            os.write(saved, data)
            chunks.append(data)

    reader = threading.Thread(target=pump, name="stderr-watch", daemon=True)
    reader.start()
    try:
        yield watch
    finally:
        sys.stderr.close()
        sys.stderr = python_stderr
        os.dup2(saved, 2)               # our end of the pipe closes; a child still running keeps its own
        reader.join(timeout=5)
        watch.text = b"".join(chunks).decode("utf-8", errors="replace")
        if not reader.is_alive():       # else a process started meanwhile still writes: leave it be
            os.close(read_end)
            os.close(saved)


def execute_all(paths, jobs: int = DEFAULT_JOBS, timeout: float = DEFAULT_TIMEOUT, done=None) -> list[Executed]:
    """Run every notebook in ``paths``, ``jobs`` at a time; ``done(executed)`` is called as each
    one finishes. Returns the Executed in the order of ``paths``."""
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"jobs: expected an integer >= 1, got {jobs!r}")
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")   # the kernel's debugger warns otherwise

    async def run_all():
        slots = asyncio.Semaphore(jobs)

        async def one(path):
            async with slots:
                executed = await execute_async(path, timeout)
            if done is not None:
                done(executed)
            return executed

        return await asyncio.gather(*(one(p) for p in paths))

    return asyncio.run(run_all())


def execute(path, timeout: float = DEFAULT_TIMEOUT) -> Executed:
    """Run one notebook; see execute_all."""
    return execute_all([path], 1, timeout)[0]
