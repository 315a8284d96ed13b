"""lstm_core.seq2seq: the encoder-decoder against a hand-written loop over lstm_step, every
gradient against central finite differences (teacher forcing, scheduled sampling, free running),
greedy decoding against stepping by hand, and beam search against greedy (width 1) and against
trying every output sequence (a width that keeps every candidate)."""

import itertools

import numpy as np
import pytest

import lstm_core as L
from lstm_core import seq2seq as S
from lstm_core import tasks


def small_model(seed=0, n_digits=3, H=4):
    m = S.Seq2Seq(n_digits=n_digits, hidden_size=H, seed=seed)
    rng = np.random.default_rng(seed + 100)
    for v in m.params.values():                 # larger, varied weights: every path carries gradient
        v += rng.normal(scale=0.5, size=v.shape)
    return m


def test_reverse_digits_is_the_string_backwards():
    src, tgt = tasks.reverse_digits(5, 4, n_digits=3, seed=7)
    assert src.shape == tgt.shape == (5, 4)
    assert src.min() >= 0 and src.max() <= 2
    for s, t in zip(src.tolist(), tgt.tolist()):
        assert t == list(reversed(s))
    again, _ = tasks.reverse_digits(5, 4, n_digits=3, seed=7)
    np.testing.assert_array_equal(src, again)


def test_tokens_and_decoder_targets_by_hand():
    assert S.tokens(3) == (3, 4)                     # EOS after the digits, BOS last
    inputs, outputs = S.decoder_targets(np.array([[2, 0, 1]]), 3)
    assert inputs.tolist() == [[4, 2, 0, 1]]
    assert outputs.tolist() == [[2, 0, 1, 3]]


def hand_forward(m, src, feed):
    """The model by hand: lstm_step over the source, then over ``feed`` (B, T) from the encoder's state."""
    V = m.input_size
    h = c = np.zeros((src.shape[0], m.hidden_size))
    for t in range(src.shape[1]):
        s = L.lstm_step(m.encoder, np.eye(V)[src[:, t]], h, c)
        h, c = s.h, s.c
    ys = []
    for t in range(feed.shape[1]):
        s = L.lstm_step(m.decoder, np.eye(V)[feed[:, t]], h, c)
        h, c = s.h, s.c
        ys.append(s.h @ m.W_hy.T + m.b_y)
    return np.stack(ys, axis=1)


def test_teacher_forced_forward_matches_stepping_by_hand():
    m = small_model(1)
    src, tgt = tasks.reverse_digits(3, 4, n_digits=3, seed=1)
    out = m.forward(src, tgt, teacher_forcing=1.0)
    feed = np.concatenate([np.full((3, 1), 4), tgt], axis=1)
    np.testing.assert_allclose(out.logits, hand_forward(m, src, feed), rtol=1e-12, atol=1e-13)
    assert out.logits.shape == (3, 5, 4)
    assert out.fed_true.all()


def test_the_fed_step_is_lstm_step_on_one_hot_inputs():
    m = small_model(9)
    rng = np.random.default_rng(0)
    tok, h, c = np.array([0, 4, 2]), rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    st = L.lstm_step(m.decoder, np.eye(5)[tok], h, c)
    h2, c2 = S._fed_step(m.decoder, tok, h, c)
    np.testing.assert_allclose(h2, st.h, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(c2, st.c, rtol=1e-12, atol=1e-14)


def test_free_running_feeds_its_own_argmax():
    m = small_model(2)
    src, tgt = tasks.reverse_digits(6, 4, n_digits=3, seed=2)
    out = m.forward(src, tgt, teacher_forcing=0.0)
    assert (out.inputs[:, 0] == m.bos).all() and not out.fed_true[:, 1:].any()
    np.testing.assert_array_equal(out.inputs[:, 1:], np.argmax(out.logits[:, :-1], axis=-1))
    np.testing.assert_allclose(out.logits, hand_forward(m, src, out.inputs), rtol=1e-12, atol=1e-13)
    greedy, _ = S.greedy_decode(m, src)
    np.testing.assert_array_equal(greedy, np.argmax(out.logits, axis=-1))


def test_scheduled_sampling_mixes_true_and_own_tokens():
    m = small_model(3)
    src, tgt = tasks.reverse_digits(400, 3, n_digits=3, seed=3)
    out = m.forward(src, tgt, teacher_forcing=0.7, seed=5)
    true_in, _ = S.decoder_targets(tgt, 3)
    own = np.argmax(out.logits[:, :-1], axis=-1)
    ft = out.fed_true[:, 1:]
    np.testing.assert_array_equal(out.inputs[:, 1:][ft], true_in[:, 1:][ft])
    np.testing.assert_array_equal(out.inputs[:, 1:][~ft], own[~ft])
    assert abs(ft.mean() - 0.7) < 0.05                     # 1200 draws: 4 standard deviations
    again = m.forward(src, tgt, teacher_forcing=0.7, seed=5)
    np.testing.assert_array_equal(again.inputs, out.inputs)


@pytest.mark.parametrize("ratio", [1.0, 0.5, 0.0])
def test_every_gradient_matches_finite_differences(ratio):
    m = small_model(4)
    src, tgt = tasks.reverse_digits(3, 3, n_digits=3, seed=4)
    out = m.forward(src, tgt, ratio, seed=9)
    grads = m.backward(out, m.loss(out).grad)
    assert set(grads) == set(m.params)
    for name, p in m.params.items():
        def f(v, p=p):
            old = p.copy()
            p[...] = v
            o = m.forward(src, tgt, ratio, seed=9)
            p[...] = old
            np.testing.assert_array_equal(o.inputs, out.inputs)  # the nudge must not change a fed guess
            return m.loss(o).value
        res = L.gradcheck(f, p.copy(), grads[name], tol=1e-6)
        assert res.ok, f"{name} at ratio {ratio}: {res}"


def test_loss_and_grads_is_forward_loss_backward():
    m = small_model(5)
    src, tgt = tasks.reverse_digits(2, 2, n_digits=3, seed=5)
    value, grads = m.loss_and_grads(src, tgt, 1.0)
    out = m.forward(src, tgt)
    logits = hand_forward(m, src, out.inputs)
    logp = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    want = -np.mean(np.take_along_axis(logp, out.outputs[..., None], -1))
    assert value == pytest.approx(want, rel=1e-12)


def test_step_and_greedy_decode_match_stepping_by_hand():
    m = small_model(6)
    src, _ = tasks.reverse_digits(4, 3, n_digits=3, seed=6)
    toks, logp = S.greedy_decode(m, src, steps=5)
    feed = np.full((4, 1), m.bos)
    for t in range(5):
        y = hand_forward(m, src, feed)[:, -1]
        lp = y - np.log(np.exp(y).sum(-1, keepdims=True))
        np.testing.assert_array_equal(toks[:, t], np.argmax(lp, -1))
        np.testing.assert_allclose(logp[:, t], lp.max(-1), rtol=1e-12)
        feed = np.concatenate([feed, toks[:, t:t + 1]], axis=1)


def test_beam_of_width_one_is_greedy():
    m = small_model(7)
    src, _ = tasks.reverse_digits(20, 3, n_digits=3, seed=7)
    toks, logp = S.greedy_decode(m, src, steps=6)
    for b in range(20):
        res = S.beam_search(m, src[b], beam_width=1, max_len=6)
        digits = S.strip_eos(toks[b], m.eos)
        assert res.best.tokens[:len(digits)] == digits
        n = len(res.best.tokens)
        assert res.best.score == pytest.approx(logp[b, :n].sum(), rel=1e-12)


def brute_force_best(m, src, max_len):
    """Score every output sequence of at most max_len steps (ending in EOS, or max_len long)."""
    best = None
    digits = range(m.n_digits)
    cands = [seq + (m.eos,) for n in range(max_len) for seq in itertools.product(digits, repeat=n)]
    cands += list(itertools.product(digits, repeat=max_len))
    for seq in cands:
        feed = np.array([[m.bos, *seq[:-1]]])
        y = hand_forward(m, src[None], feed)[0]
        lp = y - np.log(np.exp(y).sum(-1, keepdims=True))
        score = lp[np.arange(len(seq)), list(seq)].sum()
        if best is None or score > best[1]:
            best = (tuple(seq), score)
    return best


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_beam_wide_enough_finds_the_best_sequence(seed):
    m = small_model(10 + seed, n_digits=2, H=3)
    src = np.array([1, 0, 1])
    res = S.beam_search(m, src, beam_width=3 ** 3, max_len=3)      # K = 3 classes: keeps every candidate
    seq, score = brute_force_best(m, src, 3)
    assert res.best.tokens == seq
    assert res.best.score == pytest.approx(score, rel=1e-12)


def test_beam_steps_keep_at_most_width_beams_best_first():
    m = small_model(8)
    res = S.beam_search(m, np.array([0, 1, 2, 1]), beam_width=3)
    for kept in res.steps:
        assert 1 <= len(kept) <= 3
        scores = [b.score for b in kept]
        assert scores == sorted(scores, reverse=True)
    assert res.best in res.finished


def test_training_lowers_the_loss_quickly():
    m = S.Seq2Seq(n_digits=4, hidden_size=16, seed=0)
    h = S.train(m, 60, lengths=(2, 3), batch_size=16, seed=0)
    assert np.mean(h.loss[-10:]) < 0.7 * np.mean(h.loss[:5])


def test_bad_input_names_the_argument():
    m = S.Seq2Seq(n_digits=3, hidden_size=4)
    with pytest.raises(ValueError, match="src must hold digits in \\[0, 2\\]"):
        m.forward(np.array([[0, 3]]), np.array([[0, 1]]))
    with pytest.raises(ValueError, match="src must have shape \\(B, L\\)"):
        m.forward(np.array([0, 1]), np.array([[0, 1]]))
    with pytest.raises(TypeError, match="src must be integer digits"):
        m.forward(np.array([[0.0, 1.0]]), np.array([[0, 1]]))
    with pytest.raises(ValueError, match="teacher_forcing must be <= 1"):
        m.forward(np.array([[0, 1]]), np.array([[1, 0]]), teacher_forcing=1.5)
    with pytest.raises(ValueError, match="one row per source"):
        m.forward(np.array([[0, 1]]), np.array([[1, 0], [0, 1]]))
    with pytest.raises(ValueError, match="n_digits must be at least 2"):
        S.Seq2Seq(n_digits=1)
    with pytest.raises(ValueError, match="beam_width must be a positive integer"):
        S.beam_search(m, np.array([0, 1]), beam_width=0)
    with pytest.raises(ValueError, match="src must have shape \\(L,\\)"):
        S.beam_search(m, np.array([[0, 1]]))
    with pytest.raises(ValueError, match="lengths must be"):
        S.train(m, 1, lengths=(4, 2))
    with pytest.raises(TypeError, match="model must be a decoder"):
        S.greedy_decode(object(), np.array([[0]]))


def test_backward_depends_only_on_its_forward():
    m = small_model(11)
    src, tgt = tasks.reverse_digits(3, 3, n_digits=3, seed=11)
    out = m.forward(src, tgt, 0.5, seed=1)
    dy = m.loss(out).grad
    before = {k: v.copy() for k, v in m.backward(out, dy).items()}
    for v in m.params.values():                  # an optimiser step after the forward pass
        v += 0.3
    src[...] = 0
    after = m.backward(out, dy)
    for k in before:
        np.testing.assert_array_equal(after[k], before[k])
