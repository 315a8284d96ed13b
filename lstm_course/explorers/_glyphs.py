"""An Agg renderer that remembers the text it has drawn, so a slider move does not rasterise the
same letters again.

Why: after the frame cache (``_frame.py``), what is left of a text-heavy explorer's redraw is
mostly text that moves with the data or changes its value (a value over each bar, a gate's
number, a label on a moving box): 39 texts and about 180 glyphs a frame in the whole-cell
diagram. With matplotlib 3.9+, Agg lays each string out with FreeType (``font._layout``) and
renders every glyph on its own (``font._render_glyph``) on every draw: 13 of the whole-cell
figure's 27 ms a frame. Most of that work repeats itself from one move to the next.

How, and why the pixels stay the same: FreeType places a glyph at a position in 1/64 px. A
whole-pixel part of that position only moves the glyph's bitmap (the outline is shifted by whole
pixels, so its coverage is the same); only the 1/64 remainder changes the bitmap itself. So the
renderer keeps each glyph's bitmap by (font, size, dpi, glyph, transform, remainder, hinting,
antialiasing) and pastes it at the whole-pixel part, and keeps each string's layout by (font,
size, dpi, string, hinting, features, language). ``tests/test_glyph_cache.py`` checks the result
against matplotlib's own renderer pixel for pixel.

It relies on private parts of matplotlib's Agg renderer (those of 3.9-3.11: ``matplotlib`` is
pinned in constraints.txt). Where they are missing, ``GlyphCachingRenderer`` is matplotlib's
``RendererAgg`` unchanged (``CACHES_GLYPHS`` is False), only slower.
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.backends import backend_agg
from matplotlib.backends.backend_agg import RendererAgg

__all__ = ["GlyphCachingRenderer", "CACHES_GLYPHS", "clear"]

try:
    from matplotlib.ft2font import FT2Font, RenderMode
except ImportError:                           # matplotlib < 3.10
    FT2Font = RenderMode = None

CACHES_GLYPHS = (RenderMode is not None
                 and hasattr(RendererAgg, "_draw_text_glyphs_and_boxes")
                 and hasattr(FT2Font, "_render_glyph") and hasattr(FT2Font, "_set_transform")
                 and hasattr(FT2Font, "_layout") and hasattr(backend_agg, "get_hinting_flag"))

MAX_ENTRIES = 20_000     # a glyph bitmap with its key: about 500 bytes; at most some 10 MB a store
_glyphs: dict = {}
_layouts: dict = {}


def clear():
    """Forget every remembered glyph and layout."""
    _glyphs.clear()
    _layouts.clear()


def _remember(store, key, value):
    if len(store) >= MAX_ENTRIES:
        store.clear()                         # rare: a long sitting with much changing text
    store[key] = value
    return value


def _glyph(font, size, dpi, glyph_index, matrix, fx, fy, flags, antialiased):
    """(bitmap, left, top) of a glyph placed at (fx, fy) / 64 px (each in 0..63), from memory
    when it has been rendered before. ``font`` is kept in the key, so it stays alive: its id is
    never reused by another font while the entry exists."""
    key = (font, size, dpi, glyph_index, matrix, fx, fy, flags, antialiased)
    hit = _glyphs.get(key)
    if hit is not None:
        return hit
    font.set_size(size, dpi)
    font._set_transform(np.array(matrix).reshape(2, 2), [fx, fy])
    bitmap = font._render_glyph(glyph_index, flags, RenderMode.NORMAL if antialiased else RenderMode.MONO)
    pixels = np.array(bitmap.buffer)          # our own copy: the cached bitmap is never changed
    if not antialiased:
        pixels *= 0xFF                        # MONO gives 0 or 1 a pixel
    return _remember(_glyphs, key, (pixels, bitmap.left, bitmap.top))


class GlyphCachingRenderer(RendererAgg):
    """``RendererAgg`` that remembers glyph bitmaps and string layouts across draws (module
    docstring). Drop-in: same constructor, same pixels."""

    if CACHES_GLYPHS:
        def _draw_text_glyphs_and_boxes(self, gc, x, y, angle, glyphs, boxes):
            # glyphs: (font, size, glyph index, slant, extend, dx, dy), dx and dy from the text's
            # origin (x, y), y measured downwards from the top, dy upwards (as matplotlib's)
            c, s = math.cos(math.radians(angle)), math.sin(math.radians(angle))
            flags = backend_agg.get_hinting_flag()
            antialiased = bool(gc.get_antialiased())
            for font, size, index, slant, extend, dx, dy in glyphs:
                # FreeType works upwards in 26.6 fixed point: 64 units a pixel
                matrix = tuple(int(round(0x10000 * v)) for v in
                               (c * extend, c * extend * slant - s, s * extend, s * extend * slant + c))
                px = round(0x40 * (x + dx * c - dy * s))
                py = round(0x40 * (self.height - y + dx * s + dy * c))
                whole_x, fx = divmod(px, 0x40)
                whole_y, fy = divmod(py, 0x40)
                pixels, left, top = _glyph(font, size, self.dpi, index, matrix, fx, fy, flags, antialiased)
                if pixels.size:
                    # the bitmap's bottom-left corner, in Agg's downward rows
                    self._renderer.draw_text_image(pixels, left + whole_x,
                                                   int(self.height) - (top + whole_y) + pixels.shape[0], 0, gc)
            if boxes:                         # mathtext's rules (fraction bars, roots): as matplotlib
                super()._draw_text_glyphs_and_boxes(gc, x, y, angle, (), boxes)

        def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
            if ismath:
                return self.draw_mathtext(gc, x, y, s, prop, angle)
            font = self._prepare_font(prop)
            flags = backend_agg.get_hinting_flag()
            features = mtext.get_fontfeatures() if mtext is not None else None
            language = mtext.get_language() if mtext is not None else None
            size = prop.get_size_in_points()
            key = (font, size, self.dpi, s, flags,
                   tuple(features) if features is not None else None,
                   language if isinstance(language, (str, type(None))) else tuple(language))
            items = _layouts.get(key)
            if items is None:
                laid = font._layout(s, flags=flags, features=features, language=language)
                items = _remember(_layouts, key, tuple((item.ft_object, item.glyph_index, item.x, item.y)
                                                       for item in laid))
            self._draw_text_glyphs_and_boxes(
                gc, x, y, angle, ((f, size, index, 0, 1, gx, gy) for f, index, gx, gy in items), [])
