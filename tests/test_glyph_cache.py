"""The explorers' renderer that remembers glyphs and layouts (explorers/_glyphs.py) draws exactly
what matplotlib's own Agg renderer draws: compared pixel for pixel, for every explorer in every
state the layout test visits, and for text that is hardest to get right (rotated, slanted or
stretched glyphs, mathtext with rules, text without antialiasing, text moved by fractions of a
pixel, several sizes and dpi)."""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.backends.backend_agg import RendererAgg

from lstm_course.explorers import _glyphs
from lstm_course.explorers._glyphs import GlyphCachingRenderer
from test_explorers import EXPLORERS
from test_explorers_layout import _states


def pixels(fig, renderer_cls, renderer=None):
    width, height = (int(round(v)) for v in fig.bbox.size)
    r = renderer or renderer_cls(width, height, fig.dpi)
    r.clear()
    fig.draw(r)
    return np.asarray(r.buffer_rgba()).copy(), r


def test_the_pinned_matplotlib_has_what_the_cache_needs():
    """With the version in constraints.txt the cache is on (elsewhere it falls back to plain Agg)."""
    assert _glyphs.CACHES_GLYPHS, f"matplotlib {matplotlib.__version__}: the glyph cache is off"


def _compare(fig, what):
    plain, _ = pixels(fig, RendererAgg)
    first, r = pixels(fig, GlyphCachingRenderer)
    again, _ = pixels(fig, GlyphCachingRenderer, r)        # the second draw comes from memory
    for name, got in (("first draw", first), ("second draw", again)):
        diff = np.argwhere((got != plain).any(axis=-1))
        assert not len(diff), f"{what}, {name}: {len(diff)} pixels differ from Agg's, the first at row, col {diff[0]}"


@pytest.mark.parametrize("cls", EXPLORERS, ids=lambda c: c.__name__)
def test_every_explorer_draws_the_same_pixels(cls):
    ex = cls()
    try:
        if ex.fig is None:
            pytest.skip(f"{cls.__name__} has no figure")
        for state in _states(ex):
            _compare(ex.fig, f"{cls.__name__} at {state}")
    finally:
        plt.close(ex.fig)


@pytest.mark.parametrize("dpi", [72, 100, 150])
def test_hard_text_draws_the_same_pixels(dpi):
    _glyphs.clear()
    fig = plt.figure(figsize=(4, 3), dpi=dpi)
    try:
        ax = fig.add_axes([0.15, 0.15, 0.8, 0.75])
        ax.set_xlabel("time step $t$")
        ax.set_ylabel(r"$\frac{\partial L}{\partial c_{t-1}}$ gradient")       # a fraction bar: a rule
        ax.text(0.1, 0.8, r"$\sqrt{h_t^2 + c_t^2}$", fontsize=13)
        ax.text(0.2, 0.5, "rotated 30°", rotation=30, fontsize=11)
        ax.text(0.5, 0.2, "oblique", style="italic", fontsize=12)
        ax.text(0.6, 0.6, "no antialiasing", antialiased=False, fontsize=10)
        moving = ax.text(0.1, 0.1, "moving 0.731", fontsize=11)
        ax.set_title("f_t = σ(W x + b)")
        for k in range(12):                # a text that moves by fractions of a pixel, value changing
            moving.set_position((0.1 + k * 0.0013, 0.1 + k * 0.0021))
            moving.set_text(f"moving {0.731 + k / 1000:.3f}")
            _compare(fig, f"dpi {dpi}, move {k}")
    finally:
        plt.close(fig)


def test_the_second_draw_renders_no_glyph(monkeypatch):
    """The point of it: drawing the same figure again takes every glyph and layout from memory."""
    from matplotlib.ft2font import FT2Font

    from lstm_course.explorers import WholeCellExplorer

    ex = WholeCellExplorer()
    _, r = pixels(ex.fig, GlyphCachingRenderer)
    calls = []
    real = FT2Font._render_glyph
    monkeypatch.setattr(FT2Font, "_render_glyph", lambda self, *a, **k: calls.append(a) or real(self, *a, **k))
    pixels(ex.fig, GlyphCachingRenderer, r)
    plt.close(ex.fig)
    assert not calls, f"{len(calls)} glyphs were rendered again"
