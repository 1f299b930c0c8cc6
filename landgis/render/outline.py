"""The outline sheet: a county without a township layer, drawn as its outline with the plan's totals.

When landgis has no township layer for the county (none shipped, no ``--boundaries``), the atlas
still draws the county: its outline from the national registry, the plan's total on it, a table of
the totals by category, the county within its prefecture, and one line saying which layer to give.

Examples
--------
>>> from landgis.county import find_county
>>> from landgis.render.outline import outline_sheet
>>> fig = outline_sheet(layer, find_county("441224"))  # doctest: +SKIP
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Sequence

import geopandas as gpd
import matplotlib
from matplotlib.figure import Figure

from landgis.catalog import table, text
from landgis.categories import NEUTRAL
from landgis.county import County
from landgis.figures import Figures, layer_figures
from landgis.render.fonts import pin_font, rc_params
from landgis.render.furniture import (
    INK,
    footer,
    frame_map,
    halo,
    header,
    locator,
    north_arrow,
    page,
    plot_crs,
    scale_bar,
)
from landgis.render.static import file_stem, save_figure, stacked_bars
from landgis.render.text import footer_lines, plan_title, unit_word
from landgis.units import format_area

__all__ = ["NO_LAYER", "NO_LAYER_EN", "no_layer_line", "outline_layer", "outline_sheet", "render_outline_maps"]

NO_LAYER = text("outline.no_layer", "zh")
NO_LAYER_EN = text("outline.no_layer", "en")
#: A city's plan by district (level ``prefecture``): the layer it needs is its districts'.
NO_DISTRICT_LAYER = text("outline.no_district_layer", "zh")
NO_DISTRICT_LAYER_EN = text("outline.no_district_layer", "en")
#: A plan of part of a city (成都市各区, 无锡市区, 某市市本级): not one county; its layer is the scope's own.
NO_SCOPE_LAYER = text("outline.no_scope_layer", "zh")
NO_SCOPE_LAYER_EN = text("outline.no_scope_layer", "en")

#: File name of the outline sheet (zh, en).
OUTLINE_STEM = (text("outline.file_stem", "zh"), text("outline.file_stem", "en"))

def _words(lang: str, unit_level: str = "township") -> dict:
    """The outline sheet's words in ``lang``, naming the plan's units (乡镇, or 区县 for a city)."""
    return table("outline", lang, unit_level=unit_level)


def no_layer_line(county: County, lang: str = "zh", scope: str | None = None) -> str:
    """The one line that says which layer to give: a county's townships, a city's districts, or the
    districts or areas of the part of a city a plan covers (``scope``, :attr:`landgis.plan.Plan.scope`).

    Examples
    --------
    >>> from landgis.county import find_county
    >>> no_layer_line(find_county("无锡市"), scope="市区")[:17]
    '本计划的范围是无锡市区，不是一个县'
    """
    name = county.name if lang == "zh" else county.name_en
    if scope:
        return (NO_SCOPE_LAYER if lang == "zh" else NO_SCOPE_LAYER_EN).format(
            county=name, scope=scope_name(county, scope) if lang == "zh" else scope)
    if county.level == "prefecture":
        return (NO_DISTRICT_LAYER if lang == "zh" else NO_DISTRICT_LAYER_EN).format(county=name)
    return (NO_LAYER if lang == "zh" else NO_LAYER_EN).format(county=name)


def scope_name(county: County, scope: str) -> str:
    """成都市 + 各区 → 成都市各区; 无锡市 + 市区 → 无锡市区 (one 市)."""
    return county.name + (scope[1:] if county.name.endswith("市") and scope.startswith("市") else scope)


def _scope(layer: gpd.GeoDataFrame) -> str | None:
    plan = layer.attrs.get("plan")
    return getattr(plan, "scope", None)


def outline_layer(layer: gpd.GeoDataFrame, county: County, figures: Figures | None = None) -> gpd.GeoDataFrame:
    """The county as one feature of an allocation layer: its outline with the plan's county figures.

    Each column holds the plan's own figure (计划总量, 供应结构) where it states one, else the
    townships' sum (:class:`landgis.figures.Figure` ``county``).

    Parameters
    ----------
    layer : geopandas.GeoDataFrame
        The allocation layer of the county's units (:func:`landgis.allocation.join`), geometry may be empty.
    county : County
    figures : landgis.figures.Figures, optional
        The run's figures; computed from ``layer`` when not given.

    Returns
    -------
    geopandas.GeoDataFrame
        One row, the columns of an allocation layer, ``attrs`` of ``layer`` with the outline's provenance.
    """
    figs = layer_figures(layer, county, figures=figures)
    outline = county.outline()
    cats = list(layer.attrs["categories"])
    row = {"code": [county.code], "name": [county.name], "name_en": [county.name_en],
           "area_km2": outline["area_km2"].to_numpy()}
    for col in [*cats, "total"]:
        row[col] = [float(figs.columns[col].county)]
    out = gpd.GeoDataFrame(row, geometry=outline.geometry.to_numpy(), crs=outline.crs)
    out["density"] = out["total"] / out["area_km2"]
    out["share"] = 1.0
    out.attrs = dict(layer.attrs)
    out.attrs["provenance"] = {**(outline.attrs.get("provenance") or {}),
                               "footnote": no_layer_line(county, "zh", _scope(layer)),
                               "footnote_en": no_layer_line(county, "en", _scope(layer))}
    return out


def outline_sheet(layer: gpd.GeoDataFrame, county: County, *, unit: str = "ha", lang: str = "zh",
                  figures: Figures | None = None) -> Figure:
    """An A4 landscape sheet: the county outline with its total, a table by category, a locator, the note.

    Parameters
    ----------
    layer : geopandas.GeoDataFrame
        The one-row layer of :func:`outline_layer`.
    county : County
    unit : {"ha", "mu", "m2"}
    lang : {"zh", "en"}

    Returns
    -------
    matplotlib.figure.Figure
    """
    with matplotlib.rc_context(rc_params()):
        figs = layer_figures(layer, county, unit, lang, figures)
        return pin_font(_outline_sheet(layer, county, unit, lang, figs))


def _outline_sheet(layer: gpd.GeoDataFrame, county: County, unit: str, lang: str, figs: Figures) -> Figure:
    fig, t = page(lang)
    o = _words(lang, figs.unit_level)
    u = unit_word(unit, lang)
    crs = plot_crs(layer, county)
    layer_p = layer.to_crs(crs)
    name = county.name if lang == "zh" else county.name_en
    scope = _scope(layer)
    if scope:  # 成都市各区: the plan's own scope, not the whole city the outline shows
        name = scope_name(county, scope) if lang == "zh" else f"{name} ({scope})"
    level = o["city"] if county.level == "prefecture" else o["county"]
    title = plan_title(layer, lang, county)
    header(fig, text("punct.titled", lang, title=title, what=t["total"]),
            o["subtitle"].format(county=name, level=level))

    ax = fig.add_axes((0.035, 0.12, 0.58, 0.74))
    layer_p.plot(ax=ax, facecolor=NEUTRAL["total"], edgecolor=INK, linewidth=1.2, alpha=0.85)
    frame_map(ax, layer_p)
    point = layer_p.geometry.iloc[0].representative_point()
    ax.text(point.x, point.y, f"{name}\n{format_area(layer['total'].iloc[0], unit, label=False)} {u}", ha="center", va="center", fontsize=12, color=INK,
            path_effects=halo(3))
    scale_bar(ax, lang)
    north_arrow(ax, lang)

    pref = county.prefecture_outline()
    if len(pref):
        locator(fig, (0.67, 0.56, 0.28, 0.30), layer_p, pref, crs, lang, county)

    rows = [[c, format_area(layer[c].iloc[0], unit, label=False)] for c in layer.attrs["categories"]]
    rows.append([o["total"], format_area(layer["total"].iloc[0], unit, label=False)])
    gap = figs.gap("total")
    if not figs.broken_down:
        rows.append([figs.label("townships"), figs.label("not_given")])
    elif gap is not None:  # the townships' sum and the difference, worded by its sign, under the plan's total
        rows.append([figs.label("townships"), figs.text(figs.total.townships, label=False)])
        rows.append([gap[0], gap[1].rsplit(" ", 1)[0]])
    fig.text(0.67, 0.50, o["table"].format(u=u), fontsize=10, color=INK, ha="left", va="baseline")
    tab = fig.add_axes((0.67, 0.50 - 0.032 * len(rows) - 0.01, 0.28, 0.032 * len(rows)))
    tab.axis("off")
    table = tab.table(cellText=rows, colLabels=None, loc="upper left", cellLoc="left", colWidths=[0.62, 0.38],
                      edges="horizontal")
    table.auto_set_font_size(False)
    table.set_fontsize(9)
    for (r, c), cell in table.get_celld().items():
        cell.set_edgecolor("#c8c8c8")
        if c == 1:
            cell._loc = "right"
    note = textwrap.fill(no_layer_line(county, lang, _scope(layer)), width=26 if lang == "zh" else 52, break_on_hyphens=False)
    fig.text(0.67, 0.12, note, fontsize=8.5, color="#a04000", ha="left", va="bottom", linespacing=1.4)
    footer(fig, footer_lines(layer, crs, lang, county))
    fig.set_label(f"{title} — {name}")
    return fig


def render_outline_maps(layer: gpd.GeoDataFrame, county: County, out_dir: str | Path, *,
                        formats: Sequence[str] = ("png", "svg", "pdf"), unit: str = "ha", lang: str = "zh",
                        dpi: int = 300, figures: Figures | None = None) -> list[Path]:
    """Write the outline sheet (``辖区供应总量.*``) and the bars by township (as :func:`render_maps` names them).

    Parameters
    ----------
    layer : geopandas.GeoDataFrame
        The allocation layer of the county's units (geometry may be empty).
    county : County
    out_dir : path
    formats, unit, lang, dpi, figures
        As for :func:`landgis.render.static.render_maps`.

    Returns
    -------
    list of Path
    """

    figs = layer_figures(layer, county, unit, lang, figures)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    sheets = {OUTLINE_STEM[0 if lang == "zh" else 1]: outline_sheet(outline_layer(layer, county, figs), county, unit=unit,
                                                                   lang=lang, figures=figs),
              file_stem(layer, "stacked-bars", lang): stacked_bars(layer, unit=unit, lang=lang, county=county,
                                                                   figures=figs)}
    return [save_figure(fig, out / f"{stem}.{fmt}", dpi=dpi) for stem, fig in sheets.items() for fmt in formats]
