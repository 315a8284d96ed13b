"""Reading numbers back out of an explorer's readout text, for the widget tests."""

import numpy as np


def shown(text, prefix):
    """The numbers of the bracketed list that follows ``prefix`` in the readout."""
    assert prefix in text, f"{prefix!r} not in the readout:\n{text}"
    body = text.split(prefix, 1)[1]
    body = body[body.index("[") + 1:body.index("]")]
    return np.array([float(v) for v in body.split(",")])


def assert_listed(text, prefix, want, decimals):
    """The readout shows ``want`` to ``decimals`` places (a half-unit tolerance for ties)."""
    np.testing.assert_allclose(shown(text, prefix), want, rtol=0, atol=0.5 * 10.0 ** -decimals + 1e-9)
