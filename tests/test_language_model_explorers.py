"""Notebook 13's explorers: every number they show is recomputed here from the shipped model with
plain numpy (the model's forward pass, a softmax written out, np.corrcoef), not with the explorers'
own helpers."""

import html
import re

import numpy as np
import pytest

from lstm_course.demos import language_model as tx
from lstm_course.explorers.language_model import CellViewer, SamplingExplorer


@pytest.fixture(scope="module")
def shipped():
    return tx.load_shipped()


def last_logits(model, vocab, prompt):
    ids = np.array([vocab.chars.index(ch) for ch in prompt])
    return model.forward(ids[None]).y[0, -1]


def softmax_T(y, T):
    e = np.exp((y - y.max()) / T)
    return e / e.sum()


def sample_by_hand(model, vocab, prompt, n, T, seed):
    """Inverse-CDF sampling, one uniform number per character, the whole prefix re-read each time."""
    rng = np.random.default_rng(seed)
    out = ""
    for _ in range(n):
        p = softmax_T(last_logits(model, vocab, prompt + out), T)
        u = rng.random()
        out += vocab.chars[int(np.sum(np.cumsum(p) <= u))]
    return out


@pytest.mark.parametrize("T", [0.1, 0.5, 1.0, 2.0])
def test_bars_and_readout_follow_the_temperature(shipped, T):
    ex = SamplingExplorer(length=20)
    ex.temperature.value = T
    y = last_logits(shipped.model, shipped.vocab, "The ")
    p1, pt = softmax_T(y, 1.0), softmax_T(y, T)
    order = np.argsort(-p1)[:12]
    np.testing.assert_allclose([b.get_height() for b in ex.bars], pt[order], atol=1e-9)
    np.testing.assert_allclose([b.get_height() for b in ex.bars_t1], p1[order], atol=1e-9)
    labels = [t.get_text() for t in ex.ax.get_xticklabels()]
    assert labels == [{" ": "space", "\n": "newline"}.get(shipped.vocab.chars[i], shipped.vocab.chars[i])
                      for i in order]
    text = ex.readout_text
    assert f"p = {pt[order[0]]:.3f} at this temperature, {p1[order[0]]:.3f} at temperature 1" in text
    assert f"hold {pt[order].sum():.1%} of the probability" in text
    H = -(pt * np.log2(pt, where=pt > 0, out=np.zeros_like(pt))).sum()
    assert f"Spread (entropy): {H:.2f} bits" in text
    assert ("sharpens" in text) == (T < 1) and ("flattens" in text) == (T > 1)


def test_sampled_text_is_the_seeded_draw(shipped):
    ex = SamplingExplorer(length=25)
    for T, seed in ((0.8, 0), (1.5, 7)):
        with ex.hold():
            ex.temperature.value, ex.seed.value = T, seed
        want = sample_by_hand(shipped.model, shipped.vocab, "The ", 25, T, seed)
        assert ex.sampled == want
        assert html.unescape(re.sub(r"<[^>]+>", "", ex.output.value)) == "The " + want
    before = ex.sampled
    ex.resample.click()
    assert ex.seed.value == 8 and ex.sampled != before
    ex.seed.value = 99
    ex.resample.click()
    assert ex.seed.value == 0


def test_prompt_box(shipped):
    ex = SamplingExplorer(length=10)
    ex.prompt.value = "def f(x"
    y = last_logits(shipped.model, shipped.vocab, "def f(x")
    p = softmax_T(y, ex.temperature.value)
    assert f"p = {p.max():.3f} at this temperature" in ex.readout_text
    ex.prompt.value = "caf\u00e9 "                     # e-acute is not in the alphabet: left out
    assert "1 character(s) outside the alphabet left out" in ex.readout_text
    assert "Prompt 'caf '" in ex.readout_text
    ex.prompt.value = ""                               # nothing to read: start as at a new line
    assert ex.status.value == "" and "Prompt '\\n'" in ex.readout_text


@pytest.fixture(scope="module")
def excerpt_run(shipped):
    """The cell states and hidden states over the held-out text up to the excerpt's end, by one
    forward pass from a zero state."""
    held = shipped.held_text
    start = held.index("To deactivate a virtual environment")
    end = start + 720
    ids = np.array([shipped.vocab.chars.index(ch) for ch in held[:end]])
    tr = shipped.model.forward(ids[None]).trace
    return start, end, np.tanh(tr.c[0, start:end]), tr.h[0, start:end]


@pytest.mark.parametrize("unit", [0, 17, 127])
def test_cell_viewer_line_colours_and_readout(shipped, excerpt_run, unit):
    start, end, c, h = excerpt_run
    cv = CellViewer(unit=unit)
    assert cv.excerpt == shipped.held_text[start:end]
    v = c[:, unit]
    np.testing.assert_allclose(cv.line.get_ydata(), v, atol=1e-9)
    titles = re.findall(r"title='(?:newline: )?([-+]\d\.\d\d)'", cv.html.value)
    assert len(titles) == end - start
    np.testing.assert_allclose([float(t) for t in titles], v, atol=0.005 + 1e-9)
    strong = len(re.findall(r"font-weight:bold", cv.html.value))
    assert strong == sum(1 for ch, x in zip(cv.excerpt, v) if abs(x) > 0.5 and ch != "\n")
    text = cv.readout_text
    assert f"mean {v.mean():+.2f}, from {v.min():+.2f} to {v.max():+.2f}" in text
    assert f"{int((np.abs(v) > 0.5).sum())} characters have |value| > 0.5" in text
    cv.quantity.value = "hidden state h"
    np.testing.assert_allclose(cv.line.get_ydata(), h[:, unit], atol=1e-9)
    assert f"mean {h[:, unit].mean():+.2f}" in cv.readout_text


def code_line_by_hand(text):
    out = []
    for line in text.split("\n"):
        ind = line.startswith("  ")
        out += [1.0 if ind else 0.0] * len(line) + [0.0]
    return np.array(out[:len(text)])


def test_presets_jump_to_the_most_correlated_unit(shipped):
    cv = CellViewer(unit=0)
    c = np.tanh(tx.held_out_trace().c)
    x = code_line_by_hand(shipped.held_text)
    r = np.array([np.corrcoef(c[:, k], x)[0, 1] for k in range(c.shape[1])])
    best = int(np.argmax(np.abs(r)))
    label = f"code lines: unit {best}"                   # the button names the unit it jumps to
    cv.preset_buttons[label].click()
    assert cv.unit.value == best
    assert f"code line r = {r[best]:+.2f}" in cv.readout_text
    assert cv.preset_buttons[label].description == label
    pos = np.array([0.0 if ch == "\n" else 0 for ch in shipped.held_text])
    col = 0
    for t, ch in enumerate(shipped.held_text):
        col = 0 if ch == "\n" else col + 1
        pos[t] = col / 80
    rp = np.array([np.corrcoef(c[:, k], pos)[0, 1] for k in range(c.shape[1])])
    cv.preset_buttons[f"line position: unit {int(np.argmax(np.abs(rp)))}"].click()
    assert cv.unit.value == int(np.argmax(np.abs(rp)))


@pytest.mark.parametrize("marker, name", [(". ", "a full stop '. '"), ("\n\n", "a blank line")])
def test_forget_boundary_points_and_readout(shipped, marker, name):
    from lstm_course.explorers.language_model import ForgetBoundaryExplorer
    ex = ForgetBoundaryExplorer()
    ex.marker.value = marker
    ex.threshold.value = 0.05
    held = shipped.held_text
    f = tx.held_out_trace().f
    after = np.array([held[max(t - len(marker) + 1, 0):t + 1] == marker for t in range(len(held))])
    at, elsewhere = f[after].mean(axis=0), f[~after].mean(axis=0)
    drop = elsewhere - at
    sel = drop > 0.05
    got = np.vstack([ex.dropped.get_offsets(), ex.others.get_offsets()])
    want = np.vstack([np.column_stack([elsewhere[sel], at[sel]]), np.column_stack([elsewhere[~sel], at[~sel]])])
    np.testing.assert_allclose(got, want, atol=1e-12)
    np.testing.assert_allclose(ex.curve.get_ydata(), np.sort(drop)[::-1], atol=1e-12)
    assert list(ex.th_line.get_ydata()) == [0.05, 0.05]
    k = int(np.argmax(drop))
    text = ex.readout_text
    assert f"Right after {name} ({int(after.sum())} times" in text
    assert f"{int(sel.sum())} of 128 units have a mean forget gate lower by more than 0.05" in text
    assert f"unit {k}, mean f = {at[k]:.2f} right after the marker, {elsewhere[k]:.2f} elsewhere" in text
    assert ex.note.get_text() == f"unit {k}"
