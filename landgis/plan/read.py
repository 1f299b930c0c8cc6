"""Read the text of a plan from a file: .txt (UTF-8 or GB18030), .docx (paragraphs and tables), .pdf.

Word tables become lines of tab-separated cells, in document order with the paragraphs, so the plan
parser reads a table in a Word file the same way as a text table in a .txt or a PDF.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path

import docx
import pypdf
from docx.table import Table
from docx.text.paragraph import Paragraph
from opencc import OpenCC

from landgis.errors import InputError
from landgis.plan.webpage import decode_html, html_lines, looks_like_html

__all__ = ["read_plan_text", "looks_like_path", "fold", "to_simplified", "PLAN_SUFFIXES"]

_CN_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")
_CN_YEAR = re.compile(r"([〇零一二三四五六七八九]{4})年")
_AREA_UNIT = r"\s*(?:万平方米|万平米|平方公里|平方千米|平方米|平米|公顷|顷|亩|hm2|m2|ha)"
_DOT_AS_POINT = re.compile(r"(?<=\d)。(?=\d+" + _AREA_UNIT + ")")
_STRAY_SPACE = re.compile(r"(\d\.\d+)[ \u3000]+(\d+)(?=" + _AREA_UNIT + ")")
_BRACKETS = str.maketrans({"〔": "(", "〕": ")", "【": "(", "】": ")", "［": "(", "］": ")",
                           "[": "(", "]": ")", "\u00a0": " ", "\u200b": ""})

PLAN_SUFFIXES = (".txt", ".text", ".md", ".docx", ".pdf", ".html", ".htm")


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
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError(f"{path}: the text is neither UTF-8 nor GB18030 (GBK); save it as UTF-8 and try again")


def _read_docx(path: Path) -> str:
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises several kinds for a file that is not a .docx
        raise InputError(f"{path}: not a readable Word .docx file ({exc})") from None
    lines: list[str] = []
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(child, document).text)
        elif tag == "tbl":
            lines.append("")
            # python-docx repeats a merged cell in every grid column (and row) it spans, which
            # keeps each row aligned with the header: 合计 merged over 序号 and 乡镇 reads 合计\t合计.
            for row in Table(child, document).rows:
                lines.append("\t".join(" ".join(cell.text.split()) for cell in row.cells))
            lines.append("")
    return "\n".join(lines)


def _read_pdf(path: Path) -> str:
    try:
        reader = pypdf.PdfReader(str(path))
        pages = [page.extract_text() or "" for page in reader.pages]
    except Exception as exc:  # pypdf raises many kinds for damaged files
        raise InputError(f"{path}: not a readable PDF ({exc})") from None
    text = "\n".join(pages)
    if not text.strip():
        raise InputError(
            f"{path}: the PDF has no text layer (a scan?); run OCR on it or give the plan as .txt/.docx"
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
        return ("\n".join(html_lines(text)) if looks_like_html(text) else text), "<text>"
    path = Path(source)
    try:
        exists = path.is_file()
    except (OSError, ValueError):  # a name with a NUL byte, or too long for the file system
        exists = False
    if not exists:
        raise InputError(f"{path}: no such plan file")
    suffix = path.suffix.lower()
    if suffix == ".docx":
        return _read_docx(path), str(path)
    if suffix == ".pdf":
        return _read_pdf(path), str(path)
    if suffix in (".html", ".htm", ".shtml", ".xhtml"):
        return "\n".join(html_lines(decode_html(path.read_bytes()))), str(path)
    if suffix == ".doc":
        raise InputError(f"{path}: old Word .doc files cannot be read; save it as .docx")
    return _read_txt(path), str(path)


def fold(text: str) -> str:
    """NFKC (full-width → ASCII), unified brackets and line ends, 二〇二六年 → 2026年.

    Examples
    --------
    >>> fold("住宅用地：２９．３公顷【二〇二六年】")
    '住宅用地:29.3公顷(2026年)'
    """
    text = unicodedata.normalize("NFKC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = to_simplified(text)
    text = text.translate(_BRACKETS)
    text = _CN_YEAR.sub(lambda m: m.group(1).translate(_CN_DIGITS) + "年", text)
    text = _DOT_AS_POINT.sub(".", text)  # 2。3660平方公里: '。' between digits is a decimal point
    return _STRAY_SPACE.sub(r"\1\2", text)  # 16.40 85公顷: a space inside a number


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
