"""Train notebook 17's encoder-decoder at five teacher-forcing ratios, five seeds each, and write
the validation curves and test accuracies (no weights) to ratio_sweep.json.

    OPENBLAS_NUM_THREADS=1 python data/seq2seq/make_sweep.py [--out data/seq2seq/ratio_sweep.json]

The settings are ``lstm_course.demos.seq2seq.SWEEP_17``; see README.md.
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))     # the project, when run from anywhere

from lstm_course.demos import seq2seq as D

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--out", default=str(D.SHIPPED), help="the JSON file to write")
args = parser.parse_args()
start = time.time()
sweep = D.ratio_sweep(**D.SWEEP_17, progress=True)
D.save_sweep(sweep, args.out)
print(sweep.table())
print(f"{time.time() - start:.0f} s; written to {args.out}")
