"""EmbeddingExplorer and MaskingExplorer (notebook 16). The readouts and the plotted artists are
compared with numbers computed here by hand: an LSTM written out gate by gate, run on each
sequence alone (what masking must give) and on the zero-padded batch (what it gives without),
cross-entropies from softmax by hand, distances between embedding rows by hand."""

import re

import numpy as np
import pytest

from lstm_course.demos.layers import CHARACTERS, group_of
from lstm_course.explorers.layers import T_MAX, EmbeddingExplorer, MaskingExplorer, _masking_setup, place_labels


def numbers(text):
    return [float(v) for v in re.findall(r"-?\d+\.\d+", text)]


def sig(z):
    return 1.0 / (1.0 + np.exp(-z))


def run(p, xs):
    """h_1..h_T of one sequence xs (T, D), gate by gate."""
    W = {g: (p.gate(g).W_x, p.gate(g).W_h, p.gate(g).b) for g in "figo"}
    h, c, out = np.zeros(p.hidden_size), np.zeros(p.hidden_size), []
    for x in xs:
        z = {g: W[g][0] @ x + W[g][1] @ h + W[g][2] for g in "figo"}
        c = sig(z["f"]) * c + sig(z["i"]) * np.tanh(z["g"])
        h = sig(z["o"]) * np.tanh(c)
        out.append(h)
    return np.array(out)


def ce(logits, k):
    return -(logits[k] - np.log(np.exp(logits).sum()))


def expected(lengths):
    p, xs, W, targets = _masking_setup()
    plain_total, masked_total, n_real, plain_h, masked_h = 0.0, 0.0, 0, [], []
    for b, n in enumerate(lengths):
        padded = np.concatenate([xs[b, :n], np.zeros((T_MAX - n, 2))])
        hp = run(p, padded)
        hm = run(p, xs[b, :n])
        hm = np.concatenate([hm, np.repeat(hm[-1:], T_MAX - n, axis=0)])       # frozen after the end
        plain_h.append(hp)
        masked_h.append(hm)
        for t in range(T_MAX):
            tag = targets[b, t] if t < n else 0
            plain_total += ce(W @ hp[t], tag)
            if t < n:
                masked_total += ce(W @ hm[t], tag)
                n_real += 1
    return plain_total / (3 * T_MAX), masked_total / n_real, np.array(plain_h), np.array(masked_h)


@pytest.mark.parametrize("lengths", [(8, 3, 5), (1, 1, 1), (8, 8, 8), (2, 7, 4)])
def test_masking_readout_and_lines(lengths):
    ex = MaskingExplorer()
    ex.set_values(length_sliders=lengths)
    plain, masked, hp, hm = expected(lengths)
    text = ex.readout.value
    assert f"(masked) {masked:.4f}" in text
    assert f"(no mask) {plain:.4f}" in text
    for b in range(3):
        np.testing.assert_allclose(ex.plain[b].get_ydata(), hp[b, :, 0], rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(ex.masked[b].get_ydata(), hm[b, :, 0], rtol=1e-10, atol=1e-12)
        assert f"sequence {b + 1}: {np.abs(hp[b, -1] - hm[b, -1]).max():.4f}" in text
        assert ex.shade[b].get_x() == pytest.approx(lengths[b] + 0.5)
    if lengths == (8, 8, 8):
        assert masked == pytest.approx(plain, rel=1e-12)
    else:
        assert abs(masked - plain) > 1e-3                                   # the padding leaks


def test_masking_presets():
    ex = MaskingExplorer()
    for label, want in (("all full", (8, 8, 8)), ("one short", (8, 1, 8)), ("mixed", (8, 3, 5))):
        ex.preset_buttons[label].click()
        assert ex.lengths_now() == want
        assert f"(masked) {expected(want)[1]:.4f}" in ex.readout.value


def distances(table):
    t = table[1:]
    g = group_of(np.arange(1, len(CHARACTERS) + 1))
    same, diff = [], []
    for a in range(len(t)):
        for b in range(len(t)):
            if a != b:
                d = float(np.sqrt(((t[a] - t[b]) ** 2).sum()))
                (same if g[a] == g[b] else diff).append(d)
    return np.mean(same), np.mean(diff)


@pytest.mark.parametrize("step", [0, 5, 75, 150])
def test_embedding_points_and_readout(step):
    ex = EmbeddingExplorer()
    ex.step_slider.value = step
    n = list(ex.snaps.steps).index(step)
    table = ex.snaps.tables[n]
    for k, dots in ex.dots.items():
        rows = [j + 1 for j in range(len(CHARACTERS)) if group_of(j + 1) == k]
        np.testing.assert_array_equal(np.column_stack(dots.get_data()), table[rows])
    for j, text in enumerate(ex.labels):
        assert text.get_text().strip() == CHARACTERS[j]
        assert text.xy == pytest.approx(tuple(table[j + 1]))          # the label points at its character
        assert np.hypot(*text.get_position()) < 60                   # and sits near it (points)
    same, diff = distances(table)
    text = ex.readout.value
    assert f"same kind {same:.3f}, of different kinds {diff:.3f}" in text
    assert f"Step {step}:" in text


def test_embedding_training_pulls_kinds_together():
    ex = EmbeddingExplorer()
    s0, d0 = distances(ex.snaps.tables[0])
    s1, d1 = distances(ex.snaps.tables[-1])
    assert d1 / s1 > 3 * (d0 / s0)
    ex.preset_buttons["trained"].click()
    assert ex.step_slider.value == 150


def test_bad_options():
    with pytest.raises(ValueError, match="lengths"):
        MaskingExplorer(lengths=(9, 1, 1))
    with pytest.raises(ValueError, match="step"):
        EmbeddingExplorer(step=1000)


def test_place_labels_keeps_labels_apart_inside_and_off_the_markers():
    rng = np.random.default_rng(3)
    pts = np.vstack([rng.normal([100, 100], 6, size=(6, 2)), rng.uniform(0, 400, size=(6, 2))])
    w, h, m = 12.0, 18.0, 6.0
    c = place_labels(pts, (w, h), m, (0, 0, 400, 400))
    for a in range(len(c)):           # checked pair by pair, box by box
        assert 0 <= c[a, 0] - w / 2 and c[a, 0] + w / 2 <= 400 and 0 <= c[a, 1] - h / 2 and c[a, 1] + h / 2 <= 400
        for b in range(len(c)):
            if a != b:
                assert abs(c[a, 0] - c[b, 0]) >= w or abs(c[a, 1] - c[b, 1]) >= h
        for p in pts:
            assert abs(c[a, 0] - p[0]) >= w / 2 + m or abs(c[a, 1] - p[1]) >= h / 2 + m
        assert np.hypot(*(c[a] - pts[a])) < 4 * (w + h)
