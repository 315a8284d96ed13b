"""lstm_course.show: the fixed format of the numbers the notebooks print (and nbval compares)."""

import numpy as np
import pytest

from lstm_course import show


def test_show_joins_every_number_with_the_spec():
    assert show([0.5, 0.25]) == "[0.5, 0.25]"
    assert show(np.array([[0.03818, -0.38687]]), "+.5f") == "[+0.03818, -0.38687]"   # any shape, row by row
    assert show(np.float64(1e-40), ".2e") == "[1.00e-40]"
    assert show([0.25, 0.996], ".0%") == "[25%, 100%]"
    assert show([], ".3f") == "[]"


@pytest.mark.parametrize("values, digits", [([-10.0, -11.0, 11.0], 1), ([4.5e-5, 1.7e-5, 0.99998], 5),
                                            ([0.0, 0.99933, 0.99933], 0)])
def test_with_spaces_it_prints_what_numpy_prints_with_a_fixed_formatter(values, digits):
    """Notebook 06 prints short vectors numpy's way: the same text as array2string."""
    a = np.array(values)
    numpy = np.array2string(a, formatter={"float_kind": lambda v: f"{v:.{digits}f}"})
    assert show(a, f".{digits}f", sep=" ") == numpy
