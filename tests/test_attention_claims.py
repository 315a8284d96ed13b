"""Notebook 18's trained claims (lstm_course.demos.attention) and the shipped attention model.

Notebook 18 trains the plain encoder-decoder and the attention model from five seeds
(``demo.NOTEBOOK_18``) and states in words only what holds in every seed. The tests marked
``trains`` re-run the same sweep once (a module fixture), assert each claim with a margin, and
check that the notebook's text states it. The quick tests check the experiment's pieces: the test
strings, the scoring, the table, saving and loading, the digits a learner types, and the script
that made data/attention/weights.npz.
"""

import json
import pathlib
import re
import subprocess
import sys

import numpy as np
import pytest

from lstm_core.attention import AttentionSeq2Seq
from lstm_core.seq2seq import Seq2Seq
from lstm_course.demos import attention as demo

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "18-attention.ipynb"


# --- the pieces -----------------------------------------------------------------------------------

def test_test_sets_are_fixed_and_apart_from_training():
    a, b = demo.test_set(8), demo.test_set(8)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], a[0][:, ::-1])
    assert a[0].shape == (200, 8) and a[0].max() <= 9


def test_digit_accuracy_counts_digit_positions_not_the_end_mark():
    class Fixed:                              # a "model" whose greedy output is given
        n_digits, eos, bos = 10, 10, 11

        def start(self, src):
            return (np.zeros(len(src)),)

        def step(self, tok, state):
            lp = np.full((len(tok), 11), -5.0)
            lp[:, 3] = 0.0                    # always says 3
            return lp, state

    src = np.array([[3, 3, 1], [3, 2, 3]])
    # greedy writes 3 3 3 3; the reversed strings are 1 3 3 and 3 2 3: 2 + 2 of 6 digits right
    assert demo.digit_accuracy(Fixed(), src, src[:, ::-1]) == pytest.approx(4 / 6)


def test_models_share_encoder_and_decoder_and_save_and_load(tmp_path):
    plain, att = demo.make_model("plain", 3, 8, 4), demo.make_model("attention", 3, 8, 4)
    assert isinstance(plain, Seq2Seq) and isinstance(att, AttentionSeq2Seq)
    np.testing.assert_array_equal(plain.params["encoder.weight_h"], att.params["encoder.weight_h"])
    demo.save_model(att, tmp_path / "m.npz")
    back = demo.load_model(tmp_path / "m.npz")
    for k, v in att.params.items():
        np.testing.assert_allclose(back.params[k], v, rtol=1e-6, atol=1e-7)     # stored as float32
    with pytest.raises(TypeError, match="model must be an AttentionSeq2Seq"):
        demo.save_model(plain, tmp_path / "p.npz")


def test_typed_text_becomes_digits_with_a_note():
    d, note = demo.parse_digits(" 1 2x3 ")
    assert d.tolist() == [1, 2, 3] and note == "1 character(s) that are not digits left out"
    d, note = demo.parse_digits("1234567890123")
    assert d.size == 12 and "cut to the first 12 digits" in note
    assert demo.parse_digits("")[0].size == 0


def test_a_small_sweep_has_the_shapes_and_the_table_says_every_run():
    sw = demo.length_sweep(seeds=(0, 1), steps=3, hidden=4, attention_size=2, eval_lengths=(2, 3), n_test=5)
    assert sw.accuracy["plain"].shape == sw.accuracy["attention"].shape == (2, 2)
    np.testing.assert_array_equal(sw.gain, sw.accuracy["attention"] - sw.accuracy["plain"])
    lines = sw.table().splitlines()
    assert len(lines) == 1 + 2 * 3 and lines[0].split()[-3:] == ["min", "mean", "max"]
    assert sw.model("attention", 1) is sw.runs["attention", 1]


def test_the_shipped_model_reverses_held_out_strings_of_every_length():
    model = demo.load_model()
    for L in (2, 5, 8, 12):
        assert demo.digit_accuracy(model, *demo.test_set(L, n_test=50)) > 0.97, L


@pytest.mark.parametrize("seed", range(5))
def test_the_training_script_learns_briefly_from_scratch(seed):
    out = subprocess.run([sys.executable, str(ROOT / "data" / "attention" / "train.py"), "--quick", "--seed", str(seed)],
                         capture_output=True, text=True, check=True, cwd=ROOT,
                         env={"OPENBLAS_NUM_THREADS": "1", "PATH": "/usr/bin:/bin",
                              "PYTHONPATH": str(ROOT)}).stdout
    first, last = (float(v) for v in re.search(r"first 10 steps ([\d.]+), last 10 steps ([\d.]+)", out).groups())
    assert last < first - 0.2, out


# --- the notebook's claims ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sweep():
    """The notebook's sweep, run once for every test below (about 30 s of one core)."""
    return demo.length_sweep(**demo.NOTEBOOK_18)


def prose() -> str:
    cells = json.loads(NOTEBOOK.read_text())["cells"]
    return re.sub(r"\s+", " ", " ".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown"))


def says(*phrases):
    text = prose()
    for phrase in phrases:
        assert phrase in text, f"notebook 18 no longer says: {phrase!r}"


def acc(sweep, label, L):
    return sweep.accuracy[label][sweep.eval_lengths.index(L)]


def gain(sweep, L):
    return sweep.gain[sweep.eval_lengths.index(L)]


def test_the_notebook_runs_this_sweep():
    cfg = demo.NOTEBOOK_18
    assert cfg["seeds"] == (0, 1, 2, 3, 4) and cfg["steps"] == 1000 and cfg["eval_lengths"] == (4, 6, 8, 10, 12)
    code = [c for c in json.loads(NOTEBOOK.read_text())["cells"] if c["cell_type"] == "code"]
    assert any("A.length_sweep(**A.NOTEBOOK_18, progress=True)" in "".join(c["source"]) for c in code)


@pytest.mark.trains
def test_both_models_reverse_short_strings(sweep):
    for label in sweep.labels:
        assert acc(sweep, label, 4).min() > 0.98, sweep.table()
    says("At length 4 both models get more than 0.98 of the digits right in every seed")


@pytest.mark.trains
def test_the_plain_model_falls_with_length(sweep):
    a = sweep.accuracy["plain"][sweep.eval_lengths.index(6):]        # lengths 6, 8, 10, 12
    assert (np.diff(a, axis=0) < 0).all(), sweep.table()
    assert a[-1].max() < 0.7, sweep.table()
    says("From length 6 on, the plain model's accuracy falls at every step up in length, in every seed; "
         "at length 12 it is below 0.7 in every seed")


@pytest.mark.trains
def test_the_gain_grows_with_length(sweep):
    assert (gain(sweep, 12) > gain(sweep, 8)).all() and (gain(sweep, 8) > gain(sweep, 4)).all(), sweep.table()
    assert gain(sweep, 12).min() > 0.15, sweep.table()
    says("In every seed the gain from attention is larger at length 8 than at 4, and larger at 12 than at 8",
         "at length 12 attention is ahead by more than 0.15 in every seed")
