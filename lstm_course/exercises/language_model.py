"""Exercises of notebook 13 (a character-level language model)."""

import math

import numpy as np

from ..demos import language_model as tx
from . import Exercise, Hint, register


def _alphabet_size():
    return tx.Vocab(tx.load_corpus()).size


def _uniform_perplexity():
    V = _alphabet_size()
    targets = np.arange(V)                                  # any characters: every one has p = 1/V
    return tx.perplexity(np.full((V, V), 1.0 / V), targets)


register("13-uniform-perplexity", Exercise(
    question="A 'model' that knows nothing gives each of the V = 96 characters of the course's alphabet the "
             "same probability, 1/96, at every step. What is its perplexity on any text?",
    expected=_uniform_perplexity,
    sig=3,
    explain="The cross-entropy is -log(1/96) = log 96 at every step, so the perplexity is exp(log 96) = 96: "
            "exactly as unsure as a fair choice among all 96 characters. Any model worth training must "
            "beat V, and a good one should also beat the unigram baseline.",
    hints=[
        Hint(lambda: math.log(_alphabet_size()),
             "That is the cross-entropy in nats, log 96. Perplexity is e to the power of the cross-entropy."),
        Hint(lambda: math.log2(_alphabet_size()),
             "That is the cross-entropy in bits, log2 96 = 6.58 bits per character. Perplexity is 2 to that power."),
        Hint(lambda: 1 / _alphabet_size(),
             "That is the probability of each character. Perplexity turns the average log-probability back "
             "into a number of equally likely choices."),
        Hint(1.0, "A perplexity of 1 would mean the model is certain and always right. This one knows nothing."),
    ],
    fallback="Compute the cross-entropy -log(1/96) and take exp of it.",
))

_Z = np.array([2.0, 0.0, 0.0])


def _top_at_half():
    return float(tx.apply_temperature(_Z, 0.5)[0])


register("13-temperature", Exercise(
    question="A model's scores (logits) for three characters are y = [2, 0, 0]. At temperature 0.5, what "
             "probability does sampling give the first character? (softmax(y / temperature))",
    expected=_top_at_half,
    sig=2,
    explain="y / 0.5 = [4, 0, 0], so p = e^4 / (e^4 + 1 + 1) = 54.6 / 56.6 = 0.965. At temperature 1 it "
            "would be e^2 / (e^2 + 2) = 0.787: a temperature below 1 sharpens the distribution.",
    hints=[
        Hint(lambda: float(tx.apply_temperature(_Z, 2.0)[0]),
             "The scores were multiplied by the temperature. They are divided by it: y / 0.5 = [4, 0, 0]."),
        Hint(lambda: float(tx.apply_temperature(_Z, 1.0)[0]),
             "That is the probability at temperature 1. Divide the scores by 0.5 first."),
        Hint(lambda: float(tx.apply_temperature(_Z, 1.0)[0]) ** 2,
             "Raising the probabilities to the power 1 / temperature is a way to do it, but then they must be "
             "divided by their new sum again."),
    ],
    fallback="Divide the scores by 0.5, exponentiate each, and divide the first by their sum.",
))


# --- coding exercise: 13-softmax-xent ----------------------------------------------------------------
from lstm_core.losses import softmax_cross_entropy  # noqa: E402
from .coding import CodeExercise, central_differences  # noqa: E402
from . import Hint  # noqa: E402


def my_softmax_cross_entropy(logits, targets):
    """Mean softmax cross-entropy over N examples, and its gradient.

    logits: (N, K) scores; targets: (N,) integer classes in [0, K).
    Returns (loss, dlogits): loss = mean over n of -log softmax(logits[n])[targets[n]], a number;
    dlogits = dloss/dlogits, (N, K), which is (p - onehot(targets)) / N."""
    N = logits.shape[0]
    shifted = logits - logits.max(axis=1, keepdims=True)       # the largest score becomes 0: exp <= 1
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -log_p[np.arange(N), targets].mean()
    dlogits = np.exp(log_p)                                    # p
    dlogits[np.arange(N), targets] -= 1                        # p - onehot
    return loss, dlogits / N


def _xent_cases():
    rng = np.random.default_rng(13)
    out = [dict(logits=rng.normal(0, 2, (1, 3)), targets=np.array([2])),
           dict(logits=rng.normal(0, 2, (4, 5)), targets=np.array([0, 4, 1, 1])),
           dict(logits=rng.normal(0, 1, (6, 2)), targets=np.array([1, 0, 0, 1, 1, 0])),
           dict(logits=np.array([[1000.0, 0.0, -1000.0, 999.0], [-5.0, 800.0, 3.0, 0.0], [2.0, 1.0, 0.5, -1.0]]),
                targets=np.array([2, 1, 0]))]              # large scores: exp(1000) overflows, p rounds to 0
    return out


def _xent_reference(logits, targets):
    result = softmax_cross_entropy(logits, targets)
    return result.value, result.grad


def _xent_gradcheck(logits, targets):
    num = central_differences(lambda logits: softmax_cross_entropy(logits, targets).value,
                              dict(logits=logits), ("logits",))
    return {"dlogits": num["logits"]}


def _xent_variant(kind):
    def wrong(logits, targets):
        N = logits.shape[0]
        rows = np.arange(N)
        axis = 0 if kind == "axis0" else 1
        z = logits if kind == "no_shift" else logits - logits.max(axis=axis, keepdims=True)
        p = np.exp(z) / np.exp(z).sum(axis=axis, keepdims=True)
        if kind == "log_of_p":                   # log(softmax) after the shift: log(0) for a tiny p
            loss = -np.log(p[rows, targets]).mean()
        else:
            log_p = z - np.log(np.exp(z).sum(axis=axis, keepdims=True))
            loss = -log_p[rows, targets].sum() if kind == "sum" else -log_p[rows, targets].mean()
        d = p.copy()
        if kind != "no_onehot":
            d[rows, targets] -= 1
        if kind == "sign":
            d = -d
        if kind not in ("no_mean_grad", "sum"):
            d = d / N
        return loss, d
    wrong.__name__ = f"softmax_xent_{kind}"
    wrong.__doc__ = {
        "no_shift": "exp(logits) without subtracting the row's largest score first: overflows.",
        "log_of_p": "log(p) of the computed softmax: a p that rounds to 0 gives log(0) = -inf.",
        "no_mean_grad": "dlogits = p - onehot without the 1/N of the mean.",
        "sum": "The loss summed over the examples instead of averaged (and the gradient without 1/N).",
        "no_onehot": "dlogits = p / N: the onehot left out.",
        "sign": "dlogits = (onehot - p) / N: the sign flipped.",
        "axis0": "softmax over axis 0 (the examples) instead of axis 1 (the classes).",
    }[kind]
    return wrong


register("13-softmax-xent", CodeExercise(
    question=("Write my_softmax_cross_entropy(logits, targets) -> (loss, dlogits): logits (N, K), targets (N,) "
              "integer classes; loss is the mean over the N rows of -log softmax(row)[target], and dlogits its "
              "gradient, (N, K). It must work for scores as large as 1000 (no overflow, no warning)."),
    solution=my_softmax_cross_entropy,
    reference=_xent_reference,
    cases=_xent_cases,
    outputs=("loss", "dlogits"),
    gradcheck=_xent_gradcheck,
    hints=[
        Hint(_xent_variant("no_shift"), "exp(1000) overflows to inf (numpy warns), and inf / inf is NaN. "
                                        "Subtract each row's largest score first: softmax does not change when "
                                        "the same number is subtracted from every score of a row."),
        Hint(_xent_variant("log_of_p"), "log(p) of a probability that rounded to 0 is -inf. Compute log p "
                                        "directly: the shifted score minus log of the sum of exp of the shifted "
                                        "scores (that sum is at least 1, so its log is safe)."),
        Hint(_xent_variant("axis0"), "The softmax runs along each row (over the K classes, axis 1), not down "
                                     "the columns."),
        Hint(_xent_variant("sum"), "The loss is the MEAN over the N examples, and so its gradient carries 1/N."),
        Hint(_xent_variant("no_mean_grad"), "The loss is right; the gradient is N times too big: the loss is a "
                                            "mean over N rows, so each row's p - onehot is divided by N."),
        Hint(_xent_variant("no_onehot"), "The gradient is p - onehot(target) (divided by N): subtract 1 at "
                                         "each row's target class."),
        Hint(_xent_variant("sign"), "The gradient has the wrong sign: raising the target's score must LOWER the "
                                    "loss, so its entry of dlogits is negative."),
    ],
    explain="p - onehot: every wrong class is pushed down by its probability, the right one pulled up by "
            "1 - p. The gradient never needs exp of a large number either.",
))
