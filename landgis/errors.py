"""The one exception family the CLI turns into a clean one-line error (no traceback)."""

from __future__ import annotations

__all__ = ["LandgisError", "InputError", "LimitError", "LandgisWarning"]


class LandgisError(Exception):
    """Base of every error landgis raises for bad input; its message is meant for the user."""


class InputError(LandgisError, ValueError):
    """An input file or value is not what was expected; the message names the file, row or feature."""


class LimitError(InputError):
    """An input is larger than a reader's limit (:mod:`landgis.limits`); the message names the file and the limit."""


class LandgisWarning(UserWarning):
    """Something was repaired or is missing, and the work went on; the message says what, for the user.

    The ``landgis`` command prints it as one line (``landgis: 警告: …``), without Python's source line.
    """
