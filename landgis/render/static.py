"""Print-quality thematic maps and charts of an allocation layer (PNG 300 dpi, SVG, PDF).

One public function per job:

* :func:`classify` — the classes of one column (``mapclassify``), with 无供应 kept apart;
* :func:`choropleth` — one A4 map of a category, the total or the density;
* :func:`small_multiples` — every category on the same layout and the same classes;
* :func:`stacked_bars` — hectares by category per township;
* :func:`render_maps` — all of the above, written atomically in the requested formats.

Every figure is drawn with the shipped CJK font (:mod:`landgis.render.fonts`), in a
Gauss-Krüger projection of the county (CGCS2000, 3° zone, central meridian form) so that the
scale bar is true, and carries the plan's source and the boundary layer's footnote.
"""

from __future__ import annotations

import math
import os
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

import geopandas as gpd
import matplotlib
import numpy as np
import pandas as pd
from matplotlib import patheffects
from matplotlib.colors import LinearSegmentedColormap, to_hex, to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Polygon, Rectangle
from pyproj import CRS

from landgis.categories import lookup
from landgis.errors import InputError, LandgisError
from landgis.files import atomic_path
from landgis.render.fonts import rc_params

__all__ = [
    "Classification",
    "SCHEMES",
    "classify",
    "choropleth",
    "small_multiples",
    "stacked_bars",
    "render_maps",
    "plot_crs",
]

#: Classification schemes: the CLI/API name → the mapclassify class used.
SCHEMES = {
    "natural_breaks": "FisherJenks",  # the exact, deterministic form of Jenks natural breaks
    "quantiles": "Quantiles",
    "equal_interval": "EqualInterval",
    "user": "UserDefined",
}
FORMATS = ("png", "svg", "pdf")
HA_TO_MU = 15.0
A4_LANDSCAPE = (297 / 25.4, 210 / 25.4)

NO_SUPPLY_FACE = "#efefef"
NO_SUPPLY_HATCH = "#a0a0a0"
NEUTRAL = {"total": "#34495e", "density": "#5b4a6b"}  # slate and plum grey for totals and density
INK = "#222222"
MUTED = "#5a5a5a"

_TEXT = {
    "zh": {
        "no_supply": "无供应",
        "total": "供应总量",
        "density": "供应强度",
        "ha": "公顷",
        "mu": "亩",
        "per_km2": "/平方公里",
        "subtitle_cat": "各镇（乡）计划供应面积",
        "subtitle_density": "各镇（乡）每平方公里辖区面积的计划供应面积",
        "legend": "计划供应面积（{u}）",
        "legend_density": "供应强度（{u}/km²）",
        "plan": "{place}{year}年度土地供应计划",
        "source": "资料来源：《{title}》",
        "boundaries": "乡镇界线：{source}",
        "crs": "坐标系：CGCS2000，3度带高斯-克吕格投影（中央经线{cm}°E）",
        "made": "制图：landgis {v}",
        "locator": "{county}在{pref}的位置",
        "north": "北",
        "km": "公里",
        "count": "{n} 个",
        "summary": "全市计划供应 {v} {u}\n落到 {n} 个镇（乡）",
        "summary_density": "全市平均 {v} {u}/km²\n{n} 个镇（乡）有供应",
        "unallocated": "另有 {v} {u} 未列入乡镇布局",
        "top": "最多：{name} {v} {u}",
        "sm_title": "{title}：各类用地供应布局（同一分级）",
        "sm_names": "镇（乡）名称",
        "bars_title": "{title}：各镇（乡）分类供应面积",
        "bars_x": "计划供应面积（{u}）",
        "county_total": "合计",
    },
    "en": {
        "no_supply": "No supply",
        "total": "Total supply",
        "density": "Supply density",
        "ha": "ha",
        "mu": "mu",
        "per_km2": "/km²",
        "subtitle_cat": "Planned supply by township",
        "subtitle_density": "Planned supply per km² of township area",
        "legend": "Planned supply ({u})",
        "legend_density": "Supply density ({u}/km²)",
        "plan": "{place} {year} land supply plan",
        "source": "Source: {title}",
        "boundaries": "Township boundaries: {source}",
        "crs": "CRS: CGCS2000 / 3-degree Gauss-Krüger, central meridian {cm}°E",
        "made": "Made with landgis {v}",
        "locator": "{county} in {pref}",
        "north": "N",
        "km": "km",
        "count": "{n}",
        "summary": "County total {v} {u}\nin {n} townships",
        "summary_density": "County mean {v} {u}/km²\n{n} townships with supply",
        "unallocated": "{v} {u} not allocated to townships",
        "top": "Largest: {name} {v} {u}",
        "sm_title": "{title}: supply by category (same classes)",
        "sm_names": "Townships",
        "bars_title": "{title}: supply by township and category",
        "bars_x": "Planned supply ({u})",
        "county_total": "Total",
    },
}


# --- classification --------------------------------------------------------------------------
@dataclass(frozen=True)
class Classification:
    """The classes of one mapped column.

    Attributes
    ----------
    column : str
        The layer column classified (a category, ``total`` or ``density``).
    scheme : str
        One of :data:`SCHEMES`.
    unit : str
        ``"ha"`` or ``"mu"`` (densities are per km²).
    bins : tuple of float
        Upper bounds of the classes, in the unit.
    lower : float
        Lower bound of the first class.
    labels : tuple of str
        Legend text of each class (``"0.70 – 3.38"``).
    colours : tuple of str
        Fill of each class, light to dark.
    values : pandas.Series
        The mapped values in the unit, indexed by township name.
    assignment : pandas.Series
        Class index per township name (0 = lowest); ``-1`` for townships with no supply.
    decimals : int
        Decimals of the legend and the labels.
    """

    column: str
    scheme: str
    unit: str
    bins: tuple[float, ...]
    lower: float
    labels: tuple[str, ...]
    colours: tuple[str, ...]
    values: pd.Series = field(repr=False)
    assignment: pd.Series = field(repr=False)
    decimals: int = 2

    def format(self, value: float) -> str:
        """A value in the legend's precision (for labels)."""
        return _fmt(value, self.decimals)

    @property
    def k(self) -> int:
        """Number of classes (without 无供应)."""
        return len(self.bins)

    @property
    def counts(self) -> tuple[int, ...]:
        """Townships per class."""
        return tuple(int((self.assignment == i).sum()) for i in range(self.k))

    @property
    def no_supply(self) -> list[str]:
        """Townships with no supply (drawn hatched, named 无供应 in the legend)."""
        return [str(n) for n in self.assignment.index[self.assignment == -1]]

    def townships_in(self, cls: int) -> list[str]:
        """Townships in class ``cls`` (negative indices count from the top, ``-1`` is … the top)."""
        cls = cls % self.k
        return [str(n) for n in self.assignment.index[self.assignment == cls]]

    def colour_of(self, township: str) -> str:
        """Fill colour of a township (the 无供应 grey for no supply)."""
        cls = int(self.assignment[township])
        return NO_SUPPLY_FACE if cls < 0 else self.colours[cls]


def _default_k(n_distinct: int) -> int:
    """Classes for a dozen units: 3–5, never more than half the distinct values (rounded up)."""
    if n_distinct <= 3:
        return max(1, n_distinct)
    return min(5, max(3, math.ceil(n_distinct / 2)))


def _decimals(values: Iterable[float], sig: int = 2, cap: int = 4) -> int:
    """Decimals that give the smallest positive value ``sig`` significant digits."""
    pos = [abs(v) for v in values if v and np.isfinite(v)]
    if not pos:
        return 0
    return int(max(0, min(cap, sig - 1 - math.floor(math.log10(min(pos))))))


def _fmt(value: float, decimals: int) -> str:
    return f"{value:,.{decimals}f}"


def _label_value(value: float) -> str:
    """Three significant figures for map labels: 62.4, 8.21, 0.139, 936."""
    if value == 0:
        return "0"
    d = int(max(0, min(4, 2 - math.floor(math.log10(abs(value))))))
    return _fmt(value, d)


def _ramp(colour: str, k: int) -> list[str]:
    """``k`` fills from a light tint of ``colour`` to a shade dark enough to tell the classes apart.

    The standard colour sits in the upper part of the ramp; light colours (住宅 yellow, 绿地
    green) continue to a darker shade of the same hue (yellow turns towards ochre, as in
    ColorBrewer's YlOrBr), so that the classes differ in lightness.
    """
    import colorsys

    rgb = np.array(to_rgb(colour))
    tint = np.ones(3) * 0.88 + rgb * 0.12
    lum = float(rgb @ [0.2126, 0.7152, 0.0722])
    if lum > 0.45:
        h, l, s = colorsys.rgb_to_hls(*rgb)
        if 0.10 < h < 0.20:  # yellow: darken towards ochre rather than olive
            h -= 0.05
        shade = np.array(colorsys.hls_to_rgb(h, 0.30, min(1.0, s * 0.9)))
        cmap = LinearSegmentedColormap.from_list("ramp", [(0, tint), (0.6, rgb), (1, shade)])
    else:
        cmap = LinearSegmentedColormap.from_list("ramp", [(0, tint), (1, rgb)])
    if k == 1:
        return [to_hex(cmap(0.75))]
    return [to_hex(cmap(x)) for x in np.linspace(0.12, 1.0, k)]


def _colour_for(column: str) -> str:
    if column in NEUTRAL:
        return NEUTRAL[column]
    cat = lookup(column)
    return cat.colour if cat is not None and cat.colour.upper() != "#FFFFFF" else NEUTRAL["total"]


def _to_unit(layer: gpd.GeoDataFrame, column: str, unit: str) -> pd.Series:
    if unit not in ("ha", "mu"):
        raise InputError(f"unit must be 'ha' (公顷) or 'mu' (亩), not {unit!r}")
    values = pd.to_numeric(layer[column], errors="coerce").astype(float)
    if values.isna().any():
        bad = list(layer.loc[values.isna(), "name"])
        raise InputError(f"column {column!r} has no number for {'、'.join(map(str, bad))}")
    if (values < 0).any():
        bad = list(layer.loc[values < 0, "name"])
        raise InputError(f"column {column!r} is negative for {'、'.join(map(str, bad))}")
    values = values * (HA_TO_MU if unit == "mu" else 1.0)
    return pd.Series(values.to_numpy(), index=[str(n) for n in layer["name"]], name=column)


def _resolve_column(layer: gpd.GeoDataFrame, column: str) -> str:
    if column in layer.columns and column != "geometry":
        return column
    cats = layer.attrs.get("categories") or []
    cat = lookup(column)
    if cat is not None and cat.name in layer.columns:
        return cat.name
    raise InputError(
        f"nothing to map called {column!r}; the layer has {'、'.join([*cats, 'total', 'density'])}"
    )


def classify(
    layer: gpd.GeoDataFrame,
    column: str,
    *,
    scheme: str = "natural_breaks",
    k: int | None = None,
    breaks: Sequence[float] | None = None,
    unit: str = "ha",
) -> Classification:
    """Classes of one column of an allocation layer, townships with no supply kept apart.

    Only townships with a positive value are classified; a zero is 无供应 (class ``-1``), never
    the lowest class.

    Parameters
    ----------
    layer : geopandas.GeoDataFrame
        An allocation layer (:func:`landgis.join.join`).
    column : str
        A category (canonical name or alias), ``"total"`` or ``"density"``.
    scheme : str
        ``"natural_breaks"`` (Fisher-Jenks, the default), ``"quantiles"``, ``"equal_interval"``
        or ``"user"`` (with ``breaks``).
    k : int, optional
        Number of classes; by default 3–5, at most half the distinct values.
    breaks : sequence of float, optional
        Upper bounds of the classes, in ``unit``, for ``scheme="user"`` (giving breaks alone
        implies it). The largest value closes the last class when it exceeds the last break.
    unit : str
        ``"ha"`` or ``"mu"``; the values, breaks and labels are in this unit.

    Returns
    -------
    Classification

    Raises
    ------
    InputError
        For an unknown column, scheme or unit, bad breaks or a bad ``k``.
    """
    import mapclassify

    column = _resolve_column(layer, column)
    if breaks is not None and scheme == "natural_breaks":
        scheme = "user"
    if scheme not in SCHEMES:
        raise InputError(f"unknown classification scheme {scheme!r}; use one of {', '.join(SCHEMES)}")
    values = _to_unit(layer, column, unit)
    positive = values[values > 0]
    assignment = pd.Series(-1, index=values.index, dtype=int)
    colour = _colour_for(column)

    if scheme == "user":
        if not breaks:
            raise InputError("user classes need breaks, e.g. --breaks 1,5,10")
        bins = [float(b) for b in breaks]
        if any(b <= 0 for b in bins) or any(b2 <= b1 for b1, b2 in zip(bins, bins[1:])):
            raise InputError(f"breaks must be positive and increasing, got {', '.join(map(str, breaks))}")
        if len(positive) and positive.max() > bins[-1]:
            bins.append(float(positive.max()))
        lower = 0.0
        yb = np.searchsorted(np.array(bins), positive.to_numpy(), side="left")
    elif len(positive) == 0:
        bins, lower, yb = [], 0.0, np.array([], dtype=int)
    else:
        n_distinct = int(positive.round(9).nunique())
        if k is not None and k < 1:
            raise InputError(f"the number of classes must be at least 1, got {k}")
        k_used = min(k or _default_k(n_distinct), n_distinct)
        cls = getattr(mapclassify, SCHEMES[scheme])
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Numba not installed")
            result = cls(positive.to_numpy(), k=k_used)
        bins = [float(b) for b in result.bins]
        lower = float(positive.min())
        yb = np.asarray(result.yb, dtype=int)
    assignment.loc[positive.index] = yb

    if column == "density":
        decimals = _decimals(bins, sig=2, cap=5)
    else:  # the plan's own precision is 0.01 ha at least; 亩 to 0.1
        decimals = max(_decimals(bins, sig=2), 2 if unit == "ha" else 1)
    distinct = sorted({round(b, 12) for b in [lower, *bins]})
    while decimals < 6 and len({_fmt(b, decimals) for b in distinct}) < len(distinct):
        decimals += 1  # enough decimals that no two different bounds print alike
    labels = []
    for i, upper in enumerate(bins):
        lo = lower if i == 0 else bins[i - 1]
        if scheme == "user" and i == 0:
            labels.append(f"≤ {_fmt(upper, decimals)}")
        elif _fmt(lo, decimals) == _fmt(upper, decimals):  # a class of one value
            labels.append(_fmt(upper, decimals))
        else:
            labels.append(f"{_fmt(lo, decimals)} – {_fmt(upper, decimals)}")
    return Classification(
        column=column,
        scheme=scheme,
        unit=unit,
        bins=tuple(bins),
        lower=lower,
        labels=tuple(labels),
        colours=tuple(_ramp(colour, len(bins))) if bins else (),
        values=values,
        assignment=assignment,
        decimals=decimals,
    )


# --- projection and page furniture -----------------------------------------------------------
def plot_crs(layer: gpd.GeoDataFrame) -> CRS:
    """The CGCS2000 3° Gauss-Krüger zone (central-meridian form, EPSG:4534–4554) of a layer's centre.

    Parameters
    ----------
    layer : geopandas.GeoDataFrame

    Returns
    -------
    pyproj.CRS
    """
    if layer.crs is None:
        raise InputError("the layer has no CRS; cannot project it for a map")
    from landgis.crs import gk3_epsg

    lon = float(layer.to_crs(4326).union_all().centroid.x)
    try:
        return CRS.from_epsg(gk3_epsg(lon, prefix=False))
    except ValueError:  # outside China's zones: UTM of the centre
        return CRS.from_epsg(32600 + int((lon + 180) // 6) + 1)


def _central_meridian(crs: CRS) -> str:
    for param in crs.coordinate_operation.params if crs.coordinate_operation else ():
        if "central meridian" in param.name.lower() or "longitude of natural origin" in param.name.lower():
            return f"{param.value:g}"
    return "?"


def _texts(lang: str) -> dict[str, str]:
    if lang not in _TEXT:
        raise InputError(f"language must be 'zh' or 'en', not {lang!r}")
    return _TEXT[lang]


def _unit_word(unit: str, lang: str) -> str:
    return _texts(lang)[unit]


def _plan_title(layer: gpd.GeoDataFrame, lang: str) -> str:
    plan = layer.attrs.get("plan")
    place = layer.attrs.get("place") or getattr(plan, "place", None) or ""
    year = layer.attrs.get("year") or getattr(plan, "year", None) or ""
    if lang == "en":
        prov = layer.attrs.get("provenance") or {}
        place = _county_en(prov.get("county_code")) or place
    return _texts(lang)["plan"].format(place=place, year=year).strip()


def _county_en(code: str | None) -> str | None:
    if not code:
        return None
    from landgis.county import find_county

    try:
        return find_county(str(code)).name_en
    except LandgisError:
        return None


def _source_title(layer: gpd.GeoDataFrame, lang: str) -> str:
    """The plan's own title (its first line when it names a plan), else place + year."""
    plan = layer.attrs.get("plan")
    text = getattr(plan, "text", "") or ""
    first = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    if lang == "zh" and "计划" in first and len(first) <= 40:
        return first
    return _plan_title(layer, lang)


def _category_title(column: str, lang: str) -> str:
    t = _texts(lang)
    if column in ("total", "density"):
        return t[column]
    cat = lookup(column)
    if lang == "en" and cat is not None:
        return cat.name_en
    return column


def _clause(text: str, limit: int) -> str:
    """First clause of a provenance string, cut to ``limit`` characters."""
    first = re.split(r"[;；]\s*", str(text).strip(), maxsplit=1)[0]
    return first if len(first) <= limit else first[: limit - 1] + "…"


def _footer_lines(layer: gpd.GeoDataFrame, crs: CRS, lang: str) -> list[str]:
    """Source, boundary note and attribution, and the map's CRS — the small print of every sheet."""
    from landgis import __version__

    t = _texts(lang)
    zh = lang == "zh"
    prov = layer.attrs.get("provenance") or {}
    lines = [t["source"].format(title=_source_title(layer, lang))]
    footnote = prov.get("footnote" if zh else "footnote_en") or prov.get("footnote")
    if footnote:
        note = str(footnote).rstrip("。.")
        if not note.startswith(("乡镇界线", "Township boundaries")):
            note = ("乡镇界线：" if zh else "Township boundaries: ") + note
        lines[0] += ("。" if zh else ". ") + note
    # Attribution of the boundary data (CC BY requires it): where it comes from and its licence.
    src = prov.get("source")
    if src and os.sep in str(src) and not re.search(r"\s", str(src)):  # a file path: its name is enough
        src = Path(str(src)).name
    licence = prov.get("licence")
    if src or licence:
        line = ("界线数据：" if zh else "Boundary data: ") + _clause(str(src or ""), 80)
        if licence:
            line += (f"（许可：{_clause(str(licence), 150)}）" if zh else f" (licence: {_clause(str(licence), 150)})")
        lines.append(line)
    lines.append(t["crs"].format(cm=_central_meridian(crs)) + ("。" if zh else ". ") + t["made"].format(v=__version__))
    return lines


def _halo(width: float = 2.6, colour: str = "white") -> list:
    return [patheffects.withStroke(linewidth=width, foreground=colour)]


def _nice_length(max_m: float) -> float:
    """A round scale-bar length (1, 2 or 5 × 10ⁿ metres) not longer than ``max_m``."""
    exp = 10 ** math.floor(math.log10(max_m))
    for step in (5, 2, 1):
        if step * exp <= max_m:
            return step * exp
    return exp


def _scale_bar(ax, lang: str, *, loc: tuple[float, float] = (0.05, 0.05), frac: float = 0.28, fontsize: float = 7.5) -> None:
    """A checkered scale bar in kilometres; true because the axes are in metres of a conformal projection."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    length = _nice_length((x1 - x0) * frac)
    first = length / 10 ** math.floor(math.log10(length))  # 1, 2 or 5
    segments = 5 if first == 5 else 4
    seg = length / segments
    h = (y1 - y0) * 0.011
    bx = x0 + (x1 - x0) * loc[0]
    by = y0 + (y1 - y0) * loc[1]
    for i in range(segments):
        ax.add_patch(Rectangle((bx + i * seg, by), seg, h, facecolor=INK if i % 2 == 0 else "white",
                               edgecolor=INK, linewidth=0.6, zorder=30))
    ticks = [0, segments] if segments % 2 else [0, segments // 2, segments]
    for i in ticks:
        ax.text(bx + i * seg, by + h * 1.9, f"{i * seg / 1000:g}", ha="center", va="bottom", fontsize=fontsize,
                color=INK, zorder=30, path_effects=_halo(2))
    ax.text(bx + length + seg * 0.25, by + h / 2, _texts(lang)["km"], ha="left", va="center",
            fontsize=fontsize, color=INK, zorder=30, path_effects=_halo(2))


def _north_arrow(ax, lang: str, *, loc: tuple[float, float] = (0.93, 0.86), size: float = 0.075, fontsize: float = 9) -> None:
    """A half-filled north arrow; grid north of a Gauss-Krüger map is within a degree of true north here."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    h = (y1 - y0) * size
    w = h * 0.42
    cx = x0 + (x1 - x0) * loc[0]
    cy = y0 + (y1 - y0) * loc[1]
    tip, base_l, base_r, notch = (cx, cy + h / 2), (cx - w / 2, cy - h / 2), (cx + w / 2, cy - h / 2), (cx, cy - h / 4)
    ax.add_patch(Polygon([tip, base_l, notch], closed=True, facecolor="white", edgecolor=INK, linewidth=0.8, zorder=30))
    ax.add_patch(Polygon([tip, notch, base_r], closed=True, facecolor=INK, edgecolor=INK, linewidth=0.8, zorder=30))
    ax.text(cx, cy + h / 2 + h * 0.08, _texts(lang)["north"], ha="center", va="bottom", fontsize=fontsize,
            color=INK, zorder=30, path_effects=_halo(2))


def _label_point(geom):
    """Pole of inaccessibility: the label sits well inside even a concave township."""
    from shapely.ops import polylabel

    poly = max(getattr(geom, "geoms", [geom]), key=lambda g: g.area)
    try:
        return polylabel(poly, tolerance=max(poly.length / 500, 1.0))
    except Exception:  # noqa: BLE001 - degenerate shapes: fall back to shapely's own point
        return poly.representative_point()


def _is_dark(colour: str) -> bool:
    return float(np.array(to_rgb(colour)) @ [0.2126, 0.7152, 0.0722]) < 0.33


def _place_labels(ax, items: list[tuple], fontsize: float) -> None:
    """Township labels with halos; a label that would overlap one already placed is nudged.

    ``items`` are ``(x, y, text, area)`` or ``(x, y, text, area, fill)``; on a dark fill the
    label is white with a dark halo.
    """
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    placed = []
    # Largest townships first: they have the most room, the small ones move.
    for x, y, text, weight, *fill in sorted(items, key=lambda it: -it[3]):
        dark = bool(fill) and _is_dark(fill[0])
        artist = ax.text(x, y, text, ha="center", va="center", fontsize=fontsize, zorder=25,
                         color="white" if dark else INK, linespacing=1.15,
                         path_effects=_halo(2.4, "#1b1b1b" if dark else "white"))
        bbox = artist.get_window_extent(renderer).expanded(1.04, 1.08)
        if any(bbox.overlaps(b) for b in placed):
            h = bbox.height
            inv = ax.transData.inverted()
            for dx, dy in ((0, -h), (0, h), (bbox.width * 0.6, 0), (-bbox.width * 0.6, 0), (0, -1.6 * h), (0, 1.6 * h)):
                px, py = ax.transData.transform((x, y))
                artist.set_position(inv.transform((px + dx, py + dy)))
                bbox = artist.get_window_extent(renderer).expanded(1.04, 1.08)
                if not any(bbox.overlaps(b) for b in placed):
                    break
        placed.append(bbox)


def _prefecture(layer: gpd.GeoDataFrame, prefecture: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame | None:
    if prefecture is not None:
        return prefecture
    from landgis.county import find_county

    prov = layer.attrs.get("provenance") or {}
    try:
        return find_county(str(prov.get("county_code") or "")).prefecture_outline()
    except Exception:  # noqa: BLE001 - a missing locator layer must not stop the maps
        return None


def _locator(fig: Figure, rect: Sequence[float], layer_p: gpd.GeoDataFrame, pref: gpd.GeoDataFrame,
             crs: CRS, lang: str, attrs: dict) -> None:
    ax = fig.add_axes(rect)
    pref_p = pref.to_crs(crs)
    county = layer_p.union_all()
    pref_p.plot(ax=ax, facecolor="#f1f1ee", edgecolor="#b4b4b4", linewidth=0.4)
    gpd.GeoSeries([county], crs=crs).plot(ax=ax, facecolor="#c0392b", edgecolor="#7b241c", linewidth=0.5)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    for s in ax.spines.values():
        s.set_linewidth(0.6)
        s.set_color(MUTED)
    prov = attrs.get("provenance") or {}
    county_name = prov.get("county_name") or attrs.get("place") or ""
    pref_name = _prefecture_name(prov.get("county_code"), lang)
    if lang == "en":
        county_name = _county_en(prov.get("county_code")) or county_name
    ax.set_title(_texts(lang)["locator"].format(county=county_name, pref=pref_name), fontsize=8, color=MUTED, pad=3)


def _prefecture_name(code: str | None, lang: str) -> str:
    from landgis.county import find_county

    try:
        county = find_county(str(code or ""))
    except LandgisError:
        return ""
    return county.prefecture if lang == "zh" else _county_en(county.prefecture_code + "00") or county.prefecture


def _page(lang: str) -> tuple[Figure, dict]:
    fig = Figure(figsize=A4_LANDSCAPE, dpi=100)
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    fig.patch.set_facecolor("white")
    # Neat line around the sheet, as on a printed map.
    fig.add_artist(Rectangle((0.012, 0.017), 0.976, 0.966, transform=fig.transFigure, fill=False,
                             edgecolor=INK, linewidth=0.9))
    return fig, _texts(lang)


def _header(fig: Figure, title: str, subtitle: str) -> None:
    fig.text(0.035, 0.935, title, fontsize=17, color=INK, ha="left", va="baseline")
    fig.text(0.035, 0.900, subtitle, fontsize=10.5, color=MUTED, ha="left", va="baseline")
    fig.add_artist(matplotlib.lines.Line2D([0.035, 0.965], [0.885, 0.885], transform=fig.transFigure,
                                           color=INK, linewidth=0.8))


def _footer(fig: Figure, lines: list[str], y0: float = 0.028) -> None:
    for i, line in enumerate(reversed(lines)):
        fig.text(0.035, y0 + i * 0.019, line, fontsize=6.5, color=MUTED, ha="left", va="baseline")


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


def _frame_map(ax, layer_p: gpd.GeoDataFrame, pad: float = 0.05) -> None:
    """Fit the layer in the axes at equal scale in x and y, centred, with a margin."""
    x0, y0, x1, y1 = layer_p.total_bounds
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    w, h = (x1 - x0) * (1 + 2 * pad), (y1 - y0) * (1 + 2 * pad)
    bbox = ax.get_position(original=True)
    fw, fh = ax.figure.get_size_inches()
    box_ratio = (bbox.height * fh) / (bbox.width * fw)
    if h / w > box_ratio:
        w = h / box_ratio
    else:
        h = w * box_ratio
    ax.set_xlim(cx - w / 2, cx + w / 2)
    ax.set_ylim(cy - h / 2, cy + h / 2)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    for s in ax.spines.values():
        s.set_linewidth(0.7)
        s.set_color(INK)


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


def _name_of(row, lang: str) -> str:
    if lang == "en" and isinstance(row.get("name_en"), str) and row.get("name_en"):
        return str(row["name_en"])
    return str(row["name"])


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
) -> Figure:
    """An A4 landscape choropleth of one category, the total or the density.

    Parameters
    ----------
    layer : geopandas.GeoDataFrame
        An allocation layer (:func:`landgis.join.join`).
    column : str
        A category (canonical name or alias), ``"total"`` or ``"density"``.
    scheme, k, breaks, unit
        The classes, as for :func:`classify`.
    lang : str
        ``"zh"`` (default) or ``"en"``.
    prefecture : geopandas.GeoDataFrame, optional
        Counties of the prefecture for the locator map; by default the counties of the county's own prefecture (landgis.county)
        when the layer is of one of its counties (no locator otherwise).

    Returns
    -------
    matplotlib.figure.Figure
        With the classification used as ``fig.landgis_classification``.

    Raises
    ------
    InputError
        For an unknown column, scheme, unit or language, or bad breaks.
    """
    t = _texts(lang)
    with matplotlib.rc_context(rc_params()):
        cls = classify(layer, column, scheme=scheme, k=k, breaks=breaks, unit=unit)
        column = cls.column
        crs = plot_crs(layer)
        layer_p = layer.to_crs(crs)
        fig, t = _page(lang)
        u = _unit_word(unit, lang)
        what = _category_title(column, lang)
        sep = "：" if lang == "zh" else ": "
        _header(fig, f"{_plan_title(layer, lang)}{sep}{what}",
                t["subtitle_density"] if column == "density" else t["subtitle_cat"]
                + (f"（{u}）" if lang == "zh" else f" ({u})"))

        ax = fig.add_axes((0.035, 0.105, 0.60, 0.765))
        _draw_classes(ax, layer_p, cls)
        _frame_map(ax, layer_p, pad=0.06)
        items = []
        for _, row in layer_p.iterrows():
            name = str(row["name"])
            pt = _label_point(row.geometry)
            value = cls.values[name]
            text = _name_of(row, lang) if value == 0 else f"{_name_of(row, lang)}\n{cls.format(value)}"
            items.append((pt.x, pt.y, text, row.geometry.area, cls.colour_of(name)))
        _place_labels(ax, items, fontsize=8)
        _north_arrow(ax, lang)
        _scale_bar(ax, lang)

        # Right column: locator, legend, summary.
        pref = _prefecture(layer, prefecture)
        if pref is not None:
            _locator(fig, (0.675, 0.565, 0.29, 0.29), layer_p, pref, crs, lang, layer.attrs)
        handles, labels = _legend_handles(cls, t)
        title = (t["legend_density"] if column == "density" else t["legend"]).format(u=u)
        leg_ax = fig.add_axes((0.675, 0.105, 0.29, 0.43))
        leg_ax.set_axis_off()
        leg = leg_ax.legend(handles, labels, title=title, loc="upper left", frameon=False, fontsize=9,
                            title_fontsize=10, handlelength=2.6, handleheight=1.5, labelspacing=0.75,
                            borderaxespad=0.0, alignment="left")
        leg.get_title().set_color(INK)
        _summary(leg_ax, layer, cls, lang)
        _footer(fig, _footer_lines(layer, crs, lang))
        fig.landgis_classification = cls
        fig.set_label(f"{_plan_title(layer, lang)} {what}")
    return fig


def _summary(ax, layer: gpd.GeoDataFrame, cls: Classification, lang: str) -> None:
    t = _texts(lang)
    u = _unit_word(cls.unit, lang)
    supplied = cls.values[cls.values > 0]
    if cls.column == "density":
        total = float(layer["total"].sum()) / float(layer["area_km2"].sum()) * (HA_TO_MU if cls.unit == "mu" else 1)
        text = t["summary_density"].format(v=_label_value(total), u=u, n=len(supplied))
    else:
        total = float(cls.values.sum())
        text = t["summary"].format(v=_fmt(total, _decimals([total], sig=4, cap=2)), u=u, n=len(supplied))
        stated = _stated_total(layer, cls.column)
        if stated is not None:
            stated_u = stated * (HA_TO_MU if cls.unit == "mu" else 1)
            gap = stated_u - total
            if abs(gap) > 1e-6:
                text += "\n" + t["unallocated"].format(v=_label_value(gap), u=u)
    if len(supplied):
        top = supplied.idxmax()
        top_name = top
        if lang == "en":
            hit = layer.loc[layer["name"] == top, "name_en"]
            top_name = str(hit.iloc[0]) if len(hit) and isinstance(hit.iloc[0], str) else top
        dens = "/km²" if cls.column == "density" else ""
        text += "\n" + t["top"].format(name=top_name, v=cls.format(float(supplied.max())), u=u + dens)
    ax.text(0.0, 0.0, text, transform=ax.transAxes, fontsize=8.5, color=MUTED, ha="left", va="bottom",
            linespacing=1.6)


def _stated_total(layer: gpd.GeoDataFrame, column: str) -> float | None:
    """What the plan states for the whole county (category structure or total), in hectares."""
    plan = layer.attrs.get("plan")
    if plan is None:
        return None
    if column == "total":
        value = getattr(plan, "stated_total_ha", None)
    else:
        value = (getattr(plan, "structure_ha", None) or {}).get(column)
    return float(value) if value is not None else None


def small_multiples(
    layer: gpd.GeoDataFrame,
    categories: Sequence[str] | None = None,
    *,
    scheme: str = "natural_breaks",
    k: int | None = None,
    breaks: Sequence[float] | None = None,
    unit: str = "ha",
    lang: str = "zh",
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
    scheme, k, breaks, unit, lang
        As for :func:`choropleth`.

    Returns
    -------
    matplotlib.figure.Figure
        With the shared classification as ``fig.landgis_classification`` and each panel's as
        ``fig.landgis_panels`` (category → Classification).
    """
    t = _texts(lang)
    cats = [_resolve_column(layer, c) for c in (categories or layer.attrs.get("categories") or [])]
    if not cats:
        raise InputError("the layer names no categories to draw")
    with matplotlib.rc_context(rc_params()):
        # One classification over all categories: stack them into a long frame.
        long = pd.concat([pd.DataFrame({"name": [f"{c}|{n}" for n in layer["name"]], "v": layer[c].to_numpy()})
                          for c in cats], ignore_index=True)
        pooled = classify(gpd.GeoDataFrame(long, geometry=[None] * len(long)), "v", scheme=scheme, k=k,
                          breaks=breaks, unit=unit)
        crs = plot_crs(layer)
        layer_p = layer.to_crs(crs)
        fig, t = _page(lang)
        u = _unit_word(unit, lang)
        _header(fig, t["sm_title"].format(title=_plan_title(layer, lang)),
                t["subtitle_cat"] + (f"（{u}）" if lang == "zh" else f" ({u})"))
        ncols = 4
        nrows = max(2, math.ceil((len(cats) + 2) / ncols))
        left, right, bottom, top = 0.035, 0.965, 0.095, 0.845
        gap_x, gap_y = 0.012, 0.045
        w = (right - left - gap_x * (ncols - 1)) / ncols
        h = (top - bottom - gap_y * (nrows - 1)) / nrows
        panels: dict[str, Classification] = {}

        def cell(i: int):
            r, c = divmod(i, ncols)
            return fig.add_axes((left + c * (w + gap_x), top - (r + 1) * h - r * gap_y, w, h))

        for i, cat in enumerate(cats):
            ax = cell(i)
            colours = _ramp(_colour_for(cat), pooled.k) if pooled.k else []
            values = layer[cat].astype(float).to_numpy() * (HA_TO_MU if unit == "mu" else 1.0)
            assign = pd.Series([int(pooled.assignment[f"{cat}|{n}"]) for n in layer["name"]],
                               index=[str(n) for n in layer["name"]])
            panel = Classification(cat, pooled.scheme, unit, pooled.bins, pooled.lower, pooled.labels,
                                   tuple(colours), pd.Series(values, index=assign.index), assign,
                                   pooled.decimals)
            panels[cat] = panel
            _draw_classes(ax, layer_p, panel, edge=0.45)
            _frame_map(ax, layer_p, pad=0.04)
            total = float(np.sum(values))
            ax.set_title(f"{_category_title(cat, lang)}  {_fmt(total, 2)} {u}", fontsize=9,
                         color=INK, pad=3, loc="left")
            # The panel's own ramp as a strip under the map.
            _class_strip(ax, panel)
        key = cell(len(cats))
        _draw_key(key, layer_p, lang)
        info = cell(len(cats) + 1)
        info.set_axis_off()
        handles = [Patch(facecolor=c, edgecolor="#6f6f6f", linewidth=0.5) for c in _ramp("#777777", pooled.k)]
        labels = list(pooled.labels)
        handles.reverse()
        labels.reverse()
        handles.append(Patch(facecolor=NO_SUPPLY_FACE, edgecolor=NO_SUPPLY_HATCH, hatch="////", linewidth=0.5))
        labels.append(t["no_supply"])
        info.legend(handles, labels, title=t["legend"].format(u=u), loc="upper left", frameon=False, fontsize=8,
                    title_fontsize=9, handlelength=2.2, handleheight=1.3, borderaxespad=0.3, alignment="left")
        note = ("各图分级相同；色相为各地类标准色，深浅表示分级。" if lang == "zh"
                else "All panels share the classes; hue is the category's standard colour, depth the class.")
        info.text(0.02, 0.02, note, transform=info.transAxes, fontsize=7.2, color=MUTED, wrap=True, va="bottom")
        _footer(fig, _footer_lines(layer, crs, lang))
        fig.landgis_classification = pooled
        fig.landgis_panels = panels
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


def _draw_key(ax, layer_p: gpd.GeoDataFrame, lang: str) -> None:
    """The key panel: township names on plain polygons, north arrow and scale bar."""
    layer_p.plot(ax=ax, facecolor="#f7f7f5", edgecolor="#8a8a8a", linewidth=0.45)
    gpd.GeoSeries([layer_p.union_all()], crs=layer_p.crs).boundary.plot(ax=ax, color=INK, linewidth=0.9)
    _frame_map(ax, layer_p, pad=0.04)
    items = []
    for _, row in layer_p.iterrows():
        pt = _label_point(row.geometry)
        items.append((pt.x, pt.y, _name_of(row, lang), row.geometry.area))
    _place_labels(ax, items, fontsize=6.5)
    ax.set_title(_texts(lang)["sm_names"], fontsize=9, color=INK, pad=3, loc="left")
    _north_arrow(ax, lang, loc=(0.9, 0.84), size=0.12, fontsize=7)
    _scale_bar(ax, lang, loc=(0.05, 0.05), frac=0.35, fontsize=6)


def stacked_bars(
    layer: gpd.GeoDataFrame,
    categories: Sequence[str] | None = None,
    *,
    unit: str = "ha",
    lang: str = "zh",
) -> Figure:
    """Hectares (or mu) by category per township, as horizontal stacked bars, largest on top.

    Parameters
    ----------
    layer : geopandas.GeoDataFrame
        An allocation layer.
    categories : sequence of str, optional
        By default ``layer.attrs["categories"]``.
    unit, lang
        As for :func:`choropleth`.

    Returns
    -------
    matplotlib.figure.Figure
        With the plotted table (townships × categories, in the unit) as ``fig.landgis_table``.
    """
    cats = [_resolve_column(layer, c) for c in (categories or layer.attrs.get("categories") or [])]
    if not cats:
        raise InputError("the layer names no categories to draw")
    factor = HA_TO_MU if unit == "mu" else 1.0
    if unit not in ("ha", "mu"):
        raise InputError(f"unit must be 'ha' (公顷) or 'mu' (亩), not {unit!r}")
    with matplotlib.rc_context(rc_params()):
        fig, t = _page(lang)
        u = _unit_word(unit, lang)
        names = [_name_of(row, lang) for _, row in layer.iterrows()]
        table = pd.DataFrame({c: layer[c].astype(float).to_numpy() * factor for c in cats}, index=names)
        table = table.loc[table.sum(axis=1).sort_values(ascending=True, kind="stable").index]
        _header(fig, t["bars_title"].format(title=_plan_title(layer, lang)), t["bars_x"].format(u=u))
        ax = fig.add_axes((0.13, 0.13, 0.64, 0.72))
        left = np.zeros(len(table))
        y = np.arange(len(table))
        for cat in cats:
            colour = _colour_for(cat) if cat not in NEUTRAL else "#999999"
            ax.barh(y, table[cat], left=left, height=0.66, color=colour, edgecolor="#555555", linewidth=0.35,
                    label=_category_title(cat, lang))
            left += table[cat].to_numpy()
        totals = table.sum(axis=1).to_numpy()
        span = float(totals.max()) if len(totals) and totals.max() > 0 else 1.0
        for yi, tot in zip(y, totals):
            text = _fmt(tot, 2 if unit == "ha" else 1) if tot > 0 else t["no_supply"]
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
                  title="用地类别" if lang == "zh" else "Category", title_fontsize=10, alignment="left",
                  handlelength=1.6, handleheight=1.1, labelspacing=0.8)
        county = float(totals.sum())
        ax.text(1.03, 0.0, f"{t['county_total']}：{_fmt(county, 2)} {u}" if lang == "zh"
                else f"{t['county_total']}: {_fmt(county, 2)} {u}",
                transform=ax.transAxes, fontsize=9, color=MUTED, va="bottom")
        source = _texts(lang)["source"].format(title=_source_title(layer, lang))
        _footer(fig, [source, _texts(lang)["made"].format(v=_version())])
        fig.landgis_table = table.iloc[::-1]
    return fig


def _version() -> str:
    from landgis import __version__

    return __version__


# --- writing -------------------------------------------------------------------------------
def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _file_stem(layer: gpd.GeoDataFrame, column: str) -> str:
    if column in ("total", "density"):
        return column
    code = (layer.attrs.get("category_codes") or {}).get(column) or ""
    cat = lookup(column)
    name = _slug(cat.name_en) if cat is not None else f"x{(layer.attrs.get('categories') or []).index(column) + 1}"
    return f"cat-{code}-{name}" if code else f"cat-{name}"


def _metadata(fmt: str, title: str) -> dict:
    # No dates: the same inputs give the same files.
    if fmt == "pdf":
        return {"Title": title, "Creator": f"landgis {_version()}", "Producer": None,
                "CreationDate": None, "ModDate": None}
    if fmt == "svg":
        return {"Title": title, "Creator": f"landgis {_version()}", "Date": None}
    if fmt == "png":
        return {"Title": title, "Software": f"landgis {_version()} (matplotlib)"}
    return {}


def save_figure(fig: Figure, path: str | Path, *, dpi: int = 300) -> Path:
    """Write a figure atomically (temporary file in the same folder, then rename).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    path : str or pathlib.Path
        The format is the suffix: ``.png``, ``.svg`` or ``.pdf``.
    dpi : int
        Resolution of PNG output (vector formats are resolution-free).

    Returns
    -------
    pathlib.Path
    """
    path = Path(path)
    fmt = path.suffix.lstrip(".").lower()
    if fmt not in FORMATS:
        raise InputError(f"cannot write {path.name}: format must be one of {', '.join(FORMATS)}")
    with atomic_path(path) as tmp, matplotlib.rc_context({**rc_params(), "svg.hashsalt": "landgis"}):
        fig.savefig(tmp, format=fmt, dpi=dpi, metadata=_metadata(fmt, fig.get_label() or path.stem),
                    facecolor="white")
    return path


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
    extras: bool = True,
    prefecture: gpd.GeoDataFrame | None = None,
) -> list[Path]:
    """Write the choropleths (each category, the total, the density), the small multiples and the bars.

    Parameters
    ----------
    layer : geopandas.GeoDataFrame
        An allocation layer (:func:`landgis.join.join`).
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
    extras : bool
        Also write the small-multiples sheet and the stacked bar chart.
    prefecture : geopandas.GeoDataFrame, optional
        For the locator map (see :func:`choropleth`).

    Returns
    -------
    list of pathlib.Path
        The files written, in drawing order.
    """
    formats = [f.lower().lstrip(".") for f in formats]
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise InputError(f"unknown output format {', '.join(bad) or '(none)'}; use png, svg or pdf")
    out = Path(out_dir)
    plan_cats = list(layer.attrs.get("categories") or [])
    columns = [_resolve_column(layer, c) for c in categories] if categories else [*plan_cats, "total", "density"]
    if unit not in ("ha", "mu"):
        raise InputError(f"unit must be 'ha' (公顷) or 'mu' (亩), not {unit!r}")
    written: list[Path] = []

    def write(fig: Figure, stem: str) -> None:
        for fmt in formats:
            written.append(save_figure(fig, out / f"{stem}.{fmt}", dpi=dpi))

    for column in columns:
        user = breaks is not None and column not in ("total", "density")
        fig = choropleth(layer, column, scheme=scheme if (user or scheme != "user") else "natural_breaks",
                         k=k, breaks=breaks if user else None, unit=unit, lang=lang, prefecture=prefecture)
        write(fig, _file_stem(layer, column))
    if extras and plan_cats:
        write(small_multiples(layer, plan_cats, scheme=scheme if breaks is None else "user", k=k, breaks=breaks,
                              unit=unit, lang=lang), "small-multiples")
        write(stacked_bars(layer, plan_cats, unit=unit, lang=lang), "stacked-bars")
    return written
