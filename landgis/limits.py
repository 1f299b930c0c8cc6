"""The limits every reader keeps, in one place: how much of an input landgis takes in.

A plan, a township layer or a parcel file that would expand beyond one of these stops the run with one
:class:`~landgis.errors.LimitError` line naming the file and the limit (exit code 2), before the
reader spends the memory or time: a page of nested tables, a zip bomb, a Word file whose tables
multiply out, a CSV of junk rows. Nothing is cut short silently.

Each limit can be raised for one run with an environment variable ``LANDGIS_LIMIT_<NAME>``
(e.g. ``LANDGIS_LIMIT_ROWS=5000000``); the message names it.

==================  ================  ==============================================================
name                default           what it bounds
==================  ================  ==============================================================
``rows``            2,000,000         rows of a parcel table (.csv/.xlsx) or features of a .dbf
``field_chars``     10,000            characters in one cell of a parcel table
``table_bytes``     1 GiB             size of a parcel table file (.csv) as read
``html_bytes``      50 MiB            size of a plan's web page
``html_nesting``    255               element nesting of a plan's web page (at most 2,048: libxml2's)
``html_colspan``    100               ``colspan`` of one table cell (larger is an error)
``html_rowspan``    1,000             ``rowspan`` of one table cell (larger is an error)
``cells``           200,000           table cells after spans are repeated, per plan (.html, .docx, .xlsx)
``text_chars``      20,000,000        characters of a plan's text (.txt, .docx, .pdf, .html, .xlsx)
``pdf_pages``       2,000             pages of a plan's PDF
``unzipped_bytes``  4 GiB             uncompressed size of a zip (.docx, .xlsx, zipped shapefile)
``zip_ratio``       200               uncompressed/compressed size of a zip entry over 16 MiB
``zip_entries``     10,000            members of a zip
``overlap_pairs``   500,000           pairs of intersecting parcel polygons QA measures (per partition pair)
``xml_bytes``       64 MiB            one XML part of a .docx or .xlsx, uncompressed (its parse takes ~10x)
==================  ================  ==============================================================
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

from landgis.catalog import message
from landgis.errors import LimitError

__all__ = ["LIMITS", "limit", "exceeded", "check_zip", "check_size"]

LIMITS: dict[str, int] = {
    "rows": 2_000_000,
    "field_chars": 10_000,
    "table_bytes": 1 << 30,
    "html_bytes": 50 << 20,
    "html_nesting": 255,
    "html_colspan": 100,
    "html_rowspan": 1_000,
    "cells": 200_000,
    "text_chars": 20_000_000,
    "pdf_pages": 2_000,
    "unzipped_bytes": 4 << 30,
    "zip_ratio": 200,
    "zip_entries": 10_000,
    "xml_bytes": 64 << 20,
    "overlap_pairs": 500_000,
}
"""Default limits by name (see the module's table)."""

_RATIO_FLOOR = 16 << 20  # small entries may compress as well as they like (a blank .dbf of a few MiB)


def limit(name: str) -> int:
    """The limit ``name``: ``LANDGIS_LIMIT_<NAME>`` if set to a positive integer, else the default.

    Examples
    --------
    >>> limit("pdf_pages")
    2000
    """
    default = LIMITS[name]
    raw = os.environ.get(f"LANDGIS_LIMIT_{name.upper()}", "").strip().replace("_", "")
    try:
        value = int(raw)
    except ValueError:
        return default
    return value if value > 0 else default


def exceeded(where: object, what: str, name: str, value: int | None = None) -> LimitError:
    """The one-line error for an input beyond limit ``name`` (to ``raise``).

    Examples
    --------
    >>> str(exceeded("plan.html", "table cells after colspan/rowspan", "cells"))
    'plan.html: more than 200,000 table cells after colspan/rowspan (the limit; set LANDGIS_LIMIT_CELLS to raise it)'
    """
    what = message(what)  # the limit's words, in the catalogue
    got = (message("{value:,} {what}, more than {limit:,}", value=value, what=what, limit=limit(name))
           if value is not None else message("more than {limit:,} {what}", limit=limit(name), what=what))
    return LimitError(message("{where}: {got} (the limit; set LANDGIS_LIMIT_{upper} to raise it)", where=where, got=got, upper=name.upper()))


def check_zip(zf: zipfile.ZipFile, where: object, office: bool = False) -> None:
    """Refuse a zip whose members would expand beyond the limits, before anything is extracted.

    The sizes are those the archive declares; :mod:`zipfile` stops reading a member at its declared
    size, so a member cannot expand further than checked here.

    With ``office`` (a .docx or .xlsx), each XML part is also held to ``xml_bytes``.

    Raises
    ------
    LimitError
        Too many members, too large in total, or a member that compresses better than ``zip_ratio``.
    """
    infos = zf.infolist()
    if len(infos) > limit("zip_entries"):
        raise exceeded(where, "members in the zip archive", "zip_entries", len(infos))
    total = 0
    for info in infos:
        total += info.file_size
        if office and info.filename.lower().endswith((".xml", ".rels")) and info.file_size > limit("xml_bytes"):
            raise exceeded(f"{where}!{info.filename}", "bytes of XML uncompressed", "xml_bytes", info.file_size)
        if info.file_size > _RATIO_FLOOR and info.file_size > limit("zip_ratio") * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            raise exceeded(f"{where}!{info.filename}", f"times expansion ({info.file_size:,} bytes from "
                           f"{info.compress_size:,}; a zip bomb?)", "zip_ratio", ratio)
    if total > limit("unzipped_bytes"):
        raise exceeded(where, "bytes uncompressed", "unzipped_bytes", total)


def check_size(path: Path, name: str, what: str = "bytes") -> None:
    """Refuse a file larger than limit ``name`` (in bytes)."""
    size = Path(path).stat().st_size
    if size > limit(name):
        raise exceeded(path, what, name, size)
