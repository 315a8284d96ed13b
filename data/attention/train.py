"""Train the attention model that notebook 18's AttentionMapExplorer shows by default.

    OPENBLAS_NUM_THREADS=1 python data/attention/train.py [--steps N] [--seed S] [--out PATH] [--quick]

An ``AttentionSeq2Seq`` (10 digits, H = 32, A = 16) trained as notebook 18's experiment trains
it (``lstm_course.demos.attention.NOTEBOOK_18``: strings of 2 to 12 digits, one length per batch
of 32, teacher forcing, Adam at 0.01, clipping at norm 1), with more steps. Prints the digit
accuracy (greedy) on the held-out strings of each length, and writes the weights (float32).
``--quick`` trains 60 steps and writes nothing (tests/test_attention_claims.py runs it).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from lstm_core.seq2seq import train  # noqa: E402
from lstm_course.demos import attention as demo  # noqa: E402


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--steps", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default=str(ROOT / "data" / "attention" / "weights.npz"))
    ap.add_argument("--quick", action="store_true", help="60 steps, nothing written")
    args = ap.parse_args(argv)
    cfg = demo.NOTEBOOK_18
    steps = 60 if args.quick else args.steps
    model = demo.make_model("attention", args.seed, cfg["hidden"], cfg["attention_size"], cfg["n_digits"])
    t0 = time.time()
    hist = train(model, steps, lengths=cfg["lengths"], batch_size=cfg["batch"], lr=cfg["lr"], clip=cfg["clip"],
                 seed=args.seed)
    print(f"{steps} steps in {time.time() - t0:.1f} s; loss first 10 steps {np.mean(hist.loss[:10]):.4f}, "
          f"last 10 steps {np.mean(hist.loss[-10:]):.4f}")
    for L in cfg["eval_lengths"]:
        print(f"length {L:2d}: digit accuracy {demo.digit_accuracy(model, *demo.test_set(L)):.3f}")
    if not args.quick:
        demo.save_model(model, args.out)
        print(f"wrote {args.out}")
    return hist


if __name__ == "__main__":
    main()
