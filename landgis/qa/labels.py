"""Finding kinds: their severity, their order, and what they are called (Chinese and English).

Also :func:`finding`, the one place a finding record is made, so every check fills the same columns.
"""

from __future__ import annotations

import json
import math

import numpy as np

from landgis.severity import SEVERITY_WORDS

__all__ = ["SEVERITIES", "SEVERITY_OF", "KIND_ORDER", "KIND_LABELS", "KIND_LABELS_EN", "SEVERITY_LABELS",
           "FINDING_COLUMNS", "GROUP_COLUMNS", "finding", "to_json"]

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
KIND_LABELS: dict[str, str] = {
    "missing_geometry": "缺少几何", "empty_geometry": "几何为空", "invalid_geometry": "几何无效",
    "duplicate_geometry": "几何重复", "overlaps_parcel": "与其他地块重叠", "duplicate_id": "编号重复",
    "swapped_coordinates": "经纬度颠倒", "gauss_kruger_as_degrees": "投影坐标当作经纬度",
    "outside_china": "坐标不在中国境内", "outside_county": "位于县界外", "partly_outside_county": "部分位于县界外",
    "township_mismatch": "所在乡镇与申报不符", "straddles_townships": "跨乡镇界线",
    "unknown_township": "乡镇名称无法识别", "missing_township": "未填乡镇", "unknown_category": "用地类型无法识别",
    "missing_category": "未填用地类型", "area_mismatch": "面积不符", "unreadable_area": "面积不是数字",
    "implausible_area": "面积不合理", "quota_over": "超出计划指标", "quota_under": "计划指标未用足", "category_not_in_plan": "计划未安排该类用地",
    "constraint_overlap": "占用管控区（三区三线）", "outside_constraint": "位于管控边界外",
}
#: The same in English (``--lang en``).
KIND_LABELS_EN: dict[str, str] = {
    "missing_geometry": "missing geometry", "empty_geometry": "empty geometry",
    "invalid_geometry": "invalid geometry", "duplicate_geometry": "duplicate geometry",
    "overlaps_parcel": "overlaps another parcel", "duplicate_id": "duplicate id",
    "swapped_coordinates": "swapped coordinates", "gauss_kruger_as_degrees": "Gauss-Krüger metres read as degrees",
    "outside_china": "outside China", "outside_county": "outside the county",
    "partly_outside_county": "partly outside the county", "township_mismatch": "in another township",
    "straddles_townships": "straddles townships", "unknown_township": "unknown township",
    "missing_township": "no township", "unknown_category": "unknown category", "missing_category": "no category",
    "area_mismatch": "area mismatch", "unreadable_area": "area not a number",
    "implausible_area": "implausible area", "quota_over": "over the quota",
    "quota_under": "quota not used up", "category_not_in_plan": "category not in the plan",
    "constraint_overlap": "overlaps a constraint layer", "outside_constraint": "outside a boundary layer",
}
#: Severities in Chinese.
SEVERITY_LABELS: dict[str, str] = SEVERITY_WORDS["zh"]


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
