"""The atlas report: one self-contained ``index.html`` in Chinese (or English), printable on A4.

Everything user-supplied (place and township names, category names, file names, finding text) goes
through Jinja2 as variables, with autoescaping on and control characters shown as escapes; the only
markup inserted unescaped is what landgis itself made (the font CSS and the interactive map fragment).
"""

from __future__ import annotations

import base64
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import jinja2

from landgis.county import County
from landgis.plan import Finding, Plan
from landgis.printable import jinja_finalize
from landgis.qa import KIND_LABELS
from landgis.render.fonts import webfont_css
from landgis.render.images import palette_png
from landgis.render.outline import OUTLINE_STEM
from landgis.render.static import file_stem
from landgis.render.text import attribution, category_title, plan_name
from landgis.severity import SEVERITY_WORDS
from landgis.figures import Figures, layer_figures
from landgis.units import UNIT_LABELS_EN, format_density, unit_label
from landgis.version import __version__

if TYPE_CHECKING:  # pragma: no cover
    from landgis.qa import QAResult

__all__ = ["render_report"]

_TEXT = {
    "zh": {
        "title": "{place}{year}年度土地供应计划图集",
        "subtitle": "依据《{source}》，由 landgis {version} 生成",
        "key_figures": "主要指标",
        "structure": "供应结构",
        "findings": "计划数据核对",
        "findings_intro": "计划文本中以下数字前后不一致或需要注意，可直接引用：",
        "no_findings": "计划各项数字前后一致：各乡镇合计等于供应总量，各类用地合计等于供应结构。",
        "interactive": "交互地图",
        "interactive_note": "点击右上角图层控件切换用地类型；悬停查看数值，点击查看乡镇明细。单独打开：",
        "static_maps": "专题图",
        "by_township": "分乡镇供应安排",
        "tables_note": "表格下载：",
        "qa": "地块核查",
        "qa_kind": "问题类型", "qa_severity": "级别", "qa_count": "数量",
        "qa_note": "核查明细：",
        "sources": "数据来源与说明",
        "footer": "本图集由 landgis 自动生成；各输出文件的大小与 SHA-256 校验值见 manifest.json。",
        "total": "全市供应总量（计划）", "placed": "乡镇合计", "unplaced": "未落实到乡镇",
        "towns": "安排供地的乡镇", "towns_value": "{n} / {of}",
        "category": "用地类型", "code": "代码", "stated": "全市（计划）", "sum": "乡镇合计", "diff": "差额（计划−乡镇合计）",
        "township": "乡镇", "row_total": "合计", "density": "供应强度（公顷/平方公里）", "share": "占全市比例",
        "all": "全市（计划）", "towns_sum": "乡镇合计", "unplaced_row": "差额（计划−乡镇合计）",
        "table": "表{n}", "figure": "图{n}", "qa_errors": "有错误的地块", "qa_id": "地块编号",
        "qa_town": "乡镇", "qa_finding": "问题", "scroll_hint": "表格较宽时可左右滑动。",
        "sev": SEVERITY_WORDS["zh"],
        "plan_source": "土地供应计划", "boundary_source": "乡镇界线", "software": "软件",
        "parcels": "核查地块", "with_findings": "有问题的地块", "errors": "错误", "warnings": "警告",
        "formats": {"png": "PNG", "svg": "SVG", "pdf": "PDF"},
    },
    "en": {
        "title": "Land supply plan atlas: {place} {year}",
        "subtitle": "Made by landgis {version} from “{source}”",
        "key_figures": "Key figures",
        "structure": "Supply by category",
        "findings": "Checks of the plan's figures",
        "findings_intro": "These figures of the plan do not add up or need attention:",
        "no_findings": "The plan's figures add up: the townships sum to the total and the categories to the structure.",
        "interactive": "Interactive map",
        "interactive_note": "Switch categories with the layer control; hover for values, click for a township's breakdown. On its own:",
        "static_maps": "Thematic maps",
        "by_township": "Supply by township",
        "tables_note": "Download the tables:",
        "qa": "Parcel checks",
        "qa_kind": "Kind", "qa_severity": "Severity", "qa_count": "Count",
        "qa_note": "Details:",
        "sources": "Sources and notes",
        "footer": "Made by landgis; manifest.json lists every output with its size and SHA-256.",
        "total": "County total (plan)", "placed": "Sum over townships", "unplaced": "Not placed in a township",
        "towns": "Townships receiving land", "towns_value": "{n} / {of}",
        "category": "Category", "code": "Code", "stated": "County (plan)", "sum": "Sum over townships",
        "diff": "Difference (plan − townships)",
        "township": "Township", "row_total": "Total", "density": "Supply density (ha/km²)", "share": "Share of county",
        "all": "County (plan)", "towns_sum": "Sum over townships", "unplaced_row": "Difference (plan − townships)",
        "table": "Table {n}", "figure": "Figure {n}", "qa_errors": "Parcels with errors", "qa_id": "Parcel",
        "qa_town": "Township", "qa_finding": "Finding", "scroll_hint": "Wide tables scroll sideways.",
        "sev": SEVERITY_WORDS["en"],
        "plan_source": "Land supply plan", "boundary_source": "Township boundaries", "software": "Software",
        "parcels": "Parcels checked", "with_findings": "Parcels with findings", "errors": "Errors", "warnings": "Warnings",
        "formats": {"png": "PNG", "svg": "SVG", "pdf": "PDF"},
    },
}

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("landgis.render", "templates"),
    autoescape=True,
    finalize=jinja_finalize,  # control characters in user text are shown as escapes (\x1b)
    keep_trailing_newline=True,
)


def _preview(path: Path, width: int = 1400) -> str:
    """A downscaled PNG of a 300 dpi map as a data: URL, so that index.html stands alone."""
    return "data:image/png;base64," + base64.b64encode(palette_png(path, width)).decode("ascii")


def _captions(layer: gpd.GeoDataFrame, lang: str) -> dict[str, tuple[str, int]]:
    """Caption and place in the report of every static sheet, by its file name (plan order first)."""

    cats = list(layer.attrs["categories"])

    sheets = [*cats, "total", "density", "small-multiples", "stacked-bars"]
    names = {"small-multiples": ("各类用地一览", "Every category"),
             "stacked-bars": ("分乡镇用地构成", "Categories by township")}
    out = {OUTLINE_STEM[0 if lang == "zh" else 1]: (("辖区供应总量", "County total")[0 if lang == "zh" else 1], -1)}
    for rank, column in enumerate(sheets):
        caption = names[column][0 if lang == "zh" else 1] if column in names else category_title(column, lang)
        out[file_stem(layer, column, lang)] = (caption, rank)
    return out


def render_report(
    *,
    plan: Plan,
    findings: list[Finding],
    layer: gpd.GeoDataFrame,
    map_fragment: str,
    static_files: list[Path],
    atlas_dir: Path,
    qa: QAResult | None = None,
    unit: str = "ha",
    lang: str = "zh",
    county: County,
    figures: Figures | None = None,
) -> str:
    """The report's HTML.

    Parameters
    ----------
    plan, findings, layer
        The parsed plan, its reconciliation findings and the joined allocation layer.
    map_fragment : str
        The interactive map as an embeddable fragment (landgis.render.interactive.fragment_html).
    static_files : list of Path
        The static maps and charts, relative to ``atlas_dir``; PNGs are shown, every format linked.
    atlas_dir : Path
        The folder the report is written into (links are relative to it).
    qa : QAResult, optional
        Parcel QA result, summarised in its own section.
    unit : {"ha", "mu"}
    lang : {"zh", "en"}
    county : landgis.county.County
        The atlas' county (全县 or 全市 in the texts).
    figures : landgis.figures.Figures, optional
        The run's figures; computed from ``layer`` when not given.

    Returns
    -------
    str
    """

    t = _TEXT[lang]
    if lang == "zh":  # 全县 for a 县
        whole = county.whole_word
        t = {k: v.replace("全市", whole) if isinstance(v, str) else v for k, v in t.items()}
    label = unit_label(unit) if lang == "zh" else UNIT_LABELS_EN[unit]
    title = t["title"].format(place=plan.place or "", year=plan.year or "")
    plan_title = plan_name(plan) or (f"{plan.place or ''}{plan.year or ''}年度土地供应计划" if lang == "zh"
                                     else Path(str(plan.source)).name)
    figs = layer_figures(layer, county, unit, lang, figures)
    t = figs.in_units(t)  # 区县 for a city's plan by district
    ctx = dict(
        lang=lang, t=dict(t, subtitle=t["subtitle"].format(version=__version__, source=plan_title)),
        title=title, version=__version__,
        cards=_cards(figs, layer, t, label),
        structure=_structure_table(figs, layer, t, label),
        findings=[{"severity": f.severity, "severity_label": t["sev"].get(f.severity, f.severity),
                   "text": f.text(lang, unit)} for f in findings],
        map_fragment=map_fragment,
        figures=_figures(static_files, atlas_dir, layer, t, lang),
        towns=_township_table(plan, figs, layer, t, label),
        qa=_qa_context(qa, t, lang) if qa is not None else None,
        sources=_sources(plan, plan_title, layer, t, lang),
    )
    # The font subset must cover every character of the page, so render once to collect them.
    ctx["font_css"] = ""
    draft = _ENV.get_template("report.html").render(**ctx)
    ctx["font_css"] = webfont_css(draft)
    return _ENV.get_template("report.html").render(**ctx)


def _head(t: dict, key: str, label: str, lang: str) -> str:
    """A column header with its unit: 乡镇合计（公顷）, or Sum over townships (ha)."""
    return _with_unit(t[key], label, lang)


def _with_unit(text: str, label: str, lang: str) -> str:
    return f"{text}（{label}）" if lang == "zh" else f"{text} ({label})"


def _cards(figs: Figures, layer: gpd.GeoDataFrame, t: dict, label: str) -> list[dict]:
    """The headline figures: the plan's total, the townships' sum and their difference, worded by its sign."""
    total = figs.total
    cards = [{"label": t["total"], "value": figs.text(total.stated, label=False), "unit": label}]
    if not figs.broken_down:  # a 全市 total and structure only: say so, not 未落实 the whole plan
        return [*cards, {"label": figs.label("townships"), "value": figs.label("not_given"), "unit": ""}]
    cards.append({"label": t["placed"], "value": figs.text(total.townships, label=False), "unit": label})
    gap = figs.gap("total")
    if gap is not None:
        cards.append({"label": gap[0], "value": figs.text(abs(total.difference), label=False), "unit": label})
    receiving = sum(1 for v in figs.townships.values() if v > 0)
    cards.append({"label": t["towns"], "value": t["towns_value"].format(n=receiving, of=len(layer)), "unit": ""})
    return cards


def _diff_cell(figs: Figures, column: str) -> str:
    """A difference in a table: signed, so that a township sum above the plan reads as negative."""
    diff = figs.columns[column].difference
    return figs.text(diff, "table", label=False) if diff is not None else "–"


def _structure_table(figs: Figures, layer: gpd.GeoDataFrame, t: dict, label: str) -> dict:
    """By category: the plan's structure, the townships' sum, and the difference; 合计 is the plan's total."""
    rows = []
    for cat in figs.categories:
        fig = figs.columns[cat]
        rows.append({"sum": False, "cells": [cat, layer.attrs.get("category_codes", {}).get(cat, ""),
                                             figs.text(fig.stated, "table", label=False),
                                             figs.text(fig.townships, "table", label=False), _diff_cell(figs, cat)]})
    total = figs.total
    rows.append({"sum": True, "cells": [t["row_total"], "", figs.text(total.stated, "table", label=False),
                                        figs.text(total.townships, "table", label=False),
                                        _diff_cell(figs, "total")]})
    lang = figs.lang
    return {"header": [t["category"], t["code"], _head(t, "stated", label, lang), _head(t, "sum", label, lang),
                       _head(t, "diff", label, lang)], "rows": rows}


def _township_table(plan: Plan, figs: Figures, layer: gpd.GeoDataFrame, t: dict, label: str) -> dict:
    """By township, then 全市 (the plan's figures), 乡镇合计 and the difference where they differ."""

    def cell(value) -> str:
        return figs.text(value, "table", label=False)

    def density(value) -> str:
        return format_density(float(value) / figs.area_km2, label=False) if figs.area_km2 and value is not None \
            else "–"

    exact = {(r.township, r.category): r.hectares_exact for r in plan.allocations.itertuples()}
    layer_to_plan: dict[str, str] = {}
    for pname, lname in (layer.attrs.get("township_names") or {}).items():
        layer_to_plan.setdefault(lname, pname)
    county = figs.total.county
    rows = []
    for row in layer.itertuples():
        pname = layer_to_plan.get(row.name)
        value = figs.townships.get(str(row.name), Decimal(0))
        shown = row.name_en if figs.lang == "en" and isinstance(getattr(row, "name_en", None), str) and row.name_en \
            else row.name  # the township's name in the report's language, as the Word report and the maps give it
        cells = [shown, *[cell(exact[(pname, c)]) if (pname, c) in exact else "–" for c in figs.categories]]
        cells.append(cell(value) if value else "–")
        own = figs.area_km2 and row.area_km2 == row.area_km2 and row.area_km2 > 0  # no layer: no area
        cells.append(format_density(float(value) / row.area_km2, label=False) if value and own else "–")
        cells.append(f"{float(value) / float(county) * 100:.2f}%" if value and county else "–")
        rows.append({"sum": False, "cells": cells})
    cats = figs.categories
    rows.append({"sum": True, "cells": [
        t["all"], *[cell(figs.columns[c].county) for c in cats], cell(county), density(county), "100%"]})
    placed = figs.total.townships
    rows.append({"sum": True, "cells": [
        t["towns_sum"], *[cell(figs.columns[c].townships) for c in cats], cell(placed), density(placed),
        f"{float(placed) / float(county) * 100:.2f}%" if county and placed is not None else "–"]})
    gaps = [figs.columns[c].difference for c in cats]
    gap_total = figs.total.difference
    if gap_total or any(gaps):
        rows.append({"sum": True, "cells": [
            t["unplaced_row"], *[_diff_cell(figs, c) if g else "0" for g, c in zip(gaps, cats)],
            _diff_cell(figs, "total"), "",
            f"{float(gap_total) / float(county) * 100:.2f}%" if gap_total is not None and county else "–"]})
    lang = figs.lang
    header = [t["township"], *[_with_unit(c, label, lang) for c in cats], _head(t, "row_total", label, lang),
              t["density"], t["share"]]
    return {"header": header, "rows": rows, "caption": _head(t, "by_township", label, lang)}


def _figures(static_files: list[Path], atlas_dir: Path, layer: gpd.GeoDataFrame, t: dict, lang: str) -> list[dict]:
    """The static sheets as report figures: a preview, the caption, and links to every format."""
    captions = _captions(layer, lang)
    figures = []
    by_stem: dict[str, list[Path]] = {}
    for p in static_files:
        by_stem.setdefault(p.with_suffix("").as_posix(), []).append(p)
    order = ("png", "svg", "pdf")
    for stem, paths in by_stem.items():
        png = next((p for p in paths if p.suffix == ".png"), None)
        if png is None:
            continue
        links = [{"href": p.as_posix(), "label": t["formats"].get(p.suffix[1:], p.suffix[1:].upper())}
                 for p in sorted(paths, key=lambda q: order.index(q.suffix[1:]) if q.suffix[1:] in order else 9)]
        caption, rank = captions.get(Path(stem).name, (Path(stem).name, len(captions)))
        figures.append({"data_url": _preview(atlas_dir / png), "caption": caption, "links": links, "rank": rank})
    figures.sort(key=lambda f: f["rank"])
    return figures


def _sources(plan: Plan, plan_title: str, layer: gpd.GeoDataFrame, t: dict, lang: str) -> list[dict]:
    """数据来源: the plan by its name, the boundary layer with its attribution and licences (in Chinese)."""

    prov = layer.attrs.get("provenance", {}) or {}
    footnote = prov.get("footnote") if lang == "zh" else prov.get("footnote_en") or prov.get("footnote")
    sep = "；" if lang == "zh" else "; "
    return [
        {"label": t["plan_source"], "text": f"《{plan_title}》" if lang == "zh" else plan_title},
        {"label": t["boundary_source"], "text": sep.join(x for x in (attribution(prov, lang), footnote) if x)},
        {"label": t["software"], "text": f"landgis {__version__}"},
    ]


def _qa_context(qa: QAResult, t: dict, lang: str, limit: int = 200) -> dict:
    summary = qa.summary
    by_sev = summary.get("by_severity", {})
    cards = [{"label": t["parcels"], "value": summary["n_parcels"]},
             {"label": t["with_findings"], "value": summary["n_with_findings"]},
             {"label": t["errors"], "value": by_sev.get("error", 0)},
             {"label": t["warnings"], "value": by_sev.get("warning", 0)}]
    kinds = []
    if len(qa.findings):
        counts = qa.findings.groupby(["kind", "severity"], sort=False).size().reset_index(name="count")
        order = {"error": 0, "warning": 1, "info": 2}
        counts = counts.sort_values(["severity", "count"], key=lambda c: c.map(order) if c.name == "severity" else -c)
        kinds = [{"kind": KIND_LABELS.get(r.kind, r.kind) if lang == "zh" else r.kind.replace("_", " "),
                  "severity": t["sev"].get(r.severity, r.severity), "count": int(r.count)}
                 for r in counts.itertuples()]
    errors = []
    bad = qa.findings.iloc[0:0]
    if len(qa.findings):
        bad = qa.findings[(qa.findings["severity"] == "error") & qa.findings["parcel_id"].notna()]
        for r in bad.head(limit).itertuples():
            town = next((str(x) for x in (getattr(r, "township_declared", None), getattr(r, "township_found", None))
                         if isinstance(x, str) and x), "–")
            errors.append({"id": str(r.parcel_id), "township": town, "finding": str(r.message)})
    return {"cards": cards, "kinds": kinds, "errors": errors, "more_errors": len(bad) - len(errors),
            "links": ["qa/qa_map.html", "qa/findings.xlsx", "qa/findings.csv", "qa/quota.xlsx", "qa/parcels.gpkg"]}
