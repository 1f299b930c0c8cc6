"""Writing outputs completely or not at all."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, Mapping

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["atomic_path", "write_bytes", "write_text", "write_xlsx", "reproducible_xlsx"]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


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
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    tmp.unlink()  # some writers (GDAL) refuse to overwrite an existing file
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp's 0600 would hide the output from colleagues
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically; return the path."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def write_text(path: str | Path, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` atomically; return the path."""
    return write_bytes(path, text.encode(encoding))


_XLSX_EPOCH = (2000, 1, 1, 0, 0, 0)


def reproducible_xlsx(data: bytes) -> bytes:
    """The same workbook with fixed document dates and zip entry times, so re-runs are byte-identical."""
    import io
    import re
    import zipfile

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


def write_xlsx(sheets: Mapping[str, pd.DataFrame], path: str | Path) -> Path:
    """Write one sheet per table, with readable column widths, atomically and reproducibly.

    Parameters
    ----------
    sheets : mapping of str to pandas.DataFrame
        Sheet name → table, in order.
    path : str or Path

    Returns
    -------
    Path
    """
    import io

    import pandas as pd

    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xl:
        for name, df in sheets.items():
            df.to_excel(xl, sheet_name=name, index=False)
            sheet = xl.sheets[name]
            for col in sheet.columns:
                width = max(len(str(c.value if c.value is not None else "")) for c in col)
                sheet.column_dimensions[col[0].column_letter].width = min(60, 4 + 1.6 * width)
    return write_bytes(path, reproducible_xlsx(buf.getvalue()))
