"""Shapefiles as offices deliver them: GBK/GB18030 attributes with or without a .cpg, zipped or not.

GDAL reads a .dbf without a .cpg as ISO-8859-1, which turns Chinese names into mojibake; every reader
of landgis (township layers, parcels, dask partitions) opens shapefiles through :func:`shapefile_source`.

The encoding is detected from the data: a ``.cpg`` is trusted when the bytes decode in it; otherwise
UTF-8, and GB18030 only when the bytes do not decode as UTF-8. A .dbf field (or field name, at most
10 bytes) cut inside a multi-byte character is still read in its encoding: GDAL is given a copy of
the .dbf with the broken ends blanked, and a warning says how many there were.
"""

from __future__ import annotations

import atexit
import codecs
import io
import shutil
import tempfile
import warnings
import zipfile
from pathlib import Path
from typing import BinaryIO

from landgis.catalog import message
from landgis.errors import InputError, LandgisWarning
from landgis.limits import check_zip, exceeded, limit

__all__ = ["dbf_encoding", "shapefile_source"]

_CODE_PAGES = {"936": "GBK", "CP936": "GBK", "65001": "UTF-8", "ANSI 936": "GBK"}
_CHUNK = 1 << 20  # bytes of records decoded at a time
_COMPANIONS = (".shp", ".shx", ".prj", ".cpg", ".qix", ".sbn", ".sbx")


class _Dbf:
    """The layout of a .dbf read from its header: field names (raw bytes) and field offsets in a record."""

    def __init__(self, f: BinaryIO, where: str):
        head = f.read(32)
        if len(head) < 32:
            raise InputError(message("{where}: the .dbf file is truncated (expected a dBase header)", where=where))
        self.n_records = int.from_bytes(head[4:8], "little")
        self.header_len = int.from_bytes(head[8:10], "little")
        self.record_len = int.from_bytes(head[10:12], "little")
        rest = f.read(max(0, self.header_len - 32))
        self.header = head + rest
        self.names: list[bytes] = []
        self.fields: list[tuple[int, int]] = []  # (offset in the record, width); offset 0 is the deletion flag
        offset = 1
        for k in range(0, len(rest) - 31, 32):
            desc = rest[k:k + 32]
            if desc[0] == 0x0D:
                break
            self.names.append(desc[:11].split(b"\0", 1)[0])
            width = desc[16] if desc[11:12] not in (b"C",) else desc[16] + 256 * desc[17]  # long C fields
            self.fields.append((offset, width))
            offset += width
        if self.n_records > limit("rows"):
            raise exceeded(where, "records in the .dbf", "rows", self.n_records)


def _broken_tails(data: bytes, enc: str, ends: list[tuple[int, int]] | None) -> list[tuple[int, int]] | None:
    """Where ``data`` does not decode in ``enc``: the byte ranges of characters cut at a field's end, or
    None when it fails elsewhere (the wrong encoding).

    ``ends`` are the (start, end) of the fields within ``data``, one after the other; None treats
    ``data`` as one field.
    """
    cuts: list[tuple[int, int]] = []
    pos = 0
    while True:
        try:
            data[pos:].decode(enc)
            return cuts
        except UnicodeDecodeError as exc:
            bad = pos + exc.start
        end = len(data) if ends is None else next((e for s, e in ends if s <= bad < e), None)
        if end is None:
            return None
        head = data[bad:end]
        # a character cut at the field's width: the field is full, and its last bytes are the start of
        # a character it had no room to finish (text that merely does not decode is the wrong encoding)
        if not 0 < len(head) < 4 or not _completes(head, enc):
            return None
        cuts.append((bad, end))
        pos = end


def _completes(head: bytes, enc: str) -> bool:
    """Whether ``head`` is the beginning of a character in ``enc`` (an incremental decoder waits for more)."""
    try:
        return codecs.getincrementaldecoder(enc)().decode(head, final=False) == ""
    except UnicodeDecodeError:
        return False


def _scan(f: BinaryIO, dbf: _Dbf, enc: str) -> int | None:
    """How many text values and field names are cut inside a character in ``enc``; None if it does not decode."""
    cut = _broken_tails(b"\0".join(dbf.names) + b"\0", enc, _name_ends(dbf))
    if cut is None:
        return None
    n = len(cut)
    f.seek(dbf.header_len)
    per = max(1, _CHUNK // max(dbf.record_len, 1))
    ends = [(o, o + w) for o, w in dbf.fields]
    while True:
        block = f.read(per * dbf.record_len)
        if not block:
            return n
        block = block.rstrip(b"\x1a") if len(block) % max(dbf.record_len, 1) else block
        spans = [(r + s, r + e) for r in range(0, len(block), dbf.record_len or 1) for s, e in ends]
        cut = _broken_tails(block, enc, spans)
        if cut is None:
            return None
        n += len(cut)


def _name_ends(dbf: _Dbf) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for name in dbf.names:
        spans.append((pos, pos + len(name)))
        pos += len(name) + 1
    return spans


def dbf_encoding(dbf: bytes | BinaryIO, cpg: str | None, where: str) -> str:
    """Encoding of a .dbf's text: the .cpg's when it decodes the data, else UTF-8, else GB18030.

    Parameters
    ----------
    dbf : bytes or binary file
        The .dbf (read in chunks; the whole file is never held in memory).
    cpg : str or None
        The text of the .cpg beside it, if any.
    where : str
        The file, for messages.

    Returns
    -------
    str
        An encoding name GDAL understands.

    Examples
    --------
    >>> import io
    >>> head = bytes([3, 0, 0, 0, 1, 0, 0, 0, 65, 0, 12, 0]) + bytes(20)
    >>> field = b"NAME".ljust(11, b"\\0") + b"C" + bytes(4) + bytes([11]) + bytes(15)
    >>> dbf_encoding(head + field + b"\\r" + b" " + "连州镇".encode("gbk").ljust(11), None, "t.dbf")
    'GB18030'
    """
    return _detect(io.BytesIO(dbf) if isinstance(dbf, bytes) else dbf, cpg, where)[0]


def _detect(f: BinaryIO, cpg: str | None, where: str) -> tuple[str, int]:
    """The encoding (as :func:`dbf_encoding`) and how many values or names are cut inside a character."""
    layout = _Dbf(f, where)
    candidates: list[str] = []
    if cpg:
        label = cpg.strip().upper()
        try:
            candidates.append(codecs.lookup(_CODE_PAGES.get(label, label)).name)
        except LookupError:
            warnings.warn(LandgisWarning(message("{where}: unknown code page {cpg!r} in the .cpg file; detecting the "
                                                  "encoding", where=where, cpg=cpg.strip())), stacklevel=4)
    candidates += ["utf-8", "gb18030"]
    for enc in dict.fromkeys(candidates):
        cut = _scan(f, layout, enc)
        if cut is None:
            continue
        if cpg and enc != candidates[0]:
            warnings.warn(LandgisWarning(message("{where}: the .cpg says {cpg!r} but the attributes are not in it; "
                                                  "read as {enc}", where=where, cpg=cpg.strip(), enc=enc)), stacklevel=4)
        return {"utf-8": "UTF-8", "gb18030": "GB18030"}.get(enc, enc), cut
    return "GB18030", 0


_REPAIRED: list[str] = []


def _cleanup() -> None:
    for d in _REPAIRED:
        shutil.rmtree(d, ignore_errors=True)


atexit.register(_cleanup)


def _repaired(f: BinaryIO, encoding: str, stem: str, companions: dict[str, BinaryIO | Path], where: str,
              cut: int) -> str:
    """A copy of the shapefile whose .dbf has the characters cut at a field's end blanked; its .shp path."""
    enc = codecs.lookup(encoding).name
    f.seek(0)
    layout = _Dbf(f, where)
    folder = Path(tempfile.mkdtemp(prefix="landgis-shp-"))
    _REPAIRED.append(str(folder))
    header = bytearray(layout.header)
    names = b"\0".join(layout.names) + b"\0"
    for bad, end in _broken_tails(names, enc, _name_ends(layout)) or []:
        k = names[:bad].count(b"\0")  # which field
        start = 32 + 32 * k + (bad - (names.rfind(b"\0", 0, bad) + 1))
        header[start:32 + 32 * k + 11] = bytes(32 + 32 * k + 11 - start)
    ends = [(o, o + w) for o, w in layout.fields]
    per = max(1, _CHUNK // max(layout.record_len, 1))
    with open(folder / f"{stem}.dbf", "wb") as out:
        out.write(header)
        f.seek(layout.header_len)
        while block := f.read(per * layout.record_len):
            body = bytearray(block)
            spans = [(r + s, r + e) for r in range(0, len(block), layout.record_len or 1) for s, e in ends]
            for bad, end in _broken_tails(bytes(block.rstrip(b"\x1a") if len(block) % layout.record_len else block),
                                          enc, spans) or []:
                body[bad:end] = b" " * (end - bad)
            out.write(body)
    for suffix, src in companions.items():
        dst = folder / f"{stem}{suffix}"
        if isinstance(src, Path):
            dst.symlink_to(src.resolve())
        else:
            with open(dst, "wb") as out:
                shutil.copyfileobj(src, out)
    warnings.warn(LandgisWarning(message("{where}: {cut} text value(s) or field name(s) end inside a {encoding} "
                                          "character (cut at the field's width); read without the broken ends",
                                          where=where, cut=cut, encoding=encoding)), stacklevel=4)
    return str(folder / f"{stem}.shp")


def _zip_source(path: Path) -> tuple[str, str]:
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise InputError(message("{path}: not a readable zip archive (expected a zipped shapefile)", path=path)) from None
    with zf:
        check_zip(zf, path)
        members = zf.namelist()
        shps = [m for m in members if m.lower().endswith(".shp") and not m.startswith("__MACOSX")]
        if len(shps) != 1:
            found = "、".join(shps) if shps else "none"
            raise InputError(message("{path}: expected exactly one .shp in the zip archive, found {found}", path=path, found=found))
        stem = shps[0][:-4]
        lower = {m.lower(): m for m in members}
        dbf = lower.get((stem + ".dbf").lower())
        cpg = lower.get((stem + ".cpg").lower())
        if dbf is None:
            raise InputError(message("{path}: {shps} has no .dbf beside it in the zip archive", path=path, shps=shps[0]))
        where = f"{path}!{shps[0]}"
        with zf.open(dbf) as f:
            enc, cut = _detect(f, zf.read(cpg).decode("ascii", "replace") if cpg else None, where)
        if cut:
            companions = {s: zf.open(lower[(stem + s).lower()]) for s in _COMPANIONS if (stem + s).lower() in lower}
            with zf.open(dbf) as f:
                return _repaired(f, enc, Path(stem).name, companions, where, cut), enc
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
        The GDAL source (``/vsizip/…`` inside a zip, or a repaired copy when a field ends inside a
        character) and the encoding for a shapefile; ``(str(path), None)`` for other formats.

    Raises
    ------
    InputError
        For a zip without exactly one shapefile, or a .shp without its .dbf.
    LimitError
        For a zip that would expand beyond :mod:`landgis.limits`, or a .dbf of more records than ``rows``.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".zip":
        return _zip_source(path)
    if suffix != ".shp":
        return str(path), None
    dbf = next((p for p in (path.with_suffix(".dbf"), path.with_suffix(".DBF")) if p.exists()), None)
    if dbf is None:
        raise InputError(message("{path}: the .dbf beside the .shp is missing (expected {name})", path=path, name=path.with_suffix('.dbf').name))
    cpg = next((p for p in (path.with_suffix(".cpg"), path.with_suffix(".CPG")) if p.exists()), None)
    with open(dbf, "rb") as f:
        enc, cut = _detect(f, cpg.read_text("ascii", "replace") if cpg else None, str(path))
        if cut:
            companions = {s: p for s in _COMPANIONS
                          for p in (path.with_suffix(s), path.with_suffix(s.upper())) if p.exists()}
            return _repaired(f, enc, path.stem, companions, str(path), cut), enc
    return str(path), enc
