"""The atlas' layers as one GeoPackage that QGIS opens styled, like the print maps.

One public function per job:

* :func:`map_spec` — what a print map of one column decides (classes, colours, texts, CRS);
* :func:`styled_layers` — the layers (allocation, county outline, QA parcels, structure table) with their
  QGIS styles (QML) and SLD, in the map's Gauss-Krüger CRS;
* :func:`write_gpkg` — those layers as a GeoPackage 1.2 with the styles in its ``layer_styles`` table,
  the table QGIS reads by itself (the total is the default style; every category is one more).

The styles are rendered from Jinja2 templates with XML autoescaping (``templates/qgis_*.{xml,qml,sld}``).
"""

from __future__ import annotations

import contextlib
import math
import re
import sqlite3
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

import geopandas as gpd
import jinja2
import pandas as pd
import pyogrio
from pyproj import CRS
from shapely import get_type_id, multipolygons

from landgis.catalog import message, text
from landgis.county import County, resolve_county
from landgis.errors import InputError
from landgis.figures import Figures, layer_figures
from landgis.files import atomic_path
from landgis.names import match_names
from landgis.printable import jinja_finalize
from landgis.render.classes import NO_SUPPLY_FACE, NO_SUPPLY_HATCH, run_classes
from landgis.render.furniture import INK, MUTED, is_dark, plot_crs
from landgis.render.qa_map import SEVERITY_COLOURS
from landgis.render.text import category_title, density_word, footer_lines, plan_title, texts_for, unit_word
from landgis.severity import severity_word
from landgis.units import UNIT_LABELS_EN, display_unit, to_unit, unit_label

if TYPE_CHECKING:  # pragma: no cover
    from landgis.qa import QAResult
    from landgis.render.classes import Classification

__all__ = [
    "MapSpec", "Symbol", "StyleClass", "LayerStyle", "StyledLayers",
    "map_spec", "styled_layers", "write_gpkg",
    "ALLOCATION", "OUTLINE", "PARCELS", "STRUCTURE", "FONT",
]

#: Table names in the GeoPackage (the layer names QGIS shows).
ALLOCATION, OUTLINE, PARCELS, STRUCTURE = "乡镇供应", "行政区界", "核查地块", "供应结构"
#: The CJK font of labels and layout text (the one the PNG maps embed).
FONT = "Noto Sans CJK SC"
#: The QGIS version whose XML the templates follow (3.22 LTR, the oldest one planners still run).
QGIS_VERSION = "3.22.16-Białowieża"
#: A fixed timestamp for gpkg_contents and layer_styles, so that re-runs give the same bytes.
STAMP = "2000-01-01T00:00:00.000Z"
SEVERITY_ORDER = ("error", "warning", "info", "ok")

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("landgis.render", "templates"),
    autoescape=True,
    finalize=jinja_finalize,  # XML 1.0 cannot hold control characters: they are written as escapes
    keep_trailing_newline=True,
    trim_blocks=False,
)

# QGIS evaluates ``[% … %]`` (the shortest match from ``[%`` to ``%]``) in layout labels and legend texts,
# and a label replaces ``$CURRENT_DATE`` first.
_QGIS_ACTIVE = re.compile(r"\[(?=%)|\$(?=CURRENT_DATE)")


def qgis_literal(text: str) -> str:
    """``text`` for a QGIS layout label or legend, shown as it is: nothing in it is evaluated.

    Every ``[`` that would open an expression ``[% … %]`` becomes the expression ``[% '[' %]``, whose
    value is ``[``; so does the ``$`` of ``$CURRENT_DATE``. No ``[%`` of the text is left to open an
    expression, so what QGIS shows is ``text`` itself. Text without them is unchanged.

    Examples
    --------
    >>> qgis_literal("[% 6*7 %]")
    "[% '[' %]% 6*7 %]"
    >>> qgis_literal("连州市2026年度土地供应计划")
    '连州市2026年度土地供应计划'
    """
    return _QGIS_ACTIVE.sub(lambda m: f"[% '{m.group()}' %]", str(text))


def qgis_field(name: str) -> str:
    """A QGIS expression's reference to the field ``name`` (double-quoted, inner quotes doubled).

    Examples
    --------
    >>> qgis_field('工矿"用地')
    '"工矿""用地"'
    """
    return '"' + str(name).replace('"', '""') + '"'


_ENV.filters["qgis_literal"] = qgis_literal
_ENV.filters["qgis_field"] = qgis_field


# --- what the print maps decide ----------------------------------------------------------------
@dataclass(frozen=True)
class MapSpec:
    """Everything a print map of one column decides, for the QGIS styles and layouts.

    Attributes
    ----------
    column : str
        The layer column (a category, ``total`` or ``density``).
    name : str
        Its title on maps (工矿仓储用地, 供应总量 …).
    classification : Classification
        The classes, colours and values in the unit, as on the PNG.
    crs : pyproj.CRS
        The map's CGCS2000 Gauss-Krüger zone.
    title, subtitle, legend_title : str
    footer : list of str
        Source, boundary footnote, CRS line: the PNG's small print.
    no_supply : str
        The 无供应 label.
    face, hatch, ink, muted : str
        Colours of 无供应 fill and hatching, text and small print.
    """

    column: str
    name: str
    classification: Classification = field(repr=False)
    crs: CRS = field(repr=False)
    title: str
    subtitle: str
    legend_title: str
    footer: list[str]
    no_supply: str
    face: str
    hatch: str
    ink: str
    muted: str


def map_spec(layer: gpd.GeoDataFrame, column: str, *, unit: str = "ha", lang: str = "zh",
             county: County | str | None = None, figures: Figures | None = None) -> MapSpec:
    """What the print map of ``column`` decides: its classes, colours and texts.

    This is the one place that reads the print maps' modules (:mod:`landgis.render.classes`, ``furniture``,
    ``text``); the QGIS styles and layouts and the Word report take their classes and texts from here so
    that they match the PNG maps.

    Parameters
    ----------
    layer : geopandas.GeoDataFrame
        An allocation layer (:func:`landgis.allocation.join`).
    column : str
        A category, ``"total"`` or ``"density"``.
    unit : {"ha", "mu", "m2"}
    lang : {"zh", "en"}
    figures : landgis.figures.Figures, optional
        The run's figures, whose classes (:func:`landgis.render.classes.run_classes`) the spec takes;
        computed from ``layer`` when not given.

    Returns
    -------
    MapSpec

    Examples
    --------
    >>> spec = map_spec(layer, "工矿仓储用地")  # doctest: +SKIP
    >>> spec.classification.labels[-1]  # doctest: +SKIP
    '18.90 – 23.01'
    """

    county = resolve_county(county, what="map_spec")
    t = texts_for(county, lang)  # 各乡镇（街道）… for a county whose units are called so
    cls = run_classes(layer_figures(layer, county, unit, lang, figures), layer, column)
    crs = plot_crs(layer, county)
    u = unit_word(unit, lang)
    name = category_title(cls.column, lang)
    subtitle = (t["subtitle_density"] if cls.column == "density"
                else t["subtitle_cat"] + (text("gpkg.unit_suffix", lang, u=u)))
    legend = (t["legend_density"].format(u=density_word(lang)) if cls.column == "density"
              else t["legend"].format(u=u))  # density in 公顷/平方公里 whatever the unit, as on the PNG
    return MapSpec(
        column=cls.column, name=name, classification=cls, crs=crs,
        title=text("punct.titled", lang, title=plan_title(layer, lang, county), what=name),
        subtitle=subtitle, legend_title=legend, footer=footer_lines(layer, crs, lang, county),
        no_supply=t["no_supply"], face=NO_SUPPLY_FACE, hatch=NO_SUPPLY_HATCH, ink=INK, muted=MUTED,
    )


def map_columns(layer: gpd.GeoDataFrame) -> list[str]:
    """The columns the atlas maps: every category of the plan, the total and the density."""
    return [*(layer.attrs.get("categories") or []), "total", "density"]


# --- styles ------------------------------------------------------------------------------------
def _rgba(colour: str | None) -> str:
    if not colour:
        return "0,0,0,0"
    h = colour.lstrip("#")
    return ",".join(str(int(h[i:i + 2], 16)) for i in (0, 2, 4)) + ",255"


@dataclass(frozen=True)
class Symbol:
    """A fill (or, for point layers, a circle marker) with an optional 45° hatching, sizes in mm."""

    fill: str | None
    stroke: str | None = "#6f6f6f"
    stroke_width: float = 0.2
    hatch: str | None = None
    hatch_distance: float = 1.6
    hatch_width: float = 0.3
    kind: str = "fill"
    size: float = 2.6

    @property
    def fill_rgba(self) -> str:
        return _rgba(self.fill)

    @property
    def stroke_rgba(self) -> str:
        return _rgba(self.stroke)

    @property
    def hatch_rgba(self) -> str:
        return _rgba(self.hatch)

    # SLD sizes are pixels (0.28 mm each, the OGC standard pixel).
    @property
    def stroke_px(self) -> str:
        return f"{self.stroke_width / 0.28:.2f}"

    @property
    def hatch_px(self) -> str:
        return f"{self.hatch_distance / 0.28:.1f}"

    @property
    def size_px(self) -> str:
        return f"{self.size / 0.28:.1f}"


@dataclass(frozen=True)
class StyleClass:
    """One legend entry: a range (graduated), a value (categorized) or the only symbol."""

    label: str
    symbol: Symbol
    lower: float = 0.0
    upper: float = 0.0
    value: str = ""

    @property
    def lower_text(self) -> str:
        return repr(float(self.lower))  # shortest text that reads back as the same double

    @property
    def upper_text(self) -> str:
        return repr(float(self.upper))


@dataclass(frozen=True)
class LayerStyle:
    """One named style of one layer, as QML (for QGIS) and SLD (for other tools)."""

    name: str
    title: str
    renderer: str  # "graduated", "categorized" or "single"
    classes: tuple[StyleClass, ...]
    field: str | None = None
    label_expression: str | None = None
    label_field: str | None = None
    label_size: float = 8.0
    label_colour: str = "#222222"
    aliases: tuple[dict, ...] = ()
    display_expression: str = ""
    map_tip: str = ""
    decimals: int = 2
    dark_above: str | None = None  # labels of features whose class number is above this (the dark classes) are white
    mode: str = "Jenks"
    default: bool = False
    font: str = FONT

    @property
    def label_rgba(self) -> str:
        return _rgba(self.label_colour)

    @property
    def label_px(self) -> str:
        return f"{self.label_size * 96 / 72:.0f}"

    def qml(self) -> str:
        """The style as a QGIS ``.qml`` document."""
        return _ENV.get_template("qgis_style.qml").render(style=self, version=QGIS_VERSION)

    def sld(self, layer_name: str) -> str:
        """The style as an SLD 1.1 document (QGIS, GeoServer, ArcGIS Pro read it)."""
        return _ENV.get_template("qgis_style.sld").render(style=self, layer_name=layer_name)


@dataclass
class StyledLayers:
    """The GeoPackage's content: layers, their styles, and the print maps they follow.

    Attributes
    ----------
    frames : dict of str to DataFrame
        Table name → layer (GeoDataFrames in ``crs``; the structure table has no geometry).
    styles : dict of str to list of LayerStyle
        Table name → styles, the default first.
    specs : list of MapSpec
        One per mapped column, in atlas order (categories, total, density).
    crs : pyproj.CRS
    unit, lang : str
    stated : dict of str to float or None
        Mapped column → the plan's stated county figure in the unit (structure for a category, the stated
        total for ``total``; None where the plan states none, and for ``density``).
    level : dict of str to str
        The county's level words in ``lang`` (:meth:`landgis.county.County.level_words`: 全县, 镇（乡）…).
    """

    frames: dict[str, pd.DataFrame]
    styles: dict[str, list[LayerStyle]]
    specs: list[MapSpec]
    crs: CRS
    unit: str
    lang: str
    level: dict[str, str]
    stated: dict[str, float | None] = field(default_factory=dict)


def _field_names(layer: gpd.GeoDataFrame, lang: str) -> dict[str, str]:
    """Layer column → GeoPackage field (categories keep their name; the rest in the report's words)."""
    names = {"code": text("tables.code", lang), "name": text("qa.quota_headers.township", lang),
             "name_en": text("gpkg.name_en", lang), "area_km2": text("gpkg.area_km2", lang),
             "total": text("tables.total_row", lang), "stated": text("gpkg.stated_total", lang),
             "density": text("gpkg.density", lang), "share": text("gpkg.share_pct", lang),
             "unit": text("gpkg.unit", lang)}
    names.update({c: c for c in layer.attrs.get("categories") or []})
    return names


def _unit_text(unit: str, lang: str) -> str:
    return unit_label(unit) if lang == "zh" else UNIT_LABELS_EN[unit]


def _allocation_frame(layer: gpd.GeoDataFrame, specs: list[MapSpec], names: dict[str, str], crs: CRS,
                      unit: str, lang: str) -> gpd.GeoDataFrame:
    """One row per township: the mapped values exactly as classified, plus the plan's stated totals."""

    plan = layer.attrs.get("plan")
    stated = dict(getattr(plan, "township_totals_ha", {}) or {})
    to_layer = match_names(list(stated), [str(n) for n in layer["name"]]) if stated else {}
    stated_by_layer = {to_layer[k]: v for k, v in stated.items() if k in to_layer}
    town = [str(n) for n in layer["name"]]
    out = pd.DataFrame({
        names["code"]: layer["code"].astype("string").to_numpy() if "code" in layer else None,
        names["name"]: town,
        names["name_en"]: [v if isinstance(v, str) else None for v in layer.get("name_en", [None] * len(layer))],
        names["area_km2"]: layer["area_km2"].astype(float).to_numpy(),
    })
    for spec in specs:  # the very numbers the classes were computed on, and the class each township is in
        out[names[spec.column]] = [float(spec.classification.values[n]) for n in town]
        out[class_field(names[spec.column], lang)] = [_class_value(spec.classification, n) for n in town]
    out[names["stated"]] = [float(to_unit(stated_by_layer[n], unit)) if n in stated_by_layer else None for n in town]
    out[names["share"]] = (layer["share"].astype(float) * 100).round(4).to_numpy()
    out[names["unit"]] = _unit_text(unit, lang)
    return gpd.GeoDataFrame(out, geometry=layer.geometry.to_crs(crs).to_numpy(), crs=crs)


def class_field(value_field: str, lang: str) -> str:
    """The field holding each township's class on a map: QGIS draws by it, never by re-reading class bounds."""
    return text("gpkg.class", lang, value_field=value_field)


def _class_value(cls, township: str) -> str:
    """A township's class as the PNG coloured it: ``"1"`` … ``"k"`` (lowest to highest), ``"0"`` for 无供应."""
    k = int(cls.assignment[township])
    return "0" if k < 0 else str(k + 1)


def _outline_frame(layer: gpd.GeoDataFrame, crs: CRS, figs: Figures) -> gpd.GeoDataFrame:
    """The county outline with the plan's stated total (全市), the townships' sum and their difference."""

    lang = figs.lang
    total = figs.total
    row = {
        (text("gpkg.name", lang)): figs.county.name,
        (text("tables.code", lang)): figs.county.code,
        (text("gpkg.stated_total_figure", lang)): figs.number(total.stated),
        (text("gpkg.township_sum", lang)): figs.number(total.townships),
        (text("gpkg.difference", lang)): figs.number(total.difference),
        (text("gpkg.unit", lang)): _unit_text(figs.unit, figs.lang),
    }
    outline = layer.to_crs(crs).union_all()
    return gpd.GeoDataFrame(pd.DataFrame([row]), geometry=[outline], crs=crs)


def _structure_frame(layer: gpd.GeoDataFrame, figs: Figures) -> pd.DataFrame:
    """Category × (stated, township sum, difference), with the 全市 row from the plan's stated total."""

    zh = figs.lang == "zh"
    codes = layer.attrs.get("category_codes") or {}
    rows = []
    for name, column in [*((c, c) for c in figs.categories), (figs.whole, "total")]:
        fig = figs.columns[column]
        rows.append((name, codes.get(column, "") if column != "total" else "", figs.number(fig.stated),
                     figs.number(fig.townships), figs.number(fig.difference)))
    cols = (["用地类型", "代码", "计划数", "乡镇合计", "差额（计划−乡镇合计）"] if zh
            else ["category", "code", "stated", "township_sum", "difference"])
    df = pd.DataFrame(rows, columns=cols)
    df[text("gpkg.unit", figs.lang)] = _unit_text(figs.unit, figs.lang)
    return df


def _parcels_frame(qa: QAResult, crs: CRS) -> gpd.GeoDataFrame:
    """Every parcel with its findings (rows without geometry kept, with an empty geometry)."""

    parcels = qa.parcels
    out = pd.DataFrame(parcels.drop(columns="geometry"))
    for col in out.columns:
        if out[col].dtype.kind in "biuf":
            continue
        out[col] = [None if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) else str(v)
                    for v in out[col]]
    geom = gpd.GeoSeries(parcels.geometry, crs=parcels.crs)
    geom = geom.to_crs(crs) if geom.crs is not None else geom.set_crs(crs)
    return gpd.GeoDataFrame(out, geometry=geom.to_numpy(), crs=crs)


def _label_expression(value_field: str | None, names: dict[str, str], decimals: int, lang: str) -> str:
    name = (f'coalesce({qgis_field(names["name_en"])}, {qgis_field(names["name"])})' if lang == "en"
            else qgis_field(names["name"]))
    if value_field is None:
        return name
    v = qgis_field(value_field)
    return f"{name} || CASE WHEN {v} > 0 THEN '\\n' || format_number({v}, {decimals}) ELSE '' END"


def _allocation_style(spec: MapSpec, names: dict[str, str], unit_alias: dict[str, str], lang: str,
                      default: bool) -> LayerStyle:
    cls = spec.classification
    no_supply = Symbol(spec.face, hatch=spec.hatch)
    fld = names[spec.column]
    # The classes landgis chose, by each township's class field; highest on top and 无供应 last, as on the PNG.
    classes = [StyleClass(label, Symbol(colour), 0.0 if i == 0 else cls.bins[i - 1], float(upper), value=str(i + 1))
               for i, (upper, label, colour) in enumerate(zip(cls.bins, cls.labels, cls.colours))]
    classes = [*reversed(classes), StyleClass(spec.no_supply, no_supply, 0.0, 0.0, value="0")]
    dark = [i for i, colour in enumerate(cls.colours) if is_dark(colour)]
    dark_above = str(dark[0]) if dark else None  # class numbers above this are the dark classes: white labels
    aliases = tuple({"field": f, "index": i, "alias": a} for i, (f, a) in enumerate(unit_alias.items()))
    return LayerStyle(
        name=spec.name, title=spec.title, renderer="categorized", classes=tuple(classes),
        field=class_field(fld, lang),
        label_expression=_label_expression(fld, names, cls.decimals, lang), label_field=names["name"],
        label_colour=spec.ink, aliases=aliases, display_expression=qgis_field(names["name"]),
        map_tip=_map_tip(names["name"], fld, cls.decimals),
        decimals=cls.decimals, dark_above=dark_above, mode={"natural_breaks": "Jenks", "quantiles": "Quantile",
                                     "equal_interval": "EqualInterval"}.get(cls.scheme, "Custom"),
        default=default,
    )


def _map_tip(name_field: str, value_field: str, decimals: int) -> str:
    """``township: value`` as a QGIS map tip; none when a field's name holds ``%]``, which would end the
    ``[% … %]`` early."""
    if "%]" in name_field + value_field:
        return ""
    return f"[% {qgis_field(name_field)} %]: [% format_number({qgis_field(value_field)}, {decimals}) %]"


def _parcel_style(frame: gpd.GeoDataFrame, lang: str) -> LayerStyle:
    kinds = set(frame.geometry.dropna().geom_type)
    marker = bool(kinds) and kinds <= {"Point", "MultiPoint"}
    classes = tuple(
        StyleClass(severity_word(s, lang),
                   Symbol(SEVERITY_COLOURS[s], stroke="#333333", stroke_width=0.25,
                          kind="marker" if marker else "fill"), value=s)
        for s in SEVERITY_ORDER)
    return LayerStyle(name=text("gpkg.by_severity", lang), title=text("gpkg.by_severity_title", lang), renderer="categorized", classes=classes, field="worst_severity",
                      display_expression='"parcel_id"', default=True)


def _outline_style(spec: MapSpec, lang: str) -> LayerStyle:
    return LayerStyle(name=text("gpkg.outline", lang), title=text("gpkg.outline_title", lang),
                      renderer="single", classes=(StyleClass("", Symbol(None, stroke=spec.ink, stroke_width=0.7)),),
                      default=True)


def styled_layers(layer: gpd.GeoDataFrame, *, qa: QAResult | None = None, unit: str = "ha",
                  lang: str = "zh", county: County | str | None = None,
                  figures: Figures | None = None) -> StyledLayers:
    """The GeoPackage's layers and their styles, the classes and colours of the print maps.

    Parameters
    ----------
    layer : geopandas.GeoDataFrame
        An allocation layer (:func:`landgis.allocation.join`) whose ``attrs["plan"]`` is the plan.
    qa : QAResult, optional
        Parcel checks; their parcels become a layer styled by severity.
    unit : {"ha", "mu", "m2"}
        Unit of the values (the classes are in it, as on the PNG maps).
    lang : {"zh", "en"}
        Language of field names, labels and legends.
    county : landgis.county.County or str
        The county of the layer (required): titles and the outline layer's name and code.
    figures : landgis.figures.Figures, optional
        The run's figures; computed from ``layer`` when not given.

    Returns
    -------
    StyledLayers

    Examples
    --------
    >>> styled = styled_layers(layer)  # doctest: +SKIP
    >>> [s.name for s in styled.styles["乡镇供应"]][:2]  # doctest: +SKIP
    ['供应总量', '公用设施用地']
    """
    unit = display_unit(unit)  # ha, mu or m2, as on the PNG maps
    if layer.attrs.get("plan") is None:
        raise InputError(message("the allocation layer carries no plan (attrs['plan']); make it with "
                                 "landgis.allocation.join"))
    county = resolve_county(county, what="styled_layers")
    figs = layer_figures(layer, county, unit, lang, figures)
    specs = [map_spec(layer, c, unit=unit, lang=lang, county=county, figures=figs) for c in map_columns(layer)]
    crs = specs[0].crs
    names = _field_names(layer, lang)
    u = _unit_text(unit, lang)
    frame = _allocation_frame(layer, specs, names, crs, unit, lang)
    alias = {names[c]: (text("tables.category_in_unit", lang, c=c, label=u)) for c in layer.attrs["categories"]}
    alias[names["total"]] = text("tables.total", lang, label=u)
    alias[names["stated"]] = text("gpkg.stated_total_alias", lang, u=u)
    alias[names["density"]] = text("gpkg.density_alias", lang, density_word=density_word(lang))
    alias[names["share"]] = text("gpkg.share_alias", lang, whole=figs.whole)
    by_column = {s.column: s for s in specs}
    order = ["total", *[c for c in by_column if c != "total"]]  # the total is the default style
    alloc_styles = [_allocation_style(by_column[c], names, alias, lang, default=(c == "total")) for c in order]

    frames: dict[str, pd.DataFrame] = {ALLOCATION: frame, OUTLINE: _outline_frame(layer, crs, figs),
                                       STRUCTURE: _structure_frame(layer, figs)}
    styles = {ALLOCATION: alloc_styles, OUTLINE: [_outline_style(specs[0], lang)]}
    if qa is not None:
        frames[PARCELS] = _parcels_frame(qa, crs)
        styles[PARCELS] = [_parcel_style(frames[PARCELS], lang)]
    plan = layer.attrs["plan"]
    stated = {c: _in_unit(plan.structure_ha.get(c), unit) for c in layer.attrs["categories"]}
    stated["total"] = _in_unit(plan.stated_total_ha, unit)
    return StyledLayers(frames=frames, styles=styles, specs=specs, crs=crs, unit=unit, lang=lang, stated=stated,
                        level=county.level_words(lang))


def _in_unit(hectares: Decimal | None, unit: str) -> float | None:
    return None if hectares is None else float(to_unit(hectares, unit))


# --- the GeoPackage ----------------------------------------------------------------------------
@contextlib.contextmanager
def _fixed_gdal_date() -> Iterator[None]:
    """gpkg_contents.last_change from a fixed date, so that the same inputs give the same file."""

    old = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": STAMP})
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": old})


def _write_layer(path: Path, name: str, frame: pd.DataFrame, description: str, first: bool) -> None:
    """One table; the first one creates the file as GeoPackage 1.2 (what QGIS 3.22's and ArcGIS' GDAL read)."""

    options = {"layer_options": {"IDENTIFIER": name, "DESCRIPTION": description}}
    if first:
        options["dataset_options"] = {"VERSION": "1.2"}
    if isinstance(frame, gpd.GeoDataFrame):
        kinds = set(frame.geometry.dropna().geom_type)
        geometry_type = "Unknown"
        geom = frame.geometry
        if kinds and kinds <= {"Polygon", "MultiPolygon"}:
            geometry_type = "MultiPolygon"  # one type per layer, as QGIS and ArcGIS expect
            geom = gpd.GeoSeries([g if g is None or get_type_id(g) == 6 else multipolygons([g]) for g in geom],
                                 crs=frame.crs)
        elif kinds and kinds <= {"Point"}:
            geometry_type = "Point"
        frame = gpd.GeoDataFrame(frame.drop(columns="geometry"), geometry=geom.to_numpy(), crs=frame.crs)
        options["geometry_type"] = geometry_type
    pyogrio.write_dataframe(frame, path, layer=name, driver="GPKG", **options)


_LAYER_STYLES = """
CREATE TABLE layer_styles (
  id INTEGER PRIMARY KEY AUTOINCREMENT, f_table_catalog TEXT(256), f_table_schema TEXT(256),
  f_table_name TEXT(256), f_geometry_column TEXT(256), styleName TEXT(30), styleQML TEXT, styleSLD TEXT,
  useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30),
  update_time DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))
"""


def _write_styles(path: Path, styled: StyledLayers) -> None:
    """The ``layer_styles`` table as QGIS creates it, registered in gpkg_contents as attributes."""
    con = sqlite3.connect(path)
    try:
        with con:
            con.execute(_LAYER_STYLES)
            con.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change) "
                        "VALUES ('layer_styles', 'attributes', 'layer_styles', '', ?)", (STAMP,))
            for table, styles in styled.styles.items():
                geom_col = con.execute("SELECT column_name FROM gpkg_geometry_columns WHERE table_name = ?",
                                       (table,)).fetchone()[0]
                for style in styles:
                    con.execute(
                        "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column,"
                        " styleName, styleQML, styleSLD, useAsDefault, description, owner, ui, update_time)"
                        " VALUES ('', '', ?, ?, ?, ?, ?, ?, ?, '', NULL, ?)",
                        (table, geom_col, style.name, style.qml(), style.sld(table), 1 if style.default else 0,
                         style.title, STAMP))
        con.execute("VACUUM")
    finally:
        con.close()


def write_gpkg(styled: StyledLayers, path: str | Path, *, description: str = "") -> Path:
    """Write the styled layers as one GeoPackage 1.2, completely or not at all.

    Parameters
    ----------
    styled : StyledLayers
        From :func:`styled_layers`.
    path : str or Path
        The ``.gpkg`` to write (replaced if it exists).
    description : str
        Stored as each layer's description in gpkg_contents (the boundary footnote, say).

    Returns
    -------
    Path

    Examples
    --------
    >>> write_gpkg(styled_layers(layer), "图层.gpkg")  # doctest: +SKIP
    PosixPath('图层.gpkg')
    """
    path = Path(path)
    with atomic_path(path) as tmp, _fixed_gdal_date():
        for i, (name, frame) in enumerate(styled.frames.items()):
            _write_layer(tmp, name, frame, description, first=(i == 0))
        _write_styles(tmp, styled)
    return path
