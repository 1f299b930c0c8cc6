"""The CJK font landgis ships: Noto Sans CJK SC, package data in ``landgis/render/fontdata/`` with its
licence (SIL Open Font License 1.1, ``OFL.txt``).

Every Chinese character landgis draws comes from this font, never from a system font, so maps
look the same on a machine with no CJK font at all:

* matplotlib: the font is registered BY FILE under a family name no other font has
  (:data:`FONT_FAMILY`), so a system "Noto Sans CJK SC" of another version never replaces it;
  importing :mod:`landgis.render` makes it the default (:func:`use_cjk_font`), so any figure a
  script or notebook draws has Chinese; :func:`pin_font` ties every text of a landgis figure to the
  file, so the figure draws the same wherever it is saved or shown later;
  :func:`rc_params` gives the settings for a ``matplotlib.rc_context`` (PDF fonts as Type 3,
  which embeds the glyphs of the OpenType/CFF font validly; SVG text as paths, which needs no
  font on the reader's machine);
* HTML: :func:`webfont_css` returns an ``@font-face`` rule with the font subset to the
  characters a page uses, inlined as a ``data:`` URL (WOFF, a few kB to a few dozen kB).
"""

from __future__ import annotations

import base64
import contextlib
import contextvars
import dataclasses
import io
import re
import secrets
from functools import lru_cache
from importlib import resources
from pathlib import Path

import matplotlib
from fontTools import subset
from matplotlib import font_manager
from matplotlib.ft2font import FT2Font
from matplotlib.text import Text

from landgis.catalog import message
from landgis.errors import LandgisError
from landgis.printable import printable
from landgis.render.shipped import template

__all__ = ["FONT_FAMILY", "cjk_font_path", "use_cjk_font", "pin_font", "rc_params", "webfont_css",
           "one_webfont_per_run", "RunFont", "subset_count"]

#: The family name matplotlib knows the shipped file by: only that file has it.
FONT_FAMILY = "landgis Noto Sans CJK SC"
_FONT_FILE = "NotoSansCJKsc-Regular.otf"

# Always in a web-font subset: printable ASCII, the Latin-1 signs maps use (°, ², ×, ·),
# and the CJK / full-width punctuation of Chinese text.
_ALWAYS = (
    "".join(chr(c) for c in range(0x20, 0x7F))
    + "°±²³·×÷–—‘’“”…‰′″→←↑↓−≤≥\u00a0"
    + "、。〈〉《》「」『』【】〔〕〖〗・～！（），．：；？［］｛｝％＋－＝／"
)


def cjk_font_path() -> Path:
    """Path of the shipped CJK font file (Noto Sans CJK SC Regular, OpenType/CFF).

    Returns
    -------
    pathlib.Path

    Raises
    ------
    LandgisError
        When the install lacks the font file (a broken install).

    Examples
    --------
    >>> cjk_font_path().name
    'NotoSansCJKsc-Regular.otf'
    """
    path = Path(str(resources.files("landgis.render") / "fontdata" / _FONT_FILE))
    if not path.is_file():  # pragma: no cover - a broken install
        raise LandgisError(message("the CJK font {path} is missing; reinstall landgis", path=path))
    return path


@lru_cache(maxsize=None)
def _register() -> str:
    """Register the shipped file under :data:`FONT_FAMILY`: selecting that family selects the file."""

    path = str(cjk_font_path())
    entry = dataclasses.replace(font_manager.ttfFontProperty(FT2Font(path)), name=FONT_FAMILY)
    manager = font_manager.fontManager
    manager.ttflist = [e for e in manager.ttflist if e.name != FONT_FAMILY] + [entry]
    manager._findfont_cached.cache_clear()  # noqa: SLF001 - a new family must be found on the next lookup
    return FONT_FAMILY


def pin_font(fig):
    """Tie every text of a figure to the shipped font file, whatever the rcParams when it is drawn.

    Every text is also drawn as written: ``$…$`` is not parsed as mathtext, and control characters
    (which have no glyph) are shown as escapes (:func:`landgis.printable.printable`).

    Parameters
    ----------
    fig : matplotlib.figure.Figure

    Returns
    -------
    matplotlib.figure.Figure
        The same figure.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> fig = Figure()
    >>> _ = fig.text(0.1, 0.5, "县城")
    >>> pin_font(fig).texts[0].get_fontproperties().get_file() == str(cjk_font_path())
    True
    """

    path = str(cjk_font_path())
    for text in fig.findobj(Text):
        props = text.get_fontproperties().copy()
        props.set_file(path)
        text.set_fontproperties(props)
        text.set_parse_math(False)  # a $…$ in a plan's title is text, not mathtext
        shown = text.get_text()
        if isinstance(shown, str) and printable(shown) != shown:  # no glyph for a control character
            text.set_text(printable(shown))
    return fig


def rc_params() -> dict[str, object]:
    """matplotlib settings that draw every text with the shipped font and embed it in outputs.

    Use as ``with matplotlib.rc_context(rc_params()): ...``. PDF text is written as Type 3 fonts
    (glyph outlines embedded, text still extractable); matplotlib's Type 42 embedding would put
    the CFF outlines of this OpenType font into a TrueType slot, which strict readers reject.
    SVG text is written as paths (glyph outlines defined once and reused), so the SVG needs no
    font on the reader's machine; the text itself is kept in comments.

    Returns
    -------
    dict
    """
    family = _register()
    return {
        "font.family": "sans-serif",
        "font.sans-serif": [family, "DejaVu Sans"],
        "axes.unicode_minus": True,  # the font has U+2212
        "pdf.fonttype": 3,
        "ps.fonttype": 3,
        "svg.fonttype": "path",
        "text.parse_math": False,  # user text with two $ is shown as written, never parsed as mathtext
    }


def use_cjk_font(set_default: bool = True):
    """Register the shipped CJK font with matplotlib.

    Parameters
    ----------
    set_default : bool
        Also make it the default sans-serif family (``rcParams``), with the embedding
        settings of :func:`rc_params`.

    Returns
    -------
    matplotlib.font_manager.FontProperties
        Properties that select the shipped font (``fontproperties=`` of any text call).

    Examples
    --------
    >>> from matplotlib import font_manager
    >>> font_manager.findfont(use_cjk_font(set_default=False)) == str(cjk_font_path())
    True
    """

    family = _register()
    if set_default:
        matplotlib.rcParams.update(rc_params())
    return font_manager.FontProperties(family=family)


class RunFont:
    """The one web-font subset of a run (:func:`one_webfont_per_run`): every page of the run gets it.

    Inside the run :func:`webfont_css` records the characters of each page and returns a placeholder
    that no text can contain (it carries a random token); :meth:`fill` puts the ``@font-face`` rule of
    the run's subset in its place: the font subset once, to the union of every page's characters.
    """

    def __init__(self) -> None:
        self._token = secrets.token_hex(12)
        self._pattern = re.compile(rf"/\*landgis-webfont-{self._token}-(\d+)\*/")
        self._chars: set[str] = set()
        self._families: list[str] = []
        self._filled: set[int] = set()
        self._made: tuple[frozenset[str], str] | None = None

    def placeholder(self, chars: str, family: str) -> str:
        """Record a page's characters and its family; the text :meth:`fill` replaces."""
        self._chars.update(chars)
        self._families.append(family)
        return f"/*landgis-webfont-{self._token}-{len(self._families) - 1}*/"

    def fill(self, html: str) -> str:
        """``html`` with each placeholder replaced by its ``@font-face`` rule, the font subset to every
        character recorded so far (once: again only if a page recorded since adds characters)."""
        chars = frozenset(self._chars)
        if self._made is None or self._made[0] != chars:
            self._made = (chars, base64.b64encode(_make_subset("".join(sorted(chars)))).decode("ascii"))
        data = self._made[1]

        def rule(match: re.Match) -> str:
            self._filled.add(int(match.group(1)))
            family = self._families[int(match.group(1))]  # checked by webfont_css
            return template("font_face.css", autoescape=False).render(family=family, data=data)

        return self._pattern.sub(rule, html)

    def unfilled(self) -> int:
        """How many placeholders were given out and never filled (a page written without its font)."""
        return len(set(range(len(self._families))) - self._filled)


_RUN_FONT: contextvars.ContextVar[RunFont | None] = contextvars.ContextVar("landgis_run_font", default=None)
_COUNT = [0]


@contextlib.contextmanager
def one_webfont_per_run():
    """Within the block, every page's web font is one subset, of the union of the pages' characters.

    :func:`webfont_css` returns placeholders; the pages must go through the yielded
    :class:`RunFont`'s ``fill`` before they are written. A placeholder left unfilled when the block
    ends is a bug (:class:`~landgis.errors.LandgisError`).

    Examples
    --------
    >>> with one_webfont_per_run() as font:
    ...     before = subset_count()
    ...     a, b = font.fill(webfont_css("连州")), font.fill(webfont_css("龙坪", "x"))
    ...     a == font.fill(webfont_css("连州")), subset_count() - before
    (False, 2)
    >>> with one_webfont_per_run() as font:
    ...     before = subset_count()
    ...     pages = [webfont_css("连州"), webfont_css("龙坪", "x")]
    ...     a, b = (font.fill(p) for p in pages)
    ...     a.split("src:")[1] == b.split("src:")[1], subset_count() - before
    (True, 1)
    """
    font = RunFont()
    token = _RUN_FONT.set(font)
    try:
        yield font
    finally:
        _RUN_FONT.reset(token)
    if font.unfilled():
        raise LandgisError(message("{n} page(s) of the run were left without their web font", n=font.unfilled()))


def subset_count() -> int:
    """How many font subsets this process has made (for tests and the benchmark).

    Examples
    --------
    >>> subset_count() >= 0
    True
    """
    return _COUNT[0]


def _make_subset(chars: str) -> bytes:
    _COUNT[0] += 1
    options = subset.Options()
    options.flavor = "woff"  # zlib: needs no brotli
    options.layout_features = ["*"]
    options.name_IDs = ["*"]  # keeps the copyright and OFL licence records
    options.notdef_outline = True
    options.hinting = False
    font = subset.load_font(str(cjk_font_path()), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=chars)
    subsetter.subset(font)
    buf = io.BytesIO()
    subset.save_font(font, buf, options)
    font.close()
    return buf.getvalue()


def webfont_css(text: str, family: str = "landgis-cjk") -> str:
    """An ``@font-face`` rule with the shipped font subset to the characters of ``text``.

    Printable ASCII and common Chinese punctuation are always included, so numbers and
    Latin names render in the same face.

    Parameters
    ----------
    text : str
        Every text the page shows (names, labels, legend, footnotes).
    family : str
        The CSS ``font-family`` name to declare; letters, digits, ``-`` and ``_`` only.

    Returns
    -------
    str
        ``@font-face { font-family: "…"; src: url(data:font/woff;base64,…) format("woff"); … }``

    Raises
    ------
    ValueError
        When ``family`` has characters that could break out of the CSS string.
    """
    if not family or not all(c.isalnum() or c in "-_ " for c in family):
        raise ValueError(f"font family name {family!r} must be letters, digits, '-', '_' or spaces")
    chars = "".join(sorted(set(_ALWAYS) | {c for c in set(text) if c.isprintable()}))
    run = _RUN_FONT.get()
    if run is not None:  # in a run (one_webfont_per_run): the run's one subset, filled in later
        return run.placeholder(chars, family)
    data = base64.b64encode(_make_subset(chars)).decode("ascii")
    return template("font_face.css", autoescape=False).render(family=family, data=data)  # family checked above
