"""拟供地块分布图: the checked parcels by land-use category over the townships, constraint layers hatched.

One A4 sheet with the furniture of the other print maps (:mod:`landgis.render.furniture`): title,
legend, north arrow, scale bar, locator, source line, drawn with the shipped CJK font. Parcels are
filled in their category's standard colour (:func:`landgis.categories.colour_for`), the colour the
choropleths and bar charts use; parcels outside the county are drawn too (the map frames them all).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Sequence

import geopandas as gpd
import matplotlib
import numpy as np
import pandas as pd
import shapely
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from landgis import units
from landgis.catalog import text
from landgis.categories import CONSTRAINT_STYLES, NEUTRAL, colour_for
from landgis.qa.checks import booked_category
from landgis.qa.labels import CONSTRAINT_HEADERS
from landgis.county import County
from landgis.render.fonts import pin_font, rc_params
from landgis.render.furniture import (INK, MUTED, drawing_layer, footer, frame_map, header, label_point, locator,
                                      north_arrow, page, place_labels, plot_crs, prefecture_layer, scale_bar)
from landgis.render.static import save_figure
from landgis.render.text import category_title, footer_lines, name_of, plan_title, unit_word

if TYPE_CHECKING:  # pragma: no cover
    from landgis.qa import QAResult

__all__ = ["parcel_map", "render_parcel_map", "PARCEL_MAP_STEM", "PARCEL_MAP_CAPTION", "parcel_categories"]

#: The sheet's file name (without suffix) by language.
PARCEL_MAP_STEM = ("拟供地块分布图", "proposed-parcels")
#: Its caption in the reports, by language.
PARCEL_MAP_CAPTION = ("拟供地块分布图", "Proposed parcels")

#: The hatch of each constraint layer; other names take the last.
HATCHES = {"永久基本农田": "////", "生态保护红线": "\\\\\\\\", "城镇开发边界": "..", None: "xx"}

_TEXT = {
    "zh": {"title": "拟供地块分布图", "subtitle": "拟供地块按用地类型着色；三区三线控制线以斜线表示",
           "legend": "用地类型", "constraints": "控制线", "other": "其他或未识别", "count": "{n} 宗",
           "parcels": "地块 {n} 宗，图形面积合计 {a} {u}", "outside": "{n} 宗位于辖区外",
           "points": "{n} 宗仅有坐标点（以圆点表示）",
           "overlap": "与{name}重叠：{n} 宗，{a} {u}", "beyond": "部分位于{name}外：{n} 宗，{a} {u}"},
    "en": {"title": "Proposed parcels", "subtitle": "Parcels by land-use category; constraint layers hatched",
           "legend": "Land-use category", "constraints": "Constraint layers", "other": "Other or unknown",
           "count": "{n}", "parcels": "{n} parcels, {a} {u} drawn", "outside": "{n} outside the county",
           "points": "{n} given as points only (dots)",
           "overlap": "Overlapping {name}: {n}, {a} {u}", "beyond": "Partly outside {name}: {n}, {a} {u}"},
}
_OTHER = "#bdbdbd"


def parcel_categories(result: QAResult, plan_categories: Sequence[str] = (), system: str | None = None) -> pd.Series:
    """Each parcel's category as QA books it (the plan's name, else the registry's), or None when unknown.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from types import SimpleNamespace
    >>> r = SimpleNamespace(parcels=gpd.GeoDataFrame({"用途": ["工业用地", "菜园", None]}),
    ...                     fields={"category": "用途"})
    >>> parcel_categories(r, ["工矿仓储用地"]).tolist()
    ['工矿仓储用地', None, None]
    """
    col = (result.fields or {}).get("category")
    if not col or col not in result.parcels.columns:
        return pd.Series([None] * len(result.parcels), index=result.parcels.index, dtype=object)
    plan = list(plan_categories)

    def name(value) -> str | None:
        if not isinstance(value, str) or not value.strip():
            return None
        return booked_category(value.strip(), plan, system)[1]

    return pd.Series([name(v) for v in result.parcels[col]], index=result.parcels.index, dtype=object)


def _colour(category: str | None) -> str:
    if category is None or category in NEUTRAL:
        return _OTHER
    colour = colour_for(category)
    return _OTHER if colour == NEUTRAL["total"] else colour


def parcel_map(result: QAResult, layer: gpd.GeoDataFrame, *, county: County, unit: str = "ha",
               lang: str = "zh", prefecture: gpd.GeoDataFrame | None = None) -> Figure:
    """The 拟供地块分布图 sheet of a QA result.

    Parameters
    ----------
    result : landgis.qa.QAResult
        A local-engine result (parcels in memory); its ``constraint_layers`` are hatched.
    layer : geopandas.GeoDataFrame
        The atlas' allocation layer (:func:`landgis.allocation.join`): the townships drawn under
        the parcels, the plan's categories and the source line.
    county : landgis.county.County
    unit : {"ha", "mu", "m2"}
    lang : {"zh", "en"}
    prefecture : geopandas.GeoDataFrame, optional
        Counties for the locator (default: the county's prefecture).

    Returns
    -------
    matplotlib.figure.Figure
        With ``fig.landgis_parcel_counts`` (category or None → number of parcels drawn).

    Examples
    --------
    >>> fig = parcel_map(result, layer, county=plan.county)  # doctest: +SKIP
    """
    t = _TEXT[lang]
    unit = units.display_unit(unit)
    u = unit_word(unit, lang)
    with matplotlib.rc_context(rc_params()):
        crs = plot_crs(layer, county)
        towns = drawing_layer(layer, crs)
        parcels = result.parcels.to_crs(crs)
        cats = parcel_categories(result, layer.attrs.get("categories") or (),
                                 getattr(layer.attrs.get("plan"), "category_system", None))
        geom = parcels.geometry
        usable = geom.notna() & ~geom.is_empty
        usable &= np.isfinite(geom.bounds.to_numpy(dtype=float)).all(axis=1)  # nothing a projection cannot place
        fig, _ = page(lang)
        header(fig, text("punct.titled", lang, title=plan_title(layer, lang, county), what=t["title"]), t["subtitle"])
        ax = fig.add_axes((0.035, 0.105, 0.60, 0.765))
        towns.plot(ax=ax, facecolor="#f7f7f5", edgecolor="#9a9a9a", linewidth=0.45)
        gpd.GeoSeries([towns.union_all()], crs=crs).boundary.plot(ax=ax, color=INK, linewidth=1.1)
        # framed on the townships holding parcels and every parcel (outside ones too): parcels of a few
        # hectares stay visible; the locator and the township names keep the county around them
        held = set(result.parcels["township_found"].dropna().astype(str))
        around = towns[towns["name"].astype(str).isin(held)] if held else towns
        extent = gpd.GeoDataFrame(geometry=[*around.geometry, *geom[usable]], crs=crs)
        frame_map(ax, extent, pad=0.05)
        (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
        box = shapely.box(x0, y0, x1, y1)
        c_handles, c_labels = _draw_constraints(ax, result, crs, box)
        inner = shapely.box(x0 + (x1 - x0) * 0.04, y0 + (y1 - y0) * 0.04, x1 - (x1 - x0) * 0.04, y1 - (y1 - y0) * 0.04)
        items = [(p.x, p.y, name_of(row, lang), row.geometry.area, "#f7f7f5")
                 for (_, row), p in ((r, label_point(r[1].geometry.intersection(box))) for r in towns.iterrows()
                                     if r[1].geometry.intersects(box)) if inner.contains(p)]  # names in the frame only
        place_labels(ax, items, fontsize=7)
        counts = _draw_parcels(ax, geom[usable], cats[usable])
        ax.set_xlabel("")  # geopandas labels the axes of a projected layer; a sheet has no axis titles
        ax.set_ylabel("")
        north_arrow(ax, lang)
        scale_bar(ax, lang)
        pref = prefecture_layer(county, prefecture)
        if pref is not None:
            locator(fig, (0.675, 0.64, 0.29, 0.215), towns, pref, crs, lang, county)
        handles, labels = [], []
        order = [*dict.fromkeys([*(layer.attrs.get("categories") or ()), *sorted(c for c in counts if c)])]
        for cat in [c for c in order if c in counts] + ([None] if None in counts else []):
            handles.append(Patch(facecolor=_colour(cat), edgecolor=INK, linewidth=0.5))
            labels.append(f"{category_title(cat, lang) if cat else t['other']}    ({t['count'].format(n=counts[cat])})")
        leg_ax = fig.add_axes((0.675, 0.105, 0.29, 0.51))
        leg_ax.set_axis_off()
        leg = leg_ax.legend(handles, labels, title=t["legend"], loc="upper left", frameon=False, fontsize=8.5,
                            title_fontsize=9.5, handlelength=2.4, handleheight=1.3, labelspacing=0.6,
                            borderaxespad=0.0, alignment="left")
        leg.get_title().set_color(INK)
        if c_handles:
            leg_ax.add_artist(leg)
            leg_ax.legend(c_handles, c_labels, title=t["constraints"], loc="center left", frameon=False,
                          fontsize=8.5, title_fontsize=9.5, handlelength=2.4, handleheight=1.3,
                          borderaxespad=0.0, alignment="left", bbox_to_anchor=(0.0, 0.42))
        leg_ax.text(0.0, 0.0, "\n".join(summary_lines(result, unit, lang)), transform=leg_ax.transAxes,
                    fontsize=8, color=MUTED, ha="left", va="bottom", linespacing=1.55)
        footer(fig, footer_lines(layer, crs, lang, county))
        fig.set_label(f"{plan_title(layer, lang, county)} {t['title']}")
        fig.landgis_parcel_counts = counts
        pin_font(fig)
    return fig


def _draw_constraints(ax, result: QAResult, crs, box) -> tuple[list, list]:
    """Each constraint layer's polygons within the map frame, hatched in its colour."""
    handles, labels = [], []
    for name, layer in (getattr(result, "constraint_layers", None) or {}).items():
        colour = CONSTRAINT_STYLES.get(name, CONSTRAINT_STYLES[None])[0]
        hatch = HATCHES.get(name, HATCHES[None])
        lg = layer.to_crs(crs)
        lg = lg.iloc[np.unique(lg.sindex.query(box, predicate="intersects"))]
        if len(lg):
            drawn = drawing_layer(lg[[lg.geometry.name]], crs)
            drawn.plot(ax=ax, facecolor="none", edgecolor=colour, hatch=hatch, linewidth=0.35, zorder=3)
        handles.append(Patch(facecolor="none", edgecolor=colour, hatch=hatch, linewidth=0.6))
        labels.append(str(name))
    return handles, labels


def _draw_parcels(ax, geom: gpd.GeoSeries, cats: pd.Series) -> dict:
    """Polygons filled in their category's colour, points as dots; returns the count per category."""
    counts: dict = {}
    polys = geom.geom_type.isin(["Polygon", "MultiPolygon"]).to_numpy()
    colours = np.array([_colour(c) for c in cats], dtype=object)
    if polys.any():
        gpd.GeoSeries(geom[polys].values, crs=geom.crs).plot(ax=ax, color=list(colours[polys]), edgecolor=INK,
                                                             linewidth=0.5, zorder=5)
    pts = ~polys
    if pts.any():
        centres = shapely.centroid(np.asarray(geom[pts].values, dtype=object))
        ax.scatter(shapely.get_x(centres), shapely.get_y(centres), s=22, c=list(colours[pts]), edgecolors=INK,
                   linewidths=0.5, zorder=6)
    for c in cats:
        counts[c] = counts.get(c, 0) + 1
    return counts


def summary_lines(result: QAResult, unit: str, lang: str) -> list[str]:
    """The sheet's summary: parcels and their drawn area, outside the county, and each constraint's overlap."""
    t = _TEXT[lang]
    u = unit_word(unit, lang)
    p = result.parcels
    area = float(pd.to_numeric(p["area_ha"], errors="coerce").fillna(0).sum())
    lines = [t["parcels"].format(n=len(p), a=units.format_area(area, unit, lang=lang, label=False), u=u)]
    geom = p.geometry
    usable = geom.notna() & ~geom.is_empty
    outside = int((usable & p["township_found"].isna()).sum())
    if outside:
        lines.append(t["outside"].format(n=outside))
    points = int((usable & ~geom.geom_type.isin(["Polygon", "MultiPolygon"])).sum())
    if points:
        lines.append(t["points"].format(n=points))
    table = getattr(result, "constraints", None)
    if table is not None and len(table):
        for name, rows in table.groupby("constraint", sort=False):
            hit = rows[rows["overlap_m2"] > 0]
            if len(hit):
                lines.append(t["overlap"].format(name=name, n=len(hit), u=u, a=units.format_area(
                    float(hit["overlap_m2"].sum()) / 10_000, unit, lang=lang, label=False)))
            out = rows[rows["outside_m2"].fillna(0) > 0]
            if len(out):
                lines.append(t["beyond"].format(name=name, n=len(out), u=u, a=units.format_area(
                    float(out["outside_m2"].sum()) / 10_000, unit, lang=lang, label=False)))
    return lines


def render_parcel_map(result: QAResult, layer: gpd.GeoDataFrame, out_dir: str | Path, *, county: County,
                      formats: Sequence[str] = ("png", "svg", "pdf"), unit: str = "ha", lang: str = "zh",
                      dpi: int = 300) -> list[Path]:
    """Write the 拟供地块分布图 sheet in ``formats`` into ``out_dir`` (each file atomically).

    Returns
    -------
    list of pathlib.Path

    Examples
    --------
    >>> render_parcel_map(result, layer, "maps", county=plan.county, formats=("pdf",))  # doctest: +SKIP
    [PosixPath('maps/拟供地块分布图.pdf')]
    """

    fig = parcel_map(result, layer, county=county, unit=unit, lang=lang)
    stem = PARCEL_MAP_STEM[0 if lang == "zh" else 1]
    return [save_figure(fig, Path(out_dir) / f"{stem}.{fmt}", dpi=dpi) for fmt in formats]


def constraint_rows(result: QAResult, unit: str = "ha", lang: str = "zh") -> tuple[list[str], list[list[str]]]:
    """The per township × constraint table of the reports: header and rows of text, areas in ``unit``.

    Empty (``[], []``) when no constraint layer was checked.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> by = pd.DataFrame({"township_found": ["连州镇"], "constraint": ["永久基本农田"], "parcels_overlapping": [2],
    ...                    "overlap_m2": [1500.0], "parcels_outside": [0], "outside_m2": [0.0]})
    >>> constraint_rows(SimpleNamespace(constraints_by_township=by), "mu")
    (['所在乡镇', '管控图层', '重叠地块数', '重叠面积（亩）', '图层外地块数', '图层外面积（亩）'], [['连州镇', '永久基本农田', '2', '2.25', '0', '0.00']])
    """

    by = getattr(result, "constraints_by_township", None)
    if by is None:
        return [], []
    unit = units.display_unit(unit)
    u = unit_word(unit, lang)
    cols = ["township_found", "constraint", "parcels_overlapping", "overlap_m2", "parcels_outside", "outside_m2"]
    header = [CONSTRAINT_HEADERS[lang][c].format(u=u) for c in cols]
    places = units.PRECISION[unit]["table"]
    rows = []
    for r in by.itertuples(index=False):
        town = str(r.township_found)
        if lang == "en" and town == "（县界外）":
            town = "(outside the county)"
        rows.append([town, str(r.constraint), str(int(r.parcels_overlapping)),
                     units.format_number(float(r.overlap_m2) / 10_000 * units.factor(unit), places),
                     str(int(r.parcels_outside)),
                     units.format_number(float(r.outside_m2) / 10_000 * units.factor(unit), places)])
    return header, rows
