"""Imported inside the kernel that tools/execute.py starts, before the notebook's first cell (never
by a notebook): every figure and explorer a cell shows becomes a picture that a page can show
without a kernel.

``install()``:
- makes ``%matplotlib`` select the inline backend whatever it asks for: the notebooks ask for
  ipympl's ``widget``, whose canvas shows nothing in a page without a kernel;
- shows a matplotlib Figure, or a figure's canvas (a cell ending in ``fig.canvas``), as a PNG with
  alt text made of the figure's titles (output metadata ``{"image/png": {"alt": ...}}``);
- shows an ``lstm_course.explorers.Explorer`` as usual (its widgets: the stored widget state keeps
  the sliders and the readout), then its snapshot: a PNG of its figure with alt text (its title,
  the axes' titles and its readout) and, under the output metadata key ``execute.SNAPSHOT``, its
  title and its readout as a caption.
A figure shown as a picture is closed, so that the inline backend does not show it a second time.
"""

from __future__ import annotations

import base64
import io
import re

import matplotlib.pyplot as plt
from IPython import get_ipython
from IPython.display import display
from matplotlib.backend_bases import FigureCanvasBase
from matplotlib.figure import Figure

from execute import SNAPSHOT   # the metadata key tools/execute.py reads (tools/ is on sys.path now)

DPI = 100


def plain(text: str) -> str:
    """Mathtext as plain words: '$c_{t-1}$' -> 'c_t-1', '$\\tilde C$' -> 'tilde C'."""
    def math(m):
        inner = re.sub(r"\\([A-Za-z]+)\s*", r"\1 ", m.group(1))
        return inner.replace("{", "").replace("}", "").replace("\\", "").strip()
    return re.sub(r"\$([^$]*)\$", math, text).strip()


def describe(fig) -> str:
    """The figure's titles in reading order (suptitle, then each axes): what alt text starts from."""
    parts = []
    sup = getattr(fig, "_suptitle", None)
    if sup is not None and sup.get_text().strip():
        parts.append(plain(sup.get_text()))
    for ax in fig.axes:
        titles = [plain(ax.get_title(loc)) for loc in ("left", "center", "right")]
        if any(titles):
            parts.append(" / ".join(t for t in titles if t))
    return "; ".join(parts)


def png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, bbox_inches="tight", facecolor="white")
    plt.close(fig)
    return buf.getvalue()


def figure_png(fig):
    """(data, metadata): IPython puts the metadata beside the PNG in the output."""
    return png(fig), {"alt": "Figure: " + (describe(fig) or "a matplotlib figure without a title")}


def show_explorer(explorer) -> None:
    display(explorer.widget)
    fig = explorer.fig
    if fig is None:
        return
    title = (explorer.title or "").strip() or type(explorer).__name__
    readout = explorer.readout_text.strip()
    alt = ". ".join(p for p in (title, describe(fig), readout.replace("\n", "; ")) if p)
    data = {"image/png": base64.b64encode(png(fig)).decode("ascii"), "text/plain": f"[picture of {title}]"}
    display(data, raw=True, metadata={"image/png": {"alt": alt}, SNAPSHOT: {"title": title, "caption": readout}})


def register_formatters(ip) -> None:
    formatters = ip.display_formatter.formatters
    formatters["image/png"].for_type(Figure, figure_png)
    formatters["image/png"].for_type(FigureCanvasBase, lambda canvas: figure_png(canvas.figure))
    formatters["text/plain"].for_type(FigureCanvasBase, lambda canvas, p, cycle: p.text(repr(canvas.figure)))
    try:
        from lstm_course.explorers import Explorer
    except ImportError:          # a notebook outside the course: figures only
        return
    ip.display_formatter.ipython_display_formatter.for_type(Explorer, show_explorer)


def install() -> None:
    ip = get_ipython()
    matplotlib_magic = ip.find_line_magic("matplotlib")

    def matplotlib_inline(line=""):
        matplotlib_magic("inline")
        register_formatters(ip)      # after %matplotlib inline, which sets its own Figure formatter

    ip.register_magic_function(matplotlib_inline, "line", "matplotlib")
    matplotlib_inline()
