"""The ledger: where every area figure of the plan went (used as what, or set aside and why).

The assembler enters each figure it reads here, on the line it is reading (:attr:`Ledger.line`).
:func:`ledger_frame` then lays the entries beside every figure found in the text (the mentions of
each line, the number cells of each table), so that a figure nobody entered shows up as 未归类
(not placed) instead of vanishing.

Every word the ledger adds is the catalogue's (:mod:`landgis.catalog.ledger`): a role is a key, a reason is
a catalogue key with its parameters (:func:`reason`), worded in Chinese and English when the frame is made.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import pandas as pd

from landgis.catalog import Message, text, word
from landgis.units import to_hectares

__all__ = ["Ledger", "Entry", "ROLES", "ledger_frame", "figure_context", "reason", "reason_is", "said"]

#: What a figure became, in the words of the ledger (role → 中文; the English is ``ledger.role.<role>``).
ROLES = {role: text(f"ledger.role.{role}", "zh") for role in (
    "total", "structure", "group", "township_total", "township_category", "sub_item", "method", "schedule",
    "set_aside", "unplaced", "damaged")}
USED_ROLES = ("total", "structure", "group", "township_total", "township_category", "sub_item", "method", "schedule")


def reason(key: str, /, **params) -> Message:
    """Why a figure was set aside or left unplaced: the catalogue's ``ledger.reason.<key>`` and its parameters
    (the plan's own names, figures as printed), worded in either language at output.

    Examples
    --------
    >>> why = reason("same_as_before", what="城关镇")
    >>> why.render("zh"), why.render("en")
    ('与前文城关镇相同，不重复计入', 'the same as 城关镇 before; not counted twice')
    """
    return word(f"ledger.reason.{key}", **params)


def reason_is(why: Message | None, key: str) -> bool:
    """Whether ``why`` is the reason ``key`` (a key of ``ledger.reason``), whatever its parameters.

    Examples
    --------
    >>> reason_is(reason("split"), "split"), reason_is(None, "split")
    (True, False)
    """
    return why is not None and why.key == f"ledger.reason.{key}"


def said(words: Message | str | None, lang: str = "zh") -> str:
    """A ledger's words in ``lang``: a reason or a name with the ledger's words rendered, a plain name as it is.

    Examples
    --------
    >>> said(word("ledger.what.total"), "en"), said("城关镇", "en"), said(None)
    ('the total', '城关镇', '')
    """
    if words is None:
        return ""
    return words.render(lang) if isinstance(words, Message) else words


@dataclass
class Entry:
    """One figure and what it became."""

    line: int  # 0-based line of the folded text
    value: Decimal | None  # None: the text lost the figure's digits (role ``damaged``)
    unit: str
    role: str  # a key of ROLES
    name: str | Message = ""  # the township / category / group it belongs to (the ledger's words: a Message)
    reason: Message | None = None  # why it was set aside, or a note on its use (:func:`reason`)
    label: str = ""  # the words before it
    printed: str = ""  # a damaged figure as printed (.32公顷)


@dataclass
class Ledger:
    """What the plan's figures have become so far: the total, the structure, townships, cells, set-asides."""

    total: tuple[Decimal, str] | None = None
    total_approx: bool = False  # the total is a rounded one (近/约 …)
    structure: dict[str, tuple[Decimal, str]] = field(default_factory=dict)
    groups: dict[str, tuple[Decimal, str]] = field(default_factory=dict)
    town_totals: dict[str, tuple[Decimal, str]] = field(default_factory=dict)
    alloc: dict[tuple[str, str], tuple[Decimal, str]] = field(default_factory=dict)
    sub_items: list[tuple[str, str, str, Decimal, str]] = field(default_factory=list)  # scope, parent, name, v, u
    methods: dict[str, tuple[Decimal, str]] = field(default_factory=dict)  # 出让 → figure (供应方式)
    schedule: dict[str, tuple[Decimal, str]] = field(default_factory=dict)  # 第一季度 → figure (供应时序)
    no_supply: list[str] = field(default_factory=list)
    damaged: list[tuple[str, str, int]] = field(default_factory=list)  # (area, category, line): the figure is lost
    entries: list[Entry] = field(default_factory=list)
    found: list[tuple[int, Decimal, str]] = field(default_factory=list)  # every figure of the text
    units: Counter = field(default_factory=Counter)
    town: str | None = None  # the township whose figures are being read
    category: str | None = None  # the category whose townships are being read (category-first layouts)
    category_heading: bool = False  # … set by a heading line (1.居住用地), not a paragraph
    line: int = 0  # the line being read

    # --- entering figures -----------------------------------------------------------------
    def enter(self, value: Decimal, unit: str, role: str, name: str | Message = "", reason: Message | None = None,
              label: str = "") -> None:
        """Enter one figure read on the current line."""
        self.entries.append(Entry(self.line, value, unit, role, name, reason, label.strip()))

    def set_aside(self, value: Decimal, unit: str, reason: Message, label: str = "") -> None:
        """Enter a figure that is not part of this year's plan, with the reason."""
        self.enter(value, unit, "set_aside", reason=reason, label=label)

    def add_damaged(self, printed: str, unit: str, what: str | Message, reason: Message, label: str = "",
                    place: tuple[str, str] | None = None) -> None:
        """Enter a figure whose digits the text lost (数字残缺); ``place`` is the (area, category) it was of
        (``("", "")`` the total, ``("", cat)`` a structure figure, ``(area, "")`` an area's total)."""
        self.entries.append(Entry(self.line, None, unit, "damaged", what, reason, label.strip(), printed))
        if place is not None:
            self.damaged.append((*place, self.line + 1))

    def _put(self, table: dict, key, value: Decimal, unit: str, role: str, name: str, what: str | Message,
             same_figure: bool = False) -> bool:
        if same_figure and self.entries:  # one printed figure, two uses: 保安镇18.9公顷，全部为工矿仓储用地
            if key not in table:
                table[key] = (value, unit)
                self.entries[-1].name = word("ledger.what.all_of", what=self.entries[-1].name, cat=name.split()[-1])
            return True
        if key in table:
            old = table[key]
            same = to_hectares(*old) == to_hectares(value, unit)
            if same:
                self.set_aside(value, unit, reason("same_as_before", what=what), name)
            else:  # two different figures for one thing: never silently one of them
                self.enter(value, unit, "unplaced", name, reason("differs_from_before", what=what, figure=_printed(old)))
            return False
        table[key] = (value, unit)
        self.units[unit] += 1
        self.enter(value, unit, role, name)
        return True

    def put_quietly(self, table: dict, key, value: Decimal, unit: str) -> None:
        """Store a sum whose parts were entered one by one (a parcel list)."""
        if key not in table:
            table[key] = (value, unit)
            self.units[unit] += 1

    def add_alloc(self, town: str, cat: str, value: Decimal, unit: str, same_figure: bool = False) -> bool:
        return self._put(self.alloc, (town, cat), value, unit, "township_category", f"{town} {cat}",
                         word("ledger.what.cell", town=town, cat=cat), same_figure)

    def add_structure(self, cat: str, value: Decimal, unit: str) -> bool:
        return self._put(self.structure, cat, value, unit, "structure", cat, word("ledger.what.structure", cat=cat))

    def add_group(self, name: str, value: Decimal, unit: str, scope: str | None = None,
                  same_figure: bool = False) -> bool:
        key = f"{scope} {name}" if scope else name
        return self._put(self.groups, key, value, unit, "group", key, key, same_figure)

    def add_town_total(self, town: str, value: Decimal, unit: str) -> bool:
        return self._put(self.town_totals, town, value, unit, "township_total", town, town)

    def add_split(self, kind: str, name: str, value: Decimal, unit: str, label: str = "") -> bool:
        """Enter one supply method's (``kind="method"``) or one period's (``"schedule"``) figure.

        A second figure for the same method or period is set aside when equal, else left unplaced.
        """
        table = self.methods if kind == "method" else self.schedule
        if name in table:
            old = table[name]
            what = word("ledger.what.split", name=name, role=word(f"ledger.role.{kind}"))
            if to_hectares(*old) == to_hectares(value, unit):
                self.set_aside(value, unit, reason("same_as_before", what=what), label)
            else:
                self.enter(value, unit, "unplaced", name, reason("differs_from_before", what=what, figure=_printed(old)),
                           label=label)
            return False
        table[name] = (value, unit)
        self.enter(value, unit, kind, name, label=label)
        return True

    def add_total(self, value: Decimal, unit: str, label: str = "", approx: bool = False) -> bool:
        """Enter the plan's total; a rounded one (近15800亩, a headline's) gives way to the exact one."""
        if self.total is not None:
            old, new = to_hectares(*self.total), to_hectares(value, unit)
            near = old and abs(old - new) <= abs(old) / 20
            if near and approx != self.total_approx and old != new:
                if approx:
                    self.set_aside(value, unit, reason("rounded_total"), label)
                    return False
                for e in self.entries:  # the rounded total was entered first: it is set aside now
                    if e.role == "total":
                        e.role, e.name, e.reason = "set_aside", "", reason("rounded_total_first")
                self.total, self.total_approx = (value, unit), False
                self.enter(value, unit, "total", word("ledger.what.total"), label=label)
                return False
            same = old == new
            if same:
                self.set_aside(value, unit, reason("same_as_total"), label)
            else:
                self.enter(value, unit, "unplaced", reason=reason("differs_from_total", figure=_printed(self.total)),
                           label=label)
            return False
        self.total, self.total_approx = (value, unit), approx
        self.units[unit] += 1
        self.enter(value, unit, "total", word("ledger.what.total"), label=label)
        return True

    def add_sub_item(self, scope: str, parent: str, name: str, value: Decimal, unit: str) -> None:
        for old in self.sub_items:
            if old[:3] == (scope, parent, name):
                same = to_hectares(old[3], old[4]) == to_hectares(value, unit)
                why = reason("same_sub_item", parent=parent, name=name) if same else \
                    reason("other_sub_item", name=name, figure=_printed(old[3:]))
                self.set_aside(value, unit, why, name)
                return
        self.sub_items.append((scope, parent, name, value, unit))
        where = word("ledger.role.structure") if scope == "structure" else scope  # 供应结构, or a township's name
        what = word("ledger.what.sub_item", scope=where, parent=parent, name=name) if parent else \
            word("ledger.what.sub_item_bare", scope=where, name=name)
        self.enter(value, unit, "sub_item", what,
                   reason=reason("sub_item_of", parent=parent) if parent else reason("sub_item"))

    @property
    def ignored(self) -> list[str]:
        """The set-aside figures as short texts ('2025年度…3.2公顷（上年度或其他年份的数字）')."""
        return [f"{e.label}{e.value}{e.unit}（{said(e.reason)}）" for e in self.entries if e.role == "set_aside"]


def _printed(figure: tuple) -> str:
    """A figure as the plan printed it (value and unit label), a reason's parameter."""
    return f"{figure[0]}{figure[1]}"


def ledger_frame(entries: list[Entry], found: list[tuple[int, Decimal, str]], lines: list[str],
                 original: list[str] | None = None) -> pd.DataFrame:
    """Every figure once: the entries matched to the figures found on each line, the rest 未归类.

    Parameters
    ----------
    entries : list of Entry
        What the assembler made of the figures.
    found : list of (line, value, unit)
        Every figure of the text (mentions and table number cells), in text order.
    lines, original : list of str
        The folded lines and the lines as written (繁體, full-width …), for the ``text`` column.

    Returns
    -------
    pandas.DataFrame
        ``line`` (1-based), ``text`` (the line as written), ``context`` (the figure's own clause or
        cell, the figure marked 【】), ``figure``, ``value``, ``unit``, ``hectares``, ``role`` (a key),
        ``role_zh``, ``what``, ``reason``, then ``role_en``, ``what_en``, ``reason_en``; one row per figure,
        in text order. ``what`` and ``reason`` are in Chinese, ``what_en`` and ``reason_en`` the same
        entries in English: both worded by the catalogue (``ledger.role.*``, ``ledger.what.*``,
        ``ledger.reason.*``) around the plan's own names and figures, which stay as printed.
    """
    original = original if original is not None else lines
    pending: dict[tuple[int, Decimal], list[int]] = {}
    for k, e in enumerate(entries):
        pending.setdefault((e.line, e.value), []).append(k)
    rows = []
    taken: set[int] = set()
    seen: Counter = Counter()  # (line, value) → how many of its figures are quoted already
    for line, value, unit in found:
        ks = pending.get((line, value), [])
        k = next((k for k in ks if k not in taken and entries[k].unit == unit), None)
        k = k if k is not None else next((k for k in ks if k not in taken), None)
        nth = seen[(line, abs(value))]
        seen[(line, abs(value))] += 1
        if k is None:
            rows.append(_row(Entry(line, value, unit, "unplaced", reason=reason("unplaced")), lines, original,
                             nth=nth))
            continue
        taken.add(k)
        rows.append(_row(entries[k], lines, original, printed_unit=unit, nth=nth))
    # figures the text gives without a unit of their own (分别为3、2公顷 …) are entered too
    rows.extend(_row(e, lines, original) for k, e in enumerate(entries) if k not in taken)
    df = pd.DataFrame(rows, columns=["line", "text", "context", "figure", "value", "unit", "hectares", "role",
                                     "role_zh", "what", "reason", "role_en", "what_en", "reason_en"])
    return df.sort_values("line", kind="stable").reset_index(drop=True)


_NUMBER = re.compile(r"(?<![\d.])\d[\d,]*(?:\.\d+)?")
_CLAUSE_END = "，,。；;：:|\t"  # a clause ends at these; a table cell at | or a tab
_CONTEXT_MAX = 36  # characters of context on each side of the figure, at most


def figure_context(line: str, value: Decimal, nth: int = 0) -> str:
    """The clause (or table cell) around the ``nth`` printing of ``value`` in ``line``, the figure marked 【】.

    A bare number cell of a table is quoted with the row's first cell, which names it.

    Examples
    --------
    >>> figure_context("住宅用地12.5公顷，工矿仓储用地30公顷。", Decimal("30"))
    '工矿仓储用地【30】公顷'
    >>> figure_context("城关镇 | 3.5 | 2.0", Decimal("2.0"))
    '城关镇 … 【2.0】'
    """
    hits = [m for m in _NUMBER.finditer(line) if _equals(m.group(), abs(value))]
    if not hits:
        return " ".join(line.split())[: 2 * _CONTEXT_MAX]
    m = hits[min(nth, len(hits) - 1)]
    start = max((line.rfind(ch, 0, m.start()) for ch in _CLAUSE_END), default=-1) + 1
    ends = [i for i in (line.find(ch, m.end()) for ch in _CLAUSE_END) if i >= 0]
    end = min(ends) if ends else len(line)
    before, after = line[max(start, m.start() - _CONTEXT_MAX):m.start()], line[m.end():min(end, m.end() + _CONTEXT_MAX)]
    before = ("…" if m.start() - _CONTEXT_MAX > start else "") + before.lstrip()
    after = after.rstrip() + ("…" if m.end() + _CONTEXT_MAX < end else "")
    quote = f"{before}【{m.group()}】{after}"
    if not before.strip() and ("|" in line or "\t" in line):
        head = re.split(r"[|\t]", line.strip().strip("|"), maxsplit=1)[0].strip()
        if head and head != m.group():
            quote = f"{head[:_CONTEXT_MAX]} … {quote.strip()}"
    return " ".join(quote.split())


def _equals(printed: str, value: Decimal) -> bool:
    try:
        return Decimal(printed.replace(",", "")) == value
    except InvalidOperation:
        return False


def _damaged_context(line: str, printed: str) -> str:
    """The clause around a damaged figure, the figure marked 【】 (as :func:`figure_context`)."""
    at = line.find(printed)
    if at < 0:
        return " ".join(line.split())[: 2 * _CONTEXT_MAX]
    start = max((line.rfind(ch, 0, at) for ch in _CLAUSE_END), default=-1) + 1
    start = max(start, at - _CONTEXT_MAX)
    return " ".join(f"{line[start:at].lstrip()}【{printed.strip()}】".split())


def _row(e: Entry, lines: list[str], original: list[str], printed_unit: str | None = None, nth: int = 0) -> dict:
    unit = e.unit
    written = original[e.line] if 0 <= e.line < len(original) else ""
    folded = lines[e.line] if 0 <= e.line < len(lines) else ""
    words = {"role": e.role, "role_zh": ROLES[e.role], "what": said(e.name), "reason": said(e.reason),
             "role_en": text(f"ledger.role.{e.role}", "en"), "what_en": said(e.name, "en"),
             "reason_en": said(e.reason, "en")}
    if e.value is None:  # 数字残缺: no value, the figure as printed
        return {"line": e.line + 1, "text": " ".join(written.split())[:160],
                "context": _damaged_context(folded, e.printed), "figure": e.printed, "value": None, "unit": unit,
                "hectares": None, **words}
    return {"line": e.line + 1, "text": " ".join(written.split())[:160],
            "context": figure_context(folded, e.value, nth), "figure": f"{e.value}{printed_unit or unit}",
            "value": e.value, "unit": unit, "hectares": to_hectares(e.value, unit), **words}
