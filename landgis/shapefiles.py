"""Shapefiles as offices deliver them: GBK/GB18030 attributes with or without a .cpg, zipped or not.

GDAL reads a .dbf without a .cpg as ISO-8859-1, which turns Chinese names into mojibake; every reader
of landgis (township layers, parcels, dask partitions) opens shapefiles through :func:`shapefile_source`.
"""

from __future__ import annotations

import codecs
import warnings
import zipfile
from pathlib import Path

from landgis.errors import InputError

__all__ = ["dbf_encoding", "shapefile_source"]

_CODE_PAGES = {"936": "GBK", "CP936": "GBK", "65001": "UTF-8", "ANSI 936": "GBK"}


def dbf_encoding(dbf: bytes, cpg: str | None, where: str) -> str:
    """Encoding of a .dbf's text: the .cpg's when it decodes the data, else UTF-8, else GB18030.

    Parameters
    ----------
    dbf : bytes
        The whole .dbf file.
    cpg : str or None
        The text of the .cpg beside it, if any.
    where : str
        The file, for messages.

    Returns
    -------
    str
        An encoding name GDAL understands.
    """
    if len(dbf) < 32:
        raise InputError(f"{where}: the .dbf file is truncated (expected a dBase header)")
    header_len = int.from_bytes(dbf[8:10], "little")
    data = dbf[header_len:]
    names = dbf[32:header_len]  # field names may be Chinese too
    candidates: list[str] = []
    if cpg:
        label = cpg.strip().upper()
        try:
            candidates.append(codecs.lookup(_CODE_PAGES.get(label, label)).name)
        except LookupError:
            warnings.warn(f"{where}: unknown code page {cpg.strip()!r} in the .cpg file; detecting the encoding",
                          stacklevel=3)
    candidates += ["utf-8", "gb18030"]
    for enc in candidates:
        try:
            data.decode(enc)
            names.decode(enc)
        except UnicodeDecodeError:
            continue
        if cpg and enc != candidates[0]:
            warnings.warn(f"{where}: the .cpg says {cpg.strip()!r} but the attributes are not in it; read as {enc}",
                          stacklevel=3)
        return {"utf-8": "UTF-8", "gb18030": "GB18030"}.get(enc, enc)
    return "GB18030"


def _zip_source(path: Path) -> tuple[str, str]:
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise InputError(f"{path}: not a readable zip archive (expected a zipped shapefile)") from None
    with zf:
        members = zf.namelist()
        shps = [m for m in members if m.lower().endswith(".shp") and not m.startswith("__MACOSX")]
        if len(shps) != 1:
            found = "、".join(shps) if shps else "none"
            raise InputError(f"{path}: expected exactly one .shp in the zip archive, found {found}")
        stem = shps[0][:-4]
        lower = {m.lower(): m for m in members}
        dbf = lower.get((stem + ".dbf").lower())
        cpg = lower.get((stem + ".cpg").lower())
        if dbf is None:
            raise InputError(f"{path}: {shps[0]} has no .dbf beside it in the zip archive")
        enc = dbf_encoding(zf.read(dbf), zf.read(cpg).decode("ascii", "replace") if cpg else None,
                           f"{path}!{shps[0]}")
    return f"/vsizip/{path.resolve()}/{shps[0]}", enc


def shapefile_source(path: str | Path) -> tuple[str, str | None]:
    """What to hand GDAL for a file, and the attribute encoding to read it with.

    Parameters
    ----------
    path : str or Path
        A .shp, a .zip holding one shapefile, or any other vector file.

    Returns
    -------
    (str, str or None)
        The GDAL source (``/vsizip/…`` inside a zip) and the encoding for a shapefile;
        ``(str(path), None)`` for other formats.

    Raises
    ------
    InputError
        For a zip without exactly one shapefile, or a .shp without its .dbf.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".zip":
        return _zip_source(path)
    if suffix != ".shp":
        return str(path), None
    dbf = next((p for p in (path.with_suffix(".dbf"), path.with_suffix(".DBF")) if p.exists()), None)
    if dbf is None:
        raise InputError(f"{path}: the .dbf beside the .shp is missing (expected {path.with_suffix('.dbf').name})")
    cpg = next((p for p in (path.with_suffix(".cpg"), path.with_suffix(".CPG")) if p.exists()), None)
    return str(path), dbf_encoding(dbf.read_bytes(), cpg.read_text("ascii", "replace") if cpg else None, str(path))
