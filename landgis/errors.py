"""The one exception family the CLI turns into a clean one-line error (no traceback)."""

from __future__ import annotations

from landgis.catalog import Message

__all__ = ["LandgisError", "InputError", "LimitError", "LandgisWarning"]


class LandgisError(Exception):
    """Base of every error landgis raises for bad input; its message is meant for the user.

    The message is a :class:`landgis.catalog.Message`: ``str(error)`` is English (for a program that calls
    landgis), :meth:`render` gives it in either language (the ``landgis`` command prints it in ``--lang``).

    Examples
    --------
    >>> from landgis.catalog import message
    >>> e = InputError(message("no such file: {path}", path="计划.txt"))
    >>> str(e), e.render("zh")
    ('no such file: 计划.txt', '找不到文件：计划.txt')
    """

    def render(self, lang: str = "en") -> str:
        """The message in ``lang`` (``zh`` or ``en``); a plain-text message is returned as it is."""
        first = self.args[0] if self.args else None
        return first.render(lang) if isinstance(first, Message) else str(self)


class InputError(LandgisError, ValueError):
    """An input file or value is not what was expected; the message names the file, row or feature."""


class LimitError(InputError):
    """An input is larger than a reader's limit (:mod:`landgis.limits`); the message names the file and the limit."""


class LandgisWarning(UserWarning):
    """Something was repaired or is missing, and the work went on; the message says what, for the user.

    The ``landgis`` command prints it as one line (``landgis: 警告: …``), without Python's source line, in its
    ``--lang``: its message is a :class:`landgis.catalog.Message`, as an error's is.
    """

    render = LandgisError.render
