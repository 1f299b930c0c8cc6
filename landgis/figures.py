"""The one model of a run's figures: the plan's own county figures beside the townships' sums.

Every output (print maps, index.html, 报告.docx, the XLSX/CSV tables, 图层.gpkg) shows these figures;
none adds them up for itself, so none can disagree with another. The model is computed once per
run by :func:`compute_figures` from the plan and the allocation layer (:func:`landgis.allocation.join`).

The rules, in one place:

- a township's figure is its stated total where the plan states one (「怀城街道办53.30公顷，其中…」),
  else the sum of its categories;
- 乡镇合计 is the sum of the townships' figures; a category's 乡镇合计 the sum of its cells;
- the county figure is the plan's own where it states one (计划总量, 供应结构); where it does not,
  the townships' sum stands in, labelled so (``stated`` is ``False``);
- the difference is ``stated - townships``: 未落实到乡镇 when positive, 乡镇合计超出计划 when negative,
  and nothing when it is zero at the display precision;
- a plan that gives no figure by township (a 全市 total and its structure only) has no 乡镇合计 and no
  difference: the outputs say 计划未分列乡镇, never 未落实到乡镇 for the whole plan;
- a city's plan by district says 区县 where a county's says 乡镇.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Mapping

import geopandas as gpd

from landgis.catalog import text
from landgis.categories import category_name
from landgis.county import County
from landgis.plan import Plan
from landgis.units import PRECISION, display_unit, format_area, to_unit

__all__ = ["Figure", "Figures", "compute_figures", "english_names", "layer_figures", "township_figures"]



@dataclass(frozen=True)
class Figure:
    """One column's county figure (``"total"`` or a category), in hectares.

    Attributes
    ----------
    column : str
        ``"total"`` or a category's canonical name.
    stated : Decimal or None
        The plan's own figure (计划总量, or the category's 供应结构); ``None`` when it states none.
    townships : Decimal or None
        乡镇合计: the sum over the townships; ``None`` when the plan gives no figure by township.
    """

    column: str
    stated: Decimal | None
    townships: Decimal | None

    @property
    def county(self) -> Decimal | None:
        """The plan's figure where it states one, else the townships' sum (``None`` when neither exists)."""
        return self.stated if self.stated is not None else self.townships

    @property
    def difference(self) -> Decimal | None:
        """``stated - townships``; ``None`` when the plan states no figure or gives none by township."""
        return None if self.stated is None or self.townships is None else self.stated - self.townships


@dataclass(frozen=True)
class Figures:
    """A run's figures and how every output words them.

    Attributes
    ----------
    county : County
        Whose figures (its level word: 全市 / 全县 / 全区 / 全旗).
    unit, lang : str
        The display unit (``ha``, ``mu``, ``m2``) and language (``zh``, ``en``).
    categories : tuple of str
        The plan's categories, in its order.
    columns : mapping of str to Figure
        ``"total"`` and each category.
    townships : mapping of str to Decimal
        Each township of the layer (its layer name) and its figure (0 for 无供应); empty when the plan
        gives no figure by township.
    area_km2 : float or None
        The layer's area, for densities; ``None`` without a township layer.
    broken_down : bool
        Whether the plan gives any figure by township (a total, a category, or 无供应).
    names : mapping of str to str
        In English, the name each of the plan's townships and categories has in the run's outputs
        (连州镇 → Lianzhou from the layer's ``name_en``, 住宅用地 → Residential); empty in Chinese. The
        findings' sentences take their names from here (:meth:`landgis.plan.Finding.text`).
    map_classes : dict
        The classes of the run's maps, made once by :func:`landgis.render.classes.run_classes` and
        shared by every map that draws the same column.
    """

    county: County
    unit: str
    lang: str
    categories: tuple[str, ...]
    columns: Mapping[str, Figure]
    townships: Mapping[str, Decimal]
    area_km2: float | None
    broken_down: bool = True
    names: Mapping[str, str] = field(default_factory=dict)
    map_classes: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def whole(self) -> str:
        """The county's level word from the catalogue: 全市, 全县, 全区 or 全旗 (``County``, ``District``, ``Banner``, or
        ``City`` for a city, in English)."""
        return self.county.level_words(self.lang)["whole"]

    @property
    def unit_level(self) -> str:
        """What the plan's units are, for the catalogue's words (:func:`landgis.catalog.text`): ``"district"``
        (区县) for a city's plan, ``"township"`` (乡镇) for a county's."""
        return "district" if self.county is not None and self.county.level == "prefecture" else "township"

    @property
    def total(self) -> Figure:
        return self.columns["total"]

    def text(self, hectares: Decimal | float | None, where: str = "map", label: bool = True) -> str:
        """A figure's display text, in the run's unit and language, by the one precision rule."""
        return format_area(hectares, self.unit, where=where, lang=self.lang, label=label)

    def number(self, hectares: Decimal | float | None) -> float | None:
        """A figure as a spreadsheet or attribute number, in the run's unit, not rounded (so that sums add up);
        :attr:`number_format` shows it at the tables' precision."""
        if hectares is None:
            return None
        return float(to_unit(hectares if isinstance(hectares, Decimal) else Decimal(repr(float(hectares))),
                             display_unit(self.unit)))

    @property
    def number_format(self) -> str:
        """The spreadsheet number format of a figure: the tables' precision of :data:`landgis.units.PRECISION`."""
        places = PRECISION[display_unit(self.unit)]["table"]
        return "#,##0" + ("." + "0" * places if places else "")

    def label(self, key: str) -> str:
        """The words for ``stated``, ``county``, ``townships``, ``unplaced``, ``over``, ``no_breakdown`` or
        ``not_given``, with the county's word for its units (乡镇, or 区县 for a city)."""
        units = text("units.plural", self.lang, unit_level=self.unit_level)
        return text(f"figures.{key}", self.lang, whole=self.whole, units=units, Units=units.capitalize(),
                    unit=text("units.one", self.lang, unit_level=self.unit_level))

    def gap(self, column: str = "total", where: str = "map") -> tuple[str, str] | None:
        """How a column's difference is worded, or ``None`` where there is none at the display precision.

        Returns
        -------
        (str, str) or None
            ``("未落实到乡镇", "1.78 公顷")`` or ``("乡镇合计超出计划", "1.24 公顷")``; the amount is
            never negative.
        """
        diff = self.columns[column].difference
        if diff is None or float(self.text(abs(diff), where, label=False).replace(",", "")) == 0:
            return None
        return self.label("unplaced" if diff > 0 else "over"), self.text(abs(diff), where)

    def density(self, column: str = "total") -> float | None:
        """The county's density (ha per km²) of the plan's figure; ``None`` without a layer or a figure."""
        if not self.area_km2 or self.columns[column].county is None:
            return None
        return float(self.columns[column].county) / self.area_km2

    def top_township(self) -> tuple[str, Decimal] | None:
        """The township with the largest figure (the first of equals, in layer order)."""
        if not self.townships or max(self.townships.values()) <= 0:
            return None
        name = max(self.townships, key=lambda k: self.townships[k])
        return name, self.townships[name]

    def lines(self, column: str = "total", where: str = "map") -> list[str]:
        """The county figure, then 乡镇合计 and the difference where they differ (or 计划未分列乡镇).

        Examples
        --------
        >>> figures.lines()  # doctest: +SKIP
        ['全市（计划）：158.18 公顷', '乡镇合计：156.40 公顷', '未落实到乡镇：1.78 公顷']
        """
        sep = text("punct.colon", self.lang)
        fig = self.columns[column]
        first = self.label("stated" if fig.stated is not None else "county")
        lines = [f"{first}{sep}{self.text(fig.county, where)}"]
        if not self.broken_down:
            return [*lines, self.label("no_breakdown")]
        gap = self.gap(column, where)
        if gap is not None:
            lines.append(f"{self.label('townships')}{sep}{self.text(fig.townships, where)}")
            lines.append(f"{gap[0]}{sep}{gap[1]}")
        return lines


def township_figures(plan: Plan, names: Mapping[str, str] | None = None) -> dict[str, Decimal]:
    """Each township's figure: its stated total, else the sum of its categories (exact, hectares).

    Parameters
    ----------
    plan : Plan
    names : mapping, optional
        Plan township name → layer name; the result is keyed by layer name when given.

    Examples
    --------
    >>> from landgis.plan import parse_plan
    >>> plan = parse_plan("某县2026年度国有建设用地供应计划\\n供应总量9公顷。\\n"
    ...                   "城关镇供应量为6公顷，其中住宅用地5公顷；河口镇住宅用地3公顷。")
    >>> township_figures(plan)
    {'城关镇': Decimal('6'), '河口镇': Decimal('3')}
    """
    sums: dict[str, Decimal] = {}
    for row in plan.allocations.itertuples():
        sums[row.township] = sums.get(row.township, Decimal(0)) + Decimal(row.hectares_exact)
    stated = {t: Decimal(v) for t, v in plan.township_totals_ha.items()}
    towns = list(dict.fromkeys([*stated, *sums]))
    out = {t: stated.get(t, sums.get(t, Decimal(0))) for t in towns}
    if names is None:
        return out
    keyed: dict[str, Decimal] = {}
    for town, value in out.items():
        key = names.get(town, town)
        keyed[key] = keyed.get(key, Decimal(0)) + value
    return keyed


def compute_figures(plan: Plan, layer: gpd.GeoDataFrame, county: County, unit: str = "ha", lang: str = "zh",
                    has_layer: bool = True) -> Figures:
    """The run's figures, once: the plan's own county figures, the townships' sums, their differences.

    Parameters
    ----------
    plan : Plan
        The parsed plan.
    layer : geopandas.GeoDataFrame
        The allocation layer (:func:`landgis.allocation.join`); its ``attrs["township_names"]`` maps
        plan names to layer names.
    county : County
        The plan's county.
    unit, lang : str
        Display unit and language.
    has_layer : bool
        ``False`` when no township layer was given (no densities).

    Returns
    -------
    Figures

    Examples
    --------
    >>> figs = compute_figures(plan, layer, county)  # doctest: +SKIP
    >>> figs.total.stated, figs.total.townships  # doctest: +SKIP
    (Decimal('158.1793169'), Decimal('156.397524'))
    """
    names = layer.attrs.get("township_names") or {}
    by_town = township_figures(plan, names)
    broken_down = bool(by_town) or bool(plan.no_supply)
    townships = {str(n): by_town.get(str(n), Decimal(0)) for n in layer["name"]} if broken_down else {}
    by_cat: dict[str, Decimal] = {}
    for row in plan.allocations.itertuples():
        by_cat[row.category] = by_cat.get(row.category, Decimal(0)) + Decimal(row.hectares_exact)
    zero = Decimal(0) if broken_down else None  # no breakdown: no 乡镇合计 at all, not a sum of 0
    columns = {"total": Figure("total", _opt(plan.stated_total_ha),
                               sum(by_town.values(), Decimal(0)) if broken_down else None)}
    for cat in plan.categories:
        columns[cat] = Figure(cat, _opt((plan.structure_ha or {}).get(cat)), by_cat.get(cat, zero))
    area = float(layer["area_km2"].sum()) if has_layer and "area_km2" in layer else None
    return Figures(county=county, unit=unit, lang=lang, categories=tuple(plan.categories), columns=columns,
                   townships=townships, area_km2=area or None, broken_down=broken_down,
                   names=english_names(plan, layer) if lang == "en" else {})


def english_names(plan: Plan, layer: gpd.GeoDataFrame) -> dict[str, str]:
    """The English name of each of the plan's townships and the layer's (their ``name_en``) and of each category.

    Examples
    --------
    >>> from landgis.plan import SEED_PLAN, parse_plan
    >>> layer = gpd.GeoDataFrame({"name": ["连州镇"], "name_en": ["Lianzhou"]}, geometry=[None])
    >>> layer.attrs["township_names"] = {"连州镇": "连州镇"}
    >>> names = english_names(parse_plan(SEED_PLAN), layer)
    >>> names["连州镇"], names["住宅用地"]
    ('Lianzhou', 'Residential')
    """
    out = {cat: category_name(cat, "en") for cat in plan.categories}
    if "name_en" in layer:
        by_layer = {str(n): e for n, e in zip(layer["name"], layer["name_en"]) if isinstance(e, str) and e}
        out.update(by_layer)  # a township the plan does not name (无供应) is named by the layer
        for pname, lname in (layer.attrs.get("township_names") or {}).items():
            if str(lname) in by_layer:
                out[str(pname)] = by_layer[str(lname)]
    return out


def _opt(value) -> Decimal | None:
    return None if value is None else Decimal(value)


def layer_figures(layer: gpd.GeoDataFrame, county: County, unit: str = "ha", lang: str = "zh",
                  figures: Figures | None = None) -> Figures:
    """``figures`` when a caller hands the run's model on, else the model of ``layer``'s plan.

    For writers called on their own (from a notebook); :func:`landgis.atlas.build_atlas` computes the
    model once and hands it to every writer.
    """
    if figures is not None:
        return figures
    plan = layer.attrs.get("plan")
    if plan is None:
        raise ValueError("the layer carries no plan: make it with landgis.allocation.join")
    has_layer = not (layer.attrs.get("provenance") or {}).get("no_geometry")
    return compute_figures(plan, layer, county, unit, lang, has_layer=has_layer)
