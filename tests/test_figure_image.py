"""The picture an explorer shows in a live notebook (kit.FigureImage): the figure drawn by Agg in
the kernel and sent whole as a PNG in an ipywidgets Image, in place of ipympl's canvas widget.

A live notebook is where the figure's canvas is a widget (ipympl); here the test says so to the
kit and checks the picture against the figure's own canvas drawing the same state, decoded by
another route (matplotlib's PNG reader), after every move."""

from __future__ import annotations

import io

import ipywidgets as widgets
import matplotlib.image
import numpy as np
import pytest

from lstm_course.explorers import ForgetGateExplorer, WholeCellExplorer, kit


def decoded(png: bytes) -> np.ndarray:
    return (matplotlib.image.imread(io.BytesIO(png), format="png")[..., :3] * 255).round().astype(int)


def canvas_pixels(fig) -> np.ndarray:
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba())[..., :3].astype(int)


@pytest.fixture
def live(monkeypatch):
    monkeypatch.setattr(kit, "_is_widget_canvas", lambda canvas: True)
    monkeypatch.delenv(kit.FIGURE_ENV, raising=False)


@pytest.mark.parametrize("cls", [ForgetGateExplorer, WholeCellExplorer])
def test_the_picture_is_the_figure_after_every_move(live, cls):
    ex = cls()
    figure = [w for w in ex.widget.children if isinstance(w, widgets.Image)]
    assert len(figure) == 1, "a live explorer shows its figure as one picture"
    picture = figure[0]
    width, height = (int(round(v)) for v in ex.fig.bbox.size)
    slider = next(c for c in ex.leaf_controls() if isinstance(c, widgets.FloatSlider))
    for value in (slider.min, slider.max, slider.value + slider.step):
        before = picture.value
        slider.value = value
        assert picture.value != before, f"moving {slider.description} to {value} did not send a new picture"
        shown = decoded(picture.value)
        assert shown.shape == (height, width, 3), "the picture has the figure's own size in pixels"
        np.testing.assert_array_equal(shown, canvas_pixels(ex.fig))


def test_the_picture_scales_with_the_output_area_and_rows_wrap(live):
    ex = WholeCellExplorer()
    picture = next(w for w in ex.widget.children if isinstance(w, widgets.Image))
    assert picture.layout.max_width == "100%" and picture.layout.height == "auto"
    boxes, todo = [], list(ex.widget.children)
    while todo:
        w = todo.pop()
        if isinstance(w, widgets.Box):
            boxes.append(w)
            todo += list(w.children)
    rows = [b for b in boxes if isinstance(b, widgets.HBox)]
    assert rows, "WholeCellExplorer lays its sliders out in rows"
    assert all(b.layout.flex_flow == "row wrap" for b in rows)


def test_the_canvas_widget_is_still_there_on_request(live, monkeypatch):
    monkeypatch.setenv(kit.FIGURE_ENV, "canvas")
    ex = ForgetGateExplorer()
    assert ex._figure_widget() is ex.fig.canvas, "LSTM_COURSE_FIGURE=canvas shows ipympl's canvas widget"
    assert ex._image is None


def test_a_title_that_changes_is_drawn_with_the_data_after_its_first_change():
    """UnrollExplorer writes the step into a title; the frame is drawn again at the first change
    only (each frame render costs several redraws), and the picture still shows the new title:
    it equals a full draw without the cached frame."""
    from lstm_course.explorers import UnrollExplorer

    ex = UnrollExplorer()
    title = ex.ax_b.title
    ex.t_slider.value = 2
    picture = ex._frame.image
    assert title in ex._frame.live
    for t in (3, 4, 5):
        ex.t_slider.value = t
        assert ex._frame.image is picture, f"t = {t}: the frame was drawn again"
        assert title.get_text().endswith(f"t = {t}")
        cached = canvas_pixels(ex.fig)
        ex._frame.release()
        full = canvas_pixels(ex.fig)
        ex._frame.refresh()
        assert ex._frame.image is not picture        # released and drawn again for the comparison
        picture = ex._frame.image
        differ = (np.abs(cached - full).max(axis=-1) > 60).mean()
        assert differ < 0.004, f"t = {t}: {differ:.2%} of pixels differ from a full draw"


def test_the_png_encoder_round_trips_through_other_decoders():
    """kit's own PNG writer (_png.py), read back by Pillow and by matplotlib's reader: the same
    pixels, alpha included, for odd sizes and random colours (no flat areas to hide behind)."""
    from PIL import Image

    from lstm_course.explorers._png import encode_png

    rng = np.random.default_rng(0)
    for shape in [(1, 1, 4), (3, 7, 4), (61, 33, 4)]:
        rgba = rng.integers(0, 256, size=shape, dtype=np.uint8)
        png = encode_png(rgba)
        with Image.open(io.BytesIO(png)) as im:
            assert im.mode == "RGBA" and im.size == (shape[1], shape[0])
            np.testing.assert_array_equal(np.asarray(im), rgba)
        back = (matplotlib.image.imread(io.BytesIO(png), format="png") * 255).round().astype(np.uint8)
        np.testing.assert_array_equal(back, rgba)
    with pytest.raises(ValueError, match=r"rgba must be a \(height, width, 4\) uint8 array"):
        encode_png(np.zeros((4, 4, 3), np.uint8))
