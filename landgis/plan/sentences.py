"""Finding sentences, Chinese and English, from one place.

Each kind of finding has one template pair here; :mod:`landgis.plan.reconcile` fills in the
figures (exact, as printed, with hectares beside other units).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from landgis.catalog import Message, table
from landgis.units import UNIT_LABELS, UNIT_LABELS_EN, display_unit, format_area, format_decimal, to_hectares, to_unit, unit_key

__all__ = ["say", "show", "render"]

Q = tuple[Decimal, str]  # a figure as printed: value and unit

#: A sentence to build again in another unit: (template, fields) pairs, the first the sentence, the rest notes.
Parts = tuple[tuple[str, dict], ...]

_EN_UNITS = {"公顷": "ha", "亩": "mu", "平方米": "m²", "万平方米": "10,000 m²", "平方公里": "km²", "万公顷": "10,000 ha",
             "万亩": "10,000 mu"}

# kind → (Chinese, English); {names} are filled by say()
TEMPLATES: dict[str, tuple[str, str]] = {k: (v, table("finding", "en")[k]) for k, v in table("finding", "zh").items()}


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


def say(template: str, unit: str | None = None, *, names: Mapping[str, str] | None = None,
        **fields) -> tuple[str, str]:
    """The (Chinese, English) sentence of a template, figures given as (value, unit) pairs.

    ``unit`` shows the figures in the user's unit (see :func:`show`); without it, as printed. A field that is a
    :class:`~landgis.catalog.Message` (a ledger's reason) is said in each sentence's language. ``names``
    gives the English sentence's township and category names (连州镇 → Lianzhou, 住宅用地 → Residential),
    as the run's maps and tables name them; a name it does not hold stays as the plan wrote it.

    Examples
    --------
    >>> from decimal import Decimal as D
    >>> say("no_supply", township="丰阳镇")
    ('丰阳镇本年度无土地供应安排。', '丰阳镇 receives no land in this plan.')
    >>> say("structure_sum", computed=(D("3"), "公顷"), stated=(D("2"), "公顷"), diff=(D("1"), "公顷"),
    ...     more=True)[1]
    'The categories of the structure add up to 3 ha, 1 ha more than the stated total 2 ha.'
    >>> say("no_supply", township="丰阳镇", names={"丰阳镇": "Fengyang"})
    ('丰阳镇本年度无土地供应安排。', 'Fengyang receives no land in this plan.')
    """
    zh_t, en_t = TEMPLATES[template]
    out = []
    for lang, t in (("zh", zh_t), ("en", en_t)):
        values = {k: show(v, lang, unit) if isinstance(v, tuple) and len(v) == 2 and isinstance(v[0], Decimal)
                  else v.render(lang) if isinstance(v, Message) else v for k, v in fields.items()}
        if lang == "en" and names:
            values.update({k: names[v] for k, v in fields.items() if k in _NAMED and isinstance(v, str) and v in names})
        if "more" in fields:
            values["more_zh"] = "多" if fields["more"] else "少"
            values["more_en"] = "more" if fields["more"] else "less"
        if lang == "zh" and template in _BRACKETED and values.get(_BRACKETED[template]):
            values[_BRACKETED[template]] = f"（{values[_BRACKETED[template]]}）"
        out.append(t.format_map(_Blank(values)))
    return out[0], out[1]


def render(parts: Parts, lang: str = "zh", unit: str | None = None, names: Mapping[str, str] | None = None) -> str:
    """A finding's sentence from its parts, notes joined before the full stop, figures in ``unit``, English
    names of townships and categories from ``names`` (see :func:`say`).

    Examples
    --------
    >>> from decimal import Decimal as D
    >>> parts = (("structure_sum", {"computed": (D("3"), "公顷"), "stated": (D("2"), "公顷"),
    ...           "diff": (D("1"), "公顷"), "more": True}),)
    >>> render(parts, "zh", "mu")
    '供应结构各类用地合计45.0亩（3公顷），比供应总量30.0亩（2公顷）多15.0亩（1公顷）。'
    """
    head, *notes = parts
    text = say(head[0], unit, names=names, **head[1])[lang == "en"]
    for template, fields in notes:
        note = say(template, unit, names=names, **fields)[lang == "en"]
        text = text.rstrip("。") + note + "。" if lang != "en" else text.rstrip(".") + note + "."
    return text


#: Fields that name a township or a category (given in English by ``names``).
_NAMED = ("township", "category")

#: Figures a Chinese sentence puts in brackets, by template: “X”（12公顷）不在用地分类中.
_BRACKETED = {"unknown_category": "amount", "plan_own_category": "amount"}


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""
