"""Exercises of notebook 18 (attention, the way onward)."""

import numpy as np

from lstm_core.attention import AttentionParams, additive_attention
from lstm_course.demos.attention import make_model
from . import Exercise, Hint, register



def _weight_of_second(scores, mask):
    """a_2 for the given scores, through lstm_core's attention: a query and keys chosen so that the
    scores v . tanh(W_q q + W_k k_j) come out as ``scores`` (W_q = 0, v = 1, tanh(W_k k_j) = e_j)."""
    S = len(scores)
    p = AttentionParams(np.zeros((1, 1)), np.ones((1, 1)), np.ones(1))
    keys = np.arctanh(np.array(scores, float) / 3.0)[None, :, None]   # tanh(k_j) = e_j / 3
    p.v[:] = 3.0
    tr = additive_attention(p, np.zeros((1, 1)), keys, np.array(mask, bool)[None])
    assert tr.weights.shape == (1, S)
    return float(tr.weights[0, 1])


# e = (1.0, 2.0, 0.5), the third position padding: a_2 = e^2 / (e^1 + e^2) = 0.731
register("18-masked-weight", Exercise(
    question="Additive attention gives the scores e = (1.0, 2.0, 0.5) to three input positions, but the third "
             "is padding (mask 1, 1, 0). What weight a_2 does the second position get?",
    expected=lambda: _weight_of_second([1.0, 2.0, 0.5], [1, 1, 0]),
    sig=3,
    explain="The padding's score becomes minus infinity, so exp gives it exactly 0 and the softmax shares "
            "1 between the two real positions: e^2 / (e^1 + e^2) = 0.731.",
    hints=[
        Hint(lambda: _weight_of_second([1.0, 2.0, 0.5], [1, 1, 1]),
         "That is the softmax over all three scores: the padding took a share. A masked position must get "
         "no weight at all: set its score to minus infinity before the softmax."),
        Hint(lambda: np.exp(2.0) / (np.exp(1.0) + np.exp(2.0) + 1.0),
         "That gives the padding a score of 0, and exp(0) = 1 is still a share. Its score must be minus "
         "infinity, so that exp gives 0."),
        Hint(lambda: 2.0 / 3.0, "The weights are exp(e_j) over their sum, not e_j over their sum."),
    ],
    fallback="Drop the padding, then take exp of each remaining score and divide by their sum.",
))


def _extra_params(H, A, n_digits):
    """What attention adds to notebook 17's model (n_digits + 1 classes): W_q (A, H), W_k (A, H), v (A,),
    and (n_digits + 1) x H more read-out weights."""
    return (make_model("attention", 0, H, A, n_digits).num_params
            - make_model("plain", 0, H, A, n_digits).num_params)


# H = 32, A = 16, K = 11 classes (10 digits and the end mark): 16 x 32 + 16 x 32 + 16 + 11 x 32 = 1,392
register("18-extra-params", Exercise(
    question="Notebook 17's encoder-decoder has H = 32 units and K = 11 output classes (10 digits and the end "
             "mark). How many parameters does additive attention with A = 16 add to it (W_q, W_k, v, and the "
             "read-out that now also reads the context)?",
    expected=lambda: _extra_params(32, 16, 10),
    sig=None,
    explain="W_q and W_k are 16 x 32 each (512 + 512), v has 16 entries, and the read-out W_hy grows from "
            "11 x 32 to 11 x 64: 352 more. In all 1,392, about a tenth of the model.",
    hints=[
        Hint(lambda: 16 * 32 * 2 + 16,
         "That counts the attention's own weights. The read-out changes too: it reads [h_t; context_t], "
         "2H numbers instead of H."),
        Hint(lambda: 16 * 32 * 2 + 16 + 11 * 64,
         "The read-out had 11 x 32 weights before; only the new half (11 x 32) is added."),
        Hint(lambda: 16 * 32 * 2, "Count v too (A numbers), and the read-out's new half (K x H)."),
    ],
    fallback="Count W_q (A x H), W_k (A x H), v (A), then the read-out's extra K x H weights.",
))


# --- coding exercise: 18-attention-step -------------------------------------------------------------
from .coding import CodeExercise  # noqa: E402


def my_attention(W_q, W_k, v, query, keys, mask):
    """Additive attention, one query per sequence.

    W_q: (A, Hq), W_k: (A, Hk), v: (A,); query: (B, Hq); keys: (B, S, Hk); mask: (B, S) booleans,
    True for a real position. Scores e_j = v . tanh(W_q q + W_k k_j); weights = the softmax of the
    scores over the real positions only (padding gets exactly 0); context = sum_j a_j k_j.
    Returns (weights (B, S), context (B, Hk))."""
    u = np.tanh((query @ W_q.T)[:, None, :] + keys @ W_k.T)
    e = np.where(mask, u @ v, -np.inf)
    a = np.exp(e - e.max(axis=1, keepdims=True))
    a = a / a.sum(axis=1, keepdims=True)
    return a, np.einsum("bs,bsh->bh", a, keys)


def _att_cases():
    rng = np.random.default_rng(18)
    cases = []
    for B, S, Hq, Hk, A, scale in ((1, 3, 2, 2, 3, 1.0), (3, 5, 2, 4, 3, 1.0), (2, 4, 3, 2, 5, 1.0),
                                   (2, 6, 4, 3, 2, 4.0)):                # the last: scores up to about 4
        mask = np.ones((B, S), bool)
        for b in range(1, B):
            mask[b, S - b:] = False                                       # padding at the end of later rows
        cases.append(dict(W_q=rng.normal(size=(A, Hq)), W_k=rng.normal(size=(A, Hk)), v=scale * rng.normal(size=A),
                          query=rng.normal(size=(B, Hq)), keys=rng.normal(size=(B, S, Hk)), mask=mask))
    return cases


def _att_reference(W_q, W_k, v, query, keys, mask):
    tr = additive_attention(AttentionParams(W_q, W_k, v), query, keys, mask)
    return tr.weights, tr.context


def _att_scores(W_q, W_k, v, query, keys):
    return np.tanh((query @ W_q.T)[:, None, :] + keys @ W_k.T) @ v


def _att_no_mask(W_q, W_k, v, query, keys, mask):
    """The softmax over every position, padding included."""
    e = _att_scores(W_q, W_k, v, query, keys)
    a = np.exp(e - e.max(axis=1, keepdims=True))
    a = a / a.sum(axis=1, keepdims=True)
    return a, np.einsum("bs,bsh->bh", a, keys)


def _att_zero_after(W_q, W_k, v, query, keys, mask):
    """Padding's weight set to 0 after the softmax, without sharing its weight out again."""
    a, _ = _att_no_mask(W_q, W_k, v, query, keys, mask)
    a = a * mask
    return a, np.einsum("bs,bsh->bh", a, keys)


def _att_zero_score(W_q, W_k, v, query, keys, mask):
    """Padding scored 0 instead of minus infinity."""
    e = np.where(mask, _att_scores(W_q, W_k, v, query, keys), 0.0)
    a = np.exp(e - e.max(axis=1, keepdims=True))
    a = a / a.sum(axis=1, keepdims=True)
    return a, np.einsum("bs,bsh->bh", a, keys)


def _att_mean_keys(W_q, W_k, v, query, keys, mask):
    """The context as the plain mean of the real keys, ignoring the weights."""
    a, _ = _att_reference(W_q, W_k, v, query, keys, mask)
    m = mask.astype(float)
    return a, np.einsum("bs,bsh->bh", m / m.sum(axis=1, keepdims=True), keys)


register("18-attention-step", CodeExercise(
    question=("Write my_attention(W_q, W_k, v, query, keys, mask) -> (weights, context): scores "
              "e_j = v . tanh(W_q q + W_k k_j) for every key, a softmax over the real positions only (the "
              "padding's weight exactly 0), and context = sum_j a_j k_j; query (B, Hq), keys (B, S, Hk), "
              "mask (B, S) with True for a real position."),
    solution=my_attention,
    reference=_att_reference,
    cases=_att_cases,
    outputs=("weights", "context"),
    hints=[
        Hint(_att_no_mask, "The padding got a share of the weight: the softmax must run over the real positions only. "
                           "Give the padding a score of minus infinity before it (np.where with the mask)."),
        Hint(_att_zero_after, "The weights no longer add up to 1: zeroing the padding after the softmax throws its "
                              "share away. Mask the scores before the softmax instead."),
        Hint(_att_zero_score, "A score of 0 is not 'no weight': exp(0) = 1 still takes a share. The padding's score "
                              "must be minus infinity, so that exp gives exactly 0."),
        Hint(_att_mean_keys, "The weights are right but the context ignores them: it is the weighted sum "
                             "sum_j a_j k_j, not the mean of the keys."),
    ],
    explain="Scores, a masked softmax and a weighted sum: the three lines every attention layer has, "
            "a Transformer's included.",
))
