"""Finding kinds: their severity, their order, and what they are called (Chinese and English).

Also :func:`finding`, the one place a finding record is made, so every check fills the same columns.
"""

from __future__ import annotations

import json
import math
import re

import numpy as np

from landgis.catalog import CATALOG, LANGS, table, text
from landgis.severity import SEVERITY_WORDS

__all__ = ["SEVERITIES", "SEVERITY_OF", "KIND_ORDER", "KIND_LABELS", "KIND_LABELS_EN", "SEVERITY_LABELS",
           "FINDING_COLUMNS", "GROUP_COLUMNS", "FINDING_HEADERS", "GROUP_HEADERS", "QUOTA_HEADERS",
           "QUOTA_STATUS", "CONSTRAINT_HEADERS", "EXECUTION_HEADERS", "EXECUTION_WORDS_EN", "SHEETS", "QA_NOTES", "GEOS_REASONS", "geos_reason", "kind_label",
           "finding", "to_json", "constraint_label"]

#: Severities, worst first. A parcel with no finding has ``worst_severity == "ok"``.
SEVERITIES: tuple[str, ...] = ("error", "warning", "info")

#: Columns of a findings table, in order.
FINDING_COLUMNS: tuple[str, ...] = (
    "row", "parcel_id", "kind", "severity", "message",
    "township_declared", "township_found", "category", "figures",
)

#: Columns of the list of duplicate groups (``finding_groups.csv``): one row per member of a group.
GROUP_COLUMNS: tuple[str, ...] = ("group", "kind", "group_size", "row", "parcel_id")

#: Severity of each kind of finding; the order of this mapping is the order findings are listed in.
SEVERITY_OF: dict[str, str] = {
    "missing_geometry": "error", "empty_geometry": "error", "invalid_geometry": "error",
    "duplicate_geometry": "warning", "overlaps_parcel": "warning", "duplicate_id": "error",
    "swapped_coordinates": "error", "gauss_kruger_as_degrees": "error", "outside_china": "error",
    "outside_county": "error", "partly_outside_county": "warning", "township_mismatch": "error",
    "straddles_townships": "warning", "unknown_township": "error", "missing_township": "warning",
    "unknown_category": "error", "missing_category": "warning", "area_mismatch": "warning",
    "unreadable_area": "warning", "implausible_area": "error", "quota_over": "error", "quota_under": "info", "category_not_in_plan": "error",
    "constraint_overlap": "error", "outside_constraint": "warning",
}
KIND_ORDER: dict[str, int] = {k: i for i, k in enumerate(SEVERITY_OF)}

#: How each kind of finding is called in Chinese (summaries, legends).
KIND_LABELS: dict[str, str] = table("kind", "zh")
#: The same in English (``--lang en``).
KIND_LABELS_EN: dict[str, str] = table("kind", "en")
#: Severities in Chinese.
SEVERITY_LABELS: dict[str, str] = SEVERITY_WORDS["zh"]


def constraint_label(name: str, lang: str) -> str:
    """A constraint layer's name as an output shows it: the user's name, with an English gloss for the three
    standard layers of 三区三线 in English.

    Examples
    --------
    >>> constraint_label("永久基本农田", "en")
    '永久基本农田 (permanent basic farmland)'
    >>> constraint_label("永久基本农田", "zh"), constraint_label("林地", "en")
    ('永久基本农田', '林地')
    """
    gloss = CATALOG.get(f"qa.constraint.gloss.{name}")
    if lang == "zh" or gloss is None:
        return name
    return text("qa.constraint.glossed", lang, name=name, gloss=text(f"qa.constraint.gloss.{name}", lang))


def to_json(obj) -> str:
    """``obj`` as JSON text: numpy numbers as numbers, NaN as null, Chinese kept readable.

    Examples
    --------
    >>> to_json({"share": np.float64(0.5), "n": np.int64(2), "x": float("nan")})
    '{"share": 0.5, "n": 2, "x": null}'
    """
    def clean(v):
        if isinstance(v, dict):
            return {str(k): clean(x) for k, x in v.items()}
        if isinstance(v, (list, tuple, np.ndarray)):
            return [clean(x) for x in v]
        if isinstance(v, (np.floating, float)):
            return None if not math.isfinite(float(v)) else round(float(v), 6)
        if isinstance(v, np.integer):
            return int(v)
        return v
    return json.dumps(clean(obj), ensure_ascii=False)


def finding(rows: list, row, pid, kind: str, message: str, *, declared=None, found=None, category=None,
            **figures) -> None:
    """Append one finding record (a dict with :data:`FINDING_COLUMNS`) to ``rows``.

    Examples
    --------
    >>> out = []
    >>> finding(out, 0, "P1", "missing_township", "未填写所属乡镇")
    >>> out[0]["severity"]
    'warning'
    """
    rows.append({"row": row, "parcel_id": pid, "kind": kind, "severity": SEVERITY_OF[kind],
                 "message": message, "township_declared": declared, "township_found": found,
                 "category": category, "figures": to_json(figures)})


#: Headers of the findings table as written (``findings.csv``/``.xlsx``), by language.
FINDING_HEADERS: dict[str, dict[str, str]] = {lang: table("qa.finding_headers", lang) for lang in LANGS}
#: Headers of the duplicate groups (``finding_groups.csv``), by language.
GROUP_HEADERS: dict[str, dict[str, str]] = {lang: table("qa.group_headers", lang) for lang in LANGS}
#: Headers of the quota table (``quota.csv``/``.xlsx``), by language; ``{u}`` is the unit, ``{left}`` what
#: was left out.
QUOTA_HEADERS: dict[str, dict[str, str]] = {lang: table("qa.quota_headers", lang) for lang in LANGS}
#: Quota status words, by language.
QUOTA_STATUS: dict[str, dict[str, str]] = {lang: table("qa.quota_status", lang) for lang in LANGS}
#: Headers of the constraint tables, by language; ``{u}`` is the unit.
CONSTRAINT_HEADERS: dict[str, dict[str, str]] = {lang: table("qa.constraint_headers", lang) for lang in LANGS}
#: Headers of the execution tables (``execution.csv``/``.xlsx``, 计划执行情况), by language; ``{u}`` is the unit.
EXECUTION_HEADERS: dict[str, dict[str, str]] = {lang: table("qa.execution_headers", lang) for lang in LANGS}
#: Supply methods and periods in English (the Chinese are the canonical names, :mod:`landgis.plan.splits`).
EXECUTION_WORDS_EN: dict[str, str] = table("execution_word", "en")
#: Sheet names of the QA workbooks, by language.
SHEETS: dict[str, dict[str, str]] = {lang: table("qa.sheets", lang) for lang in LANGS}
#: The other words of the QA files, by language.
QA_NOTES: dict[str, dict[str, str]] = {lang: table("qa.qa_notes", lang) for lang in LANGS}
#: Why a parcel counts nowhere in the quota, in English (the Chinese is :data:`landgis.qa.quota.LEFT_OUT_REASONS`).
LEFT_OUT_REASONS_EN: dict[str, str] = table("qa.left_out", "en")

#: GEOS's reasons for an invalid geometry (:func:`shapely.is_valid_reason`), in Chinese (the catalogue's
#: ``geos`` section, keyed by GEOS's English).
GEOS_REASONS: dict[str, str] = table("geos", "zh")
_GEOS_REASON = re.compile(r"^\s*(?P<what>[^\[]+?)\s*(?:\[(?P<x>\S+)\s+(?P<y>\S+)\])?\s*$")


def _coordinate(text: str) -> str:
    try:
        value = float(text)
    except ValueError:
        return text
    if not math.isfinite(value):
        return text
    if abs(value) >= 360:  # projected metres: to the centimetre
        return f"{value:.2f}"
    return f"{value:.7f}".rstrip("0").rstrip(".")  # degrees: about a centimetre too


def geos_reason(reason: str, lang: str = "zh") -> str:
    """GEOS's reason for an invalid geometry in ``lang`` (Chinese by default), with the point's coordinates.

    An unknown reason is kept as GEOS gave it.

    Examples
    --------
    >>> geos_reason("Self-intersection[650955.6312 2743662.4088]")
    '自相交 (650955.63, 2743662.41)'
    >>> geos_reason("Holes are nested[112.3866712 24.9172]", "en")
    'holes are nested (112.3866712, 24.9172)'
    """
    m = _GEOS_REASON.match(str(reason))
    if not m or m["what"] not in GEOS_REASONS:
        return str(reason)
    where = f" ({_coordinate(m['x'])}, {_coordinate(m['y'])})" if m["x"] is not None else ""
    return text(f"geos.{m['what']}", lang) + where


def kind_label(kind: str, lang: str = "zh") -> str:
    """What a kind of finding is called in ``lang``; an unknown kind is kept.

    Examples
    --------
    >>> kind_label("outside_county"), kind_label("outside_county", "en")
    ('位于县界外', 'outside the county')
    """
    return (KIND_LABELS_EN if lang == "en" else KIND_LABELS).get(kind, kind)
