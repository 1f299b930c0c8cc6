"""Writing outputs completely or not at all."""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import errno
import io
import math
import numbers
import os
import re
import stat
import tempfile
import unicodedata
import zipfile
from pathlib import Path
from typing import Iterator, Mapping

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from landgis.catalog import message, word
from landgis.errors import InputError
from landgis.printable import printable
from landgis.secrets import redact

try:  # POSIX only: the file size limit (ulimit -f) is read where there is one
    import resource
except ImportError:  # pragma: no cover - Windows
    resource = None

__all__ = ["check_output_path", "atomic_path", "write_bytes", "write_text", "write_xlsx", "write_workbook",
           "finish_sheet", "write_csv", "csv_bytes", "csv_cell", "sheet_text", "is_formula_like", "reproducible_xlsx"]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _kind_of(mode: int):
    for test, key in ((stat.S_ISDIR, "dir"), (stat.S_ISLNK, "link"), (stat.S_ISFIFO, "fifo"),
                      (stat.S_ISCHR, "char"), (stat.S_ISBLK, "block"), (stat.S_ISSOCK, "socket")):
        if test(mode):
            return word(f"term.mode.{key}")
    return word("term.mode.regular" if stat.S_ISREG(mode) else "term.mode.other")


def check_output_path(out: str | Path, kind: str = "file") -> Path:
    """``out`` as a place to write a new ``kind`` (``"file"`` or ``"folder"``), or :class:`InputError`.

    Accepted: a new path, or an existing regular file (for a file) or folder (for a folder). Refused:
    a symbolic link as the last component (the output would replace the link, not go where it points),
    and a device node, FIFO or socket, which a write would replace with a regular file.

    Examples
    --------
    >>> check_output_path("table.xlsx")
    PosixPath('table.xlsx')
    >>> check_output_path("/dev/null")
    Traceback (most recent call last):
    landgis.errors.InputError: /dev/null: is a character device, not a file; give a new path or a file to replace
    """

    path = Path(out)
    if not str(out).strip():
        raise InputError(message("--out is empty; give a {kind} name", kind=word(f"term.{kind}")))
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return path
    except OSError as exc:  # a parent that is a file, a path too long …
        raise OSError(exc.errno, exc.strerror, str(path)) from None
    if stat.S_ISLNK(mode):
        target = os.readlink(path)
        raise InputError(message("{path}: is a symbolic link (to {target}); give the {kind} itself or a new path", path=path, target=target, kind=word(f"term.{kind}")))
    wanted = stat.S_ISDIR(mode) if kind == "folder" else stat.S_ISREG(mode)
    if not wanted:
        raise InputError(message("{path}: is {mode}, not a {kind}; give a new path or a {kind} to replace", path=path, mode=_kind_of(mode), kind=word(f"term.{kind}")))
    return path


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """A temporary path beside ``path`` that replaces it only if the block succeeds.

    For writers that want a file name (``savefig``, ``to_file``). The suffix is kept so that
    writers which choose the format by extension still do.

    Examples
    --------
    >>> with atomic_path("map.png") as tmp:  # doctest: +SKIP
    ...     fig.savefig(tmp)
    """
    path = Path(path)
    tmp = path  # until the temporary file exists, errors name the output itself
    check_output_path(path, "file")  # never replace a device, a FIFO or a link with a regular file
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix, dir=path.parent)
        os.close(fd)
        tmp = Path(name)
        tmp.unlink()  # some writers (GDAL) refuse to overwrite an existing file
        try:
            yield tmp
        except Exception as exc:
            problem = _space_problem(tmp, path)
            if problem is not None and not isinstance(exc, OSError):
                raise problem from exc  # a writer (GDAL, matplotlib) that hides the disk behind its own error
            raise
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp's 0600 would hide the output from colleagues
        os.replace(tmp, path)
    except OSError as exc:
        if exc.filename is None or exc.filename in (str(tmp), str(path)) or str(exc.filename).startswith(
                str(path.parent / f".{path.stem}.")):
            raise OSError(exc.errno, exc.strerror, str(path)) from exc  # the user's path, not our temporary one
        raise
    finally:
        if tmp != path:
            tmp.unlink(missing_ok=True)


def _space_problem(tmp: Path, path: Path) -> OSError | None:
    """An OSError saying the disk is full or the file size limit was hit while writing ``path``, if so."""

    try:
        st = os.statvfs(path.parent)
        if st.f_bavail * st.f_frsize < (1 << 20):
            return OSError(errno.ENOSPC, word("cli.os.disk_full"), str(path))
    except (OSError, AttributeError):  # pragma: no cover - statvfs is POSIX
        pass
    try:
        soft, _ = resource.getrlimit(resource.RLIMIT_FSIZE)
        size = tmp.stat().st_size if tmp.exists() else 0
        if soft != resource.RLIM_INFINITY and (size >= soft - (1 << 16) or soft < (1 << 26)):
            return OSError(errno.EFBIG, message("the file size limit (ulimit -f, {soft} bytes) was reached", soft=soft),
                           str(path))
    except (AttributeError, OSError):  # pragma: no cover - resource is POSIX
        pass
    return None


def write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically; return the path."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def write_text(path: str | Path, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` atomically, without any registered password; return the path."""

    return write_bytes(path, redact(text).encode(encoding))


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
        problem = _space_problem(Path(tempfile.gettempdir()) / ".", Path(path))
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
