"""Print-quality thematic maps and charts of an allocation layer (PNG 300 dpi, SVG, PDF): the sheets.

One public function per job:

* :func:`choropleth` — one A4 map of a category, the total or the density (``ax=`` draws into
  your own axes instead);
* :func:`small_multiples` — every category on the same layout and the same classes;
* :func:`stacked_bars` — hectares by category per township;
* :func:`save_figure` — one figure, written atomically;
* :func:`render_maps` — all of the above, written atomically in the requested formats.

The classes are the run's (:func:`landgis.render.classes.run_classes`, kept in the figures); the page furniture from
:mod:`landgis.render.furniture` and every word from :mod:`landgis.render.text`. Every figure is
drawn with the shipped CJK font (:mod:`landgis.render.fonts`).
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Sequence

import geopandas as gpd
import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from landgis.catalog import message, text
from landgis import units
from landgis.figures import Figures, layer_figures
from landgis.categories import NEUTRAL, colour_for, lookup, ramp
from landgis.county import County, resolve_county
from landgis.errors import InputError
from landgis.render.classes import (
    NO_SUPPLY_FACE,
    NO_SUPPLY_HATCH,
    SCHEMES,
    Classification,
    resolve_column,
    run_classes,
    run_pooled_classes,
)
from landgis.render.drawing import FORMATS, Sheet, draw_sheets, save_figure
from landgis.render.fonts import pin_font, rc_params
from landgis.render.furniture import (
    INK,
    MUTED,
    drawing_layer,
    footer,
    frame_map,
    header,
    label_point,
    locator,
    north_arrow,
    page,
    place_labels,
    plot_crs,
    prefecture_layer,
    scale_bar,
)
from landgis.render.text import (
    category_title,
    density_word,
    footer_lines,
    name_of,
    plan_title,
    source_title,
    texts,
    texts_for,
    unit_word,
    version,
)

__all__ = [
    "Classification",
    "SCHEMES",
    "choropleth",
    "small_multiples",
    "stacked_bars",
    "save_figure",
    "file_stem",
    "render_maps",
    "plot_crs",
]



def _draw_classes(ax, layer_p: gpd.GeoDataFrame, cls: Classification, *, edge: float = 0.6) -> None:
    names = [str(n) for n in layer_p["name"]]
    faces = [cls.colour_of(n) for n in names]
    supplied = np.array([cls.assignment[n] >= 0 for n in names])
    if supplied.any():
        layer_p[supplied].plot(ax=ax, color=[f for f, s in zip(faces, supplied) if s], linewidth=0)
    if (~supplied).any():
        layer_p[~supplied].plot(ax=ax, facecolor=NO_SUPPLY_FACE, edgecolor=NO_SUPPLY_HATCH, hatch="////",
                                linewidth=0)
    layer_p.boundary.plot(ax=ax, color="white", linewidth=edge * 1.6)
    layer_p.boundary.plot(ax=ax, color="#6f6f6f", linewidth=edge * 0.55)
    gpd.GeoSeries([layer_p.union_all()], crs=layer_p.crs).boundary.plot(ax=ax, color=INK, linewidth=edge * 2.0)


def _legend_handles(cls: Classification, t: dict) -> tuple[list, list]:
    handles, labels = [], []
    for colour, label, n in zip(cls.colours, cls.labels, cls.counts):
        handles.append(Patch(facecolor=colour, edgecolor="#6f6f6f", linewidth=0.5))
        labels.append(f"{label}    ({t['count'].format(n=n)})")
    handles.reverse()  # highest class on top, as planners read a legend
    labels.reverse()
    if cls.no_supply:
        handles.append(Patch(facecolor=NO_SUPPLY_FACE, edgecolor=NO_SUPPLY_HATCH, hatch="////", linewidth=0.5))
        labels.append(f"{t['no_supply']}    ({t['count'].format(n=len(cls.no_supply))})")
    return handles, labels


# --- the maps --------------------------------------------------------------------------------
def choropleth(
    layer: gpd.GeoDataFrame,
    column: str,
    *,
    scheme: str = "natural_breaks",
    k: int | None = None,
    breaks: Sequence[float] | None = None,
    unit: str = "ha",
    lang: str = "zh",
    prefecture: gpd.GeoDataFrame | None = None,
    ax=None,
    county: County | str | None = None,
    figures: Figures | None = None,
) -> Figure:
    """A choropleth of one category, the total or the density: an A4 landscape sheet, or into ``ax``.

    Parameters
    ----------
    layer : geopandas.GeoDataFrame
        An allocation layer (:func:`landgis.allocation.join`).
    column : str
        A category (canonical name or alias), ``"total"`` or ``"density"``.
    scheme, k, breaks, unit
        The classes, as for :func:`landgis.render.classes.classify`, taken from the run's figures
        (:func:`landgis.render.classes.run_classes`); ``unit`` is ``"ha"``, ``"mu"`` or ``"m2"`` (the
        figures' unit when ``figures`` is given).
    lang : str
        ``"zh"`` (default) or ``"en"``.
    prefecture : geopandas.GeoDataFrame, optional
        Counties of the prefecture for the locator map of the sheet; by default the counties of the
        county's own prefecture (:mod:`landgis.county`) when the layer is of one of its counties (no
        locator otherwise).
    ax : matplotlib.axes.Axes, optional
        Draw the map, its labels, scale bar, north arrow and legend into these axes of your own
        figure instead of making a sheet (as osmnx's plot functions do).
    county : landgis.county.County or str
        The county of the map (its words 全县/全市, names and locator); required for a sheet
        (``plan.county``, or what ``--county`` names). Not needed with ``ax``.

    Returns
    -------
    matplotlib.figure.Figure
        The sheet, or ``ax.figure``; the classification used is ``fig.landgis_classification``
        (and ``ax.landgis_classification``). Every text is tied to the shipped CJK font file.

    Raises
    ------
    InputError
        For an unknown column, scheme, unit or language, or bad breaks.

    Examples
    --------
    >>> import landgis
    >>> plan = landgis.parse_plan(landgis.plan.SEED_PLAN)  # doctest: +SKIP
    >>> layer = landgis.join(plan, landgis.load_townships(county=plan.county))  # doctest: +SKIP
    >>> landgis.choropleth(layer, "工矿仓储用地", county=plan.county).savefig("工矿仓储用地.png", dpi=300)  # doctest: +SKIP
    >>> import matplotlib.pyplot as plt  # doctest: +SKIP
    >>> fig, (a, b) = plt.subplots(1, 2)  # doctest: +SKIP
    >>> landgis.choropleth(layer, "住宅用地", ax=a); landgis.choropleth(layer, "total", ax=b)  # doctest: +SKIP
    """
    texts(lang)
    with matplotlib.rc_context(rc_params()):
        the_county = resolve_county(county, what="choropleth") if ax is None or county is not None else None
        figs = layer_figures(layer, the_county, unit, lang, figures)
        cls = run_classes(figs, layer, column, scheme=scheme, k=k, breaks=breaks)
        crs = plot_crs(layer, the_county)
        layer_p = drawing_layer(layer, crs)
        if ax is None:
            fig = _choropleth_sheet(layer, layer_p, cls, crs, lang, prefecture, the_county, figs)
        else:
            fig = ax.figure
            _map_panel(ax, layer_p, cls, lang, fontsize=7)
            handles, labels = _legend_handles(cls, texts(lang))
            ax.legend(handles, labels, title=_legend_title(cls, lang), loc="lower right", fontsize=7,
                      title_fontsize=8, framealpha=0.9)
            ax.landgis_classification = cls
        fig.landgis_classification = cls
        pin_font(fig)
    return fig


def _legend_title(cls: Classification, lang: str) -> str:
    t = texts(lang)
    if cls.column == "density":
        return t["legend_density"].format(u=density_word(lang))
    return t["legend"].format(u=unit_word(cls.unit, lang))


def _map_panel(ax, layer_p: gpd.GeoDataFrame, cls: Classification, lang: str, *, fontsize: float = 8) -> None:
    """The classes, township labels with values, north arrow and scale bar, in ``ax``."""
    _draw_classes(ax, layer_p, cls)
    frame_map(ax, layer_p, pad=0.06)
    items = []
    for _, row in layer_p.iterrows():
        name = str(row["name"])
        pt = label_point(row.geometry)
        value = cls.values[name]
        text = name_of(row, lang) if value == 0 else f"{name_of(row, lang)}\n{cls.format(value)}"
        items.append((pt.x, pt.y, text, row.geometry.area, cls.colour_of(name)))
    place_labels(ax, items, fontsize=fontsize)
    north_arrow(ax, lang)
    scale_bar(ax, lang)


def _choropleth_sheet(layer: gpd.GeoDataFrame, layer_p: gpd.GeoDataFrame, cls: Classification, crs,
                      lang: str, prefecture: gpd.GeoDataFrame | None, county: County, figs: Figures) -> Figure:
    """The A4 sheet: header, map, locator, legend, the county figures and the footer."""
    fig, t = page(lang)
    t = texts_for(county, lang)
    u = unit_word(cls.unit, lang)
    what = category_title(cls.column, lang)
    header(fig, text("punct.titled", lang, title=plan_title(layer, lang, county), what=what),
           t["subtitle_density"] if cls.column == "density" else t["subtitle_cat"]
           + text("punct.bracketed", lang, x=u))
    _map_panel(fig.add_axes((0.035, 0.105, 0.60, 0.765)), layer_p, cls, lang)
    # Right column: locator, legend, summary.
    pref = prefecture_layer(county, prefecture)
    if pref is not None:
        locator(fig, (0.675, 0.565, 0.29, 0.29), layer_p, pref, crs, lang, county)
    handles, labels = _legend_handles(cls, t)
    leg_ax = fig.add_axes((0.675, 0.105, 0.29, 0.43))
    leg_ax.set_axis_off()
    leg = leg_ax.legend(handles, labels, title=_legend_title(cls, lang), loc="upper left", frameon=False,
                        fontsize=9, title_fontsize=10, handlelength=2.6, handleheight=1.5, labelspacing=0.75,
                        borderaxespad=0.0, alignment="left")
    leg.get_title().set_color(INK)
    leg_ax.text(0.0, 0.0, "\n".join(summary_lines(layer, cls, lang, county, figs)), transform=leg_ax.transAxes, fontsize=8.5,
                color=MUTED, ha="left", va="bottom", linespacing=1.6)
    footer(fig, footer_lines(layer, crs, lang, county))
    fig.set_label(f"{plan_title(layer, lang, county)} {what}")
    return fig


def summary_lines(layer: gpd.GeoDataFrame, cls: Classification, lang: str, county: County,
                  figures: Figures | None = None) -> list[str]:
    """The sheet's summary block: the plan's 全市 figure, 乡镇合计 and 未落实到乡镇 where they differ,
    how many townships have supply, and the largest."""
    t = texts_for(county, lang)
    figs = layer_figures(layer, county, cls.unit, lang, figures)
    supplied = cls.values[cls.values > 0]
    if cls.column == "density":
        lines = [t["summary_density"].format(v=units.format_density(figs.density(), lang=lang, label=False),
                                             u=density_word(lang))]
        shown = units.format_density(float(supplied.max()), lang=lang) if len(supplied) else ""
    else:
        lines = figs.lines(cls.column)
        shown = f"{cls.format(float(supplied.max()))} {unit_word(cls.unit, lang)}" if len(supplied) else ""
    lines.append(t["supplied"].format(n=len(supplied)))
    if len(supplied):
        top = supplied.idxmax()
        if lang == "en":
            hit = layer.loc[layer["name"] == top, "name_en"]
            top = str(hit.iloc[0]) if len(hit) and isinstance(hit.iloc[0], str) else top
        lines.append(t["top"].format(name=top, v=shown))
    return lines


def small_multiples(
    layer: gpd.GeoDataFrame,
    categories: Sequence[str] | None = None,
    *,
    scheme: str = "natural_breaks",
    k: int | None = None,
    breaks: Sequence[float] | None = None,
    unit: str = "ha",
    lang: str = "zh",
    county: County | str | None = None,
    figures: Figures | None = None,
) -> Figure:
    """Every category on the same layout, with one set of classes so that the panels compare.

    The classes are computed over the supplied values of all categories together; each panel is
    filled in its category's colour ramp. A key panel names the townships.

    Parameters
    ----------
    layer : geopandas.GeoDataFrame
        An allocation layer.
    categories : sequence of str, optional
        Categories to show; by default ``layer.attrs["categories"]``.
    scheme, k, breaks, unit, lang, county
        As for :func:`choropleth`.

    Returns
    -------
    matplotlib.figure.Figure
        With the shared classification as ``fig.landgis_classification`` and each panel's as
        ``fig.landgis_panels`` (category → Classification).
    """
    county = resolve_county(county, what="small_multiples")
    figs = layer_figures(layer, county, unit, lang, figures)
    cats = [resolve_column(layer, c) for c in (categories or layer.attrs.get("categories") or [])]
    if not cats:
        raise InputError(message("the layer names no categories to draw"))
    with matplotlib.rc_context(rc_params()):
        # One classification over all categories (mapclassify.Pooled), so that the panels compare.
        pooled, panels = run_pooled_classes(figs, layer, cats, scheme=scheme, k=k, breaks=breaks)
        crs = plot_crs(layer, county)
        layer_p = drawing_layer(layer, crs)  # the full-page maps' borders: simplified once for both
        fig, t = page(lang)
        t = texts_for(county, lang)
        u = unit_word(unit, lang)
        header(fig, t["sm_title"].format(title=plan_title(layer, lang, county)),
                t["subtitle_cat"] + text("punct.bracketed", lang, x=u))
        ncols = 4
        nrows = max(2, math.ceil((len(cats) + 2) / ncols))
        left, right, bottom, top = 0.035, 0.965, 0.095, 0.845
        gap_x, gap_y = 0.012, 0.045
        w = (right - left - gap_x * (ncols - 1)) / ncols
        h = (top - bottom - gap_y * (nrows - 1)) / nrows

        def cell(i: int):
            r, c = divmod(i, ncols)
            return fig.add_axes((left + c * (w + gap_x), top - (r + 1) * h - r * gap_y, w, h))

        for i, cat in enumerate(cats):
            ax = cell(i)
            panel = panels[cat]
            _draw_classes(ax, layer_p, panel, edge=0.45)
            frame_map(ax, layer_p, pad=0.04)
            # The plan's 全市 figure; 乡镇合计 and 未落实到乡镇 under it where they differ.
            lines = figs.lines(cat)
            ax.set_title(f"{category_title(cat, lang)}  {lines[0]}" + "".join(f"\n{x}" for x in lines[1:2])
                         + "".join(f" · {x}" for x in lines[2:]), fontsize=8.2, color=INK, pad=3, loc="left",
                         linespacing=1.25)
            # The panel's own ramp as a strip under the map.
            _class_strip(ax, panel)
        key = cell(len(cats))
        _draw_key(key, layer_p, lang, county)
        info = cell(len(cats) + 1)
        info.set_axis_off()
        handles = [Patch(facecolor=c, edgecolor="#6f6f6f", linewidth=0.5) for c in ramp("#777777", pooled.k)]
        labels = list(pooled.labels)
        handles.reverse()
        labels.reverse()
        handles.append(Patch(facecolor=NO_SUPPLY_FACE, edgecolor=NO_SUPPLY_HATCH, hatch="////", linewidth=0.5))
        labels.append(t["no_supply"])
        info.legend(handles, labels, title=t["legend"].format(u=u), loc="upper left", frameon=False, fontsize=8,
                    title_fontsize=9, handlelength=2.2, handleheight=1.3, borderaxespad=0.3, alignment="left")
        note = text("sheet.sm_note", lang)
        info.text(0.02, 0.02, note, transform=info.transAxes, fontsize=7.2, color=MUTED, wrap=True, va="bottom")
        footer(fig, footer_lines(layer, crs, lang, county))
        fig.landgis_classification = pooled
        fig.landgis_panels = panels
        pin_font(fig)
    return fig


def _class_strip(ax, cls: Classification) -> None:
    """A row of the panel's class colours along the bottom edge, lightest left."""
    n = len(cls.colours)
    for i, colour in enumerate(cls.colours):
        ax.add_patch(Rectangle((0.97 - (n + 1) * 0.07 - 0.02 + i * 0.07, 0.03), 0.07, 0.035, transform=ax.transAxes,
                               facecolor=colour, edgecolor="#6f6f6f", linewidth=0.3, zorder=30))
    if n:
        ax.add_patch(Rectangle((0.97 - 0.07, 0.03), 0.07, 0.035, transform=ax.transAxes,
                               facecolor=NO_SUPPLY_FACE, edgecolor=NO_SUPPLY_HATCH, hatch="////",
                               linewidth=0.3, zorder=30))


def _draw_key(ax, layer_p: gpd.GeoDataFrame, lang: str, county: County) -> None:
    """The key panel: township names on plain polygons, north arrow and scale bar."""
    layer_p.plot(ax=ax, facecolor="#f7f7f5", edgecolor="#8a8a8a", linewidth=0.45)
    gpd.GeoSeries([layer_p.union_all()], crs=layer_p.crs).boundary.plot(ax=ax, color=INK, linewidth=0.9)
    frame_map(ax, layer_p, pad=0.04)
    items = []
    for _, row in layer_p.iterrows():
        pt = label_point(row.geometry)
        items.append((pt.x, pt.y, name_of(row, lang), row.geometry.area))
    place_labels(ax, items, fontsize=6.5)
    ax.set_title(texts_for(county, lang)["sm_names"], fontsize=9, color=INK, pad=3, loc="left")
    north_arrow(ax, lang, loc=(0.9, 0.84), size=0.12, fontsize=7)
    scale_bar(ax, lang, loc=(0.05, 0.05), frac=0.35, fontsize=6)


def stacked_bars(
    layer: gpd.GeoDataFrame,
    categories: Sequence[str] | None = None,
    *,
    unit: str = "ha",
    lang: str = "zh",
    county: County | str | None = None,
    figures: Figures | None = None,
) -> Figure:
    """Hectares (or mu) by category per township, as horizontal stacked bars, largest on top.

    Parameters
    ----------
    layer : geopandas.GeoDataFrame
        An allocation layer.
    categories : sequence of str, optional
        By default ``layer.attrs["categories"]``.
    unit, lang, county
        As for :func:`choropleth`.

    Returns
    -------
    matplotlib.figure.Figure
        With the plotted table (townships × categories, in the unit) as ``fig.landgis_table``.
    """
    county = resolve_county(county, what="stacked_bars")
    figs = layer_figures(layer, county, unit, lang, figures)
    cats = [resolve_column(layer, c) for c in (categories or layer.attrs.get("categories") or [])]
    if not cats:
        raise InputError(message("the layer names no categories to draw"))
    unit = units.display_unit(unit)
    factor = units.factor(unit)
    with matplotlib.rc_context(rc_params()):
        fig, t = page(lang)
        t = texts_for(county, lang)
        u = unit_word(unit, lang)
        names = [name_of(row, lang) for _, row in layer.iterrows()]
        table = pd.DataFrame({c: layer[c].astype(float).to_numpy() * factor for c in cats}, index=names)
        table = table.loc[table.sum(axis=1).sort_values(ascending=True, kind="stable").index]
        header(fig, t["bars_title"].format(title=plan_title(layer, lang, county)), t["bars_x"].format(u=u))
        ax = fig.add_axes((0.13, 0.13, 0.64, 0.72))
        left = np.zeros(len(table))
        y = np.arange(len(table))
        for cat in cats:
            colour = colour_for(cat) if cat not in NEUTRAL else "#999999"
            ax.barh(y, table[cat], left=left, height=0.66, color=colour, edgecolor="#555555", linewidth=0.35,
                    label=category_title(cat, lang))
            left += table[cat].to_numpy()
        totals = table.sum(axis=1).to_numpy()
        span = float(totals.max()) if len(totals) and totals.max() > 0 else 1.0
        for yi, tot in zip(y, totals):
            text = units.format_number(tot, units.PRECISION[unit]["map"]) if tot > 0 else t["no_supply"]
            ax.text(tot + span * 0.012, yi, text, va="center", ha="left", fontsize=8.5,
                    color=INK if tot > 0 else MUTED)
        ax.set_yticks(y)
        ax.set_yticklabels(table.index, fontsize=9.5)
        ax.set_xlim(0, span * 1.12)
        ax.set_ylim(-0.6, len(table) - 0.4)
        ax.xaxis.grid(True, color="#dddddd", linewidth=0.6)
        ax.set_axisbelow(True)
        ax.set_xlabel(t["bars_x"].format(u=u), fontsize=9.5, color=INK)
        ax.tick_params(axis="both", length=0, labelcolor=INK)
        ax.tick_params(axis="x", labelsize=8.5)
        for side in ("top", "right", "left"):
            ax.spines[side].set_visible(False)
        ax.spines["bottom"].set_color("#888888")
        ax.legend(loc="upper left", bbox_to_anchor=(1.03, 1.0), frameon=False, fontsize=9,
                  title=t["legend_category"], title_fontsize=10, alignment="left",
                  handlelength=1.6, handleheight=1.1, labelspacing=0.8)
        ax.text(1.03, 0.0, "\n".join(figs.lines("total")), transform=ax.transAxes,
                fontsize=9, color=MUTED, va="bottom", linespacing=1.5)
        source = texts(lang)["source"].format(title=source_title(layer, lang, county))
        footer(fig, [source, texts(lang)["made"].format(v=version())])
        fig.landgis_table = table.iloc[::-1]
        pin_font(fig)
    return fig


# --- writing -------------------------------------------------------------------------------
#: File names of the sheets that are not one column's map.
SHEET_STEMS = {"small-multiples": (text("sheet.stem_small_multiples", "zh"), text("sheet.stem_small_multiples", "en")),
               "stacked-bars": (text("sheet.stem_stacked_bars", "zh"), text("sheet.stem_stacked_bars", "en"))}


#: The small multiples' drawing cost against one map's (the seed's six panels: 1.4 s against 0.9 s), so that the
#: workers get that sheet first (render.drawing.Sheet.cost).
SMALL_MULTIPLES_COST = 1.5


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def file_stem(layer: gpd.GeoDataFrame, column: str, lang: str = "zh") -> str:
    """The file name (without suffix) of a map: what it shows, in the sheet's language.

    ``工矿仓储用地``, ``供应总量``, ``供应强度``, ``各类用地一览`` in Chinese; ``industrial-mining-and-storage``,
    ``total-supply`` … in English. Characters a file system refuses become ``_``.

    Examples
    --------
    >>> file_stem(None, "total")
    '供应总量'
    """
    if column in SHEET_STEMS:
        return SHEET_STEMS[column][0 if lang == "zh" else 1]
    if lang == "zh":
        return re.sub(r'[\\/:*?"<>|\s]+', "_", category_title(column, "zh")).strip("_")
    if column in ("total", "density"):
        return _slug(category_title(column, "en"))
    cat = lookup(column)
    cats = list((layer.attrs.get("categories") or []) if layer is not None else [])
    return _slug(cat.name_en) if cat is not None else f"category-{cats.index(column) + 1 if column in cats else 0}"


def render_maps(
    layer: gpd.GeoDataFrame,
    out_dir: str | Path,
    *,
    categories: Sequence[str] | None = None,
    formats: Sequence[str] = FORMATS,
    scheme: str = "natural_breaks",
    k: int | None = None,
    breaks: Sequence[float] | None = None,
    unit: str = "ha",
    lang: str = "zh",
    dpi: int = 300,
    extras: bool | None = None,
    prefecture: gpd.GeoDataFrame | None = None,
    county: County | str | None = None,
    figures: Figures | None = None,
) -> list[Path]:
    """Write the choropleths (each category, the total, the density), the small multiples and the bars.

    Parameters
    ----------
    layer : geopandas.GeoDataFrame
        An allocation layer (:func:`landgis.allocation.join`).
    out_dir : str or pathlib.Path
        Folder to write into (created if needed).
    categories : sequence of str, optional
        Maps to draw: category names, ``"total"``, ``"density"``; by default every category of the
        plan, the total and the density.
    formats : sequence of str
        Any of ``"png"``, ``"svg"``, ``"pdf"``.
    scheme, k, breaks, unit, lang
        As for :func:`choropleth`. User breaks are meant for one column; with several maps they
        apply to every category map (the total and density keep the default scheme).
    dpi : int
        PNG resolution (300 for print).
    extras : bool, optional
        Also write the small-multiples sheet and the stacked bar chart; by default only when no
        ``categories`` are asked for (``map --category X`` writes that map alone).
    prefecture : geopandas.GeoDataFrame, optional
        For the locator map (see :func:`choropleth`).
    county : landgis.county.County or str
        The county of the maps (required; see :func:`choropleth`).
    figures : landgis.figures.Figures, optional
        The run's figures (:func:`landgis.figures.compute_figures`); computed from ``layer`` when not given.

    Returns
    -------
    list of pathlib.Path
        The files written, in drawing order.
    """
    county = resolve_county(county, what="render_maps")
    figs = layer_figures(layer, county, unit, lang, figures)
    formats = [f.lower().lstrip(".") for f in formats]
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise InputError(message("unknown output format {items}; use png, svg or pdf", items=', '.join(bad) or '(none)'))
    out = Path(out_dir)
    plan_cats = list(layer.attrs.get("categories") or [])
    columns = [resolve_column(layer, c) for c in categories] if categories else [*plan_cats, "total", "density"]
    unit = units.display_unit(unit)
    fmts = tuple(formats)

    def sheet(draw, stem: str, *args, cost: float = 1.0, **kwargs) -> Sheet:
        return Sheet(draw, args, kwargs, out / stem, fmts, dpi, cost=cost)

    sheets = []
    for column in columns:
        user = breaks is not None and column not in ("total", "density")
        classes = dict(scheme=scheme if (user or scheme != "user") else "natural_breaks", k=k,
                       breaks=breaks if user else None)
        run_classes(figs, layer, column, **classes)  # made here, once: the drawing workers get them with figs
        sheets.append(sheet(choropleth, file_stem(layer, column, lang), layer, column, **classes, unit=unit,
                            lang=lang, prefecture=prefecture, county=county, figures=figs))
    if extras is None:
        extras = not categories
    if extras and plan_cats:
        run_pooled_classes(figs, layer, plan_cats, scheme=scheme if breaks is None else "user", k=k, breaks=breaks)
        sheets.append(sheet(small_multiples, file_stem(layer, "small-multiples", lang), layer, plan_cats,
                            cost=SMALL_MULTIPLES_COST, scheme=scheme if breaks is None else "user", k=k, breaks=breaks,
                            unit=unit, lang=lang, county=county, figures=figs))
        sheets.append(sheet(stacked_bars, file_stem(layer, "stacked-bars", lang), layer, plan_cats, unit=unit,
                            lang=lang, county=county, figures=figs))
    # Each sheet drawn once, in parallel processes; its previews are made from the PNG's raster.
    return draw_sheets(sheets)
