"""Exercises of notebook 17 (sequence to sequence)."""

import math

from lstm_core import seq2seq as S
from . import Exercise, Hint, register


def _beam_example():
    """Two steps over outputs a and b (then EOS, which is certain): the first step gives a 0.6 and b 0.4;
    after a the best next output has probability 0.5, after b 0.9. Returns (greedy's probability,
    the probability of the output a beam of width 2 returns)."""
    first = {"a": 0.6, "b": 0.4}
    best_next = {"a": 0.5, "b": 0.9}
    greedy_first = max(first, key=first.get)
    greedy = first[greedy_first] * best_next[greedy_first]
    beam = max(first[x] * best_next[x] for x in first)          # width 2 keeps both first outputs
    return greedy, beam


register("17-output-steps", Exercise(
    question="The model reverses a string of 7 digits. How many output steps does the decoder take when it "
             "gets the answer right, counting the end-of-sequence token (a number)?",
    expected=lambda: S.decoder_targets([[0] * 7], 10)[1].shape[1],
    sig=None,
    explain="Seven digits, then EOS: 8 steps. The decoder's inputs are also 8 tokens: BOS, then the 7 digits "
            "shifted by one step.",
    hints=[
        Hint(lambda: 7, "The decoder also has to say that it has finished: one step more, for EOS."),
        Hint(lambda: 9, "BOS is an input, never an output: it is fed at the first step, not predicted."),
        Hint(lambda: 14, "Count only the decoder: the encoder's 7 steps read the input, they output nothing."),
    ],
    fallback="Count the digits of the answer, then add the token that says 'done'.",
))

register("17-score", Exercise(
    question="Greedy decoding picked three tokens (two digits, then EOS) with probabilities 0.9, 0.8 and 0.95. "
             "What is the output's score, its summed log-probability (natural log, a negative number)?",
    expected=lambda: math.log(0.9) + math.log(0.8) + math.log(0.95),
    sig=3,
    explain="log 0.9 + log 0.8 + log 0.95 = -0.432: the log of the product 0.684, the probability of the whole "
            "output. Sums of logs stay readable where products of many small numbers would underflow.",
    hints=[
        Hint(lambda: 0.9 * 0.8 * 0.95, "That is the probability itself; the score is its (natural) log."),
        Hint(lambda: -(math.log(0.9) + math.log(0.8) + math.log(0.95)),
             "A log of a number below 1 is negative: the score is below zero."),
        Hint(lambda: math.log10(0.9 * 0.8 * 0.95), "Use the natural log (ln), as np.log does."),
        Hint(lambda: (math.log(0.9) + math.log(0.8)),
         "EOS is a token the model chose too: add its log-probability."),
    ],
    fallback="Add np.log of each of the three probabilities.",
))

register("17-beam-wins", Exercise(
    question="At the first step a model gives output a probability 0.6 and b 0.4. After a, its best next "
             "output has probability 0.5; after b, 0.9 (then EOS is certain). What is the probability of "
             "the two-token output that a beam of width 2 returns (a number)?",
    expected=lambda: _beam_example()[1],
    sig=3,
    explain="Greedy takes a (0.6) and ends with 0.6 * 0.5 = 0.30. A beam of width 2 keeps both a and b, and "
            "finds b then its best: 0.4 * 0.9 = 0.36. The better start was not the better whole.",
    hints=[
        Hint(lambda: _beam_example()[0],
         "0.30 is greedy's answer, a then its best. The beam keeps b too: follow it one step further."),
        Hint(0.9, "The probability of the output is the product of its steps' probabilities."),
        Hint(0.6, "The probability of the output is the product of its steps' probabilities."),
        Hint(lambda: 1.3, "Multiply the steps' probabilities, do not add them."),
    ],
    fallback="Compute the probability of both two-step outputs (a then its best, b then its best) and take the larger.",
))

OWN_DIGITS, OWN_RATIO = 6, 0.75


register("17-own-guesses", Exercise(
    question=f"Scheduled sampling with ratio r = {OWN_RATIO} on strings of {OWN_DIGITS} digits: the decoder's "
             "first input is always BOS; at each of the later input steps it gets the true previous digit with "
             "probability r. On average, at how many input steps per string is it fed its own guess?",
    expected=lambda: OWN_DIGITS * (1 - OWN_RATIO),
    sig=3,
    explain=f"{OWN_DIGITS + 1} output steps, so {OWN_DIGITS + 1} inputs: BOS, then {OWN_DIGITS} that are each the "
            f"truth with probability {OWN_RATIO}. {OWN_DIGITS} x {1 - OWN_RATIO} = {OWN_DIGITS * (1 - OWN_RATIO)} "
            "of them are its own guesses on average.",
    hints=[
        Hint(lambda: OWN_DIGITS * OWN_RATIO, "That is how many are the TRUE digit; the question asks for its own guesses."),
        Hint(lambda: (OWN_DIGITS + 1) * (1 - OWN_RATIO),
             "The first input is always BOS, never a guess: only the inputs after it are drawn."),
        Hint(lambda: 1 - OWN_RATIO, "That is the share per step; multiply by the number of steps drawn."),
    ],
    fallback="Count the input steps after BOS, then multiply by the chance (1 - r) of a guess at each.",
))
