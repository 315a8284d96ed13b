"""Exercises of notebook 08."""

from . import Exercise, register  # noqa: F401
