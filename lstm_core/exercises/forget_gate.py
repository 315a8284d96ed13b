"""Exercises of notebook 03."""

from . import Exercise, register  # noqa: F401
