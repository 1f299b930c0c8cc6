"""Finding sentences, Chinese and English, from one place.

Each kind of finding has one template pair here; :mod:`landgis.plan.reconcile` fills in the
figures (exact, as printed, with hectares beside other units).
"""

from __future__ import annotations

from decimal import Decimal

from landgis.units import UNIT_LABELS, UNIT_LABELS_EN, display_unit, format_area, format_decimal, to_hectares, to_unit, unit_key

__all__ = ["say", "show", "render"]

Q = tuple[Decimal, str]  # a figure as printed: value and unit

#: A sentence to build again in another unit: (template, fields) pairs, the first the sentence, the rest notes.
Parts = tuple[tuple[str, dict], ...]

_EN_UNITS = {"公顷": "ha", "亩": "mu", "平方米": "m²", "万平方米": "10,000 m²", "平方公里": "km²", "万公顷": "10,000 ha",
             "万亩": "10,000 mu"}

# kind → (Chinese, English); {names} are filled by say()
TEMPLATES: dict[str, tuple[str, str]] = {
    "township_sum": ("{township}各类用地合计{computed}，比其土地供应量{stated}{more_zh}{diff}。",
                     "{township}: its categories add up to {computed}, {diff} {more_en} than its stated total "
                     "{stated}."),
    "county_sum_less": ("各乡镇布局合计{computed}，比供应总量{stated}少{diff}，未落实到乡镇。",
                        "The townships add up to {computed}, {diff} less than the stated total {stated}: "
                        "not placed in any township."),
    "county_sum_more": ("各乡镇布局合计{computed}，比供应总量{stated}多{diff}，超出供应总量。",
                        "The townships add up to {computed}, {diff} more than the stated total {stated}."),
    "structure_sum": ("供应结构各类用地合计{computed}，比供应总量{stated}{more_zh}{diff}。",
                      "The categories of the structure add up to {computed}, {diff} {more_en} than the stated "
                      "total {stated}."),
    "category_unlisted": ("各乡镇布局中有{category}{computed}，但供应结构未列此类用地。",
                          "The townships have {computed} of {category}, which the structure does not list."),
    "category_sum_less": ("{category}供应结构为{stated}，各乡镇布局合计{computed}，有{diff}未落实到乡镇。",
                          "{category}: the structure states {stated}, the townships add up to {computed} "
                          "({diff} not placed)."),
    "category_sum_more": ("{category}供应结构为{stated}，各乡镇布局合计{computed}，超出供应结构{diff}。",
                          "{category}: the structure states {stated}, the townships add up to {computed} "
                          "({diff} more)."),
    "group_sum": ("{group}为{stated}，其包括的{members}合计{computed}，相差{diff}。",
                  "{group} is {stated}, but its members ({members}) add up to {computed}: {diff} apart."),
    "unknown_category": ("“{category}”{amount}不在用地分类（{system}）中，已按原名保留，未赋分类代码，请核对。",
                         "“{category}”{amount} is not a class of {system}; kept under its own name without "
                         "a code. Please check."),
    "plan_own_category": ("“{category}”{amount}是本计划自定的用地类别，已按原名保留{maps_zh}。",
                          "“{category}”{amount} is a class of the plan's own system, kept under its printed "
                          "name{maps_en}."),
    "unknown_township": ("计划中的“{township}”不是{county}的乡镇（街道），无法落到乡镇界线上，请核对名称{hint_zh}。",
                         "“{township}” in the plan is not a township of {county}; it cannot be placed on the "
                         "township map. Please check the name{hint_en}."),
    "report": ("本文是关于{plan_zh}的报道或转载（原文有“{evidence}”），不是计划文件本身；数字已按报道读取，"
               "请以正式公布的计划文件为准。",
               "This text is a report about {plan_en} (it has “{evidence}”), not the plan itself; its figures "
               "were read as reported: prefer the officially published plan."),
    "no_supply": ("{township}本年度无土地供应安排。", "{township} receives no land in this plan."),
    "no_breakdown": ("计划未按乡镇（区）分列供地，无法判断各乡镇（区）有无供地安排。",
                     "The plan gives no breakdown by township or district: it cannot say which receive land."),
    "named_unplaced": ("{township}：原文第{line}行有其数字{figure}，未能归入计划，不是无供应，请核对。",
                       "{township}: line {line} gives it {figure}, which could not be placed; it is not "
                       "“no supply”. Please check."),
    "no_total": ("计划未列总量；表中合计为各项数字之和（{computed}），不是计划的总量。",
                 "The plan states no total; the table's total is the sum of its figures ({computed}), not a "
                 "figure of the plan."),
    "unplaced": ("第{line}行的{figure}未能归入计划（{reason}）：“{text}”。请核对。",
                 "Line {line}: {figure} could not be placed in the plan ({reason}): “{text}”. Please check."),
    "unit_misprint": ("第{line}行的“{printed}”写作“顷”，已按公顷读取，请核对。",
                      "Line {line}: “{printed}” is written with 顷 alone; read as hectares. Please check."),
    "negative": ("第{line}行的{figure}是负数，不可能是供地面积，未计入，请核对。",
                 "Line {line}: {figure} is negative and cannot be a supply area; not used. Please check."),
    "implausible_total": ("供应总量{stated}超过{limit}，不可能是一个县（市、区）的年度供地计划，请核对单位和数字。",
                          "The total {stated} exceeds {limit}: it cannot be a county's annual plan. Please "
                          "check the unit and the figure."),
    "township_over_county": ("{township}的{stated}大于供应总量{computed}，一个乡镇（区域）不可能多于全县（市），请核对。",
                             "{township}: {stated} is more than the county total {computed}; please check."),
    "precision_note": ("（差额小于原文数字的精度{precision}，应为四舍五入所致）",
                       " (the difference is below the plan's printed precision of {precision}: rounding)"),
}


def show(q: Q, lang: str = "zh", unit: str | None = None) -> str:
    """A figure for a memo: 1.7817929公顷, or 42.60亩（2.84公顷）; in English 1.7817929 ha.

    With ``unit`` (``ha``, ``mu`` or ``m2``, the user's ``--unit``) a figure printed in another unit is
    shown in ``unit`` by the one display rule (:func:`landgis.units.format_area`), the figure as printed in
    brackets; a figure printed in ``unit`` is shown exactly as printed. A difference never reads as 0.

    Examples
    --------
    >>> from decimal import Decimal as D
    >>> show((D("1.7793169"), "公顷"), unit="mu")
    '26.7亩（1.7793169公顷）'
    >>> show((D("0.0000001"), "公顷"), "en", unit="mu")
    '0.0000015 mu (0.0000001 ha)'
    """
    if unit is not None and unit_key(q[1]) != display_unit(unit):
        return _converted(q, lang, display_unit(unit))
    value, unit = q
    exp = value.as_tuple().exponent
    text = format(value, "f") if isinstance(exp, int) and exp >= -10 else format_decimal(value)
    if unit == "公顷":
        text = format_decimal(value)
    if lang == "en":
        head = f"{text} {_EN_UNITS.get(unit, unit)}"
        return head if unit == "公顷" else f"{head} ({format_decimal(to_hectares(value, unit))} ha)"
    return f"{text}{unit}" if unit == "公顷" else f"{text}{unit}（{format_decimal(to_hectares(value, unit))}公顷）"


def _converted(q: Q, lang: str, key: str) -> str:
    """A figure in the user's unit ``key``, the printed figure in brackets."""
    ha = to_hectares(*q)
    text = format_area(ha, key, lang=lang, label=False)
    if ha and not any(c in "123456789" for c in text):  # a small difference never reads as 0
        text = format_decimal(to_unit(ha, key))
    printed = format_decimal(q[0])
    if lang == "en":
        return f"{text} {UNIT_LABELS_EN[key]} ({printed} {_EN_UNITS.get(q[1], q[1])})"
    return f"{text}{UNIT_LABELS[key]}（{printed}{q[1]}）"


def say(template: str, unit: str | None = None, **fields) -> tuple[str, str]:
    """The (Chinese, English) sentence of a template, figures given as (value, unit) pairs.

    ``unit`` shows the figures in the user's unit (see :func:`show`); without it, as printed.

    Examples
    --------
    >>> from decimal import Decimal as D
    >>> say("no_supply", township="丰阳镇")
    ('丰阳镇本年度无土地供应安排。', '丰阳镇 receives no land in this plan.')
    >>> say("structure_sum", computed=(D("3"), "公顷"), stated=(D("2"), "公顷"), diff=(D("1"), "公顷"),
    ...     more=True)[1]
    'The categories of the structure add up to 3 ha, 1 ha more than the stated total 2 ha.'
    """
    zh_t, en_t = TEMPLATES[template]
    out = []
    for lang, t in (("zh", zh_t), ("en", en_t)):
        values = {k: show(v, lang, unit) if isinstance(v, tuple) and len(v) == 2 and isinstance(v[0], Decimal) else v
                  for k, v in fields.items()}
        if "more" in fields:
            values["more_zh"] = "多" if fields["more"] else "少"
            values["more_en"] = "more" if fields["more"] else "less"
        if lang == "zh" and template in _BRACKETED and values.get(_BRACKETED[template]):
            values[_BRACKETED[template]] = f"（{values[_BRACKETED[template]]}）"
        out.append(t.format_map(_Blank(values)))
    return out[0], out[1]


def render(parts: Parts, lang: str = "zh", unit: str | None = None) -> str:
    """A finding's sentence from its parts, notes joined before the full stop, figures in ``unit``.

    Examples
    --------
    >>> from decimal import Decimal as D
    >>> parts = (("structure_sum", {"computed": (D("3"), "公顷"), "stated": (D("2"), "公顷"),
    ...           "diff": (D("1"), "公顷"), "more": True}),)
    >>> render(parts, "zh", "mu")
    '供应结构各类用地合计45.0亩（3公顷），比供应总量30.0亩（2公顷）多15.0亩（1公顷）。'
    """
    head, *notes = parts
    text = say(head[0], unit, **head[1])[lang == "en"]
    for template, fields in notes:
        note = say(template, unit, **fields)[lang == "en"]
        text = text.rstrip("。") + note + "。" if lang != "en" else text.rstrip(".") + note + "."
    return text


#: Figures a Chinese sentence puts in brackets, by template: “X”（12公顷）不在用地分类中.
_BRACKETED = {"unknown_category": "amount", "plan_own_category": "amount"}


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""
