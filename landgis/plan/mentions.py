"""Mentions: every area figure of a sentence, with its unit, its position and the words around it.

The text is NFKC-folded first (:func:`landgis.plan.read.fold`): ，→, ：→: （→( 全角数字→ASCII.
A mention knows nothing about what it means; :mod:`landgis.plan.context` says that.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from landgis.catalog import Message
from landgis.plan.ledger import reason
from landgis.units import UNIT_LABELS, unit_key

__all__ = ["Mention", "find_mentions", "figures_of", "damaged_figures", "unit_of", "signed_value", "pair_respectively", "years_in", "FIGURE", "YEAR"]

NUM = r"(?<![\d.])(?<!\d,)(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?![\d])"
UNIT = r"(万平方米|万平米|万m2|万公顷|万公頃|万亩|万畝|平方公里|平方千米|平方米|平米|公顷|公頃|hm2|亩|畝|m2|ha|顷|頃)(?![A-Za-z0-9])"  # 顷 alone: a misprint
#: A number with an area unit.
FIGURE = re.compile(NUM + r"\s*" + UNIT)
# A figure whose digits the text lost: a bare decimal part (.32公顷, .公顷) or a unit right after 为/在/约/共/计/达
_DAMAGED = re.compile(r"(?<![\d.])\.\d*\s*" + UNIT + r"|(?<=[为在约共计达])\s*" + UNIT + r"(?![均产])")
_UNIT_WORD = re.compile(r"单位[^,;。]{0,6}$")  # 单位为公顷, 面积单位均为亩: the unit of a table, no figure
CELL_NUM = re.compile(r"^[+]?(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)$")
EMPTY_CELL = re.compile(r"^(?:[-—–―─/\\~〜]+|无|/|)$")
YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")
_YEAR_RANGE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年?\s*[-—–~～至到]+\s*((?:19|20)\d{2})\s*年?")
_SUB_MARK = re.compile(r"^\s*(?:其中|含|包括|包含)")
_CONVERSION = re.compile(r"\s*(?:约|合|约合|折合|折|即|计|为)?\s*")
_BREAKS = ",;:。、()\t "
_INNER_BRACKET = re.compile(r"(?<=[\u3400-\u4dbf\u4e00-\u9fff])\([^()]*\)(?=[\u3400-\u4dbf\u4e00-\u9fff])")


@dataclass
class Mention:
    """One area figure in a sentence, and what the context step makes of it."""

    value: Decimal
    unit: str  # Chinese label
    start: int
    end: int
    label: str = ""  # the words just before the figure
    after: str = ""  # the text up to the next figure
    pre: str = ""  # text between the previous figure and the label
    prev_segment: str = ""  # the clause before the label ("住宅用地:" in "住宅用地:29.3公顷")
    kind: str = ""  # category / township / total / total_weak / ignore
    name: str = ""
    reason: Message | None = None  # why it is set aside (:func:`landgis.plan.ledger.reason`)
    paren_sub: bool = False  # inside "(其中…)" that directly follows a figure
    paren_parent: Mention | None = None
    town_prefix: str | None = None  # "阳城镇安排住宅用地…"
    joined: bool = False  # the label follows the previous figure with no break (…3公顷和星子镇…)


def figures_of(line: str) -> list[tuple[Decimal, str]]:
    """Every area figure of a line as (value, unit label), in order.

    Examples
    --------
    >>> figures_of("住宅用地29.3公顷(439.5亩)")
    [(Decimal('29.3'), '公顷'), (Decimal('439.5'), '亩')]
    """
    return [(signed_value(line, m), unit_of(m.group(2))) for m in FIGURE.finditer(line)]


def damaged_figures(text: str) -> list[tuple[int, int, str]]:
    """Figures whose digits the text has lost, as (start, end, unit label): ``.32公顷``, ``为.公顷``, ``为公顷``.

    A unit after 为/在/约/共/计/达 with no digits before it is one too, unless it names a table's unit
    (单位为公顷).

    Examples
    --------
    >>> damaged_figures("总量控制在.32公顷,茌平区为.公顷,度假区为76.01公顷")
    [(5, 10, '公顷'), (15, 18, '公顷')]
    >>> damaged_figures("面积单位为公顷;商服用地为公顷")
    [(13, 15, '公顷')]
    """
    out = []
    for m in _DAMAGED.finditer(text):
        if m.group(0)[0] != "." and _UNIT_WORD.search(text[: m.start()]):
            continue
        out.append((m.start(), m.end(), unit_of(m.group(1) or m.group(2))))
    return out


def unit_of(printed: str) -> str:
    """The unit label of a printed unit ('hm2' → 公顷; '顷' alone, a misprint, → 公顷)."""
    return "公顷" if printed in ("顷", "頃") else UNIT_LABELS[unit_key(printed)]


def signed_value(text: str, m: re.Match) -> Decimal:
    """The value of a figure match, negative when a minus sign or 负 stands right before it."""
    value = decimal_of(m.group(1))
    before = text[max(0, m.start() - 2) : m.start()]
    if re.search(r"(?:(?<![\d.])[-−]|负)$", before) or before == "-" or (m.start() == 1 and text[0] in "-−"):
        return -value
    return value


def decimal_of(text: str) -> Decimal:
    """The exact value of a printed number ('1,012.35' → Decimal('1012.35'))."""
    return Decimal(text.replace(",", ""))


def years_in(text: str) -> set[int]:
    """Years a text speaks of: 2025年 → {2025}; 2026—2028年 → {2026, 2027, 2028}."""
    years = {int(y) for y in YEAR.findall(text)}
    for a, b in _YEAR_RANGE.findall(text):
        lo, hi = sorted((int(a), int(b)))
        if hi - lo <= 50:
            years.update(range(lo, hi + 1))
    return years


def _bracket_spans(sentence: str) -> list[tuple[int, int]]:
    stack: list[int] = []
    spans = []
    for i, ch in enumerate(sentence):
        if ch == "(":
            stack.append(i)
        elif ch == ")" and stack:
            spans.append((stack.pop(), i))
    return spans


def _words_around(sentence: str, figs: list[Mention]) -> None:
    for k, fig in enumerate(figs):
        lo = figs[k - 1].end if k else 0
        # 市直(京口、润州)商服用地 / 成都市各区(锦江区、…)国有建设用地…: a bracket inside a label is an aside
        seg = _INNER_BRACKET.sub("", sentence[lo : fig.start])
        cut = max(seg.rfind(s) for s in _BREAKS)
        fig.label = seg[cut + 1 :]
        fig.joined = k > 0 and cut < 0
        fig.pre = seg[: cut + 1] if cut >= 0 else ""
        # "住宅用地（含保障性住房）29.3公顷": the name is before the bracket
        prev = re.sub(r"\([^()]*\)\s*$", "", fig.pre) if fig.label.strip() == "" else fig.pre
        prev = prev.rstrip(_BREAKS)
        cut2 = max(prev.rfind(s) for s in _BREAKS)
        fig.prev_segment = prev[cut2 + 1 :]
        hi = figs[k + 1].start if k + 1 < len(figs) else len(sentence)
        fig.after = sentence[fig.end : hi]


def find_mentions(sentence: str) -> tuple[list[Mention], list[tuple[Mention, str]]]:
    """The area figures of a sentence, and the bracketed conversions set aside.

    ``X公顷(Y亩)`` is one figure in two units: the 公顷 one is kept and the other set aside with
    its reason. Figures inside ``(其中…)`` right after a figure point to it (``paren_parent``).

    Examples
    --------
    >>> figs, aside = find_mentions("住宅用地29.3公顷(439.5亩),商服用地13公顷")
    >>> [(f.label, str(f.value)) for f in figs], len(aside)
    ([('住宅用地', '29.3'), ('商服用地', '13')], 1)
    """
    spans = _bracket_spans(sentence)
    figs: list[Mention] = []
    aside: list[tuple[Mention, Message]] = []
    parents: dict[int, Mention | None] = {}
    for m in FIGURE.finditer(sentence):
        fig = Mention(signed_value(sentence, m), unit_of(m.group(2)), m.start(), m.end())
        if fig.value < 0:
            aside.append((fig, reason("negative")))
            continue
        enclosing = [(o, c) for o, c in spans if o < m.start() < c]
        if enclosing:
            o, c = max(enclosing)
            after_fig = bool(figs) and figs[-1].end <= o and sentence[figs[-1].end : o].strip() == ""
            if after_fig and _CONVERSION.fullmatch(sentence[o + 1 : m.start()]):
                prev = figs[-1]  # X亩(Y公顷): the same figure in another unit; keep the 公顷
                if prev.unit != "公顷" and fig.unit == "公顷":
                    aside.append((Mention(prev.value, prev.unit, prev.start, prev.end), reason("converted_ha")))
                    prev.value, prev.unit = fig.value, fig.unit
                else:
                    aside.append((fig, reason("converted")))
                continue
            # 住宅用地13.7561公顷（其中保障性住房用地2.1公顷、…）: parts of that figure
            if o not in parents:
                parents[o] = figs[-1] if after_fig and _SUB_MARK.match(sentence[o + 1 : c]) else None
            fig.paren_parent = parents[o]
            fig.paren_sub = fig.paren_parent is not None
        figs.append(fig)
    _words_around(sentence, figs)
    return figs, aside


# 、和及与 between names, not the 与/及 inside 公共管理与公共服务用地, 绿地与开敞空间用地, 水域及水利设施用地
NAME_SEP = re.compile(r"、|和|(?<!管理|绿地)与|(?<!水域)及")


def pair_respectively(sentence: str, lead: re.Pattern) -> str:
    """``住宅用地、商服用地分别为3公顷、2公顷`` → ``住宅用地3公顷,商服用地2公顷``.

    Examples
    --------
    >>> pair_respectively("住宅用地、商服用地分别为3公顷、2公顷", re.compile("^$"))
    '住宅用地3公顷,商服用地2公顷'
    """
    han = r"\u3400-\u4dbf\u4e00-\u9fff"
    pat = re.compile(
        rf"((?:[{han}]{{2,16}}(?:\([^()]*\))?[、和及与])+[{han}]{{2,16}}?)(?:,?\s*(?:其|的)?(?:供应量|供地量|供地|用地面积|面积|规模))?"
        rf",?\s*(?:则|也)?分别(?:为|是|安排|供应|计划供应)?:?((?:\s*{NUM}\s*(?:{UNIT})?\s*(?:[、,和及与]|(?=[;。)\s])|$))+)"
    )

    def repl(m: re.Match) -> str:
        names = [n for n in NAME_SEP.split(re.sub(r"\([^()]*\)", "", m.group(1))) if n]
        names[0] = lead.sub("", names[0])
        nums = re.findall(NUM + r"\s*(?:" + UNIT + ")?", m.group(2))
        if len(names) != len(nums):
            return m.group(0)
        unit = next((u for _, u in reversed(nums) if u), "")
        tail = "," if m.group(0).rstrip().endswith((",", "、")) else ""
        return ",".join(f"{n}{v}{u or unit}" for n, (v, u) in zip(names, nums)) + tail

    return pat.sub(repl, sentence)
