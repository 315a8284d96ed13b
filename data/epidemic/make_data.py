"""Rebuild notebook 14's data: simulated SIR epidemics (``sir.csv``) and the shipped forecaster.

    python data/epidemic/make_data.py            # writes sir.csv (a fraction of a second)
    python data/epidemic/make_data.py --train    # also retrains forecaster.npz (about 5 seconds)
    python data/epidemic/make_data.py --check    # exits 1 if sir.csv differs from a fresh build

Everything comes from ``lstm_course.demos.epidemic``: the epidemics' parameters (``EPIDEMICS``), the RK4
simulation, the seeded observation noise, and the many-to-many training recipe (``RECIPE``) that
notebook 14 uses too. Same command, same files (the noise and the weights are seeded).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from lstm_course.demos import epidemic as E  # noqa: E402


def csv_text() -> str:
    """What sir.csv must contain."""
    return E.to_csv_text(E.make_epidemics())


def train_shipped():
    """The many-to-many forecaster the explorer loads by default, trained on the training epidemics."""
    eps = E.load_epidemics()
    train = [e.observed for e in eps if e.split == "train"]
    scaler = E.Scaler.fit(train)
    model, hist = E.train_forecaster("m2m", [scaler.transform(s) for s in train])
    return model, hist


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--train", action="store_true", help="also retrain forecaster.npz")
    ap.add_argument("--check", action="store_true", help="only compare sir.csv with a fresh build")
    args = ap.parse_args(argv)
    text = csv_text()
    if args.check:
        same = E.CSV_PATH.exists() and E.CSV_PATH.read_text() == text
        print("sir.csv is up to date" if same else "sir.csv differs from a fresh build")
        return 0 if same else 1
    E.CSV_PATH.write_text(text)
    print(f"wrote {E.CSV_PATH.relative_to(ROOT)} ({text.count(chr(10)) - 1} rows)")
    if args.train:
        model, hist = train_shipped()
        model.save(E.WEIGHTS_PATH)
        print(f"wrote {E.WEIGHTS_PATH.relative_to(ROOT)} (final training loss {hist.loss[-1]:.6f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
