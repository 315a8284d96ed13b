"""Exercises of notebook 16 (real inputs, deep and two-way: embeddings, masking, stacked and
bidirectional layers)."""

import numpy as np

from lstm_core.embedding import embedding_backward
from lstm_core.layers import init_layers
from lstm_core.masking import masked_mean
from . import Exercise, Hint, register



EMB_IDS = np.array([[2, 0, 2, 1]])
EMB_D = np.array([[[0.5], [-1.0], [0.25], [2.0]]])


# dtable[2] = 0.5 + 0.25 = 0.75: both uses of symbol 2 add up
register("16-embedding-grad", Exercise(
    question="An embedding table has one column (E = 1). A sequence reads the symbols 2, 0, 2, 1 and the "
             "gradients dL/de arriving at its four steps are 0.5, -1.0, 0.25, 2.0. What is dL/dtable for "
             "the row of symbol 2?",
    expected=lambda: float(embedding_backward(EMB_IDS, EMB_D, 3)[2, 0]),
    sig=3,
    explain="Symbol 2 was read at steps 1 and 3, so its row gets both gradients: 0.5 + 0.25 = 0.75. "
            "That is the scatter-add: onehot(ids)^T @ dL/de.",
    hints=[
        Hint(lambda: 0.25, "That is only the last use of symbol 2: dtable[ids] += d keeps one write per row. "
                            "Add the gradients of every step that read the row."),
        Hint(lambda: 0.5, "That is only the first use of symbol 2. It was read twice."),
        Hint(lambda: 1.75, "That adds every step's gradient. Only the steps that read symbol 2 count."),
    ],
    fallback="Find the steps whose symbol is 2 and add their gradients.",
))


# a bidirectional layer with D = 8, H = 16: two LSTMs of 4 x (16 x (8 + 16) + 16) = 1,600 each
register("16-bidirectional-params", Exercise(
    question="How many parameters has one bidirectional LSTM layer with input size D = 8 and hidden size "
             "H = 16 per direction (one bias vector per gate, as lstm_core counts)?",
    expected=lambda: sum(p.num_params for p in init_layers(8, 16, 1, bidirectional=True)[0]),
    sig=None,
    explain="Two independent LSTMs read the same input, each with 4 x (16 x 8 + 16 x 16 + 16) = 1,600 "
            "parameters: 3,200 in all. A second bidirectional layer would read 2H = 32 features.",
    hints=[
        Hint(lambda: 1600, "That is one direction. The backward reader has weights of its own."),
        Hint(lambda: 2 * 4 * (16 * 8 + 16 * 32 + 16),
         "The recurrent weights of each direction act on its own H = 16 states, not on both directions' 32."),
    ],
    fallback="Count one LSTM, 4 x (H x D + H x H + H), then double it.",
))


MASK_LOSSES = np.array([[0.2, 0.4, 3.0, 3.0], [0.6, 0.8, 1.6, 3.0]])
MASK = np.array([[1, 1, 0, 0], [1, 1, 1, 0]])


# (0.2 + 0.4 + 0.6 + 0.8 + 1.6) / 5 = 0.72
register("16-masked-loss", Exercise(
    question="Two sequences of lengths 2 and 3 are padded to 4 steps. The per-step losses are "
             "[0.2, 0.4, 3.0, 3.0] and [0.6, 0.8, 1.6, 3.0] (the 3.0s sit on padding). What is the masked "
             "mean loss?",
    expected=lambda: masked_mean(MASK_LOSSES, MASK),
    sig=3,
    explain="Only the five real steps count: (0.2 + 0.4 + 0.6 + 0.8 + 1.6) / 5 = 0.72.",
    hints=[
        Hint(lambda: float(MASK_LOSSES.mean()), "That averages all 8 steps, padding included."),
        Hint(lambda: 3.6 / 8, "That divides the real steps' sum by all 8 steps: divide by the 5 real ones."),
        Hint(lambda: 0.5 * (0.3 + 1.0),
         "That is the mean of the two sequences' means. The loss averages over real steps, so a longer "
         "sequence counts more."),
    ],
    fallback="Add the losses where the mask is 1, and divide by the number of 1s.",
))


# --- coding exercise: 16-embedding-backward ---------------------------------------------------------
from .coding import CodeExercise  # noqa: E402


def my_embedding_backward(ids, d_emb, vocab_size):
    """The gradient of an embedding table from the gradients that reach its looked-up rows.

    ids: (B, T) integers in [0, vocab_size); d_emb: (B, T, E), dL/de at every step. Returns dtable
    (vocab_size, E): row v is the sum of d_emb[b, t] over every (b, t) with ids[b, t] == v (zero
    for a symbol never read). Do not change the inputs."""
    dtable = np.zeros((vocab_size, d_emb.shape[-1]), dtype=d_emb.dtype)
    np.add.at(dtable, ids, d_emb)
    return dtable


def _emb_cases():
    rng = np.random.default_rng(16)
    cases = [dict(ids=EMB_IDS.copy(), d_emb=EMB_D.copy(), vocab_size=3)]          # the question's numbers
    for B, T, E, V in ((2, 5, 3, 6), (3, 4, 2, 3), (1, 7, 4, 4)):                   # repeats; unused rows
        cases.append(dict(ids=rng.integers(0, V - 1, size=(B, T)), d_emb=rng.normal(size=(B, T, E)), vocab_size=V))
    return cases


def _emb_reference(ids, d_emb, vocab_size):
    return (embedding_backward(ids, d_emb, vocab_size),)


def _emb_fancy_index(ids, d_emb, vocab_size):
    """dtable[ids] += d_emb: numpy writes a repeated row once, so only one of its gradients counts."""
    dtable = np.zeros((vocab_size, d_emb.shape[-1]), dtype=d_emb.dtype)
    dtable[ids] += d_emb
    return dtable


def _emb_first_sequence(ids, d_emb, vocab_size):
    """Only the first sequence of the batch."""
    dtable = np.zeros((vocab_size, d_emb.shape[-1]), dtype=d_emb.dtype)
    np.add.at(dtable, ids[0], d_emb[0])
    return dtable


def _emb_mean(ids, d_emb, vocab_size):
    """The mean of a row's gradients instead of their sum."""
    dtable = np.zeros((vocab_size, d_emb.shape[-1]), dtype=d_emb.dtype)
    np.add.at(dtable, ids, d_emb)
    counts = np.bincount(ids.ravel(), minlength=vocab_size)
    return dtable / np.maximum(counts, 1)[:, None]


def _emb_first_use(ids, d_emb, vocab_size):
    """Each row keeps the gradient of the first step that read it."""
    dtable = np.zeros((vocab_size, d_emb.shape[-1]), dtype=d_emb.dtype)
    seen = set()
    for b, t in np.ndindex(*ids.shape):
        if ids[b, t] not in seen:
            seen.add(ids[b, t])
            dtable[ids[b, t]] = d_emb[b, t]
    return dtable


register("16-embedding-backward", CodeExercise(
    question=("Write my_embedding_backward(ids, d_emb, vocab_size) -> dtable: ids (B, T) integers, d_emb (B, T, E) "
              "the gradients at the looked-up rows; dtable (vocab_size, E) has in row v the SUM of d_emb over every "
              "step of every sequence that read symbol v, and zeros for a symbol never read."),
    solution=my_embedding_backward,
    reference=_emb_reference,
    cases=_emb_cases,
    outputs=("dtable",),
    hints=[
        Hint(_emb_fancy_index, "A symbol read more than once got only one of its gradients: with a repeated index, "
                               "dtable[ids] += d_emb writes that row once. Look up np.add.at: it adds at "
                               "every index, repeated ones included."),
        Hint(_emb_first_use, "Each row kept the gradient of one step only. A symbol read at several steps gets the "
                             "sum of all their gradients: add, do not assign."),
        Hint(_emb_first_sequence, "Only the first sequence of the batch counted. The table is shared by every "
                                  "sequence: add the gradients of all B of them."),
        Hint(_emb_mean, "Each row got the mean of its gradients. The loss adds every use of the row, so its "
                        "gradient is the sum, not the average."),
    ],
    explain="A lookup is a one-hot product, so its backward is onehot(ids)^T @ d_emb: a scatter-add of every "
            "step's gradient into the row it read.",
))
