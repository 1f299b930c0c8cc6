"""Finding messages in the planner's language and unit (``--lang``, ``--unit``).

A finding is recorded once, by the checks, with its kind (a machine code), a Chinese sentence in 公顷 and the
numbers behind it (``figures``, JSON). The QA files re-word the sentence from the kind and the numbers for
another unit or language; the record itself (findings.parquet, PostGIS write-back) keeps the codes, the
numbers and the Chinese sentence, so that it reads the same whoever wrote it. A kind without a sentence here
keeps its recorded words.
"""

from __future__ import annotations

import json
import math

from landgis import units
from landgis.categories import lookup

__all__ = ["message", "MESSAGES"]

#: Sentences by language and kind; areas are filled in the chosen unit.
MESSAGES: dict[str, dict[str, str]] = {
    "zh": {
        "area_mismatch": "填报面积 {stated} 与图形面积 {geometry} 相差 {relative}（容差 {tolerance}）",
        "implausible_area": "填报面积 {stated} 不合理（应大于 0、不超过 {max}），未计入指标核算，改按图形面积计",
        "quota_over": "{township}{category}超出计划：按实际位置，地块 {booked}（{parcels}），计划 {allocated}，"
                      "超出 {difference}",
        "quota_under": "{township}{category}尚未用足：按实际位置，地块 {booked}（{parcels}），计划 {allocated}，"
                       "剩余 {remaining}",
        "category_not_in_plan": "{township}{category}：计划未安排该类用地，地块已占 {booked}（{parcels}）",
        "constraint_overlap": "与{constraint}重叠 {overlap}（占地块面积 {share}；图斑 {features}）",
        "outside_constraint": "有 {outside} 位于{constraint}外（占地块面积 {share}）",
        "parcels": "{n} 宗", "parts": "仅有跨乡镇地块的一部分", "sep": "、", "more": " 等 {n} 个图斑",
    },
    "en": {
        "area_mismatch": "stated area {stated} differs from the drawn area {geometry} by {relative} "
                         "(tolerance {tolerance})",
        "implausible_area": "stated area {stated} is not plausible (must be above 0 and at most {max}); "
                            "the drawn area is counted instead",
        "quota_over": "{township} {category} over the plan: by location, parcels {booked} ({parcels}), "
                      "planned {allocated}, over by {difference}",
        "quota_under": "{township} {category} not used up: by location, parcels {booked} ({parcels}), "
                       "planned {allocated}, {remaining} left",
        "category_not_in_plan": "{township} {category}: not in the plan, parcels take {booked} ({parcels})",
        "constraint_overlap": "overlaps {constraint} by {overlap} ({share} of the parcel; features {features})",
        "outside_constraint": "{outside} lies outside {constraint} ({share} of the parcel)",
        "parcels": "{n} parcels", "parts": "only parts of parcels lying mainly elsewhere", "sep": ", ",
        "more": " … {n} in all",
    },
}

_MAX_PARCEL_HA = 10_000.0


def _area(ha, unit: str, lang: str) -> str:
    return units.format_area(float(ha), unit, where="table", lang=lang)


def _share(value, lang: str) -> str:
    return f"{float(value) * 100:.1f}%"


def _category(name, lang: str) -> str:
    if lang == "en" and isinstance(name, str):
        cat = lookup(name)
        return cat.name_en if cat is not None and cat.name_en else name
    return "" if name is None else str(name)


def message(kind: str, figures: str | dict | None, recorded: str, *, township=None, category=None,
            unit: str = "ha", lang: str = "zh") -> str:
    """A finding's sentence in ``lang`` with its areas in ``unit``.

    In Chinese and 公顷 it is the recorded sentence; a kind this module has no sentence for, or whose
    numbers are missing, keeps the recorded sentence.

    Examples
    --------
    >>> figs = {"stated_ha": 2.0, "geometry_ha": 1.5, "difference_ha": 0.5, "relative": 0.3333, "tolerance": 0.05}
    >>> message("area_mismatch", figs, "…", unit="mu")
    '填报面积 30.00 亩 与图形面积 22.50 亩 相差 33.3%（容差 5.0%）'
    >>> message("area_mismatch", figs, "…", lang="en")
    'stated area 2.0000 ha differs from the drawn area 1.5000 ha by 33.3% (tolerance 5.0%)'
    >>> message("missing_township", None, "未填写所属乡镇", unit="mu")
    '未填写所属乡镇'
    """
    unit = units.display_unit(unit)
    words = MESSAGES.get(lang, MESSAGES["zh"])
    if (lang == "zh" and unit == "ha") or kind not in words:
        return recorded
    try:
        f = json.loads(figures) if isinstance(figures, str) else dict(figures or {})
        area = (lambda key: _area(f[key], unit, lang))
        n = int(f.get("n_parcels", 0) or 0)
        parcels = words["parts"] if n == 0 and float(f.get("booked_ha", 0) or 0) > 0 else words["parcels"].format(n=n)
        values = {
            "township": "" if township is None else str(township), "category": _category(category, lang),
            "parcels": parcels, "max": _area(_MAX_PARCEL_HA, unit, lang),
        }
        if kind == "area_mismatch":
            values.update(stated=area("stated_ha"), geometry=area("geometry_ha"), relative=_share(f["relative"], lang),
                          tolerance=_share(f["tolerance"], lang))
        elif kind == "implausible_area":
            stated = float(f["stated_ha"])
            if not math.isfinite(stated):
                return recorded
            values["stated"] = _area(stated, unit, lang)
        elif kind in ("quota_over", "quota_under", "category_not_in_plan"):
            values.update(booked=area("booked_ha"))
            if kind != "category_not_in_plan":
                diff = float(f["difference_ha"])
                values.update(allocated=area("allocated_ha"), difference=_area(diff, unit, lang),
                              remaining=_area(-diff, unit, lang))
        elif kind == "constraint_overlap":
            listed, n_features = list(f["features"]), int(f["n_features"])
            more = words["more"].format(n=n_features) if n_features > len(listed) else ""
            values.update(constraint=f["constraint"], overlap=_area(float(f["overlap_m2"]) / 10_000, unit, lang),
                          share=_share(f["share"], lang), features=words["sep"].join(map(str, listed)) + more)
        elif kind == "outside_constraint":
            values.update(constraint=f["constraint"], outside=_area(float(f["outside_m2"]) / 10_000, unit, lang),
                          share=_share(f["share_outside"], lang))
        return words[kind].format(**values)
    except (KeyError, TypeError, ValueError):  # numbers missing or unreadable: the recorded words stand
        return recorded
