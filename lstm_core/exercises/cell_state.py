"""Exercises of notebook 05."""

from . import Exercise, register  # noqa: F401
