"""Read the text of a plan from a file: .txt (UTF-8 or GB18030), .docx (paragraphs and tables), .pdf.

Word tables become lines of tab-separated cells, in document order with the paragraphs, so the plan
parser reads a table in a Word file the same way as a text table in a .txt or a PDF.
"""

from __future__ import annotations

import functools
import re
import unicodedata
import zipfile
from pathlib import Path

from opencc import OpenCC

from landgis.catalog import message
from landgis.errors import InputError
from landgis.limits import check_size, check_zip, exceeded, limit
from landgis.plan.webpage import decode_html, html_lines, looks_like_html
from landgis.plan.workbook import read_workbook_text

# python-docx and pypdf are imported inside functions: only a .docx or a .pdf plan needs them, and the atlas's
# drawing workers fork from a process without them (issue 23: some 12 MB the workers' memory shares).
__all__ = ["read_plan_text", "looks_like_path", "fold", "to_simplified", "PLAN_SUFFIXES"]

_CN_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")
_CN_YEAR = re.compile(r"([〇零一二三四五六七八九]{4})年")
_AREA_UNIT = r"\s*(?:万平方米|万平米|万m2|万公顷|万公頃|万亩|万畝|平方公里|平方千米|平方米|平米|公顷|公頃|顷|頃|亩|畝|hm2|m2|ha)"
_DOT_AS_POINT = re.compile(r"(?<=\d)。(?=\d+" + _AREA_UNIT + ")")
# 123.45 at the end of a PDF line and 公顷 at the start of the next: the unit goes up to its figure
_SPLIT_UNIT = re.compile(r"(\d)[ \t\u3000]*\n([ \t\u3000]*)(" + _AREA_UNIT.removeprefix(r"\s*") + ")")
# 312.\n45公顷: a PDF line break after a decimal point; the decimals go up to their number
_SPLIT_NUMBER = re.compile(r"(\d\.)[ \t\u3000]*\n([ \t\u3000]*)(\d+)(?=" + _AREA_UNIT + ")")
# 98.60公\n顷: a PDF line break inside a unit; the unit's end goes up to its start (when the two make a unit)
_SPLIT_INSIDE_UNIT = re.compile(r"(\d[ \t\u3000]*)(万平方|万平|平方公|平方千|万公|平方|万|公|平)[ \t\u3000]*\n([ \t\u3000]*)"
                                r"(方米|平方米|平米|公顷|公頃|亩|畝|方公里|公里|千米|米|里|顷|頃)")
# 住宅用地\n12.5公顷 (PDF text, a table cell per line): a category or total word ending a line and a figure
# opening the next are one phrase; the figure goes up to its name (lines kept)
_SPLIT_LABEL = re.compile(r"((?:用地|总量|总规模|总面积|合计|小计|共计|供应量|计划量)[ \t\u3000]*:?)[ \t\u3000]*\n"
                          r"([ \t\u3000]*)((?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?" + _AREA_UNIT + ")")
_UNITS = set(_AREA_UNIT.removeprefix(r"\s*(?:").removesuffix(")").split("|"))
_STRAY_SPACE = re.compile(r"(\d\.\d+)[ \u3000]+(\d+)(?=" + _AREA_UNIT + ")")
# 15 .93万公顷 / 为15. 93公顷: a space at the decimal point (not "1. 30公顷", a list number opening a line)
_SPACE_AT_POINT = re.compile(r"(\d)[ \u3000]+\.[ \u3000]*(\d+)(?=" + _AREA_UNIT + ")|"
                             r"(?<=[^\s\d])(\d+)\.[ \u3000]+(\d+)(?=" + _AREA_UNIT + ")")
# 全 国 住 房 用 地 供 应 计 划: a letter-spaced label (four or more characters, one space apart)
_SPACED_HAN = re.compile(r"(?:[\u3400-\u4dbf\u4e00-\u9fff] ){3,}[\u3400-\u4dbf\u4e00-\u9fff]")
_BRACKETS = str.maketrans({"〔": "(", "〕": ")", "【": "(", "】": ")", "［": "(", "］": ")",
                           "[": "(", "]": ")", "\u00a0": " ", "\u200b": ""})

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"  # WordprocessingML elements

PLAN_SUFFIXES = (".txt", ".text", ".md", ".docx", ".pdf", ".html", ".htm", ".xlsx")


def looks_like_path(source: str | Path) -> bool:
    """Whether ``source`` names a file rather than holding the plan text itself."""
    if isinstance(source, Path):
        return True
    text = str(source)
    if not text or "\n" in text or len(text) > 1024:
        return False
    if Path(text).suffix.lower() in PLAN_SUFFIXES:
        return True
    try:
        return Path(text).is_file()
    except (OSError, ValueError):
        return False


def _read_txt(path: Path) -> str:
    check_size(path, "text_chars", "bytes of text")  # a character takes at least one byte
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError(message("{path}: the text is neither UTF-8 nor GB18030 (GBK); save it as UTF-8 and try "
                             "again", path=path))


def _read_docx(path: Path) -> str:
    import docx
    from docx.text.paragraph import Paragraph

    _check_docx(path)
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises several kinds for a file that is not a .docx
        raise InputError(message("{path}: not a readable Word .docx file ({exc})", path=path, exc=exc)) from None
    lines: list[str] = []
    size = 0
    body = document.element.body
    _check_docx_cells(body, path)
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(child, document).text)
        elif tag == "tbl":
            lines.append("")
            rows = _docx_table_rows(child, lambda p: Paragraph(p, document).text, limit("text_chars") - size, path)
            lines.extend(rows)
            lines.append("")
            size += sum(len(row) + 1 for row in rows)
        size += len(lines[-1]) + 1
        if size > limit("text_chars"):
            raise exceeded(path, "characters of text (tables with merged cells repeated)", "text_chars")
    return "\n".join(lines)


def _docx_table_rows(tbl, text_of, budget: int, where: object) -> list[str]:
    """The rows of a Word table as tab-separated cells, a merged cell repeated in every grid cell it spans.

    As python-docx's ``_Row.cells`` (合计 merged over 序号 and 乡镇 reads 合计\t合计, which keeps each
    row aligned with the header), but in one pass: a vertically merged cell takes the text of the
    cell above it in the same grid column instead of walking up the table again for every row.
    Raises :class:`~landgis.errors.LimitError` once the rows would hold more than ``budget`` characters.
    """
    above: dict[int, str] = {}
    rows: list[str] = []
    for tr in tbl.iterfind(f"{_W}tr"):
        before = tr.find(f"{_W}trPr/{_W}gridBefore")
        col = _grid_span(before, attr=True) if before is not None else 0
        cells: list[str] = []
        for tc in tr.iterfind(f"{_W}tc"):
            span = _grid_span(tc)
            merge = tc.find(f"{_W}tcPr/{_W}vMerge")
            if merge is not None and merge.get(f"{_W}val", "continue") == "continue":
                text = above.get(col, "")
            else:
                text = " ".join("\n".join(text_of(p) for p in tc.iterfind(f"{_W}p")).split())
            for c in range(col, col + span):
                above[c] = text
            budget -= (len(text) + 1) * span
            if budget < 0:
                raise exceeded(where, "characters of text (tables with merged cells repeated)", "text_chars")
            cells.extend([text] * span)
            col += span
        rows.append("\t".join(cells))
    return rows


def _check_docx(path: Path) -> None:
    """Refuse a .docx that would expand beyond the limits before python-docx unpacks it."""

    try:
        with zipfile.ZipFile(path) as zf:
            check_zip(zf, path, office=True)
    except zipfile.BadZipFile:
        raise InputError(message("{path}: not a readable Word .docx file (not a zip archive)", path=path)) from None


def _check_docx_cells(body, path: Path) -> None:
    """Refuse Word tables whose grid (rows × columns, merged cells repeated) exceeds the ``cells`` limit."""
    total = 0
    for tbl in body.iter(f"{_W}tbl"):
        cols = sum(1 for _ in tbl.iterfind(f"{_W}tblGrid/{_W}gridCol"))
        rows = sum(1 for _ in tbl.iterfind(f"{_W}tr"))
        widest = max((sum(_grid_span(tc) for tc in tr.iterfind(f"{_W}tc")) for tr in tbl.iterfind(f"{_W}tr")),
                     default=0)
        total += rows * max(cols, widest, 1)
        if total > limit("cells"):
            raise exceeded(path, "table cells in the Word tables (rows × columns)", "cells")


def _grid_span(tc, attr: bool = False) -> int:
    """How many grid columns a Word table cell spans (its ``w:gridSpan``, else 1); with ``attr``, the
    ``w:val`` of the element itself (``w:gridBefore``)."""
    span = tc if attr else tc.find(f"{_W}tcPr/{_W}gridSpan")
    try:
        return max(1, int(span.get(f"{_W}val") or 1)) if span is not None else 1
    except ValueError:
        return 1


def _read_pdf(path: Path) -> str:
    import pypdf

    try:
        reader = pypdf.PdfReader(str(path))
        n = len(reader.pages)
    except Exception as exc:  # pypdf raises many kinds for damaged files
        raise InputError(message("{path}: not a readable PDF ({exc})", path=path, exc=exc)) from None
    if n > limit("pdf_pages"):
        raise exceeded(path, "pages", "pdf_pages", n)
    pages: list[str] = []
    size = 0
    try:
        for page in reader.pages:
            pages.append(page.extract_text() or "")
            size += len(pages[-1])
            if size > limit("text_chars"):
                raise exceeded(path, "characters of text", "text_chars")
    except InputError:
        raise
    except Exception as exc:  # pypdf raises many kinds for damaged files
        raise InputError(message("{path}: not a readable PDF ({exc})", path=path, exc=exc)) from None
    text = "\n".join(pages)
    if not text.strip():
        raise InputError(
            message("{path}: the PDF has no text layer (a scan?); run OCR on it or give the plan as "
                    ".txt/.docx", path=path)
        )
    return text


def read_plan_text(source: str | Path) -> tuple[str, str]:
    """The text of a plan and a label of where it came from.

    Parameters
    ----------
    source : str or pathlib.Path
        A path to a .txt, .docx or .pdf file, or the plan text itself.

    Returns
    -------
    (text, source_label)

    Raises
    ------
    InputError
        When the file does not exist or cannot be read as the kind of file its name says.
    """
    if not looks_like_path(source):
        text = str(source)
        return ("\n".join(html_lines(text, "<text>")) if looks_like_html(text) else text), "<text>"
    path = Path(source)
    try:
        exists = path.is_file()
    except (OSError, ValueError):  # a name with a NUL byte, or too long for the file system
        exists = False
    if not exists:
        raise InputError(message("{path}: no such plan file", path=path))
    suffix = path.suffix.lower()
    if suffix == ".docx":
        return _read_docx(path), str(path)
    if suffix == ".pdf":
        return _read_pdf(path), str(path)
    if suffix == ".xlsx":  # the plan's tables as a workbook
        return read_workbook_text(path), str(path)
    if suffix in (".html", ".htm", ".shtml", ".xhtml"):
        check_size(path, "html_bytes")
        return "\n".join(html_lines(decode_html(path.read_bytes()), path)), str(path)
    if suffix == ".doc":
        raise InputError(message("{path}: old Word .doc files cannot be read; save it as .docx", path=path))
    return _read_txt(path), str(path)


def fold(text: str) -> str:
    """NFKC (full-width → ASCII), unified brackets and line ends, 二〇二六年 → 2026年.

    Examples
    --------
    >>> fold("住宅用地：２９．３公顷【二〇二六年】")
    '住宅用地:29.3公顷(2026年)'
    >>> fold("住宅用地\\n12.5公顷,商服用地:\\n3公顷")
    '住宅用地12.5公顷\\n,商服用地:3公顷\\n'
    >>> fold("计 划 总 量 为15 .93万公顷")
    '计划总量为15.93万公顷'
    """
    text = unicodedata.normalize("NFKC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = to_simplified(text)
    text = text.translate(_BRACKETS)
    text = _CN_YEAR.sub(lambda m: m.group(1).translate(_CN_DIGITS) + "年", text)
    text = _DOT_AS_POINT.sub(".", text)  # 2。3660平方公里: '。' between digits is a decimal point
    text = _SPLIT_NUMBER.sub(r"\1\3\n\2", text)  # a number split after its decimal point (lines kept)
    text = _SPLIT_INSIDE_UNIT.sub(_join_unit, text)  # a unit split in two (lines kept)
    text = _SPLIT_UNIT.sub(r"\1\3\n\2", text)  # a figure split from its unit by a line break (lines kept)
    text = _SPLIT_LABEL.sub(r"\1\3\n\2", text)  # a name and its figure on two lines (lines kept)
    text = _SPACE_AT_POINT.sub(lambda m: f"{m.group(1) or m.group(3)}.{m.group(2) or m.group(4)}", text)
    text = _SPACED_HAN.sub(lambda m: m.group(0).replace(" ", ""), text)  # 全 国 住 房: letter-spaced words
    return _STRAY_SPACE.sub(r"\1\2", text)  # 16.40 85公顷: a space inside a number


def _join_unit(m: re.Match) -> str:
    unit = m.group(2) + m.group(4)
    return f"{m.group(1)}{unit}\n{m.group(3)}" if unit in _UNITS else m.group(0)


def to_simplified(text: str) -> str:
    """繁體 → 简体 with OpenCC (t2s) when the text is written in traditional characters; else unchanged.

    Conversion keeps every line (and its length), so line numbers stay those of the original.

    Examples
    --------
    >>> to_simplified("臺山市2025年度國有建設用地供應計劃")
    '台山市2025年度国有建设用地供应计划'
    >>> to_simplified("和平镇")
    '和平镇'
    """
    han = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    if not han:
        return text
    converted = _opencc().convert(text)
    changed = sum(a != b for a, b in zip(text, converted))
    if len(converted) != len(text) or changed < max(3, han // 100):
        return text  # a simplified text (a stray traditional character is not worth a conversion)
    return converted


@functools.lru_cache(maxsize=1)
def _opencc():
    return OpenCC("t2s")
