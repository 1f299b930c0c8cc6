"""The atlas report: one self-contained ``index.html`` in Chinese (or English), printable on A4.

Everything user-supplied (place and township names, category names, file names, finding text) goes
through Jinja2 with autoescaping on; the only markup inserted unescaped is what landgis itself made
(the font CSS and the interactive map fragment).
"""

from __future__ import annotations

import base64
import io
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import jinja2

from landgis import __version__
from landgis.plan import Finding, Plan

if TYPE_CHECKING:  # pragma: no cover
    from landgis.qa import QAResult

__all__ = ["render_report"]

_TEXT = {
    "zh": {
        "title": "{place}{year}年度土地供应计划图集",
        "subtitle": "由 landgis {version} 依据《{source}》生成",
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
        "total": "供应总量", "placed": "已落实到乡镇", "unplaced": "未落实到乡镇",
        "towns": "安排供地的乡镇", "towns_value": "{n} / {of}",
        "category": "用地类型", "code": "代码", "stated": "计划结构", "sum": "乡镇合计", "diff": "差额",
        "township": "乡镇", "row_total": "合计", "density": "密度（公顷/平方公里）", "share": "占比",
        "all": "全市",
        "sev": {"error": "错误", "warning": "注意", "info": "提示"},
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
        "total": "Total supply", "placed": "Placed in townships", "unplaced": "Not placed",
        "towns": "Townships receiving land", "towns_value": "{n} / {of}",
        "category": "Category", "code": "Code", "stated": "Stated", "sum": "Sum over townships", "diff": "Difference",
        "township": "Township", "row_total": "Total", "density": "Density (ha/km²)", "share": "Share",
        "all": "County",
        "sev": {"error": "error", "warning": "check", "info": "note"},
        "plan_source": "Land supply plan", "boundary_source": "Township boundaries", "software": "Software",
        "parcels": "Parcels checked", "with_findings": "Parcels with findings", "errors": "Errors", "warnings": "Warnings",
        "formats": {"png": "PNG", "svg": "SVG", "pdf": "PDF"},
    },
}

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("landgis.render", "templates"),
    autoescape=True,
    keep_trailing_newline=True,
)


def _fmt(value: Decimal | float | None, unit: str) -> str:
    """A figure in the chosen unit: exact digits for hectares, 4 decimals for 亩."""
    from landgis.units import format_decimal, to_unit

    if value is None:
        return "–"
    if isinstance(value, float):
        value = Decimal(repr(value))
    return format_decimal(to_unit(value, unit))


def _preview(path: Path, width: int = 1400) -> str:
    """A downscaled PNG of a 300 dpi map as a data: URL, so that index.html stands alone."""
    from PIL import Image

    with Image.open(path) as img:
        img = img.convert("RGB")
        if img.width > width:
            img = img.resize((width, round(img.height * width / img.width)), Image.LANCZOS)
        # A 256-colour palette is invisible on a choropleth and makes the report a third of the size.
        img = img.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        buf = io.BytesIO()
        img.save(buf, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _finding_text(f: Finding, lang: str) -> str:
    """The finding as a sentence: the parser's own Chinese one, or an English one from the figures."""
    if lang == "zh":
        return f.message
    from landgis.units import format_decimal

    def ha(v: Decimal | None) -> str:
        return "–" if v is None else f"{format_decimal(abs(v))} ha"

    more = f.difference_ha is not None and f.difference_ha < 0
    if f.kind == "county_sum":
        return (f"The townships add up to {ha(f.computed_ha)} of the stated total {ha(f.stated_ha)}: "
                f"{ha(f.difference_ha)} {'too much is placed' if more else 'are not placed in any township'}.")
    if f.kind == "structure_sum":
        return (f"The categories of the structure add up to {ha(f.computed_ha)}, {ha(f.difference_ha)} "
                f"{'more' if more else 'less'} than the stated total {ha(f.stated_ha)}.")
    if f.kind == "category_sum":
        return (f"{f.category}: the structure states {ha(f.stated_ha)}, the townships add up to "
                f"{ha(f.computed_ha)} ({ha(f.difference_ha)} {'more' if more else 'not placed'}).")
    if f.kind == "township_sum":
        return (f"{f.township}: its categories add up to {ha(f.computed_ha)}, its stated total is "
                f"{ha(f.stated_ha)}.")
    if f.kind == "no_supply":
        return f"{f.township} receives no land in this plan."
    subject = " · ".join(x for x in (f.township, f.category) if x)
    return f"{f.kind.replace('_', ' ')}: {subject}" if subject else f.kind.replace("_", " ")


_SHEETS = {
    "total": ("供应总量", "Total supply"),
    "density": ("供应强度（每平方公里公顷数）", "Supply density (ha per km²)"),
    "small-multiples": ("各类用地一览", "Every category"),
    "stacked-bars": ("分乡镇用地构成", "Categories by township"),
}


def _caption_and_rank(stem: str, layer: gpd.GeoDataFrame, lang: str) -> tuple[str, int]:
    """Caption of a static map from its file name, and its place in the report (plan order first)."""
    cats = list(layer.attrs["categories"])
    by_code = {str(code): cat for cat, code in (layer.attrs.get("category_codes") or {}).items() if code}
    if stem.startswith("cat-"):
        code = stem.split("-")[1]
        cat = by_code.get(code)
        if cat is not None:
            from landgis.categories import lookup

            found = lookup(cat)
            name = cat if lang == "zh" or found is None else found.name_en
            return name, cats.index(cat)
    if stem in _SHEETS:
        return _SHEETS[stem][0 if lang == "zh" else 1], len(cats) + list(_SHEETS).index(stem)
    return stem, len(cats) + len(_SHEETS)


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

    Returns
    -------
    str
    """
    from landgis.render.fonts import webfont_css
    from landgis.units import unit_label

    t = _TEXT[lang]
    if lang == "zh":  # 全县 for a 县
        from landgis.render.text import county_words

        t = {**t, "all": county_words((layer.attrs.get("provenance") or {}).get("county_code"))["whole"]}
    label = unit_label(unit) if lang == "zh" else {"ha": "ha", "mu": "mu"}[unit]
    place = plan.place or ""
    year = plan.year or ""
    title = t["title"].format(place=place, year=year)
    source_name = Path(plan.source).name if plan.source and plan.source != "<text>" else plan.source

    cats = list(layer.attrs["categories"])
    placed_by_cat = plan.allocations.groupby("category", sort=False)["hectares_exact"].sum()
    placed = sum(plan.township_totals_ha.values(), Decimal(0)) if plan.township_totals_ha else \
        sum(plan.allocations["hectares_exact"], Decimal(0))
    cards = [
        {"label": t["total"], "value": _fmt(plan.stated_total_ha, unit), "unit": label},
        {"label": t["placed"], "value": _fmt(placed, unit), "unit": label},
    ]
    if plan.stated_total_ha is not None and placed != plan.stated_total_ha:
        cards.append({"label": t["unplaced"], "value": _fmt(plan.stated_total_ha - placed, unit), "unit": label})
    receiving = int((layer["total"] > 0).sum())
    cards.append({"label": t["towns"], "value": t["towns_value"].format(n=receiving, of=len(layer)), "unit": ""})

    structure_rows = []
    for cat in cats:
        stated = plan.structure_ha.get(cat)
        got = placed_by_cat.get(cat)
        diff = None if stated is None or got is None else stated - got
        structure_rows.append({"sum": False, "cells": [
            cat, layer.attrs.get("category_codes", {}).get(cat, ""), _fmt(stated, unit), _fmt(got, unit),
            "0" if diff == 0 else _fmt(diff, unit)]})
    structure_rows.append({"sum": True, "cells": [
        t["row_total"], "", _fmt(sum(plan.structure_ha.values(), Decimal(0)) if plan.structure_ha else None, unit),
        _fmt(placed, unit), ""]})
    structure = {"header": [t["category"], t["code"], f"{t['stated']}（{label}）" if lang == "zh" else f"{t['stated']} ({label})",
                            f"{t['sum']}（{label}）" if lang == "zh" else f"{t['sum']} ({label})", t["diff"]],
                 "rows": structure_rows}

    exact = {(r.township, r.category): r.hectares_exact for r in plan.allocations.itertuples()}
    from landgis.names import match_names

    plan_to_layer = match_names(list(dict.fromkeys(plan.allocations["township"])), list(layer["name"]))
    layer_to_plan = {v: k for k, v in plan_to_layer.items()}
    town_rows = []
    for row in layer.itertuples():
        pname = layer_to_plan.get(row.name)
        cells = [row.name]
        for cat in cats:
            v = exact.get((pname, cat)) if pname else None
            cells.append(_fmt(v, unit) if v is not None else "–")
        total = plan.township_totals_ha.get(pname) if pname else None
        cells.append(_fmt(total if total is not None else Decimal(repr(float(row.total))), unit)
                     if row.total or total else "–")
        cells.append(f"{row.density:.3f}" if row.total else "–")
        cells.append(f"{row.share * 100:.2f}%" if row.total else "–")
        town_rows.append({"sum": False, "cells": cells})
    town_rows.append({"sum": True, "cells": [
        t["all"], *[_fmt(placed_by_cat.get(c), unit) for c in cats], _fmt(placed, unit), "", "100%"]})
    towns = {"header": [t["township"], *cats, t["row_total"], t["density"], t["share"]], "rows": town_rows}

    figures = []
    by_stem: dict[str, list[Path]] = {}
    for p in static_files:
        by_stem.setdefault(p.with_suffix("").as_posix(), []).append(p)
    for stem, paths in by_stem.items():
        png = next((p for p in paths if p.suffix == ".png"), None)
        if png is None:
            continue
        links = [{"href": p.as_posix(), "label": t["formats"].get(p.suffix[1:], p.suffix[1:].upper())}
                 for p in sorted(paths, key=lambda q: ("png", "svg", "pdf").index(q.suffix[1:])
                                 if q.suffix[1:] in ("png", "svg", "pdf") else 9)]
        caption, rank = _caption_and_rank(Path(stem).name, layer, lang)
        figures.append({"data_url": _preview(atlas_dir / png), "caption": caption, "links": links,
                        "rank": rank})
    figures.sort(key=lambda f: f["rank"])

    prov = layer.attrs.get("provenance", {}) or {}
    footnote = prov.get("footnote") if lang == "zh" else prov.get("footnote_en") or prov.get("footnote")
    sources = [
        {"label": t["plan_source"], "text": f"{source_name}（{plan.place or ''}{plan.year or ''}）" if lang == "zh"
         else f"{source_name} ({plan.place or ''} {plan.year or ''})"},
        {"label": t["boundary_source"], "text": "；".join(
            x for x in (str(prov.get("source", "")), str(prov.get("licence", "")), footnote or "") if x)},
        {"label": t["software"], "text": f"landgis {__version__}"},
    ]

    qa_ctx = _qa_context(qa, t, lang) if qa is not None else None
    ctx = dict(lang=lang, t=t, title=title, version=__version__, cards=cards, structure=structure,
               findings=[{"severity": f.severity, "severity_label": t["sev"].get(f.severity, f.severity),
                          "text": _finding_text(f, lang)} for f in findings],
               map_fragment=map_fragment, figures=figures, towns=towns, qa=qa_ctx, sources=sources)
    t_sub = dict(t, subtitle=t["subtitle"].format(version=__version__, source=source_name))
    ctx["t"] = t_sub
    # The font subset must cover every character of the page, so render once to collect them.
    ctx["font_css"] = ""
    draft = _ENV.get_template("report.html").render(**ctx)
    ctx["font_css"] = webfont_css(draft)
    return _ENV.get_template("report.html").render(**ctx)


def _qa_context(qa: QAResult, t: dict, lang: str) -> dict:
    from landgis.qa import KIND_LABELS

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
    return {"cards": cards, "kinds": kinds,
            "links": ["qa/qa_map.html", "qa/findings.xlsx", "qa/findings.csv", "qa/quota.xlsx", "qa/parcels.gpkg"]}
