"""Web pages: the text of a plan saved from a government site (.html/.htm, UTF-8 or GBK).

Site boilerplate (scripts, styles, navigation, header, footer, breadcrumbs, share bars, related
links, search forms) is dropped; paragraphs become lines; every ``<table>`` becomes tab-separated
rows with ``colspan``/``rowspan`` cells repeated over the grid cells they span (as python-docx does for
Word tables), and '/', '—', '-' cells empty.
"""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

from landgis.catalog import message
from landgis.errors import InputError
from landgis.limits import exceeded, limit

__all__ = ["html_lines", "decode_html", "looks_like_html"]

_DROP_TAGS = ("script", "style", "noscript", "head", "nav", "header", "footer", "form", "iframe", "template",
              "button", "select", "input", "svg")
_BOILERPLATE = re.compile(r"(?:^|[-_\s])(?:nav|navbar|menu|header|footer|foot|crumbs?|breadcrumbs?|position|"
                          r"location|related|relate|xgxx|share|sidebar|side|top-?bar|topbar|copyright|search|logo|"
                          r"toolbar|tools|print|pager|pagination|comment|ad|ads|banner|friend-?links?|links)"
                          r"(?:$|[-_\s\d])", re.I)
_BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "section", "article", "main",
           "dd", "dt", "dl", "blockquote", "pre", "address", "center", "caption", "figcaption", "tr"}
_EMPTY = re.compile(r"^[/／—–―\-－~～\\]+$")
_CHARSET = re.compile(rb"""charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_SEP = "\ue000"  # cell separator (a private-use character) until whitespace is tidied


def looks_like_html(text: str) -> bool:
    """Whether a text is an HTML page rather than plain text."""
    head = text.lstrip()[:512].lower()
    return head.startswith(("<!doctype html", "<html")) or ("<body" in text[:4096].lower() and "</" in text)


def decode_html(raw: bytes) -> str:
    """The page as text: by its declared charset, else UTF-8, else GB18030 (GBK)."""
    m = _CHARSET.search(raw[:4096])
    names = [m.group(1).decode("ascii").lower()] if m else []
    names = ["gb18030" if n in ("gbk", "gb2312", "gb_2312-80", "x-gbk") else n for n in names]
    for name in [*names, "utf-8-sig", "gb18030"]:
        try:
            return raw.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
    return raw.decode("utf-8", errors="replace")


def html_lines(page: str, where: object = "<html>") -> list[str]:
    """The text lines of a page: content paragraphs and tables (cells separated by tabs).

    The page is read whole or not at all: nesting deeper than ``html_nesting``, a ``colspan`` or
    ``rowspan`` beyond its limit, or more than ``cells`` table cells on the grid raise
    :class:`~landgis.errors.LimitError` naming ``where`` (:mod:`landgis.limits`).

    Examples
    --------
    >>> html_lines('<html><body><div class="nav">首页</div><p>总量10公顷</p>'
    ...            '<table><tr><td colspan="2">合计</td><td>/</td></tr></table></body></html>')
    ['总量10公顷', '合计\\t合计\\t']
    """
    page = re.sub(r"^\s*<\?xml[^>]*>", "", page)
    depth = limit("html_nesting")
    parser = lxml.html.HTMLParser(huge_tree=depth > 255)  # libxml2 stops at 256 levels, or 2048 when huge
    try:
        doc = lxml.html.document_fromstring(page, parser=parser)
    except (etree.ParserError, ValueError):
        return [line for line in page.splitlines() if line.strip()]
    # libxml2 recovers from a resource limit by dropping the rest of the page: that is an error here
    fatal = [e for e in parser.error_log if e.level_name == "FATAL"]
    if any("depth" in e.message.lower() for e in fatal) or _depth(doc) > depth:
        raise exceeded(where, "levels of element nesting (the page could be read only in part)", "html_nesting")
    if fatal:
        raise InputError(message("{where}: the page could be read only in part (line {line}: {items})", where=where, line=fatal[0].line, items=' '.join(fatal[0].message.split())))
    _drop_boilerplate(doc)
    budget = [limit("cells"), limit("text_chars")]
    for table in reversed(doc.xpath("//table")):  # innermost first
        _flatten_table(table, budget, where)
    for br in doc.iter("br"):
        br.tail = "\n" + (br.tail or "")
    for el in doc.iter():
        if isinstance(el.tag, str) and el.tag.lower() in _BLOCKS:
            el.text = "\n" + (el.text or "")
            el.tail = "\n" + (el.tail or "")
    body = doc.find("body")
    text = (body if body is not None else doc).text_content()
    lines = []
    for line in text.split("\n"):
        line = re.sub(r"[ \t\u3000\xa0]+", " ", line).strip()
        if line:
            lines.append("\t".join(c.strip() for c in line.split(_SEP)) if _SEP in line else line)
    return lines


def _drop_boilerplate(doc) -> None:
    for el in list(doc.iter(*_DROP_TAGS)):
        if el.getparent() is not None:
            el.drop_tree()
    for el in list(doc.iter()):
        if not isinstance(el.tag, str) or el.getparent() is None or el.tag in ("html", "body"):
            continue
        marks = f"{el.get('class', '')} {el.get('id', '')} {el.get('role', '')}"
        if _BOILERPLATE.search(marks) and not el.xpath(".//table"):
            el.drop_tree()


def _depth(doc) -> int:
    """How deeply the elements of ``doc`` nest."""
    deepest = 0
    stack = [(doc, 1)]
    while stack:
        el, d = stack.pop()
        deepest = max(deepest, d)
        stack.extend((child, d + 1) for child in el)
    return deepest


def _grid(table, budget: list[int], where: object) -> list[list[str]]:
    """The cells of a table on its grid: a spanning cell repeated over every grid cell it covers.

    ``budget`` is how many grid cells and characters the page may still have; spans beyond their limits or
    more cells than the budget raise :class:`~landgis.errors.LimitError`."""
    rows: list[list[str]] = []
    pending: dict[tuple[int, int], str] = {}  # (row, col) → text from a rowspan above
    for r, tr in enumerate(table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")):
        row: list[str] = []
        col = 0
        cells = tr.xpath("./td|./th")
        k = 0
        while k < len(cells) or (r, col) in pending:
            if (r, col) in pending:
                row.append(pending.pop((r, col)))
                col += 1
                continue
            cell = cells[k]
            k += 1
            text = " ".join(cell.text_content().split())
            text = "" if _EMPTY.match(text) else text
            span = _span(cell.get("colspan"), "colspan", where)
            down = _span(cell.get("rowspan"), "rowspan", where)
            budget[0] -= span * down
            budget[1] -= (len(text) + 1) * span * down
            if budget[0] < 0:
                raise exceeded(where, "table cells after colspan/rowspan are repeated", "cells")
            if budget[1] < 0:
                raise exceeded(where, "characters in tables after colspan/rowspan are repeated", "text_chars")
            for c in range(col, col + span):
                row.append(text)
                for d in range(1, down):
                    pending[(r + d, c)] = text
            col += span
        rows.append(row)
    return rows


def _span(value: str | None, attr: str, where: object) -> int:
    """A cell's colspan/rowspan: 1 when missing or not a number (as browsers do), an error beyond the limit."""
    try:
        n = int(str(value or 1).strip())
    except ValueError:
        return 1
    if n > limit(f"html_{attr}"):
        raise exceeded(where, f"in a table cell's {attr}", f"html_{attr}", n)
    return max(1, n)


def _flatten_table(table, budget: list[int], where: object) -> None:
    """Replace a table by its rows as text lines (cells joined by the separator)."""
    rows = [row for row in _grid(table, budget, where) if any(row)]
    holder = lxml.html.Element("pre")
    holder.text = "\n" + "\n".join(_SEP.join(row) for row in rows) + "\n"
    holder.tail = table.tail
    parent = table.getparent()
    if parent is not None:
        parent.replace(table, holder)
