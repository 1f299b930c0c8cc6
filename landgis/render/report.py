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

from landgis.catalog import table, text
from landgis.qa.execution import execution_table, rate_text
from landgis.units import PRECISION
from landgis.county import County
from landgis.plan import Finding, Plan
from landgis.printable import jinja_finalize
from landgis.qa.labels import kind_label
from landgis.qa.messages import message
from landgis.render.fonts import webfont_css
from landgis.render.images import palette_png
from landgis.render.outline import OUTLINE_STEM
from landgis.render.parcel_map import PARCEL_MAP_CAPTION, PARCEL_MAP_STEM, constraint_rows
from landgis.render.static import file_stem
from landgis.render.text import attribution, boundary_note, category_title, place_name, plan_name
from landgis.severity import SEVERITY_WORDS
from landgis.figures import Figures, layer_figures
from landgis.units import UNIT_LABELS_EN, format_density, unit_label
from landgis.version import __version__

if TYPE_CHECKING:  # pragma: no cover
    from landgis.qa import QAResult

__all__ = ["render_report"]

def _words(lang: str, unit_level: str = "township", county: County | None = None) -> dict:
    """The page's words in ``lang``, naming the plan's units (乡镇, or 区县 for a city) and the county as a whole
    (全县, 全市 …: its level's words from the catalogue)."""
    level = county.level_words(lang) if county is not None else None
    return {**table("report", lang, unit_level=unit_level, level=level), "sev": SEVERITY_WORDS[lang],
            "formats": {"png": "PNG", "svg": "SVG", "pdf": "PDF"}}

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
    names = {"small-multiples": "report.caption_small_multiples", "stacked-bars": "report.caption_stacked_bars"}
    out = {OUTLINE_STEM[0 if lang == "zh" else 1]: (text("report.caption_outline", lang), -1)}
    for rank, column in enumerate(sheets):
        caption = text(names[column], lang) if column in names else category_title(column, lang)
        out[file_stem(layer, column, lang)] = (caption, rank)
    out[PARCEL_MAP_STEM[0 if lang == "zh" else 1]] = (PARCEL_MAP_CAPTION[0 if lang == "zh" else 1], len(sheets))
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

    figs = layer_figures(layer, county, unit, lang, figures)
    t = _words(lang, figs.unit_level, county)  # 区县 for a city's plan by district, 全县 for a 县
    label = unit_label(unit) if lang == "zh" else UNIT_LABELS_EN[unit]
    title = t["title"].format(place=place_name(plan.place or "", lang, county), year=plan.year or "")
    plan_title = plan_name(plan) or (text("sheet.plan", "zh", place=plan.place or "", year=plan.year or "") if lang == "zh"
                                     else Path(str(plan.source)).name)
    ctx = dict(
        lang=lang, t=dict(t, subtitle=t["subtitle"].format(version=__version__, source=plan_title)),
        title=title, version=__version__,
        cards=_cards(figs, layer, t, label),
        structure=_structure_table(figs, layer, t, label),
        findings=[{"severity": f.severity, "severity_label": t["sev"].get(f.severity, f.severity),
                   "text": f.text(lang, unit, figs.names)} for f in findings],
        map_fragment=map_fragment,
        figures=_figures(static_files, atlas_dir, layer, t, lang),
        towns=_township_table(plan, figs, layer, t, label),
        qa=_qa_context(qa, t, lang, unit) if qa is not None else None,
        execution=_execution_context(qa, atlas_dir, t, lang, unit, label) if qa is not None else None,
        sources=_sources(plan, plan_title, layer, t, lang, figs.unit_level),
    )
    # The font subset must cover every character of the page, so render once to collect them.
    ctx["font_css"] = ""
    draft = _ENV.get_template("report.html").render(**ctx)
    ctx["font_css"] = webfont_css(draft)
    return _ENV.get_template("report.html").render(**ctx)


def _head(t: dict, key: str, label: str, lang: str) -> str:
    """A column header with its unit: 乡镇合计（公顷）, or Sum over townships (ha)."""
    return _with_unit(t[key], label, lang)


def _with_unit(words: str, label: str, lang: str) -> str:
    return text("punct.with_label", lang, text=words, label=label)


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
        rows.append({"sum": False, "cells": [category_title(cat, figs.lang), layer.attrs.get("category_codes", {}).get(cat, ""),
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
    header = [t["township"], *[_with_unit(category_title(c, lang), label, lang) for c in cats],
              _head(t, "row_total", label, lang),
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


def _sources(plan: Plan, plan_title: str, layer: gpd.GeoDataFrame, t: dict, lang: str,
             unit_level: str = "township") -> list[dict]:
    """数据来源: the plan by its name, the boundary layer with its attribution and licences (in Chinese)."""

    prov = layer.attrs.get("provenance", {}) or {}
    footnote = boundary_note(prov, lang)
    sep = text("punct.semicolon", lang)
    return [
        {"label": t["plan_source"], "text": text("punct.book_title", lang, title=plan_title)},
        {"label": t["boundary_source"], "text": sep.join(x for x in (attribution(prov, lang, unit_level), footnote) if x)},
        {"label": t["software"], "text": f"landgis {__version__}"},
    ]


def _qa_context(qa: QAResult, t: dict, lang: str, unit: str = "ha", limit: int = 200) -> dict:
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
        kinds = [{"kind": kind_label(r.kind, lang),
                  "severity": t["sev"].get(r.severity, r.severity), "count": int(r.count)}
                 for r in counts.itertuples()]
    errors = []
    bad = qa.findings.iloc[0:0]
    if len(qa.findings):
        bad = qa.findings[(qa.findings["severity"] == "error") & qa.findings["parcel_id"].notna()]
        for r in bad.head(limit).itertuples():
            town = next((str(x) for x in (getattr(r, "township_declared", None), getattr(r, "township_found", None))
                         if isinstance(x, str) and x), "–")
            errors.append({"id": str(r.parcel_id), "township": town, "finding": message(
                r.kind, r.figures, str(r.message), township=r.township_declared, category=r.category, unit=unit,
                lang=lang, found=r.township_found, pid=r.parcel_id)})
    c_header, c_rows = constraint_rows(qa, unit, lang)
    links = ["qa/qa_map.html", "qa/findings.xlsx", "qa/findings.csv", "qa/quota.xlsx", "qa/parcels.gpkg"]
    if c_header:
        links += ["qa/constraints.xlsx", "qa/constraints_by_township.xlsx"]
    return {"cards": cards, "kinds": kinds, "errors": errors, "more_errors": len(bad) - len(errors),
            "constraints": {"header": c_header, "rows": c_rows} if c_header else None, "links": links}


#: Where the atlas draws the execution chart, relative to the atlas folder.
EXECUTION_CHART = Path("qa") / "execution.png"


def _execution_context(qa: QAResult, atlas_dir: Path, t: dict, lang: str, unit: str, label: str) -> dict | None:
    """The plan's execution (计划执行情况): its chart, the rows by period and method and the overall total,
    and the notes that say what could not be compared; None when the parcels carry no date or method."""

    ex = getattr(qa, "execution", None)
    if ex is None:
        return None
    table = execution_table(ex, lang, unit, exact=True)
    places = PRECISION[unit]["table"]
    cols = list(table.columns)  # table, township, category, period, method, planned, supplied, rate, n, note
    first = table[cols[0]].iloc[0] if len(table) else None
    rows = []
    for r in table.itertuples(index=False):
        is_cells = r[0] == first
        if is_cells and r[1] not in (("合计", "total")):
            continue
        name = r[1] if is_cells else (r[3] or r[4])
        rows.append({"item": r[0], "name": name, "planned": _num(r[5], places, r[9]), "supplied": _num(r[6], places),
                     "rate": rate_text(r[7]), "n": int(r[8]),
                     "sum": name in ("合计", "total")})
    chart = atlas_dir / EXECUTION_CHART
    return {"rows": rows, "notes": ex.note_texts(lang),
            "chart": _preview(chart) if chart.exists() else None,
            "header": [t["exec_item"], t["exec_name"], t["exec_planned"].format(u=label),
                       t["exec_supplied"].format(u=label), t["exec_rate"], t["exec_n"]],
            "links": ["qa/execution.xlsx", "qa/execution.csv", EXECUTION_CHART.as_posix()]}


def _num(value, places: int, note=None) -> str:
    if value is None or value != value:
        return note or "–"
    return f"{value:,.{places}f}"
