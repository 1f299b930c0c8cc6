r"""User text made safe to show: control characters are written out as escapes, never passed on raw.

A parcel id, a plan's title or a file name may hold control characters (``\x1b[31m`` terminal escapes,
``\x07`` bells, NUL). Raw, they are an error in a spreadsheet (openpyxl refuses them), in Word and QGIS
XML (XML 1.0 has no place for them), and a command to the terminal. :func:`printable` writes each as
the escape Python would (``\x1b``), so the text stays readable and complete, and nothing is lost
silently. Tab, line feed and carriage return are ordinary text and stay.

:func:`escaping_streams` applies it to everything the command line prints.

Examples
--------
>>> printable("LZ\x1b[31m-001\x07")
'LZ\\x1b[31m-001\\x07'
>>> printable("连州市\t2026")
'连州市\t2026'
"""

from __future__ import annotations

import contextlib
import io
import re
import sys
from typing import Any, Callable, Iterator, TextIO

from markupsafe import Markup

__all__ = ["printable", "printable_data", "jinja_finalize", "escaping_streams"]

#: C0 controls but tab, LF and CR; DEL and the C1 controls (U+009B is a terminal's CSI); lone surrogates
#: (undecodable bytes), which no UTF-8 file can hold; U+FFFE and U+FFFF, which XML forbids.
_UNSHOWABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    r"""``text`` with every control character (but tab, LF, CR) written as its escape (``\x1b``).

    Examples
    --------
    >>> printable("a\x00b\x9bc")
    'a\\x00b\\x9bc'
    """
    text = str(text)
    return _UNSHOWABLE.sub(_escape, text) if _UNSHOWABLE.search(text) else text


def printable_data(value: Any) -> Any:
    """``value`` with :func:`printable` applied to every string in it (dicts, lists and tuples walked).

    Examples
    --------
    >>> printable_data({"id": ["a\\x07", 1.5]})
    {'id': ['a\\\\x07', 1.5]}
    """
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {printable_data(k): printable_data(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(printable_data(v) for v in value)
    return value


def jinja_finalize(value: Any) -> Any:
    r"""A Jinja2 ``finalize``: every string a template puts out goes through :func:`printable` (markup stays markup).

    Examples
    --------
    >>> import jinja2
    >>> env = jinja2.Environment(autoescape=True, finalize=jinja_finalize)
    >>> env.from_string("<b>{{ t }}</b>").render(t="<\x1b>")
    '<b>&lt;\\x1b&gt;</b>'
    """
    if isinstance(value, str):

        shown = printable(value)
        return Markup(shown) if isinstance(value, Markup) else shown
    return value


class FilteredStream(io.TextIOBase):
    """A text stream that passes each write through ``transform`` before the wrapped stream gets it."""

    def __init__(self, stream: TextIO, transform: Callable[[str], str]):
        self._stream = stream
        self._transform = transform

    def write(self, text: str) -> int:
        self._stream.write(self._transform(text))
        return len(text)

    def flush(self) -> None:
        self._stream.flush()

    @property
    def closed(self) -> bool:  # type: ignore[override]  # the wrapped stream's (a late atexit hook asks)
        return getattr(self._stream, "closed", False)

    def isatty(self) -> bool:
        return not self.closed and self._stream.isatty()

    def fileno(self) -> int:
        return self._stream.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self._stream, "encoding", "utf-8")


@contextlib.contextmanager
def filtered_streams(transform: Callable[[str], str]) -> Iterator[None]:
    """Within the block, everything written to stdout or stderr passes through ``transform``."""
    old = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = FilteredStream(old[0], transform), FilteredStream(old[1], transform)
    try:
        yield
    finally:
        for s in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                s.flush()
        sys.stdout, sys.stderr = old


@contextlib.contextmanager
def escaping_streams() -> Iterator[None]:
    r"""Within the block, control characters written to stdout or stderr come out escaped.

    Examples
    --------
    >>> with escaping_streams():  # doctest: +SKIP
    ...     print("\x1b[2J")
    \x1b[2J
    """
    with filtered_streams(printable):
        yield
