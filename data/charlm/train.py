"""Train the character-level LSTM that notebook 13 loads (``data/charlm/weights.npz``).

    python data/charlm/train.py                 # the shipped run (see README.md for its numbers)
    python data/charlm/train.py --quick         # 40 steps of a small model, a few seconds
    python data/charlm/train.py --steps 500 --out /tmp/w.npz

Everything comes from lstm_core: the text and its split (``lstm_course.demos.language_model``), the model
(``SequenceModel("lstm", V, H, V)``), the loop (``training.fit``, Adam, clipping by global norm).
Each batch is ``batch`` windows of ``seq`` characters at random places of the training text,
every window read from a zero state. The learning rate follows a cosine from ``lr`` down to
``lr / 10``. Fixed seeds: the same command gives the same weights on the same machine.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from lstm_course.demos import language_model as tx  # noqa: E402
from lstm_core.models import SequenceModel  # noqa: E402
from lstm_core.optim import Adam  # noqa: E402
from lstm_core.training import History, fit  # noqa: E402


@dataclass
class Config:
    hidden: int = 128        # H, the LSTM's hidden size
    seq: int = 100           # T, characters per training window
    batch: int = 32          # B, windows per step
    steps: int = 4000        # optimiser steps
    lr: float = 3e-3         # Adam's starting learning rate (cosine decay to lr / 10)
    clip: float = 1.0        # max global gradient norm
    seed: int = 0            # initial weights and the windows' places
    every: int = 250         # steps between log lines (held-out loss on its first 4000 characters)
    out: str = str(Path(__file__).with_name("weights.npz"))


QUICK = dict(hidden=32, seq=32, batch=16, steps=40, lr=1e-2, every=20)


def train(cfg: Config, log=print):
    """Train from scratch; returns (model, history, seconds). The model is float32."""
    text = tx.load_corpus()
    vocab = tx.Vocab(text)
    train_text, held_text = tx.split_text(text)
    train_ids, held_ids = vocab.encode(train_text), vocab.encode(held_text)
    V = vocab.size
    model = SequenceModel("lstm", V, cfg.hidden, V, seed=cfg.seed, dtype=np.float32)
    opt = Adam(model.params, lr=cfg.lr)
    rng = np.random.default_rng(cfg.seed)
    batches = lambda _step: tx.random_windows(train_ids, cfg.batch, cfg.seq, rng)  # noqa: E731
    log(f"V = {V}, H = {cfg.hidden}, {model.num_params:,} parameters; train {len(train_ids):,} chars, "
        f"held-out {len(held_ids):,}; unigram held-out perplexity "
        f"{tx.unigram_perplexity(train_ids, held_ids, V):.2f}")
    hist, t0, done = History(), time.perf_counter(), 0
    while done < cfg.steps:
        n = min(cfg.every, cfg.steps - done)
        opt.lr = cfg.lr * (0.1 + 0.45 * (1 + math.cos(math.pi * done / cfg.steps)))   # cosine to lr / 10
        fit(model, batches, n, opt, clip=cfg.clip, history=hist)
        done += n
        held = tx.model_perplexity(model, held_ids[:4000])
        log(f"step {done:6d}  lr {opt.lr:.2e}  train loss {np.mean(hist.loss[-n:]):.4f}  "
            f"held-out ppl (4000 chars) {held:.3f}  {time.perf_counter() - t0:7.1f} s")
    return model, hist, time.perf_counter() - t0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    for k, v in Config.__dataclass_fields__.items():
        ap.add_argument(f"--{k}", type=type(v.default), default=None)
    ap.add_argument("--quick", action="store_true", help="a tiny model for a few dozen steps (tests)")
    args = ap.parse_args(argv)
    given = {k: v for k, v in vars(args).items() if k != "quick" and v is not None}
    cfg = Config(**{**(QUICK if args.quick else {}), **given})
    print(cfg, flush=True)
    model, hist, secs = train(cfg, log=lambda s: print(s, flush=True))
    model.save(cfg.out, dtype=np.float32)
    print(f"saved {cfg.out} ({Path(cfg.out).stat().st_size:,} bytes) after {secs:.0f} s; "
          f"final train loss (mean of last 100 steps) {np.mean(hist.loss[-100:]):.4f}", flush=True)
    return model, hist


if __name__ == "__main__":
    main()
