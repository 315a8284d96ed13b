"""Numbers printed the same way on every machine: ``show`` writes the arrays the notebooks print.

    from lstm_course import show
    show([0.5, 0.25])            -> '[0.5, 0.25]'
    show(h, "+.5f")              -> '[+0.03818, +0.38687]'
    show(o, ".4f", sep=" ")      -> '[0.0000 0.0000 1.0000]'   (numpy's own look, as notebook 06 prints)

A fixed format, so a printed number never depends on numpy's print options or line width, and
the outputs that nbval compares stay the same from one machine to the next.
"""

from __future__ import annotations

import numpy as np


def show(values, spec="g", sep=", ") -> str:
    """Every number of ``values`` (any shape, read row by row) formatted with the format spec
    ``spec`` (as in ``format(v, spec)``: "g", ".4f", "+.5f", ".2e", ".0%"), joined by ``sep``, in
    square brackets."""
    return "[" + sep.join(format(float(v), spec) for v in np.ravel(values)) + "]"
