"""Read a plan given as an Excel workbook (.xlsx): each sheet's rows as lines of tab-separated cells.

Bureaus often publish the plan's tables (乡镇 × 用途, 供应方式, 供应时序) as a workbook beside the text.
Rows become lines as a Word table's do (:mod:`landgis.plan.read`), sheet after sheet, so the plan
parser reads them as any text table. Cells are read as stored: a formula gives its saved result and
is never evaluated (a formula with no saved result is an empty cell).
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

from landgis.catalog import message
from landgis.errors import InputError
from landgis.limits import check_zip, exceeded, limit

# openpyxl is imported inside functions: only an .xlsx plan needs it, and the atlas's drawing workers fork from
# a process without it (issue 23).
__all__ = ["read_workbook_text"]


def read_workbook_text(path: Path) -> str:
    """The text of every sheet of the workbook at ``path``: one line per row, cells joined by tabs.

    Raises
    ------
    InputError
        For a file that is not a readable .xlsx workbook; LimitError beyond the ``cells`` or
        ``text_chars`` limits.

    Examples
    --------
    >>> import tempfile
    >>> import openpyxl
    >>> book = openpyxl.Workbook()
    >>> book.active.append(["供应方式", "出让", "划拨"])
    >>> book.active.append(["面积（公顷）", 70.25, 30])
    >>> target = Path(tempfile.mkdtemp()) / "plan.xlsx"
    >>> book.save(target)
    >>> read_workbook_text(target).splitlines()
    ['供应方式\\t出让\\t划拨', '面积（公顷）\\t70.25\\t30']
    """
    path = Path(path)
    try:
        with zipfile.ZipFile(path) as zf:
            check_zip(zf, path, office=True)
        import openpyxl

        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise InputError(message("{path}: not a readable {suffix} workbook (damaged or another format): {exc}",
                                 path=path, suffix=path.suffix.lower(), exc=str(exc).split("\n")[0])) from None
    lines: list[str] = []
    cells = chars = 0
    try:
        for sheet in book.worksheets:
            for row in sheet.iter_rows(values_only=True):
                cells += len(row)
                if cells > limit("cells"):
                    raise exceeded(path, "cells in the workbook's sheets", "cells")
                texts = [_cell_text(v) for v in row]
                while texts and not texts[-1]:
                    texts.pop()
                line = "\t".join(texts)
                chars += len(line) + 1
                if chars > limit("text_chars"):
                    raise exceeded(path, "characters of text", "text_chars")
                lines.append(line)
            lines.append("")  # a sheet ends its tables
    finally:
        book.close()
    return "\n".join(lines)


def _cell_text(value) -> str:
    """A cell as text: numbers as written (30, 70.25; no float noise), dates as ISO, text on one line."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        text = f"{value:.15g}"  # a saved formula result may carry noise (0.30000000000000004)
        return text if "e" not in text else repr(value)
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()  # Excel keeps a date as a datetime at midnight
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    return " ".join(str(value).split())
