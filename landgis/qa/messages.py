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
from landgis.catalog import LANGS, table, text
from landgis.categories import category_name
from landgis.qa.labels import constraint_label, geos_reason

__all__ = ["message", "MESSAGES"]

#: Sentences by language and kind (the catalogue's ``qa.finding`` section); areas are filled in the chosen unit.
MESSAGES: dict[str, dict[str, str]] = {lang: table("qa.finding", lang) for lang in LANGS}
#: The kinds whose sentence holds an area or a count: re-worded for another unit in Chinese too.
_IN_UNITS = ("area_mismatch", "implausible_area", "quota_over", "quota_under", "category_not_in_plan",
             "constraint_overlap", "outside_constraint", "overlaps_parcel")
#: A share of a parcel below this is digitising noise, not a straddle (as :mod:`landgis.qa.checks` says).
_STRADDLE_SHARE = 0.001

_MAX_PARCEL_HA = 10_000.0


def _area(ha, unit: str, lang: str) -> str:
    return units.format_area(float(ha), unit, where="table", lang=lang)


def _share(value, lang: str) -> str:
    return f"{float(value) * 100:.1f}%"


def _category(name, lang: str) -> str:
    if isinstance(name, str):
        return category_name(name, lang)
    return "" if name is None else str(name)


def message(kind: str, figures: str | dict | None, recorded: str, *, township=None, category=None,
            unit: str = "ha", lang: str = "zh", found=None, pid=None) -> str:
    """A finding's sentence in ``lang`` with its areas in ``unit``.

    In Chinese it is the recorded sentence (re-worded only for the areas of another unit); in English it is
    made from the kind and the numbers recorded with it. A kind without a sentence, or whose numbers are
    missing, keeps the recorded sentence.

    Examples
    --------
    >>> figs = {"stated_ha": 2.0, "geometry_ha": 1.5, "difference_ha": 0.5, "relative": 0.3333, "tolerance": 0.05}
    >>> message("area_mismatch", figs, "…", unit="mu")
    '填报面积 30.00 亩 与图形面积 22.50 亩 相差 33.3%（容差 5.0%）'
    >>> message("area_mismatch", figs, "…", lang="en")
    'stated area 2.0000 ha differs from the drawn area 1.5000 ha by 33.3% (tolerance 5.0%)'
    >>> pair = {"overlap_m2": 1500.0, "relation": "partial", "other": "P2", "share": 0.3, "other_share": 0.1}
    >>> message("overlaps_parcel", pair, "…", unit="mu")
    '与地块 P2 部分重叠：重叠 1,500.0 平方米（2.25 亩），占本地块 30.0%、占对方 10.0%'
    >>> message("missing_township", None, "未填写所属乡镇", unit="mu")
    '未填写所属乡镇'
    >>> message("invalid_geometry", {"reason": "Self-intersection[650955.6312 2743662.4088]"}, "…", lang="en")
    'invalid geometry: self-intersection (650955.63, 2743662.41) (checked as repaired)'
    """
    unit = units.display_unit(unit)
    lang = "en" if lang == "en" else "zh"
    words = MESSAGES[lang]
    if lang == "zh" and (unit == "ha" or kind not in _IN_UNITS) or kind not in words and kind != "overlaps_parcel":
        return recorded
    try:
        f = json.loads(figures) if isinstance(figures, str) else dict(figures or {})
        values = _values(kind, f, unit, lang, township=township, category=category, found=found, pid=pid)
        if values is None:
            return recorded
        key = values.pop("key", kind)
        return text(f"qa.finding.{key}", lang, **values)
    except (KeyError, TypeError, ValueError):  # numbers missing or unreadable: the recorded words stand
        return recorded


def _values(kind: str, f: dict, unit: str, lang: str, **given) -> dict | None:
    """The fields of ``kind``'s sentence from its recorded numbers (``key``: another sentence of the kind)."""
    words = MESSAGES[lang]
    area = (lambda key: _area(f[key], unit, lang))
    township = "" if given["township"] is None else str(given["township"])
    values: dict = {"township": township, "category": _category(given["category"], lang)}
    if kind == "area_mismatch":
        values.update(stated=area("stated_ha"), geometry=area("geometry_ha"), relative=_share(f["relative"], lang),
                      tolerance=_share(f["tolerance"], lang))
    elif kind == "implausible_area":
        stated = float(f["stated_ha"])
        if not math.isfinite(stated):
            return None
        values.update(stated=_area(stated, unit, lang), max=_area(_MAX_PARCEL_HA, unit, lang))
    elif kind in ("quota_over", "quota_under", "category_not_in_plan"):
        n = int(f.get("n_parcels", 0) or 0)
        values["parcels"] = (words["parts"] if n == 0 and float(f.get("booked_ha", 0) or 0) > 0
                             else words["parcels"].format(n=n))
        values.update(booked=area("booked_ha"))
        if kind != "category_not_in_plan":
            diff = float(f["difference_ha"])
            values.update(allocated=area("allocated_ha"), difference=_area(diff, unit, lang),
                          remaining=_area(-diff, unit, lang))
    elif kind == "constraint_overlap":
        listed, n_features = list(f["features"]), int(f["n_features"])
        more = words["more"].format(n=n_features) if n_features > len(listed) else ""
        values.update(constraint=constraint_label(f["constraint"], lang), overlap=_area(float(f["overlap_m2"]) / 10_000, unit, lang),
                      share=_share(f["share"], lang), features=words["sep"].join(map(str, listed)) + more)
    elif kind == "outside_constraint":
        values.update(constraint=constraint_label(f["constraint"], lang), outside=_area(float(f["outside_m2"]) / 10_000, unit, lang),
                      share=_share(f["share_outside"], lang))
    elif kind == "invalid_geometry":
        values["reason"] = geos_reason(f["reason"], lang)
    elif kind == "partly_outside_county":
        values["share"] = _share(f["outside_share"], lang)
    elif kind == "straddles_townships":
        ranked = sorted(f["shares"].items(), key=lambda kv: -kv[1])
        values["shares"] = words["sep"].join(f"{k} {_share(v, lang)}" for k, v in ranked if v >= _STRADDLE_SHARE)
    elif kind in ("unknown_township", "unknown_category"):
        hint = [str(c) if kind == "unknown_township" else _category(c, lang) for c in f.get("candidates") or []]
        values.update(name=township if kind == "unknown_township" else str(given["category"]),
                      hint=words["did_you_mean"].format(items=words["sep"].join(hint)) if hint else "")
    elif kind == "township_mismatch":
        values.update(declared=township, found="" if given["found"] is None else str(given["found"]))
        if "share_found" in f:
            values.update(key="township_mismatch_shares", share_found=_share(f["share_found"], lang),
                          share_declared=_share(f["share_declared"], lang))
    elif kind == "unreadable_area":
        values["value"] = str(f["value"])
    elif kind in ("duplicate_id", "duplicate_geometry"):
        rows, n = [int(r) for r in f["input_rows"]], int(f["group_size"])
        values.update(pid="" if given["pid"] is None else str(given["pid"]), n=n,
                      where=words["sep"].join(map(str, rows)) + (words["rows_more"] if n > len(rows) else ""))
    elif kind == "overlaps_parcel":
        m2 = float(f["overlap_m2"])
        values["area"] = words["overlap_area"].format(m2=f"{m2:,.1f}", area=_area(m2 / 10_000, unit, lang))
        if "relation" not in f:  # one finding for a parcel overlapping many (its list in finding_groups.csv)
            if lang == "zh" and "shown" not in f:  # recorded before the parcels named were kept: words stand
                return None
            values.update(key="overlap_many", n=int(f["group_size"]), shown=words["sep"].join(f.get("shown", ())))
        else:
            values.update(key=f"overlap_{f['relation']}", other=str(f["other"]), share=_share(f["share"], lang),
                          other_share=_share(f["other_share"], lang))
    elif kind in ("swapped_coordinates", "gauss_kruger_as_degrees", "outside_china"):
        metres = kind == "gauss_kruger_as_degrees" or "crs" in f
        values.update(x=f"{float(f['x']):.{2 if metres else 5}f}", y=f"{float(f['y']):.{2 if metres else 5}f}")
        if "lon" in f:
            places = 4 if kind == "outside_china" else 5
            values.update(lon=f"{float(f['lon']):.{places}f}", lat=f"{float(f['lat']):.{places}f}")
        values["where"] = ("" if "township_if_corrected" not in f else
                           words["still_outside"] if f["township_if_corrected"] is None else
                           words["lands_in"].format(township=f["township_if_corrected"]))
        if kind == "gauss_kruger_as_degrees":
            values.update(epsg=f["epsg"], flipped=words["xy_swapped"] if f.get("xy_swapped") else "")
        if kind == "outside_china" and "crs" in f:
            values.update(key="outside_china_as", crs=f["crs"])
    return values
