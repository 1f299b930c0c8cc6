"""Finding kinds: their severity, their order, and what they are called (Chinese and English).

Also :func:`finding`, the one place a finding record is made, so every check fills the same columns.
"""

from __future__ import annotations

import json
import math
import re

import numpy as np

from landgis.severity import SEVERITY_WORDS

__all__ = ["SEVERITIES", "SEVERITY_OF", "KIND_ORDER", "KIND_LABELS", "KIND_LABELS_EN", "SEVERITY_LABELS",
           "FINDING_COLUMNS", "GROUP_COLUMNS", "FINDING_HEADERS", "GROUP_HEADERS", "QUOTA_HEADERS",
           "QUOTA_STATUS", "CONSTRAINT_HEADERS", "EXECUTION_HEADERS", "EXECUTION_WORDS_EN", "SHEETS", "QA_NOTES", "GEOS_REASONS", "geos_reason", "kind_label",
           "finding", "to_json"]

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


#: Headers of the findings table as written (``findings.csv``/``.xlsx``), by language.
FINDING_HEADERS: dict[str, dict[str, str]] = {
    "zh": {"row": "行号", "parcel_id": "地块编号", "kind": "类型", "severity": "严重程度", "message": "说明",
           "township_declared": "申报乡镇", "township_found": "所在乡镇", "category": "用地类型",
           "figures": "数据", "kind_code": "类型代码", "count": "条数", "note": "备注"},
    "en": {"row": "input_row", "parcel_id": "parcel_id", "kind": "kind", "severity": "severity",
           "message": "message", "township_declared": "township_declared", "township_found": "township_found",
           "category": "category", "figures": "figures", "kind_code": "kind_code", "count": "count", "note": "note"},
}
#: Headers of the duplicate groups (``finding_groups.csv``), by language.
GROUP_HEADERS: dict[str, dict[str, str]] = {
    "zh": {"group": "重复组", "kind": "类型", "group_size": "组内地块数", "row": "行号", "parcel_id": "地块编号"},
    "en": {"group": "group", "kind": "kind", "group_size": "group_size", "row": "input_row", "parcel_id": "parcel_id"},
}
#: Headers of the quota table (``quota.csv``/``.xlsx``), by language; ``{u}`` is the unit, ``{left}`` what
#: was left out.
QUOTA_HEADERS: dict[str, dict[str, str]] = {
    "zh": {"township": "乡镇", "category": "用地类型", "category_code": "类型代码", "allocated_ha": "计划面积（{u}）",
           "booked_ha": "落地面积（{u}，按地块实际所在乡镇与图形面积）", "difference_ha": "差额（{u}，落地−计划）",
           "used_share": "使用比例", "n_parcels": "地块数（按所在乡镇；{left}）",
           "declared_ha": "申报面积（{u}，按申报乡镇与申报面积）", "n_declared": "申报地块数", "status": "状态"},
    "en": {"township": "township", "category": "category", "category_code": "category_code",
           "allocated_ha": "allocated ({u})", "booked_ha": "booked ({u}, where parcels lie, drawn area)",
           "difference_ha": "difference ({u}, booked − allocated)", "used_share": "used share",
           "n_parcels": "parcels (where they lie; {left})", "declared_ha": "declared ({u}, declared township and area)",
           "n_declared": "parcels declared", "status": "status"},
}
#: Quota status words, by language.
QUOTA_STATUS: dict[str, dict[str, str]] = {
    "zh": {"over": "超出", "under": "未用足", "full": "持平", "not_in_plan": "计划外"},
    "en": {"over": "over", "under": "under", "full": "full", "not_in_plan": "not in the plan"},
}
#: Headers of the constraint tables, by language; ``{u}`` is the unit.
CONSTRAINT_HEADERS: dict[str, dict[str, str]] = {
    "zh": {"row": "行号", "parcel_id": "地块编号", "constraint": "管控图层", "overlap_m2": "重叠面积（{u}）",
           "share": "重叠占地块面积比例", "outside_m2": "图层外面积（{u}）", "features": "涉及图斑",
           "township_found": "所在乡镇", "category": "用地类型", "parcels_overlapping": "重叠地块数",
           "parcels_outside": "图层外地块数"},
    "en": {"row": "input_row", "parcel_id": "parcel_id", "constraint": "constraint layer",
           "overlap_m2": "overlap ({u})", "share": "share of the parcel", "outside_m2": "outside the layer ({u})",
           "features": "features", "township_found": "township", "category": "category",
           "parcels_overlapping": "parcels overlapping", "parcels_outside": "parcels outside"},
}
#: Headers of the execution tables (``execution.csv``/``.xlsx``, 计划执行情况), by language; ``{u}`` is the unit.
EXECUTION_HEADERS: dict[str, dict[str, str]] = {
    "zh": {"table": "统计项", "township": "乡镇", "category": "用地类型", "period": "时段", "method": "供应方式",
           "planned_ha": "计划面积（{u}）", "supplied_ha": "已供应面积（{u}）", "rate": "执行率",
           "n_parcels": "已供应地块数", "cells": "分乡镇分类", "periods": "分时段", "methods": "分供应方式",
           "total": "合计", "not_given": "计划未列", "note": "说明"},
    "en": {"table": "table", "township": "township", "category": "category", "period": "period",
           "method": "supply method", "planned_ha": "planned ({u})", "supplied_ha": "supplied ({u})",
           "rate": "rate", "n_parcels": "parcels supplied", "cells": "by township and category",
           "periods": "by period", "methods": "by method", "total": "total", "not_given": "not in the plan",
           "note": "note"},
}
#: Supply methods and periods in English (the Chinese are the canonical names, :mod:`landgis.plan.splits`).
EXECUTION_WORDS_EN: dict[str, str] = {
    "出让": "transfer (出让)", "划拨": "allocation (划拨)", "租赁": "lease (租赁)", "作价出资": "capital contribution (作价出资)",
    "授权经营": "authorised operation (授权经营)", "（未填供应方式）": "(no method given)",
    "第一季度": "Q1", "第二季度": "Q2", "第三季度": "Q3", "第四季度": "Q4", "上半年": "first half", "下半年": "second half",
    "计划时序以外": "outside the plan's schedule",
}
#: Sheet names of the QA workbooks, by language.
SHEETS: dict[str, dict[str, str]] = {
    "zh": {"findings": "问题清单", "by_kind": "问题统计", "quota_note": "说明", "quota": "配额核对",
           "constraints": "管控图层核对", "constraints_by_township": "分乡镇管控核对",
           "execution_note": "执行情况说明", "execution": "计划执行情况"},
    "en": {"findings": "findings", "by_kind": "findings by kind", "quota_note": "basis", "quota": "quota",
           "constraints": "constraints", "constraints_by_township": "constraints by township",
           "execution_note": "execution basis", "execution": "plan execution"},
}
#: The other words of the QA files, by language.
QA_NOTES: dict[str, dict[str, str]] = {
    "zh": {"item": "项目", "note": "说明", "basis": "统计口径", "left_out": "未计入地块", "unit": "面积单位",
           "left_n": "未计入 {n} 宗", "left_sep": "：", "left_part": "{reason} {n} 宗", "join": "，",
           "too_many": "共 {n} 条问题，超过 {max} 条，明细见 {where}"},
    "en": {"item": "item", "note": "note", "basis": "basis", "left_out": "parcels left out", "unit": "unit of area",
           "left_n": "{n} left out", "left_sep": ": ", "left_part": "{reason} {n}", "join": ", ",
           "too_many": "{n} findings, more than {max}; all of them are in {where}"},
}
#: Why a parcel counts nowhere in the quota, in English (the Chinese is :data:`landgis.qa.quota.LEFT_OUT_REASONS`).
LEFT_OUT_REASONS_EN: dict[str, str] = {"outside": "outside the county", "no_geometry": "no usable geometry",
                                       "duplicate": "duplicate (same geometry, second and later)"}

#: GEOS's reasons for an invalid geometry (:func:`shapely.is_valid_reason`), in Chinese.
GEOS_REASONS: dict[str, str] = {
    "Self-intersection": "自相交",
    "Ring Self-intersection": "环自相交",
    "Hole lies outside shell": "内环位于外环之外",
    "Holes are nested": "内环相互嵌套",
    "Interior is disconnected": "内部不连通",
    "Nested shells": "外环相互嵌套",
    "Duplicate Rings": "环重复",
    "Too few points in geometry component": "点数过少",
    "Too few distinct points in geometry component": "不同的点数过少",
    "Invalid Coordinate": "坐标无效",
    "Ring is not closed": "环未闭合",
    "Repeated Point": "重复点",
    "Topology Validation Error": "拓扑错误",
}
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


def geos_reason(reason: str) -> str:
    """GEOS's reason for an invalid geometry in Chinese, with the point's coordinates.

    An unknown reason is kept as GEOS gave it.

    Examples
    --------
    >>> geos_reason("Self-intersection[650955.6312 2743662.4088]")
    '自相交 (650955.63, 2743662.41)'
    >>> geos_reason("Holes are nested[112.3866712 24.9172]")
    '内环相互嵌套 (112.3866712, 24.9172)'
    """
    m = _GEOS_REASON.match(str(reason))
    if not m or m["what"] not in GEOS_REASONS:
        return str(reason)
    where = f" ({_coordinate(m['x'])}, {_coordinate(m['y'])})" if m["x"] is not None else ""
    return GEOS_REASONS[m["what"]] + where


def kind_label(kind: str, lang: str = "zh") -> str:
    """What a kind of finding is called in ``lang``; an unknown kind is kept.

    Examples
    --------
    >>> kind_label("outside_county"), kind_label("outside_county", "en")
    ('位于县界外', 'outside the county')
    """
    return (KIND_LABELS_EN if lang == "en" else KIND_LABELS).get(kind, kind)
