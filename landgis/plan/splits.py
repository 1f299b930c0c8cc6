"""The plan's 供应方式 (出让, 划拨 …) and 时序 (第一季度, 3月 …): what a split figure's words name.

A figure whose words name one supply method or one period of the year is a split of the plan's
total, not a category: :func:`split_of` says which, the assembler enters it in the ledger with the
role ``method`` or ``schedule``, and :class:`~landgis.plan.Plan` keeps them as ``methods_ha`` and
``schedule_ha``. Period names are canonical (``第一季度``, ``3月``, ``上半年``) so that
:func:`period_months` can say which months each covers.
"""

from __future__ import annotations

import re

__all__ = ["METHODS", "split_of", "split_header", "method_name", "period_months", "quarter_of_month"]

#: Supply methods, canonical name → the words that name it (in a plan text or a parcel's field).
METHODS: dict[str, tuple[str, ...]] = {
    "出让": ("出让", "招拍挂", "招标", "拍卖", "挂牌", "协议"),
    "划拨": ("划拨",),
    "租赁": ("租赁", "出租", "年租"),
    "作价出资": ("作价出资", "作价入股", "作价"),
    "授权经营": ("授权经营",),
}
_QUARTER = re.compile(r"第?([一二三四1-4])季度")
_MONTH = re.compile(r"(?<![\d至到—-])(1[0-2]|[1-9]|十[一二]?|[一二三四五六七八九])月(?:份)?(?![底末])")
_HALF = re.compile(r"[上下]半年")
_NUM = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10, "十一": 11,
        "十二": 12}
_QUARTER_NAMES = ("第一季度", "第二季度", "第三季度", "第四季度")


def method_name(text: str) -> str | None:
    """The canonical supply method a text names, or None (none, or several).

    作价出资 is looked for before 出让 (作价出资 is no 出让); a 租赁 that is a kind of housing
    (租赁住房, 租赁住宅) is no method.

    Examples
    --------
    >>> method_name("挂牌出让"), method_name("拟以划拨方式供应"), method_name("作价入股")
    ('出让', '划拨', '作价出资')
    >>> method_name("出让、划拨等方式") is None, method_name("租赁住房用地") is None
    (True, True)
    """
    text = re.sub(r"租赁(?:住房|住宅|类|型)", "", str(text))
    found = {name for name, words in METHODS.items() if any(w in text for w in words)}
    if "作价出资" in found and not re.search(r"出让|招拍挂|挂牌|拍卖", text.replace("作价出资", "")):
        found.discard("出让")
    return found.pop() if len(found) == 1 else None


def _period(text: str) -> str | None:
    quarters = {_NUM.get(q, 0) or int(q) for q in _QUARTER.findall(text)}
    months = set()
    for m in _MONTH.findall(text):
        months.add(int(m) if m.isdigit() else _NUM[m])
    halves = set(_HALF.findall(text))
    if len(quarters) + len(months) + len(halves) != 1 or re.search(r"前[一二三1-3]季度|累计|截至|至|到", text):
        return None
    if quarters:
        return _QUARTER_NAMES[quarters.pop() - 1]
    if months:
        return f"{months.pop()}月"
    return halves.pop()


def split_of(label: str) -> tuple[str, str] | None:
    """What a split figure's label names: ``("method", "出让")``, ``("schedule", "第一季度")`` or None.

    A label that names both a method and a period, several of either, or a range (前三季度, 6至7月)
    is none: the figure stays set aside.

    Examples
    --------
    >>> split_of("第一季度计划供应"), split_of("拟以出让方式供应"), split_of("一季度")
    (('schedule', '第一季度'), ('method', '出让'), ('schedule', '第一季度'))
    >>> split_of("第一季度出让") is None, split_of("6至7月") is None, split_of("存量用地") is None
    (True, True, True)
    >>> split_of("计划6至7月公告出让约") is None
    True
    """
    method, period = method_name(label), _period(label)
    has_method = any(w in label for words in METHODS.values() for w in words)
    if method and not _period_words(label):
        return "method", method
    if period and not has_method:
        return "schedule", period
    return None


#: The head of a table's column of methods or periods (供应方式, 供应时序, 季度, 月份, 供应时间 …).
_SPLIT_HEAD = re.compile(r"^(?:土地|用地)?(?:供应|供地|计划|拟)?(?:方式|时序|时间|时段|季度|月份|月度|批次)(?:安排|分布)?$")
#: The head of a column of areas beside it (面积, 计划供应面积, 供应量 …).
_AREA_HEAD = re.compile(r"面积|规模|供应量|供地量|计划量|数量|指标|计划")


def split_header(header: list[str]) -> bool:
    """Whether a table's header row is that of a table of the plan's 方式 or 时序: two or more cells naming
    methods, or periods (the columns: ``供应方式 | 出让 | 划拨 | 合计``, ``季度 | 第一季度 | 第二季度 …``), or a
    column of them headed by its name beside a column of areas (``供应时序 | 计划供应面积``).

    Examples
    --------
    >>> split_header(["供应方式", "出让", "划拨", "合计"]), split_header(["时间", "第一季度", "第二季度"])
    (True, True)
    >>> split_header(["季度", "计划供应面积"]), split_header(["出让", "第一季度"]), split_header(["乡镇", "面积"])
    (True, False, False)
    """
    kinds = [k for k in (split_of(c) for c in header) if k]
    if len(kinds) >= 2 and len({kind for kind, _ in kinds}) == 1:
        return True
    return not kinds and any(_SPLIT_HEAD.match(c) for c in header[:2]) and any(
        _AREA_HEAD.search(c) for c in header[1:])


def _period_words(text: str) -> bool:
    return bool(re.search(r"[\d一二三四五六七八九十]月|季度|半年|年底|年末|年内", text))


def period_months(period: str) -> tuple[int, ...]:
    """The months (1–12) a canonical period covers.

    Examples
    --------
    >>> period_months("第二季度"), period_months("11月"), period_months("下半年")
    ((4, 5, 6), (11,), (7, 8, 9, 10, 11, 12))
    """
    if period in _QUARTER_NAMES:
        q = _QUARTER_NAMES.index(period)
        return tuple(range(3 * q + 1, 3 * q + 4))
    if period == "上半年":
        return tuple(range(1, 7))
    if period == "下半年":
        return tuple(range(7, 13))
    m = re.fullmatch(r"(\d{1,2})月", period)
    if m:
        return (int(m.group(1)),)
    raise ValueError(f"unknown period {period!r}")


def quarter_of_month(month: int) -> str:
    """第一季度 … 第四季度 for a month 1–12.

    Examples
    --------
    >>> quarter_of_month(5)
    '第二季度'
    """
    return _QUARTER_NAMES[(month - 1) // 3]
