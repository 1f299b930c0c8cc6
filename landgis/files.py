"""CSV and XLSX tables a planner can sum, with no formula in any cell, written completely or not at all
(:mod:`landgis.atomic`, whose functions are re-exported here)."""

from __future__ import annotations

import datetime as dt
import decimal
import io
import math
import numbers
import re
import tempfile
import unicodedata
import zipfile
from pathlib import Path
from typing import Mapping

import numpy as np
import pandas as pd

from landgis.atomic import atomic_path, check_output_path, space_problem, write_bytes, write_text  # re-exported
from landgis.printable import printable

# openpyxl is imported inside functions: only a workbook needs it, and the atlas writes its workbooks after the
# drawing, whose workers then fork from a process without it (issue 23).
__all__ = ["check_output_path", "atomic_path", "write_bytes", "write_text", "write_xlsx", "write_workbook",
           "finish_sheet", "write_csv", "csv_bytes", "csv_cell", "sheet_text", "is_formula_like", "reproducible_xlsx"]


_XLSX_EPOCH = (2000, 1, 1, 0, 0, 0)


def reproducible_xlsx(data: bytes) -> bytes:
    """The same workbook with fixed document dates and zip entry times, so re-runs are byte-identical."""

    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps created/modified with now()
                body = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)",
                              rb"\g<1>2000-01-01T00:00:00Z\g<3>", body)
            fixed = zipfile.ZipInfo(info.filename, date_time=_XLSX_EPOCH)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, body)
    return out.getvalue()


# --- spreadsheets: text stays text, numbers stay numbers ----------------------------------------
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make Excel, LibreOffice or WPS read a cell as a formula (OWASP CSV Injection)."""

NUMBER_FORMAT = "#,##0.0000"
"""Number format of a figure with decimals (the stored value stays exact); whole numbers get ``0``."""


def is_formula_like(value: object) -> bool:
    """Whether ``value`` is text that a spreadsheet would run as a formula.

    Examples
    --------
    >>> is_formula_like('=HYPERLINK("http://x")'), is_formula_like("-1"), is_formula_like(-1)
    (True, True, False)
    """
    return isinstance(value, str) and value.startswith(FORMULA_START)


def csv_cell(value: object) -> object:
    """A value for a CSV cell: text a spreadsheet would run as a formula gets a leading apostrophe.

    Control characters in text are written as escapes (:func:`landgis.printable.printable`).
    The apostrophe is OWASP's CSV Injection defence; Excel and WPS show the apostrophe-prefixed cell as text.
    Numbers (negative ones included) are not text and pass unchanged.

    Examples
    --------
    >>> csv_cell("=1+1镇"), csv_cell("@SUM(A1)"), csv_cell(-2.5), csv_cell("和平镇")
    ("'=1+1镇", "'@SUM(A1)", -2.5, '和平镇')
    """
    if isinstance(value, str):

        value = printable(value)  # control characters written as escapes (\x1b), never raw
    return "'" + value if is_formula_like(value) else value


def csv_bytes(df: pd.DataFrame, *, header: bool = True, bom: bool = True) -> bytes:
    r"""``df`` as CSV in UTF-8 with BOM (Excel on a Chinese Windows then reads it right), text cells made safe.

    ``header=False, bom=False`` give the rows of a later chunk of a file written in pieces.

    Examples
    --------
    >>> import pandas as pd
    >>> csv_bytes(pd.DataFrame({"id": ["=cmd"], "ha": [-1.5]})).decode("utf-8-sig")
    "id,ha\r\n'=cmd,-1.5\r\n"
    """

    safe = df.copy()
    safe.columns = [str(csv_cell(str(c))) for c in safe.columns]
    for col in safe.columns:
        if safe[col].dtype == object or pd.api.types.is_string_dtype(safe[col].dtype):
            safe[col] = safe[col].map(csv_cell).astype(object)
    # CRLF as RFC 4180 and Excel have it; it also makes a line break inside a cell get quoted
    return safe.to_csv(index=False, header=header, lineterminator="\r\n").encode("utf-8-sig" if bom else "utf-8")


def write_csv(df: pd.DataFrame, path: str | Path) -> Path:
    """Write ``df`` with :func:`csv_bytes`, atomically; return the path."""
    return write_bytes(path, csv_bytes(df))


def _text_width(value: object) -> float:
    """Display width of a cell in Excel character units: CJK and other wide characters count double."""

    text = value if isinstance(value, str) else f"{value:,.4f}" if isinstance(value, float) else str(value)
    return max((sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
                for line in text.splitlines() or [""]), default=0)


def _cell_value(value: object) -> tuple[object, str | None]:
    """(value openpyxl stores, number format) for one cell: numbers numeric, text as text."""

    if value is None or value is pd.NA or value is pd.NaT:
        return None, None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool):
        return value, None
    if isinstance(value, decimal.Decimal):
        if not value.is_finite():
            return (None if value.is_nan() else str(value)), None
        return (int(value) if value == value.to_integral_value() and abs(value) < 2 ** 53 else float(value)), \
            ("0" if value == value.to_integral_value() else NUMBER_FORMAT)
    if isinstance(value, numbers.Integral):
        return int(value), "0"
    if isinstance(value, numbers.Real):
        value = float(value)
        if math.isnan(value):
            return None, None
        if math.isinf(value):
            return ("∞" if value > 0 else "-∞"), None  # Excel has no infinity: said as text, not dropped
        return value, NUMBER_FORMAT
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None), "yyyy-mm-dd hh:mm:ss"
    if isinstance(value, dt.date):
        return value, "yyyy-mm-dd"
    return sheet_text(value), None


def sheet_text(value: object) -> str:
    r"""Text for a spreadsheet cell: control characters, which a workbook cannot hold, written as escapes.

    Examples
    --------
    >>> sheet_text("LZ\x1b-001")
    'LZ\\x1b-001'
    """

    return printable(str(value))


def finish_sheet(ws, *, header_row: int = 1) -> None:
    """Make an openpyxl sheet safe and readable in place.

    Every text cell is stored as text (``=…`` never becomes a formula), numbers without a number format
    get one (``0`` or :data:`NUMBER_FORMAT`), column widths fit the content
    (CJK characters count double, at most 60), and the rows down to ``header_row`` stay frozen.
    """

    from openpyxl.utils import get_column_letter

    widths: dict[int, float] = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is None:
                continue
            if isinstance(cell.value, str):
                cell.data_type = "s"  # openpyxl marks '=…' as a formula; it is the user's text
                if is_formula_like(cell.value):
                    cell.quotePrefix = True  # and Excel keeps it text when the cell is edited
            elif isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool) \
                    and cell.number_format == "General":
                cell.number_format = "0" if isinstance(cell.value, int) else NUMBER_FORMAT
            if cell.row >= header_row:  # a title above the header may span the columns
                widths[cell.column] = max(widths.get(cell.column, 0), _text_width(cell.value))
    for col, width in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = min(60, max(8, width + 2))
    if ws.max_row > header_row:
        ws.freeze_panes = ws.cell(row=header_row + 1, column=1).coordinate


def write_workbook(wb, path: str | Path) -> Path:
    """Save an openpyxl workbook atomically and reproducibly, every sheet through :func:`finish_sheet`.

    A sheet whose ``freeze_panes`` is already set keeps it: the row above is taken as the header, and
    rows above that (a title) do not widen the columns.
    """

    for ws in wb.worksheets:
        frozen = ws.freeze_panes
        finish_sheet(ws, header_row=ws[frozen].row - 1 if frozen else 1)
        if frozen:
            ws.freeze_panes = frozen
    buf = io.BytesIO()
    try:
        wb.save(buf)  # openpyxl writes each sheet to a temporary file first
    except Exception as exc:
        problem = space_problem(Path(tempfile.gettempdir()) / ".", Path(path))
        if problem is None:
            raise
        raise problem from exc
    return write_bytes(path, reproducible_xlsx(buf.getvalue()))


def write_xlsx(sheets: Mapping[str, pd.DataFrame], path: str | Path,
               number_formats: Mapping[str, str] | None = None) -> Path:
    """Write one sheet per table, atomically and reproducibly, as a planner can sum it.

    Numbers (int, float, Decimal, numpy) are numeric cells with a number format, text is text (never a
    formula), missing values are empty cells; the header row is bold and frozen, widths fit the content.

    Parameters
    ----------
    sheets : mapping of str to pandas.DataFrame
        Sheet name → table, in order.
    path : str or Path
    number_formats : mapping of str to str, optional
        Column name → Excel number format (e.g. ``"0.00"`` for percentages), instead of the default.

    Returns
    -------
    Path

    Examples
    --------
    >>> import pandas as pd
    >>> write_xlsx({"按乡镇": pd.DataFrame({"乡镇": ["和平镇"], "面积（公顷）": [1.5]})}, "t.xlsx")  # doctest: +SKIP
    """

    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    for name, df in sheets.items():
        ws = wb.create_sheet(title=str(name)[:31])
        ws.append([str(c) for c in df.columns])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        formats = [(number_formats or {}).get(str(c)) for c in df.columns]
        for row in df.itertuples(index=False, name=None):
            cells = [_cell_value(v) for v in row]
            ws.append([v for v, _ in cells])
            for cell, (_, fmt), override in zip(ws[ws.max_row], cells, formats):
                if fmt is not None:
                    cell.number_format = override or fmt
    return write_workbook(wb, path)
