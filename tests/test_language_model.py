"""lstm_course.demos.language_model: the alphabet, batches, temperature, perplexity and the probes, each checked
against numbers written out here by hand."""

import math

import numpy as np
import pytest

from lstm_course.demos import language_model as tx
from lstm_core.models import SequenceModel


def test_encode_decode_round_trip_and_sorted_ids():
    v = tx.Vocab("hello world")
    assert v.chars == " dehlorw" and v.size == 8 and len(v) == 8
    ids = v.encode("world hello")
    np.testing.assert_array_equal(ids, [7, 5, 6, 4, 1, 0, 3, 2, 4, 4, 5])
    assert v.decode(ids) == "world hello"
    assert v.decode(v.encode("")) == ""
    assert v.keep_known("hello, WORLD!") == "hello "


def test_the_corpus_round_trips_and_splits_at_a_line_start():
    text = tx.load_corpus()
    v = tx.Vocab(text)
    assert v.decode(v.encode(text)) == text
    assert 150_000 < len(text) < 300_000 and text.isascii()
    train, held = tx.split_text(text)
    assert train + held == text
    assert train.endswith("\n")
    assert 0.09 < len(held) / len(text) < 0.11


def test_windows_are_inputs_and_next_characters():
    ids = np.arange(20) * 3
    xs, ys = tx.windows(ids, np.array([0, 5, 13]), 6)
    assert xs.shape == ys.shape == (3, 6)
    np.testing.assert_array_equal(xs[1], [15, 18, 21, 24, 27, 30])
    np.testing.assert_array_equal(ys[1], [18, 21, 24, 27, 30, 33])
    np.testing.assert_array_equal(ys[:, :-1], xs[:, 1:])       # the target is the next input


def test_random_windows_shapes_range_and_seed():
    ids = np.arange(500)
    xs, ys = tx.random_windows(ids, 8, 30, rng=3)
    assert xs.shape == ys.shape == (8, 30)
    np.testing.assert_array_equal(ys, xs + 1)                  # consecutive ids: target = input + 1
    assert ys.max() <= 499
    xs2, _ = tx.random_windows(ids, 8, 30, rng=np.random.default_rng(3))
    np.testing.assert_array_equal(xs, xs2)


def test_uniform_model_has_perplexity_V():
    V, N = 7, 50
    rng = np.random.default_rng(0)
    targets = rng.integers(0, V, N)
    probs = np.full((N, V), 1.0 / V)
    assert tx.perplexity(probs, targets) == pytest.approx(V, rel=1e-12)
    assert tx.cross_entropy(probs, targets) == pytest.approx(math.log(V), rel=1e-12)


def test_perplexity_by_hand():
    probs = np.array([[0.5, 0.25, 0.25], [0.1, 0.8, 0.1], [0.2, 0.2, 0.6]])
    targets = np.array([0, 1, 2])
    want = math.exp(-(math.log(0.5) + math.log(0.8) + math.log(0.6)) / 3)
    assert tx.perplexity(probs, targets) == pytest.approx(want, rel=1e-12)


def test_unigram_counts_with_add_one_smoothing():
    train = np.array([0, 0, 0, 1])                 # V = 3: char 2 never seen
    p = tx.unigram_probs(train, 3)
    np.testing.assert_allclose(p, [4 / 7, 2 / 7, 1 / 7])
    np.testing.assert_allclose(tx.unigram_probs(train, 3, smoothing=0), [0.75, 0.25, 0.0])
    test = np.array([0, 2])
    assert tx.unigram_perplexity(train, test, 3) == pytest.approx(math.exp(-(math.log(4 / 7) + math.log(1 / 7)) / 2))


def test_temperature_sharpens_flattens_and_zero_is_argmax():
    z = np.array([2.0, 1.0, 0.5, -1.0])
    e = np.exp(z - z.max())
    np.testing.assert_allclose(tx.apply_temperature(z, 1.0), e / e.sum())
    e2 = np.exp((z - z.max()) / 0.5)
    np.testing.assert_allclose(tx.apply_temperature(z, 0.5), e2 / e2.sum())
    np.testing.assert_array_equal(tx.apply_temperature(z, 0), [1.0, 0.0, 0.0, 0.0])
    assert tx.apply_temperature(z, 0.01)[0] == pytest.approx(1.0)          # the limit T -> 0
    assert np.ptp(tx.apply_temperature(z, 100.0)) < 0.01                   # nearly uniform
    np.testing.assert_allclose(tx.apply_temperature(np.array([1.0, 3.0, 3.0]), 0), [0, 0.5, 0.5])


@pytest.fixture(scope="module")
def tiny():
    text = "abc (ab) \"ca\". ba.\n   cab\n"
    vocab = tx.Vocab(text)
    model = SequenceModel("lstm", vocab.size, 6, vocab.size, seed=4)
    model.b_y[:] = np.linspace(-1, 1, vocab.size)
    return text, vocab, model


def test_run_text_in_chunks_equals_one_call_and_the_step_by_step_loop(tiny):
    text, vocab, model = tiny
    ids = vocab.encode(text)
    one = model.forward(ids[None])
    tr = tx.run_text(model, ids, chunk=5)
    np.testing.assert_allclose(tr.logits, one.y[0], atol=1e-12)
    np.testing.assert_allclose(tr.c, one.trace.c[0], atol=1e-12)
    np.testing.assert_allclose(tr.f, one.trace.f[0], atol=1e-12)
    # the sampler's own step, written out here again from the gate views
    h = c = np.zeros(6)
    for t, v in enumerate(ids):
        g = {k: model.cell.gate(k) for k in "figo"}
        pre = {k: g[k].W_x[:, v] + g[k].W_h @ h + g[k].b for k in "figo"}
        sig = {k: 1 / (1 + np.exp(-pre[k])) for k in "fio"}
        c = sig["f"] * c + sig["i"] * np.tanh(pre["g"])
        h = sig["o"] * np.tanh(c)
        np.testing.assert_allclose(model.W_hy @ h + model.b_y, tr.logits[t], atol=1e-12)
    st = tx._Stepper(model)
    h = c = np.zeros(6)
    for t, v in enumerate(ids):
        y, h, c = st.step(v, h, c)
    np.testing.assert_allclose(y, tr.logits[-1], atol=1e-12)


def test_model_perplexity_is_exp_of_the_mean_nll(tiny):
    text, vocab, model = tiny
    ids = vocab.encode(text)
    y = model.forward(ids[None]).y[0]
    logp = y - y.max(axis=1, keepdims=True)
    logp = logp - np.log(np.exp(logp).sum(axis=1, keepdims=True))
    want = math.exp(-np.mean(logp[np.arange(len(ids) - 1), ids[1:]]))
    assert tx.model_perplexity(model, ids) == pytest.approx(want, rel=1e-10)


def test_sampling_is_seeded_and_temperature_zero_is_greedy(tiny):
    _, vocab, model = tiny
    a = tx.sample(model, vocab, "ab", 30, temperature=1.0, seed=5)
    assert len(a) == 30 and set(a) <= set(vocab.chars)
    assert a == tx.sample(model, vocab, "ab", 30, temperature=1.0, seed=5)
    assert a != tx.sample(model, vocab, "ab", 30, temperature=1.0, seed=6)
    greedy = tx.sample(model, vocab, "ab", 8, temperature=0, seed=1)
    # greedy by hand: the argmax of the logits after the prompt plus what was chosen so far
    prompt = "ab"
    for ch in greedy:
        y = model.forward(vocab.encode(prompt)[None]).y[0, -1]
        assert ch == vocab.chars[int(np.argmax(y))]
        prompt += ch
    assert greedy == tx.sample(model, vocab, "ab", 8, temperature=0, seed=99)
    p = tx.next_char_probs(model, vocab, "ab", 0.5)
    y = model.forward(vocab.encode("ab")[None]).y[0, -1] / 0.5
    np.testing.assert_allclose(p, np.exp(y - y.max()) / np.exp(y - y.max()).sum())


def test_indicators_by_hand():
    text = 'a (b) "c" d\n   x(y\n'
    ind = tx.indicators(text)
    np.testing.assert_array_equal(ind["inside parentheses"],
                                  [0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1])
    np.testing.assert_array_equal(ind["inside quotes"], [0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
    np.testing.assert_array_equal(ind["code line"], [0] * 12 + [1] * 6 + [0])
    np.testing.assert_allclose(ind["position in line"] * 80, list(range(1, 12)) + [0] + list(range(1, 7)) + [0])
    lit = tx.indicators("a ``x = 1`` b ``y``.\n\n``z\n\nq")["inside ``literal``"]
    assert "".join(str(int(v)) for v in lit) == "0011111111100011111000111000"


def test_correlations_and_best_units():
    rng = np.random.default_rng(0)
    x = (rng.random(200) > 0.5).astype(float)
    acts = rng.normal(size=(200, 4))
    acts[:, 2] = -3 * x + 0.1 * acts[:, 2]       # unit 2 follows x (with a minus sign)
    acts[:, 3] = 5.0                             # a constant unit: correlation 0
    r = tx.unit_correlations(acts, x)
    want = [np.corrcoef(acts[:, k], x)[0, 1] for k in range(3)]
    np.testing.assert_allclose(r[:3], want, atol=1e-12)
    assert r[3] == 0.0 and r[2] < -0.99
    assert list(tx.best_units(acts, x, k=1)) == [2]


def test_forget_at_boundaries_by_hand():
    text = "Ab. Cd. e"
    f = np.arange(len(text) * 2, dtype=float).reshape(-1, 2)
    mask = tx.after_marker(text)
    np.testing.assert_array_equal(np.flatnonzero(mask), [3, 7])
    at, elsewhere = tx.forget_at_boundaries(f, text)
    np.testing.assert_allclose(at, (f[3] + f[7]) / 2)
    np.testing.assert_allclose(elsewhere, np.delete(f, [3, 7], axis=0).mean(axis=0))


@pytest.mark.parametrize("call, exc, match", [
    (lambda: tx.Vocab(""), TypeError, "text"),
    (lambda: tx.Vocab("ab").encode("abc"), ValueError, "'c'"),
    (lambda: tx.Vocab("ab").decode([0, 2]), ValueError, r"ids must be ids in \[0, 1\]"),
    (lambda: tx.Vocab("ab").decode([0.5]), TypeError, "ids"),
    (lambda: tx.split_text("abc", held_out=1.5), ValueError, "held_out"),
    (lambda: tx.windows(np.arange(10), np.array([5]), 5), ValueError, "starts"),
    (lambda: tx.random_windows(np.arange(5), 2, 10, 0), ValueError, "seq_len"),
    (lambda: tx.random_windows(np.arange(50), 0, 10, 0), ValueError, "batch_size"),
    (lambda: tx.apply_temperature(np.zeros(3), -1.0), ValueError, "temperature"),
    (lambda: tx.apply_temperature(np.zeros(3), float("nan")), ValueError, "temperature"),
    (lambda: tx.perplexity(np.full((2, 2), 0.5), np.array([0])), ValueError, "targets"),
    (lambda: tx.perplexity(np.full((2, 2), 0.7), np.array([0, 1])), ValueError, "probs"),
    (lambda: tx.unigram_probs(np.array([0, 3]), 3), ValueError, "ids"),
    (lambda: tx.unit_correlations(np.zeros((5, 2)), np.zeros(4)), ValueError, "indicator"),
    (lambda: tx.forget_at_boundaries(np.zeros((3, 2)), "a. b"), ValueError, "f must have one row"),
    (lambda: tx.after_marker("a. b", ""), ValueError, "marker"),
    (lambda: tx.run_text("not a model", np.array([0])), TypeError, "model"),
    (lambda: tx.load_corpus("/nonexistent/file.txt"), ValueError, "path"),
    (lambda: tx.load_shipped("/nonexistent/weights.npz"), ValueError, "path"),
    (lambda: tx.find_units(np.zeros((3, 2)), "abcd"), ValueError, "acts must have one row"),
    (lambda: tx.indicators(""), TypeError, "text"),
    (lambda: tx.best_units(np.zeros((3, 2)), np.zeros(3), k=0), ValueError, "k"),
])
def test_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_bad_sampling_input(tiny):
    _, vocab, model = tiny
    with pytest.raises(ValueError, match="prompt"):
        tx.sample(model, vocab, "", 5)
    with pytest.raises(ValueError, match="length"):
        tx.sample(model, vocab, "ab", 0)
    with pytest.raises(ValueError, match="not in the vocabulary"):
        tx.next_char_probs(model, vocab, "xyz")
    with pytest.raises(ValueError, match="vocab must have the model's input size"):
        tx.next_char_probs(model, tx.Vocab("ab"), "ab")
