"""What QA found (:class:`QAResult`), how it is put together, written and summarised.

:func:`write_qa` writes tables and the GeoPackage only; the QA map is drawn by
:func:`landgis.render.qa_map.write_qa_map` (QA does not draw).
"""

from __future__ import annotations

import json
import math
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import CRS

from landgis.catalog import LANGS, table, text
from landgis.extras import lazy
from landgis.files import atomic_path, csv_bytes, write_csv, write_xlsx
from landgis.qa.across import group_overlaps
from landgis.qa.execution import execution_table, rate_text
from landgis.qa.labels import (
    CONSTRAINT_HEADERS,
    EXECUTION_HEADERS,
    FINDING_COLUMNS,
    FINDING_HEADERS,
    GROUP_HEADERS,
    LEFT_OUT_REASONS_EN,
    QA_NOTES,
    QUOTA_HEADERS,
    QUOTA_STATUS,
    SHEETS,
    kind_label,
    GROUP_COLUMNS,
    KIND_LABELS,
    KIND_LABELS_EN,
    KIND_ORDER,
    SEVERITIES,
    SEVERITY_OF,
)
from landgis.qa.quota import BASIS, BASIS_EN, LEFT_OUT_REASONS, QUOTA_COLUMNS
from landgis.qa.messages import message
from landgis.severity import SEVERITY_WORDS
from landgis.units import PRECISION, UNIT_LABELS, UNIT_LABELS_EN, factor, format_area, unit_key

pa = lazy("pyarrow")  # the parquet extra: imported when Parquet is read or written
pq = lazy("pyarrow.parquet")

__all__ = ["QAResult", "ADDED_COLUMNS", "FINDING_COLUMNS", "QUOTA_COLUMNS", "assemble", "write_qa",
           "format_summary"]

#: Columns :func:`landgis.qa.qa` adds to every parcel.
ADDED_COLUMNS = ("qa_row", "parcel_id", "township_found", "area_ha", "n_findings", "worst_severity",
                 "finding_kinds")


@dataclass
class QAResult:
    """What :func:`landgis.qa.qa` found.

    Attributes
    ----------
    parcels : geopandas.GeoDataFrame
        Every input row, in input order, with the input columns kept and these added:
        ``qa_row`` (int, 0-based input row), ``parcel_id`` (str: the id field, or ``"#<row+1>"``),
        ``township_found`` (str or None: the township containing the point, or holding the
        largest share of the polygon), ``area_ha`` (float: geometry area in an equal-area projection,
        NaN for points/no geometry), ``n_findings`` (int), ``worst_severity`` (``"error"``,
        ``"warning"``, ``"info"`` or ``"ok"``) and ``finding_kinds`` (str, kinds joined by ``","``).
        Geometry in EPSG:4326 (rows without a usable geometry keep None).
    findings : pandas.DataFrame
        One row per finding, columns :data:`FINDING_COLUMNS`: ``row`` (input row, <NA> for quota
        findings), ``parcel_id`` (None for quota findings), ``kind``, ``severity``, ``message``
        (Chinese, one sentence with the figures), ``township_declared``, ``township_found``,
        ``category``, and ``figures`` (JSON text: the numbers behind the message, e.g.
        ``{"shares": {"甲镇": 0.62, "乙镇": 0.38}}``). Kinds: :data:`landgis.qa.labels.SEVERITY_OF`.
    quota : pandas.DataFrame
        One row per (township, category) of the plan or of the parcels, columns
        :data:`QUOTA_COLUMNS`; ``status`` is ``"over"``, ``"under"``, ``"full"`` or ``"not_in_plan"``.
    summary : dict
        ``n_parcels``, ``n_with_findings``, ``n_ok``, ``by_severity`` {severity: count of findings},
        ``by_kind`` {kind: count}, ``booked_ha``, ``allocated_ha`` (what the plan places in townships,
        乡镇合计 of :mod:`landgis.figures`), ``engine``, ``source``, ``plan`` (its source) and
        ``source_crs`` (the parcels' CRS as read, e.g. ``"EPSG:4490"``).
    townships : geopandas.GeoDataFrame
        The township layer the parcels were checked against (for maps).
    fields : dict
        The input columns used: ``id``, ``township``, ``category``, ``area`` and ``area_unit``.
    groups : pandas.DataFrame
        Every member of every group of duplicates (same id, same geometry), columns
        :data:`landgis.qa.labels.GROUP_COLUMNS`: ``group`` (``"<kind>:<first input row, 1-based>"``,
        the one finding of the group sits on that row), ``kind``, ``group_size``, ``row`` (0-based
        input row) and ``parcel_id``. A dask DataFrame with ``engine="dask"``.
    constraints : pandas.DataFrame or None
        With constraint layers: per parcel and layer, the overlap and its share
        (:data:`landgis.qa.constraints.CONSTRAINT_COLUMNS`).
    constraints_by_township : pandas.DataFrame or None
        The same added up per township (where the parcels lie) × layer.
    constraint_layers : dict or None
        The constraint layers checked against, ``{name: GeoDataFrame}`` (drawn by the QA map).
    execution : landgis.qa.execution.Execution or None
        The plan's execution (计划执行情况) where the parcels carry a supply date or method and a plan
        was given (local engine).
    """

    parcels: gpd.GeoDataFrame
    findings: pd.DataFrame
    quota: pd.DataFrame
    summary: dict
    townships: gpd.GeoDataFrame | None = None
    fields: dict = field(default_factory=dict)
    groups: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(GROUP_COLUMNS)))
    constraints: pd.DataFrame | None = None
    constraints_by_township: pd.DataFrame | None = None
    constraint_layers: dict | None = None
    execution: object | None = None

    def has(self, severity: str) -> bool:
        """Whether a finding of ``severity`` or worse exists (``"error"`` or ``"warning"``)."""
        worst = SEVERITIES[: SEVERITIES.index(severity) + 1]
        return any(self.summary["by_severity"].get(s, 0) for s in worst)


def sort_findings(fdf: pd.DataFrame, after: int) -> pd.DataFrame:
    """Findings by input row (quota findings, row <NA>, after ``after``), then kind, then the other parcel.

    The order is the same whichever engine found them (overlaps by the other parcel's row).
    """
    fdf = fdf.copy()
    fdf["row"] = fdf["row"].astype("Int64")
    order = fdf["kind"].map(KIND_ORDER)
    other = np.zeros(len(fdf), dtype=np.int64)
    ov = (fdf["kind"] == "overlaps_parcel").to_numpy()
    other[ov] = [json.loads(f).get("other_row", 0) for f in fdf["figures"].to_numpy()[ov]]
    return fdf.assign(_o=order, _r=fdf["row"].fillna(after), _p=other).sort_values(
        ["_r", "_o", "_p"], kind="stable").drop(columns=["_o", "_r", "_p"]).reset_index(drop=True)


def per_row(fdf: pd.DataFrame, members: pd.DataFrame | None = None) -> pd.DataFrame:
    """``n_findings``, ``worst_severity`` and ``finding_kinds`` per input row that has findings.

    ``fdf`` must be sorted as :func:`sort_findings` sorts. The members of a group of duplicates
    (``members``, :data:`~landgis.qa.labels.GROUP_COLUMNS`) count its one finding as theirs too.
    """
    rows = fdf.dropna(subset=["row"])
    if members is not None and len(members):
        # the members of a group of duplicates share its finding (an overlap group's have their own)
        members = members[members["kind"].isin(["duplicate_id", "duplicate_geometry"]).to_numpy()]
        head = rows[rows["kind"].isin(["duplicate_id", "duplicate_geometry"])]
        first = pd.to_numeric(members["group"].str.rsplit(":", n=1).str[1]).to_numpy() - 1
        others = pd.DataFrame({"row": members["row"].to_numpy(), "kind": members["kind"].to_numpy()})
        others = others[others["row"].to_numpy() != first]
        if len(others):
            others["severity"] = others["kind"].map(SEVERITY_OF)
            rows = pd.concat([rows[["row", "kind", "severity"]], others.astype({"row": head["row"].dtype})])
            rows = rows.assign(_o=rows["kind"].map(KIND_ORDER)).sort_values(["row", "_o"], kind="stable")
    rank = rows["severity"].map({s: i for i, s in enumerate(SEVERITIES)})
    g = rows.assign(_rank=rank).groupby("row", sort=True)
    out = pd.DataFrame({
        "n_findings": g.size(),
        "worst_severity": g["_rank"].min().map(dict(enumerate(SEVERITIES))),
        "finding_kinds": g["kind"].agg(lambda k: ",".join(dict.fromkeys(k))),
    })
    out.index = out.index.astype(np.int64)
    return out


def parcel_table(inputs: pd.DataFrame, added: pd.DataFrame, rows_found: pd.DataFrame, crs=4326) -> gpd.GeoDataFrame:
    """Input columns (renamed ``*_input`` where they clash) + the added columns, geometry in EPSG:4326."""
    base = pd.DataFrame(inputs).copy()
    for col in ADDED_COLUMNS:
        if col in base.columns:
            base = base.rename(columns={col: f"{col}_input"})
    rows = added.index.to_numpy(dtype=np.int64)
    base["qa_row"] = rows
    for col in ("parcel_id", "township_found", "area_ha"):
        base[col] = added[col].to_numpy()
    hit = rows_found.reindex(rows)
    base["n_findings"] = hit["n_findings"].fillna(0).astype(int).to_numpy()
    base["worst_severity"] = hit["worst_severity"].astype(object).where(hit["worst_severity"].notna(), "ok").to_numpy()
    base["finding_kinds"] = hit["finding_kinds"].astype(object).where(hit["finding_kinds"].notna(), "").to_numpy()
    return gpd.GeoDataFrame(base, geometry=list(added["geometry"]), crs=crs)


def summarise(fdf: pd.DataFrame, parcels: pd.DataFrame, quota: pd.DataFrame, **extra) -> dict:
    """The summary dict of :class:`QAResult` from the findings, per-parcel table and quota."""
    return {
        **extra,
        "n_parcels": int(len(parcels)),
        "n_with_findings": int((parcels["n_findings"] > 0).sum()),
        "n_ok": int((parcels["worst_severity"] == "ok").sum()),
        "by_severity": {s: int((fdf["severity"] == s).sum()) for s in SEVERITIES},
        "by_kind": {k: int(v) for k, v in fdf["kind"].value_counts().items()},
        "booked_ha": float(quota["booked_ha"].sum()),
        "allocated_ha": float(quota.attrs.get("allocated_ha", quota["allocated_ha"].sum())),  # 乡镇合计
        "quota_basis": quota.attrs.get("basis"),
        "quota_left_out": quota.attrs.get("left_out"),
    }


def assemble(gdf, added, findings, quota, townships, fields, source, engine, plan, members=()) -> QAResult:
    """The :class:`QAResult` of rows checked in one process (``members``: the duplicate groups' frames)."""
    fdf, around = group_overlaps(pd.DataFrame(findings, columns=list(FINDING_COLUMNS)))
    fdf = sort_findings(fdf, len(gdf) + 1)
    groups = sort_groups(pd.concat([pd.DataFrame(columns=list(GROUP_COLUMNS)), *members, around],
                                   ignore_index=True))
    out = parcel_table(gdf.drop(columns=gdf.geometry.name), added, per_row(fdf, groups))
    summary = summarise(fdf, out, quota, source=source, engine=engine, plan=getattr(plan, "source", None),
                        source_crs=CRS.from_user_input(gdf.crs).to_string() if gdf.crs is not None else None)
    out.attrs = {k: v for k, v in getattr(gdf, "attrs", {}).items()}  # e.g. attrs["postgis"]: where it came from
    tw = townships.to_crs(4326) if townships.crs is not None else townships
    return QAResult(parcels=out, findings=fdf, quota=quota, summary=summary, townships=tw, fields=fields,
                    groups=groups)


def sort_groups(groups: pd.DataFrame) -> pd.DataFrame:
    """Group members by kind, first row, then row (the same whichever engine found them)."""
    g = groups.astype({"group": object, "kind": object, "group_size": np.int64, "row": np.int64,
                       "parcel_id": object})
    first = pd.to_numeric(g["group"].str.rsplit(":", n=1).str[1]).to_numpy() if len(g) else np.zeros(0)
    order = g["kind"].map(KIND_ORDER).to_numpy() if len(g) else np.zeros(0)
    return g.assign(_k=order, _f=first).sort_values(["_k", "_f", "row"], kind="stable").drop(
        columns=["_k", "_f"]).reset_index(drop=True)


# --- outputs ---------------------------------------------------------------------------------------
def for_file(df: pd.DataFrame) -> pd.DataFrame:
    """Columns every writer accepts: mixed/object columns as text (None kept)."""
    out = df.copy()
    for col in out.columns:
        if col == "geometry" or out[col].dtype.kind in "biufM":
            continue
        out[col] = [None if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA else str(v)
                    for v in out[col]]
    return out


def _write_table(df: pd.DataFrame, path: Path, kind: str, sheet: str | None = None) -> Path:
    if kind == "csv":
        return write_csv(df, path)  # UTF-8 with BOM for Excel; formula-like text made safe
    return write_xlsx({sheet or path.stem: df}, path)


def _lang(lang: str) -> str:
    return "en" if lang == "en" else "zh"


def write_qa(result: QAResult, out_dir, *, lang: str = "zh", unit: str = "ha", out_crs=None) -> list[Path]:
    """Write the QA tables into ``out_dir``, each file completely or not at all.

    Parameters
    ----------
    result : QAResult
    out_dir : str or pathlib.Path
        Created if needed.
    lang : {"zh", "en"}
        Language of headers, sheet names and values (kinds, severities, statuses): Chinese by default.
    unit : {"ha", "mu", "m2"}
        Unit of the areas in the quota and constraint tables.
    out_crs : optional
        CRS of ``parcels.gpkg`` (anything :class:`pyproj.CRS` accepts); by default the parcels' CRS as read
        (``summary["source_crs"]``), e.g. EPSG:4546.

    Returns
    -------
    list of pathlib.Path
        ``parcels.gpkg`` (every input row with its findings), ``findings.csv`` (UTF-8 with BOM) and
        ``findings.xlsx``, ``quota.csv`` and ``quota.xlsx``, and ``finding_groups.csv``: every
        member of every group of duplicates (one finding per group in the findings). The map is
        :func:`landgis.render.qa_map.write_qa_map`'s. For a dask result, ``parcels.parquet/`` and
        ``findings.parquet/`` (partitioned GeoParquet/Parquet) replace ``parcels.gpkg``; findings.csv
        is streamed partition by partition (spatial order) and findings.xlsx holds the findings up to
        :data:`XLSX_MAX_FINDINGS`, else their count per kind.

    Examples
    --------
    >>> write_qa(qa("parcels.gpkg"), "qa", unit="mu")  # doctest: +SKIP
    """
    lang = _lang(lang)
    unit = unit_key(unit)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if not isinstance(result.parcels, gpd.GeoDataFrame):
        return _write_partitioned(result, out, lang, unit)
    written = []
    gpkg = out / "parcels.gpkg"
    parcels = for_file(result.parcels)
    target = out_crs if out_crs is not None else result.summary.get("source_crs")
    layer = gpd.GeoDataFrame(parcels, geometry="geometry", crs=result.parcels.crs)
    if target is not None and layer.crs is not None:
        layer = layer.to_crs(CRS.from_user_input(target))
    with atomic_path(gpkg) as tmp:
        layer.to_file(tmp, layer="parcels", driver="GPKG", geometry_type="Unknown", engine="pyogrio",
                      dataset_options={"VERSION": "1.2"})
    written.append(gpkg)
    findings = _for_people(result.findings, lang, unit)
    written.append(_write_table(findings, out / "findings.csv", "csv"))
    sheet = _xlsx_findings(findings, result.summary["by_kind"], lang)
    written.append(_write_table(for_file(sheet), out / "findings.xlsx", "xlsx", SHEETS[lang]["findings"]))
    written += write_quota(result.quota, out, lang=lang, unit=unit)
    written.append(_write_table(_groups_for_people(result.groups, lang), out / "finding_groups.csv", "csv"))
    if result.constraints is not None:
        written += _write_constraints(result, out, lang, unit)
    if result.execution is not None:
        written += write_execution(result.execution, out, lang=lang, unit=unit)
    return written


def write_execution(ex, out: Path, *, lang: str = "zh", unit: str = "ha") -> list[Path]:
    """execution.csv (计划执行情况: the table, then the notes as 说明 rows) and execution.xlsx (a first sheet
    with the notes, then the table)."""
    lang, unit = _lang(lang), unit_key(unit)
    words, sheets = QA_NOTES[lang], SHEETS[lang]
    table = execution_table(ex, lang, unit)
    notes = ex.note_texts(lang)
    u = UNIT_LABELS_EN[unit] if lang == "en" else UNIT_LABELS[unit]
    note = pd.DataFrame({words["item"]: [words["basis"]] + [words["note"]] * (len(notes) - 1) + [words["unit"]],
                         words["note"]: [*notes, u]})
    h = EXECUTION_HEADERS[lang]
    with_notes = pd.concat([table, pd.DataFrame({h["table"]: words["note"], h["note"]: notes})], ignore_index=True)
    with_notes = with_notes.astype({c: object for c in with_notes.columns if with_notes[c].dtype.kind not in "f"})
    return [_write_table(for_file(with_notes), out / "execution.csv", "csv"),
            write_xlsx({sheets["execution_note"]: note, sheets["execution"]: for_file(table)}, out / "execution.xlsx")]


def _round(values: pd.Series, decimals: int) -> pd.Series:
    """Rounded, and through the decimal text so that no float noise (13.120000000000001) is left."""
    return pd.to_numeric(values, errors="coerce").round(decimals).map(
        lambda v: v if pd.isna(v) else float(f"{v:.{decimals}f}"))


def _left_out_words(left_out: dict | None, lang: str = "zh") -> str:
    words = QA_NOTES[_lang(lang)]
    reasons = LEFT_OUT_REASONS_EN if lang == "en" else LEFT_OUT_REASONS
    left_out = left_out or {}
    n = sum(v["n"] for v in left_out.values())
    parts = words["join"].join(words["left_part"].format(reason=reasons[k], n=v["n"])
                               for k, v in left_out.items() if v["n"])
    return words["left_n"].format(n=n) + (words["left_sep"] + parts if parts else "")


def quota_for_people(quota: pd.DataFrame, lang: str = "zh", unit: str = "ha") -> pd.DataFrame:
    """The quota table as written: headers in ``lang`` that state the basis, the unit and what was left out;
    areas in ``unit``, rounded by the table precision of the unit."""
    lang, unit = _lang(lang), unit_key(unit)
    left = _left_out_words(quota.attrs.get("left_out"), lang)
    out = quota.copy()
    places = PRECISION[unit]["table"]
    for col in ("allocated_ha", "booked_ha", "difference_ha", "declared_ha"):
        out[col] = _round(out[col] * factor(unit), places)
    out["used_share"] = _round(out["used_share"], 4)
    out["status"] = out["status"].map(QUOTA_STATUS[lang]).fillna(out["status"])
    u = UNIT_LABELS_EN[unit] if lang == "en" else UNIT_LABELS[unit]
    return out.rename(columns={k: v.format(u=u, left=left) for k, v in QUOTA_HEADERS[lang].items()})


def write_quota(quota: pd.DataFrame, out: Path, *, lang: str = "zh", unit: str = "ha") -> list[Path]:
    """quota.csv (the basis in its header row) and quota.xlsx (a first sheet with the basis)."""
    lang, unit = _lang(lang), unit_key(unit)
    words, sheets = QA_NOTES[lang], SHEETS[lang]
    table = quota_for_people(quota, lang, unit)
    basis = quota.attrs.get("basis", BASIS) if lang == "zh" else BASIS_EN
    u = UNIT_LABELS_EN[unit] if lang == "en" else UNIT_LABELS[unit]
    note = pd.DataFrame({words["item"]: [words["basis"], words["left_out"], words["unit"]],
                         words["note"]: [basis, _left_out_words(quota.attrs.get("left_out"), lang), u]})
    return [_write_table(table, out / "quota.csv", "csv"),
            write_xlsx({sheets["quota_note"]: note, sheets["quota"]: for_file(table)}, out / "quota.xlsx")]


def _write_constraints(result: QAResult, out: Path, lang: str = "zh", unit: str = "ha") -> list[Path]:
    """constraints.csv/.xlsx (per parcel × layer) and constraints_by_township.csv/.xlsx, areas in ``unit``."""
    places = PRECISION[unit]["table"]
    to_unit = factor(unit) / 10_000  # the tables hold square metres
    u = UNIT_LABELS_EN[unit] if lang == "en" else UNIT_LABELS[unit]
    headers = {k: v.format(u=u) for k, v in CONSTRAINT_HEADERS[lang].items()}
    per = result.constraints.copy()
    per["row"] = per["row"] + 1
    by = result.constraints_by_township.copy()
    for df in (per, by):
        for col in ("overlap_m2", "outside_m2"):
            df[col] = _round(df[col] * to_unit, places)
    per["share"] = _round(per["share"], 4)
    written = []
    for name, df in (("constraints", per), ("constraints_by_township", by)):
        df = df.rename(columns=headers)
        written.append(_write_table(df, out / f"{name}.csv", "csv"))
        written.append(_write_table(for_file(df), out / f"{name}.xlsx", "xlsx", SHEETS[lang][name]))
    return written


def _groups_for_people(groups: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    out = groups.copy()
    out["row"] = out["row"].astype(np.int64) + 1
    out["kind"] = out["kind"].map(lambda k: kind_label(k, lang))
    return out.rename(columns=GROUP_HEADERS[_lang(lang)])


#: Findings written to findings.xlsx at most (beyond, its count per kind; the CSV and Parquet have them all).
XLSX_MAX_FINDINGS = 200_000


def _write_partitioned(result: QAResult, out: Path, lang: str = "zh", unit: str = "ha") -> list[Path]:
    """A dask result: the partitioned GeoParquet in ``out``, findings.csv streamed partition by partition."""

    store = Path(result.summary["store"])
    written = []
    for name in ("parcels.parquet", "findings.parquet", "finding_groups.parquet", "constraints.parquet"):
        target = out / name
        if not (store / name).exists():  # a store written before groups were listed; no constraint layers
            continue
        if (store / name).resolve() != target.resolve():
            tmp = out / f".{name}.copy"
            shutil.rmtree(tmp, ignore_errors=True)
            shutil.copytree(store / name, tmp)
            shutil.rmtree(target, ignore_errors=True)
            tmp.rename(target)
        written.append(target)
    files = sorted((out / "findings.parquet").glob("*.parquet"))  # part.00000 … then quota
    with atomic_path(out / "findings.csv") as tmp:
        with open(tmp, "wb") as fh:
            for i, f in enumerate(files):
                df = _for_people(read_findings_parquet([f]), lang, unit)
                fh.write(csv_bytes(df, header=i == 0, bom=i == 0))  # formula-like text made safe
    written.append(out / "findings.csv")
    groups = sort_groups(read_groups_parquet(sorted((out / "finding_groups.parquet").glob("*.parquet"))))
    written.append(_write_table(_groups_for_people(groups, lang), out / "finding_groups.csv", "csv"))
    n = sum(result.summary["by_kind"].values())
    table = _xlsx_findings(_for_people(read_findings_parquet(files), lang, unit) if n <= XLSX_MAX_FINDINGS else None,
                           result.summary["by_kind"], lang, text("qa.all_findings_files", lang))
    written.append(_write_table(for_file(table), out / "findings.xlsx", "xlsx", SHEETS[lang]["findings"]))
    written += write_quota(result.quota, out, lang=lang, unit=unit)
    if result.constraints_by_township is not None:
        written += _write_constraints_partitioned(result, out, lang, unit)
    if result.execution is not None:
        written += write_execution(result.execution, out, lang=lang, unit=unit)
    return written


def _constraints_for_people(table: pd.DataFrame, lang: str, unit: str) -> pd.DataFrame:
    """A constraint table as written: areas in ``unit`` (rounded), 1-based rows, headers in ``lang``."""
    places = PRECISION[unit]["table"]
    to_unit = factor(unit) / 10_000  # the tables hold square metres
    u = UNIT_LABELS_EN[unit] if lang == "en" else UNIT_LABELS[unit]
    out = table.copy()
    if "row" in out:
        out["row"] = out["row"] + 1
    if "share" in out:
        out["share"] = _round(out["share"], 4)
    for col in ("overlap_m2", "outside_m2"):
        out[col] = _round(out[col] * to_unit, places)
    return out.rename(columns={k: v.format(u=u) for k, v in CONSTRAINT_HEADERS[lang].items()})


def _write_constraints_partitioned(result: QAResult, out: Path, lang: str, unit: str) -> list[Path]:
    """A dask result's constraint tables: constraints.csv streamed part by part, the by-township sums."""
    files = sorted((out / "constraints.parquet").glob("*.parquet"))
    with atomic_path(out / "constraints.csv") as tmp:
        with open(tmp, "wb") as fh:
            for i, f in enumerate(files):
                df = _constraints_for_people(pd.read_parquet(f), lang, unit)
                fh.write(csv_bytes(df, header=i == 0, bom=i == 0))
    by = _constraints_for_people(result.constraints_by_township, lang, unit)
    return [out / "constraints.csv", _write_table(by, out / "constraints_by_township.csv", "csv"),
            _write_table(for_file(by), out / "constraints_by_township.xlsx", "xlsx",
                         SHEETS[lang]["constraints_by_township"])]


def _xlsx_findings(findings: pd.DataFrame | None, by_kind: dict, lang: str = "zh",
                   where: str = "findings.csv") -> pd.DataFrame:
    """What findings.xlsx holds: the findings, or beyond :data:`XLSX_MAX_FINDINGS` their count per kind."""
    lang = _lang(lang)
    n = sum(by_kind.values())
    if findings is not None and n <= XLSX_MAX_FINDINGS:
        return findings
    h = FINDING_HEADERS[lang]
    table = pd.DataFrame({h["kind"]: [kind_label(k, lang) for k in by_kind], h["count"]: list(by_kind.values())})
    table[h["note"]] = QA_NOTES[lang]["too_many"].format(n=n, max=XLSX_MAX_FINDINGS, where=where)
    return table


def _for_people(findings: pd.DataFrame, lang: str = "zh", unit: str = "ha") -> pd.DataFrame:
    """The findings as written: 1-based rows, kinds and severities as words, messages in ``lang`` and
    ``unit`` (:mod:`landgis.qa.messages`), headers in ``lang``."""
    lang = _lang(lang)
    out = findings.copy()
    out["message"] = [message(k, f, m, township=t, category=c, unit=unit, lang=lang, found=w, pid=p)
                      for k, f, m, t, c, w, p in zip(out["kind"], out["figures"], out["message"],
                                                     out["township_declared"], out["category"],
                                                     out["township_found"], out["parcel_id"])]
    out["row"] = out["row"] + 1  # 1-based for people (Int64: quota findings stay empty)
    out["kind"] = out["kind"].map(lambda k: kind_label(k, lang))
    out["severity"] = out["severity"].map(SEVERITY_WORDS[lang]).fillna(out["severity"])
    return out.rename(columns=FINDING_HEADERS[lang])


#: The terminal summary's lines, by language: one template each, filled by :func:`format_summary`.
_SUMMARY = {lang: table("qa.summary", lang) for lang in LANGS}


def format_summary(result: QAResult, lang: str = "zh", unit: str = "ha") -> str:
    """A few lines for the terminal: parcels, findings by severity and kind, quota cells over, areas in ``unit``.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> from landgis.qa import qa
    >>> from landgis.townships import load_townships
    >>> towns = load_townships(county="连州市").to_crs(4546)
    >>> p = towns.geometry.iloc[0].representative_point()
    >>> parcels = gpd.GeoDataFrame({"id": ["A"], "乡镇": [towns["name"].iloc[0]], "用途": ["住宅用地"]},
    ...                            geometry=[shapely.box(p.x, p.y, p.x + 100, p.y + 100)], crs=4546)
    >>> print(format_summary(qa(parcels, towns, False, county="连州市"), "en", "mu").splitlines()[-1])
    parcels add up to 14.99 mu; the plan allocates 0.00 mu
    """
    lang = "en" if lang == "en" else "zh"
    t, w = _SUMMARY[lang], SEVERITY_WORDS[lang]
    labels = KIND_LABELS_EN if lang == "en" else KIND_LABELS
    s = result.summary

    def area(hectares: float) -> str:
        return format_area(hectares, unit, where="table", lang=lang)

    lines = [t["head"].format(**s, **s["by_severity"], **{f"w_{k}": v for k, v in w.items()})]
    lines += [t["kind"].format(severity=w[SEVERITY_OF[kind]], label=labels[kind], kind=kind, count=count)
              for kind, count in s["by_kind"].items()]
    over = result.quota[result.quota["status"].isin(["over", "not_in_plan"])]
    if len(over):
        lines.append(t["over"].format(n=len(over)) + t["sep"].join(
            t["cell"].format(township=r.township, category=r.category, area=area(r.difference_ha))
            for r in over.itertuples()))
    lines.append(t["total"].format(booked=area(s["booked_ha"]), allocated=area(s["allocated_ha"])))
    if result.execution is not None:
        cells = result.execution.cells
        supplied, planned = float(cells["supplied_ha"].sum()), float(cells["planned_ha"].sum())
        lines.append(t["execution"].format(supplied=area(supplied),
                                           rate=rate_text(supplied / planned if planned else None)))
    return "\n".join(lines)


# --- findings as Parquet (the dask engine's partitions and findings.parquet) -------------------------
_FINDINGS_SCHEMA = None


def _findings_schema():
    global _FINDINGS_SCHEMA
    if _FINDINGS_SCHEMA is None:
        _FINDINGS_SCHEMA = pa.schema([("row", pa.int64()), *[(c, pa.large_string()) for c in FINDING_COLUMNS[1:]]])
    return _FINDINGS_SCHEMA


#: Columns the published findings.parquet adds after :data:`FINDING_COLUMNS`: the planner's words for the codes.
LABEL_COLUMNS = ("kind_label", "severity_label")


def write_findings_parquet(records, path: Path, *, labels: bool = False) -> None:
    """Finding records (dicts or a DataFrame with :data:`FINDING_COLUMNS`) as one Parquet file, fixed schema.

    With ``labels`` (the published ``findings.parquet/``), :data:`LABEL_COLUMNS` follow: ``kind`` and
    ``severity`` stay machine codes (stable keys to filter and join on, in any language), and
    ``kind_label``/``severity_label`` give the planner's Chinese words (超出计划指标, 错误), so that the
    file reads in QGIS without a lookup table. :func:`read_findings_parquet` reads the codes only.
    """
    df = pd.DataFrame(records, columns=list(FINDING_COLUMNS))
    cols = {"row": pa.array([None if pd.isna(r) else int(r) for r in df["row"]], pa.int64())}
    for c in FINDING_COLUMNS[1:]:
        cols[c] = pa.array([None if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) else str(v)
                            for v in df[c]], pa.large_string())
    schema = _findings_schema()
    if labels:
        cols["kind_label"] = pa.array([kind_label(k, "zh") for k in df["kind"]], pa.large_string())
        cols["severity_label"] = pa.array([SEVERITY_WORDS["zh"].get(v, v) for v in df["severity"]], pa.large_string())
        schema = pa.schema([*schema, *((c, pa.large_string()) for c in LABEL_COLUMNS)])
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table(cols, schema=schema), path)


def read_findings_parquet(paths) -> pd.DataFrame:
    """Finding files written by :func:`write_findings_parquet`, as one DataFrame (``row`` as Int64)."""
    tables = [pq.read_table(p, schema=_findings_schema()) for p in paths]
    if not tables:
        return pd.DataFrame({c: pd.Series(dtype="Int64" if c == "row" else object) for c in FINDING_COLUMNS})
    df = pa.concat_tables(tables).to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)
    for c in FINDING_COLUMNS[1:]:
        df[c] = df[c].astype(object).where(df[c].notna(), None)
    return df


def write_groups_parquet(members: pd.DataFrame, path: Path) -> None:
    """Members of duplicate groups (:data:`GROUP_COLUMNS`) as one Parquet file, fixed schema."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pandas(pd.DataFrame(members, columns=list(GROUP_COLUMNS)).astype(
        {"group": str, "kind": str, "group_size": np.int64, "row": np.int64, "parcel_id": str}),
        schema=_groups_schema(), preserve_index=False), path)


def read_groups_parquet(paths) -> pd.DataFrame:
    """Group member files written by :func:`write_groups_parquet`, as one DataFrame."""
    tables = [pq.read_table(p, schema=_groups_schema()) for p in paths]
    if not tables:
        return pd.DataFrame({c: pd.Series(dtype=np.int64 if c in ("row", "group_size") else object)
                             for c in GROUP_COLUMNS})
    return pa.concat_tables(tables).to_pandas()


def _groups_schema():
    return pa.schema([("group", pa.string()), ("kind", pa.string()), ("group_size", pa.int64()),
                      ("row", pa.int64()), ("parcel_id", pa.large_string())])
