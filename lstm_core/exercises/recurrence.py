"""Exercises of notebook 01."""

from . import Exercise, register  # noqa: F401
