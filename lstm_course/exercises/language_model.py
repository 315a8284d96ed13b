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
