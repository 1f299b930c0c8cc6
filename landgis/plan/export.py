"""Outputs of a parsed plan: the township × category table as text, CSV or XLSX, and JSON.

Figures stay exact: JSON numbers are written from the Decimal's digits (never through float), CSV
cells likewise; XLSX cells are numbers (Excel holds doubles) with the exact text shown.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from decimal import Decimal
from pathlib import Path

import pandas as pd

from landgis.catalog import CATALOG, message, text
from landgis.errors import InputError
from landgis.files import csv_cell, sheet_text, write_bytes, write_workbook
from landgis.plan.ledger import ROLES
from landgis.plan.model import NO_TOTAL_ROW, Finding, Plan
from landgis.severity import severity_word
from landgis.units import format_decimal, to_unit, unit_key, unit_label

# openpyxl is imported inside functions: only an .xlsx plan table needs it (issue 23: the atlas's drawing
# workers fork from a process without it).
__all__ = ["plan_table", "format_plan_table", "format_findings", "format_ledger", "plan_to_dict", "plan_to_json", "write_plan_table", "write_atomic"]


def plan_table(plan: Plan, unit: str = "ha") -> pd.DataFrame:
    """The township × category table in ``unit`` (Decimal cells): see :meth:`Plan.table`."""
    return plan.table(unit)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool) -> str:
    fill = " " * max(0, width - _width(text))
    return fill + text if right else text + fill


#: The rows :meth:`Plan.table` puts below the townships, by their catalogue key.
_TABLE_ROWS = {"乡镇合计": "plan_table.placed", "计划总量": "plan_table.stated", NO_TOTAL_ROW: "plan_table.no_total"}


def format_plan_table(plan: Plan, unit: str = "ha", lang: str = "zh") -> str:
    """The table as aligned text for a terminal ('-' where a township has none of a category); its own words
    (the township column, 合计, the rows below the townships) in ``lang``, the plan's names as written.

    Examples
    --------
    >>> from landgis.plan import SEED_PLAN, parse_plan
    >>> print(format_plan_table(parse_plan(SEED_PLAN), lang="en").splitlines()[0][:8])
    Township
    """
    df = plan_table(plan, unit)
    columns, names = _said(df, lang)
    header = [text("plan_table.township", lang), *columns]
    body = [[name, *(format_decimal(v) if v != 0 else "-" for v in row)]
            for name, row in zip(names, df.itertuples(index=False))]
    widths = [max(_width(r[k]) for r in [header, *body]) for k in range(len(header))]
    lines = ["  ".join(_pad(c, w, k > 0) for k, (c, w) in enumerate(zip(header, widths)))]
    lines.append("  ".join("-" * w for w in widths))
    for k, r in enumerate(body):
        if k == len(body) - 2:  # above 乡镇合计 and 计划总量
            lines.append("  ".join("-" * w for w in widths))
        lines.append("  ".join(_pad(c, w, j > 0) for j, (c, w) in enumerate(zip(r, widths))))
    return "\n".join(lines)


def _said(df: pd.DataFrame, lang: str) -> tuple[list[str], list[str]]:
    """The table's column names and row names in ``lang``: its own words (合计, the two rows below the
    townships) the catalogue's, the plan's categories and townships as written."""
    n = len(df.index)
    names = [text(_TABLE_ROWS[idx], lang) if k >= n - 2 and idx in _TABLE_ROWS else str(idx)
             for k, idx in enumerate(df.index)]
    return [*map(str, df.columns[:-1]), text("plan_table.total", lang)], names


def format_findings(plan: Plan, findings: list[Finding], lang: str = "zh", unit: str | None = None) -> str:
    """The figure count and the findings, numbered, as a planner reads them.

    「各项数字相符」 only when every figure was placed and nothing is to be checked (提示 aside).

    Examples
    --------
    >>> from landgis.plan import SEED_PLAN, parse_plan, reconcile
    >>> plan = parse_plan(SEED_PLAN)
    >>> print(format_findings(plan, reconcile(plan)).splitlines()[0])
    共读到44个面积数字：计入计划44个，未计入0个，未归类0个。
    """
    n = plan.figure_counts
    lines = [text("plan.figure_counts", lang, **n)]
    warnings = [f for f in findings if f.severity != "info"]
    lines.append(text("plan.check_ok" if not warnings and n["unplaced"] == 0 else "plan.check", lang))
    for k, f in enumerate(findings, 1):
        lines.append(f"{k}. [{severity_word(f.severity, lang)}] {f.text(lang, unit)}")
    return "\n".join(lines)


def format_ledger(plan: Plan, lang: str = "zh") -> str:
    """Every area figure of the text, one per line: 行号、数字、去向、说明、原文; the ledger's words (header,
    roles, reasons) in ``lang``, the plan's own names, figures and text as written.

    Examples
    --------
    >>> from landgis.plan import SEED_PLAN, parse_plan
    >>> format_ledger(parse_plan(SEED_PLAN), "en").splitlines()[1].split()[:4]
    ['21', '158.1793169公顷', 'total', 'the']
    """
    out = [text("ledger.header", lang)]
    if plan.ledger is None:
        return out[0]
    role_width = max(len(text(f"ledger.role.{r}", "en")) for r in ROLES) if lang == "en" else 8
    sep = text("ledger.note_sep", lang)
    for r in plan.ledger.itertuples():
        role, what, why = _ledger_words(r, lang)
        what = what if r.role not in ("set_aside", "unplaced") else ""
        note = sep.join(x for x in (what, why) if x)
        out.append(f"{r.line:>5}  {r.figure:<16} {role:<{role_width}} {note}  {text('ledger.quote', lang, context=r.context)}")
    return "\n".join(out)


def _ledger_words(row, lang: str) -> tuple[str, str, str]:
    """A ledger row's role, what and reason in ``lang`` (the frame holds both languages)."""
    if lang == "en":
        return row.role_en, row.what_en, row.reason_en
    return row.role_zh, row.what, row.reason


def _num(value: Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _finding_dict(f: Finding) -> dict:
    return {
        "kind": f.kind,
        "severity": f.severity,
        "message": f.message,
        "township": f.township,
        "category": f.category,
        "stated_ha": _num(f.stated_ha),
        "computed_ha": _num(f.computed_ha),
        "difference_ha": _num(f.difference_ha),
        "message_en": f.message_en,
        "line": f.line,
    }


def _township_sums(plan: Plan) -> dict[str, Decimal]:
    """Every township's categories added up (a sum, never the plan's stated total)."""
    sums: dict[str, Decimal] = {}
    for r in plan.allocations.itertuples():
        sums[r.township] = sums.get(r.township, Decimal(0)) + Decimal(r.hectares_exact)
    return {t: sums[t] for t in plan.townships if t in sums}


def _ledger_records(plan: Plan) -> list[dict]:
    if plan.ledger is None:
        return []
    return [{"line": int(r.line), "figure": r.figure, "value": _num(r.value), "unit": r.unit,
             "hectares": _num(r.hectares), "role": r.role, "what": r.what, "reason": r.reason, "text": r.text, "context": r.context,
             "what_en": r.what_en, "reason_en": r.reason_en}
            for r in plan.ledger.itertuples()]


def plan_to_dict(plan: Plan, findings: list[Finding] | None = None, unit: str = "ha") -> dict:
    """The plan as plain data (Decimal figures), for JSON.

    ``allocations`` carry ``hectares`` plus the figure as printed (``value``, ``unit``) and, when
    ``unit`` is not ha, ``amount`` in that unit. ``stated_total_ha`` is the total the text states (None
    where it states none: ``total_stated`` is then false); ``township_totals_ha`` is each township's
    stated total, else the sum of its categories, and none where the text lost a figure of it
    (:meth:`Plan.is_damaged`) (``township_totals_stated`` names the stated ones,
    ``township_sums_ha`` gives the sums).
    """
    key = unit_key(unit)
    sums = _township_sums(plan)
    allocations = []
    for r in plan.allocations.itertuples():
        item = {"township": r.township, "category": r.category, "category_code": r.category_code,
                "hectares": Decimal(r.hectares_exact), "value": Decimal(r.value), "value_unit": r.unit}
        if key != "ha":
            item["amount"] = to_unit(r.hectares_exact, key)
        allocations.append(item)
    out = {
        "place": plan.place,
        "year": plan.year,
        "unit": plan.unit,
        "category_system": plan.category_system,
        "source": plan.source,
        "allocations": allocations,
        "stated_total_ha": plan.stated_total_ha,
        "structure_ha": dict(plan.structure_ha),
        "township_totals_ha": {t: plan.township_totals_ha.get(t, sums.get(t, Decimal(0))) for t in plan.townships
                               if t in plan.township_totals_ha or not plan.is_damaged(t)},  # lost: no sum for it
        "township_totals_stated": [t for t in plan.townships if t in plan.township_totals_ha],
        "township_sums_ha": sums,
        "total_stated": plan.stated_total_ha is not None,
        "no_supply": list(plan.no_supply),
        "unknown_categories": list(plan.unknown_categories),
        "groups_ha": dict(plan.groups_ha),
        "sub_items_ha": [{"scope": sc, "parent": p, "name": n, "ha": h} for sc, p, n, h in plan.sub_items],
        "methods_ha": dict(plan.methods_ha),
        "schedule_ha": dict(plan.schedule_ha),
        "figures": plan.figure_counts,
        "findings": [_finding_dict(f) for f in (findings or [])],
        "ledger": _ledger_records(plan),
    }
    if key != "ha":
        out["amount_unit"] = unit_label(key)
    return out


def _dumps(obj, indent: int, level: int = 0) -> str:
    """json.dumps that writes Decimals as JSON numbers from their digits."""
    pad, inner = " " * (indent * level), " " * (indent * (level + 1))
    if isinstance(obj, Decimal):
        return format_decimal(obj)
    if isinstance(obj, dict):
        if not obj:
            return "{}"
        items = [f"{inner}{json.dumps(str(k), ensure_ascii=False)}: {_dumps(v, indent, level + 1)}"
                 for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(obj, (list, tuple)):
        if not obj:
            return "[]"
        return "[\n" + ",\n".join(inner + _dumps(v, indent, level + 1) for v in obj) + "\n" + pad + "]"
    return json.dumps(obj, ensure_ascii=False)


def plan_to_json(plan: Plan, findings: list[Finding] | None = None, unit: str = "ha", indent: int = 2,
                 county: dict | None = None) -> str:
    """The plan and its findings as JSON text (exact numbers), led by the county (code, name) when given."""
    data = plan_to_dict(plan, findings, unit)
    return _dumps({"county": county, **data} if county else data, indent)


def write_atomic(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` completely or not at all (temp file in the same folder, then replace)."""
    path = Path(path)
    if not path.parent.exists():
        raise InputError(message("{path}: the folder {parent} does not exist", path=path, parent=path.parent))
    return write_bytes(path, data)


def write_plan_table(plan: Plan, path: str | Path, unit: str = "ha",
                     findings: list[Finding] | None = None, lang: str = "zh") -> Path:
    """Write the township × category table to ``.csv`` (UTF-8 with BOM, for Excel) or ``.xlsx``.

    The XLSX has a second sheet 核对结果 with the findings, and a third with the ledger of area figures.
    The files' own words (sheet names, headers, 合计, findings, the ledger's roles and reasons) are in
    ``lang``; the plan's own names, figures and text as written.

    Raises
    ------
    InputError
        For another file suffix, or a folder that does not exist.
    """
    path = Path(path)
    df = plan_table(plan, unit)
    label = unit_label(unit) if lang != "en" else text(f"unit.{unit_key(unit)}", lang)
    columns, names = _said(df, lang)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")  # CRLF, as Excel and the atlas's CSV files have
        w.writerow([text("plan_table.csv_head", lang, label=label), *map(csv_cell, columns)])
        for name, row in zip(names, df.itertuples(index=False)):
            w.writerow([csv_cell(name), *(format_decimal(v) for v in row)])
        return write_atomic(path, buf.getvalue().encode("utf-8-sig"))
    if suffix == ".xlsx":
        from openpyxl import Workbook

        wb = Workbook()
        ws = wb.active
        ws.title = text("plan_table.sheet", lang)
        _append(ws, [text("plan_table.title", lang, place=plan.place or "", year=plan.year or "", label=label).strip()])
        _append(ws, [text("plan_table.township", lang), *columns])
        for name, row in zip(names, df.itertuples(index=False)):
            _append(ws, [name, *(float(format_decimal(v)) for v in row)])
        ws2 = wb.create_sheet(text("plan_table.findings_sheet", lang))
        _append(ws2, [text(f"plan_table.col.{c}", lang) for c in _FINDING_COLUMNS])
        for f in findings or []:
            kind = text(f"plan_kind.{f.kind}", lang) if f"plan_kind.{f.kind}" in CATALOG else f.kind
            _append(ws2, [kind, f.text(lang, unit), severity_word(f.severity, lang), f.township, f.category,
                      *(None if v is None else float(format_decimal(v))
                        for v in (f.stated_ha, f.computed_ha, f.difference_ha))])
        ws3 = wb.create_sheet(text("ledger.sheet", lang))
        _append(ws3, [text(f"ledger.col.{c}", lang) for c in _LEDGER_COLUMNS])
        for r in (plan.ledger.itertuples() if plan.ledger is not None else []):
            _append(ws3, [int(r.line), r.figure, _float(r.value), r.unit, _float(r.hectares), *_ledger_words(r, lang),
                          r.context, r.text])
        ws.freeze_panes = "A3"  # the title and the header row
        if not path.parent.exists():
            raise InputError(message("{path}: the folder {parent} does not exist", path=path, parent=path.parent))
        return write_workbook(wb, path)  # text stays text (never a formula), widths fit, numbers formatted
    raise InputError(message("{path}: cannot write a {suffix} file; use .csv or .xlsx", path=path, suffix=suffix or 'suffix-less'))


#: The columns of the workbook's findings sheet (``plan_table.col.<name>`` in the catalogue).
_FINDING_COLUMNS = ("kind", "message", "severity", "township", "category", "stated", "computed", "difference")
#: The columns of the workbook's ledger sheet (``ledger.col.<name>`` in the catalogue).
_LEDGER_COLUMNS = ("line", "figure", "value", "unit", "hectares", "role", "what", "reason", "context", "text")


def _append(ws, values) -> None:
    """Append a row to an openpyxl sheet, text with control characters escaped (a workbook cannot hold them)."""
    ws.append([sheet_text(v) if isinstance(v, str) else v for v in values])
