"""What a learner can read in every explorer's figure, measured from matplotlib's own extents.

Every explorer is built, put through its presets and the ends of its sliders, and drawn with Agg
after each step. The texts that draw (matplotlib's ``Text.draw`` is watched, so tick labels
outside the view and empty strings do not count) must be

- at least 11 px high at 100% zoom: points x dpi / 72 with the figure's dpi, the scale ipympl
  shows it at (its canvas is ``figwidth x dpi / device_pixel_ratio`` CSS pixels wide, and it
  multiplies the dpi by that ratio on dense screens, so one point is dpi / 72 CSS pixels);
- inside the figure;
- clear of one another: no two texts' boxes overlap (the boxes are ``get_window_extent``,
  which hugs the letters, so touching is allowed and a 1 px overlap is rounding);
and no legend box may cover a point of a line plotted in data coordinates (lines across the
axes, ``axhline`` and ``axvline``, are guides like the grid and may pass under a legend), and
no marker may be cut in half by the edge of its axes.
"""

from __future__ import annotations

import contextlib
import itertools
import re

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from test_explorers import EXPLORERS, ends, value_controls

MIN_PX = 11.0
SLACK = 1.0          # px of overlap tolerated between two texts' boxes (rounding of the extents)


@contextlib.contextmanager
def drawn_texts():
    """Collect every Text that really draws (visible, non-empty) during the draws inside."""
    seen = []
    original = Text.draw

    def draw(self, renderer):
        original(self, renderer)
        if self.get_visible() and self.get_text().strip() and self not in seen:
            seen.append(self)

    Text.draw = draw
    try:
        yield seen
    finally:
        Text.draw = original


def _describe(t):
    where = t.axes.get_title() if t.axes is not None else "figure"
    return f"{t.get_text()!r} (in {where!r})"


def _clipped_extent(t, renderer):
    box = t.get_window_extent(renderer)
    clip = t.get_clip_box() if t.get_clip_on() else None
    if clip is not None:
        inter = Bbox.intersection(box, clip)
        return inter
    return box


def _line_points(line):
    """A plotted line's points in display pixels, with 8 extra points on every segment (a legend
    can sit on a line between two of its data points)."""
    xy = line.get_xydata()
    if len(xy) == 0:
        return np.empty((0, 2))
    pts = line.get_transform().transform(xy)
    pts = pts[np.isfinite(pts).all(axis=1)]
    if line.get_linestyle() in ("None", "none", "", " ") or len(pts) < 2:
        return pts
    t = np.linspace(0, 1, 9)[:-1, None, None]
    seg = pts[:-1][None] + t * (pts[1:] - pts[:-1])[None]
    return np.vstack([seg.reshape(-1, 2), pts[-1:]])


def layout_problems(fig):
    """Every rule the figure breaks as it stands, as sentences (an empty list: all is well)."""
    with drawn_texts() as texts:
        fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    problems = []
    W, H = fig.bbox.width, fig.bbox.height
    boxes = []
    for t in texts:
        px = t.get_fontsize() * fig.dpi / 72
        if px < MIN_PX - 1e-9:
            problems.append(f"{_describe(t)} is {px:.1f} px high (at least {MIN_PX:.0f})")
        box = _clipped_extent(t, renderer)
        if box is None:          # clipped away entirely: not seen
            continue
        if box.x0 < -SLACK or box.y0 < -SLACK or box.x1 > W + SLACK or box.y1 > H + SLACK:
            problems.append(f"{_describe(t)} runs outside the figure: {np.round(box.extents)} in {W:.0f} x {H:.0f}")
        boxes.append((t, box))
    for (a, ba), (b, bb) in itertools.combinations(boxes, 2):
        w = min(ba.x1, bb.x1) - max(ba.x0, bb.x0)
        h = min(ba.y1, bb.y1) - max(ba.y0, bb.y0)
        if w > SLACK and h > SLACK:
            problems.append(f"{_describe(a)} overlaps {_describe(b)} by {w:.0f} x {h:.0f} px")
    legends = [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None] + list(fig.legends)
    for legend in legends:
        if not legend.get_visible():
            continue
        box = legend.get_window_extent(renderer)
        for ax in fig.axes:
            for line in ax.get_lines():
                if not line.get_visible() or line.get_transform() != ax.transData:
                    continue          # guides across the axes (axhline, axvline) are not data
                pts = _line_points(line)
                if line.get_clip_on():
                    clip = ax.bbox
                    pts = pts[(pts[:, 0] >= clip.x0) & (pts[:, 0] <= clip.x1)
                              & (pts[:, 1] >= clip.y0) & (pts[:, 1] <= clip.y1)]
                inside = ((pts[:, 0] > box.x0 + SLACK) & (pts[:, 0] < box.x1 - SLACK)
                          & (pts[:, 1] > box.y0 + SLACK) & (pts[:, 1] < box.y1 - SLACK))
                if inside.any():
                    first = legend.texts[0].get_text() if legend.texts else ""
                    problems.append(f"the legend starting {first!r} covers the line {line.get_label()!r} "
                                    f"of {ax.get_title()!r} ({inside.sum()} points)")
    for ax in fig.axes:
        for line in ax.get_lines():
            if (not line.get_visible() or not line.get_clip_on() or line.get_marker() in ("None", "none", "", " ", None)
                    or line.get_transform() != ax.transData or line.get_markersize() < 5):
                continue          # (dots under 5 pt lose a pixel or two at an edge: nobody sees that)
            pts = line.get_transform().transform(line.get_xydata())
            pts = pts[np.isfinite(pts).all(axis=1)]
            r = line.get_markersize() * fig.dpi / 72 / 2 - SLACK      # the marker's half width, px
            box = ax.bbox
            inside = ((pts[:, 0] > box.x0) & (pts[:, 0] < box.x1) & (pts[:, 1] > box.y0) & (pts[:, 1] < box.y1))
            near = inside & ((pts[:, 0] < box.x0 + r) | (pts[:, 0] > box.x1 - r)
                             | (pts[:, 1] < box.y0 + r) | (pts[:, 1] > box.y1 - r))
            if near.any():
                problems.append(f"{near.sum()} marker(s) of {line.get_label()!r} in {ax.get_title()!r} are cut "
                                f"by the edge of the axes")
    return problems


def _states(ex):
    """Set the explorer to each state worth looking at; yield a name for each."""
    yield "start"
    for label in ex.presets:
        ex.apply_preset(label)
        yield f"preset {label!r}"
    for control in value_controls(ex):
        start = control.value
        for value in ends(control)[:-1]:
            control.value = value
            yield f"{control.description}={value}"
        control.value = start


@pytest.mark.parametrize("cls", EXPLORERS, ids=lambda c: c.__name__)
def test_figure_text_is_large_enough_apart_and_inside(cls):
    ex = cls()
    if ex._frame is not None:          # draw every artist itself, not the cached picture
        ex._frame.release()
        ex._frame = None
    found = {}
    for state in _states(ex):
        assert ex.status.value == "", f"{state}: {ex.status.value}"
        for problem in layout_problems(ex.fig):
            found.setdefault(problem, state)
    plt.close(ex.fig)
    report = [f"  {state}: {p}" for p, state in found.items()]
    assert not found, f"{cls.__name__}:\n" + "\n".join(report[:25]) + ("\n  ..." if len(report) > 25 else "")


# --- the controls: slider tracks, rows that wrap, preset buttons ---------------------------------

# ipywidgets 8 in JupyterLab (its CSS): a slider row is the label, 8 px, the track with 6 px of
# margin on each side, then the readout, at least 72 px wide with 4 px of margin
ROW_EXTRA_PX = 8 + 6 + 6 + 72 + 4
MIN_TRACK_PX = 150
NARROWEST_PX = 592 - 12            # the output area at 1024 px with the file browser open, less padding


def _px(size):
    assert isinstance(size, str) and size.endswith("px"), size
    return float(size[:-2])


def label_width(description):
    """The label's width in px, measured with matplotlib's font metrics at 13 px (JupyterLab's
    widget font size) in DejaVu Sans, wider than the usual interface fonts; math between $...$
    measured as mathtext lays it out (MathJax's is close)."""
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.font_manager import FontProperties
    renderer = RendererAgg(10, 10, 72)          # 72 dpi: 13 pt = 13 px
    ismath = description.count("$") >= 2
    w, _, _ = renderer.get_text_width_height_descent(description, FontProperties(family="DejaVu Sans", size=13),
                                                     ismath=ismath)
    return w


def _boxes(widget):
    out = [widget] if isinstance(widget, widgets.Box) else []
    for child in getattr(widget, "children", ()):
        out += _boxes(child)
    return out


@pytest.mark.parametrize("cls", EXPLORERS, ids=lambda c: c.__name__)
def test_slider_tracks_are_long_enough_and_rows_wrap(cls):
    ex = cls()
    sliders = [c for c in ex.leaf_controls() if isinstance(c, (widgets.FloatSlider, widgets.IntSlider))]
    for s in sliders:
        width, least = _px(s.layout.width), _px(s.layout.min_width)
        assert least == width, f"{s.description!r}: min_width {s.layout.min_width} != width {s.layout.width}"
        assert s.style.description_width == "initial", s.description
        track = width - ROW_EXTRA_PX - label_width(s.description)
        assert track >= MIN_TRACK_PX, f"{s.description!r}: a track of {track:.0f} px in {width:.0f}"
        assert width <= NARROWEST_PX, f"{s.description!r} is {width:.0f} px wide"
    for box in _boxes(ex.control_box()):
        if isinstance(box, widgets.HBox):
            assert "wrap" in (box.layout.flex_flow or ""), f"{cls.__name__}: a row that cannot wrap: {box.children}"
    for label, button in ex.preset_buttons.items():
        assert button.description == label
        assert button.layout.width == "auto" and button.layout.flex == "0 0 auto", label
    plt.close(ex.fig)


# --- math typeset: no raw x_t, h_{t-1}, h_(t-1) outside $...$ --------------------------------------

# a one-letter symbol (or d and one, as in dh_t) with a subscript; code names such as max_norm,
# weight_ih and rnn_forward are words, not symbols
RAW_SUBSCRIPT = re.compile(r"(?<![A-Za-z0-9_\\])d?[A-Za-z]_(\{[^}]*\}|\([^)]*\)|[A-Za-z0-9]{1,3}\b)")


def raw_subscripts(text):
    if text.count("$") % 2:
        return [f"unbalanced $ in {text!r}"]
    outside = re.sub(r"\$[^$]*\$", " ", text)
    return [m.group(0) for m in RAW_SUBSCRIPT.finditer(outside)]


def test_the_raw_subscript_check_can_fail():
    assert raw_subscripts("old memory c_{t-1}") == ["c_{t-1}"]
    assert raw_subscripts("||dh_t/dh_(t-1)||") == ["dh_t", "dh_(t-1)"]
    assert raw_subscripts("x_t[1]") == ["x_t"]
    assert raw_subscripts("old memory $c_{t-1}$, weight_ih, clip threshold (max norm), rnn_forward") == []
    assert raw_subscripts("c<sub>t-1</sub>") == []


def learner_texts(ex):
    """(where, text) for every label, title, axis label, legend entry and text a learner reads."""
    out = [("label", c.description) for c in ex.leaf_controls() if getattr(c, "description", "")]
    for ax in ex.fig.axes:
        out += [("axes", t) for t in (ax.get_title(), ax.get_xlabel(), ax.get_ylabel()) if t]
        out += [("tick", t.get_text()) for t in ax.get_xticklabels() + ax.get_yticklabels()]
        out += [("text", t.get_text()) for t in ax.texts]
        if ax.get_legend() is not None:
            out += [("legend", t.get_text()) for t in ax.get_legend().texts]
    out += [("legend", t.get_text()) for legend in ex.fig.legends for t in legend.texts]
    # the readout as the browser gets it: subscripts as <sub>...</sub>
    html_text = re.sub(r"<sub>[^<]*</sub>", "", ex.readout.value)
    out.append(("readout", re.sub(r"<[^>]+>", " ", html_text)))
    return out


@pytest.mark.parametrize("cls", EXPLORERS, ids=lambda c: c.__name__)
def test_math_is_typeset_in_labels_titles_legends_and_readouts(cls):
    ex = cls()
    found = []
    for state in _states(ex):
        for where, text in learner_texts(ex):
            for raw in raw_subscripts(text):
                found.append(f"{state}: {where} {text[:80]!r}: {raw}")
    plt.close(ex.fig)
    found = list(dict.fromkeys(found))
    assert not found, f"{cls.__name__}:\n  " + "\n  ".join(found[:20])
