"""lstm_core.attention: additive attention and the encoder-decoder that uses it.

The forward against a plain loop over batch, query and key written here from the equations;
every gradient (W_q, W_k, v, the queries, the keys; one query or several; with padding; a loss
that reads the weights too) against central finite differences; padding gets no weight and its
keys change nothing; float32; the backward depends only on its forward. The encoder-decoder (notebook
17's Seq2Seq with attention): every parameter's gradient by finite differences under teacher
forcing, scheduled sampling and free running; decoding with its weights agrees with greedy_decode
and with the forward fed its own guesses; it starts from the plain model's weights and its read-out
is the decoder state's part plus the context's part; beam search runs on it.
"""

import numpy as np
import pytest

import lstm_core as L
from lstm_core.attention import AttentionParams, AttentionSeq2Seq, additive_attention, additive_attention_backward

SIZES = [(1, 1, 1, 1, 1, 1), (2, 3, 4, 3, 5, 2), (3, 1, 6, 2, 2, 4)]   # B, T, S, Hq, Hk, A


def random_case(B, T, S, Hq, Hk, A, seed=0):
    rng = np.random.default_rng(seed)
    p = AttentionParams(rng.normal(size=(A, Hq)), rng.normal(size=(A, Hk)), rng.normal(size=A))
    return p, rng.normal(size=(B, T, Hq)), rng.normal(size=(B, S, Hk)), rng


def plain_attention(p, q, k, mask):
    """The equations of the module docstring, one batch row, query and key at a time."""
    B, T, _ = q.shape
    S = k.shape[1]
    a = np.zeros((B, T, S))
    ctx = np.zeros((B, T, k.shape[2]))
    for b in range(B):
        for t in range(T):
            e = [float(p.v @ np.tanh(p.W_q @ q[b, t] + p.W_k @ k[b, j])) if mask[b, j] else None for j in range(S)]
            top = max(x for x in e if x is not None)
            w = [np.exp(x - top) if x is not None else 0.0 for x in e]
            a[b, t] = np.array(w) / sum(w)
            ctx[b, t] = sum(a[b, t, j] * k[b, j] for j in range(S))
    return a, ctx


def padding(B, S):
    m = np.ones((B, S), bool)
    for b in range(1, B):
        m[b, S - b % S:] = False       # row b loses its last b % S positions (never all of them)
    return m


@pytest.mark.parametrize("sizes", SIZES)
def test_forward_matches_the_equations(sizes):
    p, q, k, _ = random_case(*sizes)
    m = padding(sizes[0], sizes[2])
    tr = additive_attention(p, q, k, m)
    a, ctx = plain_attention(p, q, k, m)
    np.testing.assert_allclose(tr.weights, a, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(tr.context, ctx, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(tr.weights.sum(-1), 1.0, rtol=1e-14)
    assert (tr.weights[~np.broadcast_to(m[:, None], tr.weights.shape)] == 0).all()


def test_one_query_is_the_same_as_a_sequence_of_one():
    p, q, k, _ = random_case(2, 1, 4, 3, 3, 2)
    one = additive_attention(p, q[:, 0], k)
    seq = additive_attention(p, q, k)
    assert one.weights.shape == (2, 4) and one.context.shape == (2, 3)
    np.testing.assert_array_equal(one.weights, seq.weights[:, 0])


def test_padded_keys_change_nothing():
    p, q, k, rng = random_case(2, 3, 5, 2, 3, 4)
    m = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], bool)
    k2 = k.copy()
    k2[0, 3:] = rng.normal(size=(2, 3)) * 100
    a, b = additive_attention(p, q, k, m), additive_attention(p, q, k2, m)
    np.testing.assert_array_equal(a.context, b.context)
    short = additive_attention(p, q[:1], k[:1, :3])          # the same row without its padding
    np.testing.assert_allclose(a.context[0], short.context[0], rtol=1e-13)


@pytest.mark.parametrize("sizes", SIZES)
@pytest.mark.parametrize("single", [False, True])
def test_every_gradient_matches_finite_differences(sizes, single):
    p, q, k, rng = random_case(*sizes, seed=3)
    if single:
        q = q[:, 0]
    m = padding(sizes[0], sizes[2])
    tr = additive_attention(p, q, k, m)
    wc = rng.normal(size=tr.context.shape)
    ww = rng.normal(size=tr.weights.shape)                   # a loss that reads the weights as well

    def loss(p_, q_, k_):
        t = additive_attention(p_, q_, k_, m)
        return float((t.context * wc).sum() + (t.weights * ww).sum())

    g = additive_attention_backward(tr, wc, ww)
    for name in AttentionParams.NAMES:
        def f(x, name=name):
            arrays = p.arrays()
            arrays[name] = x
            return loss(AttentionParams(**arrays), q, k)
        assert L.gradcheck(f, getattr(p, name), getattr(g.params, name)), name
    assert L.gradcheck(lambda x: loss(p, x, k), q, g.query)
    assert L.gradcheck(lambda x: loss(p, q, x), k, g.keys)
    assert (g.keys[~m] == 0).all()                           # padding: no gradient at all


def test_float32_stays_float32_and_agrees():
    p, q, k, _ = random_case(2, 3, 4, 3, 3, 2)
    p32 = AttentionParams(*(a.astype(np.float32) for a in (p.W_q, p.W_k, p.v)))
    t32 = additive_attention(p32, q.astype(np.float32), k.astype(np.float32))
    t64 = additive_attention(p, q, k)
    assert t32.context.dtype == np.float32
    np.testing.assert_allclose(t32.context, t64.context, rtol=1e-5, atol=1e-6)
    g = additive_attention_backward(t32, np.ones_like(t32.context))
    assert g.keys.dtype == g.params.W_q.dtype == np.float32


def test_backward_depends_only_on_its_forward():
    p, q, k, _ = random_case(2, 3, 4, 3, 3, 2)
    tr = additive_attention(p, q, k)
    before = additive_attention_backward(tr, np.ones_like(tr.context))
    for a in (p.W_q, p.W_k, p.v, q, k):
        a[...] = 7.0
    after = additive_attention_backward(tr, np.ones_like(tr.context))
    np.testing.assert_array_equal(before.keys, after.keys)
    np.testing.assert_array_equal(before.params.W_q, after.params.W_q)


@pytest.mark.parametrize("call, match", [
    (lambda p, q, k: additive_attention(p, q, k[:, :, :-1]), "keys must have shape"),
    (lambda p, q, k: additive_attention(p, q[:1], k), "query must have shape"),
    (lambda p, q, k: additive_attention(p, q, k, np.zeros((2, 4))), "mask must keep at least one"),
    (lambda p, q, k: additive_attention(p, q, k, np.full((2, 4), 0.5)), "mask must hold only 0"),
    (lambda p, q, k: additive_attention(p, q, k, np.ones((2, 5))), r"mask must have shape \(B, S\)"),
    (lambda p, q, k: AttentionParams(p.W_q, p.W_k[:1], p.v), "W_k must have 2 rows"),
    (lambda p, q, k: additive_attention_backward(additive_attention(p, q, k), np.ones((2, 3))), "dcontext must"),
    (lambda p, q, k: additive_attention("p", q, k), "params must be an AttentionParams"),
])
def test_bad_input_is_named(call, match):
    p, q, k, _ = random_case(2, 3, 4, 3, 3, 2)
    with pytest.raises((TypeError, ValueError), match=match):
        call(p, q, k)


# --- the encoder-decoder ------------------------------------------------------------------------

@pytest.mark.parametrize("ratio", [1.0, 0.5, 0.0])
def test_seq2seq_gradients_match_finite_differences(ratio):
    src, tgt = L.tasks.reverse_digits(2, 4, n_digits=3, seed=0)
    m = AttentionSeq2Seq(n_digits=3, hidden_size=3, attention_size=2, seed=1)
    _, g = m.loss_and_grads(src, tgt, ratio, seed=5)
    assert set(g) == set(m.params)
    for name, p in m.params.items():
        def f(x, p=p):
            old = p.copy()
            p[...] = x
            value = m.loss_and_grads(src, tgt, ratio, seed=5)[0]   # the same draws choose the same inputs
            p[...] = old
            return value
        r = L.gradcheck(f, p.copy(), g[name])
        assert r, f"{name}: {r}"


def test_attend_agrees_with_the_forward_fed_its_own_choices_and_with_greedy_decode():
    src, _ = L.tasks.reverse_digits(3, 5, n_digits=4, seed=2)
    m = AttentionSeq2Seq(n_digits=4, hidden_size=4, seed=0)
    toks, w = m.attend(src)
    np.testing.assert_array_equal(toks, L.seq2seq.greedy_decode(m, src)[0])
    free = m.forward(src, np.zeros_like(src), teacher_forcing=0.0)    # fed its own guesses throughout
    np.testing.assert_array_equal(free.logits.argmax(-1), toks)
    np.testing.assert_allclose(free.weights, w, rtol=1e-12)
    np.testing.assert_allclose(w.sum(-1), 1.0, rtol=1e-13)


def test_same_encoder_and_decoder_as_the_plain_model_and_the_read_out_sees_both_halves():
    plain = L.seq2seq.Seq2Seq(n_digits=4, hidden_size=5, seed=3)
    att = AttentionSeq2Seq(n_digits=4, hidden_size=5, attention_size=2, seed=3)
    for k in ("encoder.weight_x", "encoder.weight_h", "decoder.weight_h", "decoder.bias"):
        np.testing.assert_array_equal(plain.params[k], att.params[k])
    assert att.num_params == plain.num_params + 2 * 5 + 2 * 5 + 2 + 5 * 5     # W_q, W_k, v, and W_hy's new half
    src, tgt = L.tasks.reverse_digits(2, 3, n_digits=4, seed=1)
    out = att.forward(src, tgt)
    by_hand = out.decoder.h @ att.W_hy[:, :5].T + out.attention.context @ att.W_hy[:, 5:].T + att.b_y
    np.testing.assert_allclose(out.logits, by_hand, rtol=1e-13)


def test_beam_search_runs_on_the_attention_model():
    m = AttentionSeq2Seq(n_digits=4, hidden_size=4, seed=0)
    src = np.array([1, 2, 3])
    one = L.seq2seq.beam_search(m, src, beam_width=1, max_len=4)
    toks, _ = L.seq2seq.greedy_decode(m, src[None], steps=4)
    assert one.best.tokens == tuple(toks[0, :len(one.best.tokens)])
    assert L.seq2seq.beam_search(m, src, beam_width=3).best.score >= one.best.score - 1e-12


def test_seq2seq_bad_input_is_named():
    m = AttentionSeq2Seq(n_digits=4, hidden_size=3, seed=0)
    with pytest.raises(ValueError, match=r"src must hold digits in \[0, 3\]"):
        m.forward(np.full((1, 3), 4), np.zeros((1, 3), int))
    with pytest.raises(TypeError, match="targets must be integer"):
        m.forward(np.zeros((1, 3), int), np.zeros((1, 3)))
    with pytest.raises(ValueError, match="targets must have one row per source"):
        m.forward(np.zeros((2, 3), int), np.zeros((1, 3), int))
    with pytest.raises(TypeError, match="out must be the AttentionOutput"):
        m.backward(L.seq2seq.Seq2Seq(4, 3).forward(np.zeros((1, 3), int), np.zeros((1, 3), int)), np.zeros((1, 4, 5)))
    with pytest.raises(ValueError, match="attention_size must be a positive integer"):
        AttentionSeq2Seq(attention_size=0)


def test_seq2seq_backward_depends_only_on_its_forward():
    src, tgt = L.tasks.reverse_digits(2, 4, n_digits=3, seed=0)
    m = AttentionSeq2Seq(n_digits=3, hidden_size=3, attention_size=2, seed=1)
    out = m.forward(src, tgt, teacher_forcing=0.5, seed=2)
    dy = np.random.default_rng(0).normal(size=out.logits.shape)
    before = m.backward(out, dy)
    for arr in m.params.values():                  # an optimiser step after the forward pass
        arr += 0.5
    src[...] = 0
    after = m.backward(out, dy)
    for k in before:
        np.testing.assert_array_equal(before[k], after[k], err_msg=k)
